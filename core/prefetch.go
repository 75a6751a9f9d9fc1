package mcpauth

import (
	"context"
	"errors"
)

// Prefetch discovers the metadata and fetches the keys of every trusted
// authorization server now, instead of on first use, and returns what
// failed (joined). A server that fails is retried on later requests, so a
// caller may log the error and start serving anyway: requests get 503 with
// Retry-After until the server can be reached.
func (a *Auth) Prefetch(ctx context.Context) error {
	var errs []error
	for _, s := range a.servers {
		ks, err := s.keySet(ctx)
		if err == nil {
			_, err = ks.current(ctx)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
