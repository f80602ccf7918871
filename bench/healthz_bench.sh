#!/usr/bin/env bash
# healthz_bench: requests/s and p99 latency of storeedged's GET /healthz under wrk (2 threads,
# 64 keep-alive connections), against baseline_http, a minimal one-loop Beast responder.
# Usage: bench/healthz_bench.sh [BUILD_DIR]   (default build/release; builds nothing itself)
set -euo pipefail

build_dir=${1:-build/release}
duration=${HEALTHZ_BENCH_DURATION:-10s}
daemon=$build_dir/edge/storeedged
baseline=$build_dir/bench/baseline_http

die() {
  echo "healthz_bench: $*" >&2
  exit 1
}
for exe in "$daemon" "$baseline"; do
  [ -x "$exe" ] || die "$exe not found; build first: cmake --preset release && ninja -C $build_dir"
done
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || die "$tool is not installed (scripts/setup.sh installs it)"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/healthz_bench.XXXXXX")
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for URL PID LOG: polls until URL answers 200, or fails if PID dies or 10 s pass.
wait_for() {
  for _ in $(seq 100); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    if ! kill -0 "$2" 2>/dev/null; then
      cat "$3" >&2
      die "the server exited before answering $1"
    fi
    sleep 0.1
  done
  cat "$3" >&2
  die "no answer from $1 after 10 s"
}

# to_ms VALUE: wrk's "812.00us" / "2.15ms" / "1.02s" in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.3f", v * 60000 }
    else { sub(/s$/, "", v); printf "%.3f", v * 1000 }
  }'
}

# run_wrk NAME URL: runs wrk, shows its output and keeps it in $work/NAME.wrk.
run_wrk() {
  local out=$work/$1.wrk
  echo "== $1: wrk -t2 -c64 -d$duration --latency $2"
  wrk -t2 -c64 -d"$duration" --latency "$2" | tee "$out"
  echo
  if grep -qE 'Non-2xx|Socket errors' "$out"; then die "$1: wrk reported errors (see above)"; fi
}

# rps_of NAME / p99_of NAME: requests/s and p99 latency (ms) from NAME's wrk output.
rps_of() {
  local v
  v=$(awk '/^Requests\/sec:/ { print $2 }' "$work/$1.wrk")
  if [ -z "$v" ]; then die "$1: no requests/s in wrk's output"; fi
  echo "$v"
}
p99_of() {
  local v
  v=$(awk '$1 == "99%" { print $2 }' "$work/$1.wrk")
  if [ -z "$v" ]; then die "$1: no p99 in wrk's output"; fi
  to_ms "$v"
}

# storeedged, offline (nothing listens on the MQTT port), on a fresh state directory.
port=$(free_port)
"$daemon" --state-dir "$work/state" --http-listen "127.0.0.1:$port" \
  --mqtt-uri tcp://127.0.0.1:1 2>"$work/storeedged.log" &
server_pid=$!
wait_for "http://127.0.0.1:$port/healthz" "$server_pid" "$work/storeedged.log"
run_wrk storeedged "http://127.0.0.1:$port/healthz"
stop_server

port=$(free_port)
"$baseline" "$port" 2>"$work/baseline.log" &
server_pid=$!
wait_for "http://127.0.0.1:$port/healthz" "$server_pid" "$work/baseline.log"
run_wrk baseline "http://127.0.0.1:$port/healthz"
stop_server

rps_daemon=$(rps_of storeedged)
p99_daemon=$(p99_of storeedged)
rps_baseline=$(rps_of baseline)
p99_baseline=$(p99_of baseline)
ratio=$(awk -v a="$rps_daemon" -v b="$rps_baseline" 'BEGIN { printf "%.2f", a / b }')
printf 'storeedged /healthz: %.0f req/s, p99 %.2f ms\n' "$rps_daemon" "$p99_daemon"
printf 'baseline_http:       %.0f req/s, p99 %.2f ms\n' "$rps_baseline" "$p99_baseline"
echo "ratio storeedged/baseline: ${ratio}x"
