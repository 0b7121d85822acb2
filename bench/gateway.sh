#!/usr/bin/env bash
# Measures the local API Gateway's throughput with wrk on loopback, two
# connections per core, for an HTTP API route to an in-process handler
# returning a small JSON body, against a bare net/http server returning the
# same body, and prints the ratio (the target is at least 60%). On a
# small shared machine one server's rate can differ by half from one run
# to the next, so it runs ROUNDS rounds (default 5), each loading the bare
# server and then the gateway, and prints the median rates and the median
# of the per-round ratios with their range.
# Needs wrk (Debian package wrk); installs it when run as root.
# Usage: [ROUNDS=n] bench/gateway.sh [seconds per run, default 5]
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-5}
rounds=${ROUNDS:-5}
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

results=""
for round in $(seq "$rounds"); do
	bare=$(run bare)
	gw=$(run gateway)
	echo "round $round: bare $bare, gateway $gw requests/s" >&2
	results="$results$bare $gw
"
done
printf '%s' "$results" | awk -v c="$conns" '
function median(a, n,    i, j, t) {
	for (i = 2; i <= n; i++) {
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]
		a[j+1] = t
	}
	return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
}
NF == 2 { n++; b[n] = $1; g[n] = $2; r[n] = 100 * $2 / $1 }
END {
	lo = hi = r[1]
	for (i = 2; i <= n; i++) { if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i] }
	printf "\n| server | requests/s (median of %d rounds) |\n|---|---|\n", n
	printf "| bare net/http | %.0f |\n| lambdagate gateway (HTTP API, in-process handler) | %.0f |\n", median(b, n), median(g, n)
	printf "\ngateway / bare = %.0f%% (per round %.0f%%-%.0f%%; wrk, %d connections, loopback)\n", median(r, n), lo, hi, c
}'
