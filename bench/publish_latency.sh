#!/usr/bin/env bash
# Benchmark 4 of bench.md: latency of POST /api/v1/notices (client-side p50/p99/max over
# COUNT sequential publishes on one keep-alive connection) with N contacts in the registry,
# each publish a critical fault to all of them — so the fan-outs of the earlier publishes
# run while the later ones are measured. Reference in the same run: the same client
# POSTing the same body to nginx answering a fixed 202.
# Usage: bench/publish_latency.sh   (RUNS=3 COUNT=200 SIZES="1000 1000000" DBS="sqlite postgres")
# Loopback only, random ports, every process started here stopped by its PID at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/tools.sh
source bench/daemon.sh
RUNS="${RUNS:-3}"
COUNT="${COUNT:-200}"
SIZES="${SIZES:-1000 1000000}"
DBS="${DBS:-sqlite postgres}"
cargo build --release --quiet
start_smtp_sink

# nginx answering every request with a fixed 202, the reference.
NG_PORT="$(free_port)"
start_nginx "  server { listen 127.0.0.1:$NG_PORT; location / { return 202 '{\"id\":\"fixed\"}'; } }"
for _ in $(seq 50); do curl -fs -o /dev/null -X POST "http://127.0.0.1:$NG_PORT/" && break; sleep 0.1; done

cat > "$WORK/fault.json" <<'JSON'
{"kind":"fault","severity":"critical","services":["prescription-centre"],"audiences":["pharmacy"],
 "title":{"fi":"Reseptikeskus ei vastaa","sv":"Receptcentret svarar inte","en":"The Prescription Centre does not answer"},
 "body":{"fi":"Reseptien tallentaminen ei onnistu. Selvitämme vikaa.","sv":"Det går inte att spara recept. Vi utreder felet.","en":"Prescriptions cannot be saved. We are investigating."}}
JSON

ROWS=()
for db in $DBS; do
  for n in $SIZES; do
    name="lat_${n}"
    new_database "$db" "$name"
    start_faultcast "$WORK/$db-$name" FAULTCAST__EMAIL__TRANSPORT=smtp FAULTCAST__EMAIL__SMTP__HOST=127.0.0.1 \
      "FAULTCAST__EMAIL__SMTP__PORT=$SINK_PORT" FAULTCAST__EMAIL__SMTP__TLS=none
    t0="$(date +%s)"
    python3 bench/seed.py "$FC_URL" "$TOKEN" "$n" email >/dev/null
    echo "$db: $n contacts seeded in $(( $(date +%s) - t0 )) s" >&2
    for run in $(seq "$RUNS"); do
      read -r fp50 fp99 fmax < <(python3 bench/latency.py "$FC_URL/api/v1/notices" "$TOKEN" "$WORK/fault.json" "$COUNT" 202)
      read -r np50 np99 nmax < <(python3 bench/latency.py "http://127.0.0.1:$NG_PORT/" x "$WORK/fault.json" "$COUNT" 202)
      echo "$db n=$n run=$run: faultcast p50 $fp50 p99 $fp99 max $fmax ms; nginx p50 $np50 p99 $np99 max $nmax ms" >&2
      ROWS+=("$db|$n|$fp50|$fp99|$fmax|$np50|$np99")
    done
    kill "$FC_PID"; wait "$FC_PID" 2>/dev/null || true
  done
done

OUT="bench/results/publish_latency-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "# Publish latency ($(date -u +%F), $(nproc) cores, $RUNS runs of $COUNT sequential publishes, median (min–max) of each run's figure, ms)"
  echo
  echo "Each publish is a critical fault to every contact; the earlier publishes' fan-outs run meanwhile (over SMTP to smtp-sink)."
  echo "Reference: the same client POSTing the same body to nginx answering a fixed 202, same run."
  echo
  echo "| database | contacts | p50 | p99 | max | nginx p50 | nginx p99 | target p99 |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  for db in $DBS; do
    for n in $SIZES; do
      col() { printf '%s\n' "${ROWS[@]}" | awk -F'|' -v d="$db" -v n="$n" -v c="$1" '$1==d && $2==n {print $c}'; }
      ms() { sort -g | awk '{a[NR]=$1} END {printf "%.1f (%.1f–%.1f)", a[int((NR+1)/2)], a[1], a[NR]}'; }
      echo "| $db | $n | $(col 3 | ms) | $(col 4 | ms) | $(col 5 | ms) | $(col 6 | ms) | $(col 7 | ms) | ≤ 50 |"
    done
  done
} | tee "$OUT"
echo "written to $OUT"
