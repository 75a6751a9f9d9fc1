package e2e

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
	"github.com/go-mcpauth/mcpauth/examples/internal/app"
	"github.com/go-mcpauth/mcpauth/examples/internal/e2etest"
)

// examples are the example commands, relative to the module root.
var examples = []string{"gin", "echo", "echov5", "fiber", "fiberv3", "chi", "todo-manager"}

// buildExamples builds every example command into a temporary directory.
func buildExamples(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the example commands")
	}
	goTool, err := exec.LookPath("go") // go test puts GOROOT/bin first in PATH
	if err != nil {
		t.Skip("no go command in PATH")
	}
	dir := t.TempDir()
	// No symbol table or DWARF: the binaries are only run, and linking
	// them is most of this test's time.
	args := []string{"build", "-ldflags=-s -w", "-o", dir + string(filepath.Separator)}
	for _, e := range examples {
		args = append(args, "./"+e)
	}
	cmd := exec.Command(goTool, args...)
	cmd.Dir = ".." // the examples module
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return dir
}

// cleanEnv is the environment without any variable the examples read.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case app.EnvIssuer, app.EnvIssuerType, app.EnvResource, app.EnvAudience, app.EnvRequiredScopes, app.EnvPort, app.EnvAddr:
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

func exe(dir, name string) string {
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	return filepath.Join(dir, name)
}

// TestBinaries builds every example and runs each with no configuration
// (but a free port): it starts a development issuer, prints a token and a
// curl command, and the token works with a real MCP client; SIGINT stops it
// cleanly.
func TestBinaries(t *testing.T) {
	dir := buildExamples(t)
	for _, name := range examples {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, exe(dir, name))
			cmd.Env = cleanEnv(app.EnvAddr + "=127.0.0.1:0")
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr mcpauthtest.LogBuffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { _ = cmd.Process.Kill() }()

			url, token, curl := readBanner(t, bufio.NewScanner(stdout))
			if url == "" || token == "" || !strings.Contains(curl, "Bearer "+token) || !strings.Contains(curl, "Accept: application/json, text/event-stream") {
				t.Fatalf("banner: url %q token %q curl %q; stderr: %s", url, token, curl, stderr.String())
			}
			id, err := e2etest.Whoami(t, url, token)
			if err != nil {
				t.Fatalf("whoami with the printed token: %v", err)
			}
			if id.Subject != app.DevSubject {
				t.Errorf("subject %q, want %q", id.Subject, app.DevSubject)
			}

			if runtime.GOOS == "windows" {
				return // no SIGINT
			}
			if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("exit after SIGINT: %v; stderr: %s", err, stderr.String())
			}
		})
	}

	t.Run("bad configuration exits 2", func(t *testing.T) {
		cmd := exec.Command(exe(dir, "gin"))
		cmd.Env = cleanEnv(app.EnvIssuerType + "=saml")
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Fatalf("err = %v, want exit status 2; output: %s", err, out)
		}
		if !strings.Contains(string(out), app.EnvIssuerType) {
			t.Errorf("output %q does not name %s", out, app.EnvIssuerType)
		}
	})
}

// readBanner reads the start-up banner up to the first curl command and
// returns the MCP URL, the token and that command.
func readBanner(t *testing.T, sc *bufio.Scanner) (url, token, curl string) {
	t.Helper()
	var lines []string
	for sc.Scan() {
		line := sc.Text()
		lines = append(lines, line)
		if _, after, ok := strings.Cut(line, ") listening on "); ok {
			url = after
		}
		if strings.HasPrefix(line, "curl ") {
			curl = line
			for sc.Scan() && strings.HasPrefix(sc.Text(), "  ") {
				curl += "\n" + sc.Text()
			}
			break
		}
	}
	// The token is the line after "Token for subject ..." and a blank line.
	for i, line := range lines {
		if strings.HasPrefix(line, "Token for subject") && i+2 < len(lines) {
			token = lines[i+2]
		}
	}
	return url, token, curl
}
