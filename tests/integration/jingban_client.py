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
    def __init__(self, db, fake_now, demo=True):
        self.db, self.fake_now, self.demo = db, fake_now, demo
        self.port = free_port()
        self.proc = None
        self.tokens = {}

    def start(self):
        args = [BINARY, "serve", "--port", str(self.port), "--db", self.db, "--fake-now", self.fake_now,
                "--catalog", os.path.join(ROOT, "catalog"), "--calendar", os.path.join(ROOT, "calendar")]
        if self.demo:
            args.append("--demo")
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
