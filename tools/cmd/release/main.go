// Command release tags a release of the repository's modules:
//
//	go run ./tools/cmd/release -version v0.1.0 [-dry-run]
//
// It sets core/version.go and tags core/vX.Y.Z, then makes every module that
// requires core (adapters, examples, tools) require core vX.Y.Z, sets their
// version.go, commits and tags adapters/<name>/vX.Y.Z. It pushes nothing.
// With -dry-run it prints the go.mod and version.go edits, the commits and
// the tags it would make, and changes nothing. See package internal/release.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/go-mcpauth/mcpauth/tools/internal/release"
)

func main() {
	version := flag.String("version", "", "version to release, e.g. v0.1.0 (required)")
	dryRun := flag.Bool("dry-run", false, "print what would be done and change nothing")
	root := flag.String("root", "", "repository root (default: the git top-level directory of the current directory)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "Usage: go run ./tools/cmd/release -version vX.Y.Z [-dry-run] [-root dir]")
		flag.PrintDefaults()
	}
	flag.Parse()
	ctx := context.Background()
	if flag.NArg() > 0 || *version == "" {
		flag.Usage()
		os.Exit(2)
	}
	if *root == "" {
		out, err := exec.CommandContext(ctx, "git", "rev-parse", "--show-toplevel").Output()
		if err != nil {
			fmt.Fprintln(os.Stderr, "release: not in a git repository:", err)
			os.Exit(1)
		}
		*root = strings.TrimSpace(string(out))
	}
	err := release.Run(ctx, release.Options{Root: *root, Version: *version, DryRun: *dryRun, Out: os.Stdout})
	if err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}
