"""Designated institutions (009001 医疗机构 / 009002 零售药店, issue 8 §5) through the real HTTP API
on a real database file: application → 一次性告知 → supplement → evaluation → (公示) → agreement at
办结 → the institution designated with its code after the demo's 00001; the failed evaluation and
the re-application refused at 受理 with its date; the 互认 path; the register's list, contract and
history; the applicant institution's own view; and the rebuild of the registers from the events."""
import json
import os
import tempfile
import unittest
import urllib.parse

from jingban_client import Server, credit_code

HOSPITAL, PHARMACY = "002036009001", "002036009002"


class Base(unittest.TestCase):
    FAKE_NOW = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "jingban.db")
        cls.srv = Server(cls.db, cls.FAKE_NOW).start()
        cls.items = {}

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def item(self, region, code):
        if (region, code) not in self.items:
            st, it = self.srv.request("GET", "/api/v1/regions/%s/items/%s" % (region, code))
            self.assertEqual(st, 200, it)
            self.items[(region, code)] = it
        return self.items[(region, code)]

    def token(self, region, role):
        return self.srv.token("%s_%s" % (region, role))

    def submit(self, region, code, credit, name, conditions=(), online=True):
        body = {"region": region, "item_code": code, "channel": "网上" if online else "窗口",
                "applicant": {"kind": "institution", "id_no": credit, "name": name, "phone": "13800000000"},
                "conditions": list(conditions), "form": {}}
        tok = None if online else self.token(region, self.item(region, code)["flow"][0]["role"])
        st, case = self.srv.request("POST", "/api/v1/cases", body, token=tok)
        self.assertEqual(st, 201, case)
        return case

    def act(self, region, no, action, role, expect=200, **body):
        st, out = self.srv.request("POST", "/api/v1/cases/%s/%s" % (no, action), body,
                                   token=self.token(region, role))
        self.assertEqual(st, expect, out)
        return out

    def materials(self, region, code, conditions=()):
        out = {}
        for m in self.item(region, code)["materials"]:
            if m.get("when") and m["when"] not in conditions:
                continue
            out[m["id"]] = "provided"
        return out

    def accept(self, region, code, no, conditions=(), expect=200):
        return self.act(region, no, "accept", self.item(region, code)["flow"][0]["role"], expect=expect,
                        materials=self.materials(region, code, conditions))

    def reviews(self, region, code):
        return [s for s in self.item(region, code)["flow"] if s["kind"] == "review"]

    def approve_all(self, region, code, no, entered=None):
        for i, s in enumerate(self.reviews(region, code)):
            self.act(region, no, "approve", s["role"] + ("_2" if i % 2 else ""),
                     data=(entered or {}) if i == 0 else {})

    def complete(self, region, code, no):
        return self.act(region, no, "complete", self.item(region, code)["flow"][-1]["role"])

    def get(self, region, path, expect=200, role="supervisor"):
        st, body = self.srv.request("GET", "/api/v1/regions/%s/%s" % (region, path),
                                    token=self.token(region, role))
        self.assertEqual(st, expect, body)
        return body

    def case(self, region, no):
        st, c = self.srv.request("GET", "/api/v1/cases/" + no, token=self.token(region, "supervisor"))
        self.assertEqual(st, 200, c)
        return c

    def next_code(self, region, prefix, division):
        """The code the next designation takes: after every one already there (the demo's 00001)."""
        lst = self.get(region, "institutions?limit=500")["institutions"]
        taken = [i["code"] for i in lst if i["code"].startswith(prefix + division)]
        return "%s%s%05d" % (prefix, division, len(taken) + 1), taken

    def portal(self, case, credit):
        q = urllib.parse.urlencode({"case_no": case["case_no"], "id_no": credit,
                                    "query_code": case["query_code"]})
        return self.srv.request("GET", "/api/v1/progress/institution?" + q)


class QingdaoQinghaiXining(Base):
    FAKE_NOW = "2026-03-10T10:00:00"  # a Tuesday

    def test_qingdao_hospital_notice_supplement_evaluation_designated(self):
        R = "qingdao"
        expected, taken = self.next_code(R, "H", "370200")
        self.assertIn("H37020000001", taken, "the demo's designated hospital")
        credit = credit_code(9001)
        case = self.submit(R, HOSPITAL, credit, "青岛示例医院")
        no = case["case_no"]
        # 一次性告知 at 受理: everything missing in one notice; then the applicant supplements.
        mats = self.materials(R, HOSPITAL)
        missing = dict(mats, **{"fund_forecast": "missing"})
        out = self.act(R, no, "return", "window", materials=missing, comment="缺少预测性分析报告")
        self.assertEqual(out["status"], "supplement")
        st, out = self.srv.request("POST", "/api/v1/cases/%s/supplement" % no,
                                   {"id_no": credit, "query_code": case["query_code"],
                                    "materials": {"fund_forecast": "provided"}})
        self.assertEqual(st, 200, out)
        self.accept(R, HOSPITAL, no)
        c = self.case(R, no)
        # The evaluation's limit: 3 calendar months from 受理.
        self.assertEqual(c["due_on"], "2026-06-10")
        self.assertEqual(c["register_effect"]["path"], "新申请")
        # A return during the evaluation pauses the limit (补充材料时间不计入), then it goes on.
        self.act(R, no, "return", "evaluator", materials={"management_rules": "missing"}, comment="制度文本不全")
        st, out = self.srv.request("POST", "/api/v1/cases/%s/supplement" % no,
                                   {"id_no": credit, "query_code": case["query_code"],
                                    "materials": {"management_rules": "provided"}})
        self.assertEqual(st, 200, out)
        # A level that is not a hospital level is refused; the evaluation then passes.
        err = self.act(R, no, "approve", "evaluator", expect=422, data={"level": "特级"})
        self.assertEqual(err["error"]["code"], "bad_level")
        self.act(R, no, "approve", "evaluator",
                 data={"level": "二级", "address": "青岛市市南区示例路1号", "bank_account": "6222000000000001"})
        c = self.case(R, no)
        stages = {k: v for s in c["register_effect"]["stages"] for k, v in s.items()}
        self.assertEqual(stages["evaluation"]["result"], "合格")
        self.assertTrue(stages["publicity"]["within_review"])  # Qingdao's flow has no 公示 step
        # Before 办结 the applicant sees no designation yet.
        st, mine = self.portal(case, credit)
        self.assertEqual(st, 200, mine)
        self.assertFalse(mine["designated"])
        self.complete(R, HOSPITAL, no)

        inst = self.get(R, "institutions/" + expected)
        self.assertEqual((inst["status"], inst["credit_code"]), ("定点", credit))
        self.assertEqual((inst["category"], inst["level"], inst["division"]), ("医疗机构", "二级", "370200"))
        self.assertEqual(inst["from"], "2026-03-10")
        self.assertEqual(inst["to"], "")
        self.assertEqual(inst["case_no"], no)
        self.assertEqual(inst["agreement_no"], "XY-%s-2026" % expected)
        self.assertEqual(inst["address"], "青岛市市南区示例路1号")
        self.assertEqual(inst["history"][0]["case_no"], no)
        hist = self.get(R, "institutions/%s/history" % expected)
        self.assertEqual(hist["history"], inst["history"])
        # The applicant institution sees its designation; a wrong query code sees nothing.
        st, mine = self.portal(case, credit)
        self.assertEqual(st, 200, mine)
        self.assertTrue(mine["designated"])
        self.assertEqual(mine["institution"]["code"], expected)
        st, _ = self.portal(dict(case, query_code="AAAAAAAA"), credit)
        self.assertEqual(st, 404)
        # The list: by category and status.
        hospitals = self.get(R, "institutions?category=%s&status=%s" % (urllib.parse.quote("医疗机构"),
                                                                       urllib.parse.quote("定点")))
        self.assertIn(expected, [i["code"] for i in hospitals["institutions"]])
        pharmacies = self.get(R, "institutions?category=%s" % urllib.parse.quote("零售药店"))
        self.assertNotIn(expected, [i["code"] for i in pharmacies["institutions"]])
        self.assertEqual(self.get(R, "institutions?category=x", expect=400)["error"]["code"], "bad_filter")
        self.get(R, "institutions/H3702009999", expect=400)
        self.get(R, "institutions/H37020099999", expect=404)
        # Staff of another region may not read it; nobody signed out may.
        st, _ = self.srv.request("GET", "/api/v1/regions/qingdao/institutions/" + expected,
                                 token=self.token("qinghai", "supervisor"))
        self.assertEqual(st, 403)
        st, _ = self.srv.request("GET", "/api/v1/regions/qingdao/institutions/" + expected)
        self.assertEqual(st, 401)
        # Designated already: a second application is refused at 受理.
        again = self.submit(R, HOSPITAL, credit, "青岛示例医院")
        err = self.accept(R, HOSPITAL, again["case_no"], expect=422)
        self.assertEqual(err["error"]["code"], "already_designated")
        self.assertIn(expected, err["error"]["message"])

    def test_qingdao_failed_evaluation_then_reapply_refused_with_date(self):
        R = "qingdao"
        credit = credit_code(9002)
        case = self.submit(R, PHARMACY, credit, "青岛示例药店")
        self.accept(R, PHARMACY, case["case_no"])
        # A pharmacy has no hospital level.
        err = self.act(R, case["case_no"], "approve", "evaluator", expect=422, data={"level": "一级"})
        self.assertEqual(err["error"]["code"], "level_not_applicable")
        self.act(R, case["case_no"], "reject", "evaluator", comment="信息系统不满足联网结算要求")
        rec = self.get(R, "institution-applications/" + credit)
        self.assertEqual(rec["outcomes"][0]["result"], "不合格")
        self.assertEqual(rec["outcomes"][0]["reason"], "信息系统不满足联网结算要求")
        self.assertEqual(rec["reapply"]["零售药店"], {"may_apply_on": "2026-06-10", "barred": False})
        self.assertEqual(rec["status"], "整改期")
        self.assertEqual(rec["designations"], [])
        st, mine = self.portal(case, credit)
        self.assertEqual(st, 200, mine)
        self.assertFalse(mine["designated"])
        self.assertEqual(mine["evaluation_failed"]["may_apply_on"], "2026-06-10")
        # Re-applying within the 3 months of rectification: refused at 受理, with the date.
        again = self.submit(R, PHARMACY, credit, "青岛示例药店")
        err = self.accept(R, PHARMACY, again["case_no"], expect=422)
        self.assertEqual(err["error"]["code"], "reapply_too_early")
        self.assertIn("2026-06-10", err["error"]["message"])
        # The same institution applying as a hospital is not affected.
        other = self.submit(R, HOSPITAL, credit, "青岛示例药店")
        self.accept(R, HOSPITAL, other["case_no"])
        self.get(R, "institution-applications/" + credit_code(9099), expect=404)

    def test_qinghai_mutual_recognition_skips_evaluation(self):
        R = "qinghai"
        expected, taken = self.next_code(R, "P", "630000")
        self.assertIn("P63000000001", taken, "the demo's designated pharmacy")
        credit = credit_code(9003)
        case = self.submit(R, PHARMACY, credit, "互认示例药店", conditions=["mutual_recognition"], online=False)
        no = case["case_no"]
        self.accept(R, PHARMACY, no, conditions=["mutual_recognition"])
        self.approve_all(R, PHARMACY, no)
        c = self.case(R, no)
        self.assertEqual(c["register_effect"]["path"], "互认")
        stages = {k: v for s in c["register_effect"]["stages"] for k, v in s.items()}
        self.assertNotIn("evaluation", stages)
        self.assertEqual(stages["mutual_recognition"]["result"], "互认")
        # Chart 4-22: training and signing at the quarter's end.
        self.assertEqual(c["register_effect"]["training_and_signing_by"], "2026-03-31")
        self.complete(R, PHARMACY, no)
        inst = self.get(R, "institutions/" + expected)
        self.assertEqual((inst["category"], inst["level"], inst["credit_code"]), ("零售药店", "", credit))

    def test_qinghai_new_hospital_and_xining_pharmacy(self):
        self.qinghai_and_xining(9004, 9005)

    def qinghai_and_xining(self, hospital_seq, pharmacy_seq):
        expected, _ = self.next_code("qinghai", "H", "630000")
        credit = credit_code(hospital_seq)
        case = self.submit("qinghai", HOSPITAL, credit, "青海示例医院", conditions=["new_application"], online=False)
        self.accept("qinghai", HOSPITAL, case["case_no"], conditions=["new_application"])
        self.approve_all("qinghai", HOSPITAL, case["case_no"], {"level": "三级"})
        self.complete("qinghai", HOSPITAL, case["case_no"])
        self.assertEqual(self.get("qinghai", "institutions/" + expected)["level"], "三级")
        # Xining extends Qinghai and designates with its own division code.
        expected, _ = self.next_code("xining", "P", "630100")
        credit = credit_code(pharmacy_seq)
        case = self.submit("xining", PHARMACY, credit, "西宁示例药店", conditions=["new_application"], online=False)
        self.accept("xining", PHARMACY, case["case_no"], conditions=["new_application"])
        self.approve_all("xining", PHARMACY, case["case_no"])
        self.complete("xining", PHARMACY, case["case_no"])
        self.assertTrue(expected.startswith("P630100"))
        self.assertEqual(self.get("xining", "institutions/" + expected)["division"], "630100")

    def test_zz_rebuild_from_events_is_identical(self):
        """Runs last: the registers rebuilt from the events equal those the cases built."""
        self.qinghai_and_xining(9014, 9015)
        out = self.srv.rebuild_registers()
        self.srv.tokens = {}
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        report = json.loads(out.stdout)
        self.assertTrue(report["identical"], report)


class Yunnan(Base):
    FAKE_NOW = "2026-04-01T10:00:00"  # 申报时间: 每季度第一个月的前5个工作日

    def test_yunnan_hospital_through_negotiation_and_publicity(self):
        R = "yunnan"
        expected, taken = self.next_code(R, "H", "530000")
        self.assertIn("H53000000001", taken, "the demo's designated hospital")
        credit = credit_code(9006)
        case = self.submit(R, HOSPITAL, credit, "云南示例医院", conditions=["public"])
        no = case["case_no"]
        self.accept(R, HOSPITAL, no, conditions=["public"])
        steps = [s["step"] for s in self.reviews(R, HOSPITAL)]
        self.assertEqual(steps, ["审核评估", "协商谈判", "结果公示"])
        self.approve_all(R, HOSPITAL, no, {"level": "一级"})
        c = self.case(R, no)
        stages = {k: v for s in c["register_effect"]["stages"] for k, v in s.items()}
        self.assertEqual(stages["publicity"]["step"], "结果公示")
        self.complete(R, HOSPITAL, no)
        inst = self.get(R, "institutions/" + expected)
        self.assertEqual((inst["level"], inst["division"], inst["status"]), ("一级", "530000", "定点"))


if __name__ == "__main__":
    unittest.main()
