package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
	"github.com/go-mcpauth/mcpauth/examples/internal/app"
)

// TestCheckerAgainstExample runs mcpauth-check, built from the tools module,
// against a running example with the printed token, as the banner suggests:
// it finds the development issuer from the 401 challenge, reports what the
// issuer does not offer MCP clients (no registration: a warning, not a
// pass) and verifies the token.
func TestCheckerAgainstExample(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the chi example and mcpauth-check")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH")
	}
	dir := t.TempDir()
	for _, b := range []struct{ dir, pkg, out string }{
		{"..", "./chi", "chi"},
		{filepath.Join("..", "..", "tools"), "./cmd/mcpauth-check", "mcpauth-check"},
	} {
		cmd := exec.Command(goTool, "build", "-ldflags=-s -w", "-o", exe(dir, b.out), b.pkg)
		cmd.Dir = b.dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b.pkg, err, out)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	server := exec.CommandContext(ctx, exe(dir, "chi"))
	server.Env = cleanEnv(app.EnvAddr + "=127.0.0.1:0")
	stdout, err := server.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr mcpauthtest.LogBuffer
	server.Stderr = &stderr
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = server.Process.Kill(); _ = server.Wait() }()
	url, token, _ := readBanner(t, bufio.NewScanner(stdout))
	if url == "" || token == "" {
		t.Fatalf("banner: url %q token %q; stderr: %s", url, token, stderr.String())
	}

	check := exec.CommandContext(ctx, exe(dir, "mcpauth-check"), "-json", url)
	check.Env = append(cleanEnv(), "MCPAUTH_CHECK_TOKEN="+token)
	var out, errOut bytes.Buffer
	check.Stdout, check.Stderr = &out, &errOut
	if err := check.Run(); err != nil {
		t.Fatalf("mcpauth-check: %v\n%s\n%s", err, out.String(), errOut.String())
	}
	var report struct {
		OK       bool `json:"ok"`
		Resource struct {
			FoundVia             string   `json:"found_via"`
			Resource             string   `json:"resource"`
			AuthorizationServers []string `json:"authorization_servers"`
		} `json:"resource"`
		AuthorizationServers []struct {
			Issuer string `json:"issuer"`
			Checks []struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			} `json:"checks"`
		} `json:"authorization_servers"`
		Token struct {
			Status  string `json:"status"`
			Subject string `json:"subject"`
		} `json:"token"`
	}
	if err := json.Unmarshal(out.Bytes(), &report); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !report.OK || report.Resource.FoundVia != "challenge" || report.Resource.Resource != url || len(report.AuthorizationServers) != 1 {
		t.Fatalf("report %+v", report)
	}
	statuses := map[string]string{}
	for _, c := range report.AuthorizationServers[0].Checks {
		statuses[c.ID] = c.Status
	}
	for id, want := range map[string]string{"issuer-match": "pass", "signing-keys": "pass", "dynamic-registration": "warn", "client-metadata": "warn"} {
		if statuses[id] != want {
			t.Errorf("%s: %s, want %s", id, statuses[id], want)
		}
	}
	if report.Token.Status != "pass" || report.Token.Subject != app.DevSubject {
		t.Errorf("token %+v", report.Token)
	}
	if strings.Contains(out.String(), token) {
		t.Error("the report contains the token")
	}
}
