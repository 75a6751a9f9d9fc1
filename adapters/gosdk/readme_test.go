package mcpgosdk_test

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeIsCompiled keeps every Go block of README.md, below its
// "// Fragment" first line, a contiguous part of a compiled test file
// (example_test.go, run as ExampleHandler, or readme_snippets_test.go),
// except the blocks marked "(not compiled)".
func TestReadmeIsCompiled(t *testing.T) {
	var compiled [][]string
	for _, f := range []string{"example_test.go", "readme_snippets_test.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		compiled = append(compiled, trimmed(strings.Split(string(b), "\n")))
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for rest := string(readme); ; {
		var block string
		var ok bool
		if _, rest, ok = strings.Cut(rest, "```go\n"); !ok {
			break
		}
		block, rest, _ = strings.Cut(rest, "```")
		lines := trimmed(strings.Split(block, "\n"))
		// Every block is marked "// Fragment..." for the reader (and the
		// repository's documentation check); the code under the mark must
		// be compiled here unless the mark says it is not.
		if len(lines) == 0 || !strings.HasPrefix(lines[0], "// Fragment") {
			t.Errorf("README.md block does not start with a // Fragment line:\n%s", block)
			continue
		}
		if strings.Contains(lines[0], "(not compiled)") {
			continue
		}
		lines = lines[1:]
		checked++
		found := false
		for _, c := range compiled {
			found = found || contiguous(c, lines)
		}
		if !found {
			t.Errorf("README.md block is not compiled (nor marked \"(not compiled)\"):\n%s", block)
		}
	}
	if checked < 4 {
		t.Errorf("checked %d README blocks, want at least 4", checked)
	}
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

func contiguous(h, needle []string) bool {
	for i := 0; i+len(needle) <= len(h); i++ {
		if strings.Join(h[i:i+len(needle)], "\n") == strings.Join(needle, "\n") {
			return true
		}
	}
	return false
}
