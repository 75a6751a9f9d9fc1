//go:build !unix

package mcpauth

import "time"

// processCPU is unavailable here: no cpu-ns/op metric is reported.
func processCPU() (time.Duration, bool) { return 0, false }
