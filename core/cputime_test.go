package mcpauth

import "testing"

// MeasureCPU runs loop (a benchmark's timed loop) and reports the process
// CPU time per iteration as "cpu-ns/op", next to the wall time: on a machine
// shared with other work, ns/op grows when other processes take the cores,
// CPU time much less. The garbage collector's threads count (they are part
// of the cost). Exported for the external test package.
func MeasureCPU(b *testing.B, loop func()) {
	start, ok := processCPU()
	loop()
	end, ok2 := processCPU()
	if ok && ok2 && b.N > 0 {
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
}
