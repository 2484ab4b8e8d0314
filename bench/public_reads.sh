#!/usr/bin/env bash
# Benchmark 3 of bench.md: public reads. wrk against faultcast's status page, RSS feed
# (plain and gzip) and a 304, and against nginx serving the identical bytes from files, in
# the same run; medians of RUNS runs with min–max, and the ratio to nginx.
# Then the page and the 304 again while a fan-out to FANOUT email contacts runs (a new
# fault each run, delivered over SMTP to Postfix's smtp-sink), nginx beside it under the
# same load. Usage: bench/public_reads.sh (RUNS=3 DURATION=10 FANOUT=100000; FANOUT=0
# skips that part). Loopback only, random ports, every process started here stopped by
# its PID at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/tools.sh
RUNS="${RUNS:-3}"
DURATION="${DURATION:-10}"
FANOUT="${FANOUT:-100000}"
source bench/daemon.sh
cargo build --release --quiet

# faultcast on a fresh SQLite database, email over SMTP to smtp-sink.
start_smtp_sink
new_database sqlite fc
start_faultcast "$WORK/fc/run" FAULTCAST__EMAIL__TRANSPORT=smtp FAULTCAST__EMAIL__SMTP__HOST=127.0.0.1 \
  "FAULTCAST__EMAIL__SMTP__PORT=$SINK_PORT" FAULTCAST__EMAIL__SMTP__TLS=none
FC="$FC_URL"

# 25 faults with two revisions each: a 50-item feed of about 50 KB.
BODY="$(python3 -c 'print(("Reseptikeskuksessa on häiriö, joka estää reseptien tallentamisen. " * 14).strip())')"
for i in $(seq 25); do
  id="$(curl -fs "$FC/api/v1/notices" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"kind\":\"fault\",\"severity\":\"major\",\"services\":[\"prescription-centre\"],
         \"title\":{\"fi\":\"Häiriö $i Reseptikeskuksessa\",\"sv\":\"Störning $i i Receptcentret\"},
         \"body\":{\"fi\":\"$BODY\",\"sv\":\"$BODY\"}}" | python3 -c 'import sys,json; print(json.load(sys.stdin)["id"])')"
  curl -fs "$FC/api/v1/notices/$id/revisions" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"action":"update","state":"identified"}' >/dev/null
done

# nginx serving the same bytes (and a gzip copy via gzip_static).
NG_PORT="$(free_port)"
mkdir -p "$WORK/ng/www" "$WORK/ng/tmp"
curl -fs "$FC/?lang=fi" -o "$WORK/ng/www/index.html"
curl -fs "$FC/feed.rss?lang=fi" -o "$WORK/ng/www/feed.rss"
gzip -k -6 "$WORK/ng/www/feed.rss"
start_nginx "  types { text/html html; application/rss+xml rss; }
  gzip_static on;
  server { listen 127.0.0.1:$NG_PORT; root $WORK/ng/www; location = / { try_files /index.html =404; } }"
NG="http://127.0.0.1:$NG_PORT"
for _ in $(seq 100); do curl -fs "$NG/feed.rss" >/dev/null && break; sleep 0.1; done
curl -fs "$NG/feed.rss" >/dev/null || { cat "$WORK/nginx.stderr" "$WORK/ng/error.log" >&2; exit 1; }

etag() { curl -fsI "$1" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag" {print $2}'; }
FC_TAG="$(etag "$FC/feed.rss?lang=fi")"
NG_TAG="$(etag "$NG/feed.rss")"
PAGE_BYTES="$(wc -c <"$WORK/ng/www/index.html")"
FEED_BYTES="$(wc -c <"$WORK/ng/www/feed.rss")"

# requests/s of one wrk run: wrk URL [header]
rps() {
  local args=(-t2 -c64 -d"${DURATION}s" "$1")
  [[ -n "${2:-}" ]] && args+=(-H "$2")
  timeout $((DURATION + 30)) "$WRK" "${args[@]}" | awk '/Requests\/sec/ {print $2}'
}

declare -A RESULT
CASES=("page|$FC/?lang=fi|$NG/|" "feed|$FC/feed.rss?lang=fi|$NG/feed.rss|"
       "feed gzip|$FC/feed.rss?lang=fi|$NG/feed.rss|Accept-Encoding: gzip"
       "304|$FC/feed.rss?lang=fi|$NG/feed.rss|If-None-Match")
for case in "${CASES[@]}"; do
  IFS='|' read -r name fc ng header <<<"$case"
  fc_header="$header"; ng_header="$header"
  if [[ "$header" == "If-None-Match" ]]; then fc_header="If-None-Match: $FC_TAG"; ng_header="If-None-Match: $NG_TAG"; fi
  f=(); n=()
  for _ in $(seq "$RUNS"); do   # interleaved, so that drift hits both alike
    f+=("$(rps "$fc" "$fc_header")"); n+=("$(rps "$ng" "$ng_header")")
  done
  RESULT["$name"]="$(printf '%s\n' "${f[@]}" | spread)|$(printf '%s\n' "${n[@]}" | spread)|$(python3 -c "
import statistics,sys; f=[float(x) for x in sys.argv[1].split()]; n=[float(x) for x in sys.argv[2].split()]
print(f'{statistics.median(f)/statistics.median(n):.2f}')" "${f[*]}" "${n[*]}")"
done

# The same reads while a fan-out runs: contacts first (the earlier faults were published
# to nobody), then per run a new fault to all of them; nginx gets the new bytes at once.
DURING=()
if ((FANOUT > 0)); then
  python3 bench/seed.py "$FC" "$TOKEN" "$FANOUT" email >/dev/null
  short=$((DURATION / 2))
  for run in $(seq "$RUNS"); do
    id="$(publish_fault)"
    t0="$(date +%s.%N)"
    curl -fs "$FC/?lang=fi" -o "$WORK/ng/www/index.html"
    curl -fs "$FC/feed.rss?lang=fi" -o "$WORK/ng/www/feed.rss"
    FC_TAG="$(etag "$FC/feed.rss?lang=fi")"; NG_TAG="$(etag "$NG/feed.rss")"
    fp="$(DURATION=$short rps "$FC/?lang=fi")"; np="$(DURATION=$short rps "$NG/")"
    f3="$(DURATION=$short rps "$FC/feed.rss?lang=fi" "If-None-Match: $FC_TAG")"
    n3="$(DURATION=$short rps "$NG/feed.rss" "If-None-Match: $NG_TAG")"
    summary="$(python3 bench/wait_delivered.py "$FC" "$TOKEN" "$id" email 900)"
    secs="$(python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 1))" "$t0" "$(date +%s.%N)")"
    echo "during fan-out run $run: page $fp vs $np, 304 $f3 vs $n3, fan-out of $FANOUT done after $secs s: $summary" >&2
    DURING+=("$fp|$np|$f3|$n3|$secs")
  done
fi

OUT="bench/results/public_reads-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "# Public reads ($(date -u +%F), $(nproc) cores, wrk -t2 -c64 -d${DURATION}s, $RUNS runs, median (min–max) req/s)"
  echo
  echo "Page $PAGE_BYTES bytes, RSS feed $FEED_BYTES bytes (50 items); nginx serves the identical bytes from files."
  echo
  echo "| request | faultcast | nginx (same run) | ratio | target |"
  echo "| --- | --- | --- | --- | --- |"
  for name in "page" "feed" "feed gzip" "304"; do
    IFS='|' read -r f n r <<<"${RESULT[$name]}"
    echo "| $name | $f | $n | $r | ≥ 0.6 |"
  done
  if ((${#DURING[@]})); then
    col() { printf '%s\n' "${DURING[@]}" | cut -d'|' -f"$1"; }
    ratio() { python3 -c "import statistics,sys; r=[float(a)/float(b) for a,b in zip(sys.argv[1].split(),sys.argv[2].split())]; print(f'{statistics.median(r):.2f}')" "$(col "$1" | xargs)" "$(col "$2" | xargs)"; }
    echo
    echo "During a fan-out to $FANOUT email contacts (a new fault each run; wrk -d$((DURATION / 2))s per figure; fan-out finished after $(col 5 | spread) s):"
    echo
    echo "| request | faultcast | nginx (same run, same load) | ratio | target |"
    echo "| --- | --- | --- | --- | --- |"
    echo "| page | $(col 1 | spread) | $(col 2 | spread) | $(ratio 1 2) | ≥ 0.6 |"
    echo "| 304 | $(col 3 | spread) | $(col 4 | spread) | $(ratio 3 4) | ≥ 0.6 |"
  fi
} | tee "$OUT"
echo "written to $OUT"
