#!/usr/bin/env bash
# Baton nodes sharing one PostgreSQL, behind haproxy: the README's "Many nodes on one PostgreSQL",
# runnable on one machine.
#
#   bench/cluster.sh [--nodes 2|3] [--port P] [--lease-ms MS] [--smoke] [--build]
#
# Starts a private PostgreSQL (initdb + pg_ctl in a temporary directory, see bench/pg.sh), --nodes
# OperationsBenchServer JVMs on it (baton-operations-postgres, default 3), and haproxy (Debian's;
# installed with apt-get when missing and run as root) balancing round-robin over them with a
# health check (GET /plaintext every second); prints the URL and waits. Ctrl-C stops everything
# (haproxy, the nodes, PostgreSQL) and removes the directory.
#
# The nodes serve POST /operations/{noop,ticker,hold}, GET /operations/{id}[/events],
# GET /bench-stats (see OperationsBenchServer). Try:
#   curl -si -X POST -H 'Content-Type: application/json' -d '{"ticks":50,"periodMs":100}' $URL/operations/ticker
#   curl -N $URL/operations/<id>/events            # from whichever node haproxy picks
#
# --smoke: creates operations through haproxy, checks each was accepted by a different node in
# turn, reads every one back through every node directly, follows one event stream through
# haproxy to its end, then stops everything and exits 0 (all good) or 1.
# --build: rebuild bench/target/baton-bench.jar first (it is built when missing anyway).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
jar="$here/target/baton-bench.jar"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
NODES=3; PORT=""; LEASE_MS=10000; SMOKE=0; BUILD=0
# shellcheck source=pg.sh
. "$here/pg.sh"

say() { printf 'cluster: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) NODES=$2; shift ;;
    --port) PORT=$2; shift ;;
    --lease-ms) LEASE_MS=$2; shift ;;
    --smoke) SMOKE=1 ;;
    --build) BUILD=1 ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
  shift
done
[[ $NODES =~ ^[1-9]$ ]] || die "--nodes is a small number (2 or 3), not $NODES"

free_port() { # first port >= $1 nobody listens on (of the next 200)
  local p=$1
  while (exec 3<> "/dev/tcp/127.0.0.1/$p") 2> /dev/null; do p=$((p + 1)); (( p < $1 + 200 )) || die "no free port near $1"; done
  echo "$p"
}

pids=(); haproxy_pid=""; work=""
stop_all() {
  local p
  [ -n "$haproxy_pid" ] && kill "$haproxy_pid" 2> /dev/null
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null; done
  for p in "${pids[@]}" $haproxy_pid; do
    for _ in $(seq 1 20); do kill -0 "$p" 2> /dev/null || break; sleep 0.25; done
    kill -9 "$p" 2> /dev/null
  done
  pg_stop
  [ -n "$work" ] && rm -rf "$work"
  pids=(); haproxy_pid=""; work=""
}
trap stop_all EXIT
trap 'exit 130' INT TERM

if [ "$BUILD" = 1 ] || [ ! -f "$jar" ]; then
  say "building $jar"
  (cd "$root" && mvn -q -B -Dstyle.color=never package -DskipTests -pl bench -am) || die "the build failed"
fi
if ! command -v haproxy > /dev/null; then
  [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null || die "haproxy is missing: apt-get install -y haproxy (as root)"
  say "installing haproxy (apt-get install -y haproxy)"
  apt-get update -qq > /dev/null && apt-get install -y -qq haproxy > /dev/null || die "could not install haproxy"
fi

work=$(mktemp -d /tmp/baton-cluster-XXXXXX)
pg_start || die "could not start PostgreSQL"
say "PostgreSQL on 127.0.0.1:$PG_PORT ($PG_DIR)"

ports=()
for i in $(seq 1 "$NODES"); do
  port=$(free_port $((18280 + 10 * i)))
  # one node at a time: the first migrates the schema, the others find it done
  "$java" -Xms64m -Xmx512m -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -cp "$jar" \
      dev.baton.bench.operations.OperationsBenchServer --port "$port" --store postgres --pg-url "$PG_URL" --pg-pool 6 \
      --lease-ms "$LEASE_MS" --max-running 16 --retention-s 600 > "$work/node$i.log" 2>&1 < /dev/null &
  pids+=($!); ports+=("$port")
  for _ in $(seq 1 120); do
    grep -q 'operations bench server ready' "$work/node$i.log" && break
    kill -0 "${pids[-1]}" 2> /dev/null || { tail -20 "$work/node$i.log" >&2; die "node $i died"; }
    sleep 0.25
  done
  grep -q 'operations bench server ready' "$work/node$i.log" || die "node $i did not start in 30 s"
  say "node $i: http://127.0.0.1:$port (pid ${pids[-1]}, log $work/node$i.log)"
done

PORT=${PORT:-$(free_port 18080)}
{
  cat << EOF
global
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  # event streams (GET /operations/{id}/events) stay open long after their request
  timeout tunnel 1h
  option redispatch
  retries 2
frontend baton
  bind 127.0.0.1:$PORT
  default_backend nodes
backend nodes
  balance roundrobin
  option httpchk GET /plaintext
  http-check expect status 200
EOF
  for i in $(seq 1 "$NODES"); do
    echo "  server node$i 127.0.0.1:${ports[$((i - 1))]} check inter 1s fall 2 rise 1"
  done
} > "$work/haproxy.cfg"
haproxy -c -q -f "$work/haproxy.cfg" || die "haproxy rejects $work/haproxy.cfg"
haproxy -db -f "$work/haproxy.cfg" > "$work/haproxy.log" 2>&1 < /dev/null &
haproxy_pid=$!
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 40); do curl -s -o /dev/null --max-time 1 "$URL/plaintext" && break; sleep 0.25; done
curl -s -o /dev/null --max-time 2 "$URL/plaintext" || { cat "$work/haproxy.log" >&2; die "haproxy does not answer on $URL"; }
sleep 1.5 # the first health checks
say "haproxy (pid $haproxy_pid) round-robin over $NODES nodes: $URL"
echo "$URL"

if [ "$SMOKE" = 0 ]; then
  say "Ctrl-C stops everything"
  while kill -0 "$haproxy_pid" 2> /dev/null; do sleep 1; done
  die "haproxy exited: $(tail -3 "$work/haproxy.log")"
fi

# --- the smoke test --------------------------------------------------------------------------------
fails=0
fail() { say "SMOKE FAIL: $*"; fails=$((fails + 1)); }
created() { curl -s --max-time 3 "http://127.0.0.1:$1/bench-stats" | sed -nE 's/.*"created":([0-9]+).*/\1/p'; }
ids=(); accepted=()
n=$((NODES * 2))
for i in $(seq 1 "$n"); do
  before=(); for p in "${ports[@]}"; do before+=("$(created "$p")"); done
  body=$(curl -s --max-time 5 -X POST -H 'Content-Type: application/json' -d '{"ms":300}' -w ' %{http_code}' "$URL/operations/hold")
  code=${body##* }; id=$(sed -nE 's/.*"id":"([^"]+)".*/\1/p' <<< "$body")
  [ "$code" = 202 ] && [ -n "$id" ] || { fail "POST $URL/operations/hold answered $code"; continue; }
  by=""; j=0
  for p in "${ports[@]}"; do [ "$(created "$p")" != "${before[$j]}" ] && by="node$((j + 1))"; j=$((j + 1)); done
  say "created $id through haproxy (accepted by ${by:-?})"
  ids+=("$id"); accepted+=("$by")
done
distinct_nodes=$(printf '%s\n' "${accepted[@]:-}" | sort -u | grep -c .)
[ "$distinct_nodes" = "$NODES" ] || fail "round-robin: the creates landed on $distinct_nodes node(s) of $NODES (${accepted[*]:-})"
# every operation read back through every node, until it succeeded (5 s at most each)
for id in "${ids[@]}"; do
  j=0
  for p in "${ports[@]}"; do
    j=$((j + 1)); st=""
    for _ in $(seq 1 50); do
      st=$(curl -s --max-time 2 "http://127.0.0.1:$p/operations/$id" | sed -nE 's/.*"status":"([^"]+)".*/\1/p')
      [ "$st" = succeeded ] && break; sleep 0.1
    done
    [ "$st" = succeeded ] || fail "$id read through node$j: status '${st:-none}', not succeeded"
  done
done
[ "${#ids[@]}" = "$n" ] && [ "$fails" = 0 ] && say "all $n operations read back as succeeded through each of the $NODES nodes"
# an event stream through haproxy, to the terminal event
body=$(curl -s --max-time 5 -X POST -H 'Content-Type: application/json' -d '{"ticks":10,"periodMs":100}' "$URL/operations/ticker")
id=$(sed -nE 's/.*"id":"([^"]+)".*/\1/p' <<< "$body")
if [ -z "$id" ]; then
  fail "POST $URL/operations/ticker: $body"
else
  stream=$(curl -s -N --max-time 8 -H 'Accept: text/event-stream' "$URL/operations/$id/events")
  progress=$(grep -c '^event: progress' <<< "$stream")
  if grep -q '"status":"succeeded"' <<< "$stream"; then
    say "followed $id through haproxy: $progress progress events, then succeeded"
  else
    fail "the event stream of $id through haproxy did not reach succeeded ($progress progress events): $(head -c 400 <<< "$stream")"
  fi
fi
if [ "$fails" = 0 ]; then say "SMOKE OK"; exit 0; fi
say "SMOKE FAILED ($fails); logs were in $work (removed)"
exit 1
