# Sourced by the benchmarks after tools.sh: starts what a benchmark runs against, on
# loopback and random ports, and stops at exit exactly the processes it started.
#   start_postgres                   → PG_BASE (postgres://postgres@127.0.0.1:PORT)
#   new_database sqlite|postgres NAME → DB_URL (a fresh SQLite file or PostgreSQL database)
#   start_smtp_sink                  → SINK_PORT
#   start_faultcast DIR [VAR=VALUE…] → FC_URL, FC_PID, TOKEN (an operator token)
set -euo pipefail
ROOT="$PWD"
BIN="${BIN:-$ROOT/target/release/faultcast}"
WORK="${WORK:-$(mktemp -d)}"
PIDS=()
PG_DATA=""
PG_BIN=/usr/lib/postgresql/15/bin
as_postgres() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_all() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -n "$PG_DATA" ]] && as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap stop_all EXIT
# A signal exits through the EXIT trap too, so an interrupted run leaves nothing running.
trap 'exit 130' INT TERM

# A PostgreSQL 15 cluster with the durable defaults (fsync, synchronous_commit on).
start_postgres() {
  local dir="$WORK/pg" port
  port="$(free_port)"
  mkdir -p "$dir"
  [[ "$(id -u)" == 0 ]] && chown postgres:postgres "$dir" && chmod 755 "$WORK"
  as_postgres "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-instructions >/dev/null
  as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  PG_DATA="$dir/data"
  PG_BASE="postgres://postgres@127.0.0.1:$port"
}

# DB_URL of a new, empty database NAME: a SQLite file in WORK, or a PostgreSQL database
# (the cluster is started on first use).
new_database() {
  if [[ "$1" == postgres ]]; then
    [[ -n "${PG_BASE:-}" ]] || start_postgres
    "$PG_BIN/psql" -q "$PG_BASE/postgres" -c "CREATE DATABASE $2" >/dev/null
    DB_URL="$PG_BASE/$2"
  else
    mkdir -p "$WORK/$2"
    DB_URL="sqlite://$WORK/$2/faultcast.db"
  fi
}

# Settles a seeded database as a registry filled long before a fault would be: PostgreSQL
# vacuumed, analysed and checkpointed (else autovacuum and the checkpoint of the seeding's
# writes run during the measured fan-out), SQLite's WAL checkpointed.
settle_database() {
  if [[ "$DB_URL" == postgres* ]]; then
    "$PG_BIN/psql" -q "$DB_URL" -c "VACUUM ANALYZE" -c "CHECKPOINT" >/dev/null
  else
    sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
  fi
}

# Drops database NAME once measured, so that its autovacuum does not load the next run.
drop_database() {
  if [[ "$DB_URL" == postgres* ]]; then
    "$PG_BIN/psql" -q "$PG_BASE/postgres" -c "DROP DATABASE $1" >/dev/null
  fi
}

# SQL against DB_URL, one value per line (psql for PostgreSQL, Python's sqlite3 for SQLite).
sql() {
  if [[ "$DB_URL" == postgres* ]]; then
    "$PG_BIN/psql" -At "$DB_URL" -c "$1"
  else
    python3 -c 'import sqlite3,sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print("|".join(map(str,row)))' \
      "${DB_URL#sqlite://}" "$1"
  fi
}

# Postfix's smtp-sink accepting everything on a free port.
start_smtp_sink() {
  SINK_PORT="$(free_port)"
  "$SMTP_SINK" -u nobody "127.0.0.1:$SINK_PORT" 1024 &
  PIDS+=($!)
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$SINK_PORT") 2>/dev/null && return; sleep 0.1; done
  echo "smtp-sink did not start" >&2; exit 1
}

# faultcast on DB_URL with its working directory DIR; extra VAR=VALUE settings follow.
start_faultcast() {
  local dir="$1"; shift
  local port; port="$(free_port)"
  mkdir -p "$dir"
  (
    export FAULTCAST__DATABASE__URL="$DB_URL"
    export FAULTCAST__SERVER__LISTEN="127.0.0.1:$port"
    export FAULTCAST__SERVER__PUBLIC_URL="http://127.0.0.1:$port"
    export FAULTCAST__EMAIL__FILE__DIR="$dir/email" FAULTCAST__SMS__FILE__DIR="$dir/sms"
    export FAULTCAST__LOG__LEVEL="${FC_LOG:-warn}"
    # The seeded addresses are fictional: mailing each a verification link would compete
    # with the fan-out being measured.
    export FAULTCAST__HOUSEKEEPING__VERIFY_ADDRESSES=""
    for kv in "$@"; do export "${kv?}"; done
    cd "$dir" && exec "$BIN" serve >"$dir/stdout" 2>"$dir/stderr"
  ) &
  FC_PID=$!
  PIDS+=("$FC_PID")
  FC_URL="http://127.0.0.1:$port"
  for _ in $(seq 300); do curl -fs "$FC_URL/readyz" >/dev/null && break; sleep 0.1; done
  curl -fs "$FC_URL/readyz" >/dev/null || { cat "$dir/stderr" >&2; exit 1; }
  TOKEN="$(cd "$dir" && FAULTCAST__DATABASE__URL="$DB_URL" \
    "$BIN" token create --role operator --label bench 2>/dev/null | head -1)"
}

# Publishes a critical fault of the Prescription Centre to pharmacies; prints its id.
publish_fault() {
  curl -fs "$FC_URL/api/v1/notices" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"kind":"fault","severity":"critical","services":["prescription-centre"],"audiences":["pharmacy"],
         "title":{"fi":"Reseptikeskus ei vastaa","sv":"Receptcentret svarar inte","en":"The Prescription Centre does not answer"},
         "body":{"fi":"Reseptien tallentaminen ei onnistu. Selvitämme vikaa.","sv":"Det går inte att spara recept. Vi utreder felet.","en":"Prescriptions cannot be saved. We are investigating."},
         "sms":{"fi":"Reseptikeskus ei vastaa.","sv":"Receptcentret svarar inte."}}' |
    python3 -c 'import sys,json; print(json.load(sys.stdin)["id"])'
}

# nginx with the given http-level directives and server blocks (NG_PORT chosen by the
# caller), its files under $WORK/ng: started in the foreground of a background job, its PID
# kept for stop_all; returns once the port answers.
start_nginx() {
  mkdir -p "$WORK/ng/tmp"
  cat > "$WORK/ng/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $WORK/ng/nginx.pid;
error_log $WORK/ng/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/ng/tmp; proxy_temp_path $WORK/ng/tmp; fastcgi_temp_path $WORK/ng/tmp;
  uwsgi_temp_path $WORK/ng/tmp; scgi_temp_path $WORK/ng/tmp;
$1
}
CONF
  # Started as root, nginx's workers drop to an unprivileged user: let them use the files.
  chmod 755 "$WORK" && chmod -R a+rwX "$WORK/ng"
  "$NGINX" -p "$WORK/ng" -c "$WORK/ng/nginx.conf" 2>"$WORK/nginx.stderr" &
  PIDS+=($!)
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$NG_PORT") 2>/dev/null && return; sleep 0.1; done
  cat "$WORK/nginx.stderr" "$WORK/ng/error.log" >&2; exit 1
}
