// Package fetchhook lends package inspect the HTTP fetcher of package
// mcpauth (its timeout, size limit, redirect policy and error codes), so
// that what inspect fetches is fetched exactly as the runtime would, without
// a second implementation. Package mcpauth sets Get when it is initialised;
// package inspect imports mcpauth, so Get is set before inspect uses it.
package fetchhook

import "context"

// Get fetches url with opts, an mcpauth.FetchOptions (a value of another
// type means the defaults), and returns the body of a 2xx answer. Its
// errors are *mcpauth.Error with code fetch_server_config_error. (opts is
// untyped because this package cannot import mcpauth, which imports it.)
var Get func(ctx context.Context, opts any, url string) ([]byte, error)
