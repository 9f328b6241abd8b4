"""Integration tests for the catalog gaps of issue 6 §4, through the real binary and HTTP API:
limits the seeds do not state are shown as 未载明 on the 办事指南 (never a made-up number), the
cataloguer's notes never reach the citizen's guide, an agency's internal routine cannot be applied
for, and an applicant-side limit (生育后一年内) is checked at 申请."""
import os
import tempfile
import unittest

from jingban_client import Server, citizen_id, credit_code

FAKE_NOW = "2026-03-10T10:00:00"  # a Tuesday


class CatalogGapsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.srv = Server(os.path.join(cls.tmp.name, "jingban.db"), FAKE_NOW).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def guide(self, region, code):
        st, html = self.srv.request("GET", "/api/v1/regions/%s/items/%s/guide" % (region, code))
        self.assertEqual(st, 200)
        return html

    def submit(self, region, code, form, seq, kind="unit"):
        applicant = ({"kind": "unit", "id_no": credit_code(seq), "name": "测试单位%d" % seq} if kind == "unit"
                     else {"kind": "person", "id_no": citizen_id(seq), "name": "测试参保人%d" % seq})
        body = {"region": region, "item_code": code, "channel": "窗口", "applicant": applicant,
                "materials": {}, "conditions": [], "form": form}
        return self.srv.request("POST", "/api/v1/cases", body,
                                token=self.srv.token("%s_window" % region))

    def applicant_kind(self, region, code):
        st, it = self.srv.request("GET", "/api/v1/regions/%s/items/%s" % (region, code))
        self.assertEqual(st, 200)
        return it["applicant"][0]

    def test_unstated_limits_are_shown_as_unstated(self):
        for code in ("630100990001", "630100990002"):
            html = self.guide("xining", code)
            self.assertIn("未载明", html, code)
            self.assertNotIn("流程图未载明办理时限", html, code)  # the old placeholder text is gone
        payment = self.guide("xining", "630100990001")
        self.assertNotIn("30日", payment)
        self.assertIn("申办材料</h2><p>无</p>", payment)  # no invented material
        self.assertIn("经办机构内部办理流程", payment)

    def test_no_cataloguer_note_on_any_guide(self):
        st, regions = self.srv.request("GET", "/api/v1/regions")
        self.assertEqual(st, 200)
        for r in regions:
            st, items = self.srv.request("GET", "/api/v1/regions/%s/items" % r["id"])
            self.assertEqual(st, 200)
            for it in items:
                html = self.guide(r["id"], it["code"])
                self.assertNotIn("编目说明", html, (r["id"], it["code"]))
                # The notes are the cataloguer's English; the guide is Chinese throughout.
                for word in (" the seed", " read as ", "Chart ", "chart "):
                    self.assertNotIn(word, html, (r["id"], it["code"]))

    def test_internal_routine_cannot_be_applied_for(self):
        # No one applies for an internal routine: anonymously it is refused as such.
        body = {"region": "xining", "item_code": "630100990001", "channel": "网上",
                "applicant": {"kind": "unit", "id_no": credit_code(1), "name": "测试单位1"}, "form": {}}
        st, out = self.srv.request("POST", "/api/v1/cases", body)
        self.assertEqual(st, 422, out)
        self.assertEqual(out["error"]["code"], "internal_item")
        # The agency's own staff open it (the payment run, test_yunnan_xining_extras.py): the agency
        # is its applicant, whatever applicant the body names.
        form = {"month": "2026-02", "lines": [{"payee_kind": "个人", "payee": "张三", "payee_account": "1",
                                               "amount_fen": 100, "purpose": "门诊待遇"}]}
        st, out = self.submit("xining", "630100990001", form, 1)
        self.assertEqual(st, 201, out)
        st, case = self.srv.request("GET", "/api/v1/cases/" + out["case_no"], token=self.srv.token("xining_window"))
        self.assertEqual((case["applicant"]["kind"], case["channel"]), ("agency", "内部"), case)

    def test_applicant_limit_is_checked_at_application(self):
        # Qinghai 生育津贴: 女职工生育后一年内 (chart 4-19). 2025-03-09 is past it on 2026-03-10.
        kind = self.applicant_kind("qinghai", "002036007004")
        st, out = self.submit("qinghai", "002036007004", {"birth_date": "2025-03-09"}, 2, kind)
        self.assertEqual(st, 422, out)
        self.assertEqual(out["error"]["code"], "applicant_limit_passed")
        self.assertIn("2026-03-09", out["error"]["message"])
        st, out = self.submit("qinghai", "002036007004", {"birth_date": "2025-03-10"}, 3, kind)
        self.assertEqual(st, 201, out)
        # Xining: 生育后三个月内 (chart 18), not after a 计划生育手术.
        kind = self.applicant_kind("xining", "002036007004")
        st, out = self.submit("xining", "002036007004", {"birth_date": "2025-12-01"}, 4, kind)
        self.assertEqual(st, 422, out)
        self.assertEqual(out["error"]["code"], "applicant_limit_passed")
        st, out = self.submit("xining", "002036007004", {"birth_date": "2025-12-10"}, 5, kind)
        self.assertEqual(st, 201, out)


if __name__ == "__main__":
    unittest.main()
