package release_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-mcpauth/mcpauth/tools/internal/release"
)

const (
	corePath    = "github.com/example/repo/core"
	adapterPath = "github.com/example/repo/adapters/a"
)

// repo makes a git repository shaped like this one: a go.work with core,
// two adapters (one without version.go), examples and tools.
func repo(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"go.work":         "go 1.25.0\n\nuse (\n\t./adapters/a\n\t./adapters/b\n\t./core\n\t./examples\n\t./tools\n)\n",
		"core/go.mod":     "module " + corePath + "\n\ngo 1.25.0\n",
		"core/version.go": "package core\n\n// Version is the module version.\nconst Version = \"0.1.0-dev\"\n",
		"adapters/a/go.mod": "module github.com/example/repo/adapters/a\n\ngo 1.25.0\n\nrequire " + corePath + " v0.0.0\n\n" +
			"require golang.org/x/sync v0.22.0 // indirect\n\nreplace " + corePath + " => ../../core\n",
		"adapters/a/version.go": "package a\n\nconst (\n\t// Version is the module version.\n\tVersion = \"0.1.0-dev\"\n)\n",
		"adapters/b/go.mod":     "module github.com/example/repo/adapters/b\n\ngo 1.25.0\n\nrequire (\n\t" + corePath + " v0.0.0\n)\n\nreplace " + corePath + " => ../../core\n",
		"examples/go.mod": "module github.com/example/repo/examples\n\ngo 1.25.0\n\nrequire (\n\t" + adapterPath + " v0.0.0\n\t" + corePath + " v0.0.0\n)\n\n" +
			"replace (\n\t" + adapterPath + " => ../adapters/a\n\t" + corePath + " => ../core\n)\n",
		"examples/version.go": "package examples\n\nconst Version = \"0.1.0-dev\"\n",
		"tools/go.mod":        "module github.com/example/repo/tools\n\ngo 1.25.0\n",
	}
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git(t, root, "init", "-q")
	git(t, root, "config", "user.name", "Release Test")
	git(t, root, "config", "user.email", "release@example.com")
	git(t, root, "config", "tag.gpgSign", "false")
	git(t, root, "config", "commit.gpgSign", "false")
	git(t, root, "add", ".")
	git(t, root, "commit", "-q", "-m", "initial")
	return root
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func read(t *testing.T, root, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var wantTags = []string{"adapters/a/v0.1.0", "adapters/b/v0.1.0", "core/v0.1.0"}

func TestDryRunChangesNothing(t *testing.T) {
	t.Parallel()
	root := repo(t)
	head := git(t, root, "rev-parse", "HEAD")
	var out bytes.Buffer
	if err := release.Run(t.Context(), release.Options{Root: root, Version: "v0.1.0", DryRun: true, Out: &out}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Release v0.1.0 (dry run: nothing is changed)",
		`core/version.go: Version "0.1.0-dev" → "0.1.0"`,
		"git tag -a core/v0.1.0",
		"adapters/a/go.mod: require " + corePath + " v0.0.0 → v0.1.0",
		`adapters/a/version.go: Version "0.1.0-dev" → "0.1.0"`,
		"adapters/b/go.mod: require " + corePath + " v0.0.0 → v0.1.0",
		"warning: adapters/b/version.go is missing",
		"examples/go.mod: require " + adapterPath + " v0.0.0 → v0.1.0; require " + corePath + " v0.0.0 → v0.1.0",
		`examples/version.go: Version "0.1.0-dev" → "0.1.0"`,
		"git tag -a adapters/a/v0.1.0",
		"git tag -a adapters/b/v0.1.0",
		"Tags:\n  core/v0.1.0\n  adapters/a/v0.1.0\n  adapters/b/v0.1.0\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	// tools does not require core: untouched; examples are not tagged.
	for _, unwanted := range []string{"tools/", "examples/v0.1.0"} {
		if strings.Contains(out.String(), unwanted) {
			t.Errorf("output mentions %q:\n%s", unwanted, out.String())
		}
	}
	if got := git(t, root, "rev-parse", "HEAD"); got != head {
		t.Errorf("HEAD moved")
	}
	if s := git(t, root, "status", "--porcelain"); s != "" {
		t.Errorf("work tree changed:\n%s", s)
	}
	if tags := git(t, root, "tag"); tags != "" {
		t.Errorf("tags created: %s", tags)
	}
}

func TestRelease(t *testing.T) {
	t.Parallel()
	root := repo(t)
	var out bytes.Buffer
	if err := release.Run(t.Context(), release.Options{Root: root, Version: "0.1.0", Out: &out}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if got := strings.Fields(git(t, root, "tag", "--list")); strings.Join(got, " ") != strings.Join(wantTags, " ") {
		t.Errorf("tags %v, want %v", got, wantTags)
	}
	if s := git(t, root, "status", "--porcelain"); s != "" {
		t.Errorf("work tree not clean after the release:\n%s", s)
	}

	// The core tag is on a commit where core says 0.1.0 and the adapters
	// still require the old core.
	coreVersion := git(t, root, "show", "core/v0.1.0:core/version.go")
	if !strings.Contains(coreVersion, `const Version = "0.1.0"`) {
		t.Errorf("core/version.go at core/v0.1.0:\n%s", coreVersion)
	}
	if gomod := git(t, root, "show", "core/v0.1.0:adapters/a/go.mod"); !strings.Contains(gomod, corePath+" v0.0.0") {
		t.Errorf("adapters/a/go.mod at core/v0.1.0:\n%s", gomod)
	}
	// The adapter tags are on the next commit, which requires core v0.1.0.
	for _, tag := range []string{"adapters/a/v0.1.0", "adapters/b/v0.1.0"} {
		if git(t, root, "rev-parse", tag+"^{commit}") != git(t, root, "rev-parse", "HEAD") {
			t.Errorf("%s is not on HEAD", tag)
		}
		if git(t, root, "rev-parse", tag+"^{commit}^") != git(t, root, "rev-parse", "core/v0.1.0^{commit}") {
			t.Errorf("%s is not on the commit after core/v0.1.0", tag)
		}
	}
	if msg := git(t, root, "tag", "-l", "--format=%(contents:subject)", "adapters/a/v0.1.0"); strings.TrimSpace(msg) != "adapters/a v0.1.0" {
		t.Errorf("tag message %q", msg)
	}
	for name, want := range map[string]string{
		"adapters/a/go.mod":     "require " + corePath + " v0.1.0\n",
		"adapters/b/go.mod":     corePath + " v0.1.0\n",
		"examples/go.mod":       "\t" + adapterPath + " v0.1.0\n\t" + corePath + " v0.1.0\n)",
		"adapters/a/version.go": "\tVersion = \"0.1.0\"\n",
		"examples/version.go":   "const Version = \"0.1.0\"\n",
		"core/version.go":       "// Version is the module version.\nconst Version = \"0.1.0\"\n",
	} {
		if got := read(t, root, name); !strings.Contains(got, want) {
			t.Errorf("%s lacks %q:\n%s", name, want, got)
		}
	}
	// The replace directives and the other requirements stay.
	if got := read(t, root, "adapters/a/go.mod"); !strings.Contains(got, "replace "+corePath+" => ../../core") ||
		!strings.Contains(got, "golang.org/x/sync v0.22.0 // indirect") {
		t.Errorf("adapters/a/go.mod lost a line:\n%s", got)
	}
	if !strings.Contains(out.String(), "git push origin HEAD core/v0.1.0 adapters/a/v0.1.0 adapters/b/v0.1.0") {
		t.Errorf("no push hint:\n%s", out.String())
	}

	// The same version again: the tags exist, in a dry run too.
	for _, dry := range []bool{true, false} {
		out.Reset()
		err := release.Run(t.Context(), release.Options{Root: root, Version: "v0.1.0", DryRun: dry, Out: &out})
		if err == nil || !strings.Contains(err.Error(), "tag core/v0.1.0 already exists") {
			t.Errorf("dry run %v: releasing twice: %v", dry, err)
		}
	}

	// The next version needs no go.mod of an adapter to be reformatted.
	out.Reset()
	if err := release.Run(t.Context(), release.Options{Root: root, Version: "v0.2.0-rc.1", Out: &out}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if got := read(t, root, "adapters/b/go.mod"); !strings.Contains(got, corePath+" v0.2.0-rc.1") {
		t.Errorf("adapters/b/go.mod:\n%s", got)
	}
}

func TestReleaseRefusesDirtyTree(t *testing.T) {
	t.Parallel()
	root := repo(t)
	if err := os.WriteFile(filepath.Join(root, "core", "go.mod"), []byte("module "+corePath+"\n\ngo 1.25.0\n\n// edited\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := release.Run(t.Context(), release.Options{Root: root, Version: "v0.1.0", Out: &out})
	if err == nil || !strings.Contains(err.Error(), "uncommitted changes") {
		t.Fatalf("dirty tree: %v", err)
	}
	if tags := git(t, root, "tag"); tags != "" {
		t.Errorf("tags created: %s", tags)
	}
	// A dry run only notes it.
	out.Reset()
	if err := release.Run(t.Context(), release.Options{Root: root, Version: "v0.1.0", DryRun: true, Out: &out}); err != nil {
		t.Errorf("dry run on a dirty tree: %v", err)
	}
	if !strings.Contains(out.String(), "uncommitted changes") {
		t.Errorf("dry run does not mention the changes:\n%s", out.String())
	}
}

func TestVersions(t *testing.T) {
	t.Parallel()
	root := repo(t)
	for _, tt := range []struct {
		version string
		err     string
	}{
		{"", "no version"},
		{"v1", "not of the form"},
		{"v0.1", "not of the form"},
		{"v0.1.0+build.1", "not of the form"},
		{"latest", "not of the form"},
		{"v2.0.0", "/v2 module paths"},
		{"v0.1.0", ""},
		{"1.0.0", ""},
		{"v1.2.3-beta.1", ""},
	} {
		err := release.Run(t.Context(), release.Options{Root: root, Version: tt.version, DryRun: true})
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("version %q: error %v, want %q", tt.version, err, tt.err)
		}
	}
}

func TestBadVersionFile(t *testing.T) {
	t.Parallel()
	root := repo(t)
	if err := os.WriteFile(filepath.Join(root, "core", "version.go"), []byte("package core\n\nvar v = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := release.Run(t.Context(), release.Options{Root: root, Version: "v0.1.0", DryRun: true})
	if err == nil || !strings.Contains(err.Error(), "core/version.go: expected one") {
		t.Errorf("version.go without a Version constant: %v", err)
	}
}

func TestNoCoreInWorkspace(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.work"), []byte("go 1.25.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := release.Run(t.Context(), release.Options{Root: root, Version: "v0.1.0", DryRun: true})
	if err == nil || !strings.Contains(err.Error(), "does not use ./core") {
		t.Errorf("error %v", err)
	}
}
