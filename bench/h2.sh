#!/usr/bin/env bash
# HTTP/2 load test, run through the launcher:
#
#   ./baton bench h2 [--quick] [--no-build] [--targets A,B]
#
# h2load (Debian nghttp2-client) with -c H2_C connections x -m H2_M streams each (default 8 x 100)
# against /plaintext and /json over h2c (prior knowledge), for Baton's bench server (execution models
# H2_MODELS, default WORKER,EVENT_LOOP) and beside it Vert.x and Helidon: the shared peers of
# /work/shared/peers speak HTTP/1.1 only, so this script copies the vertx and helidon peers to
# H2_PEERS_DIR (default /tmp/baton-h2-peers), turns h2c on (Vert.x: HttpServerOptions'
# http2ClearTextEnabled; Helidon: the helidon-webserver-http2 module on the classpath) and builds
# them there, outside the reactor. Every server is pinned to SERVER_CPUS (1), h2load to
# H2LOAD_CPUS (0), one at a time; each figure is the median of REPEAT (3) runs of D (5 s) after a
# WARMUP (10 s) run. Ratios are against the best peer; the server's CPU time per request (from
# /proc) is printed too, being less sensitive than req/s to other load on the machine. Raw rows go
# to bench/results/h2-<time>.txt.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
jar="$here/target/baton-bench.jar"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JAVA_OPTS=${JAVA_OPTS:-"-Xms256m -Xmx1g -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED"}
SERVER_CPUS=${SERVER_CPUS:-1}; H2LOAD_CPUS=${H2LOAD_CPUS:-0}
H2_C=${H2_C:-8}; H2_M=${H2_M:-100}; D=${D:-5}; REPEAT=${REPEAT:-3}; WARMUP=${WARMUP:-10}
H2_MODELS=${H2_MODELS:-WORKER,EVENT_LOOP}
PEERS_SRC=${PEERS_SRC:-/work/shared/peers}; H2_PEERS_DIR=${H2_PEERS_DIR:-/tmp/baton-h2-peers}
started=()

say() { printf '%s\n' "$*" >&2; }
die() { say "bench h2: $*"; exit 1; }
cleanup() { local p; for p in "${started[@]}"; do kill -0 "$p" 2> /dev/null && kill -9 "$p" 2> /dev/null; done; return 0; }
trap cleanup EXIT

pinned() { if [ -n "$1" ] && command -v taskset > /dev/null && [ "$(nproc)" -gt 1 ]; then echo "taskset -c $1"; fi; }

free_port() {
  local p=$1
  while (exec 3<> "/dev/tcp/127.0.0.1/$p") 2> /dev/null; do p=$((p + 1)); (( p < $1 + 200 )) || die "no free port"; done
  echo "$p"
}

build_baton() {
  if [ "$BUILD" = 1 ] || [ ! -f "$jar" ]; then
    say "bench h2: building $jar"
    (cd "$root" && mvn -q -B -Dstyle.color=never package -DskipTests -pl bench -am) || die "the build failed"
  fi
}

# the vertx and helidon peers with h2c on, built once into H2_PEERS_DIR
build_peers() {
  local p
  for p in vertx helidon; do
    local dir="$H2_PEERS_DIR/$p"
    [ -f "$dir/target/peer-$p.jar" ] && continue
    say "bench h2: building the h2c $p peer in $dir"
    rm -rf "$dir"; mkdir -p "$H2_PEERS_DIR"; cp -r "$PEERS_SRC/$p" "$dir"
    case "$p" in
      vertx) # explicit, though it is Vert.x's default: h2c by prior knowledge and by upgrade
        sed -i 's/vertx\.createHttpServer()/vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setHttp2ClearTextEnabled(true))/' \
            "$dir/src/main/java/peer/Main.java"
        grep -q setHttp2ClearTextEnabled "$dir/src/main/java/peer/Main.java" || die "could not turn h2c on in the vertx peer" ;;
      helidon) # Helidon 4 serves HTTP/2 (h2c prior knowledge and upgrade) once its http2 module is present
        sed -i 's#\(<dependency><groupId>io.helidon.webserver</groupId><artifactId>helidon-webserver</artifactId><version>\([^<]*\)</version></dependency>\)#\1<dependency><groupId>io.helidon.webserver</groupId><artifactId>helidon-webserver-http2</artifactId><version>\2</version></dependency>#' \
            "$dir/pom.xml"
        grep -q helidon-webserver-http2 "$dir/pom.xml" || die "could not add helidon-webserver-http2 to the helidon peer" ;;
    esac
    (cd "$dir" && JAVA_HOME=${JAVA_HOME:-} mvn -q -B -DskipTests package > build.log 2>&1) || { tail -20 "$dir/build.log" >&2; die "building the $p peer failed"; }
  done
}

start() { # name command...: starts pinned, waits until it answers h2c; sets PID
  local name=$1 port=$2; shift 2
  local log="$logs/$name.log"
  $(pinned "$SERVER_CPUS") "$@" > "$log" 2>&1 < /dev/null &
  PID=$!
  started+=("$PID")
  local i
  for i in $(seq 1 120); do
    kill -0 "$PID" 2> /dev/null || { say "bench h2: $name died; its log:"; tail -20 "$log" >&2; return 1; }
    curl -s -o /dev/null --max-time 1 --http2-prior-knowledge "http://127.0.0.1:$port/plaintext" && break
    sleep 0.25
  done
  local v; v=$(curl -s -o /dev/null -w '%{http_version}' --max-time 2 --http2-prior-knowledge "http://127.0.0.1:$port/plaintext")
  [ "$v" = 2 ] || { say "bench h2: $name does not answer h2c (http_version=$v)"; return 1; }
}

stop() {
  local pid=$1 i
  kill "$pid" 2> /dev/null
  for i in $(seq 1 20); do kill -0 "$pid" 2> /dev/null || break; sleep 0.25; done
  kill -0 "$pid" 2> /dev/null && kill -9 "$pid" 2> /dev/null
  wait "$pid" 2> /dev/null
  return 0
}

tck=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat" 2> /dev/null; }

h2load_run() { # seconds url -> "rps succeeded failed"
  local out
  out=$($(pinned "$H2LOAD_CPUS") timeout $(( $1 + 30 )) h2load -c "$H2_C" -m "$H2_M" -D "$1" "$2" 2>&1)
  local rps ok failed
  rps=$(sed -nE 's/^finished in [^,]*, ([0-9.]+) req\/s.*/\1/p' <<< "$out")
  ok=$(sed -nE 's/^requests: .* ([0-9]+) succeeded, ([0-9]+) failed, ([0-9]+) errored.*/\1/p' <<< "$out")
  failed=$(sed -nE 's/^requests: .* ([0-9]+) succeeded, ([0-9]+) failed, ([0-9]+) errored.*/\2+\3/p' <<< "$out")
  echo "${rps:-0} ${ok:-0} $(( ${failed:-0} ))"
}

median() { sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

bench_target() { # name port command...
  local name=$1 port=$2
  start "$@" || return 0
  local scen
  for scen in plaintext json; do
    local url="http://127.0.0.1:$port/$scen"
    h2load_run "$WARMUP" "$url" > /dev/null
    local runs=() i r
    local cpus=()
    for i in $(seq 1 "$REPEAT"); do
      local t0 t1 us
      t0=$(cpu_ticks "$PID")
      r=$(h2load_run "$D" "$url")
      t1=$(cpu_ticks "$PID")
      read -r rps ok failed <<< "$r"
      # the server's CPU time per request: robust to other load on the machine, unlike req/s
      us=$(awk -v a="$t0" -v b="$t1" -v n="$ok" -v hz="$tck" 'BEGIN{printf "%.1f", (n > 0 ? (b - a) * 1e6 / hz / n : 0)}')
      echo "RUN target=$name scenario=$scen rps=$rps succeeded=$ok failed=$failed cpu_us=$us"
      runs+=("$rps"); cpus+=("$us")
    done
    echo "ROW target=$name scenario=$scen rps=$(printf '%s\n' "${runs[@]}" | median) cpu_us=$(printf '%s\n' "${cpus[@]}" | median)"
  done
  stop "$PID"
  sleep 1
}

table() { # raw file: req/s per target and scenario, and the ratio to the best peer
  awk '
    /^ROW/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
             rps[v["target"], v["scenario"]] = v["rps"]; cpu[v["target"], v["scenario"]] = v["cpu_us"]
             if (!(v["target"] in seen)) { seen[v["target"]] = 1; order[++n] = v["target"] } }
    END {
      split("plaintext json", sc, " ")
      for (s = 1; s <= 2; s++) { best[sc[s]] = 0
        for (i = 1; i <= n; i++) if (order[i] !~ /^baton/ && rps[order[i], sc[s]] > best[sc[s]]) best[sc[s]] = rps[order[i], sc[s]] }
      printf "%-18s %14s %8s %10s %14s %8s %10s\n", "h2c, -m streams", "plaintext r/s", "vs best", "CPU us/req", "json r/s", "vs best", "CPU us/req"
      for (i = 1; i <= n; i++) { t = order[i]; line = sprintf("%-18s", t)
        for (s = 1; s <= 2; s++) { r = rps[t, sc[s]]
          line = line sprintf(" %14.0f %8s %10s", r, best[sc[s]] > 0 ? sprintf("%.2fx", r / best[sc[s]]) : "-", cpu[t, sc[s]]) }
        print line }
    }' "$1"
}

QUICK=0; BUILD=1; TARGETS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --no-build) BUILD=0 ;;
    --targets) TARGETS=$2; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
  shift
done
command -v h2load > /dev/null || die "h2load is missing: it is the Debian package nghttp2-client (apt-get install -y nghttp2-client)"
[ "$QUICK" = 1 ] && { D=3; REPEAT=1; WARMUP=3; }
build_baton
build_peers
[ -z "$TARGETS" ] && TARGETS="$H2_MODELS,vertx,helidon"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$here/results"
raw="$here/results/h2-$stamp.txt"; logs="$here/results/logs-h2-$stamp"; mkdir -p "$logs"
{
  echo "# baton bench h2 $(date -u +%FT%TZ) git $(git -C "$root" rev-parse --short HEAD 2> /dev/null)$(git -C "$root" diff --quiet 2> /dev/null || echo -dirty)"
  echo "# $("$java" -version 2>&1 | head -1); $(h2load --version 2>&1 | head -1); $(nproc) cpus: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
  echo "# JAVA_OPTS=$JAVA_OPTS server_cpus=$SERVER_CPUS h2load_cpus=$H2LOAD_CPUS c=$H2_C m=$H2_M d=${D}s repeat=$REPEAT warmup=${WARMUP}s"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$raw"
for t in ${TARGETS//,/ }; do
  port=$(free_port 18180)
  say "bench h2: $t"
  case "$t" in
    vertx|helidon)
      # shellcheck disable=SC2086
      bench_target "$t" "$port" "$java" $JAVA_OPTS -jar "$H2_PEERS_DIR/$t/target/peer-$t.jar" "$port" | tee -a "$raw" ;;
    *)
      # shellcheck disable=SC2086
      bench_target "baton-$t" "$port" "$java" $JAVA_OPTS -jar "$jar" --port "$port" --model "$t" | tee -a "$raw" ;;
  esac
done
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$raw"
echo
table "$raw"
echo
echo "raw rows: $raw; server logs: $logs/"
