#!/usr/bin/env python3
"""Polls a notice's delivery summary until its fan-out is complete and nothing is pending,
then prints the summary of CHANNEL as JSON. Exits 1 after TIMEOUT seconds.

Usage: wait_delivered.py URL TOKEN NOTICE_ID CHANNEL TIMEOUT
"""
import json
import sys
import time
import urllib.request

url, token, notice, channel, timeout = sys.argv[1:6]
deadline = time.monotonic() + float(timeout)
req = urllib.request.Request(f"{url}/api/v1/notices/{notice}/deliveries?limit=1")
req.add_header("Authorization", f"Bearer {token}")
while True:
    with urllib.request.urlopen(req, timeout=30) as res:
        body = json.load(res)
    summary = body["summary"][channel]
    if body["fanout_complete"] and summary["pending"] == 0:
        print(json.dumps(summary))
        sys.exit(0)
    if time.monotonic() > deadline:
        print(json.dumps(summary), file=sys.stderr)
        sys.exit(1)
    # Once a second: the times come from the ledger, and a summary of a million deliveries
    # asked for ten times a second would load the daemon it measures.
    time.sleep(1.0)
