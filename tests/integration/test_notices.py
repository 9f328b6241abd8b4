"""Printable notices through HTTP (issue 7): GET /api/v1/cases/{case_no}/notices/{kind}.pdf for each
kind on a case in the state it belongs to, the 参保凭证 of a person of the demo register, and every
refusal (a notice of another state 409, an unknown kind 404, another region 403, the applicant with
a wrong query code 404, nobody signed in 401). The PDFs are read back as a reader gets them: the
text layer with pdftotext, the page count with pdfinfo, the QR code with zbarimg on a rendered page
(poppler-utils and zbar-tools, installed by scripts/setup.sh)."""
import http.client
import itertools
import os
import re
import subprocess
import tempfile
import unittest
import urllib.parse

from jingban_client import Registers, Server, citizen_id, minimal_form

FAKE_NOW = "2026-03-10T10:00:00"
R = "qinghai"
PUBLIC_URL = "https://portal.example/banshi"
REIMBURSEMENT = "002036006001"  # 门诊费用报销: a 结算单 at 初审
PERSON01 = "630099196806089013"  # 示例人员01 of the demo register (README)


class NoticesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.srv = Server(os.path.join(cls.tmp.name, "jingban.db"), FAKE_NOW,
                         extra=("--rate-limit", "off", "--public-url", PUBLIC_URL + "/")).start()
        items = {}
        for region in (R, "yunnan"):
            st, items[region] = cls.srv.request("GET", "/api/v1/regions/%s/items" % region)
            assert st == 200
        cls.items = {r: {i["code"]: i for i in items[r]} for r in items}
        cls.regs = Registers(cls.srv, items, itertools.count(700))
        item = cls.items[R][REIMBURSEMENT]
        cls.window = "%s_%s" % (R, item["flow"][0]["role"])
        # A: a reimbursement driven to 办结 (accepted, settled, paid, closed).
        applicant, form, conds = cls.regs.ready(R, item, minimal_form(item))
        cls.applicant_a = applicant
        cls.case_a = cls.regs.submit(R, item, applicant, form, conds)
        cls.regs.drive(R, item, cls.case_a["case_no"])
        # B: returned at 受理 with every material missing (一次性告知).
        applicant, form, conds = cls.regs.ready(R, item, minimal_form(item))
        cls.case_b = cls.regs.submit(R, item, applicant, form, conds)
        st, cls.returned = cls.srv.request("POST", "/api/v1/cases/%s/return" % cls.case_b["case_no"],
                                           {"materials": {}, "comment": "请补齐材料"},
                                           token=cls.srv.token(cls.window))
        assert st == 200, cls.returned
        # C: not accepted, with the reason.
        applicant, form, conds = cls.regs.ready(R, item, minimal_form(item))
        cls.case_c = cls.regs.submit(R, item, applicant, form, conds)
        st, out = cls.srv.request("POST", "/api/v1/cases/%s/not_accept" % cls.case_c["case_no"],
                                  {"reason": "申请人不属于本统筹区参保人员"}, token=cls.srv.token(cls.window))
        assert st == 200, out

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    # -- helpers -------------------------------------------------------------------------------
    def raw(self, path, user=None):
        """(status, headers, bytes) of a GET, signed in as `user` (or not at all)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=120)
        headers = {"Authorization": "Bearer " + self.srv.token(user)} if user else {}
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data

    def notice(self, case_no, kind, user=None, query=None):
        path = "/api/v1/cases/%s/notices/%s" % (case_no, kind)
        if query:
            path += "?" + urllib.parse.urlencode(query)
        return self.raw(path, user)

    def pdf(self, data, name):
        path = os.path.join(self.tmp.name, name + ".pdf")
        with open(path, "wb") as f:
            f.write(data)
        return path

    def text(self, path):
        """The text layer in drawing order, without white space (lines wrap where the layout did)."""
        out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", path, "-"], check=True,
                             capture_output=True).stdout.decode("utf-8")
        return re.sub(r"\s+", "", out)

    def pages(self, path):
        info = subprocess.run(["pdfinfo", path], check=True, capture_output=True).stdout.decode()
        return int(re.search(r"Pages:\s+(\d+)", info).group(1))

    def ok_pdf(self, case_no, kind, title, user=None, query=None):
        # Staff (the window clerk unless `user`), or the applicant when `query` is given.
        st, headers, data = self.notice(case_no, kind + ".pdf", None if query else (user or self.window),
                                        query)
        self.assertEqual(st, 200, data[:300])
        self.assertEqual(headers["content-type"], "application/pdf")
        self.assertEqual(headers["cache-control"], "no-store")
        self.assertTrue(data.startswith(b"%PDF-"))
        path = self.pdf(data, "%s-%s" % (kind, case_no))
        t = self.text(path)
        self.assertIn(title, t)
        self.assertIn("办件编号：" + case_no, t)
        self.assertIn("青海省医疗保障经办机构", t)
        return path, t

    def error(self, st_want, code_want, result):
        st, headers, data = result
        self.assertEqual(st, st_want, data[:300])
        self.assertIn(code_want.encode(), data)

    # -- each kind in its state ----------------------------------------------------------------
    def test_acceptance_and_its_qr_code(self):
        no = self.case_a["case_no"]
        path, t = self.ok_pdf(no, "acceptance", "受理通知书")
        self.assertIn("决定予以受理", t)
        self.assertIn("2026年3月10日", t)  # 受理 on the server's (fake) day, in Chinese form
        png = os.path.join(self.tmp.name, "qr")
        subprocess.run(["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", "-singlefile", path, png],
                       check=True)
        decoded = subprocess.run(["zbarimg", "--raw", "-q", png + ".png"], check=True,
                                 capture_output=True).stdout.decode().strip()
        self.assertEqual(decoded, PUBLIC_URL + "/progress?case_no=" + no)

    def test_settlement_prints_every_line_and_step(self):
        no = self.case_a["case_no"]
        st, case = self.srv.request("GET", "/api/v1/cases/" + no, token=self.srv.token(self.window))
        self.assertEqual(st, 200)
        s = case["settlement"]
        _, t = self.ok_pdf(no, "settlement", "结算单")
        for line in s["lines"]:
            self.assertIn(line["name"], t)
        for step in s["steps"]:
            self.assertIn(step["name"], t)
        total = s["total_fen"]
        self.assertIn("{:,}.{:02d}".format(total // 100, total % 100), t)
        self.assertEqual("示例参数" in t, s["example"])
        self.assertTrue(s["example"])  # the shipped policy is all examples

    def test_completion(self):
        no = self.case_a["case_no"]
        _, t = self.ok_pdf(no, "completion", "办结通知书")
        self.assertIn("办结", t)
        st, case = self.srv.request("GET", "/api/v1/cases/" + no, token=self.srv.token(self.window))
        paid = case["paid_fen"]
        self.assertIn("{:,}.{:02d}".format(paid // 100, paid % 100), t)

    def test_supplement_lists_every_missing_material_once(self):
        no = self.case_b["case_no"]
        missing = self.returned["notice"]
        self.assertTrue(missing)
        path, t = self.ok_pdf(no, "supplement", "一次性告知书")
        self.assertIn("共%d项" % len(missing), t)
        for m in missing:
            self.assertEqual(t.count(m["name"]), 1, m["name"])
        self.assertIn("请补齐材料", t)

    def test_refusal_states_the_reason_and_the_remedy(self):
        no = self.case_c["case_no"]
        _, t = self.ok_pdf(no, "refusal", "不予受理决定书")
        self.assertIn("申请人不属于本统筹区参保人员", t)
        self.assertIn("六十日内依法申请行政复议", t)
        self.assertIn("六个月内依法向人民法院提起行政诉讼", t)

    def test_applicant_with_case_number_id_and_query_code(self):
        c = self.case_a
        q = {"id_no": self.applicant_a["id_no"], "query_code": c["query_code"]}
        self.ok_pdf(c["case_no"], "completion", "办结通知书", query=q)
        wrong = dict(q, query_code="AAAAAAAA" if c["query_code"] != "AAAAAAAA" else "BBBBBBBB")
        self.error(404, "not_found", self.notice(c["case_no"], "completion.pdf", query=wrong))
        self.error(404, "not_found", self.notice("630000209901019999", "completion.pdf", query=q))

    # -- refusals ------------------------------------------------------------------------------
    def test_a_notice_of_another_state_is_409(self):
        a, b, c = self.case_a["case_no"], self.case_b["case_no"], self.case_c["case_no"]
        for no, kind in ((a, "refusal"), (a, "supplement"), (b, "acceptance"), (b, "completion"),
                         (b, "settlement"), (b, "refusal"), (c, "acceptance"), (c, "completion"),
                         (c, "settlement")):
            st, _, data = self.notice(no, kind + ".pdf", self.window)
            self.assertEqual(st, 409, (no, kind, data[:200]))
            self.assertIn(b"notice_not_applicable", data)
            self.assertIn("办件".encode(), data)

    def test_unknown_kind_is_404(self):
        no = self.case_a["case_no"]
        for kind in ("receipt.pdf", "Acceptance.pdf", ".pdf", "certificate.pdf"):
            self.error(404, "unknown_notice", self.notice(no, kind, self.window))
        # Not a …/{kind}.pdf address at all: the router's own 404.
        for kind in ("acceptance", "acceptance.html"):
            self.error(404, "not_found", self.notice(no, kind, self.window))
        self.error(404, "not_found", self.notice("630000209901019999", "acceptance.pdf", self.window))

    def test_other_region_is_403_and_nobody_signed_in_is_401(self):
        no = self.case_a["case_no"]
        self.error(403, "wrong_region", self.notice(no, "acceptance.pdf", "yunnan_window"))
        self.error(401, "unauthorized", self.notice(no, "acceptance.pdf"))
        self.error(401, "unauthorized", self.notice(no, "acceptance.pdf", query={"id_no": "x"}))

    # -- 参保凭证 ------------------------------------------------------------------------------
    def test_certificate_of_a_person(self):
        path_ = "/api/v1/regions/%s/persons/%s/certificate.pdf" % (R, PERSON01)
        st, headers, data = self.raw(path_, self.window)
        self.assertEqual(st, 200, data[:300])
        self.assertEqual(headers["content-type"], "application/pdf")
        path = self.pdf(data, "certificate")
        t = self.text(path)
        st, person = self.srv.request("GET", "/api/v1/regions/%s/persons/%s/record" % (R, PERSON01),
                                      token=self.srv.token(self.window))
        self.assertEqual(st, 200)
        self.assertIn("参保凭证", t)
        self.assertIn(person["name"], t)
        self.assertIn(person["id_no"], t)  # masked, as the record shows it
        self.assertNotIn(PERSON01, t)
        self.assertIn("（%d个月）" % person["contribution_months"], t)
        self.assertEqual(self.pages(path), 1)
        self.error(403, "wrong_region", self.raw(path_, "yunnan_window"))
        self.error(401, "unauthorized", self.raw(path_))
        other = "/api/v1/regions/%s/persons/%s/certificate.pdf" % (R, citizen_id(999, "19500101"))
        self.error(404, "person_not_found", self.raw(other, self.window))


if __name__ == "__main__":
    unittest.main()
