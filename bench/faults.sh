#!/usr/bin/env bash
# Fault figures, measured with tools that are not Baton's (issue 17): run through the launcher,
#
#   ./baton bench faults [--quick] [--no-build]
#
# One bench server (BenchServer, WORKER, 16 workers, pinned to SERVER_CPUS) and, on
# WRK_CPUS, in turn:
#   baseline     a control client (wrk -t1 -c8 on /plaintext) alone: its p99
#   slowloris    slowhttptest -H (heads never finished), 1000 connections, with the control client
#   slow-body    slowhttptest -B (bodies trickled), 1000 connections, with the control client
#   slow-read    slowhttptest -X (responses read slowly), 1000 connections, with the control client
#   overload     wrk -c2000 on /slow-blocking?ms=100 (8 x 2 workers, queue 1000): statuses, 503s
#                with Retry-After, RSS before and after
#   disconnect   1000 clients start /slow?ms=20000 and reset their connections: cancellations
#                counted, time until nothing is in flight
#   flood        2000 connections against maxConnections 1000: how many the server closes at once,
#                the control client's p99 meanwhile
#   sigterm      500 requests in flight on /slow?ms=1000, then SIGTERM: how many still got their 200
#   proxies      the hostile request corpus (baton-core's HostileRequests, exported by CorpusExport)
#                replayed through haproxy and nginx in front of Baton: every request Baton answered
#                (its access log) reached a client as a response (its Server header): none smuggled
# Every part is bounded in time; only 127.0.0.1 is used. Raw rows: bench/results/faults-<time>.txt.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
jar="$here/target/baton-bench.jar"
java="${JAVA_HOME:?run through ./baton bench faults, which finds a JDK 21+}/bin/java"
SERVER_CPUS=${SERVER_CPUS:-1}; WRK_CPUS=${WRK_CPUS:-0}
QUICK=0; BUILD=1
for a in "$@"; do
  case "$a" in
    --quick) QUICK=1 ;;
    --no-build) BUILD=0 ;;
    *) echo "usage: ./baton bench faults [--quick] [--no-build]" >&2; exit 2 ;;
  esac
done
SLOW_S=25; CONTROL_S=10
[ "$QUICK" = 1 ] && { SLOW_S=12; CONTROL_S=5; }

say() { echo "faults: $*" >&2; }
die() { say "$*"; exit 1; }
command -v wrk > /dev/null || die "wrk is missing: apt-get install -y wrk"
command -v slowhttptest > /dev/null || die "slowhttptest is missing: apt-get install -y slowhttptest"
command -v haproxy > /dev/null || die "haproxy is missing: apt-get install -y haproxy"
command -v nginx > /dev/null || die "nginx is missing: apt-get install -y nginx-light"
pinned() { [ "$(nproc)" -gt 1 ] && command -v taskset > /dev/null && echo "taskset -c $1"; }
if [ "$BUILD" = 1 ]; then
  say "building the bench server"
  (cd "$root" && mvn -B -q package -DskipTests -pl bench -am && mvn -B -q test-compile -pl baton-core) > /dev/null || die "build failed"
fi
[ -f "$jar" ] || die "no $jar: build first"
ulimit -n "$(ulimit -Hn)" 2> /dev/null || true

stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$here/results"
raw="$here/results/faults-$stamp.txt"
logs="$here/results/logs-faults-$stamp"
mkdir -p "$logs"
PID=""; PORT=""; BASE=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2> /dev/null
  [ -f "$logs/nginx/nginx.pid" ] && kill "$(cat "$logs/nginx/nginx.pid")" 2> /dev/null
  jobs -p | xargs -r kill 2> /dev/null
}
trap cleanup EXIT

start_server() { # label extra-args...
  local label=$1; shift
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  BASE="http://127.0.0.1:$PORT"
  # shellcheck disable=SC2046
  $(pinned "$SERVER_CPUS") "$java" -Xms256m -Xmx1g -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED \
      -jar "$jar" --port "$PORT" --workers 16 "$@" > "$logs/server-$label.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "$BASE/plaintext" && return 0; sleep 0.1; done
  die "the server did not start (see $logs/server-$label.log)"
}
stop_server() { [ -n "$PID" ] && kill "$PID" 2> /dev/null; wait "$PID" 2> /dev/null; PID=""; }
rss_mb() { echo $(( $(ps -o rss= -p "$PID" 2> /dev/null || echo 0) / 1024 )); }
stat() { curl -s --max-time 2 "$BASE/bench-stats" | python3 -c "import json,sys; d=json.load(sys.stdin); print(d$1)"; }
control() { # seconds: the control client's RESULT line
  # shellcheck disable=SC2046
  $(pinned "$WRK_CPUS") wrk -t1 -c8 -d"$1"s --timeout 5s --latency -s "$here/wrk-report.lua" "$BASE/plaintext" 2>&1 | grep '^RESULT'
}
field() { sed -nE "s/.* $1=([^ ]+).*/\1/p" <<< "$2"; }
row() { echo "FAULT $*" | tee -a "$raw"; }

{
  echo "# baton bench faults $(date -u +%FT%TZ) git $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo -dirty)"
  echo "# $("$java" -version 2>&1 | head -1); $(wrk --version 2>&1 | head -1); slowhttptest $(slowhttptest -h 2>&1 | sed -nE 's/.*version ([0-9.]+).*/\1/p' | head -1); $(nproc) cpus"
  echo "# server: WORKER, 16 workers, queue 1000, maxConnections 10000 (1000 for the flood), cpu $SERVER_CPUS; clients on cpu $WRK_CPUS; slow parts ${SLOW_S}s, control ${CONTROL_S}s"
} | tee "$raw"

if [ "${FAULTS_ONLY:-}" != proxies ]; then # FAULTS_ONLY=proxies: the proxy replay alone
start_server main
say "baseline: the control client alone"
control 3 > /dev/null # warm-up
r=$(control "$CONTROL_S"); row "part=baseline p50_ms=$(field p50_ms "$r") p99_ms=$(field p99_ms "$r") rps=$(field ok_rps "$r") errors=$(field non2xx "$r")"

slow() { # name slowhttptest-args...: the attack for SLOW_S seconds, the control client in its middle
  local name=$1; shift
  say "$name: slowhttptest $* with the control client"
  # shellcheck disable=SC2046
  $(pinned "$WRK_CPUS") timeout $((SLOW_S + 30)) slowhttptest "$@" -l "$SLOW_S" -o "$logs/slowhttptest-$name" > "$logs/slowhttptest-$name.log" 2>&1 &
  local attack=$! held=0 c
  sleep 4
  r=$(control "$CONTROL_S")
  held=$(stat "['openConnections']" 2> /dev/null || echo "?")
  # the server's own count near the attack's end (slowhttptest notices a close only on its next send)
  sleep $(( SLOW_S - 4 - CONTROL_S - 2 > 0 ? SLOW_S - 4 - CONTROL_S - 2 : 0 ))
  late=$(stat "['openConnections']" 2> /dev/null || echo "?")
  wait "$attack" 2> /dev/null
  c=$(sed 's/\x1b\[[0-9;]*m//g' "$logs/slowhttptest-$name.log" | grep -aE 'closed:' | tail -1 | tr -s ' ')
  row "part=$name control_p50_ms=$(field p50_ms "$r") control_p99_ms=$(field p99_ms "$r") control_rps=$(field ok_rps "$r") control_errors=$(field non2xx "$r") open_connections_mid=$held open_connections_near_end=$late slowhttptest_last=\"${c:-?}\""
  sleep 2
}
slow slowloris -H -c 1000 -r 200 -i 10 -x 24 -p 3 -u "$BASE/plaintext"
slow slow-body -B -c 1000 -r 200 -i 10 -s 8192 -x 10 -p 3 -t POST -u "$BASE/plaintext"
slow slow-read -X -c 1000 -r 200 -w 10 -y 20 -n 5 -z 32 -k 3 -p 3 -u "$BASE/json"

say "overload: wrk -c2000 on /slow-blocking?ms=100"
before=$(rss_mb)
# shellcheck disable=SC2046
BATON_WRK_STATUS=1 $(pinned "$WRK_CPUS") wrk -t1 -c2000 -d10s --timeout 10s -s "$here/wrk-report.lua" \
    "$BASE/slow-blocking?ms=100" > "$logs/overload-wrk.txt" 2>&1 &
load=$!
sleep 4
# a request in the middle of it: its status, and the Retry-After a 503 must carry
probe=$(curl -s -o /dev/null -D - --max-time 5 "$BASE/slow-blocking?ms=0" | tr -d '\r')
wait "$load"
r=$(grep '^RESULT' "$logs/overload-wrk.txt")
sleep 2
row "part=overload statuses=$(field statuses "$r") ok_rps=$(field ok_rps "$r") p99_ms=$(field p99_ms "$r") errors_connect_read_write_timeout=$(field err_connect "$r")/$(field err_read "$r")/$(field err_write "$r")/$(field err_timeout "$r") probe_mid_load=\"$(head -1 <<< "$probe") $(grep -i '^retry-after' <<< "$probe")\" rss_mb_before=$before rss_mb_after=$(rss_mb) in_flight_after=$(( $(stat "['inFlight']") - 1 ))"

say "disconnect: 1000 clients start /slow?ms=20000, then reset"
d0=$(stat "['clientDisconnects']")
out=$(python3 - "$PORT" "$BASE" 2> "$logs/disconnect.err" << 'PY'
import json, socket, struct, sys, time, urllib.request
port, base = int(sys.argv[1]), sys.argv[2]
def stats():
    return json.load(urllib.request.urlopen(base + "/bench-stats", timeout=10))
socks = []
for _ in range(1000):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"GET /slow?ms=20000 HTTP/1.1\r\nHost: x\r\n\r\n")
    socks.append(s)
deadline = time.time() + 10
# the stats request itself is one of those in flight
while stats()["inFlight"] < 1001 and time.time() < deadline:
    time.sleep(0.05)
peak = stats()["inFlight"]
t0 = time.time()
for s in socks:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset, as a client that vanishes
    s.close()
deadline = time.time() + 20
while stats()["inFlight"] > 1 and time.time() < deadline:
    time.sleep(0.01)
print(f"in_flight_peak={peak - 1} in_flight_after={stats()['inFlight'] - 1} cancelled_in_s={time.time() - t0:.2f}")
PY
)
row "part=disconnect $out client_disconnects_counted=$(( $(stat "['clientDisconnects']") - d0 ))"

stop_server
say "flood: 2000 connections against maxConnections 1000, with the control client"
start_server flood --max-connections 1000
python3 - "$PORT" > "$logs/flood.txt" << 'PY' &
import select, socket, sys, time
port = int(sys.argv[1])
socks = []
for _ in range(2000):
    try:
        socks.append(socket.create_connection(("127.0.0.1", port), timeout=5))
    except OSError:
        pass
time.sleep(2)
closed = 0
for s in socks:
    s.setblocking(False)
    try:
        if s.recv(1) == b"":
            closed += 1
    except BlockingIOError:
        pass
    except OSError:
        closed += 1
print(f"connected={len(socks)} closed_by_server={closed} held={len(socks) - closed}")
time.sleep(8)
PY
flood=$!
sleep 1
r=$(control 5)
wait "$flood"
# the control client needs connections too: while the flood holds every one maxConnections allows, it gets none
row "part=flood $(cat "$logs/flood.txt") control_requests=$(field requests "$r") control_err_connect_read=$(field err_connect "$r")/$(field err_read "$r")"
stop_server

say "sigterm: 500 requests in flight on /slow?ms=1000, then SIGTERM (the server's grace: 5 s)"
start_server sigterm --shutdown-grace-ms 5000
out=$(python3 - "$PORT" "$PID" "$BASE" 2> "$logs/sigterm.err" << 'PY'
import json, os, signal, socket, sys, time, urllib.request
port, pid, base = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
socks = []
for _ in range(500):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"GET /slow?ms=1000 HTTP/1.1\r\nHost: x\r\n\r\n")
    socks.append(s)
# SIGTERM once the server holds all 500 (a connection still in the accept queue is not yet a request)
deadline = time.time() + 5
while time.time() < deadline:
    if json.load(urllib.request.urlopen(base + "/bench-stats", timeout=5))["inFlight"] >= 501:
        break
    time.sleep(0.02)
os.kill(pid, signal.SIGTERM)
ok = other = cut = 0
for s in socks:
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    if data.startswith(b"HTTP/1.1 200"):
        ok += 1
    elif data:
        other += 1
    else:
        cut += 1
print(f"answered_200={ok} answered_other={other} cut={cut}")
PY
)
row "part=sigterm $out"
wait "$PID" 2> /dev/null; PID=""


fi

say "proxies: the hostile corpus through haproxy and nginx in front of Baton"
corpus="$logs/corpus"
"$java" -cp "$root/baton-core/target/test-classes" dev.baton.parsing.CorpusExport "$corpus" > /dev/null || die "no corpus (build baton-core's tests)"
start_server proxied --access-log true
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
hport=$(free_port); nport=$(free_port)
cat > "$logs/haproxy.cfg" << CFG
global
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 5s
  timeout server 5s
frontend front
  bind 127.0.0.1:$hport
  default_backend baton
backend baton
  server s1 127.0.0.1:$PORT
CFG
haproxy -f "$logs/haproxy.cfg" > "$logs/haproxy.log" 2>&1 &
hpid=$!
mkdir -p "$logs/nginx"
cat > "$logs/nginx/nginx.conf" << CFG
worker_processes 1;
daemon off;
pid $logs/nginx/nginx.pid;
error_log $logs/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $logs/nginx/body;
  proxy_temp_path $logs/nginx/proxy;
  upstream baton { server 127.0.0.1:$PORT; keepalive 16; }
  server {
    listen 127.0.0.1:$nport;
    location / { proxy_pass http://baton; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_pass_header Server; }
  }
}
CFG
nginx -p "$logs/nginx" -c "$logs/nginx/nginx.conf" -e "$logs/nginx/error.log" > "$logs/nginx.log" 2>&1 &
npid=$!
for _ in $(seq 1 50); do
  curl -s -o /dev/null "http://127.0.0.1:$hport/plaintext" && curl -s -o /dev/null "http://127.0.0.1:$nport/plaintext" && break
  sleep 0.1
done
for proxy in haproxy:$hport nginx:$nport; do
  out=$(python3 - "${proxy#*:}" "$corpus" "$logs/server-proxied.log" << 'PY'
import os, re, socket, sys, time
port, corpus, log = int(sys.argv[1]), sys.argv[2], sys.argv[3]
cases = [line.split("\t") for line in open(os.path.join(corpus, "index.tsv")).read().splitlines()]
def answered():  # requests Baton has answered so far: its access log's lines
    return sum(1 for line in open(log, errors="replace") if "dev.baton.access" in line)
def replay(case):
    data = open(os.path.join(corpus, case[0]), "rb").read()
    got = b""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(data)
            s.settimeout(1.0)
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
    except OSError:
        pass
    # every response, and those Baton wrote (its Server header); a proxy's own answers carry its name
    return len(re.findall(rb"HTTP/1\.[01] [1-5][0-9][0-9] ", got)), len(re.findall(rb"(?i)\r\nserver: baton\r\n", got))
total = []; mismatched = []; from_baton = 0; by_baton = 0
for case in cases:
    before = answered()
    n, b = replay(case)
    time.sleep(0.1)
    after = answered()
    total.append(n); from_baton += b; by_baton += after - before
    if after - before != b:  # Baton answered a request whose answer no client got (or the reverse)
        mismatched.append(f"{case[0]}:{case[2][:40].replace(' ', '_')}:baton={after - before}:client={b}")
print(f"cases={len(cases)} one_response={total.count(1)} no_response={total.count(0)} several_responses={sum(1 for c in total if c > 1)}"
      f" requests_answered_by_baton={by_baton} their_responses_at_clients={from_baton} mismatched_cases={len(mismatched)}"
      + (" mismatched=" + ",".join(mismatched) if mismatched else ""))
PY
)
  row "part=proxy-${proxy%%:*} $out"
done
kill "$hpid" "$npid" 2> /dev/null; wait "$hpid" "$npid" 2> /dev/null
stop_server

echo
echo "| part | figures |"
echo "|---|---|"
grep '^FAULT ' "$raw" | sed -E 's/^FAULT part=([^ ]+) (.*)$/| \1 | \2 |/'
echo
echo "raw rows: $raw; logs: $logs/"
