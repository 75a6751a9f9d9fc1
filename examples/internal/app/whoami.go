package app

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	mcpgosdk "github.com/go-mcpauth/mcpauth/adapters/gosdk"
)

// RegisterWhoami adds the whoami tool to s.
func RegisterWhoami(s *mcp.Server) {
	mcp.AddTool(s, &mcp.Tool{
		Name: "whoami",
		Description: "Returns who is calling, as verified from the access token: issuer, client_id, " +
			"subject, scopes, audience, expires_at and claims (never the token itself).",
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true},
	}, Whoami)
}

// Whoami is the whoami tool: its one text content is the caller's
// mcpauth.AuthInfo as JSON, which leaves the raw token out.
func Whoami(_ context.Context, req *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
	info, ok := mcpgosdk.AuthInfo(req)
	if !ok {
		return nil, nil, errors.New("the request is not authenticated")
	}
	b, err := json.Marshal(info)
	if err != nil {
		return nil, nil, err
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: string(b)}}}, nil, nil
}
