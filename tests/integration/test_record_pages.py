"""参保记录 through HTTP on a real database file (issue 6 §3.4): the person's and the unit's record
as JSON and as a printable page, and the record a 002001 / 002002 / 003001 case kept at its review,
printed; the periods and contribution figures, masking, escaping and every refusal."""
import html
import http.client
import itertools
import os
import re
import tempfile
import unittest

from jingban_client import Registers, Server, citizen_id, credit_code, minimal_form

FAKE_NOW = "2026-03-10T10:00:00"  # the records count months to 2026-03
R = "qinghai"
BASE = "/api/v1/regions/" + R


def visible_text(page):
    """What a reader sees: no style sheet, no tags."""
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]*>", " ", page))


class RecordPagesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.srv = Server(os.path.join(cls.tmp.name, "jingban.db"), FAKE_NOW).start()
        items = {}
        for region in (R, "yunnan"):
            st, items[region] = cls.srv.request("GET", "/api/v1/regions/%s/items" % region)
            assert st == 200
        cls.items = {r: {i["code"]: i for i in items[r]} for r in items}
        cls.regs = Registers(cls.srv, items, itertools.count(500))
        cls.seq = itertools.count(5000)  # apart from the Registers helper's

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    # -- helpers -------------------------------------------------------------------------------
    def raw(self, path, user=None):
        """(status, headers, text) of a GET, with the token of `user`."""
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=60)
        headers = {"Authorization": "Bearer " + self.srv.token(user)} if user else {}
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        data = r.read().decode("utf-8")
        conn.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data

    def get(self, path, user=R + "_window"):
        return self.srv.request("GET", path, token=self.srv.token(user))

    def submit(self, region, code, applicant, form, conditions=()):
        return self.regs.submit(region, self.items[region][code], applicant, form, conditions)["case_no"]

    def drive(self, region, code, no):
        return self.regs.drive(region, self.items[region][code], no)

    def employee_change(self, unit, person, change, start):
        no = self.submit(R, "002036001005", {"kind": "unit", "id_no": unit, "name": "登记单位"},
                         {"change": change, "start_month": start,
                          "persons": [{"id_no": person["id_no"], "name": person["name"],
                                       "contribution_base_fen": 600000}]})
        self.drive(R, "002036001005", no)

    def check_page(self, page, title):
        self.assertTrue(page.startswith("<!doctype html>"), page[:100])
        self.assertIn('<meta name="viewport"', page)
        self.assertIn("<title>%s" % title, page)
        self.assertIn("<h1>%s</h1>" % title, page)
        self.assertIn("@media print", page)
        self.assertIn("size:A4", page)
        self.assertIn("本记录由经办系统生成", page)
        self.assertIn("生成时间：2026年03月10日", page)

    # -- the person ----------------------------------------------------------------------------
    def test_person_record_periods_and_figures(self):
        # Enrolled 2020-01 by a unit, suspended 2024-01, resumed 2025-01: 48 + 0 + 15 months.
        unit, person = self.regs.employee(R)
        self.employee_change(unit, person, "暂停", "2024-01")
        self.employee_change(unit, person, "恢复", "2025-01")
        st, rec = self.get(BASE + "/persons/%s/record" % person["id_no"])
        self.assertEqual(st, 200, rec)
        self.assertEqual((rec["kind"], rec["title"], rec["region"], rec["region_name"]),
                         ("person", "参保缴费记录", R, "青海省"))
        self.assertEqual(rec["as_of"], "2026-03")
        self.assertTrue(rec["generated_at"].startswith("2026-03-10T10:"), rec)
        self.assertEqual((rec["name"], rec["insurance_type"], rec["status"], rec["employment"]),
                         (person["name"], "职工", "参保缴费", "在职"))
        self.assertNotEqual(rec["id_no"], person["id_no"])
        self.assertEqual(rec["id_no"], person["id_no"][:6] + "********" + person["id_no"][-4:])
        self.assertEqual(rec["unit"]["credit_code"], unit)
        self.assertTrue(rec["unit"]["name"].startswith("登记单位"), rec["unit"])
        self.assertEqual([(e["from"], e["to"], e["status"], e["contribution_months"], e["region_name"])
                          for e in rec["enrolments"]],
                         [("2020-01", "2023-12", "参保缴费", 48, "青海省"),
                          ("2024-01", "2024-12", "暂停", 0, "青海省"),
                          ("2025-01", "", "参保缴费", 15, "青海省")])
        self.assertEqual((rec["contribution_months"], rec["contribution_years"]), (63, 5))
        # The same figure as the register's own view of the person.
        st, view = self.get(BASE + "/persons/" + person["id_no"])
        self.assertEqual((st, view["contribution_months"]), (200, 63))

        st, headers, page = self.raw(BASE + "/persons/%s/record.html" % person["id_no"], R + "_window")
        self.assertEqual(st, 200, page[:300])
        self.assertTrue(headers["content-type"].startswith("text/html"), headers)
        self.assertEqual(headers.get("cache-control"), "no-store")
        self.check_page(page, "参保缴费记录")
        self.assertNotIn(person["id_no"], page)
        self.assertIn(rec["id_no"], page)
        self.assertIn("青海省", page)
        self.assertIn("2020年01月</td><td>2023年12月", page)
        self.assertIn("2025年01月</td><td>至今", page)
        self.assertIn('<td class="n">48</td>', page)
        self.assertIn('<td class="n">15</td>', page)
        self.assertIn('累计缴费月数（5年3个月）</td><td class="n">63</td>', page)
        # No English for the reader: the credit code is the only text with Latin letters.
        text = visible_text(page).replace(unit, "").replace(rec["id_no"], "")  # a check digit X
        self.assertIsNone(re.search(r"[A-Za-z]", text), text)

    def test_names_are_escaped(self):
        seq = next(self.seq)
        person = citizen_id(seq, "19800101")
        name = "<script>alert(1)</script>"
        no = self.submit(R, "002036001003", {"kind": "person", "id_no": person, "name": name,
                                             "phone": "13800000000"}, {"identity": "普通居民"})
        self.drive(R, "002036001003", no)
        st, rec = self.get(BASE + "/persons/%s/record" % person)
        self.assertEqual((st, rec["name"]), (200, name), rec)
        st, _, page = self.raw(BASE + "/persons/%s/record.html" % person, R + "_window")
        self.assertEqual(st, 200)
        self.assertNotIn("<script", page)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page)
        # A unit whose name is markup: escaped on the unit's page and on its employee's.
        code = credit_code(seq)
        uno = self.submit(R, "002036001001", {"kind": "unit", "id_no": code, "name": "<b>单位</b>&"},
                          {"unit_type": "企业", "address": "<i>地址</i>", "legal_representative": "张三",
                           "phone": "09718000000"})
        self.drive(R, "002036001001", uno)
        st, _, page = self.raw(BASE + "/units/%s/record.html" % code, R + "_window")
        self.assertEqual(st, 200, page[:300])
        self.assertNotIn("<b>", page)
        self.assertNotIn("<i>", page)
        self.assertIn("&lt;b&gt;单位&lt;/b&gt;&amp;", page)

    # -- the unit ------------------------------------------------------------------------------
    def test_unit_record(self):
        unit, person = self.regs.employee(R)
        # A second employee, then suspended: one insured employee is counted.
        other = {"id_no": citizen_id(next(self.seq), "19810101"), "name": "职工乙"}
        no = self.submit(R, "002036001002", {"kind": "unit", "id_no": unit, "name": "登记单位"},
                         {"change": "新增", "start_month": "2026-01",
                          "persons": [dict(other, contribution_base_fen=500000)]},
                         conditions=["employee"])
        self.drive(R, "002036001002", no)
        self.employee_change(unit, other, "暂停", "2026-03")
        change = self.submit(R, "002036001004", {"kind": "unit", "id_no": unit, "name": "登记单位"},
                             {"address": "西宁市城东区"})
        self.drive(R, "002036001004", change)

        st, rec = self.get(BASE + "/units/%s/record" % unit)
        self.assertEqual(st, 200, rec)
        self.assertEqual((rec["kind"], rec["title"], rec["region_name"], rec["credit_code"]),
                         ("unit", "参保单位参保记录", "青海省", unit))
        self.assertEqual((rec["type"], rec["status"], rec["address"]), ("企业", "正常", "西宁市城东区"))
        self.assertEqual(rec["insured_employees"], 1)
        self.assertEqual([(p["from"], p["to"], p["status"]) for p in rec["status_periods"]],
                         [("2026-03-10", "", "正常")])
        self.assertEqual(len(rec["history"]), 2)
        self.assertEqual(rec["history"][1]["case_no"], change)
        self.assertEqual(rec["history"][1]["changes"]["address"]["after"], "西宁市城东区")

        st, headers, page = self.raw(BASE + "/units/%s/record.html" % unit, R + "_window")
        self.assertEqual(st, 200, page[:300])
        self.check_page(page, "参保单位参保记录")
        self.assertIn(unit, page)
        self.assertIn("1 人", page)
        self.assertIn("单位地址：测试地址 → 西宁市城东区", page)
        self.assertIn(change, page)
        self.assertIsNone(re.search(r"[A-Za-z]", visible_text(page).replace(unit, "")),
                          visible_text(page))

    # -- refusals ------------------------------------------------------------------------------
    def test_refusals(self):
        person = self.regs.resident(R)
        unit = self.regs.unit(R)
        paths = ["/persons/%s/record" % person["id_no"], "/persons/%s/record.html" % person["id_no"],
                 "/units/%s/record" % unit, "/units/%s/record.html" % unit]
        for p in paths:
            st, out = self.srv.request("GET", BASE + p)  # not signed in
            self.assertEqual((st, out["error"]["code"]), (401, "unauthorized"), p)
            st, out = self.get(BASE + p, user="xining_window")  # staff of another region
            self.assertEqual((st, out["error"]["code"]), (403, "wrong_region"), p)
            st, out = self.get(BASE + p, user="qinghai_supervisor")  # any staff of the region
            self.assertEqual(st, 200, (p, out if isinstance(out, dict) else out[:200]))
        # Another region's register does not hold them.
        st, out = self.get("/api/v1/regions/xining/persons/%s/record" % person["id_no"], user="xining_window")
        self.assertEqual((st, out["error"]["code"]), (404, "person_not_found"))
        st, out = self.get("/api/v1/regions/xining/units/%s/record.html" % unit, user="xining_window")
        self.assertEqual((st, out["error"]["code"]), (404, "unit_not_found"))
        # Unknown and malformed keys.
        ghost = citizen_id(999, "19700101")
        for suffix in ("/record", "/record.html"):
            st, out = self.get(BASE + "/persons/" + ghost + suffix)
            self.assertEqual((st, out["error"]["code"]), (404, "person_not_found"))
            st, out = self.get(BASE + "/persons/" + ghost[:17] + ("0" if ghost[17] != "0" else "1") + suffix)
            self.assertEqual((st, out["error"]["code"]), (422, "invalid_id_number"))
            st, out = self.get(BASE + "/units/" + credit_code(99999) + suffix)
            self.assertEqual((st, out["error"]["code"]), (404, "unit_not_found"))
            st, out = self.get(BASE + "/units/NOT-A-CODE" + suffix)
            self.assertEqual((st, out["error"]["code"]), (422, "invalid_credit_code"))
        # The error answers never carry the page.
        st, headers, body = self.raw(BASE + "/persons/%s/record.html" % ghost, R + "_window")
        self.assertTrue(headers["content-type"].startswith("application/json"), headers)

    # -- the record kept in a case -------------------------------------------------------------
    def test_case_record_pages(self):
        # 002002 参保人员参保信息查询 (Qinghai): the record as kept at the review.
        person = self.regs.resident(R)
        no = self.submit(R, "002036002002", person, {})
        st, out = self.get("/api/v1/cases/%s/record.html" % no)
        self.assertEqual((st, out["error"]["code"]), (409, "record_not_ready"))
        self.assertIn("尚未受理", out["error"]["message"])
        self.drive(R, "002036002002", no)
        st, case = self.get("/api/v1/cases/" + no)
        self.assertEqual(st, 200)
        kept = case["register_effect"]["record"]
        st, headers, page = self.raw("/api/v1/cases/%s/record.html" % no, R + "_window")
        self.assertEqual(st, 200, page[:300])
        self.check_page(page, "参保缴费记录")
        self.assertIn("<th>办件编号</th><td>%s</td>" % no, page)
        self.assertIn(html.escape(case["item_name"], quote=True), page)
        closed = case["closed_on"]
        self.assertIn("%s年%s月%s日" % (closed[:4], closed[5:7], closed[8:10]), page)
        self.assertIn(kept["id_no"], page)
        self.assertNotIn(person["id_no"], page)
        self.assertIn('累计缴费月数（%d个月）' % kept["contribution_months"], page)

        # 002001 参保单位参保信息查询.
        unit = self.regs.unit(R)
        uno = self.submit(R, "002036002001", {"kind": "unit", "id_no": unit, "name": "登记单位"}, {})
        self.drive(R, "002036002001", uno)
        st, _, page = self.raw("/api/v1/cases/%s/record.html" % uno, R + "_window")
        self.assertEqual(st, 200, page[:300])
        self.check_page(page, "参保单位参保记录")
        self.assertIn(unit, page)

        # 003001 出具《参保凭证》 (Yunnan): titled 参保凭证, only once 办结.
        item = next(i for i in self.items["yunnan"].values() if i["effect"] == "insurance_certificate")
        applicant, form, conds = self.regs.ready("yunnan", item, minimal_form(item))
        cno = self.submit("yunnan", item["code"], applicant, form, conds)
        self.regs.drive("yunnan", item, cno)
        st, _, page = self.raw("/api/v1/cases/%s/record.html" % cno, "yunnan_window")
        self.assertEqual(st, 200, page[:300])
        self.check_page(page, "参保凭证")
        self.assertIn("云南省", page)
        self.assertIn(cno, page)

        # A case of another item; a case of another region; not signed in; an unknown case.
        other = self.submit(R, "002036001003", {"kind": "person", "id_no": citizen_id(next(self.seq), "19820101"),
                                                "name": "其他事项", "phone": "13800000000"},
                            {"identity": "普通居民"})
        st, out = self.get("/api/v1/cases/%s/record.html" % other)
        self.assertEqual((st, out["error"]["code"]), (404, "no_record"))
        st, out = self.get("/api/v1/cases/%s/record.html" % cno)
        self.assertEqual((st, out["error"]["code"]), (403, "wrong_region"))
        st, out = self.srv.request("GET", "/api/v1/cases/%s/record.html" % no)
        self.assertEqual((st, out["error"]["code"]), (401, "unauthorized"))
        st, out = self.get("/api/v1/cases/630000-20260310-999999/record.html")
        self.assertEqual(st, 404, out)
        # A page, not an action: another method is refused as on any known path.
        st, out = self.srv.request("POST", "/api/v1/cases/%s/record.html" % no, {},
                                   token=self.srv.token(R + "_window"))
        self.assertEqual((st, out["error"]["code"]), (405, "method_not_allowed"))

    def test_certificate_needs_completion(self):
        item = next(i for i in self.items["yunnan"].values() if i["effect"] == "insurance_certificate")
        applicant, form, conds = self.regs.ready("yunnan", item, minimal_form(item))
        cno = self.submit("yunnan", item["code"], applicant, form, conds)
        token = self.srv.token("yunnan_%s" % item["flow"][0]["role"])
        st, out = self.srv.request("POST", "/api/v1/cases/%s/accept" % cno,
                                   {"materials": {m["id"]: "provided" for m in item["materials"]}}, token=token)
        self.assertEqual((st, out["status"]), (200, "in_progress"), out)  # 审核 and 办结 follow
        st, out = self.get("/api/v1/cases/%s/record.html" % cno, user="yunnan_window")
        self.assertEqual((st, out["error"]["code"]), (409, "record_not_ready"))
        self.assertIn("参保凭证", out["error"]["message"])


if __name__ == "__main__":
    unittest.main()
