"""Remote-care filings (异地就医备案, 004001–004005 and Qingdao's 异地急诊转住院) and outpatient
chronic / special disease qualifications (门诊慢特病认定, 005000) through the real HTTP API on a
real database file: what 办结 registers, every refusal at 受理, the person's filings and
qualifications with their history (staff, and the applicant through the portal), a claim settled
with the chronic-disease parameters, and the registers rebuilt from the events."""
import json
import os
import re
import tempfile
import unittest

from jingban_client import Server, citizen_id

FAKE_NOW = "2026-03-10T10:00:00"  # a Tuesday
R = "qinghai"
FILING_NO = re.compile(r"^BA630000\d{6}$")


class FilingsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "jingban.db")
        cls.srv = Server(cls.db, FAKE_NOW).start()
        cls.items = {}
        for region in (R, "qingdao"):
            st, items = cls.srv.request("GET", "/api/v1/regions/%s/items" % region)
            assert st == 200
            cls.items[region] = {i["code"]: i for i in items}

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    # -- helpers -------------------------------------------------------------------------------
    def token(self, role, region=R):
        return self.srv.token("%s_%s" % (region, role))

    def submit(self, code, id_no, name, form, region=R, conditions=(), expect=201):
        item = self.items[region][code]
        body = {"region": region, "item_code": code, "channel": "窗口",
                "applicant": {"kind": "person", "id_no": id_no, "name": name, "phone": "13800000000"},
                "conditions": list(conditions), "form": form}
        st, case = self.srv.request("POST", "/api/v1/cases", body, token=self.token(item["flow"][0]["role"], region))
        self.assertEqual(st, expect, case)
        return case["case_no"] if st == 201 else case

    def act(self, no, action, role, region=R, expect=200, **body):
        st, out = self.srv.request("POST", "/api/v1/cases/%s/%s" % (no, action), body,
                                   token=self.token(role, region))
        self.assertEqual(st, expect, out)
        return out

    def accept(self, code, no, region=R, expect=200):
        item = self.items[region][code]
        return self.act(no, "accept", item["flow"][0]["role"], region, expect=expect,
                        materials={m["id"]: "provided" for m in item["materials"]})

    def drive(self, code, no, region=R):
        item = self.items[region][code]
        self.accept(code, no, region)
        for step in item["flow"][1:]:
            action = "approve" if step["kind"] == "review" else "complete"
            self.act(no, action, step["role"], region)

    def get(self, path, region=R, role="supervisor", expect=200, **kw):
        st, body = self.srv.request("GET", "/api/v1/regions/%s/%s" % (region, path),
                                    token=self.token(role, region), **kw)
        self.assertEqual(st, expect, body)
        return body

    def resident(self, seq, name):
        """A 城乡居民 of Qinghai, enrolled by a 001003 case driven to 办结."""
        id_no = citizen_id(seq, "19800101")
        no = self.submit("002036001003", id_no, name, {"identity": "普通居民"})
        self.drive("002036001003", no)
        return id_no

    @staticmethod
    def filing_form(start, **extra):
        form = {"destination": "广东省广州市", "scope": "省外", "start_date": start}
        form.update(extra)
        return form

    # -- filings -------------------------------------------------------------------------------
    def test_long_term_filing_registered_and_overlap_refused(self):
        id_no = self.resident(201, "赵备案")
        no = self.submit("002036004002", id_no, "赵备案", self.filing_form("2026-03-10", hospital="中山大学附属第一医院"))
        self.drive("002036004002", no)
        out = self.get("persons/%s/filings" % id_no)
        self.assertEqual(len(out["filings"]), 1, out)
        f = out["filings"][0]
        self.assertRegex(f["number"], FILING_NO)
        self.assertEqual((f["category"], f["long_term"], f["status"], f["from"], f["to"]),
                         ("异地长期居住", True, "有效", "2026-03-10", None))
        self.assertEqual((f["destination"], f["hospital"], f["case_no"]), ("广东省广州市", "中山大学附属第一医院", no))
        self.assertEqual(f["history"][0]["case_no"], no)
        # A temporary filing inside the long-term one's period: refused at 受理, naming it.
        dup = self.submit("002036004005", id_no, "赵备案", self.filing_form("2026-05-01"))
        err = self.accept("002036004005", dup, expect=422)["error"]
        self.assertEqual(err["code"], "filing_overlap")
        self.assertIn(f["number"], err["message"])
        self.assertIn("期间重叠", err["message"])

    def test_temporary_filing_cancelled_and_long_term_change_too_early(self):
        id_no = self.resident(202, "钱临时")
        no = self.submit("002036004005", id_no, "钱临时", self.filing_form("2026-03-10"))
        self.drive("002036004005", no)
        f = self.get("persons/%s/filings" % id_no)["filings"][0]
        # policy/filings/qinghai.yaml: temporary filings valid 6 months (example).
        self.assertEqual((f["category"], f["long_term"], f["to"]), ("其他临时外出", False, "2026-09-09"))
        cancel = self.submit("002036004005", id_no, "钱临时",
                             self.filing_form("2026-04-01", change="取消备案", filing_no=f["number"]))
        self.drive("002036004005", cancel)
        after = self.get("persons/%s/filings" % id_no)["filings"]
        self.assertEqual(len(after), 1)
        self.assertEqual((after[0]["status"], after[0]["to"], after[0]["ended_by"]), ("已取消", "2026-03-31", cancel))
        self.assertEqual([h["case_no"] for h in after[0]["history"]], [no, cancel])
        # A long-term filing may change only 6 months after it starts (example).
        lt = self.submit("002036004003", id_no, "钱临时", self.filing_form("2026-04-01"))
        self.drive("002036004003", lt)
        number = [x for x in self.get("persons/%s/filings" % id_no)["filings"] if x["status"] == "有效"][0]["number"]
        early = self.submit("002036004003", id_no, "钱临时",
                            self.filing_form("2026-06-01", change="变更", filing_no=number, destination="海南省三亚市"))
        err = self.accept("002036004003", early, expect=422)["error"]
        self.assertEqual(err["code"], "change_too_early")
        self.assertIn("2026-10-01", err["message"])

    def test_refusals_at_acceptance(self):
        stranger = citizen_id(203, "19800101")  # in no register
        no = self.submit("002036004002", stranger, "孙未参保", self.filing_form("2026-03-10"))
        self.assertEqual(self.accept("002036004002", no, expect=422)["error"]["code"], "not_insured")
        id_no = self.resident(204, "李在职")
        no = self.submit("002036004001", id_no, "李在职", self.filing_form("2026-03-10"))
        self.assertEqual(self.accept("002036004001", no, expect=422)["error"]["code"], "not_retired")
        no = self.submit("002036004002", id_no, "李在职", self.filing_form("2026-03-10", category="急诊抢救"))
        self.assertEqual(self.accept("002036004002", no, expect=422)["error"]["code"], "category_mismatch")
        no = self.submit("002036004002", id_no, "李在职",
                         self.filing_form("2026-03-10", change="变更", filing_no="BA630000999999"))
        err = self.accept("002036004002", no, expect=422)["error"]
        self.assertEqual(err["code"], "filing_not_found")
        self.assertNotIn("BA630000999999", err["message"])
        # The form itself: an unknown 登记类别 never reaches 受理.
        st, bad = self.srv.request("POST", "/api/v1/cases", {
            "region": R, "item_code": "002036004002", "channel": "窗口",
            "applicant": {"kind": "person", "id_no": id_no, "name": "李在职"},
            "form": {"start_date": "2026-03-10", "change": "撤销"}}, token=self.token("window"))
        self.assertEqual((st, bad["error"]["code"]), (422, "invalid_form"))

    def test_qingdao_emergency_transfer_filing(self):
        # The demo's 示例人员20, a 城乡居民 of Qingdao (cli/demo.hpp: area 370299, born 2022-05-01,
        # sequence 920); lists mask ID numbers, so the number is built the way the demo builds it.
        person = self.get("persons/" + citizen_id(920, "20220501", "370299"), region="qingdao")
        self.assertEqual(person["insurance_type"], "城乡居民")
        no = self.submit("370200990004", person["id_no"], person["name"],
                         self.filing_form("2026-03-08", destination="北京市"), region="qingdao")
        self.drive("370200990004", no, region="qingdao")
        f = self.get("persons/%s/filings" % person["id_no"], region="qingdao")["filings"][-1]
        self.assertRegex(f["number"], r"^BA370200\d{6}$")
        self.assertEqual((f["category"], f["long_term"], f["from"], f["to"]), ("急诊抢救", False, "2026-03-08", "2026-09-07"))

    def test_portal_applicant_reads_own_filings(self):
        id_no = self.resident(205, "周网办")
        item = self.items[R]["002036004002"]
        st, case = self.srv.request("POST", "/api/v1/cases", {
            "region": R, "item_code": "002036004002", "channel": "网上",
            "applicant": {"kind": "person", "id_no": id_no, "name": "周网办", "phone": "13800000000"},
            "materials": {m["id"]: "provided" for m in item["materials"]},
            "form": self.filing_form("2026-03-10")})
        self.assertEqual(st, 201, case)
        self.drive("002036004002", case["case_no"])
        path = "/api/v1/regions/%s/persons/%s/filings?case_no=%s" % (R, id_no, case["case_no"])
        st, mine = self.srv.request("GET", path, headers={"X-Query-Code": case["query_code"]})
        self.assertEqual(st, 200, mine)
        self.assertEqual(mine["filings"][0]["case_no"], case["case_no"])
        st, err = self.srv.request("GET", path, headers={"X-Query-Code": "AAAAAAAA"})
        self.assertEqual((st, err["error"]["code"]), (404, "no_such_application"))
        other = citizen_id(206, "19800101")  # the query code does not open another person's
        st, _ = self.srv.request("GET", path.replace(id_no, other), headers={"X-Query-Code": case["query_code"]})
        self.assertEqual(st, 404)
        st, _ = self.srv.request("GET", path)  # no credentials at all
        self.assertEqual(st, 401)
        st, _ = self.srv.request("GET", "/api/v1/regions/yunnan/persons/%s/filings" % id_no,
                                 token=self.token("supervisor"))
        self.assertEqual(st, 403)

    # -- qualifications and the claim that reads them --------------------------------------------
    def test_qualification_duplicate_unknown_and_chronic_claim(self):
        id_no = self.resident(207, "吴慢病")
        bad = self.submit("002036005000", id_no, "吴慢病", {"disease_code": "ZZ99", "hospital": "青海省人民医院"})
        err = self.accept("002036005000", bad, expect=422)["error"]
        self.assertEqual(err["code"], "unknown_disease")
        self.assertNotIn("ZZ99", err["message"])
        no = self.submit("002036005000", id_no, "吴慢病", {"disease_code": "H04", "hospital": "青海省人民医院"})
        self.drive("002036005000", no)
        out = self.get("persons/%s/qualifications" % id_no)
        q = out["qualifications"][0]
        self.assertRegex(q["number"], r"^MT630000\d{6}$")
        # policy/diseases/qinghai.yaml: chronic diseases valid 24 months (example), from 办结.
        self.assertEqual((q["disease_code"], q["disease_name"], q["disease_kind"], q["hospital"]),
                         ("H04", "高血压", "chronic", "青海省人民医院"))
        self.assertEqual((q["status"], q["from"], q["to"]), ("有效", "2026-03-10", "2028-03-09"))
        self.assertEqual(q["history"][0]["case_no"], no)
        dup = self.submit("002036005000", id_no, "吴慢病", {"disease_code": "H04", "hospital": "西宁市第一人民医院"})
        err = self.accept("002036005000", dup, expect=422)["error"]
        self.assertEqual(err["code"], "duplicate_qualification")
        self.assertIn(q["number"], err["message"])

        # The same outpatient claim, without and with the qualified disease (qinghai 城乡居民 2026,
        # example parameters): 甲 2000元, 乙 1000元 (10 % first paid), 丙 300元 at a level-2 hospital.
        def claim(extra):
            form = {"fee_lines": [{"code": "A1", "name": "诊查费", "class": "甲", "amount_fen": 200000},
                                  {"code": "B1", "name": "乙类药品", "class": "乙", "amount_fen": 100000},
                                  {"code": "C1", "name": "丙类耗材", "class": "丙", "amount_fen": 30000}],
                    "hospital_level": 2, "visit_date": "2026-03-10"}
            form.update(extra)
            c = self.submit("002036006001", id_no, "吴慢病", form)
            self.accept("002036006001", c)
            self.act(c, "approve", self.items[R]["002036006001"]["flow"][1]["role"])
            st, case = self.srv.request("GET", "/api/v1/cases/" + c, token=self.token("supervisor"))
            return case["settlement"]  # the 结算单 is a top-level field of the case
        # Without: eligible 2900元 − deductible 500元 = 2400元 × 75 % = 1800元.
        self.assertEqual(claim({})["fund_fen"], 180000)
        # With: no deductible, 2900元 × 85 % = 2465元 (chronic_outpatient, example).
        self.assertEqual(claim({"chronic_disease_code": "H04"})["fund_fen"], 246500)
        # A disease the person is not qualified for is refused at 受理.
        c = self.submit("002036006001", id_no, "吴慢病",
                        {"fee_lines": [{"code": "A1", "name": "诊查费", "class": "甲", "amount_fen": 1000}],
                         "hospital_level": 2, "visit_date": "2026-03-10", "chronic_disease_code": "H05"})
        self.assertEqual(self.accept("002036006001", c, expect=422)["error"]["code"], "not_qualified")

    def test_disease_catalogue_is_public(self):
        st, out = self.srv.request("GET", "/api/v1/regions/yunnan/diseases")
        self.assertEqual(st, 200, out)
        kinds = [d["kind"] for d in out["diseases"]]
        self.assertEqual((kinds.count("chronic"), kinds.count("special")), (25, 15))
        self.assertEqual(out["limit_condition"], "special_disease")
        self.assertTrue(out["example"])
        st, xn = self.srv.request("GET", "/api/v1/regions/xining/diseases")  # extends qinghai
        self.assertEqual(st, 200, xn)
        self.assertIn("精神病", [d["name"] for d in xn["diseases"]])

    def test_zz_rebuild_from_events_is_identical(self):
        """Runs last: the filings and qualifications rebuilt from the register log equal those the
        cases built (numbers included: the counter is replayed)."""
        id_no = self.resident(208, "郑重建")
        self.drive("002036004002", self.submit("002036004002", id_no, "郑重建", self.filing_form("2026-03-10")))
        self.drive("002036005000", self.submit("002036005000", id_no, "郑重建",
                                               {"disease_code": "H05", "hospital": "青海省人民医院"}))
        before = self.get("persons/%s/filings" % id_no)["filings"]
        out = self.srv.rebuild_registers()
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        report = json.loads(out.stdout)
        self.assertTrue(report["identical"], report)
        self.assertEqual(self.get("persons/%s/filings" % id_no)["filings"], before)


if __name__ == "__main__":
    unittest.main()
