#!/usr/bin/env python3
"""Seeds a running faultcast with N contacts through its public API, as an operator would:
pharmacies (audience "pharmacy", using the Prescription Centre) of up to 10,000 contacts
each, imported with PUT .../contacts.csv. Every contact has its own address; languages
rotate fi, sv, en. Prints the number of contacts created.

Usage: seed.py URL TOKEN N CHANNEL [FIRST_ORG]   (CHANNEL: email or sms)
"""
import json
import sys
import urllib.request

PER_ORG = 10_000  # the import's row limit (MAX_CSV_ROWS)
LANGS = ("fi", "sv", "en")


def business_id(n):
    """A valid Finnish business ID (Y-tunnus) from a number: 7 digits and a check digit."""
    while True:
        digits = f"{n:07d}"
        r = sum(int(d) * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2))) % 11
        if r != 1:
            return f"{digits}-{0 if r == 0 else 11 - r}"
        n += 1_000_000  # a remainder of 1 has no check digit: take another number


def call(url, token, method, path, body, content_type):
    req = urllib.request.Request(url + path, data=body, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    req.add_header("Content-Type", content_type)
    with urllib.request.urlopen(req, timeout=600) as res:
        return json.loads(res.read() or b"null")


def main():
    url, token, total, channel = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    first = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    made = 0
    org_no = first
    while made < total:
        n = min(PER_ORG, total - made)
        org = call(url, token, "POST", "/api/v1/organisations", json.dumps({
            "name": f"Bench pharmacy {org_no}", "business_id": business_id(1_000_000 + org_no),
            "audience": "pharmacy", "services": ["prescription-centre"],
        }).encode(), "application/json")
        rows = ["name,role,email,phone,language,channels"]
        for i in range(made, made + n):
            lang = LANGS[i % 3]
            if channel == "email":
                rows.append(f"Contact {i},helpdesk,c{i}@bench.example.fi,,{lang},email")
            else:
                rows.append(f"Contact {i},on-call,,+35840{i:07d},{lang},sms")
        res = call(url, token, "PUT", f"/api/v1/organisations/{org['id']}/contacts.csv",
                   ("\n".join(rows) + "\n").encode(), "text/csv")
        made += res["created"]
        org_no += 1
    print(made)


if __name__ == "__main__":
    main()
