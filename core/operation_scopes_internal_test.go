package mcpauth

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// testOps is the per-operation configuration of the internal tests.
func testOps(t *testing.T, limit int64) *operationScopes {
	t.Helper()
	o, err := newOperationScopes(BearerOptions{
		MethodScopes:  map[string][]string{"resources/read": {"files:read"}, methodToolsCall: {"tools"}},
		ToolScopes:    map[string][]string{"delete": {"admin"}, "create": {"write"}, "\ufffd": {"replaced"}, "Δ": {"delta"}},
		BodyPeekLimit: limit,
	})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestOperationRequirements: the scopes the operations of a body need,
// including the bodies an attacker would send to show the check another
// operation than the SDK runs.
func TestOperationRequirements(t *testing.T) {
	o := testOps(t, 4096)
	all := []string{"admin", "delta", "files:read", "replaced", "tools", "write"}
	for _, tc := range []struct {
		name string
		body string
		want []string
	}{
		{"tools/call of a listed tool", `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"create","arguments":{"content":"x"}}}`, []string{"tools", "write"}},
		{"tools/call of an unlisted tool", `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami"}}`, []string{"tools"}},
		{"a listed method", `{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"file:///a"}}`, []string{"files:read"}},
		{"an unlisted method", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25"}}`, nil},
		{"a response", `{"jsonrpc":"2.0","id":1,"result":{"name":"delete"}}`, nil},
		{"params.name of another method", `{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":"delete"}}`, nil},
		{"batch: a harmless and a privileged call", `[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"delete"}}]`, []string{"tools", "admin"}},
		{"batch: every entry counts, in order, once", `[{"method":"tools/call","params":{"name":"create"}},{"method":"tools/call","params":{"name":"delete"}},{"method":"tools/call","params":{"name":"create"}}]`, []string{"tools", "write", "admin"}},
		{"batch: non-object entries skipped", `[1,"x",null,[],{"method":"tools/call","params":{"name":"delete"}}]`, []string{"tools", "admin"}},
		{"empty batch", `[]`, nil},
		{"nested batch is no message", `[[{"method":"tools/call","params":{"name":"delete"}}]]`, nil},
		{"duplicate method, privileged last", `{"method":"ping","method":"tools/call","params":{"name":"delete"}}`, []string{"tools", "admin"}},
		{"duplicate method, privileged first", `{"method":"tools/call","params":{"name":"delete"},"method":"ping"}`, []string{"tools", "admin"}},
		{"duplicate params", `{"method":"tools/call","params":{"name":"create"},"params":{"name":"delete"}}`, []string{"tools", "write", "admin"}},
		{"duplicate name", `{"method":"tools/call","params":{"name":"whoami","name":"delete"}}`, []string{"tools", "admin"}},
		{"keys in other cases", `{"METHOD":"tools/call","Params":{"NaMe":"delete"}}`, []string{"tools", "admin"}},
		{"a key folding to params (long s)", `{"method":"tools/call","param\u017f":{"name":"delete"}}`, []string{"tools", "admin"}},
		{"a raw key folding to params (long s)", "{\"method\":\"tools/call\",\"param\u017f\":{\"name\":\"delete\"}}", []string{"tools", "admin"}},
		{"escaped keys and values", `{"m\u0065thod":"tools\/call","params":{"n\u0061me":"del\u0065te"}}`, []string{"tools", "admin"}},
		{"a non-ASCII tool", `{"method":"tools/call","params":{"name":"Δ"}}`, []string{"tools", "delta"}},
		{"an escaped non-ASCII tool", `{"method":"tools/call","params":{"name":"\u0394"}}`, []string{"tools", "delta"}},
		{"invalid UTF-8 decoded as the SDK does", "{\"method\":\"tools/call\",\"params\":{\"name\":\"\xff\"}}", []string{"tools", "replaced"}},
		{"method values are exact", `{"method":"TOOLS/CALL","params":{"name":"delete"}}`, nil},
		{"tool names are exact", `{"method":"tools/call","params":{"name":"Delete"}}`, []string{"tools"}},
		{"params before method", `{"params":{"arguments":{"a":[1,{"b":"}"}]},"name":"delete"},"jsonrpc":"2.0","method":"tools/call"}`, []string{"tools", "admin"}},
		{"name inside arguments does not count", `{"method":"tools/call","params":{"arguments":{"name":"delete"},"name":"create"}}`, []string{"tools", "write"}},
		{"strings holding brackets and quotes", `{"id":"}\"]{[","method":"tools/call","params":{"arguments":{"x":"\"}\\"},"name":"delete"}}`, []string{"tools", "admin"}},
		{"whitespace everywhere", " \n{ \"method\" :\t\"tools/call\" , \"params\" : { \"name\" : \"delete\" } }\r\n", []string{"tools", "admin"}},
		{"non-string method", `{"method":5,"params":{"name":"delete"}}`, nil},
		{"non-string name", `{"method":"tools/call","params":{"name":["delete"]}}`, []string{"tools"}},
		{"non-object params", `{"method":"tools/call","params":["delete"]}`, []string{"tools"}},
		{"two values: both count", `{"method":"ping"} {"method":"tools/call","params":{"name":"delete"}}`, []string{"tools", "admin"}},
		{"a value then garbage: the value counts", `{"method":"tools/call","params":{"name":"create"}} garbage {"method":"tools/call","params":{"name":"delete"}}`, []string{"tools", "write"}},
		{"malformed JSON: left to the SDK", `{"method":"tools/call","params":{"name":"delete"`, nil},
		{"trailing comma: left to the SDK", `{"method":"tools/call","params":{"name":"delete"},}`, nil},
		{"not JSON", `method=tools/call&name=delete`, nil},
		{"empty body", ``, nil},
		{"a scalar", `"tools/call"`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := []byte(tc.body)
			req := Request{Method: "POST", Body: func() []byte { return body }}
			got, unchecked := o.required(&req)
			if unchecked != "" || !slices.Equal(got, tc.want) {
				t.Errorf("required(%s) = %q (%q), want %q", tc.body, got, unchecked, tc.want)
			}
		})
	}

	t.Run("unreadable bodies need every scope", func(t *testing.T) {
		small := testOps(t, 16)
		call := []byte(`{"method":"tools/call","params":{"name":"create"}}`)
		for _, tc := range []struct {
			name string
			o    *operationScopes
			req  Request
			why  string
		}{
			{"over the limit", small, Request{Body: func() []byte { return call }}, "larger than 16 bytes"},
			{"gzip", o, Request{Body: func() []byte { return call }, ContentEncoding: "gzip"}, "Content-Encoding"},
			{"identity then gzip", o, Request{Body: func() []byte { return call }, ContentEncoding: "identity, gzip"}, "Content-Encoding"},
			{"no body access", o, Request{}, "not available"},
		} {
			got, unchecked := tc.o.required(&tc.req)
			if !slices.Equal(got, all) || !strings.Contains(unchecked, tc.why) {
				t.Errorf("%s: %q (%q), want every scope (%q)", tc.name, got, unchecked, tc.why)
			}
		}
		for _, enc := range []string{"", "identity", " IDENTITY "} {
			req := Request{Body: func() []byte { return call }, ContentEncoding: enc}
			if got, unchecked := o.required(&req); unchecked != "" || !slices.Equal(got, []string{"tools", "write"}) {
				t.Errorf("Content-Encoding %q: %q (%q)", enc, got, unchecked)
			}
		}
	})
}

// TestOperationScopesConfig: configuration errors are reported by
// BearerAuth's helper; the maps are copied.
func TestOperationScopesConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts BearerOptions
		want string
	}{
		{"empty tool", BearerOptions{ToolScopes: map[string][]string{"": {"a"}}}, "ToolScopes has an empty tool name"},
		{"empty method", BearerOptions{MethodScopes: map[string][]string{"": {"a"}}}, "MethodScopes has an empty method name"},
		{"empty scope", BearerOptions{ToolScopes: map[string][]string{"t": {""}}}, `ToolScopes["t"] contains an empty scope`},
		{"scope with a space", BearerOptions{MethodScopes: map[string][]string{"m": {"a b"}}}, `MethodScopes["m"]: scope "a b" contains a space`},
		{"scope with a quote", BearerOptions{ToolScopes: map[string][]string{"t": {`a"`}}}, "contains a space, quote or backslash"},
		{"negative limit", BearerOptions{BodyPeekLimit: -1}, "BodyPeekLimit is -1"},
	} {
		if _, err := newOperationScopes(tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	if o, err := newOperationScopes(BearerOptions{}); o != nil || err != nil {
		t.Errorf("no per-operation scopes: %v, %v; want nil, nil", o, err)
	}
	tools := map[string][]string{"t": {"a"}}
	o, err := newOperationScopes(BearerOptions{ToolScopes: tools})
	if err != nil {
		t.Fatal(err)
	}
	tools["t"][0] = "changed"
	tools["u"] = []string{"b"}
	if !slices.Equal(o.tools["t"], []string{"a"}) || o.tools["u"] != nil || o.limit != defaultBodyPeekLimit {
		t.Errorf("the configuration follows the caller's map: %v (limit %d)", o.tools, o.limit)
	}
}

// BenchmarkBodyPeek measures the two halves of the per-operation scopes'
// body peek on a typical tools/call, without the token check: "parse"
// (json.Valid and the walk: method, params.name and the scopes they need)
// and "peek-http" (reading a net/http body into memory and putting a reader
// of it back).
func BenchmarkBodyPeek(b *testing.B) {
	body := []byte(`{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"create-todo","arguments":{"content":"Write the README"},"_meta":{"progressToken":7}}}`)
	o, err := newOperationScopes(BearerOptions{ToolScopes: map[string][]string{"create-todo": {"write"}}})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("parse", func(b *testing.B) {
		req := Request{Body: func() []byte { return body }}
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		MeasureCPU(b, func() {
			for b.Loop() {
				if need, _ := o.required(&req); len(need) != 1 {
					b.Fatal(need)
				}
			}
		})
	})
	b.Run("peek-http", func(b *testing.B) {
		r, err := http.NewRequest(http.MethodPost, "http://x/mcp", nil)
		if err != nil {
			b.Fatal(err)
		}
		r.ContentLength = int64(len(body))
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		MeasureCPU(b, func() {
			for b.Loop() {
				r.Body = io.NopCloser(bytes.NewReader(body))
				if got, complete := peekHTTPBody(r, defaultBodyPeekLimit); !complete || len(got) != len(body) {
					b.Fatal(len(got), complete)
				}
			}
		})
	})
}
