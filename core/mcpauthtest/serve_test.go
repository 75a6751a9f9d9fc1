package mcpauthtest_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

// received is what mirror saw of a request.
type received struct {
	Method        string   `json:"method"`
	Path          string   `json:"path"`
	Authorization []string `json:"authorization"` // nil: no Authorization header
	Other         string   `json:"other"`         // the X-Other header
	Body          string   `json:"body"`
}

// mirror answers 203 with an X-Mirror header and, as JSON, what it received.
var mirror = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("X-Mirror", "yes")
	w.Header().Add("X-Many", "1")
	w.Header().Add("X-Many", "2")
	w.WriteHeader(http.StatusNonAuthoritativeInfo)
	_ = json.NewEncoder(w).Encode(received{
		Method:        r.Method,
		Path:          r.URL.Path,
		Authorization: r.Header["Authorization"],
		Other:         r.Header.Get("X-Other"),
		Body:          string(body),
	})
})

// decodeReceived decodes a mirror answer.
func decodeReceived(t *testing.T, resp mcpauthtest.Response) received {
	t.Helper()
	if resp.Status != http.StatusNonAuthoritativeInfo {
		t.Fatalf("status %d, want 203 (body %s)", resp.Status, resp.Body)
	}
	if resp.Header.Get("X-Mirror") != "yes" || !slices.Equal(resp.Header.Values("X-Many"), []string{"1", "2"}) {
		t.Errorf("header %v, want mirror's", resp.Header)
	}
	var got received
	if err := json.Unmarshal(resp.Body, &got); err != nil {
		t.Fatalf("decoding %q: %v", resp.Body, err)
	}
	return got
}

func TestServe(t *testing.T) {
	var base string
	t.Run("serves the handler on 127.0.0.1", func(t *testing.T) {
		base = mcpauthtest.Serve(t, mirror)
		if !strings.HasPrefix(base, "http://127.0.0.1:") || strings.HasSuffix(base, "/") {
			t.Errorf("base URL %q, want http://127.0.0.1:<port>", base)
		}
		for _, path := range []string{"/", "/mcp", "/.well-known/oauth-protected-resource/mcp"} {
			if got := decodeReceived(t, mcpauthtest.Send(t, http.MethodGet, base+path)); got.Path != path {
				t.Errorf("handler saw path %q, want %q", got.Path, path)
			}
		}
	})
	t.Run("closed when the test ends", func(t *testing.T) {
		client := &http.Client{Timeout: 5 * time.Second}
		resp, err := client.Get(base)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("the server still answers %d after its test ended", resp.StatusCode)
		}
	})
}

// TestServeCleanupWaits: the cleanup returns only once the requests in flight
// have completed.
func TestServeCleanupWaits(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	var f fakeTB
	var base string
	f.run(func(tb testing.TB) {
		base = mcpauthtest.Serve(tb, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			close(entered)
			<-release
			_, _ = io.WriteString(w, "done")
		}))
	})
	answered := make(chan string, 1)
	go func() {
		resp, err := http.Get(base)
		if err != nil {
			answered <- err.Error()
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		answered <- string(body)
	}()
	<-entered
	cleaned := make(chan struct{})
	go func() {
		defer close(cleaned)
		f.cleanup()
	}()
	select {
	case <-cleaned:
		t.Fatal("the cleanup returned while a request was in flight")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	select {
	case <-cleaned:
	case <-time.After(10 * time.Second):
		t.Fatal("the cleanup did not return after the request completed")
	}
	if got := <-answered; got != "done" {
		t.Errorf("the request in flight got %q, want the handler's answer", got)
	}
	if len(f.errors) != 0 {
		t.Errorf("Serve reported %q", f.errors)
	}
}

func TestSend(t *testing.T) {
	base := mcpauthtest.Serve(t, mirror)
	tests := []struct {
		name          string
		method        string
		authorization []string
		want          []string // Authorization values the server sees; nil: no header
	}{
		{"no values: no header", http.MethodGet, nil, nil},
		{"empty slice: no header", http.MethodGet, []string{}, nil},
		{"one value", http.MethodGet, []string{"Bearer abc"}, []string{"Bearer abc"}},
		{"empty string: an empty header", http.MethodGet, []string{""}, []string{""}},
		{"several values: several headers, in order", http.MethodGet, []string{"Bearer a", "Basic b", "Bearer c"}, []string{"Bearer a", "Basic b", "Bearer c"}},
		{"other method", http.MethodPost, []string{"Bearer abc"}, []string{"Bearer abc"}},
		{"custom method", "PROPFIND", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			given := slices.Clone(tt.authorization)
			got := decodeReceived(t, mcpauthtest.Send(t, tt.method, base+"/mcp", tt.authorization...))
			if got.Method != tt.method || got.Path != "/mcp" || got.Body != "" {
				t.Errorf("server saw %s %s with body %q, want %s /mcp without a body", got.Method, got.Path, got.Body, tt.method)
			}
			if (got.Authorization == nil) != (tt.want == nil) || !slices.Equal(got.Authorization, tt.want) {
				t.Errorf("server saw Authorization %#v, want %#v", got.Authorization, tt.want)
			}
			if !slices.Equal(tt.authorization, given) {
				t.Errorf("Send changed its argument to %q", tt.authorization)
			}
		})
	}

	t.Run("HEAD: an empty body", func(t *testing.T) {
		resp := mcpauthtest.Send(t, http.MethodHead, base, "Bearer abc")
		if resp.Status != http.StatusNonAuthoritativeInfo || resp.Header.Get("X-Mirror") != "yes" || len(resp.Body) != 0 {
			t.Errorf("got %d %v %q, want 203 with mirror's headers and no body", resp.Status, resp.Header, resp.Body)
		}
	})
}

func TestDo(t *testing.T) {
	base := mcpauthtest.Serve(t, mirror)
	tests := []struct {
		name   string
		method string
		header map[string]string
		body   string
		want   received
	}{
		{"plain GET", http.MethodGet, nil, "", received{Method: http.MethodGet, Path: "/do"}},
		{"other headers", http.MethodGet, map[string]string{"X-Other": "o", "Authorization": "Bearer t"}, "", received{Method: http.MethodGet, Path: "/do", Other: "o", Authorization: []string{"Bearer t"}}},
		{"a body", http.MethodPost, map[string]string{"Content-Type": "application/json"}, `{"jsonrpc":"2.0"}`, received{Method: http.MethodPost, Path: "/do", Body: `{"jsonrpc":"2.0"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tt.method, base+"/do", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			got := decodeReceived(t, mcpauthtest.Do(t, req))
			if got.Method != tt.want.Method || got.Path != tt.want.Path || got.Other != tt.want.Other || got.Body != tt.want.Body || !slices.Equal(got.Authorization, tt.want.Authorization) {
				t.Errorf("server saw %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestSendFailures: what Send and Do cannot do fails the test with a message
// that says why.
func TestSendFailures(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String()
	ln.Close()
	cut := mcpauthtest.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "10")
		_, _ = io.WriteString(w, "abc") // 7 bytes short
	}))

	tests := []struct {
		name   string
		method string
		url    string
		want   string // in the message
	}{
		{"malformed URL", http.MethodGet, "http://[::1", "missing ']'"},
		{"invalid method", "BAD METHOD", refused, "invalid method"},
		{"connection refused", http.MethodGet, refused, "refused"},
		{"body cut short", http.MethodGet, cut, "reading the body: unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f fakeTB
			returned := false
			f.run(func(tb testing.TB) {
				mcpauthtest.Send(tb, tt.method, tt.url, "Bearer abc")
				returned = true
			})
			if returned || !f.fatal || len(f.errors) != 1 || !strings.Contains(f.errors[0], tt.want) {
				t.Errorf("Send returned: %v, fatal: %v, messages %q; want one fatal message containing %q", returned, f.fatal, f.errors, tt.want)
			}
		})
	}
}
