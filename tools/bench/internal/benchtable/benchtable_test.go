package benchtable

import (
	"math"
	"strings"
	"testing"
)

// input is a small fixed benchmark output: the crypto and golang-jwt
// baselines, ours, two peers and one framework; the crypto baseline and
// auth0 have no cpu-ns/op metric.
const input = `goos: linux
goarch: amd64
pkg: github.com/go-mcpauth/mcpauth/tools/bench
cpu: Test CPU @ 1.00GHz
BenchmarkBaseline/crypto/RS256-2         	   1000	     40000 ns/op	    1000 B/op	       9 allocs/op
BenchmarkBaseline/crypto/RS256-2         	   1000	     50000 ns/op	    1000 B/op	       9 allocs/op
BenchmarkBaseline/crypto/RS256-2         	   1000	     60000 ns/op	    1000 B/op	       9 allocs/op
BenchmarkBaseline/golang-jwt/RS256-2     	   1000	     60000 ns/op	     56000 cpu-ns/op	    4688 B/op	      78 allocs/op
BenchmarkBearer/RS256/cold-2             	   1000	     70000 ns/op	     60000 cpu-ns/op	    3504 B/op	      65 allocs/op
BenchmarkBearer/RS256/cold-2             	   1000	     64000 ns/op	     58000 cpu-ns/op	    3504 B/op	      65 allocs/op
BenchmarkBearer/RS256/hot-2              	1000000	       800.0 ns/op	       700.0 cpu-ns/op	     144 B/op	       1 allocs/op
BenchmarkBearer/RS256/hot-parallel-2     	1000000	       500.0 ns/op	       1000 cpu-ns/op	     144 B/op	       1 allocs/op
BenchmarkPeer/mcpauth/RS256/hot-2        	1000000	      1000 ns/op	       900.0 cpu-ns/op	     512 B/op	       3 allocs/op
BenchmarkPeer/mcpauth/RS256/cold-2       	   1000	     80000 ns/op	     70000 cpu-ns/op	    3872 B/op	      67 allocs/op
BenchmarkPeer/auth0/RS256/hot-2          	   1000	    200000 ns/op	   27031 B/op	     400 allocs/op
BenchmarkPeer/auth0/RS256/cold-2         	   1000	    200000 ns/op	   27031 B/op	     400 allocs/op
BenchmarkPeer/go-sdk/RS256/hot-2         	   1000	     75000 ns/op	     72000 cpu-ns/op	    5424 B/op	      73 allocs/op
BenchmarkPeer/go-sdk/RS256/cold-2        	   1000	     75000 ns/op	     72000 cpu-ns/op	    5424 B/op	      73 allocs/op
BenchmarkRequest/gin/noauth-2            	1000000	       100.0 ns/op	       100.0 cpu-ns/op	       0 B/op	       0 allocs/op
BenchmarkRequest/gin/auth-2              	1000000	       950.0 ns/op	       850.0 cpu-ns/op	     848 B/op	       5 allocs/op
PASS
ok  	github.com/go-mcpauth/mcpauth/tools/bench	4.459s
`

func parse(t *testing.T) Report {
	t.Helper()
	rep, err := Parse(strings.NewReader(input), "input")
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestParse(t *testing.T) {
	rep := parse(t)
	if got := rep.Config["cpu"]; got != "Test CPU @ 1.00GHz" {
		t.Errorf("cpu = %q", got)
	}
	if len(rep.Results) != 13 {
		t.Fatalf("%d results, want 13", len(rep.Results))
	}
	for _, tc := range []struct {
		name             string
		samples, procs   int
		ns, nsSpread     float64
		cpu, cpuSpread   float64
		bytes, allocs    float64
		kind, group, alg string
		mode             string
	}{
		// 40 000, 50 000, 60 000: quartiles 45 000 and 55 000.
		{"BenchmarkBaseline/crypto/RS256", 3, 2, 50000, 0.1, math.NaN(), 0, 1000, 9, "Baseline", "crypto", "RS256", ""},
		{"BenchmarkBaseline/golang-jwt/RS256", 1, 2, 60000, 0, 56000, 0, 4688, 78, "Baseline", "golang-jwt", "RS256", "cold"},
		// Even count: the median is the mean of the middle two; quartiles
		// interpolated (65 500, 68 500; CPU 58 500, 59 500).
		{"BenchmarkBearer/RS256/cold", 2, 2, 67000, 1500. / 67000, 59000, 500. / 59000, 3504, 65, "Bearer", "", "RS256", "cold"},
		{"BenchmarkBearer/RS256/hot-parallel", 1, 2, 500, 0, 1000, 0, 144, 1, "Bearer", "", "RS256", "hot-parallel"},
		{"BenchmarkPeer/auth0/RS256/cold", 1, 2, 200000, 0, math.NaN(), 0, 27031, 400, "Peer", "auth0", "RS256", "cold"},
		{"BenchmarkRequest/gin/noauth", 1, 2, 100, 0, 100, 0, 0, 0, "Request", "gin", "", "noauth"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r *Result
			for i := range rep.Results {
				if rep.Results[i].Name == tc.name {
					r = &rep.Results[i]
				}
			}
			if r == nil {
				t.Fatal("not found")
			}
			if r.Samples != tc.samples || r.Procs != tc.procs {
				t.Errorf("samples, procs = %d, %d; want %d, %d", r.Samples, r.Procs, tc.samples, tc.procs)
			}
			if !near(r.Ns, tc.ns) || !near(r.NsSpread, tc.nsSpread) || !near(r.CPU, tc.cpu) || !near(r.CPUSpread, tc.cpuSpread) {
				t.Errorf("ns %v ±%v, cpu %v ±%v; want %v ±%v, %v ±%v", r.Ns, r.NsSpread, r.CPU, r.CPUSpread, tc.ns, tc.nsSpread, tc.cpu, tc.cpuSpread)
			}
			if r.Bytes != tc.bytes || r.Allocs != tc.allocs {
				t.Errorf("%v B/op, %v allocs/op; want %v, %v", r.Bytes, r.Allocs, tc.bytes, tc.allocs)
			}
			if r.Kind() != tc.kind || r.Group() != tc.group || r.Alg() != tc.alg || r.Mode() != tc.mode {
				t.Errorf("classified %q %q %q %q; want %q %q %q %q", r.Kind(), r.Group(), r.Alg(), r.Mode(), tc.kind, tc.group, tc.alg, tc.mode)
			}
		})
	}
}

func TestRows(t *testing.T) {
	rows := Rows(parse(t).Results)
	for _, tc := range []struct {
		name                   string
		vsCrypto, vsPeer       float64
		best                   string
		vsCryptoCPU, vsPeerCPU float64
		bestCPU                string
	}{
		// The crypto baseline has no CPU figure: no CPU ratio to it.
		{"BenchmarkBaseline/crypto/RS256", 1, 0, "", 0, 0, ""},
		// golang-jwt is cold: compared with the cold peers (go-sdk beats auth0).
		{"BenchmarkBaseline/golang-jwt/RS256", 1.2, 0.8, "go-sdk", 0, 56000. / 72000, "go-sdk"},
		{"BenchmarkBearer/RS256/hot", 0.016, 800. / 75000, "go-sdk", 0, 700. / 72000, "go-sdk"},
		{"BenchmarkBearer/RS256/hot-parallel", 0.01, 0, "", 0, 0, ""}, // no parallel peers
		// Ours is never the best peer.
		{"BenchmarkPeer/mcpauth/RS256/cold", 1.6, 80000. / 75000, "go-sdk", 0, 70000. / 72000, "go-sdk"},
		{"BenchmarkPeer/go-sdk/RS256/cold", 1.5, 1, "go-sdk", 0, 1, "go-sdk"},
		{"BenchmarkRequest/gin/auth", 0, 0, "", 0, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, r := range rows {
				if r.Name != tc.name {
					continue
				}
				if !near(r.VsCrypto, tc.vsCrypto) || !near(r.VsPeer, tc.vsPeer) || r.BestPeer != tc.best {
					t.Errorf("wall: vsCrypto %v, vsPeer %v (%s); want %v, %v (%s)", r.VsCrypto, r.VsPeer, r.BestPeer, tc.vsCrypto, tc.vsPeer, tc.best)
				}
				if !near(r.VsCryptoCPU, tc.vsCryptoCPU) || !near(r.VsPeerCPU, tc.vsPeerCPU) || r.BestPeerCPU != tc.bestCPU {
					t.Errorf("CPU: vsCrypto %v, vsPeer %v (%s); want %v, %v (%s)", r.VsCryptoCPU, r.VsPeerCPU, r.BestPeerCPU, tc.vsCryptoCPU, tc.vsPeerCPU, tc.bestCPU)
				}
				return
			}
			t.Fatal("not found")
		})
	}
}

func TestWriteMarkdown(t *testing.T) {
	rows := Rows(parse(t).Results)
	var b strings.Builder
	if err := WriteMarkdown(&b, rows); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 2+len(rows) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), 2+len(rows), b.String())
	}
	for _, want := range []string{
		"| Benchmark | ns/op | CPU ns/op | B/op | allocs/op | × crypto | × best peer | × crypto (CPU) | × best peer (CPU) |",
		"| BenchmarkBaseline/crypto/RS256 | 50 000 ±10% |  | 1 000 | 9 | 1.00× |  |  |  |",
		"| BenchmarkBearer/RS256/cold | 67 000 ±2% | 59 000 ±1% | 3 504 | 65 | 1.34× | 0.89× (go-sdk) |  | 0.82× (go-sdk) |",
		"| BenchmarkBearer/RS256/hot | 800 | 700 | 144 | 1 | 0.02× | 0.01× (go-sdk) |  | 0.0097× (go-sdk) |",
		"| BenchmarkRequest/gin/noauth | 100 | 100 | 0 | 0 |  |  |  |  |",
	} {
		found := false
		for _, l := range lines {
			found = found || l == want
		}
		if !found {
			t.Errorf("missing line %q in\n%s", want, b.String())
		}
	}
}

func TestEvaluate(t *testing.T) {
	targets := Evaluate(parse(t).Results, TargetOptions{})
	for _, tc := range []struct {
		goal, subject string
		wall, cpu     Verdict
		detail        string // a substring of Detail
	}{
		{"hot ≤ 1 µs and ≤ 3 allocs (serial)", "RS256", Met, Met, "wall: 800 ns/op, 1 allocs/op; CPU: 700 ns/op"},
		// wall: 800/500 = ×1.6 on 2 procs = 80 %; CPU: 700 serial vs 1000 per op in parallel = 70 %.
		{"hot scales with cores (RunParallel)", "RS256", Met, Missed, "×1.60 speed-up (80 % of linear); CPU: 700 ns/op serial, 1 000 ns/op of CPU per op on 2 procs (70 % of linear)"},
		// wall 67 000/60 000 = 1.12 > 1.1; CPU 59 000/56 000 = 1.05.
		{"cold ≤ 1.1× golang-jwt Parse + claims, allocs ≤ golang-jwt's", "RS256", Missed, Met, "wall: 1.12× (67 000 vs 60 000 ns/op); CPU: 1.05× (59 000 vs 56 000 ns/op); 65 vs 78 allocs/op, 3 504 vs 4 688 B/op"},
		// wall: 950 − 100 − 800 = 50 = 50 %; CPU: 850 − 100 − 700 = 50 = 50 %.
		{"adapter overhead over core ≤ 10 % of the framework's no-auth request", "gin", Missed, Missed, "core hot 800 + adapter 50.0 (50 % of no-auth)"},
		{"faster than every peer", "RS256 hot", Met, Met, "0.01× the fastest peer, go-sdk"},
		// auth0 has no CPU figure: go-sdk is the fastest by both.
		{"faster than every peer", "RS256 cold", Missed, Met, "wall: 1.07× the fastest peer, go-sdk (80 000 vs 75 000 ns/op; 67 vs 73 allocs/op); CPU: 0.97×"},
	} {
		t.Run(tc.goal+"/"+tc.subject, func(t *testing.T) {
			for _, got := range targets {
				if got.Goal != tc.goal || got.Subject != tc.subject {
					continue
				}
				if got.Wall != tc.wall || got.CPU != tc.cpu || !strings.Contains(got.Detail, tc.detail) {
					t.Errorf("wall %v, CPU %v, %q; want %v, %v, containing %q", got.Wall, got.CPU, got.Detail, tc.wall, tc.cpu, tc.detail)
				}
				return
			}
			t.Fatal("not evaluated")
		})
	}

	// Without cpu-ns/op figures the CPU verdict is unknown.
	rep := parse(t)
	for i := range rep.Results {
		rep.Results[i].CPU = math.NaN()
	}
	for _, got := range Evaluate(rep.Results, TargetOptions{}) {
		if got.CPU != Unknown {
			t.Errorf("%s/%s: CPU verdict %v without CPU figures", got.Goal, got.Subject, got.CPU)
		}
	}

	var b strings.Builder
	if err := WriteTargets(&b, targets); err != nil {
		t.Fatal(err)
	}
	if want := "| hot ≤ 1 µs and ≤ 3 allocs (serial) | RS256 | yes | yes | wall: 800 ns/op, 1 allocs/op; CPU: 700 ns/op, 1 allocs/op |\n"; !strings.Contains(b.String(), want) {
		t.Errorf("missing %q in\n%s", want, b.String())
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		ns   float64
		want string
	}{
		{0.5, "0.5"}, {99.94, "99.9"}, {100, "100"}, {1234.4, "1 234"}, {75903, "75 903"}, {1234567, "1 234 567"}, {math.NaN(), "?"},
	} {
		if got := FormatNs(tc.ns); got != tc.want {
			t.Errorf("FormatNs(%v) = %q, want %q", tc.ns, got, tc.want)
		}
	}
	for _, tc := range []struct {
		in    string
		name  string
		procs int
	}{
		{"BenchmarkX/a-b-8", "BenchmarkX/a-b", 8},
		{"BenchmarkX/cold-parallel", "BenchmarkX/cold-parallel", 0},
		{"BenchmarkX/y-2/z", "BenchmarkX/y-2/z", 0},
	} {
		if name, procs := splitProcs(tc.in); name != tc.name || procs != tc.procs {
			t.Errorf("splitProcs(%q) = %q, %d; want %q, %d", tc.in, name, procs, tc.name, tc.procs)
		}
	}
}

// near compares floats, NaN equal to NaN.
func near(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b))
}
