// Package fetchhook lends package inspect the HTTP fetcher of package
// mcpauth (its timeout, size limit, redirect policy and error codes), so
// that what inspect fetches is fetched exactly as the runtime would, without
// a second implementation. Package mcpauth sets Get when it is initialised;
// package inspect imports mcpauth, so Get is set before inspect uses it.
package fetchhook

import (
	"context"
	"net/http"
	"time"
)

// Get fetches url with client (nil: mcpauth's default client), bounded by
// timeout and limit (zero: mcpauth's defaults), and returns the body of a
// 2xx answer. Its errors are *mcpauth.Error with code
// fetch_server_config_error.
var Get func(ctx context.Context, client *http.Client, timeout time.Duration, limit int64, url string) ([]byte, error)
