package mcpauthtest

import (
	"bytes"
	"log/slog"
	"sync"
)

// LogBuffer collects what other goroutines write, such as the log lines of a
// server under test or the output of a child process, for the test to read.
// Its methods are safe for concurrent use. The zero value is an empty buffer
// ready to use; a LogBuffer must not be copied after first use.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p to the buffer; it always returns len(p), nil.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Logger returns a logger that writes to b in [slog.TextHandler]'s format, one
// line per record, at every level from [slog.LevelDebug] up.
func (b *LogBuffer) Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
