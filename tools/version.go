// Package tools holds the repository's development tools: the pinned linters
// and release tools (see the tool directives of go.mod), the mcpauth-check
// command and the release helper. It is not imported by the library modules.
package tools

// Version is the version of the tools module (Semantic Versioning 2.0.0,
// without the leading "v"). The release helper (cmd/release) sets it.
const Version = "0.1.0-dev"
