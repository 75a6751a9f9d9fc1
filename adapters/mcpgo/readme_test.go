package mcpmcpgo_test

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeMatchesExample keeps every Go block of README.md, below its
// "// Fragment" first line (for the reader and the repository's
// documentation check), a contiguous part of example_test.go, which is compiled and run as ExampleHandler (and
// the doc's wiring lines in order in it).
func TestReadmeMatchesExample(t *testing.T) {
	example := trimmed(lines(t, "example_test.go"))
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := 0
	for rest := string(readme); ; {
		var block string
		var ok bool
		if _, rest, ok = strings.Cut(rest, "```go\n"); !ok {
			break
		}
		block, rest, _ = strings.Cut(rest, "```")
		blocks++
		want := trimmed(strings.Split(block, "\n"))
		if len(want) == 0 || !strings.HasPrefix(want[0], "// Fragment") {
			t.Errorf("README.md block %d does not start with a // Fragment line:\n%s", blocks, block)
			continue
		}
		if want = want[1:]; !contiguous(example, want) {
			t.Errorf("README.md block %d is not a part of example_test.go:\n%s", blocks, block)
		}
	}
	if blocks < 2 {
		t.Errorf("README.md: %d go blocks, want the wiring and the tool", blocks)
	}

	// Each code block of the package doc: its lines, in order, in the example.
	var docBlocks [][]string
	in := false
	for _, l := range lines(t, "doc.go") {
		code := strings.HasPrefix(l, "//\t")
		switch {
		case code && !in:
			docBlocks = append(docBlocks, nil)
			fallthrough
		case code:
			if !strings.HasSuffix(l, "...") {
				docBlocks[len(docBlocks)-1] = append(docBlocks[len(docBlocks)-1], strings.TrimPrefix(l, "//"))
			}
		}
		in = code
	}
	if len(docBlocks) < 2 {
		t.Errorf("doc.go: %d code blocks, want the wiring and the tool", len(docBlocks))
	}
	for _, b := range docBlocks {
		if b = trimmed(b); !inOrder(example, b) {
			t.Errorf("doc.go's code lines do not all appear, in order, in example_test.go:\n%s", strings.Join(b, "\n"))
		}
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

func contiguous(h, needle []string) bool {
	for i := 0; i+len(needle) <= len(h); i++ {
		if strings.Join(h[i:i+len(needle)], "\n") == strings.Join(needle, "\n") {
			return true
		}
	}
	return false
}

func inOrder(h, needle []string) bool {
	i := 0
	for _, l := range h {
		if i < len(needle) && l == needle[i] {
			i++
		}
	}
	return i == len(needle)
}
