package mcpauthtest_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/go-mcpauth/mcpauth/core/mcpauthtest"
)

func TestConcurrently(t *testing.T) {
	tests := []struct {
		name          string
		workers, each int
		failAt        map[int]int // worker -> the i at which f fails
		wantCalls     []int       // calls per worker
	}{
		{"one worker, one call", 1, 1, nil, []int{1}},
		{"several workers", 4, 10, nil, []int{10, 10, 10, 10}},
		{"no workers", 0, 5, nil, nil},
		{"negative workers", -2, 5, nil, nil},
		{"no calls", 3, 0, nil, []int{0, 0, 0}},
		{"negative calls", 3, -1, nil, []int{0, 0, 0}},
		{"a worker stops at its error, the others go on", 3, 5, map[int]int{1: 2}, []int{5, 3, 5}},
		{"an error on the last call", 2, 5, map[int]int{0: 4}, []int{5, 5}},
		{"every worker fails at once", 3, 5, map[int]int{0: 0, 1: 0, 2: 0}, []int{1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			calls := make([][]int, max(tt.workers, 0)) // the i of each call, per worker
			var f fakeTB
			f.run(func(tb testing.TB) {
				mcpauthtest.Concurrently(tb, tt.workers, tt.each, func(w, i int) error {
					mu.Lock()
					calls[w] = append(calls[w], i)
					mu.Unlock()
					if at, ok := tt.failAt[w]; ok && at == i {
						return fmt.Errorf("worker %d failed at %d", w, i)
					}
					return nil
				})
			})
			for w, got := range calls {
				want := make([]int, 0, tt.wantCalls[w])
				for i := range tt.wantCalls[w] {
					want = append(want, i)
				}
				if !slices.Equal(got, want) {
					t.Errorf("worker %d: calls with i = %v, want %v", w, got, want)
				}
			}
			if len(calls) != len(tt.wantCalls) {
				t.Errorf("%d workers, want %d", len(calls), len(tt.wantCalls))
			}
			var want []string
			for w, at := range tt.failAt {
				want = append(want, fmt.Sprintf("worker %d failed at %d", w, at))
			}
			got := slices.Clone(f.errors)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) || f.fatal {
				t.Errorf("reported %q (fatal %v), want %q with tb.Error", f.errors, f.fatal, want)
			}
		})
	}
}

// TestConcurrentlyAtOnce: the workers run at the same time (each waits here
// for all the others to have started).
func TestConcurrentlyAtOnce(t *testing.T) {
	const workers = 8
	var started sync.WaitGroup
	started.Add(workers)
	all := make(chan struct{})
	go func() {
		started.Wait()
		close(all)
	}()
	mcpauthtest.Concurrently(t, workers, 1, func(int, int) error {
		started.Done()
		select {
		case <-all:
			return nil
		case <-time.After(10 * time.Second):
			return fmt.Errorf("not every worker started within 10s")
		}
	})
}
