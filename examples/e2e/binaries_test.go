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
var examples = []string{"gin", "echo", "echov5", "fiber", "fiberv3", "chi", "todo-manager", "mcpgo"}

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
		case app.EnvIssuer, app.EnvIssuerType, app.EnvResource, app.EnvAudience, app.EnvRequiredScopes, app.EnvStateless, app.EnvPort, app.EnvAddr:
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
// (but a free port), stateless and with MCP_STATELESS=false: it starts a
// development issuer, prints a token and a curl command, and the token works
// with a real MCP client (on a session when stateful); SIGINT stops it
// cleanly.
func TestBinaries(t *testing.T) {
	dir := buildExamples(t)
	for _, name := range examples {
		for _, mode := range e2etest.Modes {
			t.Run(name+"/"+mode.Name, func(t *testing.T) {
				t.Parallel()
				runBinary(t, exe(dir, name), mode.Stateless)
			})
		}
	}

	for _, bad := range []struct{ name, value string }{{app.EnvIssuerType, "saml"}, {app.EnvStateless, "maybe"}} {
		t.Run("bad "+bad.name+" exits 2", func(t *testing.T) {
			cmd := exec.Command(exe(dir, "gin"))
			cmd.Env = cleanEnv(bad.name + "=" + bad.value)
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 2 {
				t.Fatalf("err = %v, want exit status 2; output: %s", err, out)
			}
			if !strings.Contains(string(out), bad.name) {
				t.Errorf("output %q does not name %s", out, bad.name)
			}
		})
	}
}

// runBinary runs one example command with MCP_STATELESS=stateless.
func runBinary(t *testing.T, path, stateless string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path)
	cmd.Env = cleanEnv(app.EnvAddr+"=127.0.0.1:0", app.EnvStateless+"="+stateless)
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
	tr := &e2etest.SwapTransport{}
	tr.Set(token)
	protocol := ""
	if stateless == "false" {
		protocol = e2etest.SessionProtocol
	}
	cs, err := e2etest.ConnectWith(t, url, tr, protocol)
	if err != nil {
		t.Fatalf("connect with the printed token: %v", err)
	}
	if (cs.ID() != "") != (stateless == "false") {
		t.Errorf("session id %q with %s=%s", cs.ID(), app.EnvStateless, stateless)
	}
	id, err := e2etest.WhoamiOn(t, cs, token)
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
