// Package bench holds the benchmarks of MCP Auth for Go against the raw
// signature check, golang-jwt and the Go peers (issue 6): BenchmarkBaseline,
// BenchmarkBearer, BenchmarkPeer and BenchmarkRequest, in the _test files.
// They only run with -bench; run.sh (cmd/benchtable) runs them, prints
// benchstat's summary and the markdown table of BENCHMARKS.md, and checks
// the performance targets.
//
// It is a module of its own so that the peers it imports never enter the
// builds of users of the core and adapter modules.
package bench
