#!/usr/bin/env bash
# Benchmark 2 of bench.md: one critical fault to N SMS contacts through the generic HTTP
# gateway profile, at sms.http.messages_per_second = 1, 10, 100 and "unlimited"
# (1,000,000). The gateway is nginx answering every POST with a fixed 202 and logging the
# time of each request, so the achieved rate is the gateway's own count:
# (requests − 1) ÷ (last − first). N is sized to about 30 s at each limit (30, 300, 3,000;
# 10,000 unlimited). Reference in the same run: wrk POSTing the same kind of body to the
# same nginx (-t2 -c64 -d10s).
# Usage: bench/sms_fanout.sh   (RUNS=3 LIMITS="1 10 100 unlimited" UNLIMITED_N=10000; FC_SETTINGS="VAR=VALUE …"
# to try other settings, e.g. FAULTCAST__SMS__HTTP__MAX_IN_FLIGHT=32)
# Loopback only, random ports, every process started here stopped by its PID at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/tools.sh
source bench/daemon.sh
RUNS="${RUNS:-3}"
LIMITS="${LIMITS:-1 10 100 unlimited}"
cargo build --release --quiet
# CPU seconds (user + system) a process has used so far.
cpu() { awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / t}' "/proc/$1/stat"; }

NG_PORT="$(free_port)"
start_nginx "  log_format at '\$msec';
  server {
    listen 127.0.0.1:$NG_PORT;
    location /sms { access_log $WORK/ng/sms.log at; return 202 '{\"id\":\"fixed\"}'; }
    location /wrk { access_log off; return 202 '{\"id\":\"fixed\"}'; }
  }"
for _ in $(seq 50); do curl -fs -o /dev/null -X POST "http://127.0.0.1:$NG_PORT/wrk" && break; sleep 0.1; done
curl -fs -o /dev/null -X POST "http://127.0.0.1:$NG_PORT/wrk" || { cat "$WORK/nginx.stderr" >&2; exit 1; }
cat > "$WORK/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"to":"+358401234567","from":"faultcast","text":"Reseptikeskus ei vastaa.","reference":"bench"}'
LUA

ROWS=()
for limit in $LIMITS; do
  case "$limit" in
    unlimited) per_second=1000000; n="${UNLIMITED_N:-10000}" ;;
    *) per_second="$limit"; n=$((limit * 30)) ;;
  esac
  for run in $(seq "$RUNS"); do
    name="sms_${per_second}_${run}"
    new_database sqlite "$name"
    start_faultcast "$WORK/$name" FAULTCAST__SMS__GATEWAY=http FAULTCAST__SMS__HTTP__PROFILE=generic \
      "FAULTCAST__SMS__HTTP__URL=http://127.0.0.1:$NG_PORT/sms" \
      "FAULTCAST__SMS__HTTP__MESSAGES_PER_SECOND=$per_second" ${FC_SETTINGS:-}
    python3 bench/seed.py "$FC_URL" "$TOKEN" "$n" sms >/dev/null
    : > "$WORK/ng/sms.log"
    cpu0="$(cpu "$FC_PID")"
    id="$(publish_fault)"
    python3 bench/wait_delivered.py "$FC_URL" "$TOKEN" "$id" sms $((n / per_second + 300)) >/dev/null
    us="$(python3 -c "import sys; print(round((float(sys.argv[2]) - float(sys.argv[1])) * 1e6 / int(sys.argv[3])))" "$cpu0" "$(cpu "$FC_PID")" "$n")"
    kill "$FC_PID"; wait "$FC_PID" 2>/dev/null || true
    rate="$(awk 'NR==1 {f=$1} {l=$1; c++} END {if (c > 1) printf "%.2f", (c - 1) / (l - f)}' "$WORK/ng/sms.log")"
    got="$(wc -l <"$WORK/ng/sms.log")"
    ceiling="$(timeout 60 "$WRK" -t2 -c64 -d10s -s "$WORK/post.lua" "http://127.0.0.1:$NG_PORT/wrk" | awk '/Requests\/sec/ {print $2}')"
    echo "limit $limit run $run: $got requests of $n, $rate/s at the gateway, daemon CPU $us µs an SMS; wrk POST ceiling $ceiling/s" >&2
    ROWS+=("$limit|$n|$got|$rate|$ceiling|$per_second|$us")
  done
done

OUT="bench/results/sms_fanout-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "# SMS fan-out ($(date -u +%F), $(nproc) cores, $RUNS runs, median (min–max))"
  echo
  echo "Generic HTTP profile to nginx answering 202; rate counted by the gateway (nginx \$msec log)."
  echo "Default delivery settings (8 workers, so 32 senders; sms.http.max_in_flight 4); \"unlimited\" = 1,000,000/s."
  echo
  echo "| limit (msg/s) | SMS | received | achieved msg/s | vs limit | wrk POST ceiling | vs ceiling | daemon CPU per SMS (µs) |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  for limit in $LIMITS; do
    col() { printf '%s\n' "${ROWS[@]}" | awk -F'|' -v l="$limit" -v c="$1" '$1==l {print $c}'; }
    rates="$(col 4 | xargs)"; ceil="$(col 5 | xargs)"; ps="$(col 6 | head -1)"
    fmt="$(python3 -c "
import statistics,sys
r=[float(x) for x in sys.argv[1].split()]; c=[float(x) for x in sys.argv[2].split()]; l=float(sys.argv[3])
m=statistics.median(r)
print(f'{m:.2f} ({min(r):.2f}–{max(r):.2f})|{(m/l-1)*100:+.1f} %|{statistics.median(c):.0f}|{statistics.median([a/b for a,b in zip(r,c)]):.2f}')" "$rates" "$ceil" "$ps")"
    IFS='|' read -r achieved vs ceiling_m ratio <<<"$fmt"
    [[ "$limit" == unlimited ]] && vs="—"
    echo "| $limit | $(col 2 | head -1) | $(col 3 | spread) | $achieved | $vs | $ceiling_m | $ratio | $(col 7 | spread) |"
  done
} | tee "$OUT"
echo "written to $OUT"
