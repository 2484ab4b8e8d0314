#!/usr/bin/env bash
# The full resilience proofs of delivery.md, through the same tests CI runs at small sizes
# (tests/api/resilience): R1 kill -9 at KILLS random moments of an N-delivery fan-out with a
# restart each time (SQLite and PostgreSQL), R8 latency / reset / hang / down on the
# PostgreSQL link through a fault proxy, R9 three daemons on one PostgreSQL with one
# killed at 30 %. Release build, real SMTP to the test sink, loopback, random ports; the
# tests stop every process they start. Prints a table and writes it to bench/results/.
# Usage: bench/resilience.sh   (N=50000 KILLS=10 LEASE=5 SEED=…)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-50000}"
KILLS="${KILLS:-10}"
LEASE="${LEASE:-5}"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="bench/results/resilience-$STAMP.md"
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
mkdir -p bench/results

export FAULTCAST_R1_DELIVERIES="$N" FAULTCAST_R1_KILLS="$KILLS"
export FAULTCAST_R8_DELIVERIES="$N" FAULTCAST_R9_DELIVERIES="$N"
export FAULTCAST_RESILIENCE_LEASE_SECS="$LEASE" FAULTCAST_TEST_REQUIRE_POSTGRES=1
[ -n "${SEED:-}" ] && export FAULTCAST_RESILIENCE_SEED="$SEED"

# One proof at a time: they measure takeover times and must not share the two cores.
cargo test --release --test api resilience -- --nocapture --test-threads=1 2>&1 | tee "$LOG"

python3 - "$LOG" "$OUT" "$N" "$KILLS" "$LEASE" <<'PY'
import re, sys
log, out, n, kills, lease = sys.argv[1:]
lines = [l.split("figures: ", 1)[1].strip() for l in open(log) if "figures: " in l]
def kv(s):
    return dict(re.findall(r"(\w+)=(\[[^\]]*\]|\{[^}]*\}|\S+)", s))
rows = []
for l in lines:
    proof, db = l.split()[:2]
    f = kv(l)
    if proof == "R1":
        rows.append((f"R1 kill -9 ×{f['kills']}, restart", db, f["deliveries"], f["lost"], f["duplicates"],
                     f"≤ {f['bound']} in flight at the kills", f"{f['taken_over_within_ms']} ms (lease {f['lease_s']} s)", f["elapsed_s"]))
    elif proof == "R9":
        calm, killed = l.split("|")[1], l.split("|")[2]
        c, k = kv(calm), kv(killed)
        rows.append(("R9 3 nodes, no kill", db, f["deliveries"], c["lost"], c["duplicates"], "0 allowed", "—", c["elapsed_s"]))
        rows.append(("R9 3 nodes, one kill -9 at 30 %", db, f["deliveries"], k["lost"], k["duplicates"],
                     f"≤ {k['in_flight_at_kill']} in flight at the kill", f"{k['taken_over_within_ms']} ms (lease {k['lease_s']} s)", k["elapsed_s"]))
    elif proof == "R8":
        faults = re.search(r"faults=\[(.*)\] lost", l).group(1)
        answers = re.findall(r'\("(\w+)", \((\d+), ([\d.]+)(\w+)\)\)', faults)
        worst = {}
        for what, status, t, unit in answers:
            ms = float(t) * {"ns": 1e-6, "µs": 1e-3, "ms": 1, "s": 1000}.get(unit, 1)
            worst[(what, status)] = max(worst.get((what, status), 0), ms)
        down = ", ".join(f"{w} {s} ≤ {ms:.0f} ms" for (w, s), ms in worst.items())
        rows.append(("R8 link latency, reset, hang, down", db, f["deliveries"], f["lost"], f["duplicates"],
                     "—", f"while down: {down}", f["elapsed_s"]))
head = ("| proof | database | deliveries | lost | duplicates | bound | takeover / answers | elapsed s |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- |\n")
table = head + "".join("| " + " | ".join(r) + " |\n" for r in rows)
with open(out, "w") as o:
    o.write(f"# Resilience proofs, {out.split('-', 1)[1][:-3]}\n\n")
    o.write(f"N = {n} deliveries, {kills} kills for R1, delivery lease {lease} s, release build, "
            "SMTP to the test sink on loopback.\n\n" + table + "\nRaw figures:\n\n")
    o.write("".join(f"    {l}\n" for l in lines))
print(table)
print(f"written to {out}")
PY
