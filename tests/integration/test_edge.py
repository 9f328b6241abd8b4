"""The HTTP edge and the command line, through the real binary: invalid encodings, malformed
requests and deep JSON are refused without stopping the server; every answer carries a request id;
/metrics counts requests; strict integers; usage errors exit 2; SIGTERM exits 0."""
import json
import os
import random
import re
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from jingban_client import BINARY, ROOT, Server, citizen_id

FAKE_NOW = "2026-03-10T10:00:00"


def raw_request(port, data, timeout=10.0):
    """Sends `data` as is, half-closes, reads until the server closes. Returns (status, headers,
    body bytes); status is None when the server answered nothing."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        chunks = []
        try:
            while True:
                c = s.recv(65536)
                if not c:
                    break
                chunks.append(c)
        except (socket.timeout, ConnectionResetError):
            pass
    raw = b"".join(chunks)
    m = re.match(rb"HTTP/1\.[01] (\d{3})", raw)
    if not m:
        return None, {}, raw
    head, _, body = raw.partition(b"\r\n\r\n")
    headers = {}
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        headers[k.strip().lower().decode("latin-1")] = v.strip().decode("latin-1")
    return int(m.group(1)), headers, body


def http(method, target, body=b"", headers=()):
    lines = ["%s %s HTTP/1.1" % (method, target), "Host: 127.0.0.1", "Connection: close"]
    lines += list(headers)
    if body or method == "POST":
        lines += ["Content-Type: application/json", "Content-Length: %d" % len(body)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class EdgeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.srv = Server(os.path.join(cls.tmp.name, "edge.db"), FAKE_NOW).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def send(self, data, timeout=10.0):
        return raw_request(self.srv.port, data, timeout)

    def assertAlive(self):
        self.assertIsNone(self.srv.proc.poll(), "the server died")
        st, body = self.srv.request("GET", "/healthz")
        self.assertEqual((st, body), (200, {"status": "ok"}))

    # -- §1: encodings -----------------------------------------------------------------------
    def test_invalid_utf8_anywhere_in_the_target_is_400(self):
        targets = [
            ("GET", "/%FF"),
            ("GET", "/api/v1/regions/%FF/items"),
            ("GET", "/api/v1/regions/qinghai/items/%C0%AF"),  # overlong '/'
            ("GET", "/api/v1/progress?case_no=%FF&id_no=1"),
            ("GET", "/api/v1/progress?case_no=1&id_no=%ED%A0%80"),  # a surrogate
            ("GET", "/api/v1/progress?%FF=1"),
            ("POST", "/api/v1/cases/x/%FF"),
            ("POST", "/api/v1/cases/%FF/withdraw"),
            ("GET", "/api/v1/calendar/deadline?from=%G1"),  # malformed escapes
            ("GET", "/api/v1/regions/qinghai%"),
            ("GET", "/api/v1/progress?case_no=%4"),
        ]
        for method, target in targets:
            with self.subTest(target=target):
                st, headers, body = self.send(http(method, target, b"{}" if method == "POST" else b""))
                self.assertEqual(st, 400, body)
                err = json.loads(body)["error"]
                self.assertEqual(err["code"], "invalid_encoding")
                self.assertEqual(err["message"], "请求地址或参数不是有效的 UTF-8 编码")
                self.assertTrue(headers.get("x-request-id"))
                self.assertAlive()

    def test_invalid_utf8_in_headers_the_api_reads_is_400(self):
        for header in (b"Authorization: Bearer \xff\xfe", b"Idempotency-Key: k\xc3",
                       b"Content-Type: application/json\xff"):
            with self.subTest(header=header):
                req = (b"POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + header +
                       b"\r\nContent-Length: 2\r\n\r\n{}")
                st, _, body = self.send(req)
                self.assertEqual(st, 400, body)
                self.assertEqual(json.loads(body)["error"]["code"], "invalid_encoding")
        self.assertAlive()

    def test_errors_do_not_echo_the_request(self):
        # Outside /api a GET path is the browser UI's (its index, or 404 for a missing file, when
        # web/dist is built: routes_static.cpp); neither answer echoes the path.
        for path in ("/api/no-such-endpoint-zzq", "/no-such-file-zzq.js"):
            st, _, body = self.send(http("GET", path))
            self.assertEqual(st, 404, path)
            self.assertNotIn(b"zzq", body)
        st, _, body = self.send(http("GET", "/api/v1/regions/atlantis-zzq/items"))
        self.assertEqual(st, 404)
        self.assertNotIn(b"zzq", body)
        st, _, body = self.send(http("GET", "/api/v1/regions/qinghai/items/99999zzq"))
        self.assertEqual(st, 404)
        self.assertNotIn(b"zzq", body)

    # -- §1: JSON depth ------------------------------------------------------------------------
    def test_deep_json_is_refused_before_parsing(self):
        applicant = {"kind": "person", "id_no": citizen_id(7), "name": "测试", "phone": "13800000000"}
        head = json.dumps({"region": "qinghai", "item_code": "002036001001", "channel": "网上",
                           "applicant": applicant})[:-1]
        for opener, closer in ((b"[", b"]"), (b'{"a":', b"}")):
            deep = head.encode() + b',"form":' + opener * 100000 + b"1" + closer * 100000 + b"}"
            with self.subTest(opener=opener):
                st, _, body = self.send(http("POST", "/api/v1/cases", deep), timeout=30)
                self.assertEqual(st, 400, body[:200])
                self.assertEqual(json.loads(body)["error"]["code"], "too_deep")
        # An action body too, and an unterminated one.
        st, _, body = self.send(http("POST", "/api/v1/cases/x/withdraw", b"[" * 100000))
        self.assertEqual(st, 400)
        self.assertEqual(json.loads(body)["error"]["code"], "too_deep")
        # 32 levels are fine as far as the depth goes (the form itself is then judged on its own).
        ok = b'{"id_no":"1","comment":' + b"[" * 31 + b"]" * 31 + b"}"
        st, _, body = self.send(http("POST", "/api/v1/cases/x/withdraw", ok))
        self.assertNotEqual(json.loads(body)["error"]["code"], "too_deep")
        self.assertAlive()

    # -- §1: random mutations of ordinary requests --------------------------------------------
    def test_mutated_requests_never_stop_the_server(self):
        seeds = [
            http("GET", "/healthz"),
            http("GET", "/api/v1/regions"),
            http("GET", "/api/v1/regions/qinghai/items/002036001001"),
            http("GET", "/api/v1/progress?case_no=QH20260310000001&id_no=630102199001010011"),
            http("GET", "/api/v1/calendar/deadline?from=2026-02-13&working_days=5"),
            http("GET", "/api/v1/cases?region=qinghai&limit=10&offset=0", headers=["Authorization: Bearer abc"]),
            http("POST", "/api/v1/cases", json.dumps(
                {"region": "qinghai", "item_code": "002036001001", "channel": "网上",
                 "applicant": {"kind": "unit", "id_no": "91630100MA0000001X", "name": "单位"},
                 "form": {"a": [1, {"b": "青海"}]}}, ensure_ascii=False).encode()),
            http("POST", "/api/v1/cases/QH20260310000001/withdraw", b'{"id_no":"630102199001010011"}',
                 headers=["Idempotency-Key: k-1"]),
            http("POST", "/api/v1/session", b'{"username":"qinghai_window","password":"wrong"}'),
        ]
        tokens = [b"%FF", b"%", b"%C0%AF", b"%ED%A0%80", b"\xff", b"\x00", b"\r\n", b"{", b"[" * 40,
                  b"%2F..%2F", b"?", b"&", b"=", b"+", b"\"", b"\\", "青".encode()]
        rng = random.Random(20260310)
        answered = 0
        for n in range(3000):
            data = bytearray(rng.choice(seeds))
            for _ in range(rng.randint(1, 4)):
                op = rng.randrange(5)
                pos = rng.randrange(len(data) + 1)
                if op == 0 and data:
                    data[rng.randrange(len(data))] = rng.randrange(256)
                elif op == 1:
                    data[pos:pos] = rng.choice(tokens)
                elif op == 2 and data:
                    del data[pos:pos + rng.randint(1, 8)]
                elif op == 3:
                    data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 6)))
                else:
                    data[pos:pos] = data[rng.randrange(len(data) + 1):][:rng.randint(1, 30)]
            st, headers, _ = self.send(bytes(data), timeout=10)
            if st is not None:
                answered += 1
                self.assertNotEqual(st, 500, bytes(data)[:300])
                self.assertTrue(headers.get("x-request-id"), bytes(data)[:300])
            if n % 250 == 0:
                self.assertIsNone(self.srv.proc.poll(), "the server died on %r" % bytes(data)[:300])
        self.assertGreater(answered, 1500)
        self.assertAlive()

    # -- §2: strict integers ------------------------------------------------------------------
    def test_query_integers_are_strict(self):
        for value in ("%2B5", "5abc", "1e3", "%205", "5%20", "-1", "3651", "", "0x5"):
            with self.subTest(value=value):
                st, out = self.srv.request(
                    "GET", "/api/v1/calendar/deadline?from=2026-02-13&working_days=" + value)
                self.assertEqual(st, 400, out)
                self.assertEqual(out["error"]["code"], "bad_number")
                self.assertIn("working_days", out["error"]["message"])
        st, out = self.srv.request("GET", "/api/v1/calendar/deadline?from=2026-02-13&working_days=5")
        self.assertEqual((st, out["due"]), (200, "2026-02-27"))

    # -- §1/§6: request ids and metrics --------------------------------------------------------
    def test_every_answer_carries_a_request_id(self):
        ids = set()
        for data in (http("GET", "/healthz"), http("GET", "/nothing"), http("GET", "/%FF"),
                     http("DELETE", "/healthz"), b"BREW / HTTP/1.1\r\nHost: x\r\n\r\n",
                     b"GET / HTTP/1.1\r\nContent-Length: zz\r\n\r\n"):
            st, headers, _ = self.send(data)
            self.assertIsNotNone(st, data)
            rid = headers.get("x-request-id")
            self.assertRegex(rid or "", r"^[0-9a-f]{15}$", data)
            ids.add(rid)
        self.assertEqual(len(ids), 6)

    def test_metrics_count_requests_by_route_pattern(self):
        self.srv.request("GET", "/healthz")
        self.srv.request("GET", "/api/v1/regions/qinghai/items/002036001001")
        self.send(http("GET", "/%FF"))
        st, headers, body = self.send(http("GET", "/metrics"))
        self.assertEqual(st, 200)
        self.assertEqual(headers["content-type"], "text/plain; version=0.0.4; charset=utf-8")
        text = body.decode()
        m = re.search(r'^jingban_http_requests_total\{route="/healthz",method="GET",status="200"\} (\d+)$',
                      text, re.M)
        self.assertTrue(m, text[:2000])
        self.assertGreaterEqual(int(m.group(1)), 1)
        # The pattern, never the raw path.
        self.assertIn('route="/api/v1/regions/{region}/items/{code}"', text)
        self.assertNotIn("002036001001", text)
        self.assertRegex(text, r'jingban_http_requests_total\{route="unmatched",method="GET",status="400"\} \d+')
        self.assertIn('jingban_http_request_duration_seconds_bucket{route="/healthz",le="+Inf"}', text)
        self.assertRegex(text, r"(?m)^jingban_http_connections \d+$")
        self.assertIn("# TYPE jingban_http_request_duration_seconds histogram", text)

    def test_request_log_names_the_pattern_not_the_query(self):
        id_no = citizen_id(4242)
        self.srv.request("GET", "/api/v1/progress?case_no=QH20260310999999&id_no=" + id_no)
        deadline = time.time() + 5
        line = None
        while time.time() < deadline and line is None:
            with open(self.srv.db + ".log", "rb") as f:
                for raw in f:
                    if b'"event":"request"' in raw and b'"/api/v1/progress"' in raw:
                        line = json.loads(raw)
            time.sleep(0.1)
        self.assertIsNotNone(line)
        for key in ("method", "route", "status", "duration_ms", "request_id", "staff", "remote"):
            self.assertIn(key, line)
        self.assertEqual(line["route"], "/api/v1/progress")
        with open(self.srv.db + ".log", "rb") as f:
            self.assertNotIn(id_no.encode(), f.read())


class CommandLineTest(unittest.TestCase):
    def run_cli(self, *args):
        return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=60, cwd=ROOT)

    def test_usage_errors_exit_2_and_name_the_problem(self):
        cases = [
            (["serve", "--port", "abc", "--db", "/tmp/x.db"], "--port"),
            (["serve", "--port", "70000", "--db", "/tmp/x.db"], "--port"),
            (["serve", "--db", "/tmp/x.db", "--bogus"], "未知选项 --bogus"),
            (["serve", "--db"], "--db"),
            (["serve", "--db", "/tmp/x.db", "--log-level", "loud"], "--log-level"),
            (["deadline", "2026-02-13", "5abc"], "N"),
            (["deadline", "2026-02-13"], "缺少参数"),
            (["check-catalog", "--natural"], "未知选项 --natural"),
            (["guide", "qinghai"], "缺少参数"),
            (["no-such-command"], "未知命令"),
        ]
        for args, needle in cases:
            with self.subTest(args=args):
                r = self.run_cli(*args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(needle, r.stderr)
                self.assertIn("用法", r.stderr)

    def test_valid_commands_still_work(self):
        r = self.run_cli("deadline", "2026-02-13", "5")
        self.assertEqual((r.returncode, r.stdout), (0, "2026-02-27\n"), r.stderr)
        r = self.run_cli("deadline", "2026-02-13", "--natural", "5")
        self.assertEqual(r.returncode, 0, r.stderr)


class ShutdownTest(unittest.TestCase):
    def test_sigterm_drains_and_exits_0(self):
        with tempfile.TemporaryDirectory() as tmp:
            srv = Server(os.path.join(tmp, "stop.db"), FAKE_NOW, demo=False).start()
            # An idle keep-alive connection must not hold the shutdown up.
            idle = socket.create_connection(("127.0.0.1", srv.port))
            idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            idle.settimeout(5)
            self.assertTrue(idle.recv(4096).startswith(b"HTTP/1.1 200"))
            began = time.time()
            srv.proc.send_signal(signal.SIGTERM)
            code = srv.proc.wait(timeout=30)
            elapsed = time.time() - began
            srv.log.close()
            idle.close()
            self.assertEqual(code, 0)
            self.assertLess(elapsed, 8)
            with open(srv.db + ".log", encoding="utf-8") as f:
                log = f.read()
            self.assertIn("jingban stopped", log)
            self.assertIn('"event":"drained"', log)
            self.assertIn('"event":"listening"', log)
            self.assertRegex(log, r"jingban listening on http://127\.0\.0\.1:%d \(db " % srv.port)


if __name__ == "__main__":
    unittest.main()
