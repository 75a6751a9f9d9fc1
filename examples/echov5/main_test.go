package main

import (
	"testing"

	"github.com/go-mcpauth/mcpauth/examples/internal/app"
	"github.com/go-mcpauth/mcpauth/examples/internal/e2etest"
)

// TestEndToEnd runs the end-to-end suite against this example's wiring
// with a real OpenID provider.
func TestEndToEnd(t *testing.T) { e2etest.Run(t, "echov5", serve) }

// TestDevIssuer checks that the example works with no configuration.
func TestDevIssuer(t *testing.T) { e2etest.RunDev(t, app.Options{Name: "echov5"}, serve) }

// TestEndToEndOpaque runs the suite with opaque access tokens verified by
// introspection at the real OpenID provider.
func TestEndToEndOpaque(t *testing.T) { e2etest.RunOpaque(t, "echov5", serve) }
