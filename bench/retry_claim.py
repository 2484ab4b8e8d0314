#!/usr/bin/env python3
"""How long claiming due retries takes while a newer revision of the same notice has many
deliveries, on SQLite's real schema with and without migration 0023's index.

The scene: a fault went out by email and SMS, the SMS gateway refused for a while (1,000 SMS
retries of revision 1 are due), and the update (revision 2) went by email only to 100,000
addresses. Every claim asks, for each retry, whether a newer revision already reached its
address. The script applies migrations/sqlite/*.sql to a temporary file (up to 0022, then all
of them), writes those rows, and times the claim's selection of due retries (as in
src/store/claims.rs, 256 at a time; its check for an open fan-out job of a newer revision is
left out, there being none) as the median of 5, with its query plan.

Usage: bench/retry_claim.py   (NEWER=100000 RETRIES=1000)
"""
import datetime
import glob
import os
import sqlite3
import statistics
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
NEWER = int(os.environ.get("NEWER", "100000"))
RETRIES = int(os.environ.get("RETRIES", "1000"))
NOW = "2026-12-02T10:00:00.000000Z"
LATER = "2026-12-02T11:00:00.000000Z"
EXPIRES = "2026-12-02T16:00:00.000000Z"
CLAIM = """SELECT d.id FROM deliveries d WHERE d.state IN ('pending', 'retry') AND d.next_attempt_at <= ?1
 AND d.expires_at > ?1 AND d.address IS NOT NULL
 AND NOT EXISTS (SELECT 1 FROM deliveries n WHERE n.notice_id = d.notice_id AND n.channel = d.channel
                 AND n.address_key = d.address_key AND n.revision > d.revision)
 ORDER BY d.lane, d.next_attempt_at, d.id LIMIT 256"""


def database(directory, upto):
    db = sqlite3.connect(os.path.join(directory, f"claim-{upto}.db"))
    for path in sorted(glob.glob(os.path.join(ROOT, "migrations/sqlite/*.sql"))):
        if int(os.path.basename(path)[:4]) <= upto:
            db.executescript(open(path).read())
    db.execute("PRAGMA foreign_keys = OFF")
    row = "(notice_id, revision, channel, address, address_key, language, audience, contact_id, lane, \
state, attempts, next_attempt_at, expires_at, created_at, updated_at)"
    newer = (
        ("n1", 2, "email", f"a{i}@x.example", f"a{i}@x.example", "fi", "pharmacy", f"c{i}", 0,
         "sent", 1, NOW, EXPIRES, NOW, NOW)
        for i in range(NEWER)
    )
    retries = (
        ("n1", 1, "sms", f"+35840{i:07d}", f"+35840{i:07d}", "fi", "pharmacy", f"c{i}", 0,
         "retry", 1, NOW, EXPIRES, NOW, NOW)
        for i in range(RETRIES)
    )
    for rows in (newer, retries):
        db.executemany(f"INSERT INTO deliveries {row} VALUES ({', '.join('?' * 15)})", rows)
    db.commit()
    return db


def measure(db):
    times = []
    for _ in range(5):
        start = time.perf_counter()
        claimed = db.execute(CLAIM, (LATER,)).fetchall()
        times.append((time.perf_counter() - start) * 1000)
    plan = db.execute("EXPLAIN QUERY PLAN " + CLAIM, (LATER,)).fetchall()[-1][3]
    return len(claimed), statistics.median(times), min(times), max(times), plan


def main():
    latest = max(int(os.path.basename(p)[:4]) for p in glob.glob(os.path.join(ROOT, "migrations/sqlite/*.sql")))
    lines = [
        f"# Claiming due retries beside a large newer revision ({datetime.date.today()}, SQLite {sqlite3.sqlite_version})",
        "",
        f"{RETRIES:,} SMS retries of revision 1 due; revision 2 has {NEWER:,} email deliveries. "
        "One claim of 256, median of 5 (min–max).",
        "",
        "| schema | claimed | ms | how the newer revision is looked up |",
        "| --- | --- | --- | --- |",
    ]
    with tempfile.TemporaryDirectory() as directory:
        for upto, name in ((22, "up to 0022"), (latest, f"up to {latest:04d}")):
            n, median, low, high, plan = measure(database(directory, upto))
            lines.append(f"| {name} | {n} | {median:.1f} ({low:.1f}–{high:.1f}) | {plan} |")
    text = "\n".join(lines) + "\n"
    out = os.path.join(ROOT, "bench/results", f"retry_claim-{datetime.datetime.now(datetime.timezone.utc):%Y%m%dT%H%M%SZ}.md")
    with open(out, "w") as f:
        f.write(text)
    sys.stdout.write(text + f"written to {os.path.relpath(out, ROOT)}\n")


if __name__ == "__main__":
    main()
