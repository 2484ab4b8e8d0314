#!/usr/bin/env bash
# Mailman 3 side by side (bench.md benchmark 1): the same N recipients, the same Postfix
# smtp-sink, one message per recipient — Mailman's `personalize = individual`, faultcast's
# per-recipient notices — and the smtp-source ceiling to that sink, all in one run.
# Mailman 3.3.10 comes from PyPI into a venv under bench/.tools/mailman (Debian's mailman3
# package would install and start an MTA); its default runners, SQLite, and SMTP to the sink.
# faultcast: the release build on its default SQLite file. Each run injects one post into
# Mailman and publishes one notice in faultcast; rate = N ÷ (last message at the sink −
# submission), read from the sink's own counter (smtp-sink -c).
# Usage: bench/mailman.sh   (RUNS=3 N=10000)
# Loopback only, random ports, every process started here stopped at exit (Mailman's
# master by its pid file, which stops its runners).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/tools.sh
source bench/daemon.sh
RUNS="${RUNS:-3}"
N="${N:-10000}"
TIMEOUT="${TIMEOUT:-1800}"
cargo build --release --quiet
MM_VENV="$TOOLS/mailman"
[[ -x "$MM_VENV/bin/mailman" ]] || { python3 -m venv "$MM_VENV" && "$MM_VENV/bin/pip" install -q mailman==3.3.10; }

# One sink for everyone, counting the messages it takes.
SINK_PORT="$(free_port)"
"$SMTP_SINK" -c -u nobody "127.0.0.1:$SINK_PORT" 1024 >"$WORK/sink.count" &
PIDS+=($!)
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$SINK_PORT") 2>/dev/null && break; sleep 0.1; done
taken() { tail -c 200 "$WORK/sink.count" | tr '\r' '\n' | grep -o 'mesg=[0-9]*' | tail -1 | cut -d= -f2 || echo 0; }
# Waits until the sink has taken TARGET messages; prints seconds from START to the first
# message after BASE and to the TARGETth.
wait_taken() {
  local start="$1" base="$2" target="$3" first="" now c
  while :; do
    c="$(taken)"; c="${c:-0}"; now="$(date +%s.%N)"
    [[ -z "$first" && "$c" -gt "$base" ]] && first="$now"
    [[ "$c" -ge "$target" ]] && break
    python3 -c "import sys; sys.exit(float(sys.argv[1]) - float(sys.argv[2]) > float(sys.argv[3]))" "$now" "$start" "$TIMEOUT" ||
      { echo "timed out at $c of $target" >&2; exit 1; }
    sleep 0.05
  done
  python3 -c "import sys; s=float(sys.argv[1]); print(round(float(sys.argv[2]) - s, 3), round(float(sys.argv[3]) - s, 3))" "$start" "$first" "$now"
}

# Mailman: a list of N members, one message per member, anyone may post.
MM_DIR="$WORK/mailman"
mkdir -p "$MM_DIR"
cat >"$MM_DIR/mailman.cfg" <<CFG
[mailman]
site_owner: admin@example.fi
layout: bench
[paths.bench]
var_dir: $MM_DIR/var
[mta]
incoming: mailman.mta.null.NullMTA
outgoing: mailman.mta.deliver.deliver
smtp_host: 127.0.0.1
smtp_port: $SINK_PORT
lmtp_host: 127.0.0.1
lmtp_port: $(free_port)
[webservice]
port: $(free_port)
[logging.smtp]
level: warning
CFG
cat >"$MM_DIR/bench_list.py" <<'PY'
import os
from mailman.config import config
from mailman.interfaces.action import Action
from mailman.interfaces.archiver import ArchivePolicy
from mailman.interfaces.mailinglist import Personalization
from mailman.interfaces.member import MemberRole
from mailman.interfaces.usermanager import IUserManager
from mailman.utilities.datetime import now
from zope.component import getUtility

def setup(mlist):
    mlist.personalize = Personalization.individual
    mlist.default_member_action = Action.accept
    mlist.default_nonmember_action = Action.accept
    mlist.require_explicit_destination = False
    mlist.max_message_size = 0
    mlist.max_num_recipients = 0
    mlist.send_welcome_message = False
    mlist.archive_policy = ArchivePolicy.never
    users = getUtility(IUserManager)
    for i in range(int(os.environ["MM_MEMBERS"])):
        address = users.create_address(f"c{i}@example.fi")
        address.verified_on = now()
        mlist.subscribe(address, MemberRole.member)
    config.db.commit()
    print(mlist.members.member_count)
PY
export MAILMAN_CONFIG_FILE="$MM_DIR/mailman.cfg"
MM=("$MM_VENV/bin/mailman" --run-as-root)
"${MM[@]}" create bench@example.fi >/dev/null
t0="$(date +%s)"
members="$(cd "$MM_DIR" && MM_MEMBERS="$N" PYTHONPATH="$MM_DIR" "${MM[@]}" shell -l bench@example.fi -r bench_list.setup | tail -1)"
echo "mailman: $members members in $(( $(date +%s) - t0 )) s" >&2
"${MM[@]}" start >"$MM_DIR/start.log" 2>&1 </dev/null
stop_mailman() { [[ -f "$MM_DIR/var/master.pid" ]] && kill "$(cat "$MM_DIR/var/master.pid")" 2>/dev/null; sleep 2; stop_all; }
trap stop_mailman EXIT
for _ in $(seq 300); do
  grep -q "out runner started" "$MM_DIR/var/logs/mailman.log" 2>/dev/null &&
    grep -q "in runner started" "$MM_DIR/var/logs/mailman.log" && break
  sleep 0.1
done

# faultcast: the same N addresses.
new_database sqlite mailman_side
start_faultcast "$WORK/fc" FAULTCAST__EMAIL__TRANSPORT=smtp FAULTCAST__EMAIL__SMTP__HOST=127.0.0.1 \
  "FAULTCAST__EMAIL__SMTP__PORT=$SINK_PORT" FAULTCAST__EMAIL__SMTP__TLS=none
python3 bench/seed.py "$FC_URL" "$TOKEN" "$N" email >/dev/null

ROWS=()
for run in $(seq "$RUNS"); do
  base="$(taken)"
  printf 'From: tuki@example.fi\nTo: bench@example.fi\nSubject: Reseptikeskus ei vastaa %s\nMessage-ID: <bench-%s@example.fi>\n\nReseptien tallentaminen ei onnistu. Selvitamme vikaa.\n' \
    "$run" "$run" >"$MM_DIR/post.eml"
  # The clock starts once the post is queued: Mailman's command-line start-up is not counted.
  "${MM[@]}" inject -f "$MM_DIR/post.eml" bench@example.fi
  start="$(date +%s.%N)"
  read -r mm_first mm_last < <(wait_taken "$start" "$base" "$((base + N))")

  base="$(taken)"
  start="$(date +%s.%N)"
  publish_fault >/dev/null
  read -r fc_first fc_last < <(wait_taken "$start" "$base" "$((base + N))")

  t0="$(date +%s.%N)"
  timeout 120 "$SMTP_SOURCE" -d -s 8 -m 10000 -l 2048 "127.0.0.1:$SINK_PORT"
  ref="$(python3 -c "import sys; print(round(10000 / (float(sys.argv[2]) - float(sys.argv[1]))))" "$t0" "$(date +%s.%N)")"
  mm_rate="$(python3 -c "import sys; print(round(int(sys.argv[1]) / float(sys.argv[2])))" "$N" "$mm_last")"
  fc_rate="$(python3 -c "import sys; print(round(int(sys.argv[1]) / float(sys.argv[2])))" "$N" "$fc_last")"
  echo "run $run: Mailman $mm_rate msg/s (first ${mm_first} s, last ${mm_last} s); faultcast $fc_rate msg/s (first ${fc_first} s, last ${fc_last} s); ceiling $ref msg/s" >&2
  ROWS+=("$mm_rate|$fc_rate|$ref|$mm_last|$fc_last|$mm_first|$fc_first")
done

OUT="bench/results/mailman-$(date -u +%Y%m%dT%H%M%SZ).md"
col() { printf '%s\n' "${ROWS[@]}" | cut -d'|' -f"$1"; }
ratio() { python3 -c "import statistics,sys; r=[float(a)/float(b) for a,b in zip(sys.argv[1].split(),sys.argv[2].split())]; f='.3f' if max(r) < 0.1 else '.2f' if max(r) < 10 else '.1f'; print(f'{statistics.median(r):{f}} ({min(r):{f}}–{max(r):{f}})')" "$(col "$1" | xargs)" "$(col "$2" | xargs)"; }
secs() { col "$1" | sort -g | awk '{a[NR]=$1} END {printf "%.2f (%.2f–%.2f)", a[int((NR+1)/2)], a[1], a[NR]}'; }
{
  echo "# Mailman 3 side by side ($(date -u +%F), $(nproc) cores, $RUNS runs, median (min–max))"
  echo
  echo "$N recipients, one message per recipient, both to the same Postfix smtp-sink; Mailman 3.3.10"
  echo "(PyPI, default runners, SQLite, personalize = individual); faultcast release build on SQLite."
  echo "Rate = $N ÷ (the sink's ${N}th message − submission: the post queued by \`mailman inject\` / the 202 of POST /api/v1/notices)."
  echo
  echo "| system | msg/s | submission → first (s) | submission → last (s) | × Mailman | ÷ smtp-source ceiling |"
  echo "| --- | --- | --- | --- | --- | --- |"
  echo "| Mailman 3 | $(col 1 | spread) | $(secs 6) | $(secs 4) | 1 | $(ratio 1 3) |"
  echo "| faultcast | $(col 2 | spread) | $(secs 7) | $(secs 5) | $(ratio 2 1) | $(ratio 2 3) |"
  echo "| smtp-source (ceiling) | $(col 3 | spread) | — | — | — | 1 |"
} | tee "$OUT"
echo "written to $OUT"
