package benchtable

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// Targets of issue 6.
const (
	// HotMaxNs and HotMaxAllocs bound the serial hot path.
	HotMaxNs     = 1000
	HotMaxAllocs = 3
	// ColdMaxRatio bounds the cold path relative to golang-jwt.
	ColdMaxRatio = 1.10
	// AdapterMaxShare bounds an adapter's own cost relative to the
	// framework's no-auth request.
	AdapterMaxShare = 0.10
	// ScalingMinEfficiency is what "scales with cores" is taken to mean:
	// the parallel hot path must reach this share of a linear speed-up
	// (serial ns/op ÷ parallel ns/op ≥ efficiency × GOMAXPROCS). With CPU
	// time, where a linear speed-up keeps the CPU time per operation equal,
	// it means serial cpu-ns/op ÷ parallel cpu-ns/op ≥ efficiency.
	ScalingMinEfficiency = 0.75
)

// Verdict is the outcome of a check.
type Verdict int

// The verdicts of a check.
const (
	Unknown Verdict = iota // a benchmark or metric the check needs is missing
	Met
	Missed
)

func (v Verdict) String() string {
	switch v {
	case Met:
		return "yes"
	case Missed:
		return "no"
	}
	return "n/a"
}

func verdict(ok bool) Verdict {
	if ok {
		return Met
	}
	return Missed
}

// Target is one check of a target against one subject (an algorithm, a
// framework, an algorithm and mode), judged twice: on wall time (ns/op, what
// the issue defines) and on process CPU time (cpu-ns/op, which other load on
// a shared machine disturbs much less).
type Target struct {
	Goal    string // the target, e.g. "hot ≤ 1 µs, ≤ 3 allocs (serial)"
	Subject string // e.g. "RS256", "gin", "RS256 cold"
	Wall    Verdict
	CPU     Verdict
	Detail  string // the figures behind both verdicts
}

// TargetOptions tune Evaluate.
type TargetOptions struct {
	// RequestAlg is the algorithm of the token of the BenchmarkRequest auth
	// benchmarks, whose core cost (BenchmarkBearer/<alg>/hot) is subtracted
	// to get the adapter's own cost. Default "RS256".
	RequestAlg string
}

// metric selects the time figure a check uses.
type metric struct {
	name string
	get  func(Result) float64
}

var (
	wallTime = metric{"wall", func(r Result) float64 { return r.Ns }}
	cpuTime  = metric{"CPU", func(r Result) float64 { return r.CPU }}
)

// Evaluate checks the targets of issue 6 against the results.
func Evaluate(results []Result, opts TargetOptions) []Target {
	if opts.RequestAlg == "" {
		opts.RequestAlg = "RS256"
	}
	find := func(name string) (Result, bool) {
		for _, r := range results {
			if r.Name == name {
				return r, true
			}
		}
		return Result{}, false
	}
	var algs, fws []string
	for _, r := range results {
		switch {
		case r.kind == "Bearer" && r.mode == "hot":
			algs = append(algs, r.alg)
		case r.kind == "Request" && r.mode == "noauth":
			fws = append(fws, r.group)
		}
	}
	// judge runs check with both metrics: it returns whether the target is
	// met and the figures, or ok false when a figure is missing.
	judge := func(t *Target, check func(m metric) (met bool, detail string, ok bool)) {
		var details []string
		for _, m := range []metric{wallTime, cpuTime} {
			met, detail, ok := check(m)
			v := Unknown
			if ok {
				v = verdict(met)
				details = append(details, m.name+": "+detail)
			}
			if m.name == wallTime.name {
				t.Wall = v
			} else {
				t.CPU = v
			}
		}
		if len(details) > 0 {
			t.Detail = strings.Join(details, "; ")
		}
	}
	valid := func(xs ...float64) bool {
		for _, x := range xs {
			if math.IsNaN(x) || x <= 0 {
				return false
			}
		}
		return true
	}
	var out []Target

	for _, alg := range algs {
		hot, _ := find("BenchmarkBearer/" + alg + "/hot")
		t := Target{Goal: "hot ≤ 1 µs and ≤ 3 allocs (serial)", Subject: alg}
		judge(&t, func(m metric) (bool, string, bool) {
			ns := m.get(hot)
			d := fmt.Sprintf("%s ns/op, %s allocs/op", FormatNs(ns), formatCount(hot.Allocs))
			if ns > HotMaxNs {
				d += fmt.Sprintf(" (%s over 1 µs)", percent(ns/HotMaxNs-1))
			}
			return ns <= HotMaxNs && hot.Allocs <= HotMaxAllocs, d, valid(ns)
		})
		out = append(out, t)
	}

	for _, alg := range algs {
		hot, _ := find("BenchmarkBearer/" + alg + "/hot")
		par, ok := find("BenchmarkBearer/" + alg + "/hot-parallel")
		t := Target{Goal: "hot scales with cores (RunParallel)", Subject: alg}
		switch {
		case !ok:
			t.Detail = "no hot-parallel benchmark"
		case par.Procs <= 1:
			t.Detail = "GOMAXPROCS 1: cannot show scaling"
		default:
			judge(&t, func(m metric) (bool, string, bool) {
				s, p := m.get(hot), m.get(par)
				if m.name == cpuTime.name {
					eff := s / p
					return eff >= ScalingMinEfficiency, fmt.Sprintf("%s ns/op serial, %s ns/op of CPU per op on %d procs (%s of linear)",
						FormatNs(s), FormatNs(p), par.Procs, percent(eff)), valid(s, p)
				}
				speedup := s / p
				eff := speedup / float64(par.Procs)
				return eff >= ScalingMinEfficiency, fmt.Sprintf("%s ns/op serial, %s on %d procs: ×%.2f speed-up (%s of linear)",
					FormatNs(s), FormatNs(p), par.Procs, speedup, percent(eff)), valid(s, p)
			})
		}
		out = append(out, t)
	}

	for _, alg := range algs {
		cold, ok1 := find("BenchmarkBearer/" + alg + "/cold")
		base, ok2 := find("BenchmarkBaseline/golang-jwt/" + alg)
		t := Target{Goal: "cold ≤ 1.1× golang-jwt Parse + claims, allocs ≤ golang-jwt's", Subject: alg}
		if !ok1 || !ok2 {
			t.Detail = "missing BenchmarkBearer cold or BenchmarkBaseline/golang-jwt"
		} else {
			judge(&t, func(m metric) (bool, string, bool) {
				c, g := m.get(cold), m.get(base)
				return c/g <= ColdMaxRatio && cold.Allocs <= base.Allocs,
					fmt.Sprintf("%.2f× (%s vs %s ns/op)", c/g, FormatNs(c), FormatNs(g)), valid(c, g)
			})
			t.Detail += fmt.Sprintf("; %s vs %s allocs/op, %s vs %s B/op",
				formatCount(cold.Allocs), formatCount(base.Allocs), formatCount(cold.Bytes), formatCount(base.Bytes))
		}
		out = append(out, t)
	}

	core, coreOK := find("BenchmarkBearer/" + opts.RequestAlg + "/hot")
	for _, fw := range fws {
		noauth, _ := find("BenchmarkRequest/" + fw + "/noauth")
		auth, ok := find("BenchmarkRequest/" + fw + "/auth")
		t := Target{Goal: "adapter overhead over core ≤ 10 % of the framework's no-auth request", Subject: fw}
		if !ok || !coreOK {
			t.Detail = "missing BenchmarkRequest auth or BenchmarkBearer hot"
		} else {
			judge(&t, func(m metric) (bool, string, bool) {
				n, a, c := m.get(noauth), m.get(auth), m.get(core)
				adapter := a - n - c
				share := adapter / n
				return share <= AdapterMaxShare, fmt.Sprintf("no-auth %s, auth %s ns/op = +%s: core hot %s + adapter %s (%s of no-auth)",
					FormatNs(n), FormatNs(a), FormatNs(a-n), FormatNs(c), FormatNs(adapter), percent(share)), valid(n, a, c)
			})
			t.Detail += fmt.Sprintf("; auth adds %s allocs/op, %s B/op (core hot: %s, %s)",
				formatCount(auth.Allocs-noauth.Allocs), formatCount(auth.Bytes-noauth.Bytes),
				formatCount(core.Allocs), formatCount(core.Bytes))
		}
		out = append(out, t)
	}

	for _, alg := range algs {
		for _, mode := range []string{"hot", "cold"} {
			ours, ok := find("BenchmarkPeer/" + Ours + "/" + alg + "/" + mode)
			t := Target{Goal: "faster than every peer", Subject: alg + " " + mode}
			if !ok {
				t.Detail = "missing BenchmarkPeer results"
				out = append(out, t)
				continue
			}
			judge(&t, func(m metric) (bool, string, bool) {
				best, found := fastestPeer(results, alg, mode, m)
				if !found {
					return false, "", false
				}
				o, p := m.get(ours), m.get(best)
				return o < p, fmt.Sprintf("%.2f× the fastest peer, %s (%s vs %s ns/op; %s vs %s allocs/op)",
					o/p, best.group, FormatNs(o), FormatNs(p), formatCount(ours.Allocs), formatCount(best.Allocs)), valid(o, p)
			})
			out = append(out, t)
		}
	}
	return out
}

// fastestPeer returns the fastest peer other than ours for alg and mode
// (which must be "hot" or "cold") by metric m.
func fastestPeer(results []Result, alg, mode string, m metric) (Result, bool) {
	var best Result
	found := false
	if alg == "" || (mode != "hot" && mode != "cold") {
		return best, false
	}
	for _, r := range results {
		if r.kind == "Peer" && r.group != Ours && r.alg == alg && r.mode == mode && !math.IsNaN(m.get(r)) &&
			(!found || m.get(r) < m.get(best)) {
			best, found = r, true
		}
	}
	return best, found
}

// percent formats a share as a percentage.
func percent(x float64) string {
	if x != 0 && x < 0.1 && x > -0.1 {
		return fmt.Sprintf("%.1f %%", 100*x)
	}
	return fmt.Sprintf("%.0f %%", 100*x)
}

// WriteTargets writes the targets as a markdown table.
func WriteTargets(w io.Writer, targets []Target) error {
	var b strings.Builder
	b.WriteString("| Target | Subject | Met (wall) | Met (CPU) | Measured |\n|---|---|---|---|---|\n")
	for _, t := range targets {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", t.Goal, t.Subject, t.Wall, t.CPU, t.Detail)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
