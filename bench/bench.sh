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
#   ./baton bench table FILE                the table again, from raw rows (ours or the peers' bench.sh)
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
# Raw rows go to bench/results/run-<time>.txt.
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
  stale=$(find "$root/bench/src" "$root/baton-core/src/main" "$root/bench/pom.xml" "$root/baton-core/pom.xml" "$root/pom.xml" \
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
  $(pinned "$WRK_CPUS") timeout $((d + 30)) wrk "$@" -d"${d}s" -s "$lua" "$url" 2>&1 | grep '^RESULT' | sed 's/^RESULT //'
}

field() { sed -nE "s/.*(^| )$1=([^ ]*).*/\2/p" <<< "$2"; }

warm_up() { # url: 5 s runs until two in a row are within 5 %, at most WARMUP_MAX s
  local url=$1 prev=0 spent=0 res rps
  while :; do
    res=$(wrk_run "$WARMUP_STEP" "$url" -t1 -c"$C")
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
    if [ -n "$ready" ]; then grep -qE "$ready" "$log" && break; else curl -s -o /dev/null --max-time 1 "$url" && break; fi
    sleep 0.25
  done
  curl -s -o /dev/null --max-time 2 "$url" || { say "bench: $url does not answer"; stop_server "$SERVER_PID"; return 1; }
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

cleanup() { local p; for p in "${started[@]}"; do kill -0 "$p" 2> /dev/null && kill -9 "$p" 2> /dev/null; done; }

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
  cost)
    shift; MODE=cost ;;
  table)
    [ $# -eq 2 ] || die "usage: bench table RAW-FILE   (rows of this script or of the peers' bench.sh)"
    table "$2"
    exit 0 ;;
esac

QUICK=0; MODELS=WORKER,EVENT_LOOP,VIRTUAL; SCENARIOS=plaintext,json,slow,slow-blocking; PEERS=""; ROUNDS=1; TIMER=LOOP; BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --models) MODELS=$2; shift ;;
    --scenarios) SCENARIOS=$2; shift ;;
    --peers) PEERS=$(cd "$2" && pwd) || die "no such directory $2"; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --timer) TIMER=$2; shift ;;
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
  shift
done
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
