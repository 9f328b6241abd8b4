"""Test helpers: start a real `jingban serve` on a temp database and talk HTTP to it."""
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("JINGBAN_BIN", os.path.join(ROOT, "build", "jingban"))
PASSWORD = "jingban-demo"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`extra`: further `serve` options. Rate limits are off unless a test asks for them (the
    suites sign in and submit far faster than a person would, all from 127.0.0.1)."""

    def __init__(self, db, fake_now, demo=True, extra=("--rate-limit", "off")):
        self.db, self.fake_now, self.demo = db, fake_now, demo
        self.extra = list(extra)
        self.port = free_port()
        self.proc = None
        self.tokens = {}

    def start(self):
        args = [BINARY, "serve", "--port", str(self.port), "--db", self.db, "--fake-now", self.fake_now,
                "--catalog", os.path.join(ROOT, "catalog"), "--calendar", os.path.join(ROOT, "calendar")]
        if self.demo:
            args.append("--demo")
        args += self.extra
        self.log = open(self.db + ".log", "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: see " + self.db + ".log")
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)
        self.log.close()

    def kill(self):
        """SIGKILL: no shutdown path runs; whatever was acknowledged must already be on disk."""
        self.proc.kill()
        self.proc.wait(timeout=30)
        self.log.close()

    def request(self, method, path, body=None, token=None, headers=None, raw=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path), data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                payload = r.read().decode()
                ctype = r.headers.get("Content-Type", "")
                return r.status, (json.loads(payload) if "json" in ctype else payload)
        except urllib.error.HTTPError as e:
            payload = e.read().decode()
            return e.code, (json.loads(payload) if payload.startswith("{") else payload)

    def token(self, username):
        if username not in self.tokens:
            st, body = self.request("POST", "/api/v1/session", {"username": username, "password": PASSWORD})
            assert st == 201, (username, st, body)
            self.tokens[username] = body["token"]
        return self.tokens[username]


def citizen_id(seq, birth="19900101", area="630102"):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    body = "%s%s%03d" % (area, birth, seq % 1000)
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]
    return body + check


def credit_code(seq):
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    body = "91630100MA%07d" % (seq % 10000000)
    total = sum(alphabet.index(c) * w for c, w in zip(body, weights))
    return body + alphabet[(31 - total % 31) % 31]


def minimal_form(item, seq=1):
    """The smallest form the item's form definition accepts: every required field, filled."""
    def value(f):
        t = f["type"]
        if t == "enum":
            return f["values"][0]
        if t in ("string", "text"):
            return "测试"
        if t == "phone":
            return "13800000000"
        if t == "date":
            return "2026-03-01"
        if t == "month":
            return "2026-03"
        if t in ("money_fen", "integer"):
            return max(f.get("min", 0), 1 if t == "money_fen" else f.get("min", 0))
        if t == "id_no":
            return citizen_id(seq)
        if t == "credit_code":
            return credit_code(seq)
        if t == "boolean":
            return False
        if t == "list":
            return [{sub["id"]: value(sub) for sub in f["fields"] if sub.get("required")}]
        raise AssertionError("unknown field type " + t)

    schema = item.get("form_schema") or {"fields": []}
    return {f["id"]: value(f) for f in schema["fields"] if f.get("required")}
