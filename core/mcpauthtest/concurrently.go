package mcpauthtest

import (
	"sync"
	"testing"
)

// Concurrently runs workers goroutines side by side; worker w calls f(w, i)
// for i = 0, 1, ..., each-1 in turn and stops at the first error f returns.
// When every worker has stopped, Concurrently reports each of those errors
// with tb.Error (at most one per worker, in the order they came) and returns.
// With workers or each below 1, f is not called.
//
// Use it to check, under the race detector, that concurrent requests do not
// leak state into one another. f runs outside the test's goroutine: it may
// call tb.Error or tb.Log, but not tb.Fatal, tb.FailNow or tb.Skip.
func Concurrently(tb testing.TB, workers, each int, f func(worker, i int) error) {
	tb.Helper()
	workers = max(workers, 0)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				if err := f(w, i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Error(err)
	}
}
