"""Material uploads (issue 7): POST …/materials/{id}/files, GET …/files and …/files/{id}, every
refusal, the limits, and `jingban verify` over a database holding files."""
import hashlib
import itertools
import os
import socket
import sqlite3
import subprocess
import tempfile
import unittest
import urllib.parse

from jingban_client import BINARY, ROOT, Registers, Server, minimal_form

FAKE_NOW = "2026-03-10T10:00:00"  # a Tuesday, a working day
_seq = itertools.count(7001)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


class FilesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "jingban.db")
        cls.srv = Server(cls.db, FAKE_NOW).start()
        st, items = cls.srv.request("GET", "/api/v1/regions/qinghai/items")
        assert st == 200
        cls.items = {"qinghai": items}
        cls.regs = Registers(cls.srv, cls.items, _seq)
        # An item taken at any time of day at the window, with at least three materials (one whose
        # register effect needs no prepared register first, where there is one).
        fit = [i for i in items if not i["acceptance_windows"] and not i.get("internal")
               and len(i["materials"]) >= 3 and "窗口" in i["channels"]]
        fit.sort(key=lambda i: i["effect"] != "resident_enrolment")
        cls.item = fit[0]

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    # -- helpers -------------------------------------------------------------------------------
    def window(self):
        return self.srv.token("qinghai_" + self.item["flow"][0]["role"])

    def apply(self):
        """A case at 申请 with none of its materials: (case number, the applicant's headers)."""
        applicant, form, conds = self.regs.ready("qinghai", self.item, minimal_form(self.item))
        body = {"region": "qinghai", "item_code": self.item["code"], "channel": "窗口",
                "applicant": applicant, "materials": {}, "conditions": conds, "form": form}
        st, case = self.srv.request("POST", "/api/v1/cases", body, token=self.window())
        self.assertEqual(st, 201, case)
        return case["case_no"], {"X-Id-No": applicant["id_no"], "X-Query-Code": case["query_code"]}

    def upload(self, case_no, data, ctype, name="材料.pdf", material=None, headers=None,
               token=None, expect=201):
        h = dict(headers or {})
        h["Content-Type"] = ctype
        if name is not None:
            h["X-File-Name"] = urllib.parse.quote(name)
        material = material or self.item["materials"][0]["id"]
        st, out = self.srv.request("POST", "/api/v1/cases/%s/materials/%s/files" % (case_no, material),
                                   raw=data, headers=h, token=token)
        self.assertEqual(st, expect, out)
        return out

    def raw_get(self, path, headers):
        """GET returning (status, headers, bytes): the file route answers bytes, not JSON."""
        import urllib.request
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.srv.port, path), headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    # -- what works ----------------------------------------------------------------------------
    def test_applicant_uploads_lists_and_reads_back(self):
        no, who = self.apply()
        m1, m2 = self.item["materials"][0]["id"], self.item["materials"][1]["id"]
        pdf = self.upload(no, PDF, "application/pdf", "身份证 正反面.pdf", m1, who)
        self.assertEqual((pdf["name"], pdf["content_type"], pdf["size"], pdf["material_id"]),
                         ("身份证 正反面.pdf", "application/pdf", len(PDF), m1))
        self.assertEqual(pdf["sha256"], hashlib.sha256(PDF).hexdigest())
        png = self.upload(no, PNG, "image/png", "照片.png", m2, who)
        jpg = self.upload(no, JPEG, "image/jpeg; charset=binary", "户口本.jpg", m2, who)
        self.assertEqual(jpg["content_type"], "image/jpeg")
        # Staff of the region upload too, while the case is open.
        staff = self.upload(no, PDF, "application/pdf", "窗口扫描.pdf", m1, token=self.window())
        self.assertEqual(staff["uploaded_by"], "qinghai_" + self.item["flow"][0]["role"])

        st, listed = self.srv.request("GET", "/api/v1/cases/%s/files" % no, headers=who)
        self.assertEqual(st, 200, listed)
        self.assertEqual([f["id"] for f in listed["files"]], [pdf["id"], png["id"], jpg["id"], staff["id"]])
        # The applicant learns that a clerk added a file, not which clerk.
        self.assertEqual([f["uploaded_by"] for f in listed["files"]], ["applicant"] * 3 + ["staff"])
        self.assertTrue(listed["files"][0]["uploaded_at"].startswith("2026-03-10T"))
        st, by_staff = self.srv.request("GET", "/api/v1/cases/%s/files" % no, token=self.window())
        self.assertEqual(by_staff["files"][3]["uploaded_by"], staff["uploaded_by"])

        st, h, data = self.raw_get("/api/v1/cases/%s/files/%d" % (no, png["id"]), who)
        self.assertEqual((st, data), (200, PNG))
        self.assertEqual(h["Content-Type"], "image/png")
        self.assertEqual(h["X-Content-Type-Options"], "nosniff")
        self.assertEqual(h["Content-Disposition"], "inline; filename*=UTF-8''" + urllib.parse.quote("照片.png"))
        self.assertEqual(h["Cache-Control"], "no-store")
        st, h, data = self.raw_get("/api/v1/cases/%s/files/%d" % (no, pdf["id"]),
                                   {"Authorization": "Bearer " + self.window()})
        self.assertEqual((st, data, h["Content-Type"]), (200, PDF, "application/pdf"))

    def test_file_over_the_general_body_limit_up_to_5_mib(self):
        no, who = self.apply()
        big = b"%PDF-1.7\n" + b"0" * ((5 << 20) - 9)  # exactly 5 MiB
        out = self.upload(no, big, "application/pdf", "扫描件.pdf", headers=who)
        self.assertEqual(out["size"], 5 << 20)
        st, _, data = self.raw_get("/api/v1/cases/%s/files/%d" % (no, out["id"]), who)
        self.assertEqual((st, hashlib.sha256(data).hexdigest()), (200, out["sha256"]))
        # Other paths keep the 1 MiB limit.
        with socket.create_connection(("127.0.0.1", self.srv.port), timeout=10) as s:
            s.sendall(b"POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: %d\r\n\r\n" % ((1 << 20) + 1))
            self.assertIn(b" 413 ", s.recv(4096).split(b"\r\n")[0] + b" ")

    # -- every refusal -------------------------------------------------------------------------
    def test_too_big_is_413_with_a_chinese_message(self):
        no, who = self.apply()
        with socket.create_connection(("127.0.0.1", self.srv.port), timeout=10) as s:
            head = ("POST /api/v1/cases/%s/materials/%s/files HTTP/1.1\r\nHost: x\r\n"
                    "Content-Type: application/pdf\r\nX-Id-No: %s\r\nX-Query-Code: %s\r\n"
                    "X-File-Name: a.pdf\r\nContent-Length: %d\r\n\r\n"
                    % (no, self.item["materials"][0]["id"], who["X-Id-No"], who["X-Query-Code"],
                       (5 << 20) + 1))
            s.sendall(head.encode())
            reply = b""
            while b"}" not in reply:
                chunk = s.recv(4096)
                if not chunk:
                    break
                reply += chunk
        self.assertIn(b" 413 ", reply.split(b"\r\n")[0] + b" ")
        self.assertIn("上传文件不能超过 5 MB".encode(), reply)
        self.assertEqual(self.srv.request("GET", "/api/v1/cases/%s/files" % no, headers=who)[1]["files"], [])

    def test_wrong_type_and_fake_magic_are_415(self):
        no, who = self.apply()
        err = self.upload(no, b"hello", "text/plain", "说明.txt", headers=who, expect=415)
        self.assertEqual(err["error"]["code"], "unsupported_file_type")
        self.assertIn("PDF、JPEG 或 PNG", err["error"]["message"])
        # A declared type its bytes do not bear out: a text file called PDF, a PNG called JPEG.
        err = self.upload(no, b"not a pdf", "application/pdf", "假.pdf", headers=who, expect=415)
        self.assertEqual(err["error"]["code"], "file_content_mismatch")
        err = self.upload(no, PNG, "image/jpeg", "a.jpg", headers=who, expect=415)
        self.assertEqual(err["error"]["code"], "file_content_mismatch")
        err = self.upload(no, b"", "application/pdf", "空.pdf", headers=who, expect=415)
        self.assertEqual(err["error"]["code"], "file_content_mismatch")
        # A script is not let through by calling it an image.
        err = self.upload(no, b"<svg onload=alert(1)>", "image/svg+xml", "a.svg", headers=who, expect=415)
        self.assertEqual(err["error"]["code"], "unsupported_file_type")
        self.assertEqual(self.srv.request("GET", "/api/v1/cases/%s/files" % no, headers=who)[1]["files"], [])

    def test_bad_file_names(self):
        no, who = self.apply()
        for name in (None, "", "../etc/passwd", "a/b.pdf", "a\\b.pdf", "..", "x" * 101, "tab\there.pdf"):
            err = self.upload(no, PDF, "application/pdf", name, headers=who, expect=400)
            self.assertEqual(err["error"]["code"], "bad_request", name)
            self.assertNotIn("passwd", err["error"]["message"])
        err = self.upload(no, PDF, "application/pdf", None, headers=dict(who, **{"X-File-Name": "%zz"}),
                          expect=400)
        self.upload(no, PDF, "application/pdf", "名" * 100 + "", headers=who)

    def test_unknown_material_and_unknown_case(self):
        no, who = self.apply()
        err = self.upload(no, PDF, "application/pdf", material="no_such_material", headers=who, expect=404)
        self.assertEqual(err["error"]["code"], "unknown_material")
        err = self.upload(no, PDF, "application/pdf", material="no_such_material",
                          token=self.window(), expect=404)
        self.assertEqual(err["error"]["code"], "unknown_material")
        err = self.upload("630000-20260310-999999", PDF, "application/pdf", token=self.window(), expect=404)
        st, err = self.srv.request("GET", "/api/v1/cases/%s/files/999999" % no, headers=who)
        self.assertEqual((st, err["error"]["code"]), (404, "file_not_found"))
        st, err = self.srv.request("GET", "/api/v1/cases/%s/files/abc" % no, headers=who)
        self.assertEqual((st, err["error"]["code"]), (404, "file_not_found"))

    def test_wrong_query_code_and_no_credentials(self):
        no, who = self.apply()
        other, other_who = self.apply()
        mine = self.upload(no, PDF, "application/pdf", headers=who)
        wrong = dict(who, **{"X-Query-Code": "AAAAAAAA"})
        err = self.upload(no, PDF, "application/pdf", headers=wrong, expect=404)
        st, err2 = self.srv.request("GET", "/api/v1/cases/%s/files" % no, headers=wrong)
        self.assertEqual(st, 404)
        self.assertEqual(err["error"], err2["error"])
        # Another case's credentials do not open this case's file.
        st, _ = self.srv.request("GET", "/api/v1/cases/%s/files/%d" % (no, mine["id"]), headers=other_who)
        self.assertEqual(st, 404)
        # Nor its own credentials another case's file of that id.
        st, err = self.srv.request("GET", "/api/v1/cases/%s/files/%d" % (other, mine["id"]), headers=other_who)
        self.assertEqual((st, err["error"]["code"]), (404, "file_not_found"))
        for path in ("/api/v1/cases/%s/files" % no, "/api/v1/cases/%s/files/%d" % (no, mine["id"])):
            st, err = self.srv.request("GET", path)
            self.assertEqual((st, err["error"]["code"]), (401, "unauthorized"))
        err = self.upload(no, PDF, "application/pdf", expect=401)
        st, err = self.srv.request("GET", "/api/v1/cases/%s/files" % no, token="not-a-token")
        self.assertEqual(st, 401)

    def test_other_regions_staff(self):
        no, who = self.apply()
        self.upload(no, PDF, "application/pdf", headers=who)
        xining = self.srv.token("xining_window")
        err = self.upload(no, PDF, "application/pdf", token=xining, expect=403)
        self.assertEqual(err["error"]["code"], "wrong_region")
        st, err = self.srv.request("GET", "/api/v1/cases/%s/files" % no, token=xining)
        self.assertEqual((st, err["error"]["code"]), (403, "wrong_region"))
        st, err = self.srv.request("GET", "/api/v1/cases/%s/files/1" % no, token=xining)
        self.assertEqual((st, err["error"]["code"]), (403, "wrong_region"))

    def test_closed_and_accepted_cases(self):
        # Accepted: the applicant may no longer upload (until a 补正), staff still may.
        no, who = self.apply()
        st, out = self.srv.request("POST", "/api/v1/cases/%s/accept" % no,
                                   {"materials": {m["id"]: "provided" for m in self.item["materials"]}},
                                   token=self.window())
        self.assertEqual(st, 200, out)
        err = self.upload(no, PDF, "application/pdf", headers=who, expect=409)
        self.assertEqual(err["error"]["code"], "wrong_state")
        self.upload(no, PDF, "application/pdf", token=self.window())
        # Withdrawn (closed): nobody uploads; what was uploaded stays readable.
        no, who = self.apply()
        kept = self.upload(no, PDF, "application/pdf", headers=who)
        st, out = self.srv.request("POST", "/api/v1/cases/%s/withdraw" % no,
                                   {"id_no": who["X-Id-No"], "query_code": who["X-Query-Code"]})
        self.assertEqual(st, 200, out)
        for kw in ({"headers": who}, {"token": self.window()}):
            err = self.upload(no, PDF, "application/pdf", expect=409, **kw)
            self.assertEqual(err["error"]["code"], "wrong_state")
        st, _, data = self.raw_get("/api/v1/cases/%s/files/%d" % (no, kept["id"]), who)
        self.assertEqual((st, data), (200, PDF))

    def test_supplement_reopens_uploads(self):
        no, who = self.apply()
        st, out = self.srv.request("POST", "/api/v1/cases/%s/return" % no, {"comment": "材料不齐"},
                                   token=self.window())
        self.assertEqual((st, out["status"]), (200, "supplement"), out)
        self.upload(no, PNG, "image/png", "补正.png", headers=who)

    def test_too_many_files(self):
        no, _ = self.apply()
        staff = self.window()
        m = [x["id"] for x in self.item["materials"]]
        for _ in range(10):
            self.upload(no, PDF, "application/pdf", material=m[0], token=staff)
        err = self.upload(no, PDF, "application/pdf", material=m[0], token=staff, expect=409)
        self.assertEqual(err["error"]["code"], "too_many_files")
        self.assertIn("10", err["error"]["message"])
        for _ in range(10):
            self.upload(no, PDF, "application/pdf", material=m[1], token=staff)
        # 20 in the case: a third material takes no more either.
        err = self.upload(no, PDF, "application/pdf", material=m[2], token=staff, expect=409)
        self.assertEqual(err["error"]["code"], "too_many_files")
        self.assertIn("20", err["error"]["message"])
        st, listed = self.srv.request("GET", "/api/v1/cases/%s/files" % no, token=staff)
        self.assertEqual(len(listed["files"]), 20)


class VerifyTest(unittest.TestCase):
    """`jingban verify` and `backup` over a database with files: sound, then one file altered."""

    def test_verify_checks_the_files(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "jingban.db")
            srv = Server(db, FAKE_NOW).start()
            try:
                st, items = srv.request("GET", "/api/v1/regions/qinghai/items")
                regs = Registers(srv, {"qinghai": items}, _seq)
                item = next(i for i in items if not i["acceptance_windows"] and not i.get("internal")
                            and i["materials"] and "窗口" in i["channels"])
                applicant, form, conds = regs.ready("qinghai", item, minimal_form(item))
                st, case = srv.request("POST", "/api/v1/cases", {
                    "region": "qinghai", "item_code": item["code"], "channel": "窗口", "applicant": applicant,
                    "materials": {}, "conditions": conds, "form": form},
                    token=srv.token("qinghai_" + item["flow"][0]["role"]))
                self.assertEqual(st, 201, case)
                st, f = srv.request("POST", "/api/v1/cases/%s/materials/%s/files" % (case["case_no"], item["materials"][0]["id"]),
                                    raw=PDF, headers={"Content-Type": "application/pdf", "X-File-Name": "a.pdf",
                                                      "X-Id-No": applicant["id_no"], "X-Query-Code": case["query_code"]})
                self.assertEqual(st, 201, f)
            finally:
                srv.stop()
            common = ["--catalog", os.path.join(ROOT, "catalog"), "--calendar", os.path.join(ROOT, "calendar")]
            backup = os.path.join(tmp, "backup.db")
            r = subprocess.run([BINARY, "backup", "--db", db, "--to", backup], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            with sqlite3.connect(backup) as c:
                self.assertEqual(c.execute("SELECT data FROM case_files").fetchone()[0], PDF)
            r = subprocess.run([BINARY, "verify", "--db", backup] + common, capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            with sqlite3.connect(backup) as c:
                c.execute("UPDATE case_files SET data=? WHERE id=?", (PDF.replace(b"Catalog", b"Catalug"), f["id"]))
            r = subprocess.run([BINARY, "verify", "--db", backup] + common, capture_output=True, text=True)
            self.assertNotEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("file %d of case %s: sha256 differs" % (f["id"], case["case_no"]), r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
