#!/usr/bin/env bash
# ./baton experiment: the demo's central claim with numbers, on this machine. The same small worker
# pool (8 threads, a queue of 32) serves the synchronous /Gizmos page (SYNC: a worker blocks on the
# 500 ms backend call), the asynchronous /GizmosAsync (ASYNC: returns the call's future), and
# /Gizmos with the front on virtual threads (VIRTUAL), under the same ramp of concurrent users,
# then a burst from idle to 5000 concurrent requests. The load comes from wrk, not from Baton.
# In a ramp step the users' first requests go out spread over one backend delay (500 ms); in the
# burst all at once. A user who gets a 503 waits its Retry-After (1 s) before the next request.
#
#   ./baton experiment [--quick] [options]
#
# Options:
#   --quick              a smoke run (~2 min): steps 8,64,512 of 3 s, shorter burst and probes
#   --models A,B         SYNC,ASYNC,VIRTUAL (default: all three, in that order)
#   --steps A,B          concurrent users (wrk connections) of the ramp (default 8,16,32,64,128,256,512,1000)
#   --step-secs N        seconds per ramp step (default 10)
#   --burst N            the burst's concurrent requests (default 5000; 0 skips the burst)
#   --workers N          the front's worker threads (default 8)
#   --queue N            requests that may wait for a worker before 503 (default 32, the demo's)
#   --flood              wrk retries a 503 at once (default: it honours Retry-After, 1 s)
#   --front pages|demo   what serves SYNC and ASYNC. pages (default): the demo's sample pages on a front
#                        configured as DemoApp configures its own, the one assembly that can also run
#                        VIRTUAL (DemoOptions has no execution-model option), so the three rows differ
#                        in the model only. demo: DemoApp.start, the whole demo as ./baton demo runs it
#                        (dashboard, operations, every page; VIRTUAL still runs on pages)
#   --no-build           use bench/target/baton-bench.jar as it is
#
# Environment: SERVER_CPUS (1: the front and the backend, each its own JVM) and WRK_CPUS (0) pin
# the two sides apart; EXP_JAVA_OPTS (both JVMs); EXP_HOLD (32), the users held for the memory probe
# that every model can hold without a 503 (the ramp's top and the burst are held too). Only
# 127.0.0.1 is loaded; every run is bounded in time.
# Output: bench/results/experiment-<time>/ with raw.txt (one row per run), report.md, report.html
# (uPlot inlined: it opens from disk) and the servers' logs.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
jar="$here/target/baton-bench.jar"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
EXP_JAVA_OPTS=${EXP_JAVA_OPTS:-"-Xms256m -Xmx1g -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED"}
SERVER_CPUS=${SERVER_CPUS:-1}; WRK_CPUS=${WRK_CPUS:-0}
EXP_HOLD=${EXP_HOLD:-32}
tck=$(getconf CLK_TCK)
started=()

MODELS=SYNC,ASYNC,VIRTUAL; STEPS=8,16,32,64,128,256,512,1000; STEP_S=10; BURST=5000; BURST_S=6; HOLD_S=6
WARM_S=5; WORKERS=8; QUEUE=32; RETRY=1; FRONT=pages; BUILD=1; QUICK=0; TIMEOUT_S=10; DELAY_MS=500
args_given="$*"

say() { printf '%s\n' "$*" >&2; }
die() { say "experiment: $*"; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --models) MODELS=${2^^}; shift ;;
    --steps) STEPS=$2; shift ;;
    --step-secs) STEP_S=$2; shift ;;
    --burst) BURST=$2; shift ;;
    --workers) WORKERS=$2; shift ;;
    --queue) QUEUE=$2; shift ;;
    --flood) RETRY=0 ;;
    --front) FRONT=$2; shift ;;
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
  shift
done
if [ "$QUICK" = 1 ]; then
  [[ " $args_given " == *" --steps "* ]] || STEPS=8,64,512
  [[ " $args_given " == *" --step-secs "* ]] || STEP_S=3
  BURST_S=4; HOLD_S=4; WARM_S=2
fi

# --- plumbing (as bench.sh) ---------------------------------------------------------------------
require_wrk() {
  command -v wrk > /dev/null && return 0
  say "experiment: wrk is not installed; it is the Debian package 'wrk'."
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    say "experiment: installing it: apt-get update && apt-get install -y wrk"
    apt-get update -qq > /dev/null && apt-get install -y -qq wrk > /dev/null
  fi
  command -v wrk > /dev/null || die "wrk is missing: install it with 'apt-get install -y wrk' (as root), then re-run"
}

build() {
  local stale
  stale=$(find "$root/bench/src/main" "$root/baton-core/src/main" "$root/baton-client/src/main" \
      "$root/baton-operations/src/main" "$root/baton-micrometer/src/main" "$root/baton-demo/src/main" \
      "$root/bench/pom.xml" "$root/baton-demo/pom.xml" "$root/pom.xml" -newer "$jar" -print -quit 2> /dev/null)
  if [ -f "$jar" ] && [ -z "$stale" ]; then return 0; fi
  say "experiment: building $jar"
  (cd "$root" && mvn -q -B -Dstyle.color=never package -DskipTests -pl bench -am) || die "the build failed"
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

rss_thr() { awk '/^VmRSS/{r=$2} /^Threads/{t=$2} END{printf "%d %d", r, t}' "/proc/$1/status" 2> /dev/null; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat" 2> /dev/null; }
secs_of() { awk -v a="${1:-0}" -v b="${2:-0}" -v t="$tck" 'BEGIN{printf "%.2f", (b-a)/t}'; }
field() { sed -nE "s/.*(^| )$1=([^ ]*).*/\2/p" <<< "$2"; }
probe() { curl -s --max-time "${2:-5}" "http://127.0.0.1:$PROBE/$1"; }

start_java() { # log ready-regex main-class args...: pinned to SERVER_CPUS; sets PID
  local log=$1 ready=$2; shift 2
  : > "$log"
  # shellcheck disable=SC2086
  $(pinned "$SERVER_CPUS") "$java" $EXP_JAVA_OPTS -cp "$jar" "$@" > "$log" 2>&1 < /dev/null &
  PID=$!
  started+=("$PID")
  local i
  for i in $(seq 1 120); do
    kill -0 "$PID" 2> /dev/null || { say "experiment: $1 died; its log:"; tail -20 "$log" >&2; return 1; }
    grep -qE "$ready" "$log" && return 0
    sleep 0.25
  done
  say "experiment: $* not ready after 30 s; its log:"; tail -20 "$log" >&2
  return 1
}

stop_pid() { # TERM, then KILL after 5 s
  local pid=$1 i
  kill "$pid" 2> /dev/null
  for i in $(seq 1 20); do kill -0 "$pid" 2> /dev/null || break; sleep 0.25; done
  kill -0 "$pid" 2> /dev/null && kill -9 "$pid" 2> /dev/null
  wait "$pid" 2> /dev/null
  return 0
}

cleanup() { local p; for p in "${started[@]:-}"; do [ -n "$p" ] && kill -0 "$p" 2> /dev/null && kill -9 "$p" 2> /dev/null; done; }

busy_others() { # processes (not ours) that used more than 10 % of a cpu over their life
  local mine=" $$ ${started[*]:-} "
  ps -eo pid=,pcpu=,comm= 2> /dev/null | awk -v mine="$mine" '$2 > 10 && index(mine, " " $1 " ") == 0 { n++; s = s $3 "(" $2 "%) " }
    END { print (n ? n " " s : "none") }'
}

# --- wrk --------------------------------------------------------------------------------------------
write_lua() { # the reporter: one RESULT line; latencies of 2xx answers apart from the 503s' (see RESULTS.md)
  cat > "$1" << 'EOF'
-- bench/experiment.sh's wrk reporter: one RESULT line when a run ends (latencies in ms).
-- It counts every status. wrk keeps one latency histogram for every answer; a 503 is answered at
-- admission (well under a millisecond) while a 2xx waits for the 500 ms backend, so every 503 is
-- faster than every 2xx, and the 2xx answers' percentile p is the histogram's at rank
-- n503 + p * n2xx (exact when no other status came back: other=0). first_ok_ms, the answer just
-- after the last 503, checks it: it must be near the backend's delay or above.
-- With EXP_RAMP_MS > 0 the users' first requests go out spread evenly over that time (users who
-- arrive within a backend delay, not in the same millisecond; wrk opens the connections at once).
-- With EXP_RETRY_AFTER_MS > 0 a 503 is followed by that pause before the next request goes out
-- (a user honouring Retry-After). wrk starts a request's clock after its pause.
local threads = {}
function setup(thread) table.insert(threads, thread) end
statuses = {}
backoff = 0
local retry_ms = tonumber(os.getenv("EXP_RETRY_AFTER_MS") or "0") or 0
local ramp_ms = tonumber(os.getenv("EXP_RAMP_MS") or "0") or 0
local conns = tonumber(os.getenv("EXP_CONNS") or "1") or 1
local first = 0
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 503 and retry_ms > 0 then backoff = backoff + 1 end
end
if retry_ms > 0 or ramp_ms > 0 then
  function delay()
    if first < conns then -- a user's first request
      first = first + 1
      return math.floor((first - 1) * ramp_ms / conns)
    end
    if backoff > 0 then backoff = backoff - 1; return retry_ms end
    return 0
  end
end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    if type(s) == "table" then for code, n in pairs(s) do total[code] = (total[code] or 0) + n end end
  end
  local n, nok, n503, nother, parts = 0, 0, 0, 0, {}
  for code, c in pairs(total) do
    n = n + c
    if code >= 200 and code < 400 then nok = nok + c elseif code == 503 then n503 = n503 + c else nother = nother + c end
    table.insert(parts, string.format("%d:%d", code, c))
  end
  table.sort(parts)
  local function at(rank) -- the latency at a rank (1..n) of the histogram, in ms
    if n == 0 or rank < 1 then return 0 end
    return latency:percentile(math.min(100, 100 * (rank - 0.5) / n)) / 1000
  end
  local function ok_p(p) return nok > 0 and at(n503 + math.max(1, math.ceil(p * nok))) or 0 end
  local function rej_p(p) return n503 > 0 and at(math.max(1, math.ceil(p * n503))) or 0 end
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d ok=%d secs=%.2f rps=%.1f ok_rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f"
      .. " ok_p50_ms=%.2f ok_p90_ms=%.2f ok_p99_ms=%.2f ok_max_ms=%.2f first_ok_ms=%.2f"
      .. " n503=%d rej_p50_ms=%.2f rej_p99_ms=%.2f other=%d err_connect=%d err_read=%d err_write=%d err_timeout=%d"
      .. " non2xx=%d statuses=%s\n",
    summary.requests, nok, secs, summary.requests / secs, nok / secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    ok_p(0.50), ok_p(0.90), ok_p(0.99), ok_p(1.0), ok_p(0), n503, rej_p(0.50), rej_p(0.99), nother,
    e.connect, e.read, e.write, e.timeout, e.status, #parts > 0 and table.concat(parts, ",") or "-"))
end
EOF
}

wrk_run() { # duration-s connections -> the RESULT fields (empty on failure)
  # WRK_RETRY=0: a 503 is retried at once; WRK_RAMP_MS: the first requests spread over that (default: one backend delay)
  local d=$1 c=$2
  EXP_RETRY_AFTER_MS=$(( ${WRK_RETRY:-$RETRY} * 1000 )) EXP_RAMP_MS=${WRK_RAMP_MS:-$DELAY_MS} EXP_CONNS=$c \
      $(pinned "$WRK_CPUS") timeout $((d + 30)) \
      wrk -t1 -c"$c" -d"${d}s" --timeout "${TIMEOUT_S}s" -s "$lua" "$URL" 2>&1 | grep '^RESULT' | sed 's/^RESULT //'
}

sampler() { # out: "peak_rss_kb peak_threads peak_in_flight samples" of the front, every 0.25 s until killed
  local out=$1 maxr=0 maxt=0 maxf=0 n=0 r t f
  while kill -0 "$FRONT_PID" 2> /dev/null; do
    read -r r t < <(rss_thr "$FRONT_PID")
    f=$(field in_flight "$(probe stats 1)")
    (( ${r:-0} > maxr )) && maxr=$r; (( ${t:-0} > maxt )) && maxt=$t; (( ${f:-0} > maxf )) && maxf=$f
    n=$((n + 1))
    echo "$maxr $maxt $maxf $n" > "$out.tmp" && mv -f "$out.tmp" "$out" # whole lines only, whenever it is killed
    sleep 0.25
  done
}

drained() { # waits (at most 10 s) until the front holds no request, so that steps do not overlap
  local i f
  for i in $(seq 1 40); do
    f=$(field in_flight "$(probe stats 1)")
    [ "${f:-1}" = 0 ] && return 0
    sleep 0.25
  done
  say "    (still $f in flight after 10 s)"
}

measure() { # phase connections duration-s: one ROW
  local phase=$1 c=$2 d=$3 pk s0 s1 f0 f1 b0 b1 res prss pthr pinf nsamp
  drained
  pk=$(mktemp)
  s0=$(probe stats); f0=$(cpu_ticks "$FRONT_PID"); b0=$(cpu_ticks "$BACKEND_PID")
  sampler "$pk" & local sp=$!
  res=$(wrk_run "$d" "$c")
  kill "$sp" 2> /dev/null; wait "$sp" 2> /dev/null
  s1=$(probe stats); f1=$(cpu_ticks "$FRONT_PID"); b1=$(cpu_ticks "$BACKEND_PID")
  read -r prss pthr pinf nsamp < "$pk" 2> /dev/null; rm -f "$pk" "$pk.tmp"
  [ -z "$res" ] && { say "    $phase c=$c: wrk failed (is the server alive?)"; return; }
  local k delta=""
  for k in rejected completed timed_out client_disconnects; do
    local v0 v1; v0=$(field "$k" "$s0"); v1=$(field "$k" "$s1")
    delta+=" srv_$k=$(( ${v1:-0} - ${v0:-0} ))"
  done
  echo "ROW model=$MODEL phase=$phase conns=$c dur_s=$d $res peak_rss_kb=${prss:-0} peak_threads=${pthr:-0}" \
       "peak_in_flight=${pinf:-0} samples=${nsamp:-0} workers_busy_peak=$(field workers_busy_peak "$s1") front_cpu_s=$(secs_of "$f0" "$f1")" \
       "backend_cpu_s=$(secs_of "$b0" "$b1")$delta"
  say "    $phase c=$c: $(field ok_rps "$res") ok/s, p50 $(field ok_p50_ms "$res") ms, p99 $(field ok_p99_ms "$res") ms," \
      "503s $(field n503 "$res"), errors $(( $(field err_connect "$res") + $(field err_read "$res") + $(field err_timeout "$res") ))," \
      "threads ${pthr:-?}, RSS $(( ${prss:-0} / 1024 )) MB"
}

hold() { # connections: the live heap after a full GC while wrk holds that many users: one MEM row
  local c=$1 d=$HOLD_S line r t w base
  drained; sleep 1
  base=$(field heap_live_b "$(probe gc 20)") # this hold's own idle baseline: no drift from the steps before
  # the first requests spread over one backend delay, or 1 s per 5000 users if longer
  WRK_RAMP_MS=$(( c / 5 > DELAY_MS ? c / 5 : DELAY_MS )) wrk_run "$d" "$c" > "$rundir/hold.tmp" &
  w=$!
  sleep "$(awk -v d="$d" 'BEGIN{print d * 0.6}')"
  line=$(probe gc 20)
  read -r r t < <(rss_thr "$FRONT_PID")
  wait "$w"
  echo "MEM model=$MODEL kind=hold conns=$c $line base_heap_live_b=${base:-0} rss_kb=${r:-0} threads=${t:-0}" \
       "wrk_ok=$(field ok "$(cat "$rundir/hold.tmp")")"
  rm -f "$rundir/hold.tmp"
  say "    hold c=$c: in flight $(field in_flight_before "$line"), live heap $(( ${base:-0} / 1048576 )) ->" \
      "$(( $(field heap_live_b "$line") / 1048576 )) MB (GC $(field gc_ms "$line") ms), RSS $(( ${r:-0} / 1024 )) MB, threads ${t:-?}"
}

run_model() { # model
  MODEL=$1
  local port bport s
  bport=$(free_port 18300)
  start_java "$rundir/backend-$MODEL.log" "Baton demo backend on" dev.baton.demo.DemoApp --backend-only \
      --backend-port "$bport" --delay "$DELAY_MS" || return
  BACKEND_PID=$PID
  port=$(free_port 18080); PROBE=$(free_port 18200)
  start_java "$rundir/front-$MODEL.log" "experiment server ready" dev.baton.bench.experiment.ExperimentServer \
      --model "$MODEL" --front "$FRONT" --port "$port" --probe-port "$PROBE" --workers "$WORKERS" --queue "$QUEUE" \
      --client-connections $((BURST + 1000)) --backend-url "http://127.0.0.1:$bport" || { stop_pid "$BACKEND_PID"; return; }
  FRONT_PID=$PID
  local named; named=$(sed -nE 's/.* pid ([0-9]+)$/\1/p' "$rundir/front-$MODEL.log" | head -1)
  [ -n "$named" ] && [ "$named" != "$FRONT_PID" ] && { FRONT_PID=$named; started+=("$named"); }
  URL="http://127.0.0.1:$port$(sed -nE 's/.* page=([^ ]*) .*/\1/p' "$rundir/front-$MODEL.log" | head -1)"
  echo "# $MODEL: $(grep 'experiment server ready' "$rundir/front-$MODEL.log")"
  say "experiment: $MODEL on $URL (front pid $FRONT_PID, backend pid $BACKEND_PID)"
  curl -s -o /dev/null --max-time 5 "$URL" || say "    $URL does not answer"
  # warm-up: class loading, JIT and pools, at the middle of the ramp; then the idle baseline
  wrk_run "$WARM_S" 64 > /dev/null
  drained; sleep 1
  s=$(probe gc 20)
  read -r r t < <(rss_thr "$FRONT_PID")
  echo "MEM model=$MODEL kind=idle conns=0 $s rss_kb=${r:-0} threads=${t:-0}"
  say "    idle: live heap $(( $(field heap_live_b "$s") / 1048576 )) MB, RSS $(( ${r:-0} / 1024 )) MB, threads ${t:-?}"
  hold "$EXP_HOLD"
  local c
  for c in ${STEPS//,/ }; do measure ramp "$c" "$STEP_S"; sleep 1; done
  (( c > EXP_HOLD )) && hold "$c" # the ramp's top
  if [ "$BURST" -gt 0 ]; then
    drained; sleep 3 # idle, then everyone at once
    read -r r t < <(rss_thr "$FRONT_PID")
    echo "PRE model=$MODEL phase=burst rss_kb=${r:-0} threads=${t:-0}"
    WRK_RAMP_MS=0 measure burst "$BURST" "$BURST_S"
    hold "$BURST"
  fi
  stop_pid "$FRONT_PID"; stop_pid "$BACKEND_PID"
  sleep 1
}

# --- the run ------------------------------------------------------------------------------------
trap cleanup EXIT
trap 'exit 130' INT TERM
require_wrk
command -v curl > /dev/null || die "curl is missing (apt-get install -y curl)"
[ "$BUILD" = 1 ] && build
[ -f "$jar" ] || die "missing $jar"
ulimit -n "$(ulimit -Hn)" 2> /dev/null || true
need=$((2 * BURST + 1000))
[ "$(ulimit -n)" -ge "$need" ] || say "experiment: WARNING: ulimit -n is $(ulimit -n); the burst needs about $need open files"
if ! awk '{exit !($1 < 0.7)}' /proc/loadavg; then
  say "experiment: WARNING: load average $(cut -d' ' -f1 /proc/loadavg) before the start: the figures share the cpus with something else"
fi
stamp=$(date -u +%Y%m%dT%H%M%SZ)
rundir="$here/results/experiment-$stamp"
mkdir -p "$rundir"
raw="$rundir/raw.txt"
lua="$rundir/wrk-experiment.lua"
write_lua "$lua"
{
  echo "# baton experiment $(date -u +%FT%TZ) git $(git -C "$root" rev-parse --short HEAD 2> /dev/null)$(git -C "$root" diff --quiet 2> /dev/null || echo -dirty)"
  echo "# command: ./baton experiment $args_given"
  echo "# $("$java" -version 2>&1 | head -1); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2); $(nproc) cpus:$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-); $(awk '/MemTotal/{printf "%d MB RAM", $2/1024}' /proc/meminfo)"
  echo "# java: $EXP_JAVA_OPTS; front and backend on cpu $SERVER_CPUS (two JVMs), wrk -t1 on cpu $WRK_CPUS"
  echo "# models=$MODELS front=$FRONT workers=$WORKERS queue=$QUEUE backend_delay_ms=$DELAY_MS steps=$STEPS step_s=$STEP_S" \
       "burst=$BURST burst_s=$BURST_S hold=$EXP_HOLD hold_s=$HOLD_S warm_s=$WARM_S wrk_timeout_s=$TIMEOUT_S retry_after=$RETRY quick=$QUICK"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg); other busy processes: $(busy_others)"
} | tee "$raw"
t0=$(date +%s)
IFS=, read -r -a models <<< "$MODELS"
for m in "${models[@]}"; do
  case "$m" in SYNC|ASYNC|VIRTUAL) ;; *) die "unknown model $m (SYNC, ASYNC, VIRTUAL)" ;; esac
  run_model "$m" > >(tee -a "$raw")
  sleep 0.5 # the tee
done
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg); other busy processes: $(busy_others); $(( $(date +%s) - t0 )) s" | tee -a "$raw"
echo
"$java" -cp "$jar" dev.baton.bench.experiment.ExperimentReport "$raw" "$rundir" || die "the report failed (raw rows: $raw)"
