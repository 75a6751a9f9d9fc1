package app

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	mcpauth "github.com/go-mcpauth/mcpauth/core"
)

// RegisterWhoami adds the whoami tool to s.
func RegisterWhoami(s *mcp.Server) {
	mcp.AddTool(s, &mcp.Tool{
		Name:        "whoami",
		Description: WhoamiDescription,
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true},
	}, Whoami)
}

// WhoamiDescription describes the whoami tool of every example.
const WhoamiDescription = "Returns who is calling, as verified from the access token: issuer, client_id, " +
	"subject, scopes, audience, expires_at and claims (never the token itself)."

// Whoami is the whoami tool: its one text content is the caller of the
// request being served, read from ctx, as JSON (see [CallerJSON]).
func Whoami(ctx context.Context, _ *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
	text, err := CallerJSON(ctx)
	if err != nil {
		return nil, nil, err
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: text}}}, nil, nil
}

// CallerJSON returns the caller that ctx carries (mcpauth.AuthInfoFromContext)
// as JSON, which leaves the raw token out. The examples' bridges (mcpgosdk
// with its ContextMiddleware, mcpmcpgo) make ctx carry the caller of the
// request being served, in stateless and stateful mode.
func CallerJSON(ctx context.Context) (string, error) {
	info, ok := mcpauth.AuthInfoFromContext(ctx)
	if !ok {
		return "", errors.New("the request is not authenticated")
	}
	b, err := json.Marshal(info)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
