package mcpauth_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// TestProviderDocsCompiled: every configuration docs/providers.md shows is
// the body of an Example_* function of example_providers_test.go, verbatim
// (indentation one tab less), so that the guide compiles; its first line
// marks it as a fragment and says where it is compiled.
func TestProviderDocsCompiled(t *testing.T) {
	guide, err := os.ReadFile("../docs/providers.md")
	if err != nil {
		t.Skipf("docs/providers.md not found next to the module (not a repository checkout): %v", err)
	}
	src, err := os.ReadFile("example_providers_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "example_providers_test.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || !strings.HasPrefix(fn.Name.Name, "Example_") {
			continue
		}
		n++
		body := string(src[fset.Position(fn.Body.Lbrace).Offset+2 : fset.Position(fn.Body.Rbrace).Offset])
		lines := strings.Split(strings.TrimRight(body, "\n"), "\n")
		for i, l := range lines {
			lines[i] = strings.TrimPrefix(l, "\t")
		}
		snippet := "```go\n" + fragmentLine(fn.Name.Name) + "\n" + strings.Join(lines, "\n") + "\n```"
		if !strings.Contains(string(guide), snippet) {
			t.Errorf("docs/providers.md does not show the body of %s verbatim:\n%s", fn.Name.Name, snippet)
		}
	}
	if n < 12 {
		t.Errorf("%d provider examples, want at least 12", n)
	}
}

// fragmentLine is the first line of the guide's snippet of example: the
// mark the documentation checks use for a snippet that is not a program.
func fragmentLine(example string) string {
	return "// Fragment: the body of " + example + " in core/example_providers_test.go, compiled there."
}
