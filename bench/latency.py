#!/usr/bin/env python3
"""Sends COUNT sequential POSTs of BODY_FILE to URL over one keep-alive connection and
prints the p50, p99 and max latency in milliseconds (client-side, request to full answer).
Every answer must have status EXPECT, or it exits 1.

Usage: latency.py URL TOKEN BODY_FILE COUNT EXPECT
"""
import http.client
import math
import statistics
import sys
import time
import urllib.parse

url, token, body_file, count, expect = sys.argv[1:6]
u = urllib.parse.urlsplit(url)
body = open(body_file, "rb").read()
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
times = []
for _ in range(int(count)):
    t0 = time.perf_counter()
    conn.request("POST", u.path, body=body, headers=headers)
    res = conn.getresponse()
    res.read()
    times.append((time.perf_counter() - t0) * 1000)
    if res.status != int(expect):
        print(f"answer {res.status}, expected {expect}", file=sys.stderr)
        sys.exit(1)
times.sort()
p99 = times[math.ceil(len(times) * 0.99) - 1]  # nearest rank
print(f"{statistics.median(times):.2f} {p99:.2f} {times[-1]:.2f}")
