#!/usr/bin/env bash
# Benchmarks 1 and 5 of bench.md: one fault notice to N email contacts, delivered over SMTP
# to Postfix's smtp-sink, beside the smtp-source ceiling to the same sink measured in the
# same run; and the daemon's peak memory (VmHWM) idle and over the fan-out.
# Each run: a fresh database seeded through the API, then a fresh daemon (so its peak
# memory is the fan-out's, not the import's), publish, wait until every delivery is sent.
# Usage: bench/email_fanout.sh   (RUNS=3 SIZES="10000 100000" DBS="sqlite postgres";
# PROFILE=DIR also records a perf profile of each fan-out)
# Loopback only, random ports, every process started here stopped by its PID at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/tools.sh
source bench/daemon.sh
RUNS="${RUNS:-3}"
SIZES="${SIZES:-10000 100000}"
DBS="${DBS:-sqlite postgres}"
TIMEOUT="${TIMEOUT:-600}"
cargo build --release --quiet
start_smtp_sink
SMTP=(FAULTCAST__EMAIL__TRANSPORT=smtp FAULTCAST__EMAIL__SMTP__HOST=127.0.0.1
      "FAULTCAST__EMAIL__SMTP__PORT=$SINK_PORT" FAULTCAST__EMAIL__SMTP__TLS=none
      ${FC_SETTINGS:-})   # FC_SETTINGS="FAULTCAST__DELIVERY__WORKERS=16 …" to try other settings

# msg/s of smtp-source: 10,000 messages of 2 KB over 8 reused sessions.
ceiling() {
  local t0 t1
  t0="$(date +%s.%N)"
  timeout 120 "$SMTP_SOURCE" -d -s 8 -m 10000 -l 2048 "127.0.0.1:$SINK_PORT"
  t1="$(date +%s.%N)"
  python3 -c "import sys; print(round(10000 / (float(sys.argv[2]) - float(sys.argv[1]))))" "$t0" "$t1"
}
# CPU seconds (user + system) a process has used so far.
cpu() { awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / t}' "/proc/$1/stat"; }
vm() { awk -v k="$2:" '$1==k {print int($2/1024)}' "/proc/$1/status"; }

ROWS=()
for db in $DBS; do
  for n in $SIZES; do
    for run in $(seq "$RUNS"); do
      name="fc_${n}_${run}"
      new_database "$db" "$name"
      start_faultcast "$WORK/$name/seed"
      python3 bench/seed.py "$FC_URL" "$TOKEN" "$n" email >/dev/null
      kill "$FC_PID"; wait "$FC_PID" 2>/dev/null || true
      settle_database
      ref="$(ceiling)"
      start_faultcast "$WORK/$name/run" "${SMTP[@]}"
      idle="$(vm "$FC_PID" VmHWM)"
      if [[ -n "${PROFILE:-}" ]]; then   # PROFILE=DIR: a perf profile of each fan-out
        mkdir -p "$PROFILE"
        perf record -F 999 -g -p "$FC_PID" -o "$PROFILE/$db-$n-$run.data" 2>/dev/null &
        PERF_PID=$!
      fi
      cpu0="$(cpu "$FC_PID")"
      id="$(publish_fault)"
      summary="$(python3 bench/wait_delivered.py "$FC_URL" "$TOKEN" "$id" email "$TIMEOUT")"
      [[ -n "${PROFILE:-}" ]] && { kill -INT "$PERF_PID"; wait "$PERF_PID" || true; }
      peak="$(vm "$FC_PID" VmHWM)"
      cpus="$(python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 2))" "$cpu0" "$(cpu "$FC_PID")")"
      kill "$FC_PID"; wait "$FC_PID" 2>/dev/null || true
      if [[ "$db" == postgres ]]; then
        times="$(sql "SELECT round(extract(epoch FROM min(d.updated_at) - r.published_at) * 1000),
          round(extract(epoch FROM max(d.updated_at) - r.published_at) * 1000), count(*)
          FROM deliveries d JOIN notice_revisions r USING (notice_id, revision)
          WHERE d.state = 'sent' GROUP BY r.published_at")"
      else
        times="$(sql "SELECT round((julianday(min(d.updated_at)) - julianday(r.published_at)) * 86400000),
          round((julianday(max(d.updated_at)) - julianday(r.published_at)) * 86400000), count(*)
          FROM deliveries d JOIN notice_revisions r USING (notice_id, revision)
          WHERE d.state = 'sent' GROUP BY r.published_at")"
      fi
      IFS='|' read -r first last sent <<<"$times"
      drop_database "$name"
      rate="$(python3 -c "import sys; print(round(int(sys.argv[1]) / (float(sys.argv[2]) / 1000)))" "$sent" "$last")"
      echo "$db n=$n run=$run: sent $sent, first ${first} ms, last ${last} ms, $rate msg/s, ceiling $ref msg/s, CPU $cpus s, VmHWM idle $idle MB peak $peak MB, summary $summary" >&2
      ROWS+=("$db|$n|$sent|$first|$last|$rate|$ref|$idle|$peak|$cpus")
    done
  done
done

OUT="bench/results/email_fanout-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "# Email fan-out ($(date -u +%F), $(nproc) cores, $RUNS runs, median (min–max))"
  echo
  echo "faultcast → Postfix smtp-sink over SMTP (8 pooled connections, 8 workers); ceiling:"
  echo "smtp-source -d -s 8 -m 10000 -l 2048 → the same sink, measured before each run."
  echo "Rate = delivered ÷ (last delivery − publication), from the delivery ledger."
  echo
  echo "| database | contacts | msg/s | ceiling msg/s | ratio | 202 → first (ms) | 202 → last (s) | CPU (s) | VmHWM idle (MB) | VmHWM fan-out (MB) |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  for db in $DBS; do
    for n in $SIZES; do
      col() { printf '%s\n' "${ROWS[@]}" | awk -F'|' -v d="$db" -v n="$n" -v c="$1" '$1==d && $2==n {print $c}'; }
      ratio="$(python3 -c "import statistics,sys; r=[float(a)/float(b) for a,b in zip(sys.argv[1].split(),sys.argv[2].split())]; print(f'{statistics.median(r):.2f} ({min(r):.2f}–{max(r):.2f})')" "$(col 6 | xargs)" "$(col 7 | xargs)")"
      last_s="$(col 5 | awk '{printf "%.1f\n", $1/1000}' | sort -g | awk '{a[NR]=$1} END {printf "%.1f (%.1f–%.1f)", a[int((NR+1)/2)], a[1], a[NR]}')"
      echo "| $db | $n | $(col 6 | spread) | $(col 7 | spread) | $ratio | $(col 4 | spread) | $last_s | $(col 10 | xargs -n1 | sort -g | awk '{a[NR]=$1} END {printf "%.1f (%.1f–%.1f)", a[int((NR+1)/2)], a[1], a[NR]}') | $(col 8 | spread) | $(col 9 | spread) |"
    done
  done
} | tee "$OUT"
echo "written to $OUT"
