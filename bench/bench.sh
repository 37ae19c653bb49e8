#!/usr/bin/env bash
# Baton's load-test harness, run through the launcher:
#
#   ./baton bench [options]                 build, then bench every execution model and print a table
#   ./baton bench serve [--port N] [--model M] [--timer LOOP|JDK] [--workers N] [--queue N]
#                                           only start the bench server, in the foreground
#   ./baton bench drive NAME URL PID        bench a server that is already running (any stack)
#   ./baton bench cost [options]            CPU time, allocated bytes and context switches per request
#                                           (fixed young generation, COST_OPTS), per model and scenario
#   ./baton bench jmh [regex] [jmh args]    JMH micro-benchmarks (defaults -f1 -wi 3 -w 1s -i 5 -r 1s)
#   ./baton bench upload [--streamed-mb N] [--aggregated-mb N] [--rounds N]
#                                           upload MB/s and heap peak: a streamed body (dropped, to a
#                                           file) against the aggregated path at its limit
#   ./baton bench table FILE                the table again, from raw rows (ours or the peers' bench.sh)
#   ./baton bench operations [--quick] [--no-build]
#                                           long-running operations: creates/s beside the same server's
#                                           plaintext, progress latency over 1000 event streams, heap per
#                                           queued operation (env OPS_*, see ops_settings below)
#   ./baton bench compression [--quick] [--no-build]
#                                           what gzip costs: req/s, server CPU ms per request and bytes
#                                           per response with and without Accept-Encoding: gzip (JSON,
#                                           a static file by sendfile or gzip stream)
#   ./baton bench h2 [--quick] [--no-build] [--targets A,B]
#                                           HTTP/2 (h2c) with h2load, 100 streams per connection, on
#                                           /plaintext and /json, beside h2c builds of the Vert.x and
#                                           Helidon peers (see bench/h2.sh)
#   ./baton bench faults [--quick] [--no-build]
#                                           fault figures with outside tools (slowhttptest, wrk, raw
#                                           sockets): slowloris, slow body and read, overload, a
#                                           disconnect storm, a connection flood, SIGTERM in flight
#   ./baton bench tls [--quick] [--no-build]
#                                           HTTPS on /plaintext: Baton with OpenSSL, with the JDK's engine,
#                                           and plain HTTP for reference: keep-alive req/s (wrk), a new
#                                           connection per request (wrk, Connection: close) and full
#                                           handshakes/s (openssl s_time -new); env TLS_C (16), TLS_S (10);
#                                           --vertx JAR: also a Vert.x peer with TLS (bench/RESULTS.md, "TLS")
#   ./baton bench operations --store postgres [--quick] [--no-build]
#                                           the same server on baton-operations-postgres, a private
#                                           PostgreSQL started and stopped by the run: creates/s against
#                                           pgbench's insert ceiling, progress latency from node A to an
#                                           SSE client on node B, rescue time after kill -9 (env OPS_PG_*)
#
# Options of the default run:
#   --quick              short warm-up and runs (a smoke test, not a measurement)
#   --models A,B         execution models to bench (default WORKER,EVENT_LOOP,VIRTUAL)
#   --scenarios A,B      plaintext,json,slow,slow-blocking (default: all; slow-blocking runs last)
#   --peers DIR          also bench DIR/netty and DIR/vertx (jars built by the peers' build.sh),
#                        same harness, same session, and print ratios against raw Netty
#   --rounds N           repeat everything N times, the order rotated each round (median reported)
#   --timer LOOP|JDK     what completes /slow (default LOOP: a Netty event-loop timer)
#   --no-build           use bench/target/baton-bench.jar as it is
#
# Environment: SERVER_CPUS (1) and WRK_CPUS (0) pin the server and wrk apart; JAVA_OPTS (the
# peers' flags); C (64), D (5s), REPEAT (3), WARMUP_MAX (90 s per endpoint), SLOW_C (2000),
# SLOW_D (10s), SLOW_MS (500); SERVER_ARGS, more bench-server options (e.g. "--request-timeout 0
# --head-timeout 0 --idle-timeout 0" to see what the timers cost). Only 127.0.0.1 is ever
# loaded; every run is bounded in time.
# Operations mode: OPS_C (64), OPS_D (5 s), OPS_REPEAT (3), OPS_WARMUP_MAX (30 s), OPS_RETENTION_S (2),
# OPS_STREAMS (1000), OPS_PROGRESS_WARMUP (5 s), OPS_PROGRESS_D (20 s), OPS_MEM_N (100000),
# OPS_JAVA_OPTS and OPS_MEM_OPTS (-Xmx2g, ParallelGC), OPS_DRIVER_OPTS, OPS_SERVER_ARGS (more
# OperationsBenchServer options), OPS_PARTS (create,progress,memory: the parts to run).
# --store postgres: OPS_PG_PARTS (pgbench,accept,create,progress,rescue), OPS_PG_POOL (10), OPS_PG_STREAMS
# (200), OPS_PG_LEASE_MS (2000), OPS_PG_RESCUES (3), OPS_PG_BENCH_D (10 s), OPS_PG_PROGRESS_WARMUP (12 s),
# PG_OPTS (server settings).
# Raw rows go to bench/results/run-<time>.txt (operations: operations-<time>.txt).
set -uo pipefail
MODE=run
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
jar="$here/target/baton-bench.jar"
lua="$here/wrk-report.lua"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JAVA_OPTS=${JAVA_OPTS:-"-Xms256m -Xmx1g -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED"}
SERVER_CPUS=${SERVER_CPUS:-1}; WRK_CPUS=${WRK_CPUS:-0}
C=${C:-64}; D=${D:-5s}; REPEAT=${REPEAT:-3}; WARMUP_STEP=${WARMUP_STEP:-5}; WARMUP_MAX=${WARMUP_MAX:-90}
SLOW_C=${SLOW_C:-2000}; SLOW_D=${SLOW_D:-10s}; SLOW_MS=${SLOW_MS:-500}; SERVER_ARGS=${SERVER_ARGS:-}
tck=$(getconf CLK_TCK)
started=()

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }

build() {
  local stale
  stale=$(find "$root/bench/src" "$root/baton-core/src/main" "$root/baton-client/src/main" "$root/baton-operations/src/main" \
      "$root/baton-operations-postgres/src/main" "$root/baton-operations-postgres/pom.xml" \
      "$root/bench/pom.xml" "$root/baton-core/pom.xml" "$root/baton-client/pom.xml" "$root/baton-operations/pom.xml" "$root/pom.xml" \
      -newer "$jar" -print -quit 2>/dev/null)
  if [ -f "$jar" ] && [ -z "$stale" ] && [ "${1:-}" != force ]; then return 0; fi
  say "bench: building $jar"
  (cd "$root" && mvn -q -B -Dstyle.color=never package -DskipTests -pl bench -am) || die "the build failed"
}

require_wrk() {
  command -v wrk > /dev/null && return 0
  say "bench: wrk is not installed; it is the Debian package 'wrk'."
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    say "bench: installing it: apt-get update && apt-get install -y wrk"
    apt-get update -qq > /dev/null && apt-get install -y -qq wrk > /dev/null
  fi
  command -v wrk > /dev/null || die "wrk is missing: install it with 'apt-get install -y wrk' (as root), then re-run"
}

pinned() { # cpu-list: the taskset prefix, empty when there is nothing to pin to
  if [ -n "$1" ] && command -v taskset > /dev/null && [ "$(nproc)" -gt 1 ]; then echo "taskset -c $1"; fi
}

free_port() { # first port >= $1 nobody listens on (of the next 200)
  local p=$1
  while (exec 3<> "/dev/tcp/127.0.0.1/$p") 2> /dev/null; do
    p=$((p + 1))
    (( p < $1 + 200 )) || die "no free port in $1..$p"
  done
  echo "$p"
}

secs() { local v=${1%s}; echo "${v%.*}"; }

# --- one server -------------------------------------------------------------------------------
rss_thr() { awk '/^VmRSS/{r=$2} /^Threads/{t=$2} END{printf "%d %d", r/1024, t}' "/proc/$1/status" 2> /dev/null; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat" 2> /dev/null; }

sampler() { # pid out: peak "rssMB threads" written to out every 0.5 s until killed
  local pid=$1 out=$2 maxr=0 maxt=0 r t
  while kill -0 "$pid" 2> /dev/null; do
    read -r r t < <(rss_thr "$pid")
    (( ${r:-0} > maxr )) && maxr=$r; (( ${t:-0} > maxt )) && maxt=$t
    echo "$maxr $maxt" > "$out"; sleep 0.5
  done
}

wrk_run() { # duration-s url wrk-args... -> prints the RESULT line (empty on failure)
  local d=$1 url=$2; shift 2
  $(pinned "$WRK_CPUS") timeout $((d + 30)) wrk "$@" -d"${d}s" -s "${WRK_SCRIPT:-$lua}" "$url" 2>&1 | grep '^RESULT' | sed 's/^RESULT //'
}

field() { sed -nE "s/.*(^| )$1=([^ ]*).*/\2/p" <<< "$2"; }

warm_up() { # url [connections wrk-args...]: 5 s runs until two in a row are within 5 %, at most WARMUP_MAX s
  local url=$1 c=${2:-$C} prev=0 spent=0 res rps
  shift; [ $# -gt 0 ] && shift
  while :; do
    res=$(wrk_run "$WARMUP_STEP" "$url" -t1 -c"$c" "$@")
    spent=$((spent + WARMUP_STEP))
    rps=$(field ok_rps "$res"); rps=${rps%.*}; rps=${rps:-0}
    if (( prev > 0 && rps > 0 )) && awk -v a="$prev" -v b="$rps" 'BEGIN{d=(b-a)/a; exit !(d<0.05 && d>-0.05)}'; then
      say "    warm-up $url steady at $rps req/s after ${spent}s"; return
    fi
    if (( spent >= WARMUP_MAX )); then say "    warm-up $url NOT steady after ${spent}s (last $rps req/s)"; return; fi
    prev=$rps
  done
}

measure() { # name pid scenario url duration-s connections wrk-args...: one sample -> one ROW line
  local name=$1 pid=$2 scen=$3 url=$4 d=$5 c=$6; shift 6
  local pk; pk=$(mktemp)
  local c0 c1 res prss pthr
  c0=$(cpu_ticks "$pid")
  sampler "$pid" "$pk" & local sp=$!
  res=$(wrk_run "$d" "$url" -t1 -c"$c" "$@")
  kill "$sp" 2> /dev/null; wait "$sp" 2> /dev/null
  c1=$(cpu_ticks "$pid")
  read -r prss pthr < "$pk" 2> /dev/null; rm -f "$pk"
  [ -z "$res" ] && { say "    $scen: wrk failed (is the server alive?)"; return; }
  echo "ROW target=$name scenario=$scen $res peak_rss_mb=${prss:-0} peak_threads=${pthr:-0}" \
       "server_cpu_s=$(awk -v a="${c0:-0}" -v b="${c1:-0}" -v t="$tck" 'BEGIN{printf "%.2f",(b-a)/t}') conns=$c dur_s=$d"
}

drive() { # name base-url pid kind(baton|peer)
  local name=$1 base=$2 pid=$3 kind=${4:-peer} r0 t0 i
  ulimit -n "$(ulimit -Hn)" 2> /dev/null || true
  read -r r0 t0 < <(rss_thr "$pid")
  echo "IDLE target=$name rss_mb=$r0 threads=$t0"
  say "  $name (pid $pid): warming up"
  has plaintext && warm_up "$base/plaintext"
  has json && warm_up "$base/json"
  if has slow && [ "$QUICK" = 0 ]; then wrk_run 5 "$base/slow?ms=20" -t1 -c256 --timeout 5s > /dev/null; fi
  for i in $(seq 1 "$REPEAT"); do
    has plaintext && measure "$name" "$pid" plaintext "$base/plaintext" "$(secs "$D")" "$C" --latency
    has json && measure "$name" "$pid" json "$base/json" "$(secs "$D")" "$C" --latency
  done
  sleep 1
  has slow && BATON_WRK_STATUS=1 measure "$name" "$pid" slow "$base/slow?ms=$SLOW_MS" "$(secs "$SLOW_D")" \
      "$SLOW_C" --timeout 10s --latency
  # last: on the event loop it stalls the server for good
  if has slow-blocking && [ "$kind" = baton ]; then
    sleep 1
    BATON_WRK_STATUS=1 measure "$name" "$pid" slow-blocking "$base/slow-blocking?ms=$SLOW_MS" "$(secs "$SLOW_D")" \
        "$SLOW_C" --timeout 10s --latency
  fi
  read -r r0 t0 < <(rss_thr "$pid")
  echo "AFTER target=$name rss_mb=$r0 threads=$t0"
}

has() { [[ ",$SCENARIOS," == *",$1,"* ]]; }

start_server() { # log ready-regex|"" url command...: starts pinned, waits until ready; sets SERVER_PID
  local log=$1 ready=$2 url=$3; shift 3
  ulimit -n "$(ulimit -Hn)" 2> /dev/null || true
  : > "$log"
  # not through a function: $! must be the server's own pid (taskset execs it)
  $(pinned "$SERVER_CPUS") "$@" > "$log" 2>&1 < /dev/null &
  SERVER_PID=$!
  started+=("$SERVER_PID")
  local i
  for i in $(seq 1 120); do
    kill -0 "$SERVER_PID" 2> /dev/null || { say "bench: the server died; its log:"; tail -20 "$log" >&2; return 1; }
    if [ -n "$ready" ]; then grep -qE "$ready" "$log" && break; else curl -sk -o /dev/null --max-time 1 "$url" && break; fi
    sleep 0.25
  done
  # -k: the TLS bench's certificate is self-signed, made for the run
  curl -sk -o /dev/null --max-time 2 "$url" || { say "bench: $url does not answer"; stop_server "$SERVER_PID"; return 1; }
  # a server that names its pid (ours does) wins over $!, which is a wrapper when the shell forks twice
  local named; named=$(sed -nE 's/.* pid ([0-9]+)$/\1/p' "$log" | head -1)
  if [ -n "$named" ] && [ "$named" != "$SERVER_PID" ]; then SERVER_PID=$named; started+=("$named"); fi
}

stop_server() { # pid: TERM, then KILL after 5 s (a stalled event loop never drains)
  local pid=$1 i
  kill "$pid" 2> /dev/null
  for i in $(seq 1 20); do kill -0 "$pid" 2> /dev/null || break; sleep 0.25; done
  kill -0 "$pid" 2> /dev/null && kill -9 "$pid" 2> /dev/null
  wait "$pid" 2> /dev/null
  return 0
}

cleanup() {
  local p; for p in "${started[@]}"; do kill -0 "$p" 2> /dev/null && kill -9 "$p" 2> /dev/null; done
  declare -F pg_stop > /dev/null && pg_stop # the private PostgreSQL of --store postgres, after the nodes
  return 0
}

start_target() { # target java-opts: starts it on a free port; sets SERVER_PID, BASE and NAME
  local t=$1 opts=$2 port
  port=$(free_port 18080)
  BASE="http://127.0.0.1:$port"
  case "$t" in
    netty|vertx)
      NAME=$t
      local pjar="$PEERS/$t/target/peer-$t.jar"
      [ -f "$pjar" ] || { say "bench: missing $pjar (run the peers' build.sh)"; return 1; }
      # shellcheck disable=SC2086
      start_server "$logs/$NAME.log" "" "$BASE/plaintext" "$java" $opts -jar "$pjar" "$port" ;;
    *)
      NAME=baton-$t
      # shellcheck disable=SC2086
      start_server "$logs/$NAME.log" "bench server ready" "$BASE/plaintext" \
          "$java" $opts -jar "$jar" --port "$port" --model "$t" --timer "$TIMER" $SERVER_ARGS ;;
  esac
}

bench_one() { # target
  start_target "$1" "$JAVA_OPTS" || return
  local pid=$SERVER_PID
  drive "$NAME" "$BASE" "$pid" "$([[ $NAME == baton-* ]] && echo baton || echo peer)"
  stop_server "$pid"
  sleep 2
}

# --- cost per request -----------------------------------------------------------------------------
# A fixed young generation lets us count allocated bytes: collections x eden size + eden use.
COST_OPTS=${COST_OPTS:-"-Xms512m -Xmx512m -Xmn256m -XX:+UseParallelGC -XX:-UseAdaptiveSizePolicy --enable-native-access=ALL-UNNAMED"}
cost_one() { # target: CPU, allocation and context switches per request, for each scenario
  start_target "$1" "$COST_OPTS" || return
  local pid=$SERVER_PID scen url c d res before after
  for scen in ${SCENARIOS//,/ }; do
    case "$scen" in
      plaintext|json) url="$BASE/$scen"; c=$C; d=$(secs "$D") ;;
      slow) url="$BASE/slow?ms=$SLOW_MS"; c=$SLOW_C; d=$(secs "$SLOW_D") ;;
      slow-blocking) [ "${NAME#baton-}" != "$NAME" ] || continue
        url="$BASE/slow-blocking?ms=$SLOW_MS"; c=$SLOW_C; d=$(secs "$SLOW_D") ;;
      *) continue ;;
    esac
    wrk_run "$WARMUP_STEP" "$url" -t1 -c"$c" --timeout 10s > /dev/null
    before=$(counters "$pid")
    res=$(wrk_run "$d" "$url" -t1 -c"$c" --timeout 10s)
    after=$(counters "$pid")
    echo "COST target=$NAME scenario=$scen $res $before $after"
  done
  stop_server "$pid"
  sleep 1
}

counters() { # pid -> "ygc= ec= eu= vcs= ics= ticks=": young collections, eden size and use in bytes, context switches, CPU
  local pid=$1 jdk=${JAVA_HOME:+$JAVA_HOME/bin/} bottom top ec
  # eden as GC.heap_info prints it: "eden space 196608K, 58% used [bottom,top,end)"; jstat's EU is not live on ParallelGC
  read -r ec bottom top < <("${jdk}jcmd" "$pid" GC.heap_info 2> /dev/null \
      | sed -nE 's/.*eden space ([0-9]+)K.*\[0x([0-9a-f]+),0x([0-9a-f]+),.*/\1 \2 \3/p' | head -1)
  printf "ygc=%s ec=%d eu=%d " "$("${jdk}jstat" -gc "$pid" | awk 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i }
      NR == 2 { print $col["YGC"] }')" "$(( ${ec:-0} * 1024 ))" "$(( 16#${top:-0} - 16#${bottom:-0} ))"
  cat /proc/"$pid"/task/*/status 2> /dev/null | awk '/^voluntary_ctxt/ { v += $2 } /^nonvoluntary_ctxt/ { n += $2 }
      END { printf "vcs=%d ics=%d ", v, n }'
  echo "ticks=$(cpu_ticks "$pid")"
}

cost_table() { # raw-file
  awk -v tck="$tck" '
    function f(line, k, nth,   parts, i, m, seen) {
      m = split(line, parts, " "); seen = 0
      for (i = 2; i <= m; i++) if (index(parts[i], k "=") == 1 && ++seen == nth) return substr(parts[i], length(k) + 2)
      return ""
    }
    BEGIN {
      print "| target | scenario | req/s | CPU us/req | alloc B/req | voluntary cs/req | involuntary cs/req | young GCs |"
      print "|---|---|---|---|---|---|---|---|"
    }
    /^COST / {
      req = f($0, "requests", 1); if (req <= 0) next
      alloc = (f($0, "ygc", 2) - f($0, "ygc", 1)) * f($0, "ec", 1) + f($0, "eu", 2) - f($0, "eu", 1)
      printf "| %s | %s | %.0f | %.1f | %.0f | %.2f | %.2f | %d |\n", f($0, "target", 1), f($0, "scenario", 1), f($0, "rps", 1),
        (f($0, "ticks", 2) - f($0, "ticks", 1)) * 1e6 / tck / req, alloc / req,
        (f($0, "vcs", 2) - f($0, "vcs", 1)) / req, (f($0, "ics", 2) - f($0, "ics", 1)) / req, f($0, "ygc", 2) - f($0, "ygc", 1)
    }' "$1"
}

# --- the table ----------------------------------------------------------------------------------
table() { # raw-file: one row per target and scenario, the median-throughput sample, ratios vs netty
  # also reads the ROW lines of ../shared/peers/bench.sh (peer=, rps=, no ok= nor conns=)
  awk -v slow_ms="$SLOW_MS" -v slow_c="$SLOW_C" -v slow_d="$(secs "$SLOW_D")" '
    function g(line, k,   parts, i, m) {
      m = split(line, parts, " ")
      for (i = 2; i <= m; i++) if (index(parts[i], k "=") == 1) return substr(parts[i], length(k) + 2)
      return ""
    }
    function f(line, k,   v) {
      v = g(line, k)
      if (v != "") return v
      if (k == "target") return g(line, "peer")
      if (k == "ok_rps") return g(line, "rps")
      if (k == "ok") return g(line, "requests")
      if (k == "conns") return slow_c
      if (k == "dur_s") return slow_d
      if (k == "statuses") return "-"
      return ""
    }
    /^ROW / {
      key = f($0, "target") SUBSEP f($0, "scenario")
      if (!(key in n)) order[++keys] = key
      row[key, ++n[key]] = $0
    }
    END {
      for (i = 1; i <= keys; i++) {
        key = order[i]; k = n[key]
        for (a = 1; a <= k; a++) { v[a] = f(row[key, a], "ok_rps") + 0; idx[a] = a }
        for (a = 1; a <= k; a++) for (b = a + 1; b <= k; b++) if (v[idx[b]] < v[idx[a]]) { t = idx[a]; idx[a] = idx[b]; idx[b] = t }
        med[key] = row[key, idx[int((k + 1) / 2)]]
        spread[key] = k > 1 ? sprintf("%d (%.0f-%.0f)", k, v[idx[1]], v[idx[k]]) : "1"
      }
      print "| target | scenario | ok req/s | vs netty | % of ceiling | p50 ms | p99 ms | errors c/r/w/t/non2xx | statuses | peak RSS MB | peak threads | CPU s | CPU us/req | samples (min-max) |"
      print "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
      for (i = 1; i <= keys; i++) {
        key = order[i]; r = med[key]; split(key, tk, SUBSEP)
        ref = (("netty" SUBSEP tk[2]) in med) ? f(med["netty" SUBSEP tk[2]], "ok_rps") : 0
        ratio = ref > 0 ? sprintf("%.2fx", f(r, "ok_rps") / ref) : "-"
        ceil = "-"
        if (tk[2] ~ /^slow/) {
          per = int((f(r, "dur_s") * 1000 - 1) / slow_ms); c = f(r, "conns")
          if (per > 0 && c > 0) ceil = sprintf("%.0f%%", 100 * f(r, "ok") / (c * per))
        }
        req = f(r, "requests")
        printf "| %s | %s | %.0f | %s | %s | %s | %s | %s/%s/%s/%s/%s | %s | %s | %s | %s | %s | %s |\n", tk[1], tk[2],
          f(r, "ok_rps"), ratio, ceil, f(r, "p50_ms"), f(r, "p99_ms"),
          f(r, "err_connect"), f(r, "err_read"), f(r, "err_write"), f(r, "err_timeout"), f(r, "non2xx"),
          f(r, "statuses"), f(r, "peak_rss_mb"), f(r, "peak_threads"), f(r, "server_cpu_s"),
          (req > 0 ? sprintf("%.1f", f(r, "server_cpu_s") * 1e6 / req) : "-"), spread[key]
      }
    }' "$1"
}

# --- long-running operations ----------------------------------------------------------------------
# ./baton bench operations: three figures in one run, each against its target.
#   1. creates/s: wrk POSTs {"n":1} to /operations/noop (a handler that returns at once, so the
#      operations drain), beside GET /plaintext of the same server, samples alternated; 503s are
#      counted apart (wrk's per-status counts), never as creates.
#   2. progress latency: OPS_STREAMS ticker operations, each reporting progress every 100 ms with
#      System.nanoTime() as its message, each followed on its own event stream by ProgressDriver
#      (one Netty thread, pinned like wrk); receipt minus that nanoTime.
#   3. heap per queued operation: QueuedMemory, one JVM, maxRunning 1 held by a blocked handler,
#      OPS_MEM_N creates through HTTP, used heap after full GCs before and after.
ops_settings() {
  OPS_C=${OPS_C:-64}; OPS_D=${OPS_D:-5}; OPS_REPEAT=${OPS_REPEAT:-3}; OPS_WARMUP_MAX=${OPS_WARMUP_MAX:-30}
  OPS_RETENTION_S=${OPS_RETENTION_S:-2}; OPS_MAX_RUNNING=${OPS_MAX_RUNNING:-2000}; OPS_MAX_QUEUED=${OPS_MAX_QUEUED:-1000000}
  OPS_STREAMS=${OPS_STREAMS:-1000}; OPS_PROGRESS_WARMUP=${OPS_PROGRESS_WARMUP:-5}; OPS_PROGRESS_D=${OPS_PROGRESS_D:-20}
  OPS_MEM_N=${OPS_MEM_N:-100000}; OPS_PARTS=${OPS_PARTS:-create,progress,memory}
  # the driver's young generation outlasts the window, so that its own collections never show as latency
  OPS_DRIVER_OPTS=${OPS_DRIVER_OPTS:-"-Xms2g -Xmx2g -Xmn1600m -XX:+UseParallelGC"}
  OPS_JAVA_OPTS=${OPS_JAVA_OPTS:-"-Xms1g -Xmx2g -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED"}
  OPS_MEM_OPTS=${OPS_MEM_OPTS:-"-Xms1g -Xmx2g -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED"}
  if [ "$QUICK" = 1 ]; then
    OPS_D=3; OPS_REPEAT=1; OPS_WARMUP_MAX=3; WARMUP_STEP=3; OPS_PROGRESS_WARMUP=3; OPS_PROGRESS_D=5; OPS_MEM_N=20000
  fi
  WARMUP_MAX=$OPS_WARMUP_MAX; C=$OPS_C
}

gc_summary() { # gc-log label -> one GC row: stop-the-world pauses, longest, total (the harness's own System.gc() left out)
  awk -v label="$2" '/Pause/ && !/System.gc/ { v = $NF; sub(/ms$/, "", v); v += 0; n++; t += v; if (v > m) m = v }
    END { printf "GC part=%s pauses=%d max_ms=%.1f total_ms=%.1f\n", label, n, m, t }' "$1" 2> /dev/null
}

ops_server() { # label: starts OperationsBenchServer pinned on SERVER_CPUS; sets SERVER_PID and BASE
  local port; port=$(free_port 18180)
  BASE="http://127.0.0.1:$port"
  # shellcheck disable=SC2086
  start_server "$logs/operations-$1.log" "operations bench server ready" "$BASE/plaintext" \
      "$java" $OPS_JAVA_OPTS -Xlog:gc:file="$logs/operations-$1-gc.log" -cp "$jar" dev.baton.bench.operations.OperationsBenchServer \
      --port "$port" --max-running "$OPS_MAX_RUNNING" --max-queued "$OPS_MAX_QUEUED" --retention-s "$OPS_RETENTION_S" ${OPS_SERVER_ARGS:-}
}

ops_stats() { # label: the server's operation counters and heap, as one STATS row
  echo "STATS part=$1 $(curl -s --max-time 5 "$BASE/bench-stats" | tr -d '{}"' | tr ',:' ' =')"
}

ops_drain() { # waits (15 s at most) until the server has no operation queued or running; says so if it stays busy
  local i st
  for i in $(seq 1 60); do
    st=$(curl -s --max-time 2 "$BASE/bench-stats")
    [[ $st == *'"queued":0,'* && $st == *'"running":0,'* ]] && return 0
    # stats().queued can drift up (a race in OperationRunner.create, see RESULTS.md): 1 or 2 left is not work
    [[ $st =~ \"queued\":([0-9]+), ]] && (( BASH_REMATCH[1] <= 2 )) && [[ $st == *'"running":0,'* ]] && return 0
    sleep 0.25
  done
  say "    the operations did not drain in 15 s: $st"
}

ops_creates() {
  say "bench: operations 1/3: creates/s beside plaintext (server on cpu $SERVER_CPUS, wrk on cpu $WRK_CPUS)"
  ops_server create || return
  local pid=$SERVER_PID i
  echo "IDLE target=operations rss_mb=$(rss_thr "$pid" | cut -d' ' -f1)"
  warm_up "$BASE/plaintext"
  BATON_WRK_STATUS=1 WRK_SCRIPT="$here/wrk-create.lua" warm_up "$BASE/operations/noop"
  ops_stats warm
  for i in $(seq 1 "$OPS_REPEAT"); do
    # each sample starts with nothing queued or running: plaintext must not pay for the creates' backlog
    ops_drain
    measure operations "$pid" plaintext "$BASE/plaintext" "$OPS_D" "$OPS_C" --latency
    ops_drain
    ops_stats "before-create-$i"
    BATON_WRK_STATUS=1 WRK_SCRIPT="$here/wrk-create.lua" \
        measure operations "$pid" create "$BASE/operations/noop" "$OPS_D" "$OPS_C" --latency
    ops_stats "create-$i"
  done
  stop_server "$pid"
  gc_summary "$logs/operations-create-gc.log" create
  sleep 1
}

ops_progress() {
  say "bench: operations 2/3: progress latency, $OPS_STREAMS event streams at 10 updates/s each (driver on cpu $WRK_CPUS)"
  ops_server progress || return
  local pid=$SERVER_PID
  # shellcheck disable=SC2086
  $(pinned "$WRK_CPUS") timeout $((OPS_PROGRESS_WARMUP + OPS_PROGRESS_D + 150)) "$java" $OPS_DRIVER_OPTS \
      -Xlog:gc:file="$logs/progress-driver-gc.log" --enable-native-access=ALL-UNNAMED -cp "$jar" \
      dev.baton.bench.operations.ProgressDriver --url "$BASE" --streams "$OPS_STREAMS" --period-ms 100 \
      --warmup-s "$OPS_PROGRESS_WARMUP" --duration-s "$OPS_PROGRESS_D" --server-pid "$pid" --clk-tck "$tck" \
      --trace "$logs/progress-trace.txt" 2> "$logs/progress-driver.log" | grep -E '^(CLOCK|PROGRESS) '
  grep 'progress driver:' "$logs/progress-driver.log" >&2
  ops_stats progress
  stop_server "$pid"
  gc_summary "$logs/operations-progress-gc.log" progress
  gc_summary "$logs/progress-driver-gc.log" driver
  sleep 1
}

ops_memory() {
  say "bench: operations 3/3: heap per queued operation, $OPS_MEM_N creates per variant"
  # shellcheck disable=SC2086
  timeout 330 "$java" $OPS_MEM_OPTS -cp "$jar" dev.baton.bench.operations.QueuedMemory --n "$OPS_MEM_N" \
      2> "$logs/queued-memory.log" | grep -E '^(MEMORY|#) '
}

ops_table() { # raw-file: the figures against their targets
  awk '
    function f(line, k,   parts, i, m) {
      m = split(line, parts, " ")
      for (i = 2; i <= m; i++) if (index(parts[i], k "=") == 1) return substr(parts[i], length(k) + 2)
      return ""
    }
    function status(line, code,   s, n, i, kv) { # the count of one status in statuses=202:n,503:m
      s = f(line, "statuses"); n = split(s, kv, ",")
      for (i = 1; i <= n; i++) if (index(kv[i], code ":") == 1) return substr(kv[i], length(code) + 2) + 0
      return 0
    }
    function median(a, n,   i, j, t) {
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n == 0 ? 0 : a[int((n + 1) / 2)]
    }
    /^ROW / && f($0, "scenario") == "plaintext" { pt[++npt] = f($0, "ok_rps") + 0 }
    /^ROW / && f($0, "scenario") == "create" {
      secs = f($0, "secs") + 0; if (secs <= 0) next
      lastsecs = secs
      cr[++ncr] = status($0, "202") / secs
      r503 += status($0, "503"); rother += f($0, "requests") - status($0, "202") - status($0, "503")
      cp99[ncr] = f($0, "p99_ms") + 0
      cpu[ncr] = f($0, "server_cpu_s") * 1e6 / (status($0, "202") > 0 ? status($0, "202") : 1)
    }
    /^ROW / && f($0, "scenario") == "plaintext" { pcpu[npt] = f($0, "server_cpu_s") * 1e6 / (f($0, "requests") > 0 ? f($0, "requests") : 1) }
    /^STATS part=before-create-/ { s0 = f($0, "succeeded"); q0 = f($0, "queued"); rj0 = f($0, "rejected") }
    /^STATS part=create-/ {
      created = f($0, "created"); rejected = f($0, "rejected"); queued = f($0, "queued")
      if (s0 != "") { done_n[++nd] = (f($0, "succeeded") - s0) / lastsecs; backlog[nd] = f($0, "queued") - q0; rj += f($0, "rejected") - rj0 }
      s0 = ""
    }
    /^CLOCK / { clock = sprintf("offset in [%s, %s] us, same clock: %s", f($0, "offset_lo_us"), f($0, "offset_hi_us"), f($0, "same_clock") == 1 ? "yes" : "NO (corrected)") }
    /^PROGRESS / { prog = $0 }
    /^GC part=progress/ { pgc = sprintf("%s pauses, longest %s ms", f($0, "pauses"), f($0, "max_ms")) }
    /^GC part=create/ { cgc = sprintf("%s pauses, longest %s ms", f($0, "pauses"), f($0, "max_ms")) }
    /^GC part=driver/ { dgc = sprintf("%s pauses, longest %s ms", f($0, "pauses"), f($0, "max_ms")) }
    /^MEMORY / { mem[f($0, "variant")] = f($0, "bytes_per_op"); memst[f($0, "variant")] = f($0, "statuses") }
    END {
      for (i = 1; i <= ncr; i++) lo = (i == 1 || cr[i] < lo) ? cr[i] : lo
      for (i = 1; i <= ncr; i++) hi = (i == 1 || cr[i] > hi) ? cr[i] : hi
      for (i = 1; i <= npt; i++) plo = (i == 1 || pt[i] < plo) ? pt[i] : plo
      for (i = 1; i <= npt; i++) phi = (i == 1 || pt[i] > phi) ? pt[i] : phi
      c = median(cr, ncr); p = median(pt, npt)
      print "| figure | measured | target | verdict |"
      print "|---|---|---|---|"
      if (ncr > 0 && p > 0) {
        printf "| creates/s (202 only), median of %d | %.0f (%.0f-%.0f) | >= 0.3 x plaintext = %.0f | %s (%.2fx plaintext) |\n",
          ncr, c, lo, hi, 0.3 * p, c >= 0.3 * p ? "met" : "MISSED", c / p
        printf "| same server, GET /plaintext req/s, median of %d | %.0f (%.0f-%.0f) | reference | |\n", npt, p, plo, phi
        printf "| 503s / other non-202 answers in the create samples | %d / %d | counted apart, never as creates | |\n", r503, rother
        if (nd > 0) {
          bl = ""; for (i = 1; i <= nd; i++) bl = bl (i > 1 ? ", " : "") backlog[i]
          printf "| operations run to the end per second during the create samples (median); queue growth per sample | %.0f; %s | close to creates/s: no backlog hidden in the figure | |\n", median(done_n, nd), bl
          printf "| rejected (server count of 503s) during the create samples | %d | | |\n", rj
        }
        mc = median(cpu, ncr); mp = median(pcpu, npt)
        printf "| server CPU us per create / per plaintext request (median) | %.1f / %.1f | the same ratio at full CPU: %.2fx | %s |\n", mc, mp, (mc > 0 ? mp / mc : 0), ((mc > 0 && mp / mc >= 0.3) ? "met" : "MISSED")
        printf "| create p99 ms (median sample) | %.2f | | |\n", median(cp99, ncr)
        printf "| operations server: created, rejected, queued at the end | %s, %s, %s | queued 0 once drained | %s |\n", created, rejected, queued, queued == 0 ? "" : "counter drift"
        if (cgc != "") printf "| create server GC pauses (whole part) | %s | | |\n", cgc
      }
      if (prog != "") {
        printf "| progress() -> SSE receipt, p50 / p99 / max ms | %s / %s / %s | p99 <= 10 ms | %s |\n", f(prog, "p50_ms"),
          f(prog, "p99_ms"), f(prog, "max_ms"), f(prog, "p99_ms") + 0 <= 10 ? "met" : "MISSED"
        printf "| progress p90 / p99.9 ms | %s / %s | | |\n", f(prog, "p90_ms"), f(prog, "p999_ms")
        printf "| streams open; updates sent in the %s s window and timed / expected | %s; %s / %s | every update written (100 ms > progressInterval) | %s |\n",
          f(prog, "window_s"), f(prog, "streams"), f(prog, "recorded"), f(prog, "expected"),
          f(prog, "recorded") >= 0.98 * f(prog, "expected") ? "ok" : "updates missing (or later than the 2 s grace)"
        printf "| server CPU during the window | %s %% of its core | | |\n", f(prog, "server_cpu_pct")
        if (pgc != "") printf "| progress server GC pauses (whole part, the harness System.gc() left out) | %s | | |\n", pgc
        if (dgc != "") printf "| driver GC pauses (whole part, its System.gc() left out) | %s | none in the window | |\n", dgc
        printf "| server heap kept per event written (after full GCs, before and after) | %s B | | |\n", f(prog, "retained_bytes_per_event")
        if (clock != "") printf "| clocks (server nanoTime - driver nanoTime) | %s | | |\n", clock
      }
      split("input input+key no-input", vs, " ")
      for (i = 1; i <= 3; i++) if (vs[i] in mem) {
        label = vs[i] == "input" ? "heap per queued operation (input {\"n\":1})" : vs[i] == "input+key" ? "the same with an Idempotency-Key (36 chars)" : "the same with no input"
        printf "| %s | %s B (%s) | <= 2048 B | %s |\n", label, mem[vs[i]], memst[vs[i]], mem[vs[i]] + 0 <= 2048 ? "met" : "MISSED"
      }
    }' "$1"
}

busy_others() { # processes (not ours) that used more than 10 % of a cpu over their life: the figures are shared with them
  local mine=" $$ ${started[*]:-} "
  ps -eo pid=,pcpu=,comm= 2> /dev/null | awk -v mine="$mine" '$2 > 10 && index(mine, " " $1 " ") == 0 { n++; s = s $3 "(" $2 "%) " }
    END { print (n ? n " " s : "none") }'
}

# --- TLS ------------------------------------------------------------------------------------------
TLS_C=${TLS_C:-16}; TLS_S=${TLS_S:-10}; TLS_VERTX=""
s_time_row() { # name pid host:port seconds: full handshakes per second from one openssl s_time client
  local name=$1 pid=$2 hp=$3 s=$4 out n secs c0 c1
  command -v openssl > /dev/null || { say "    s_time: no openssl command, skipped"; return; }
  c0=$(cpu_ticks "$pid")
  out=$($(pinned "$WRK_CPUS") timeout $((s + 20)) openssl s_time -connect "$hp" -new -time "$s" 2>&1 < /dev/null)
  c1=$(cpu_ticks "$pid")
  # the line in real (wall) seconds; the one before it counts the client's user CPU seconds
  read -r n secs < <(sed -nE 's/^([0-9]+) connections in ([0-9]+) real seconds.*/\1 \2/p' <<< "$out" | head -1)
  [ -z "$n" ] && { say "    s_time failed: $(tail -2 <<< "$out")"; return; }
  echo "ROW target=$name scenario=full-handshake ok_rps=$(awk -v n="$n" -v s="$secs" 'BEGIN{printf "%.1f", n/s}')" \
       "requests=$n ok=$n err_connect=0 err_read=0 err_write=0 err_timeout=0 non2xx=0 server_cpu_s=$(awk -v a="${c0:-0}" -v b="${c1:-0}" -v t="$tck" 'BEGIN{printf "%.2f",(b-a)/t}') conns=1 dur_s=$s"
}

run_tls() { # plain HTTP, then HTTPS with each provider: keep-alive, new connection per request, full handshakes
  require_wrk
  [ "$BUILD" = 1 ] && build
  [ -f "$jar" ] || die "missing $jar"
  local stamp t port pid i
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  raw="$here/results/tls-$stamp.txt"; logs="$here/results/logs-tls-$stamp"
  mkdir -p "$logs"
  # an EC P-256 certificate for the run (ECDSA signatures: what a modern site serves)
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 2 -nodes -subj /CN=localhost \
      -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$logs/key.pem" -out "$logs/cert.pem" 2> /dev/null \
      || die "openssl could not make the run's certificate"
  {
    echo "# baton bench tls $(date -u +%FT%TZ) git $(git -C "$root" rev-parse --short HEAD 2> /dev/null)$(git -C "$root" diff --quiet 2> /dev/null || echo -dirty)"
    echo "# $("$java" -version 2>&1 | head -1); $(wrk --version 2>&1 | head -1); $(openssl version); $(nproc) cpus: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
    echo "# JAVA_OPTS=$JAVA_OPTS server_cpus=$SERVER_CPUS wrk_cpus=$WRK_CPUS c=$C tls_c=$TLS_C d=$D repeat=$REPEAT s_time=${TLS_S}s certificate=EC P-256"
    echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  } | tee "$raw"
  local targets=(http openssl jdk)
  [ -n "$TLS_VERTX" ] && targets+=(vertx-openssl vertx-jdk)
  for t in "${targets[@]}"; do
    port=$(free_port 18443)
    if [[ $t == vertx-* ]]; then
      NAME=$t; BASE="https://127.0.0.1:$port"
      # shellcheck disable=SC2086
      start_server "$logs/$NAME.log" "" "$BASE/plaintext" "$java" $JAVA_OPTS -jar "$TLS_VERTX" "$port" \
          "$logs/cert.pem" "$logs/key.pem" "${t#vertx-}" || continue
    elif [ "$t" = http ]; then
      NAME=baton-http; BASE="http://127.0.0.1:$port"
      # shellcheck disable=SC2086
      start_server "$logs/$NAME.log" "bench server ready" "$BASE/plaintext" "$java" $JAVA_OPTS -jar "$jar" --port "$port" || continue
    else
      NAME=baton-https-$t; BASE="https://127.0.0.1:$port"
      # shellcheck disable=SC2086
      start_server "$logs/$NAME.log" "bench server ready" "$BASE/plaintext" "$java" $JAVA_OPTS -jar "$jar" --port "$port" \
          --tls "$t" --cert "$logs/cert.pem" --key "$logs/key.pem" || continue
    fi
    pid=$SERVER_PID
    say "bench: tls: $NAME (pid $pid): warming up"
    warm_up "$BASE/plaintext"
    # the handshake's own code (Java and native) must be compiled too, or the first figures measure the interpreter
    warm_up "$BASE/plaintext" "$TLS_C" -H 'Connection: close'
    for i in $(seq 1 "$REPEAT"); do
      measure "$NAME" "$pid" keep-alive "$BASE/plaintext" "$(secs "$D")" "$C" --latency | tee -a "$raw"
      measure "$NAME" "$pid" new-connection "$BASE/plaintext" "$(secs "$D")" "$TLS_C" -H 'Connection: close' --latency | tee -a "$raw"
    done
    [ "$t" != http ] && s_time_row "$NAME" "$pid" "127.0.0.1:$port" "$TLS_S" | tee -a "$raw"
    stop_server "$pid"
    sleep 2
  done
  echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$raw"
  echo
  table "$raw"
  echo
  echo "raw rows: $raw; server logs: $logs/"
}

run_operations() {
  ops_settings
  require_wrk
  [ "$BUILD" = 1 ] && build
  [ -f "$jar" ] || die "missing $jar"
  ulimit -n "$(ulimit -Hn)" 2> /dev/null || true
  if ! awk '{exit !($1 < 0.7)}' /proc/loadavg; then
    say "bench: WARNING: load average $(cut -d' ' -f1 /proc/loadavg) before the start: something else runs; the figures share the cpus with it"
  fi
  local stamp; stamp=$(date -u +%Y%m%dT%H%M%SZ)
  raw="$here/results/operations-$stamp.txt"
  logs="$here/results/logs-operations-$stamp"
  mkdir -p "$logs"
  {
    echo "# baton bench operations $(date -u +%FT%TZ) git $(git -C "$root" rev-parse --short HEAD 2> /dev/null)$(git -C "$root" diff --quiet 2> /dev/null || echo -dirty)"
    echo "# $("$java" -version 2>&1 | head -1); $(wrk --version 2>&1 | head -1); $(nproc) cpus: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
    echo "# server: $OPS_JAVA_OPTS server_cpus=$SERVER_CPUS wrk_cpus=$WRK_CPUS c=$OPS_C d=${OPS_D}s repeat=$OPS_REPEAT warmup<=${OPS_WARMUP_MAX}s" \
         "retention=${OPS_RETENTION_S}s maxRunning=$OPS_MAX_RUNNING maxQueued=$OPS_MAX_QUEUED server_args=${OPS_SERVER_ARGS:-}"
    echo "# progress: streams=$OPS_STREAMS period=100ms warmup=${OPS_PROGRESS_WARMUP}s window=${OPS_PROGRESS_D}s; memory: n=$OPS_MEM_N $OPS_MEM_OPTS"
    echo "# progress driver: $OPS_DRIVER_OPTS; parts: $OPS_PARTS"
    echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg); other busy processes: $(busy_others)"
  } | tee "$raw"
  [[ ",$OPS_PARTS," == *,create,* ]] && ops_creates > >(tee -a "$raw")
  [[ ",$OPS_PARTS," == *,progress,* ]] && ops_progress > >(tee -a "$raw")
  [[ ",$OPS_PARTS," == *,memory,* ]] && ops_memory > >(tee -a "$raw")
  sleep 0.5 # the tee of the last part
  echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg); other busy processes: $(busy_others)" | tee -a "$raw"
  echo
  ops_table "$raw"
  echo
  echo "raw rows: $raw; server logs: $logs/"
}

# --- long-running operations on PostgreSQL (--store postgres) -------------------------------------
# One private PostgreSQL (bench/pg.sh) for the whole run, stopped at the end whatever happens (the
# EXIT trap). Five parts:
#   pgbench   the machine's insert ceiling: pgbench -c 8 -j 2 inserting rows shaped like an
#             operation into a copy of the operations table (its indexes too), no Baton running;
#             then a transaction shaped like a create (row + event + pg_notify), for reference.
#   accept    wrk POSTs {"n":1} to /operations/noop of one node that runs one at a time (server on
#             SERVER_CPUS, wrk on WRK_CPUS, PostgreSQL unpinned): 202s per second, the cost of
#             accepting alone, as pgbench's ceiling is an insert alone (schema baton_accept).
#   create    the same against a node with 2000 slots: the noops run and finish meanwhile, on the
#             same two cores.
#   progress  two nodes on the database: A (maxRunning 2000) creates and runs OPS_PG_STREAMS
#             ticker operations, B (maxRunning 1) only serves their event streams to ProgressDriver;
#             receipt on B minus the nanoTime the handler on A stamped (one machine: one clock).
#   rescue    two nodes with a lease of OPS_PG_LEASE_MS; a hold operation starts on one, which is
#             killed -9; the time from the kill to the other's "MARK RUN <id> 2" (its wall clock,
#             printed by the handler). OPS_PG_RESCUES times, the killed node restarted between.
ops_pg_settings() {
  OPS_PG_PARTS=${OPS_PG_PARTS:-pgbench,accept,create,progress,rescue}; OPS_PG_POOL=${OPS_PG_POOL:-10}
  OPS_PG_STREAMS=${OPS_PG_STREAMS:-200}; OPS_PG_LEASE_MS=${OPS_PG_LEASE_MS:-2000}; OPS_PG_RESCUES=${OPS_PG_RESCUES:-3}
  OPS_PG_BENCH_D=${OPS_PG_BENCH_D:-10}
  # two nodes each pinned to one core with their JIT: at 5 s the first seconds of the window were still warming up
  OPS_PROGRESS_WARMUP=${OPS_PG_PROGRESS_WARMUP:-12}
  OPS_WARMUP_MAX=${OPS_PG_WARMUP_MAX:-15}; WARMUP_MAX=$OPS_WARMUP_MAX
  if [ "$QUICK" = 1 ]; then OPS_PG_BENCH_D=3; OPS_PG_STREAMS=50; OPS_PG_RESCUES=1; OPS_PROGRESS_WARMUP=3; fi
}

ops_pg_server() { # label max-running lease-ms [schema]: a node on the private PostgreSQL; sets SERVER_PID and BASE
  local port; port=$(free_port 18180)
  BASE="http://127.0.0.1:$port"
  # shellcheck disable=SC2086
  start_server "$logs/pg-$1.log" "operations bench server ready" "$BASE/plaintext" \
      "$java" $OPS_JAVA_OPTS -Xlog:gc:file="$logs/pg-$1-gc.log" -cp "$jar" dev.baton.bench.operations.OperationsBenchServer \
      --port "$port" --max-running "$2" --max-queued "$OPS_MAX_QUEUED" --retention-s "$OPS_RETENTION_S" \
      --store postgres --pg-url "$PG_URL" --pg-pool "$OPS_PG_POOL" --lease-ms "$3" --pg-schema "${4:-baton}" ${OPS_SERVER_ARGS:-}
}

ops_pg_bench() {
  say "bench: postgres 1/4: pgbench's insert ceiling, -c 8 -j 2 -T $OPS_PG_BENCH_D (no Baton node running)"
  pg_psql -c "CREATE TABLE IF NOT EXISTS public.bench_ops (LIKE baton.operations INCLUDING ALL);
              CREATE TABLE IF NOT EXISTS public.bench_events (LIKE baton.operation_events INCLUDING ALL)" || return
  local ins="$logs/pgbench-insert.sql" tx="$logs/pgbench-create-tx.sql" out
  # the columns a create writes (OperationSql.create), the values of a {"n":1} noop
  cat > "$ins" << 'SQL'
INSERT INTO public.bench_ops (id, type, owner, status, percent_complete, message, input, result, error, checkpoint,
  idempotency_key, fingerprint, created_at, started_at, finished_at, attempts, rescues, not_before, cancel_requested,
  lease_owner, lease_until, fencing_token, version, last_event_id)
VALUES (md5(random()::text || clock_timestamp()::text), 'noop', NULL, 'notStarted', 0, NULL, '{"n":1}', NULL, NULL, NULL,
  NULL, NULL, clock_timestamp(), NULL, NULL, 0, 0, NULL, false, NULL, NULL, 0, 1, 1);
SQL
  cat > "$tx" << 'SQL'
BEGIN;
WITH o AS (
  INSERT INTO public.bench_ops (id, type, status, percent_complete, input, created_at, attempts, rescues, cancel_requested,
    fencing_token, version, last_event_id)
  VALUES (md5(random()::text || clock_timestamp()::text), 'noop', 'notStarted', 0, '{"n":1}', clock_timestamp(), 0, 0, false, 0, 1, 1)
  RETURNING id)
INSERT INTO public.bench_events (operation_id, event_id, kind, snapshot) SELECT id, 1, 'status', '{"id":"x","status":"notStarted"}' FROM o;
SELECT pg_notify('bench', 'x');
COMMIT;
SQL
  # shellcheck disable=SC2086
  out=$(timeout $((OPS_PG_BENCH_D + 60)) "$PG_BIN/pgbench" -n -f "$ins" -c 8 -j 2 -T "$OPS_PG_BENCH_D" $PG_CONN 2>&1)
  echo "$out" > "$logs/pgbench-insert.log"
  echo "PGBENCH script=insert clients=8 threads=2 dur_s=$OPS_PG_BENCH_D tps=$(sed -nE 's/^tps = ([0-9.]+) .*/\1/p' <<< "$out" | head -1)" \
       "latency_ms=$(sed -nE 's/^latency average = ([0-9.]+) ms/\1/p' <<< "$out") failed=$(sed -nE 's/^number of failed transactions: ([0-9]+).*/\1/p' <<< "$out")"
  # shellcheck disable=SC2086
  out=$(timeout 60 "$PG_BIN/pgbench" -n -f "$tx" -c 8 -j 2 -T 5 $PG_CONN 2>&1)
  echo "$out" > "$logs/pgbench-create-tx.log"
  echo "PGBENCH script=create-tx clients=8 threads=2 dur_s=5 tps=$(sed -nE 's/^tps = ([0-9.]+) .*/\1/p' <<< "$out" | head -1)" \
       "latency_ms=$(sed -nE 's/^latency average = ([0-9.]+) ms/\1/p' <<< "$out") failed=$(sed -nE 's/^number of failed transactions: ([0-9]+).*/\1/p' <<< "$out")"
  pg_psql -c "DROP TABLE public.bench_events; DROP TABLE public.bench_ops; CHECKPOINT" || true
}

ops_pg_creates() { # scenario max-running schema
  say "bench: postgres 2/4: $1: creates/s through one node, $2 running at most (server on cpu $SERVER_CPUS, wrk on cpu $WRK_CPUS, PostgreSQL unpinned)"
  ops_pg_server "$1" "$2" 10000 "$3" || return
  local pid=$SERVER_PID i
  BATON_WRK_STATUS=1 WRK_SCRIPT="$here/wrk-create.lua" warm_up "$BASE/operations/noop"
  for i in $(seq 1 "$OPS_REPEAT"); do
    # a node that accepts only leaves its queue: waiting for it to drain would take minutes
    [ "$1" = create ] && ops_drain
    ops_stats "before-$1-$i"
    BATON_WRK_STATUS=1 WRK_SCRIPT="$here/wrk-create.lua" \
        measure operations-pg "$pid" "$1" "$BASE/operations/noop" "$OPS_D" "$OPS_C" --latency
    ops_stats "$1-$i"
  done
  echo "PGROWS part=$1 operations=$(pg_psql -c "SELECT count(*) FROM $3.operations") events=$(pg_psql -c "SELECT count(*) FROM $3.operation_events")"
  stop_server "$pid"
  gc_summary "$logs/pg-$1-gc.log" "$1"
  sleep 1
}

ops_pg_progress() {
  say "bench: postgres 3/4: progress latency, handlers on node A, $OPS_PG_STREAMS event streams on node B (driver on cpu $WRK_CPUS)"
  # a schema of its own: the tickers left running at the end must not reach the rescue's nodes
  # B runs none of the tickers: its one slot holds a long operation it claimed before A started
  ops_pg_server progress-b 1 10000 baton_progress || return
  local b=$SERVER_PID bbase=$BASE j
  curl -s -o /dev/null --max-time 5 -X POST -H 'Content-Type: application/json' -d '{"ms":600000}' "$bbase/operations/hold"
  for j in $(seq 1 50); do grep -q '^MARK RUN ' "$logs/pg-progress-b.log" && break; sleep 0.1; done
  ops_pg_server progress-a "$OPS_MAX_RUNNING" 10000 baton_progress || { stop_server "$b"; return; }
  local a=$SERVER_PID abase=$BASE
  # shellcheck disable=SC2086
  $(pinned "$WRK_CPUS") timeout $((OPS_PROGRESS_WARMUP + OPS_PROGRESS_D + 150)) "$java" $OPS_DRIVER_OPTS \
      -Xlog:gc:file="$logs/pg-progress-driver-gc.log" --enable-native-access=ALL-UNNAMED -cp "$jar" \
      dev.baton.bench.operations.ProgressDriver --url "$bbase" --create-url "$abase" --streams "$OPS_PG_STREAMS" --period-ms 100 \
      --warmup-s "$OPS_PROGRESS_WARMUP" --duration-s "$OPS_PROGRESS_D" --server-pid "$a" --clk-tck "$tck" \
      --trace "$logs/pg-progress-trace.txt" 2> "$logs/pg-progress-driver.log" | grep -E '^(CLOCK|PROGRESS) '
  grep 'progress driver:' "$logs/pg-progress-driver.log" >&2
  BASE=$abase; ops_stats progress-a
  BASE=$bbase; ops_stats progress-b
  stop_server "$b"; stop_server "$a"
  gc_summary "$logs/pg-progress-a-gc.log" progress-a
  gc_summary "$logs/pg-progress-b-gc.log" progress-b
  sleep 1
}

ops_pg_rescue() {
  say "bench: postgres 4/4: rescue after kill -9, lease ${OPS_PG_LEASE_MS} ms, $OPS_PG_RESCUES times"
  local -A pids bases
  local n id t_kill run victim other mark i j
  for n in x y; do
    ops_pg_server "rescue-$n" 10 "$OPS_PG_LEASE_MS" baton_rescue || return
    pids[$n]=$SERVER_PID; bases[$n]=$BASE
  done
  for i in $(seq 1 "$OPS_PG_RESCUES"); do
    id=$(curl -s --max-time 5 -X POST -H 'Content-Type: application/json' -d '{"ms":60000}' "${bases[x]}/operations/hold" \
        | sed -nE 's/.*"id":"([^"]+)".*/\1/p')
    [ -n "$id" ] || { say "    could not create a hold operation"; break; }
    victim=""
    for j in $(seq 1 100); do # which node started attempt 1 (10 s at most)
      for n in x y; do grep -q "^MARK RUN $id 1 " "$logs/pg-rescue-$n.log" && victim=$n; done
      [ -n "$victim" ] && break; sleep 0.1
    done
    [ -n "$victim" ] || { say "    $id never started"; break; }
    other=$([ "$victim" = x ] && echo y || echo x)
    sleep 1 # a lease renewal or two first
    t_kill=$(date +%s%3N)
    kill -9 "${pids[$victim]}"
    mark=""
    for j in $(seq 1 $(( (OPS_PG_LEASE_MS + 10000) / 50 ))); do
      mark=$(sed -nE "s/^MARK RUN $id 2 ([0-9]+)$/\1/p" "$logs/pg-rescue-$other.log" | head -1)
      [ -n "$mark" ] && break; sleep 0.05
    done
    local state; state=$(curl -s --max-time 5 "${bases[$other]}/operations/$id")
    echo "RESCUE trial=$i id=$id lease_ms=$OPS_PG_LEASE_MS killed=$victim rescuer=$other" \
         "rescue_ms=$([ -n "$mark" ] && echo $((mark - t_kill)) || echo none)" \
         "status=$(sed -nE 's/.*"status":"([^"]+)".*/\1/p' <<< "$state") attempts=$(sed -nE 's/.*"attempts":([0-9]+).*/\1/p' <<< "$state")"
    curl -s -o /dev/null --max-time 5 -X DELETE "${bases[$other]}/operations/$id"
    wait "${pids[$victim]}" 2> /dev/null
    if [ "$i" -lt "$OPS_PG_RESCUES" ]; then # the killed node again (its log kept apart)
      mv "$logs/pg-rescue-$victim.log" "$logs/pg-rescue-$victim-$i.log"
      ops_pg_server "rescue-$victim" 10 "$OPS_PG_LEASE_MS" baton_rescue || break
      pids[$victim]=$SERVER_PID; bases[$victim]=$BASE
    fi
  done
  for n in x y; do kill -0 "${pids[$n]}" 2> /dev/null && stop_server "${pids[$n]}"; done
  return 0
}

ops_pg_table() { # raw-file
  awk -v lease="${OPS_PG_LEASE_MS:-2000}" '
    function f(line, k,   parts, i, m) {
      m = split(line, parts, " ")
      for (i = 2; i <= m; i++) if (index(parts[i], k "=") == 1) return substr(parts[i], length(k) + 2)
      return ""
    }
    function status(line, code,   s, n, i, kv) {
      s = f(line, "statuses"); n = split(s, kv, ",")
      for (i = 1; i <= n; i++) if (index(kv[i], code ":") == 1) return substr(kv[i], length(code) + 2) + 0
      return 0
    }
    function median(a, n,   i, j, t) {
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n == 0 ? 0 : a[int((n + 1) / 2)]
    }
    /^PGBENCH / && f($0, "script") == "insert" { ceil = f($0, "tps") + 0; ceillat = f($0, "latency_ms") }
    /^PGBENCH / && f($0, "script") == "create-tx" { ctx = f($0, "tps") + 0 }
    /^ROW / && f($0, "scenario") == "accept" {
      secs = f($0, "secs") + 0; if (secs <= 0) next
      ac[++nac] = status($0, "202") / secs; ap99[nac] = f($0, "p99_ms") + 0
      r503 += status($0, "503"); rother += f($0, "requests") - status($0, "202") - status($0, "503")
    }
    /^ROW / && f($0, "scenario") == "create" {
      secs = f($0, "secs") + 0; if (secs <= 0) next
      lastsecs = secs; cr[++ncr] = status($0, "202") / secs; cp99[ncr] = f($0, "p99_ms") + 0
      r503 += status($0, "503"); rother += f($0, "requests") - status($0, "202") - status($0, "503")
    }
    /^STATS part=before-create-/ { s0 = f($0, "succeeded") }
    /^STATS part=create-/ { if (s0 != "") done_n[++nd] = (f($0, "succeeded") - s0) / lastsecs; s0 = "" }
    /^STATS part=progress-b/ { bstats = sprintf("created %s, succeeded %s, running %s", f($0, "created"), f($0, "succeeded"), f($0, "running")) }
    /^CLOCK / { clock = sprintf("offset in [%s, %s] us, same clock: %s", f($0, "offset_lo_us"), f($0, "offset_hi_us"), f($0, "same_clock") == 1 ? "yes" : "NO (corrected)") }
    /^PROGRESS / { prog = $0 }
    /^RESCUE / { v = f($0, "rescue_ms"); nr++; if (v == "none") miss++; else { rs[++nrs] = v + 0; if (v + 0 > rmax) rmax = v + 0 }
                 rl = rl (rl == "" ? "" : ", ") v }
    END {
      print "| figure | measured | target | verdict |"
      print "|---|---|---|---|"
      if (ceil > 0) printf "| pgbench insert ceiling (one row shaped like an operation, -c 8 -j 2), tx/s | %.0f (%s ms avg) | reference | |\n", ceil, ceillat
      if (ctx > 0) printf "| pgbench, a transaction shaped like a create (row + event + pg_notify), tx/s | %.0f | reference | |\n", ctx
      if (nac > 0) {
        c = median(ac, nac)
        for (i = 1; i <= nac; i++) { lo = (i == 1 || ac[i] < lo) ? ac[i] : lo; hi = (i == 1 || ac[i] > hi) ? ac[i] : hi }
        if (ceil > 0) printf "| creates/s, a node that accepts (it runs 1 at a time), 202 only, median of %d | %.0f (%.0f-%.0f) | >= 0.5 x pgbench = %.0f | %s (%.2fx) |\n",
          nac, c, lo, hi, 0.5 * ceil, c >= 0.5 * ceil ? "met" : "MISSED", c / ceil
        else printf "| creates/s, a node that accepts (it runs 1 at a time), 202 only, median of %d | %.0f (%.0f-%.0f) | | |\n", nac, c, lo, hi
        printf "| accept p99 ms (median sample) | %.2f | | |\n", median(ap99, nac)
      }
      if (ncr > 0) {
        c = median(cr, ncr)
        for (i = 1; i <= ncr; i++) { lo = (i == 1 || cr[i] < lo) ? cr[i] : lo; hi = (i == 1 || cr[i] > hi) ? cr[i] : hi }
        printf "| creates/s, the same node also running them all (2000 slots), median of %d | %.0f (%.0f-%.0f) | reference | %s |\n",
          ncr, c, lo, hi, (ceil > 0 ? sprintf("%.2fx", c / ceil) : "")
        printf "| operations run to the end per second meanwhile (median) | %.0f | | |\n", median(done_n, nd)
        printf "| create p99 ms (median sample) | %.2f | | |\n", median(cp99, ncr)
      }
      if (nac + ncr > 0) printf "| 503s / other non-202 (both) | %d / %d | 0 / 0 | |\n", r503, rother
      if (prog != "") {
        printf "| progress() on node A -> SSE receipt on node B, p50 / p99 / max ms | %s / %s / %s | p99 <= 50 ms | %s |\n", f(prog, "p50_ms"),
          f(prog, "p99_ms"), f(prog, "max_ms"), f(prog, "p99_ms") + 0 <= 50 ? "met" : "MISSED"
        printf "| streams on B; updates in the %s s window timed / expected | %s; %s / %s | | %s |\n", f(prog, "window_s"),
          f(prog, "streams"), f(prog, "recorded"), f(prog, "expected"), f(prog, "recorded") >= 0.98 * f(prog, "expected") ? "ok" : "updates missing"
        printf "| node A CPU during the window | %s %% of a core | | |\n", f(prog, "server_cpu_pct")
        if (bstats != "") printf "| node B own operations (running 1: the hold that fills its one slot, no ticker) | %s | | |\n", bstats
        if (clock != "") printf "| clocks (A nanoTime - driver nanoTime) | %s | | |\n", clock
      }
      if (nr > 0) printf "| rescue after kill -9: kill -> attempt 2 starts on the other node, ms (%d trials) | %s; max %s | <= lease + 2 s = %d | %s |\n",
        nr, rl, (nrs ? rmax : "-"), lease + 2000, (miss == 0 && rmax <= lease + 2000) ? "met" : "MISSED"
    }' "$1"
}

run_operations_pg() {
  ops_settings
  ops_pg_settings
  require_wrk
  [ "$BUILD" = 1 ] && build
  [ -f "$jar" ] || die "missing $jar"
  # shellcheck source=pg.sh
  . "$here/pg.sh"
  ulimit -n "$(ulimit -Hn)" 2> /dev/null || true
  if ! awk '{exit !($1 < 0.7)}' /proc/loadavg; then
    say "bench: WARNING: load average $(cut -d' ' -f1 /proc/loadavg) before the start: something else runs; the figures share the cpus with it"
  fi
  local stamp; stamp=$(date -u +%Y%m%dT%H%M%SZ)
  raw="$here/results/operations-pg-$stamp.txt"
  logs="$here/results/logs-operations-pg-$stamp"
  mkdir -p "$logs"
  pg_start || die "could not start PostgreSQL"
  say "bench: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $NF}') on 127.0.0.1:$PG_PORT in $PG_DIR"
  {
    echo "# baton bench operations --store postgres $(date -u +%FT%TZ) git $(git -C "$root" rev-parse --short HEAD 2> /dev/null)$(git -C "$root" diff --quiet 2> /dev/null || echo -dirty)"
    echo "# $("$java" -version 2>&1 | head -1); $(wrk --version 2>&1 | head -1); $("$PG_BIN/postgres" --version); $(nproc) cpus: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
    echo "# postgres: fsync/synchronous_commit $(pg_psql -c 'SHOW fsync')/$(pg_psql -c 'SHOW synchronous_commit') PG_OPTS=${PG_OPTS:-} unpinned; pool per node $OPS_PG_POOL"
    echo "# server: $OPS_JAVA_OPTS server_cpus=$SERVER_CPUS wrk_cpus=$WRK_CPUS c=$OPS_C d=${OPS_D}s repeat=$OPS_REPEAT warmup<=${OPS_WARMUP_MAX}s retention=${OPS_RETENTION_S}s"
    echo "# progress: streams=$OPS_PG_STREAMS period=100ms warmup=${OPS_PROGRESS_WARMUP}s window=${OPS_PROGRESS_D}s; rescue: lease=${OPS_PG_LEASE_MS}ms trials=$OPS_PG_RESCUES; parts: $OPS_PG_PARTS"
    echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg); other busy processes: $(busy_others)"
  } | tee "$raw"
  # create first: its node migrates the schema that pgbench copies
  [[ ",$OPS_PG_PARTS," == *,create,* || ",$OPS_PG_PARTS," == *,pgbench,* ]] && { ops_pg_server migrate 1 10000 && stop_server "$SERVER_PID"; }
  [[ ",$OPS_PG_PARTS," == *,pgbench,* ]] && ops_pg_bench > >(tee -a "$raw")
  [[ ",$OPS_PG_PARTS," == *,accept,* ]] && ops_pg_creates accept 1 baton_accept > >(tee -a "$raw")
  [[ ",$OPS_PG_PARTS," == *,create,* ]] && ops_pg_creates create "$OPS_MAX_RUNNING" baton > >(tee -a "$raw")
  [[ ",$OPS_PG_PARTS," == *,progress,* ]] && ops_pg_progress > >(tee -a "$raw")
  [[ ",$OPS_PG_PARTS," == *,rescue,* ]] && ops_pg_rescue > >(tee -a "$raw")
  sleep 0.5
  echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg); other busy processes: $(busy_others)" | tee -a "$raw"
  cp "$PG_DIR/log" "$logs/postgres.log" 2> /dev/null
  pg_stop
  echo
  ops_pg_table "$raw"
  echo
  echo "raw rows: $raw; logs: $logs/"
}

# --- commands -----------------------------------------------------------------------------------
trap cleanup EXIT
trap 'exit 130' INT TERM
case "${1:-}" in
  serve)
    shift
    build
    # shellcheck disable=SC2086
    exec "$java" $JAVA_OPTS -jar "$jar" "$@" ;;
  jmh)
    shift
    build
    args=("$@"); defaults=()
    for d in "-f 1" "-wi 3" "-w 1s" "-i 5" "-r 1s"; do
      [[ " ${args[*]:-} " == *" ${d%% *} "* ]] || defaults+=($d)
    done
    exec "$java" --enable-native-access=ALL-UNNAMED -cp "$jar" org.openjdk.jmh.Main "${defaults[@]}" "${args[@]}" ;;
  drive)
    shift
    [ $# -eq 3 ] || die "usage: bench drive NAME URL PID"
    require_wrk
    QUICK=0; SCENARIOS=plaintext,json,slow
    out=$(mktemp)
    drive "$1" "$2" "$3" peer | tee "$out"
    table "$out"
    rm -f "$out"
    exit 0 ;;
  upload)
    shift
    build
    # shellcheck disable=SC2086
    exec "$java" $JAVA_OPTS -cp "$jar" dev.baton.bench.UploadBench "$@" ;;
  cost)
    shift; MODE=cost ;;
  faults)
    shift
    exec "$here/faults.sh" "$@" ;;
  compression)
    shift
    exec "$here/compression.sh" "$@" ;;
  h2)
    shift
    exec "$here/h2.sh" "$@" ;;
  table)
    [ $# -eq 2 ] || die "usage: bench table RAW-FILE   (rows of this script or of the peers' bench.sh)"
    if grep -q '^# baton bench operations --store postgres' "$2"; then ops_settings; ops_pg_settings; ops_pg_table "$2"
    elif grep -q '^# baton bench operations' "$2"; then ops_table "$2"; else table "$2"; fi
    exit 0 ;;
  operations)
    shift; MODE=operations ;;
  tls)
    shift; MODE=tls ;;
esac

QUICK=0; MODELS=WORKER,EVENT_LOOP,VIRTUAL; SCENARIOS=plaintext,json,slow,slow-blocking; PEERS=""; ROUNDS=1; TIMER=LOOP; BUILD=1; STORE=memory
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --models) MODELS=$2; shift ;;
    --scenarios) SCENARIOS=$2; shift ;;
    --peers) PEERS=$(cd "$2" && pwd) || die "no such directory $2"; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --timer) TIMER=$2; shift ;;
    --no-build) BUILD=0 ;;
    --store) STORE=$2; shift ;;
    --vertx) TLS_VERTX=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); [ -f "$TLS_VERTX" ] || die "no such jar $2"; shift ;;
    -h|--help) sed -n '2,65p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
  shift
done
if [ "$MODE" = tls ]; then
  if [ "$QUICK" = 1 ]; then D=3s; REPEAT=1; WARMUP_STEP=3; WARMUP_MAX=3; TLS_S=3; fi
  run_tls
  exit 0
fi
if [ "$MODE" = operations ]; then
  case "$STORE" in
    memory) run_operations ;;
    postgres) run_operations_pg ;;
    *) die "--store is memory or postgres, not $STORE" ;;
  esac
  exit 0
fi
if [ "$QUICK" = 1 ]; then
  D=3s; REPEAT=1; WARMUP_STEP=3; WARMUP_MAX=3; SLOW_D=5s
fi
require_wrk
[ "$BUILD" = 1 ] && build force
[ -f "$jar" ] || die "missing $jar"
targets=()
[ -n "$PEERS" ] && targets+=(netty vertx)
IFS=, read -r -a models <<< "$MODELS"
targets+=("${models[@]}")

stamp=$(date -u +%Y%m%dT%H%M%SZ)
raw="$here/results/run-$stamp.txt"
logs="$here/results/logs-$stamp"
mkdir -p "$logs"
{
  echo "# baton bench $MODE $(date -u +%FT%TZ) git $(git -C "$root" rev-parse --short HEAD 2> /dev/null)$(git -C "$root" diff --quiet 2> /dev/null || echo -dirty)"
  echo "# $("$java" -version 2>&1 | head -1); $(wrk --version 2>&1 | head -1); $(nproc) cpus: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
  if [ "$MODE" = cost ]; then opts=$COST_OPTS; else opts=$JAVA_OPTS; fi
  echo "# JAVA_OPTS=$opts server_cpus=$SERVER_CPUS wrk_cpus=$WRK_CPUS c=$C d=$D repeat=$REPEAT warmup<=${WARMUP_MAX}s slow: c=$SLOW_C d=$SLOW_D ms=$SLOW_MS timer=$TIMER server_args=$SERVER_ARGS"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$raw"
for round in $(seq 1 "$ROUNDS"); do
  n=${#targets[@]}
  for i in $(seq 0 $((n - 1))); do
    t=${targets[$(( (i + round - 1) % n ))]}
    say "bench: $MODE round $round/$ROUNDS: $t"
    if [ "$MODE" = cost ]; then cost_one "$t" > >(tee -a "$raw"); else bench_one "$t" > >(tee -a "$raw"); fi
  done
done
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$raw"
echo
if [ "$MODE" = cost ]; then cost_table "$raw"; else table "$raw"; fi
echo
echo "raw rows: $raw; server logs: $logs/"
