// Package release tags a release of the repository's modules. It is the
// engine of tools/cmd/release.
//
// A release of version vX.Y.Z, in this order:
//
//  1. sets the Version constant of core/version.go to "X.Y.Z", commits, and
//     tags core/vX.Y.Z;
//  2. in every other module of go.work that requires core or an adapter
//     (the adapters, examples, tools), sets those requirements to vX.Y.Z and
//     the Version constant of its version.go to "X.Y.Z", commits, and tags
//     each module under adapters/ as adapters/<name>/vX.Y.Z.
//
// The replace directives that point the modules at ../core stay: they keep
// local and GOWORK=off builds on the working tree, and are ignored by users,
// whose builds use the required (tagged) version. Nothing is pushed: the
// helper prints the git push command. A dry run prints the same plan and
// changes nothing.
package release

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
)

// CoreDir is the directory of the core module, relative to the repository
// root.
const CoreDir = "core"

// Options says what to release.
type Options struct {
	// Root is the repository root, where go.work is.
	Root string
	// Version is the version to release: vX.Y.Z or vX.Y.Z-pre ("v" may be
	// omitted). Major versions above 1 are refused: they need /vN module
	// paths.
	Version string
	// DryRun prints the plan and changes nothing.
	DryRun bool
	// Out receives the plan and progress. Default io.Discard.
	Out io.Writer
	// Git runs git in Root and returns its standard output. Default: the git
	// command.
	Git func(args ...string) (string, error)
}

// module is one module of the workspace.
type module struct {
	dir  string // relative to the root, slash-separated
	path string // module path
	file *modfile.File
	raw  []byte
}

// change is one file to write.
type change struct {
	path    string // relative to the root
	content []byte
	summary string
}

// step is one commit and the tags put on it.
type step struct {
	title   string
	changes []change
	notes   []string // warnings
	message string
	tags    []string
}

// Run releases Options.Version, or with DryRun prints what it would do.
// ctx bounds the git commands.
func Run(ctx context.Context, o Options) error {
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Git == nil {
		o.Git = func(args ...string) (string, error) { return runGit(ctx, o.Root, args...) }
	}
	version, err := normalize(o.Version)
	if err != nil {
		return err
	}
	mods, err := workspaceModules(o.Root)
	if err != nil {
		return err
	}
	steps, err := plan(o.Root, mods, version)
	if err != nil {
		return err
	}
	problems, err := preflight(o, steps)
	if err != nil {
		return err
	}

	w := o.Out
	if o.DryRun {
		fmt.Fprintf(w, "Release %s (dry run: nothing is changed)\n", version)
	} else {
		fmt.Fprintf(w, "Release %s\n", version)
	}
	var tags []string
	for i, s := range steps {
		fmt.Fprintf(w, "\n%d. %s\n", i+1, s.title)
		for _, c := range s.changes {
			fmt.Fprintf(w, "   %s: %s\n", c.path, c.summary)
		}
		for _, n := range s.notes {
			fmt.Fprintf(w, "   warning: %s\n", n)
		}
		if len(s.changes) > 0 {
			fmt.Fprintf(w, "   git commit -m %q\n", s.message)
		}
		for _, t := range s.tags {
			fmt.Fprintf(w, "   git tag -a %s\n", t)
		}
		tags = append(tags, s.tags...)
	}
	fmt.Fprintf(w, "\nTags:\n")
	for _, t := range tags {
		fmt.Fprintf(w, "  %s\n", t)
	}
	if len(problems) > 0 {
		fmt.Fprintf(w, "\nThe release cannot be made:\n")
		for _, p := range problems {
			fmt.Fprintf(w, "  - %s\n", p)
		}
		return errors.New("release refused: " + strings.Join(problems, "; "))
	}
	if o.DryRun {
		fmt.Fprintf(w, "\nThen: git push origin %s\n", strings.Join(tags, " "))
		return nil
	}

	for _, s := range steps {
		if err := apply(o, s, version); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\nDone. Check the commits and tags, then publish them:\n  git push origin HEAD %s\n", strings.Join(tags, " "))
	return nil
}

// normalize checks a version and returns it with its "v".
func normalize(v string) (string, error) {
	if v == "" {
		return "", errors.New("no version given (e.g. -version v0.1.0)")
	}
	if !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	if !semver.IsValid(v) || semver.Canonical(v) != v || semver.Build(v) != "" {
		return "", fmt.Errorf("version %q is not of the form vMAJOR.MINOR.PATCH[-PRERELEASE]", v)
	}
	if m := semver.Major(v); m != "v0" && m != "v1" {
		return "", fmt.Errorf("version %s: major versions above v1 need /%s module paths, which this helper does not make", v, m)
	}
	return v, nil
}

// workspaceModules reads the modules listed by go.work.
func workspaceModules(root string) ([]*module, error) {
	name := filepath.Join(root, "go.work")
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	work, err := modfile.ParseWork(name, data, nil)
	if err != nil {
		return nil, err
	}
	var mods []*module
	for _, u := range work.Use {
		dir := strings.TrimPrefix(filepath.ToSlash(filepath.Clean(u.Path)), "./")
		gomod := filepath.Join(root, filepath.FromSlash(dir), "go.mod")
		raw, err := os.ReadFile(gomod)
		if err != nil {
			return nil, err
		}
		f, err := modfile.Parse(gomod, raw, nil)
		if err != nil {
			return nil, err
		}
		if f.Module == nil {
			return nil, fmt.Errorf("%s has no module line", gomod)
		}
		mods = append(mods, &module{dir: dir, path: f.Module.Mod.Path, file: f, raw: raw})
	}
	slices.SortFunc(mods, func(a, b *module) int { return strings.Compare(a.dir, b.dir) })
	return mods, nil
}

// plan computes the two steps of the release.
func plan(root string, mods []*module, version string) ([]step, error) {
	i := slices.IndexFunc(mods, func(m *module) bool { return m.dir == CoreDir })
	if i < 0 {
		return nil, fmt.Errorf("go.work does not use ./%s", CoreDir)
	}
	core := mods[i]
	bare := strings.TrimPrefix(version, "v")

	coreStep := step{
		title:   "core",
		message: fmt.Sprintf("core: release %s", version),
		tags:    []string{CoreDir + "/" + version},
	}
	if err := versionChange(root, core, bare, &coreStep); err != nil {
		return nil, err
	}

	// The released modules: core and the adapters. Every other module that
	// requires one of them is moved to the new version in the second step.
	released := map[string]bool{core.path: true}
	for _, m := range mods {
		if isAdapter(m) {
			released[m.path] = true
		}
	}
	deps := step{
		title:   "modules that require core or an adapter",
		message: fmt.Sprintf("Require core %s; release adapters %s", version, version),
	}
	for _, m := range mods {
		if m == core {
			continue
		}
		changed, err := requireChange(m, released, version, &deps)
		if err != nil {
			return nil, err
		}
		if !changed && !isAdapter(m) {
			continue
		}
		if err := versionChange(root, m, bare, &deps); err != nil {
			return nil, err
		}
		if isAdapter(m) {
			deps.tags = append(deps.tags, m.dir+"/"+version)
		}
	}
	return []step{coreStep, deps}, nil
}

// isAdapter reports whether m is released as adapters/<name>/vX.Y.Z.
func isAdapter(m *module) bool { return strings.HasPrefix(m.dir, "adapters/") }

// requireChange sets m's requirements of the released modules to version.
// It reports whether m requires any of them.
func requireChange(m *module, released map[string]bool, version string, s *step) (bool, error) {
	var edits []string
	var requires bool
	f, err := modfile.Parse(m.dir+"/go.mod", m.raw, nil)
	if err != nil {
		return false, err
	}
	for _, r := range m.file.Require {
		if !released[r.Mod.Path] {
			continue
		}
		requires = true
		if r.Mod.Version == version {
			continue
		}
		if err := f.AddRequire(r.Mod.Path, version); err != nil {
			return false, err
		}
		edits = append(edits, fmt.Sprintf("require %s %s → %s", r.Mod.Path, r.Mod.Version, version))
	}
	if len(edits) == 0 {
		return requires, nil
	}
	f.Cleanup()
	out, err := f.Format()
	if err != nil {
		return false, err
	}
	s.changes = append(s.changes, change{
		path:    m.dir + "/go.mod",
		content: out,
		summary: strings.Join(edits, "; "),
	})
	return requires, nil
}

// versionConst matches the Version constant of a version.go file, alone or
// in a const block.
var versionConst = regexp.MustCompile(`(?m)^(\s*(?:const\s+)?Version\s*=\s*)"([^"\n]*)"`)

// versionChange sets the Version constant of m's version.go to bare.
func versionChange(root string, m *module, bare string, s *step) error {
	rel := m.dir + "/version.go"
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if errors.Is(err, os.ErrNotExist) {
		// Released modules must say their version; the others may.
		if m.dir == CoreDir || isAdapter(m) {
			s.notes = append(s.notes, rel+" is missing: add one with the Version constant (see CONTRIBUTING.md)")
		}
		return nil
	}
	if err != nil {
		return err
	}
	found := versionConst.FindAllSubmatchIndex(data, -1)
	if len(found) != 1 {
		return fmt.Errorf("%s: expected one `const Version = \"...\"`, found %d", rel, len(found))
	}
	loc := found[0]
	old := string(data[loc[4]:loc[5]])
	if old == bare {
		s.notes = append(s.notes, fmt.Sprintf("%s already says %q", rel, bare))
		return nil
	}
	var out bytes.Buffer
	out.Write(data[:loc[4]])
	out.WriteString(bare)
	out.Write(data[loc[5]:])
	s.changes = append(s.changes, change{
		path:    rel,
		content: out.Bytes(),
		summary: fmt.Sprintf("Version %q → %q", old, bare),
	})
	return nil
}

// preflight returns the reasons the release cannot be made: existing tags,
// and outside a dry run a dirty work tree. Only a failure to run git is an
// error.
func preflight(o Options, steps []step) ([]string, error) {
	var problems []string
	for _, s := range steps {
		for _, t := range s.tags {
			out, err := o.Git("tag", "--list", t)
			if err != nil {
				return nil, err
			}
			if strings.TrimSpace(out) != "" {
				problems = append(problems, "tag "+t+" already exists")
			}
		}
	}
	status, err := o.Git("status", "--porcelain", "--untracked-files=no")
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(status) != "" {
		if o.DryRun {
			fmt.Fprintf(o.Out, "note: the work tree has uncommitted changes; a real release refuses to start until they are committed\n")
		} else {
			problems = append(problems, "the work tree has uncommitted changes to tracked files")
		}
	}
	return problems, nil
}

// apply writes a step's files, commits them and tags the commit.
func apply(o Options, s step, version string) error {
	if len(s.changes) > 0 {
		args := []string{"add", "--"}
		for _, c := range s.changes {
			name := filepath.Join(o.Root, filepath.FromSlash(c.path))
			info, err := os.Stat(name)
			if err != nil {
				return err
			}
			if err := os.WriteFile(name, c.content, info.Mode().Perm()); err != nil {
				return err
			}
			args = append(args, c.path)
		}
		if _, err := o.Git(args...); err != nil {
			return err
		}
		if _, err := o.Git("commit", "-q", "-m", s.message); err != nil {
			return err
		}
		fmt.Fprintf(o.Out, "committed %q\n", s.message)
	}
	for _, t := range s.tags {
		module := strings.TrimSuffix(t, "/"+version)
		if _, err := o.Git("tag", "-a", t, "-m", module+" "+version); err != nil {
			return err
		}
		fmt.Fprintf(o.Out, "tagged %s\n", t)
	}
	return nil
}

// runGit runs git in dir.
func runGit(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}
