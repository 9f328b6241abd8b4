"""生育保险 (issue 8 §4) and Qingdao's wage / fee declarations (§7) through the real HTTP API on a
real database file: the 生育津贴 arithmetic (wage ÷ 30 × days) with the wage from the 初审 clerk
(Qinghai) or from the unit's wage declaration (Qingdao), the maternity fee claims settled on their
fee lines and paid once, Xining's filing after three months of pregnancy, and every refusal."""
import os
import tempfile
import unittest

from jingban_client import Server, citizen_id, credit_code

FAKE_NOW = "2026-03-10T10:00:00"  # a Tuesday


class MaternityTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "jingban.db")
        cls.srv = Server(cls.db, FAKE_NOW).start()
        cls.items, cls.query_codes = {}, {}
        for r in ("qinghai", "xining", "yunnan", "qingdao"):
            st, items = cls.srv.request("GET", "/api/v1/regions/%s/items" % r)
            assert st == 200
            cls.items[r] = {i["code"]: i for i in items}

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    # -- helpers -------------------------------------------------------------------------------
    def tok(self, region, role):
        return self.srv.token("%s_%s" % (region, role))

    def submit(self, region, code, applicant, form, conditions=(), expect=201):
        item = self.items[region][code]
        body = {"region": region, "item_code": code, "channel": "窗口", "applicant": applicant,
                "conditions": list(conditions), "form": form}
        st, case = self.srv.request("POST", "/api/v1/cases", body,
                                    token=self.tok(region, item["flow"][0]["role"]))
        self.assertEqual(st, expect, case)
        if st == 201:
            self.__class__.query_codes[case["case_no"]] = case["query_code"]
        return case.get("case_no") if st == 201 else case

    def act(self, region, no, action, role, expect=200, **body):
        st, out = self.srv.request("POST", "/api/v1/cases/%s/%s" % (no, action), body,
                                   token=self.tok(region, role))
        self.assertEqual(st, expect, out)
        return out

    def accept(self, region, code, no, expect=200):
        item = self.items[region][code]
        return self.act(region, no, "accept", item["flow"][0]["role"], expect=expect,
                        materials={m["id"]: "provided" for m in item["materials"]})

    def case(self, region, no):
        st, c = self.srv.request("GET", "/api/v1/cases/" + no, token=self.tok(region, "supervisor"))
        self.assertEqual(st, 200, c)
        return c

    def drive(self, region, code, no, data=None):
        item = self.items[region][code]
        self.accept(region, code, no)
        for step in item["flow"][1:]:
            if step["kind"] == "review":
                self.act(region, no, "approve", step["role"], data=(data or {}).get(step["step"], {}))
            elif step["kind"] == "pay":
                amount = self.case(region, no)["register_effect"]["payable_fen"]
                self.act(region, no, "pay", step["role"], amount_fen=amount)
            else:
                self.act(region, no, "complete", step["role"])

    def unit(self, region, seq, unit_type="企业"):
        code = credit_code(seq)
        no = self.submit(region, "002036001001", {"kind": "unit", "id_no": code, "name": "生育测试单位%d" % seq},
                         {"unit_type": unit_type, "address": "地址", "legal_representative": "张三",
                          "phone": "09718000000", "bank_account": "6222000011119999"})
        self.drive(region, "002036001001", no)
        return code

    def employee(self, region, unit_code, id_no, name):
        conds = [c["id"] for c in self.items[region]["002036001002"].get("conditions", [])
                 if c["id"] == "employee"]
        no = self.submit(region, "002036001002", {"kind": "unit", "id_no": unit_code, "name": "单位"},
                         {"change": "新增", "start_month": "2020-01",
                          "persons": [{"id_no": id_no, "name": name, "contribution_base_fen": 600000}]},
                         conditions=conds)
        self.drive(region, "002036001002", no)

    def maternity(self, region, id_no):
        st, body = self.srv.request("GET", "/api/v1/regions/%s/persons/%s/maternity" % (region, id_no),
                                    token=self.tok(region, "supervisor"))
        self.assertEqual(st, 200, body)
        return body

    def payments_of(self, region, no):
        st, body = self.srv.request("GET", "/api/v1/regions/%s/payments?month=2026-03" % region,
                                    token=self.tok(region, "supervisor"))
        self.assertEqual(st, 200, body)
        rows = body if isinstance(body, list) else body.get("payments", body.get("items", []))
        return [p for p in rows if p["case_no"] == no]

    # -- Qinghai: 生育津贴 with the 初审 clerk's wage; 机关 excluded; fee claim ---------------------
    def test_qinghai_allowance_from_entered_wage_paid_once(self):
        r = "qinghai"
        u = self.unit(r, 8101)
        mother = citizen_id(802)  # even sequence: female
        self.employee(r, u, mother, "王芳")
        form = {"birth_date": "2026-01-20", "birth_kind": "难产", "babies": 1, "payee_account": "6222"}
        no = self.submit(r, "002036007004", {"kind": "person", "id_no": mother, "name": "王芳"}, form)
        self.accept(r, "002036007004", no)
        # 审核 without the unit's average wage: refused with what to enter.
        err = self.act(r, no, "approve", "reviewer", expect=422)
        self.assertEqual(err["error"]["code"], "wage_required")
        self.act(r, no, "approve", "reviewer", data={"avg_monthly_wage_fen": 600000})
        eff = self.case(r, no)["register_effect"]
        # 6,000.00 元 ÷ 30 × (98 + 15 难产) = 22,600.00 元.
        self.assertEqual(eff["payable_fen"], 2260000)
        self.assertEqual(eff["allowance"]["days"], 113)
        self.assertEqual(eff["wage"]["source"], "初审录入")
        # A different amount is refused without a reason.
        self.act(r, no, "pay", "finance", expect=422, amount_fen=2260001)
        self.act(r, no, "pay", "finance", amount_fen=2260000)
        self.act(r, no, "complete", "window")
        pays = self.payments_of(r, no)
        self.assertEqual([(p["amount_fen"], p["payee_kind"]) for p in pays], [(2260000, "person")])
        m = self.maternity(r, mother)
        benefits = [b for b in m["benefits"] if b["type"] == "allowance"]
        self.assertEqual(len(benefits), 1)
        self.assertEqual((benefits[0]["amount_fen"], benefits[0]["days"]), (2260000, 113))
        # The mother reads her own record through the portal (her case's number and query code),
        # the same figures as staff see; every other combination answers the same 404.
        path = "/api/v1/regions/%s/persons/%s/maternity?case_no=%s"
        code = self.query_codes[no]
        st, mine = self.srv.request("GET", path % (r, mother, no), headers={"X-Query-Code": code})
        self.assertEqual(st, 200, mine)
        self.assertEqual(mine, m)
        for url, qc in ((path % (r, mother, no), "AAAAAAAA"),  # a wrong query code
                        (path % (r, citizen_id(804), no), code),  # another person's record
                        (path % ("yunnan", mother, no), code),  # the case is not of that region
                        ("/api/v1/regions/%s/persons/%s/maternity" % (r, mother), code)):  # no case
            st, err = self.srv.request("GET", url, headers={"X-Query-Code": qc})
            self.assertEqual((st, err["error"]["code"]), (404, "no_such_application"), url)
            self.assertNotIn(mother, str(err))
        st, _ = self.srv.request("GET", path % (r, mother, no))  # no credentials at all
        self.assertEqual(st, 401)
        # The same birth a second time: refused at 受理.
        again = self.submit(r, "002036007004", {"kind": "person", "id_no": mother, "name": "王芳"}, form)
        self.assertEqual(self.accept(r, "002036007004", again, expect=422)["error"]["code"], "already_paid")

    def test_qinghai_no_allowance_for_government_units_and_men(self):
        r = "qinghai"
        gov = self.unit(r, 8102, unit_type="机关")
        civil = citizen_id(804)
        self.employee(r, gov, civil, "李娜")
        form = {"birth_date": "2026-02-01", "birth_kind": "顺产", "babies": 1}
        no = self.submit(r, "002036007004", {"kind": "person", "id_no": civil, "name": "李娜"}, form)
        self.assertEqual(self.accept(r, "002036007004", no, expect=422)["error"]["code"], "unit_type_excluded")
        u = self.unit(r, 8103)
        man = citizen_id(805)  # odd: male
        self.employee(r, u, man, "赵强")
        no = self.submit(r, "002036007004", {"kind": "person", "id_no": man, "name": "赵强"}, form)
        self.assertEqual(self.accept(r, "002036007004", no, expect=422)["error"]["code"], "not_female")
        # Not insured at all.
        nobody = citizen_id(806)
        no = self.submit(r, "002036007004", {"kind": "person", "id_no": nobody, "name": "无名"}, form)
        self.assertEqual(self.accept(r, "002036007004", no, expect=422)["error"]["code"], "not_insured")

    def test_qinghai_medical_claim_settled_on_fee_lines(self):
        r = "qinghai"
        u = self.unit(r, 8104)
        mother = citizen_id(808)
        self.employee(r, u, mother, "陈静")
        form = {"fee_lines": [{"code": "A1", "name": "分娩", "class": "甲", "amount_fen": 300000},
                              {"code": "C1", "name": "单人病房", "class": "丙", "amount_fen": 20000}],
                "hospital_level": 3, "visit_date": "2026-02-10", "birth_date": "2026-02-10",
                "birth_kind": "顺产", "babies": 1, "payee_account": "6222"}
        no = self.submit(r, "002036007002", {"kind": "person", "id_no": mother, "name": "陈静"}, form)
        self.drive(r, "002036007002", no)
        c = self.case(r, no)
        self.assertEqual(c["settlement"]["fund_fen"], 300000)
        self.assertEqual([p["amount_fen"] for p in self.payments_of(r, no)], [300000])
        # A birth more than a year ago is past the claim limit (生育后一年内), at 受理.
        late = dict(form, birth_date="2025-01-05", visit_date="2025-01-05")
        no = self.submit(r, "002036007002", {"kind": "person", "id_no": mother, "name": "陈静"}, late)
        self.assertEqual(self.accept(r, "002036007002", no, expect=422)["error"]["code"], "claim_too_late")

    # -- Xining: filing after three months --------------------------------------------------------
    def test_xining_filing_after_three_months(self):
        r = "xining"
        u = self.unit(r, 8201)
        mother = citizen_id(812, area="630103")
        self.employee(r, u, mother, "马丽")
        app = {"kind": "unit", "id_no": u, "name": "单位"}
        early = self.submit(r, "630100990002", app, {"insured_id_no": mother, "insured_name": "马丽",
                                                     "filing_kind": "生育", "pregnancy_start": "2026-01-15"})
        err = self.accept(r, "630100990002", early, expect=422)
        self.assertEqual(err["error"]["code"], "too_early")
        self.assertIn("2026-04-15", err["error"]["message"])
        no = self.submit(r, "630100990002", app, {"insured_id_no": mother, "insured_name": "马丽",
                                                  "filing_kind": "生育", "pregnancy_start": "2025-11-20"})
        self.drive(r, "630100990002", no)
        filings = self.maternity(r, mother)["filings"]
        self.assertEqual([(f["case_no"], f["status"]) for f in filings], [(no, "有效")])
        dup = self.submit(r, "630100990002", app, {"insured_id_no": mother, "insured_name": "马丽",
                                                   "filing_kind": "生育", "pregnancy_start": "2025-11-25"})
        self.assertEqual(self.accept(r, "630100990002", dup, expect=422)["error"]["code"], "already_filed")

    # -- Qingdao: the wage declaration feeds the allowance; the fee declaration -------------------
    def test_qingdao_wage_declaration_then_allowance(self):
        r = "qingdao"
        u = self.unit(r, 8301)
        mother = citizen_id(822, area="370202")
        self.employee(r, u, mother, "刘洋")
        app = {"kind": "unit", "id_no": u, "name": "单位"}
        form = {"birth_date": "2026-02-01", "birth_kind": "顺产", "babies": 2, "insured_id_no": mother,
                "insured_name": "刘洋"}
        before = self.submit(r, "002036007004", app, form)
        self.assertEqual(self.accept(r, "002036007004", before, expect=422)["error"]["code"],
                         "no_wage_declaration")
        # 2025: 1,440,000.00 元 for 15 employees → 8,000.00 元 a month.
        wd = self.submit(r, "370200990001", app, {"year": 2025, "wage_total_fen": 144000000, "employees": 15})
        self.drive(r, "370200990001", wd)
        st, wages = self.srv.request("GET", "/api/v1/regions/%s/units/%s/wages" % (r, u),
                                     token=self.tok(r, "supervisor"))
        self.assertEqual(st, 200, wages)
        self.assertEqual([(w["year"], w["avg_monthly_wage_fen"]) for w in wages["wages"]], [(2025, 800000)])
        no = self.submit(r, "002036007004", app, form)
        self.drive(r, "002036007004", no)
        eff = self.case(r, no)["register_effect"]
        # 8,000.00 ÷ 30 × (98 + 15 for the second baby) = 30,133.33 元.
        self.assertEqual(eff["payable_fen"], 3013333)
        self.assertEqual(eff["wage"]["source"], "单位工资申报")
        self.assertEqual([(p["payee_kind"], p["amount_fen"]) for p in self.payments_of(r, no)],
                         [("unit", 3013333)])
        fee = self.submit(r, "370200990003", app, {"month": "2026-03", "monthly_base_fen": 500050})
        self.drive(r, "370200990003", fee)
        eff = self.case(r, fee)["register_effect"]
        self.assertEqual(eff["fee"]["assessment"]["total_fen"], 40004 + 10001 + 5001)

    # -- Yunnan: 158 days, paid to the unit ---------------------------------------------------------
    def test_yunnan_158_days_paid_to_the_unit(self):
        r = "yunnan"
        u = self.unit(r, 8401)
        mother = citizen_id(832, area="530102")
        self.employee(r, u, mother, "杨梅")
        app = {"kind": "unit", "id_no": u, "name": "单位"}
        no = self.submit(r, "002036007004", app, {"birth_date": "2026-02-01", "birth_kind": "顺产", "babies": 1,
                                                  "insured_id_no": mother, "insured_name": "杨梅"})
        self.drive(r, "002036007004", no, data={"审核": {"avg_monthly_wage_fen": 300000}})
        # 3,000.00 元 ÷ 30 × 158 = 15,800.00 元, to the unit.
        self.assertEqual(self.case(r, no)["register_effect"]["payable_fen"], 1580000)
        self.assertEqual([p["payee_kind"] for p in self.payments_of(r, no)], ["unit"])


if __name__ == "__main__":
    unittest.main()
