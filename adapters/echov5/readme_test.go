package mcpecho_test

import (
	"os"
	"strings"
	"testing"
)

// TestSnippetsMatchExample keeps the wiring of the package doc identical to
// the compiled and run Example: the doc's lines must appear in it in order.
// (README.md's wiring is a complete program, compiled by the repository's
// documentation test in examples/internal/docscheck.)
func TestSnippetsMatchExample(t *testing.T) {
	example := lines(t, "example_test.go")
	var doc []string
	in := false
	for _, l := range lines(t, "doc.go") {
		switch {
		case strings.HasPrefix(l, "//\tauth, err := mcpauth.New"):
			in = true
		case !strings.HasPrefix(l, "//\t"):
			in = false
		}
		if in {
			doc = append(doc, strings.TrimPrefix(l, "//"))
		}
	}
	doc = trimmed(doc)
	if len(doc) < 8 {
		t.Fatalf("doc.go: wiring block not found (%d lines)", len(doc))
	}
	if !inOrder(example, doc) {
		t.Errorf("doc.go's wiring lines do not all appear, in order, in Example:\n%s", strings.Join(doc, "\n"))
	}
}

func lines(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(string(b), "\n")
}

// trimmed drops indentation and blank lines.
func trimmed(ls []string) []string {
	var out []string
	for _, l := range ls {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func inOrder(haystack, needle []string) bool {
	h := trimmed(haystack)
	j := 0
	for _, l := range h {
		if j < len(needle) && l == needle[j] {
			j++
		}
	}
	return j == len(needle)
}
