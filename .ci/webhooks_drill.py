"""Webhooks, end to end, with processes and a verifier nobody here wrote.

Two `implication serve` processes on one PostgreSQL database deliver a town's events to a receiver
that verifies every signature with the `standardwebhooks` package from PyPI:

1. each event is delivered exactly once, though both instances run the worker;
2. both instances are killed with SIGKILL while deliveries are in flight (the receiver holds
   them); after a restart every event is delivered — some twice, with the same `webhook-id`.

Usage: python webhooks_drill.py BINARY DATABASE_URL
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

BINARY, DATABASE_URL = sys.argv[1], sys.argv[2]
TOWN = "/v1/municipalities/loos-en-gohelle"


class Receiver:
    """Keeps each verified delivery's id; holds each answer `delay` seconds."""

    def __init__(self):
        self.secret = None
        self.delay = 0.0
        self.ids = []
        self.bad = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    payload = Webhook(receiver.secret).verify(body, headers)
                except WebhookVerificationError as e:
                    with receiver.lock:
                        receiver.bad.append(f"{headers.get('webhook-id')}: {e}")
                    self.send_response(400)
                    self.end_headers()
                    return
                time.sleep(receiver.delay)
                with receiver.lock:
                    receiver.ids.append((headers["webhook-id"], payload["type"]))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(port, log, demo):
    env = dict(os.environ, DATABASE_URL=DATABASE_URL, BIND_ADDR=f"127.0.0.1:{port}", WORKERS="2",
               RUST_LOG="warn", WEBHOOKS_ALLOW_LOOPBACK="true", WEBHOOKS_POLL_MILLIS="200",
               WEBHOOKS_TIMEOUT_SECS="2", ANONYMOUS_INTAKE_PER_HOUR="1000")
    args = [BINARY, "serve"] + (["--demo"] if demo else [])
    process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}/health/ready", timeout=2)
            return process, base
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server on {port} did not get ready")


def call(method, url, body=None, token=None, form=None):
    data, headers = None, {}
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    if form is not None:
        data = "&".join(f"{k}={v}" for k, v in form.items()).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read() or b"null")


def submit(base, n):
    for i in range(n):
        call("POST", f"{base}{TOWN}/requests", {"kind": "idea", "title": f"Idée {i}", "description": "Un banc."})


def wait_for(what, predicate, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise SystemExit(f"timed out waiting for {what}")


def main():
    receiver = Receiver()
    log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)
    first, base1 = start(free_port(), log, demo=True)
    second, base2 = start(free_port(), log, demo=False)
    token = call("POST", f"{base1}/v1/auth/token", form={
        "grant_type": "password", "username": "admin@loos-en-gohelle.demo", "password": "implication-demo"})["access_token"]
    created = call("POST", f"{base1}{TOWN}/webhooks", {"url": receiver.url, "event_types": ["request.created"]}, token)
    receiver.secret = created["secret"]

    # 1. Two instances deliver each event once.
    submit(base1, 10)
    submit(base2, 10)
    wait_for("20 deliveries", lambda: len(receiver.ids) >= 20, 60)
    time.sleep(2)  # long enough for a duplicate to show
    ids = [i for i, _ in receiver.ids]
    assert not receiver.bad, receiver.bad
    assert len(ids) == 20 and len(set(ids)) == 20, f"each once: {len(ids)} deliveries of {len(set(ids))} events"
    print(f"two instances: 20 events, 20 deliveries, every signature verified by standardwebhooks")

    # 2. Killed mid-delivery, then restarted: nothing lost, duplicates keep their id.
    receiver.delay = 3.0
    before = len(receiver.ids)
    submit(base1, 5)
    time.sleep(1.5)  # the workers have claimed and are sending (the receiver holds them)
    first.send_signal(signal.SIGKILL)
    second.send_signal(signal.SIGKILL)
    first.wait()
    second.wait()
    receiver.delay = 0.0
    restarted, base3 = start(free_port(), log, demo=False)
    log_url = f"{base3}{TOWN}/webhooks/{created['id']}/deliveries?limit=200"

    def all_delivered():
        items = call("GET", log_url, token=token)["items"]
        return len(items) == 25 and all(d["status"] == "delivered" for d in items)

    try:
        # The deliveries the killed workers held are taken again once their leases end (2 × the
        # timeout + 5 s): the log says each was delivered, the receiver got each at least once.
        wait_for("every delivery recorded as delivered after the restart", all_delivered, 60)
        later = [i for i, _ in receiver.ids[before:]]
        assert not receiver.bad, receiver.bad
        assert len(set(later)) == 5, f"5 events received: {len(set(later))}"
        print(f"killed mid-delivery: 5 events, {len(later)} deliveries received "
              f"({len(later) - len(set(later))} sent again after the restart, with their event's id), none lost")
    finally:
        restarted.terminate()
        restarted.wait()
    log.seek(0)
    text = log.read()
    if "panicked" in text:
        raise SystemExit("a server panicked:\n" + text)


if __name__ == "__main__":
    main()
