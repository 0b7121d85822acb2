#!/usr/bin/env bash
# Measures the local API Gateway's throughput with wrk on loopback, two
# connections per core, for an HTTP API route to an in-process handler
# returning a small JSON body, against a bare net/http server returning the
# same body, and prints the ratio (the target is at least 60%).
# Needs wrk (Debian package wrk); installs it when run as root.
# Usage: bench/gateway.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-10}
if ! command -v wrk >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ]; then
		apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >/dev/null
	else
		echo "gateway.sh: wrk is missing; install the Debian package wrk" >&2
		exit 1
	fi
fi
cores=$(nproc)
conns=$((2 * cores))
bin=$(mktemp -d)/gwserver
# The trap must succeed with no job left: a bare kill fails with status 2.
trap 'jobs -p | xargs -r kill 2>/dev/null || true; rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./gwserver

run() {
	local mode=$1 url out
	"$bin" -mode "$mode" > "$bin.$mode.url" &
	local pid=$!
	for _ in $(seq 50); do
		url=$(head -n1 "$bin.$mode.url" 2>/dev/null || true)
		[ -n "$url" ] && break
		sleep 0.1
	done
	[ -n "$url" ] || { echo "gateway.sh: $mode server did not start" >&2; exit 1; }
	case "$url" in http://127.*) ;; *) echo "gateway.sh: refusing non-loopback $url" >&2; exit 1 ;; esac
	out=$(wrk -t "$cores" -c "$conns" -d "${secs}s" --latency "$url")
	kill "$pid"; wait "$pid" 2>/dev/null || true
	echo "$out" >&2
	echo "$out" | awk '/^Requests\/sec:/ {print $2}'
}

bare=$(run bare)
gw=$(run gateway)
awk -v b="$bare" -v g="$gw" -v c="$conns" 'BEGIN {
	printf "\n| server | requests/s |\n|---|---|\n| bare net/http | %.0f |\n| lambdagate gateway (HTTP API, in-process handler) | %.0f |\n", b, g
	printf "\ngateway / bare = %.0f%% (wrk, %d connections, loopback)\n", 100 * g / b, c
}'
