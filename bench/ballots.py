#!/usr/bin/env python3
"""Bulk preparation for bench/ballots.sh, through the API (the real use cases, nothing written
behind its back):

  accounts  inhabitants of a town created by its admin (POST …/accounts), each signed in
            (POST /v1/auth/token, password grant): writes "n account-id access-token" lines.
            The token endpoint takes 60 calls a minute per address: sign-ins are spread over
            source addresses of the loopback range (127.1.x.y, 50 sign-ins each, as many
            inhabitants signing in from their own homes would be).
  codes     ballot codes of a survey, in batches of 5,000 (POST …/codes): writes "n CODE" lines.
  respondents  interleaves accounts and codes (account, code, account, …) into the file the
            load script reads: "a n token" and "c n CODE" lines.

Standard library only (python3 is already what run.sh reads JSON with).
"""

import argparse
import concurrent.futures
import http.client
import json
import sys
import threading
import time
import urllib.parse

PASSWORD = "bench-password-not-secret"


def connect(base, source=None):
    url = urllib.parse.urlsplit(base)
    return http.client.HTTPConnection(
        url.hostname, url.port or 80, timeout=60, source_address=(source, 0) if source else None
    )


def call(conn, method, path, body=None, headers=None, form=False):
    headers = dict(headers or {})
    if body is not None:
        if form:
            body = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            body = json.dumps(body)
            headers["Content-Type"] = "application/json"
    conn.request(method, path, body=body, headers=headers)
    answer = conn.getresponse()
    data = answer.read()
    return answer.status, data


def source_of(n):
    """The loopback address the n-th sign-in comes from: 50 sign-ins per address."""
    k = n // 50
    return f"127.1.{k // 250}.{k % 250 + 1}"


def accounts(args):
    local = threading.local()
    town = args.town
    auth = {"Authorization": f"Bearer {args.token}"}

    def one(n):
        if not hasattr(local, "conn"):
            local.conn = connect(args.base)
        email = f"inhabitant-{n}@{args.domain}"
        for attempt in range(5):
            try:
                status, data = call(
                    local.conn,
                    "POST",
                    f"/v1/municipalities/{town}/accounts",
                    {"email": email, "role": "inhabitant", "password": PASSWORD},
                    auth,
                )
                break
            except (http.client.HTTPException, OSError):
                local.conn = connect(args.base)
                if attempt == 4:
                    raise
        if status != 201:
            raise SystemExit(f"creating {email}: {status} {data[:300]!r}")
        account = json.loads(data)["id"]
        login = connect(args.base, source_of(n))
        try:
            status, data = call(
                login,
                "POST",
                "/v1/auth/token",
                {"grant_type": "password", "username": email, "password": PASSWORD},
                form=True,
            )
        finally:
            login.close()
        if status != 200:
            raise SystemExit(f"signing {email} in: {status} {data[:300]!r}")
        return n, account, json.loads(data)["access_token"]

    started = time.monotonic()
    rows = []
    with concurrent.futures.ThreadPoolExecutor(args.parallel) as pool:
        for i, row in enumerate(pool.map(one, range(args.first, args.first + args.count)), 1):
            rows.append(row)
            if i % 2000 == 0:
                print(f"  {i} accounts ({i / (time.monotonic() - started):.0f}/s)", file=sys.stderr)
    with open(args.out, "w") as out:
        for n, account, token in rows:
            out.write(f"{n} {account} {token}\n")
    elapsed = time.monotonic() - started
    print(f"  {len(rows)} accounts created and signed in in {elapsed:.0f} s ({len(rows) / elapsed:.0f}/s)", file=sys.stderr)


def codes(args):
    conn = connect(args.base)
    auth = {"Authorization": f"Bearer {args.token}"}
    made = []
    started = time.monotonic()
    while len(made) < args.count:
        batch = min(5000, args.count - len(made))
        status, data = call(
            conn, "POST", f"/v1/municipalities/{args.town}/surveys/{args.survey}/codes", {"count": batch}, auth
        )
        if status != 201:
            raise SystemExit(f"issuing codes: {status} {data[:300]!r}")
        made.extend(json.loads(data)["codes"])
    with open(args.out, "w") as out:
        for n, code in enumerate(made):
            out.write(f"{n} {code}\n")
    print(f"  {len(made)} codes issued in {time.monotonic() - started:.1f} s", file=sys.stderr)


def respondents(args):
    """Accounts and codes alternately (half each), the first `skip` of each left out."""
    with open(args.accounts) as f:
        people = [line.split() for line in f][args.skip :]
    with open(args.codes) as f:
        papers = [line.split() for line in f][args.skip :]
    with open(args.out, "w") as out:
        written = 0
        for (n, _account, token), (m, code) in zip(people, papers):
            if written >= args.count:
                break
            out.write(f"a {n} {token}\nc {m} {code}\n")
            written += 2
        for m, code in papers[len(people) :]:
            if written >= args.count:
                break
            out.write(f"c {m} {code}\n")
            written += 1
    if written < args.count:
        raise SystemExit(f"only {written} respondents for {args.count}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    a = commands.add_parser("accounts")
    a.add_argument("--base", required=True)
    a.add_argument("--town", required=True)
    a.add_argument("--token", required=True, help="a token of the town's admin (or a platform admin)")
    a.add_argument("--count", type=int, required=True)
    a.add_argument("--first", type=int, default=0)
    a.add_argument("--domain", default="ballots.bench.test")
    a.add_argument("--parallel", type=int, default=4)
    a.add_argument("--out", required=True)
    c = commands.add_parser("codes")
    c.add_argument("--base", required=True)
    c.add_argument("--town", required=True)
    c.add_argument("--token", required=True)
    c.add_argument("--survey", required=True)
    c.add_argument("--count", type=int, required=True)
    c.add_argument("--out", required=True)
    r = commands.add_parser("respondents")
    r.add_argument("--accounts", required=True)
    r.add_argument("--codes", required=True)
    r.add_argument("--skip", type=int, default=0)
    r.add_argument("--count", type=int, required=True)
    r.add_argument("--out", required=True)
    args = parser.parse_args()
    {"accounts": accounts, "codes": codes, "respondents": respondents}[args.command](args)


if __name__ == "__main__":
    main()
