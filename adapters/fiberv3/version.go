package mcpfiber

// Version is the version of this module (Semantic Versioning 2.0.0, without
// the leading "v"); its releases are tagged adapters/fiberv3/v<Version>. The release
// helper (tools/cmd/release) sets it.
const Version = "0.1.0-dev"
