// Command benchtable runs the benchmarks of tools/bench, saves the raw
// results, prints benchstat's summary, then a markdown table (medians, ratio
// to the raw crypto baseline and to the fastest peer) and the check of the
// performance targets of issue 6.
//
// Run it from tools/bench (run.sh does):
//
//	go run ./cmd/benchtable                  # -count 6, every benchmark
//	go run ./cmd/benchtable -count 10 -bench 'Bearer|Baseline'
//	go run ./cmd/benchtable -in results/latest.txt   # table of saved results, no run
//	go run ./cmd/benchtable -interleave      # 6 rounds of -count 1, for a busy machine
//
// With -interleave the test binary is built once and run -count times with
// -test.count 1, so that every benchmark gets a sample in every round: a
// change of the machine's load during the run then spreads over all
// benchmarks instead of skewing the ones that happened to run meanwhile.
//
// benchstat is run as "go tool benchstat" (the tool directive of this
// module's go.mod pins golang.org/x/perf).
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/go-mcpauth/mcpauth/tools/bench/internal/benchtable"
)

func main() {
	var (
		count     = flag.Int("count", 6, "go test -count: samples per benchmark")
		bench     = flag.String("bench", ".", "go test -bench: benchmarks to run")
		benchtime = flag.String("benchtime", "", "go test -benchtime (default go test's)")
		out       = flag.String("out", "results/latest.txt", "file the raw results are written to")
		in        = flag.String("in", "", "read raw results from this file instead of running the benchmarks")
		stat      = flag.Bool("benchstat", true, "print benchstat's summary")
		inter     = flag.Bool("interleave", false, "run the test binary -count times with -test.count 1 instead of go test -count")
		reqAlg    = flag.String("request-alg", "RS256", "algorithm of the BenchmarkRequest token")
	)
	flag.Parse()
	if err := run(*count, *bench, *benchtime, *out, *in, *stat, *inter, *reqAlg); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

func run(count int, bench, benchtime, out, in string, stat, interleave bool, reqAlg string) error {
	file := in
	var command string
	if in == "" {
		var raw []byte
		var err error
		if interleave {
			command, raw, err = runInterleaved(count, bench, benchtime)
		} else {
			args := []string{"test", "-run", "^$", "-bench", bench, "-benchmem", "-count", fmt.Sprint(count)}
			if benchtime != "" {
				args = append(args, "-benchtime", benchtime)
			}
			command = "go " + shellJoin(args)
			raw, err = runCommand("go", args)
		}
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(out, raw, 0o644); err != nil {
			return err
		}
		file = out
		fmt.Printf("\nraw results: %s\n", out)
	}

	if stat {
		fmt.Println("\n## benchstat")
		fmt.Println()
		cmd := exec.CommandContext(context.Background(), "go", "tool", "benchstat", file)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go tool benchstat: %w", err)
		}
	}

	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	rep, err := benchtable.Parse(f, file)
	if err != nil {
		return err
	}
	if len(rep.Results) == 0 {
		return fmt.Errorf("%s: no benchmark results", file)
	}

	fmt.Println("\n## Machine")
	fmt.Println()
	printMachine(rep.Config)
	if command != "" {
		fmt.Printf("- Command: `%s` (in tools/bench), %s\n", command, time.Now().UTC().Format("2006-01-02 15:04 MST"))
	}
	fmt.Println("\n## Results (medians)")
	fmt.Println()
	if err := benchtable.WriteMarkdown(os.Stdout, benchtable.Rows(rep.Results)); err != nil {
		return err
	}
	fmt.Println("\n## Targets (issue 6)")
	fmt.Println()
	return benchtable.WriteTargets(os.Stdout, benchtable.Evaluate(rep.Results, benchtable.TargetOptions{RequestAlg: reqAlg}))
}

// runCommand runs name in the current directory, streaming its output and
// returning it.
func runCommand(name string, args []string) ([]byte, error) {
	var buf bytes.Buffer
	cmd := exec.CommandContext(context.Background(), name, args...)
	cmd.Stdout = io.MultiWriter(os.Stdout, &buf)
	cmd.Stderr = os.Stderr
	fmt.Fprintln(os.Stderr, "running:", name, strings.Join(args, " "))
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(name), err)
	}
	return buf.Bytes(), nil
}

// runInterleaved builds the test binary once and runs it count times with
// -test.count 1; it returns the equivalent command line and the output of
// all rounds.
func runInterleaved(count int, bench, benchtime string) (string, []byte, error) {
	dir, err := os.MkdirTemp("", "benchtable")
	if err != nil {
		return "", nil, err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "bench.test")
	if _, err := runCommand("go", []string{"test", "-c", "-o", bin, "."}); err != nil {
		return "", nil, err
	}
	args := []string{"-test.run", "^$", "-test.bench", bench, "-test.benchmem", "-test.count", "1"}
	if benchtime != "" {
		args = append(args, "-test.benchtime", benchtime)
	}
	var all []byte
	for i := range count {
		fmt.Fprintf(os.Stderr, "round %d of %d\n", i+1, count)
		raw, err := runCommand(bin, args)
		if err != nil {
			return "", nil, err
		}
		all = append(all, raw...)
	}
	command := fmt.Sprintf("go test -c -o bench.test . && for i in $(seq %d); do ./bench.test %s; done", count, shellJoin(args))
	return command, all, nil
}

// shellJoin joins args for a shell, quoting those that need it.
func shellJoin(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = a
		if a == "" || strings.ContainsFunc(a, func(r rune) bool {
			return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && !strings.ContainsRune("-_./=:,", r)
		}) {
			quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(quoted, " ")
}

// printMachine prints what the benchmark output and this machine say about
// where the benchmarks ran.
func printMachine(config map[string]string) {
	cpu := config["cpu"]
	if cpu == "" {
		cpu = cpuModel()
	}
	fmt.Printf("- CPU: %s; %d logical CPUs (runtime.NumCPU)\n", cpu, runtime.NumCPU())
	goVersion := runtime.Version()
	if b, err := exec.CommandContext(context.Background(), "go", "env", "GOVERSION").Output(); err == nil {
		goVersion = strings.TrimSpace(string(b))
	}
	fmt.Printf("- Go: %s, %s/%s\n", goVersion, config["goos"], config["goarch"])
	fmt.Printf("- OS: %s\n", osName())
}

// cpuModel reads the CPU model from /proc/cpuinfo (Linux).
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for line := range strings.Lines(string(b)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// osName reads the distribution from /etc/os-release and the kernel release.
func osName() string {
	name := runtime.GOOS
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		for line := range strings.Lines(string(b)) {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "PRETTY_NAME="); ok {
				name = strings.Trim(v, `"`)
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		name += ", kernel " + strings.TrimSpace(string(b))
	}
	return name
}
