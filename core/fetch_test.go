package mcpauth

import (
	"net/http"
	"testing"
)

// The default client follows a few redirects, never from https to http.
func TestDefaultClientRedirects(t *testing.T) {
	req := func(url string) *http.Request {
		r, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	cases := []struct {
		name string
		to   string
		via  []string
		ok   bool
	}{
		{"https to https", "https://b.example.com/jwks", []string{"https://a.example.com/jwks"}, true},
		{"http to http (loopback development)", "http://127.0.0.1:2/jwks", []string{"http://127.0.0.1:1/jwks"}, true},
		{"https to http", "http://b.example.com/jwks", []string{"https://a.example.com/jwks"}, false},
		{"https to https to http", "http://c.example.com/jwks", []string{"https://a.example.com/jwks", "https://b.example.com/jwks"}, false},
		{"a fourth redirect", "https://e.example.com/jwks", []string{"https://a.example.com", "https://b.example.com", "https://c.example.com"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var via []*http.Request
			for _, v := range c.via {
				via = append(via, req(v))
			}
			if err := defaultHTTPClient.CheckRedirect(req(c.to), via); (err == nil) != c.ok {
				t.Fatalf("got %v, want ok=%v", err, c.ok)
			}
		})
	}
}
