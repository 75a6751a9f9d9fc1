package mcpauth

import (
	"context"
	"net/http"
	"time"

	"github.com/go-mcpauth/mcpauth/core/internal/fetchhook"
)

// init lends package inspect the runtime's fetcher (see package
// internal/fetchhook).
func init() {
	fetchhook.Get = func(ctx context.Context, client *http.Client, timeout time.Duration, limit int64, url string) ([]byte, error) {
		res, err := newFetcher(client, timeout, limit).get(ctx, url)
		if err != nil {
			return nil, err
		}
		return res.body, nil
	}
}
