package check

import (
	"strings"
	"testing"
)

func TestCheckEndpointURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url    string
		want   Status
		detail string
	}{
		{"https://auth.example.com", Pass, ""},
		{"https://auth.example.com/tenant/jwks", Pass, ""},
		{"http://127.0.0.1:8080/jwks", Pass, "loopback"},
		{"http://localhost/jwks", Pass, "loopback"},
		{"http://LOCALHOST:9000", Pass, "loopback"},
		{"http://[::1]:9000/jwks", Pass, "loopback"},
		{"http://127.8.9.10/jwks", Pass, "loopback"},
		{"http://auth.example.com/jwks", Fail, "use https"},
		{"http://10.0.0.1/jwks", Fail, "use https"},
		{"http://localhost.example.com/jwks", Fail, "use https"},
		{"ftp://auth.example.com/jwks", Fail, "not an absolute https URL"},
		{"/jwks", Fail, "not an absolute https URL"},
		{"https://", Fail, "not an absolute https URL"},
		{"https://a b", Fail, "not an absolute https URL"},
	}
	for _, tt := range tests {
		s, detail := checkEndpointURL(tt.url)
		if s != tt.want || !strings.Contains(detail, tt.detail) {
			t.Errorf("checkEndpointURL(%q) = %s, %q; want %s with %q", tt.url, s, detail, tt.want, tt.detail)
		}
	}
}

func TestIssuerOverHTTPOnPublicHost(t *testing.T) {
	t.Parallel()
	// No request is made: the issuer check fails, discovery is attempted
	// against a host that does not resolve (.invalid, RFC 2606) and fails.
	r := &report{ServerReport: ServerReport{Issuer: "http://auth.example.invalid"}, results: map[string]Result{}}
	if !r.checkIssuerURL() {
		t.Fatal("a syntactically valid issuer was rejected")
	}
	if got := r.results[IDIssuerURL]; got.Status != Fail || !strings.Contains(got.Detail, "https") {
		t.Errorf("issuer-url: %+v", got)
	}
}

func TestChallengeParam(t *testing.T) {
	t.Parallel()
	tests := []struct {
		values []string
		want   string
		ok     bool
	}{
		{[]string{`Bearer resource_metadata="https://a/x"`}, "https://a/x", true},
		{[]string{`Bearer error="invalid_token", error_description="a, b \"c\"", resource_metadata="https://a/x"`}, "https://a/x", true},
		{[]string{`Bearer realm=example, resource_metadata=https://a/x`}, "https://a/x", true},
		{[]string{`Basic realm="x"`, `bearer Resource_Metadata="https://a/y"`}, "https://a/y", true},
		{[]string{`Basic resource_metadata="https://a/x"`}, "", false},
		{[]string{`Bearer realm="unterminated, resource_metadata="https://a/x"`}, "", false},
		{[]string{`Bearer`}, "", false},
		{nil, "", false},
	}
	for _, tt := range tests {
		got, ok := challengeParam(tt.values, "resource_metadata")
		if got != tt.want || ok != tt.ok {
			t.Errorf("challengeParam(%q) = %q, %v; want %q, %v", tt.values, got, ok, tt.want, tt.ok)
		}
	}
}
