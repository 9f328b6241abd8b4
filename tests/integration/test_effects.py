"""Register effects through the real HTTP API on a real database file: each item of the issue
"Registers I" changes the registers when it should, refuses early when it cannot, and the
registers rebuilt from the events equal those built by the cases."""
import json
import os
import tempfile
import unittest

from jingban_client import Server, citizen_id, credit_code

FAKE_NOW = "2026-03-10T10:00:00"  # a Tuesday
R = "qinghai"


class EffectsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "jingban.db")
        cls.srv = Server(cls.db, FAKE_NOW).start()
        st, items = cls.srv.request("GET", "/api/v1/regions/%s/items" % R)
        assert st == 200
        cls.items = {i["code"]: i for i in items}

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    # -- helpers -------------------------------------------------------------------------------
    def staff(self, role, second=False):
        return "%s_%s%s" % (R, role, "_2" if second else "")

    def submit(self, code, applicant, form, conditions=()):
        item = self.items[code]
        body = {"region": R, "item_code": code, "channel": "窗口", "applicant": applicant,
                "conditions": list(conditions), "form": form}
        st, case = self.srv.request("POST", "/api/v1/cases", body,
                                    token=self.srv.token(self.staff(item["flow"][0]["role"])))
        self.assertEqual(st, 201, case)
        return case["case_no"]

    def act(self, no, action, role, expect=200, second=False, **body):
        st, out = self.srv.request("POST", "/api/v1/cases/%s/%s" % (no, action), body,
                                   token=self.srv.token(self.staff(role, second)))
        self.assertEqual(st, expect, out)
        return out

    def accept(self, code, no, expect=200):
        item = self.items[code]
        return self.act(no, "accept", item["flow"][0]["role"], expect=expect,
                        materials={m["id"]: "provided" for m in item["materials"]})

    def case(self, no):
        st, c = self.srv.request("GET", "/api/v1/cases/" + no, token=self.srv.token(self.staff("supervisor")))
        self.assertEqual(st, 200, c)
        return c

    def drive(self, code, no, data=None, pay=None):
        """From 受理 to 办结; `data` by review step name; `pay` the amount (default: the payable)."""
        item = self.items[code]
        self.accept(code, no)
        out = None
        for step in item["flow"][1:]:
            if step["kind"] == "review":
                out = self.act(no, "approve", step["role"], data=(data or {}).get(step["step"], {}))
            elif step["kind"] == "pay":
                amount = pay if pay is not None else self.case(no)["register_effect"]["payable_fen"]
                out = self.act(no, "pay", step["role"], amount_fen=amount)
            else:
                out = self.act(no, "complete", step["role"])
        return out

    def get(self, path, role="supervisor", expect=200):
        st, body = self.srv.request("GET", "/api/v1/regions/%s/%s" % (R, path),
                                    token=self.srv.token(self.staff(role)))
        self.assertEqual(st, expect, body)
        return body

    def unit(self, seq, name="测试单位"):
        code = credit_code(seq)
        no = self.submit("002036001001", {"kind": "unit", "id_no": code, "name": name},
                         {"unit_type": "企业", "address": "西宁市城西区", "legal_representative": "张三",
                          "phone": "09718000000", "bank_account": "6222000011112222"})
        self.drive("002036001001", no)
        return code, no

    def employee(self, unit_code, id_no, name, start="2006-01"):
        no = self.submit("002036001002", {"kind": "unit", "id_no": unit_code, "name": "测试单位"},
                         {"change": "新增", "start_month": start,
                          "persons": [{"id_no": id_no, "name": name, "contribution_base_fen": 600000}]},
                         conditions=["employee"])
        self.drive("002036001002", no)
        return no

    def resident(self, id_no, name, identity="普通居民"):
        no = self.submit("002036001003", {"kind": "person", "id_no": id_no, "name": name, "phone": "13800000000"},
                         {"identity": identity})
        self.drive("002036001003", no)
        return no

    # -- 001001 / 001004 units -----------------------------------------------------------------
    def test_unit_registration_change_and_refusals(self):
        code, no = self.unit(101, "青海测试有限公司")
        u = self.get("units/" + code)
        self.assertEqual((u["name"], u["type"], u["status"]), ("青海测试有限公司", "企业", "正常"))
        self.assertEqual(u["history"][0]["case_no"], no)
        # A second registration of the same credit code is refused at 受理.
        dup = self.submit("002036001001", {"kind": "unit", "id_no": code, "name": "重复"},
                          {"unit_type": "企业", "address": "地址", "legal_representative": "李四",
                           "phone": "09718000001"})
        err = self.accept("002036001001", dup, expect=422)
        self.assertEqual(err["error"]["code"], "duplicate_unit")
        # A change of address (not a key field) goes through; the history keeps before and after.
        ch = self.submit("002036001004", {"kind": "unit", "id_no": code, "name": "青海测试有限公司"},
                         {"address": "西宁市城东区"})
        self.drive("002036001004", ch)
        u = self.get("units/" + code)
        self.assertEqual(u["address"], "西宁市城东区")
        last = u["history"][-1]
        self.assertEqual(last["case_no"], ch)
        self.assertEqual(last["changes"]["address"], {"before": "西宁市城区" if False else "西宁市城西区",
                                                      "after": "西宁市城东区"})
        # A key field (the legal representative) without the key-change condition: refused.
        key = self.submit("002036001004", {"kind": "unit", "id_no": code, "name": "青海测试有限公司"},
                          {"legal_representative": "王五"})
        self.assertEqual(self.accept("002036001004", key, expect=422)["error"]["code"], "key_change_material")
        # Nothing changes: refused. A unit that is not registered: refused.
        same = self.submit("002036001004", {"kind": "unit", "id_no": code, "name": "青海测试有限公司"},
                           {"address": "西宁市城东区"})
        self.assertEqual(self.accept("002036001004", same, expect=422)["error"]["code"], "nothing_to_change")
        ghost = self.submit("002036001004", {"kind": "unit", "id_no": credit_code(199), "name": "无此单位"},
                            {"address": "某地"})
        self.assertEqual(self.accept("002036001004", ghost, expect=422)["error"]["code"], "unit_not_found")

    # -- 001002 employees, 在职转退休 -------------------------------------------------------------
    def test_employee_enrolment_and_retirement_arrears_loop(self):
        code, _ = self.unit(102)
        person = citizen_id(11, "19660301")  # 17th digit odd: 男
        self.employee(code, person, "赵六")
        p = self.get("persons/" + person)
        self.assertEqual((p["insurance_type"], p["unit"], p["status"], p["sex"]), ("职工", code, "参保缴费", "男"))
        self.assertEqual(p["enrolments"], [{"from": "2006-01", "to": "", "status": "参保缴费",
                                            "insurance_type": "职工", "unit": code}])
        # 新增 again: already enrolled, refused at 受理.
        again = self.submit("002036001002", {"kind": "unit", "id_no": code, "name": "测试单位"},
                            {"change": "新增", "start_month": "2026-03",
                             "persons": [{"id_no": person, "name": "赵六", "contribution_base_fen": 600000}]},
                            conditions=["employee"])
        self.assertEqual(self.accept("002036001002", again, expect=422)["error"]["code"], "already_enrolled")
        # A unit that is not registered cannot enrol anyone.
        stranger = self.submit("002036001002", {"kind": "unit", "id_no": credit_code(198), "name": "未登记"},
                               {"change": "新增", "start_month": "2026-03",
                                "persons": [{"id_no": citizen_id(12), "name": "某", "contribution_base_fen": 1}]},
                               conditions=["employee"])
        self.assertEqual(self.accept("002036001002", stranger, expect=422)["error"]["code"], "unit_not_found")

        # 在职转退休 from 2026-04: 2006-01 … 2026-03 is 243 months; 25 years (example policy) are
        # 300; 57 missing → 5 years. 初审 enters 3: 复审 sends the case back to 初审 by itself.
        ret = self.submit("002036001002", {"kind": "unit", "id_no": code, "name": "测试单位"},
                          {"change": "在职转退休", "start_month": "2026-04",
                           "persons": [{"id_no": person, "name": "赵六", "contribution_base_fen": 600000}]},
                          conditions=["retirement"])
        self.accept("002036001002", ret)
        err = self.act(ret, "approve", "reviewer", expect=422)  # 初审 must enter the figure
        self.assertEqual(err["error"]["code"], "arrears_required")
        self.act(ret, "approve", "reviewer", data={"missing_contribution_years": 3})
        back = self.act(ret, "approve", "senior_reviewer")
        c = self.case(ret)
        self.assertEqual(c["step"]["name"], "初审")
        last = c["events"][-1]
        self.assertEqual(last["action"], "send_back")
        self.assertIn("不一致", last["comment"])
        self.assertEqual(c["register_effect"]["arrears"]["missing_years"], 5)
        self.assertNotIn("arrears_notice", c["register_effect"])
        # 初审 enters 5: 复审 passes, the 补缴通知单 is produced, 办结 makes the person retired.
        self.act(ret, "approve", "reviewer", data={"missing_contribution_years": 5})
        self.act(ret, "approve", "senior_reviewer")
        c = self.case(ret)
        notice = c["register_effect"]["arrears_notice"]
        self.assertEqual((notice["title"], notice["missing_years"], notice["contribution_months"]),
                         ("补缴通知单", 5, 243))
        self.act(ret, "complete", self.items["002036001002"]["flow"][-1]["role"])
        self.assertEqual(self.get("persons/" + person)["employment"], "退休")
        del back

    # -- 001003 residents ----------------------------------------------------------------------
    def test_resident_enrolment_and_duplicate(self):
        person = citizen_id(21, "19900101")
        no = self.resident(person, "钱七", "低保")
        p = self.get("persons/" + person)
        self.assertEqual((p["insurance_type"], p["identities"], p["status"]), ("城乡居民", ["低保"], "参保缴费"))
        self.assertEqual(p["enrolments"][0]["from"], "2026-03")
        self.assertEqual(p["history"][0]["case_no"], no)
        again = self.submit("002036001003", {"kind": "person", "id_no": person, "name": "钱七", "phone": "13800000000"},
                            {"identity": "低保"})
        self.assertEqual(self.accept("002036001003", again, expect=422)["error"]["code"], "already_enrolled")

    # -- 006001 reimbursement ------------------------------------------------------------------
    def test_reimbursement_settlement_and_payment(self):
        person = citizen_id(31, "19800101")
        self.resident(person, "孙八")
        form = {"fee_lines": [{"code": "A001", "name": "检查费", "class": "甲", "amount_fen": 300000},
                              {"code": "B001", "name": "乙类药品", "class": "乙", "amount_fen": 100000},
                              {"code": "C001", "name": "丙类药品", "class": "丙", "amount_fen": 50000}],
                "hospital_level": 2, "visit_date": "2026-03-05"}
        code = "002036006001"
        no = self.submit(code, {"kind": "person", "id_no": person, "name": "孙八", "phone": "13800000000"}, form)
        self.accept(code, no)
        self.assertIsNone(self.case(no).get("settlement"))
        self.act(no, "approve", self.items[code]["flow"][1]["role"])
        c = self.case(no)
        s = c["settlement"]
        self.assertEqual(s["total_fen"], 450000)
        self.assertEqual(s["fund_fen"] + s["serious_illness_fen"] + s["assistance_fen"] + s["personal_fen"],
                         s["total_fen"])
        self.assertGreater(s["fund_fen"], 0)
        self.assertTrue(s["steps"] and len(s["lines"]) == 3)
        payable = s["fund_fen"] + s["serious_illness_fen"] + s["assistance_fen"]
        self.assertEqual(c["register_effect"]["payable_fen"], payable)
        pay_role = self.items[code]["flow"][2]["role"]
        # A different amount is refused unless a reason is recorded.
        err = self.act(no, "pay", pay_role, expect=422, amount_fen=payable + 100)
        self.assertEqual(err["error"]["code"], "amount_differs")
        self.act(no, "pay", pay_role, amount_fen=payable)
        self.act(no, "complete", self.items[code]["flow"][3]["role"])
        pays = self.get("payments?month=2026-03", role="finance")
        mine = [p for p in pays["payments"] if p["case_no"] == no]
        self.assertEqual(len(mine), 1)
        self.assertEqual((mine[0]["amount_fen"], mine[0]["payee_kind"]), (payable, "person"))
        # Not insured: refused at 受理.
        stranger = citizen_id(32, "19800101")
        no2 = self.submit(code, {"kind": "person", "id_no": stranger, "name": "周九", "phone": "13800000000"}, form)
        self.assertEqual(self.accept(code, no2, expect=422)["error"]["code"], "not_insured")

    # -- 002003 personal account withdrawal ----------------------------------------------------
    def test_account_withdrawal_closes_at_zero(self):
        code, _ = self.unit(103)
        person = citizen_id(41, "19700101")
        self.employee(code, person, "吴十", start="2020-01")
        # No account yet: refused at 受理.
        form = {"reason": "出国定居", "payee_account": "6222000099998888"}
        code_w = "002036002003"
        early = self.submit(code_w, {"kind": "person", "id_no": person, "name": "吴十", "phone": "13800000000"},
                            form, conditions=["personal_path"])
        self.assertEqual(self.accept(code_w, early, expect=422)["error"]["code"], "no_account")
        # The monthly credits (划入) by finance.
        csv = "id_no,amount_fen,month\n%s,30000,2026-01\n%s,20000,2026-02\n%s,5,2026-02\n" % (
            person, person, citizen_id(42))
        st, rep = self.srv.request("POST", "/api/v1/regions/%s/imports/account-credits" % R, raw=csv.encode(),
                                   token=self.srv.token(self.staff("finance")), headers={"Content-Type": "text/csv"})
        self.assertEqual(st, 201, rep)
        self.assertEqual(rep["accepted"], 2)
        self.assertEqual([r["row"] for r in rep["rejected"]], [4])
        self.assertEqual(self.get("accounts/" + person)["balance_fen"], 50000)
        no = self.submit(code_w, {"kind": "person", "id_no": person, "name": "吴十", "phone": "13800000000"},
                         form, conditions=["personal_path"])
        self.drive(code_w, no)  # pays the payable figure: the whole balance
        acc = self.get("accounts/" + person)
        self.assertEqual((acc["balance_fen"], acc["status"]), (0, "已销户"))
        self.assertEqual(acc["entries"][-1]["amount_fen"], -50000)
        pays = self.get("payments?month=2026-03", role="finance")
        self.assertEqual([p["amount_fen"] for p in pays["payments"] if p["case_no"] == no], [50000])
        # Again: the account is closed.
        again = self.submit(code_w, {"kind": "person", "id_no": person, "name": "吴十", "phone": "13800000000"},
                            form, conditions=["personal_path"])
        self.assertEqual(self.accept(code_w, again, expect=422)["error"]["code"], "no_account")

    # -- 002002 record query ---------------------------------------------------------------------
    def test_person_query_keeps_the_record(self):
        person = citizen_id(51, "19850101")
        self.resident(person, "郑十一")
        no = self.submit("002036002002", {"kind": "person", "id_no": person, "name": "郑十一", "phone": "13800000000"},
                         {})
        self.drive("002036002002", no)
        rec = self.case(no)["register_effect"]["record"]
        self.assertEqual((rec["insurance_type"], rec["status"]), ("城乡居民", "参保缴费"))
        ghost = self.submit("002036002002", {"kind": "person", "id_no": citizen_id(52), "name": "无", "phone": "13800000000"},
                            {})
        self.assertEqual(self.accept("002036002002", ghost, expect=422)["error"]["code"], "person_not_found")

    # -- the registers are a projection of the events -----------------------------------------
    def test_zz_rebuild_from_events_is_identical(self):
        """Runs last (alphabetical order): with the server stopped, every register is emptied and
        rebuilt from the register log; the result equals what the cases built."""
        code, _ = self.unit(104)
        person = citizen_id(71, "19720101")
        self.employee(code, person, "冯十三", start="2019-01")
        self.resident(citizen_id(72, "19720101"), "陈十四")
        csv = "id_no,amount_fen,month\n%s,12345,2026-02\n" % person
        st, rep = self.srv.request("POST", "/api/v1/regions/%s/imports/account-credits" % R, raw=csv.encode(),
                                   token=self.srv.token(self.staff("finance")), headers={"Content-Type": "text/csv"})
        self.assertEqual(st, 201, rep)
        out = self.srv.rebuild_registers()
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        report = json.loads(out.stdout)
        self.assertTrue(report["identical"], report)
        self.assertEqual(report["before_sha256"], report["after_sha256"])
        # At least what this test made itself (run alone) — with the class, every scenario's.
        self.assertGreaterEqual(report["events"], 3)
        self.assertGreaterEqual(report["batches"], 1)
        # What was there before is still there, through the API.
        st, _ = self.srv.request("GET", "/healthz")
        self.assertEqual(st, 200)

    # -- 008001 premium subsidy ------------------------------------------------------------------
    def test_assistance_subsidy(self):
        person = citizen_id(61, "19750101")
        self.resident(person, "王十二", "低保")
        code = "002036008001"
        no = self.submit(code, {"kind": "person", "id_no": person, "name": "王十二", "phone": "13800000000"}, {})
        self.drive(code, no)
        again = self.submit(code, {"kind": "person", "id_no": person, "name": "王十二", "phone": "13800000000"}, {})
        self.assertEqual(self.accept(code, again, expect=422)["error"]["code"], "already_subsidised")
        plain = citizen_id(62, "19750101")
        self.resident(plain, "普通人")
        no3 = self.submit(code, {"kind": "person", "id_no": plain, "name": "普通人", "phone": "13800000000"}, {})
        self.assertEqual(self.accept(code, no3, expect=422)["error"]["code"], "not_assistance_recipient")


if __name__ == "__main__":
    unittest.main()
