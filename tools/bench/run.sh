#!/bin/sh
# run.sh runs the benchmarks of MCP Auth for Go against the crypto floor,
# golang-jwt and the Go peers, saves the raw results (results/latest.txt),
# and prints benchstat's summary, a markdown table and the target check.
# Flags go to cmd/benchtable: -count N (default 6), -bench REGEXP,
# -benchtime D, -out FILE, -in FILE (no run), -benchstat=false.
set -eu
cd "$(dirname "$0")"
exec go run ./cmd/benchtable "$@"
