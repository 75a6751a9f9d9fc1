// Package benchtable turns the output of the benchmarks of tools/bench
// (the Go benchmark format) into a markdown table and checks the
// performance targets of issue 6 against it.
//
// Benchmark names follow the scheme the benchmarks use:
//
//	BenchmarkBaseline/crypto/<alg>         raw signature check
//	BenchmarkBaseline/golang-jwt/<alg>     golang-jwt Parse + claims, cold
//	BenchmarkBearer/<alg>/<mode>           ours; mode cold, hot, cold-parallel, hot-parallel
//	BenchmarkPeer/<peer>/<alg>/<mode>      middlewares; peer "mcpauth" is ours; mode hot or cold
//	BenchmarkRequest/<framework>/<auth>    whole request; auth noauth or auth
//
// Every figure is the median of the samples of a benchmark (one sample per
// -count).
package benchtable

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// Units read from the benchmark output.
const (
	unitNs     = "sec/op" // benchfmt normalises ns/op to sec/op
	unitBytes  = "B/op"
	unitAllocs = "allocs/op"
	unitCPU    = "cpu-sec/op" // the benchmarks' cpu-ns/op, normalised by benchfmt
)

// Ours is the peer name of our own middleware in BenchmarkPeer.
const Ours = "mcpauth"

// Result is the summary of one benchmark over its samples.
type Result struct {
	// Name is the full name without the GOMAXPROCS suffix,
	// e.g. "BenchmarkBearer/RS256/hot".
	Name string
	// Procs is the GOMAXPROCS suffix of the name (0 when there is none).
	Procs int
	// Samples is the number of results read for the name.
	Samples int
	// Ns, Bytes and Allocs are the medians of ns/op, B/op and allocs/op.
	Ns, Bytes, Allocs float64
	// CPU is the median of the cpu-ns/op metric (process CPU time per
	// operation); NaN when the benchmark does not report it.
	CPU float64
	// NsSpread and CPUSpread are half the interquartile range of the
	// samples relative to their median (0.1 for ±10 %): how much the
	// samples disagree, robust to the odd stalled one; 0 for one sample.
	NsSpread, CPUSpread float64

	kind, group, alg, mode string
}

// Kind is the benchmark family: "Baseline", "Bearer", "Peer", "Request" or
// "" for a name outside the scheme.
func (r Result) Kind() string { return r.kind }

// Group is the second name element of Baseline ("crypto", "golang-jwt"),
// Peer (the peer) and Request (the framework) benchmarks.
func (r Result) Group() string { return r.group }

// Alg is the algorithm of Baseline, Bearer and Peer benchmarks.
func (r Result) Alg() string { return r.alg }

// Mode is "hot", "cold", "hot-parallel", "cold-parallel" (Bearer), "hot",
// "cold" (Peer, and "cold" for the golang-jwt baseline), "noauth" or "auth"
// (Request); "" for the crypto baseline.
func (r Result) Mode() string { return r.mode }

// Report is what Parse read.
type Report struct {
	// Config holds the file configuration lines of the output ("goos",
	// "goarch", "pkg", "cpu", ...), the last value of each.
	Config map[string]string
	// Results are the benchmarks, in the order they first appear.
	Results []Result
}

// Parse reads benchmark results in the Go benchmark format and summarises
// them per benchmark, in the order the benchmarks first appear.
func Parse(r io.Reader, fileName string) (Report, error) {
	type samples struct {
		procs                  int
		ns, bytes, allocs, cpu []float64
	}
	var order []string
	byName := map[string]*samples{}
	config := map[string]string{}
	reader := benchfmt.NewReader(r, fileName)
	for reader.Scan() {
		res, ok := reader.Result().(*benchfmt.Result)
		if !ok {
			continue // unit metadata or a syntax error, reported by benchfmt as records
		}
		for _, c := range res.Config {
			if c.File {
				config[c.Key] = string(c.Value)
			}
		}
		// benchfmt drops the "Benchmark" prefix; names keep it here, as
		// go test prints them.
		name, procs := splitProcs("Benchmark" + string(res.Name.Full()))
		s := byName[name]
		if s == nil {
			s = &samples{procs: procs}
			byName[name] = s
			order = append(order, name)
		}
		for _, v := range res.Values {
			switch v.Unit {
			case unitNs:
				s.ns = append(s.ns, v.Value*1e9)
			case unitBytes:
				s.bytes = append(s.bytes, v.Value)
			case unitAllocs:
				s.allocs = append(s.allocs, v.Value)
			case unitCPU:
				s.cpu = append(s.cpu, v.Value*1e9)
			}
		}
	}
	if err := reader.Err(); err != nil {
		return Report{}, err
	}
	results := make([]Result, 0, len(order))
	for _, name := range order {
		s := byName[name]
		if len(s.ns) == 0 {
			continue
		}
		res := Result{
			Name: name, Procs: s.procs, Samples: len(s.ns),
			Ns: median(s.ns), Bytes: median(s.bytes), Allocs: median(s.allocs),
			CPU: median(s.cpu), NsSpread: spread(s.ns), CPUSpread: spread(s.cpu),
		}
		res.kind, res.group, res.alg, res.mode = classify(name)
		results = append(results, res)
	}
	return Report{Config: config, Results: results}, nil
}

// splitProcs splits "BenchmarkX/y-8" into "BenchmarkX/y" and 8.
func splitProcs(full string) (string, int) {
	i := strings.LastIndexByte(full, '-')
	if i < 0 || strings.IndexByte(full[i:], '/') >= 0 {
		return full, 0
	}
	n, err := strconv.Atoi(full[i+1:])
	if err != nil || n <= 0 {
		return full, 0
	}
	return full[:i], n
}

// classify reads the kind, group, algorithm and mode from a name.
func classify(name string) (kind, group, alg, mode string) {
	parts := strings.Split(strings.TrimPrefix(name, "Benchmark"), "/")
	switch {
	case parts[0] == "Baseline" && len(parts) == 3:
		if parts[1] == "golang-jwt" {
			mode = "cold"
		}
		return parts[0], parts[1], parts[2], mode
	case parts[0] == "Bearer" && len(parts) == 3:
		return parts[0], "", parts[1], parts[2]
	case parts[0] == "Peer" && len(parts) == 4:
		return parts[0], parts[1], parts[2], parts[3]
	case parts[0] == "Request" && len(parts) == 3:
		return parts[0], parts[1], "", parts[2]
	}
	return "", "", "", ""
}

// median returns the median of xs (the mean of the two middle values for an
// even count), or NaN for none.
func median(xs []float64) float64 { return quantile(xs, 0.5) }

// quantile returns the q-quantile of xs, interpolating linearly between
// the closest ranks, or NaN for none.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	pos := q * float64(len(s)-1)
	i := int(pos)
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[i] + (pos-float64(i))*(s[i+1]-s[i])
}

// spread is half the interquartile range of xs relative to its median.
func spread(xs []float64) float64 {
	m := median(xs)
	if len(xs) < 2 || m <= 0 {
		return 0
	}
	return (quantile(xs, 0.75) - quantile(xs, 0.25)) / 2 / m
}

// Row is one line of the table: a result and its ratios, on wall time
// (ns/op) and on CPU time (cpu-ns/op). A ratio is 0 when there is nothing to
// compare with.
type Row struct {
	Result
	// VsCrypto is ns/op over that of BenchmarkBaseline/crypto of the same
	// algorithm; VsCryptoCPU the same with cpu-ns/op.
	VsCrypto, VsCryptoCPU float64
	// VsPeer is ns/op over that of the fastest peer (ours excluded) of the
	// same algorithm and mode (hot or cold), BestPeer; VsPeerCPU and
	// BestPeerCPU the same with cpu-ns/op.
	VsPeer, VsPeerCPU     float64
	BestPeer, BestPeerCPU string
}

// Rows computes the ratios of every result.
func Rows(results []Result) []Row {
	rows := make([]Row, 0, len(results))
	for _, r := range results {
		row := Row{Result: r}
		row.VsCrypto, row.VsPeer, row.BestPeer = ratios(results, r, wallTime)
		row.VsCryptoCPU, row.VsPeerCPU, row.BestPeerCPU = ratios(results, r, cpuTime)
		rows = append(rows, row)
	}
	return rows
}

// ratios returns r's ratios to the crypto baseline and to the fastest peer
// by metric m.
func ratios(results []Result, r Result, m metric) (vsCrypto, vsPeer float64, best string) {
	v := m.get(r)
	if r.alg == "" || !(v > 0) {
		return 0, 0, ""
	}
	for _, c := range results {
		if c.kind == "Baseline" && c.group == "crypto" && c.alg == r.alg && m.get(c) > 0 {
			vsCrypto = v / m.get(c)
		}
	}
	if p, ok := fastestPeer(results, r.alg, r.mode, m); ok && m.get(p) > 0 {
		vsPeer, best = v/m.get(p), p.group
	}
	return vsCrypto, vsPeer, best
}

// WriteMarkdown writes the rows as a markdown table.
func WriteMarkdown(w io.Writer, rows []Row) error {
	var b strings.Builder
	b.WriteString("| Benchmark | ns/op | CPU ns/op | B/op | allocs/op | × crypto | × best peer | × crypto (CPU) | × best peer (CPU) |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|---|--:|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			r.Name, withSpread(r.Ns, r.NsSpread), withSpread(r.CPU, r.CPUSpread), formatCount(r.Bytes), formatCount(r.Allocs),
			formatRatio(r.VsCrypto, ""), formatRatio(r.VsPeer, r.BestPeer),
			formatRatio(r.VsCryptoCPU, ""), formatRatio(r.VsPeerCPU, r.BestPeerCPU))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// withSpread formats a time and its spread, "1 234 ±5%"; empty when the
// figure is missing.
func withSpread(ns, spread float64) string {
	if math.IsNaN(ns) {
		return ""
	}
	if spread == 0 {
		return FormatNs(ns)
	}
	return fmt.Sprintf("%s ±%.0f%%", FormatNs(ns), 100*spread)
}

// FormatNs formats a duration in nanoseconds: one decimal below 100,
// else an integer with thin groups of three digits ("75 903").
func FormatNs(ns float64) string {
	if math.IsNaN(ns) {
		return "?"
	}
	if ns < 100 {
		return strconv.FormatFloat(ns, 'f', 1, 64)
	}
	return group(int64(math.Round(ns)))
}

func formatCount(v float64) string {
	if math.IsNaN(v) {
		return "?"
	}
	return group(int64(math.Round(v)))
}

// group writes n with a space between groups of three digits.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func formatRatio(x float64, who string) string {
	if x == 0 {
		return ""
	}
	prec := 2
	if x < 0.01 {
		prec = 4
	}
	s := strconv.FormatFloat(x, 'f', prec, 64) + "×"
	if who != "" {
		s += " (" + who + ")"
	}
	return s
}
