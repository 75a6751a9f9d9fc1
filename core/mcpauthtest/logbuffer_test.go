package mcpauthtest_test

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

func TestLogBuffer(t *testing.T) {
	var b mcpauthtest.LogBuffer
	if got := b.String(); got != "" {
		t.Fatalf("zero value holds %q", got)
	}
	const writers, lines = 8, 50
	mcpauthtest.Concurrently(t, writers, lines, func(w, i int) error {
		line := fmt.Sprintf("writer %d line %d\n", w, i)
		if n, err := b.Write([]byte(line)); n != len(line) || err != nil {
			return fmt.Errorf("Write(%q) = %d, %w", line, n, err)
		}
		_ = b.String() // reading while others write
		return nil
	})
	got := b.String()
	if n := strings.Count(got, "\n"); n != writers*lines {
		t.Errorf("%d lines, want %d", n, writers*lines)
	}
	for w := range writers {
		for i := range lines {
			if !strings.Contains(got, fmt.Sprintf("writer %d line %d\n", w, i)) {
				t.Errorf("line %d of writer %d is missing or torn", i, w)
			}
		}
	}
}

func TestLogBufferLogger(t *testing.T) {
	tests := []struct {
		level slog.Level
		want  string
	}{
		{slog.LevelDebug, `level=DEBUG msg="fetching metadata" issuer=https://auth.example.com`},
		{slog.LevelInfo, `level=INFO msg="fetching metadata" issuer=https://auth.example.com`},
		{slog.LevelWarn, `level=WARN msg="fetching metadata" issuer=https://auth.example.com`},
		{slog.LevelError, `level=ERROR msg="fetching metadata" issuer=https://auth.example.com`},
	}
	for _, tt := range tests {
		t.Run(tt.level.String(), func(t *testing.T) {
			var b mcpauthtest.LogBuffer
			b.Logger().Log(t.Context(), tt.level, "fetching metadata", "issuer", "https://auth.example.com")
			got := b.String()
			if !strings.HasPrefix(got, "time=") || !strings.HasSuffix(got, " "+tt.want+"\n") || strings.Count(got, "\n") != 1 {
				t.Errorf("logged %q, want one text line ending in %q", got, tt.want)
			}
		})
	}
}

// A LogBuffer captures what a component under test logs, here through
// Logger; pass it as an io.Writer to capture other output.
func ExampleLogBuffer() {
	var logs mcpauthtest.LogBuffer
	logger := logs.Logger() // for instance mcpauth.Config.Logger
	logger.Warn("no dynamic client registration", "issuer", "https://auth.example.com")
	fmt.Println(strings.Contains(logs.String(), `level=WARN msg="no dynamic client registration" issuer=https://auth.example.com`))
	// Output: true
}
