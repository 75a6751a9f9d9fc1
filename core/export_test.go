package mcpauth

// ResourceMetadataURL exposes resourceMetadataURL to the reference tests of
// package mcpauth_test.
var ResourceMetadataURL = resourceMetadataURL
