# A private PostgreSQL for the bench scripts (sourced by bench.sh and cluster.sh, never run):
# initdb in a temporary directory, pg_ctl on a free port of 127.0.0.1, trust authentication,
# removed by pg_stop. As root the server runs as the 'postgres' user (PostgreSQL refuses root).
#
#   pg_start            sets PG_BIN, PG_DIR, PG_PORT, PG_URL (JDBC) and PG_CONN (libpq options)
#   pg_stop             stops it at once (-m immediate) and removes the directory; safe to call twice
#   pg_psql SQL...      runs SQL as the user baton on the database postgres
# Environment: PG_OPTS, more server settings (default: none; fsync and synchronous_commit stay on).

pg_bin() { # the newest /usr/lib/postgresql/<version>/bin with initdb
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | while read -r b; do [ -x "$b/initdb" ] && echo "$b"; done | tail -1)
  [ -n "$d" ] || { echo "no PostgreSQL server under /usr/lib/postgresql/<version>/bin: apt-get install -y postgresql" >&2; return 1; }
  echo "$d"
}

pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_start() {
  PG_BIN=$(pg_bin) || return 1
  PG_DIR=$(mktemp -d /tmp/baton-pg-XXXXXX) || return 1
  chmod 755 "$PG_DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
  local p=25432
  while (exec 3<> "/dev/tcp/127.0.0.1/$p") 2> /dev/null; do p=$((p + 1)); (( p < 25632 )) || return 1; done
  PG_PORT=$p
  pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U baton --auth=trust -E UTF8 --no-sync > "$PG_DIR/initdb.log" 2>&1 \
      || { echo "initdb failed: $(tail -5 "$PG_DIR/initdb.log")" >&2; return 1; }
  pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 30 \
      -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200 ${PG_OPTS:-}" start > /dev/null \
      || { echo "pg_ctl start failed: $(tail -5 "$PG_DIR/log")" >&2; return 1; }
  PG_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres?user=baton"
  PG_CONN="-h 127.0.0.1 -p $PG_PORT -U baton postgres"
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  [ -d "$PG_DIR/data" ] && pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop > /dev/null 2>&1
  rm -rf "$PG_DIR"
  PG_DIR=""
}

# shellcheck disable=SC2086
pg_psql() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -At $PG_CONN "$@"; }
