package mcpauth

import (
	"context"

	"github.com/go-mcpauth/mcpauth/core/internal/fetchhook"
)

// init lends package inspect the runtime's fetcher (see package
// internal/fetchhook).
func init() {
	fetchhook.Get = func(ctx context.Context, opts any, url string) ([]byte, error) {
		o, _ := opts.(FetchOptions)
		res, err := newFetcher(o.HTTPClient, o.Timeout, o.MaxResponseBytes, o.AllowInsecureHTTP).get(ctx, url)
		if err != nil {
			return nil, err
		}
		return res.body, nil
	}
}
