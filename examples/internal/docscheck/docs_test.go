package docscheck

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// docFiles are the documents whose Go snippets must compile, relative to the
// repository root.
var docFiles = []string{"README.md", "core/README.md", "adapters/*/README.md", "docs/*.md", "docs/*/*.md", "examples/README.md"}

// fragmentMark starts a snippet that does not compile alone; it is shown to
// the reader as the snippet's first line.
const fragmentMark = "// Fragment"

// snippet is one ```go block of a document.
type snippet struct {
	file string // relative to the repository root
	line int    // of the opening fence
	code string
}

// TestSnippetsCompile: every ```go block of the documentation is either a
// complete program (it starts with "package"), compiled here with go vet in a
// fresh module outside the repository that uses the modules through replace
// lines only, or visibly marked as a fragment by a first line starting with
// "// Fragment". A complete program must not discard an error with "_ :=" or
// "_, _ :=" on a call that returns one from mcpauth.New or BearerAuth.
func TestSnippetsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module outside the repository")
	}
	root := repoRoot(t)
	var programs []snippet
	for _, s := range snippets(t, root) {
		first := strings.TrimSpace(strings.SplitN(strings.TrimSpace(s.code), "\n", 2)[0])
		switch {
		case strings.HasPrefix(first, fragmentMark):
		case strings.HasPrefix(first, "package "):
			programs = append(programs, s)
		default:
			t.Errorf("%s:%d: a Go snippet that is neither a complete program (starting with package) nor marked %q", s.file, s.line, fragmentMark)
		}
	}
	if len(programs) < 5 {
		t.Fatalf("only %d complete programs found in the documentation", len(programs))
	}
	t.Logf("%d complete programs", len(programs))
	discard := regexp.MustCompile(`_(, _)? :?= (mcpauth\.New|auth\.BearerAuth)\(`)
	dir := userModule(t, root)
	var index strings.Builder
	for i, p := range programs {
		fmt.Fprintf(&index, "snippets/s%02d: %s:%d\n", i, p.file, p.line)
		if discard.MatchString(p.code) {
			t.Errorf("%s:%d: the snippet discards an error of New or BearerAuth", p.file, p.line)
		}
		pkg := filepath.Join(dir, "snippets", fmt.Sprintf("s%02d", i))
		if err := os.MkdirAll(pkg, 0o755); err != nil {
			t.Fatal(err)
		}
		header := fmt.Sprintf("// Code from %s:%d.\n\n", p.file, p.line)
		if err := os.WriteFile(filepath.Join(pkg, "main.go"), []byte(header+p.code), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := goCmd(dir, "vet", "./snippets/..."); err != nil {
		t.Fatalf("go vet of the documentation's programs:\n%s\nwhere\n%s", out, index.String())
	}
}

// TestUseInAFreshModule: per framework, a module outside the repository that
// only has replace lines to it (GOWORK=off) wires X.Use(BearerAuth(bearer))
// before RegisterMetadata (chi: r.Use first, as chi requires) and gets, over
// real HTTP: metadata 200, preflight not 401, no token 401 with
// resource_metadata, valid token 200 (testdata/usermodule/use_test.go).
func TestUseInAFreshModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module outside the repository")
	}
	root := repoRoot(t)
	dir := userModule(t, root)
	src, err := os.ReadFile(filepath.Join("testdata", "usermodule", "use_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "use_test.go"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := goCmd(dir, "test", "-count=1", "-v", ".")
	if err != nil {
		t.Fatalf("go test in the user module:\n%s", out)
	}
	for _, fw := range []string{"gin", "echo", "echov5", "fiber", "fiberv3", "chi", "net/http"} {
		if !strings.Contains(out, "--- PASS: TestUseBeforeRegisterMetadata/"+fw) {
			t.Errorf("%s: no passing case in the user module's output:\n%s", fw, out)
		}
	}
}

// repoRoot is the repository root, three levels above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.work")); err != nil {
		t.Fatalf("repository root not found at %s: %v", root, err)
	}
	return root
}

// snippets returns every ```go block of docFiles.
func snippets(t *testing.T, root string) []snippet {
	t.Helper()
	var out []snippet
	for _, pattern := range docFiles {
		files, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			rel, _ := filepath.Rel(root, f)
			fh, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(fh)
			var cur *snippet
			for n := 1; sc.Scan(); n++ {
				line := sc.Text()
				switch {
				case cur == nil && strings.TrimSpace(line) == "```go":
					cur = &snippet{file: rel, line: n}
				case cur != nil && strings.TrimSpace(line) == "```":
					out = append(out, *cur)
					cur = nil
				case cur != nil:
					cur.code += line + "\n"
				}
			}
			_ = fh.Close()
			if cur != nil {
				t.Errorf("%s:%d: unclosed ```go block", rel, cur.line)
			}
		}
	}
	return out
}

// userModule creates, outside the repository, a module that uses the
// repository's modules as a user would before they are published: the
// examples module's requirements (the pinned framework versions), replace
// lines to the repository's modules, no go.work. It returns its directory.
func userModule(t *testing.T, root string) string {
	t.Helper()
	dir := t.TempDir()
	mod, err := os.ReadFile(filepath.Join(root, "examples", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	text := regexp.MustCompile(`(?m)^module .*$`).ReplaceAllString(string(mod), "module example.com/mcpuser")
	text = regexp.MustCompile(`=> \.\./`).ReplaceAllString(text, "=> "+filepath.ToSlash(root)+"/")
	if !strings.Contains(text, "=> "+filepath.ToSlash(root)+"/core") {
		t.Fatalf("no replace line for core in:\n%s", text)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "examples", "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// goCmd runs the go command in dir as a user's module outside any workspace,
// with the module cache only (no network), and returns its output.
func goCmd(dir string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off")
	out, err := cmd.CombinedOutput()
	return string(out), err
}
