"""The month's fee lines are streamed (issue 8 §6: upload, validation and aggregation in bounded
memory): the server hands the settlement route the body piece by piece as it arrives. What a user
of the upload would check, through the real server on a real database file:

- a body sent chunked in uneven pieces (cut inside lines and inside UTF-8 characters) gives the
  same report as the same body sent whole;
- whatever the header decides (who asks, which institution, a body over 4 GB) is refused before
  one byte of the body is read, and the connection is then closed;
- an upload cut off in the middle settles nothing, and the month can then be uploaded whole;
- a body refused in the middle (no header line) is answered at once, and nothing is submitted;
- after a streamed upload the connection is reused for the next request (keep-alive).

The big figure (10,000,000 lines, about 826 MB, through the server in bounded memory) is a
benchmark, not a test: bench/settlement_upload.sh, recorded in docs/PERFORMANCE.md."""
import http.client
import json
import os
import socket
import tempfile
import time
import unittest

from jingban_client import Server, citizen_id

FAKE_NOW = "2026-03-03T10:00:00"
HEADER = "line_no,id_no,visit_date,code,name,class,quantity,unit_price_fen,amount_fen\n"
PERSON = citizen_id(7)


def catalogue_codes(region, cls):
    path = os.path.join(os.path.dirname(__file__), "..", "..", "catalog", "fee_catalogue", region + ".csv")
    with open(path, encoding="utf-8") as f:
        for row in f:
            if row.startswith("#") or row.startswith("code,"):
                continue
            code, _name, kind, c, cap = row.strip().split(",")
            if kind == "药品" and c == cls and int(cap) >= 500:
                return code
    raise AssertionError("no 药品 %s" % cls)


def month_body(region, month, lines):
    """`lines` lines of the month: every seventh wrong (amount ≠ quantity × price), Chinese names
    so that pieces cut inside multi-byte characters."""
    a = catalogue_codes(region, "甲")
    out = [HEADER]
    for n in range(1, lines + 1):
        amount = 300 if n % 7 else 301
        out.append("%d,%s,%s-%02d,%s,阿莫西林胶囊第%d盒,甲,2,150,%d\n" % (n, PERSON, month, 1 + n % 28, a, n, amount))
    return "".join(out).encode()


class SettlementStreamTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "jingban.db")
        cls.srv = Server(cls.db, FAKE_NOW).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def path(self, region, code, month):
        return "/api/v1/regions/%s/settlements/%s/%s/lines" % (region, code, month)

    def window(self, region):
        return self.srv.token(region + "_window")

    def credit_code(self, region, code):
        st, inst = self.srv.request("GET", "/api/v1/regions/%s/institutions/%s" % (region, code),
                                    token=self.srv.token(region + "_reviewer"))
        self.assertEqual(st, 200, inst)
        return inst["credit_code"]

    def raw(self, head, body=b"", wait=10):
        """Sends `head` (and `body`) on a new connection; returns (status, answer, closed): the
        answer's JSON and whether the server closed the connection after it."""
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=wait)
        try:
            s.sendall(head.encode() + body)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            head_part, _, rest = data.partition(b"\r\n\r\n")
            lines = head_part.decode().split("\r\n")
            status = int(lines[0].split()[1])
            length = 0
            for h in lines[1:]:
                k, _, v = h.partition(":")
                if k.strip().lower() == "content-length":
                    length = int(v)
            while len(rest) < length:
                chunk = s.recv(65536)
                if not chunk:
                    break
                rest += chunk
            # After the answer: the server closes (recv gives b"") rather than wait for the body.
            s.settimeout(wait)
            try:
                closed = s.recv(1) == b""
            except ConnectionResetError:
                closed = True
            except socket.timeout:
                closed = False
            return status, json.loads(rest[:length]), closed
        finally:
            s.close()

    def cases(self, region):
        """The region's case numbers."""
        st, out = self.srv.request("GET", "/api/v1/cases?region=" + region, token=self.window(region))
        self.assertEqual(st, 200, out)
        listed = out["cases"] if isinstance(out, dict) else out
        return sorted(c["case_no"] for c in listed)

    def settlement(self, region, code, month):
        return self.srv.request("GET", "/api/v1/regions/%s/settlements/%s/%s" % (region, code, month),
                                token=self.srv.token(region + "_reviewer"))

    def test_chunked_pieces_equal_the_whole(self):
        body = month_body("qinghai", "2026-01", 5000)
        whole = self.srv.request("POST", self.path("xining", "H63010000001", "2026-01"), raw=body,
                                 token=self.window("xining"), headers={"Content-Type": "text/csv"})
        self.assertEqual(whole[0], 201, whole[1])

        def pieces():
            # Uneven pieces: 1, 2, 3 … bytes at first (inside the header and the first Chinese
            # characters), then larger ones, with pauses so the server reads several times.
            i, size = 0, 1
            while i < len(body):
                yield body[i:i + size]
                i += size
                size = size + 1 if size < 64 else size * 3 + 7
                if size % 5 == 0:
                    time.sleep(0.01)

        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=30)
        conn.request("POST", self.path("qinghai", "H63000000001", "2026-01"), body=pieces(),
                     headers={"Authorization": "Bearer " + self.window("qinghai"),
                              "Content-Type": "text/csv"}, encode_chunked=True)
        r = conn.getresponse()
        chunked = json.loads(r.read())
        self.assertEqual(r.status, 201, chunked)
        self.assertEqual((chunked["accepted"], chunked["rejected"]), (5000 - 5000 // 7, 5000 // 7))
        self.assertEqual((chunked["accepted"], chunked["rejected"], chunked["totals"]),
                         (whole[1]["accepted"], whole[1]["rejected"], whole[1]["totals"]))
        # Keep-alive: the same connection takes the next request.
        conn.request("GET", "/healthz")
        r = conn.getresponse()
        r.read()
        self.assertEqual(r.status, 200)
        conn.close()
        self.assertTrue(chunked["case"]["case_no"], chunked)

    def test_refused_before_the_body(self):
        code = "P63000000001"
        # A body announced as 50 MB that never comes: the refusal does not wait for it.
        head = ("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nX-Id-No: %s\r\n"
                "Content-Length: 50000000\r\n\r\n")
        t0 = time.time()
        st, out, closed = self.raw(head % (self.path("qinghai", code, "2026-01"), "91630000MA0000000X"))
        self.assertEqual((st, out["error"]["code"]), (403, "not_the_institution"), out)
        self.assertTrue(closed, "the connection is closed, the unread body is not taken as a request")
        self.assertLess(time.time() - t0, 5)
        st, out, closed = self.raw(head % (self.path("qinghai", "H63009999999", "2026-01"),
                                           self.credit_code("qinghai", code)))
        self.assertEqual((st, out["error"]["code"]), (404, "institution_not_found"), out)
        self.assertTrue(closed)
        st, out, _ = self.raw(head % (self.path("qinghai", code, "2026-03"), self.credit_code("qinghai", code)))
        self.assertEqual((st, out["error"]["code"]), (422, "month_not_ended"), out)
        # Over 4 GB by its Content-Length: 413 from the header alone.
        st, out, closed = self.raw(("POST %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n")
                                   % (self.path("qinghai", code, "2026-01"), 5 << 30))
        self.assertEqual(st, 413, out)
        self.assertTrue(closed)
        # Nothing was submitted: the month is still open to its institution.
        self.assertEqual(self.settlement("qinghai", code, "2026-01")[0], 404)

    def test_cut_off_settles_nothing(self):
        code, month = "H53000000001", "2026-01"
        body = month_body("yunnan", month, 2000)
        before = self.cases("yunnan")
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=10)
        s.sendall(("POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: text/csv\r\n"
                   "Content-Length: %d\r\n\r\n" % (self.path("yunnan", code, month), self.window("yunnan"),
                                                  len(body))).encode() + body[:len(body) // 2])
        time.sleep(0.3)
        s.close()  # the client goes away in the middle of the month
        time.sleep(0.5)
        self.assertEqual(self.srv.request("GET", "/healthz")[0], 200)
        self.assertEqual(self.settlement("yunnan", code, month)[0], 404)
        self.assertEqual(self.cases("yunnan"), before, "no case was opened by the cut-off upload")
        # The whole month afterwards: accepted as if the cut-off upload never happened.
        st, out = self.srv.request("POST", self.path("yunnan", code, month), raw=body,
                                   token=self.window("yunnan"), headers={"Content-Type": "text/csv"})
        self.assertEqual(st, 201, out)
        self.assertEqual(out["accepted"] + out["rejected"], 2000)

    def test_refused_in_the_middle(self):
        # No header line: the upload is unusable from its first line; the answer comes before the
        # rest of the (announced) body, and nothing is submitted.
        code = "P53000000001"
        before = self.cases("yunnan")
        rows = month_body("yunnan", "2026-01", 50)[len(HEADER):]
        head = ("POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: text/csv\r\n"
                "Content-Length: 40000000\r\n\r\n" % (self.path("yunnan", code, "2026-01"), self.window("yunnan")))
        st, out, closed = self.raw(head, rows)
        self.assertEqual((st, out["error"]["code"]), (422, "bad_header"), out)
        self.assertTrue(closed)
        self.assertEqual(self.settlement("yunnan", code, "2026-01")[0], 404)
        self.assertEqual(self.cases("yunnan"), before)


if __name__ == "__main__":
    unittest.main()
