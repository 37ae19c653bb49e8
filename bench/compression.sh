#!/usr/bin/env bash
# What compression costs, per request: run through the launcher,
#
#   ./baton bench compression [--quick] [--no-build]
#
# One CompressionBenchServer (pinned to SERVER_CPUS) and wrk (on WRK_CPUS, -t1 -c16) against the
# same URLs with and without "Accept-Encoding: gzip": /json-100k (100 KB of JSON rendered per
# request), /static/data.json (the same bytes as a file: sendfile, or a gzip stream) and
# /static/random.bin (1 MiB that never compresses: sendfile either way). For each: requests/s,
# the server's CPU milliseconds per request (utime+stime from /proc/PID/stat before and after the
# run, over the requests wrk counted) and the bytes a response takes on the wire.
# LEVEL (6) is the gzip level; D (5 s) and C (16) wrk's duration and connections.
# Every run is bounded (D seconds after a WARM-second warm-up per URL; --quick: 3 and 2); only 127.0.0.1.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
jar="$here/target/baton-bench.jar"
java="${JAVA_HOME:?run through ./baton bench compression, which finds a JDK 21+}/bin/java"
SERVER_CPUS=${SERVER_CPUS:-1}; WRK_CPUS=${WRK_CPUS:-0}; D=${D:-5}; C=${C:-16}; LEVEL=${LEVEL:-6}
BUILD=1; WARM=5
for a in "$@"; do
  case "$a" in
    --quick) D=3; WARM=2 ;;
    --no-build) BUILD=0 ;;
    *) echo "usage: ./baton bench compression [--quick] [--no-build]" >&2; exit 2 ;;
  esac
done
say() { echo "compression: $*" >&2; }
die() { say "$*"; exit 1; }
command -v wrk > /dev/null || die "wrk is not installed (Debian package 'wrk')"
if [ "$BUILD" = 1 ]; then
  say "building the bench server"
  (cd "$root" && mvn -B -q package -DskipTests -pl bench -am) > /dev/null || die "build failed"
fi
[ -f "$jar" ] || die "no $jar: build first"
tck=$(getconf CLK_TCK)
pin() { [ -n "$1" ] && command -v taskset > /dev/null && echo "taskset -c $1"; }
files=$(mktemp -d); log=$(mktemp)
PORT=$((20000 + RANDOM % 20000))
# shellcheck disable=SC2046
$(pin "$SERVER_CPUS") "$java" -Xms256m -Xmx1g -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED \
    -cp "$jar" dev.baton.bench.compression.CompressionBenchServer "$PORT" "$files" "$LEVEL" > "$log" 2>&1 &
launched=$!
cleanup() { kill "$launched" 2> /dev/null; wait "$launched" 2> /dev/null; rm -rf "$files" "$log"; }
trap cleanup EXIT
for _ in $(seq 1 80); do grep -q "ready on port" "$log" && break; sleep 0.25; done
pid=$(sed -nE 's/.* pid ([0-9]+)$/\1/p' "$log")
[ -n "$pid" ] || die "the server did not start: $(tail -5 "$log")"
base="http://127.0.0.1:$PORT"
ticks() { awk '{print $14+$15}' "/proc/$pid/stat"; }
wire() { curl -s -o /dev/null -w '%{size_download}' --max-time 5 ${2:+-H "$2"} "$base$1"; }
run() { # path header-or-empty label
  local path=$1 header=$2 label=$3 t0 t1 out reqs
  # shellcheck disable=SC2046
  $(pin "$WRK_CPUS") timeout $((WARM + 20)) wrk -t1 -c"$C" -d"${WARM}s" ${header:+-H "$header"} "$base$path" > /dev/null 2>&1
  t0=$(ticks)
  # shellcheck disable=SC2046
  out=$($(pin "$WRK_CPUS") timeout $((D + 20)) wrk -t1 -c"$C" -d"${D}s" ${header:+-H "$header"} "$base$path" 2>&1)
  t1=$(ticks)
  reqs=$(sed -nE 's/^ *([0-9]+) requests in.*/\1/p' <<< "$out")
  [ -n "$reqs" ] && [ "$reqs" -gt 0 ] || { say "$label: wrk failed: $out"; return; }
  printf '| %-18s | %-8s | %9.0f | %8.3f | %9s |\n' "$path" "$label" "$(awk -v r="$reqs" -v d="$D" 'BEGIN{print r/d}')" \
      "$(awk -v a="$t0" -v b="$t1" -v t="$tck" -v r="$reqs" 'BEGIN{printf "%.3f", (b-a)*1000/t/r}')" "$(wire "$path" "$header")"
}
say "server pid $pid on cpu ${SERVER_CPUS:-any}, wrk on cpu ${WRK_CPUS:-any}, -c$C, ${D}s per run, gzip level $LEVEL"
echo "| URL                | coding   |     req/s | CPU ms/req | bytes/resp |"
echo "|---|---|---:|---:|---:|"
for path in /json-100k /static/data.json /static/random.bin; do
  run "$path" "" identity
  run "$path" "Accept-Encoding: gzip" gzip
done
