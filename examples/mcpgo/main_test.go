package main

import (
	"testing"

	"github.com/go-mcpauth/mcpauth/examples/internal/e2etest"
)

// TestEndToEnd runs the end-to-end suite (whoami in both session modes,
// scopes, metadata, key rotation) against the mcp-go example with a real
// OpenID provider.
func TestEndToEnd(t *testing.T) { e2etest.RunOptions(t, options(), serve) }

// TestDevIssuer checks that the example works with no configuration.
func TestDevIssuer(t *testing.T) { e2etest.RunDev(t, options(), serve) }

// TestEndToEndOpaque runs the suite with opaque access tokens verified by
// introspection at the real OpenID provider.
func TestEndToEndOpaque(t *testing.T) { e2etest.RunOpaqueOptions(t, options(), serve) }
