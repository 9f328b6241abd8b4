"""Issue 8 §5 and §6 of issue 6 through the real HTTP API: (1) a reimbursement claim that names its
institution (form.institution_code) is checked against the institution register at 受理 — unknown,
malformed, outside its agreement, a pharmacy for an inpatient claim — and settled at the register's
level (the demo hospital H63000000001 is 二级): a typed level that differs does not count, and the
结算单 says so; an outpatient claim may come from the designated pharmacy; the registers rebuild
from the events. (2) The one-time notice of a 009001 / 009002 application is owed within 5
working days of the application: GET /cases/{no} shows notice_due_on and its status, on time,
due soon on the day and overdue after it (the server restarted with a later --fake-now) unless a
notice (return at 受理) or the acceptance came first."""
import json
import os
import tempfile
import unittest

from jingban_client import Registers, Server, citizen_id, credit_code, WindowCases

R = "qinghai"
OUTPATIENT, INPATIENT, MATERNITY = "002036006001", "002036006002", "002036007002"
HOSPITAL, PHARMACY = "H63000000001", "P63000000001"
LINES = [{"code": "A001", "name": "床位费", "class": "甲", "amount_fen": 800000},
         {"code": "B001", "name": "乙类药品", "class": "乙", "amount_fen": 200000}]


class Claims(WindowCases, unittest.TestCase):
    REGION = R
    FAKE_NOW = "2026-03-10T10:00:00"  # a Tuesday
    PERSON_SEQ = 8400


    def case(self, no):
        st, c = self.srv.request("GET", "/api/v1/cases/" + no, token=self.srv.token(R + "_supervisor"))
        self.assertEqual(st, 200, c)
        return c

    def settled(self, code, form):
        """A fresh insured resident's claim driven to 办结: its 结算单."""
        app = self.regs.resident(R)
        no = self.submit(code, app, form)
        out = self.regs.drive(R, self.items[code], no)
        self.assertEqual(out["status"], "completed", out)
        return self.case(no)["settlement"]

    def test_a_the_demo_register(self):
        st, body = self.srv.request("GET", "/api/v1/regions/%s/institutions" % R,
                                    token=self.srv.token(R + "_supervisor"))
        self.assertEqual(st, 200, body)
        by_code = {i["code"]: i for i in body["institutions"]}
        self.assertEqual(by_code[HOSPITAL]["level"], "二级")
        self.assertEqual(by_code[HOSPITAL]["status"], "定点")
        self.assertEqual(by_code[PHARMACY]["category"], "零售药店")

    def test_b_the_register_level_settles_and_the_sheet_says_so(self):
        form = {"fee_lines": LINES, "visit_date": "2026-03-05"}
        named = self.settled(INPATIENT, dict(form, institution_code=HOSPITAL, hospital_level=1))
        at_two = self.settled(INPATIENT, dict(form, hospital_level=2))
        at_one = self.settled(INPATIENT, dict(form, hospital_level=1))
        self.assertNotEqual(at_one["fund_fen"], at_two["fund_fen"])  # else nothing is shown
        self.assertEqual(named["fund_fen"], at_two["fund_fen"])
        inst = named["institution"]
        self.assertEqual((inst["code"], inst["level"], inst["typed_level"], inst["registered_level"]),
                         (HOSPITAL, 2, 1, "二级"))
        note = next(s["note"] for s in named["steps"] if s["name"] == "起付线")
        self.assertIn("不予采用", note)
        self.assertIn("二级", note)
        # Without a typed level, the register gives it; claims without a code are as before.
        plain = self.settled(INPATIENT, dict(form, institution_code=HOSPITAL))
        self.assertEqual(plain["fund_fen"], at_two["fund_fen"])
        self.assertEqual(plain["institution"]["note"], "")
        self.assertNotIn("institution", at_two)

    def test_c_refusals_at_acceptance(self):
        app = self.regs.resident(R)
        cases = [("H63000000099", "2026-03-05", "institution_unknown"),
                 ("HX3000000001", "2026-03-05", "institution_code_invalid"),
                 (HOSPITAL, "2025-12-20", "institution_outside_agreement"),
                 (PHARMACY, "2026-03-05", "institution_is_pharmacy")]
        for code, visit, slug in cases:
            no = self.submit(INPATIENT, app, {"fee_lines": LINES, "visit_date": visit,
                                              "institution_code": code, "hospital_level": 2})
            err = self.accept(INPATIENT, no, expect=422)
            self.assertEqual(err["error"]["code"], slug, (code, visit, err))
            if code == "HX3000000001":  # the clerk's message never echoes the input
                self.assertNotIn(code, err["error"]["message"])
        # Neither a code nor a level: the claim cannot be settled.
        no = self.submit(INPATIENT, app, {"fee_lines": LINES, "visit_date": "2026-03-05"})
        self.assertEqual(self.accept(INPATIENT, no, expect=422)["error"]["code"], "invalid_claim")
        # Only 009001 / 009002 cases carry a notice deadline.
        self.assertNotIn("notice_due_on", self.case(no))

    def test_d_an_outpatient_claim_from_the_pharmacy(self):
        form = {"fee_lines": LINES[1:], "visit_date": "2026-03-05", "institution_code": PHARMACY}
        app = self.regs.resident(R)
        no = self.submit(OUTPATIENT, app, form)  # the pharmacy has no level: one must be typed
        self.assertEqual(self.accept(OUTPATIENT, no, expect=422)["error"]["code"], "hospital_level_required")
        s = self.settled(OUTPATIENT, dict(form, hospital_level=1))
        self.assertEqual((s["institution"]["category"], s["institution"]["level"]), ("零售药店", 1))

    def test_e_a_maternity_fee_claim_names_its_hospital(self):
        mother = citizen_id(848, "19940101")  # an even sequence digit: a woman
        self.regs.enrol_employee(R, mother, "陈静")
        form = {"fee_lines": [{"code": "A1", "name": "分娩", "class": "甲", "amount_fen": 300000}],
                "visit_date": "2026-03-05", "birth_date": "2026-03-05", "birth_kind": "顺产", "babies": 1,
                "payee_account": "6222"}
        app = {"kind": "person", "id_no": mother, "name": "陈静", "phone": "13800000000"}
        # A pharmacy does not deliver: refused at 受理, whatever the level.
        no = self.submit(MATERNITY, app, dict(form, institution_code=PHARMACY, hospital_level=1))
        self.assertEqual(self.accept(MATERNITY, no, expect=422)["error"]["code"], "institution_is_pharmacy")
        # The designated hospital, no level typed: settled and paid, the institution recorded.
        no = self.submit(MATERNITY, app, dict(form, institution_code=HOSPITAL))
        out = self.regs.drive(R, self.items[MATERNITY], no)
        self.assertEqual(out["status"], "completed", out)
        c = self.case(no)
        self.assertEqual(c["register_effect"]["payable_fen"], 300000)
        recorded = [e["data"]["maternity"] for e in c["events"] if "maternity" in e["data"]]
        inst = recorded[-1]["institution"]  # the 初审 record of the benefit
        self.assertEqual((inst["code"], inst["level"], inst["typed_level"]), (HOSPITAL, 2, 0))

    def test_z_rebuild_reproduces_the_registers(self):
        out = self.srv.rebuild_registers()
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertTrue(json.loads(out.stdout)["identical"])


class NoticeDeadline(unittest.TestCase):
    """Qingdao's 009001 / 009002 applied on Tuesday 2026-03-10: the notice is owed by 2026-03-17."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.tmp.name, "jingban.db")
        self.srv = Server(self.db, "2026-03-10T10:00:00").start()

    def tearDown(self):
        self.srv.stop()
        self.tmp.cleanup()

    def restart(self, fake_now):
        self.srv.stop()
        self.srv = Server(self.db, fake_now).start()

    def submit(self, code, seq):
        body = {"region": "qingdao", "item_code": code, "channel": "网上",
                "applicant": {"kind": "institution", "id_no": credit_code(seq), "name": "申请机构%d" % seq,
                              "phone": "13800000000"},
                "conditions": [], "form": {}}
        st, case = self.srv.request("POST", "/api/v1/cases", body)
        self.assertEqual(st, 201, case)
        return case["case_no"]

    def act(self, no, action, **body):
        st, out = self.srv.request("POST", "/api/v1/cases/%s/%s" % (no, action), body,
                                   token=self.srv.token("qingdao_window"))
        self.assertEqual(st, 200, out)
        return out

    def materials(self, code):
        st, item = self.srv.request("GET", "/api/v1/regions/qingdao/items/" + code)
        self.assertEqual(st, 200, item)
        return {m["id"]: "provided" for m in item["materials"] if not m.get("when")}

    def notice(self, no):
        st, c = self.srv.request("GET", "/api/v1/cases/" + no, token=self.srv.token("qingdao_supervisor"))
        self.assertEqual(st, 200, c)
        return c.get("notice_due_on"), c.get("notice_answered_on"), c.get("notice_deadline_status")

    def test_notice_due_on_time_due_soon_and_overdue(self):
        silent = self.submit("002036009001", 9401)    # nobody answers it
        noticed = self.submit("002036009002", 9402)   # 一次性告知 at once
        late = self.submit("002036009001", 9403)      # accepted after the limit
        mats = self.materials("002036009002")
        missing = dict(mats, **{next(iter(mats)): "missing"})
        self.act(noticed, "return", materials=missing, comment="材料不全")
        self.assertEqual(self.notice(silent), ("2026-03-17", None, "on_time"))
        self.assertEqual(self.notice(noticed), ("2026-03-17", "2026-03-10", "on_time"))
        st, c = self.srv.request("GET", "/api/v1/cases?region=qingdao&item=002036009001", token=self.srv.token("qingdao_supervisor"))
        self.assertEqual(st, 200, c)
        rows = {r["case_no"]: r for r in c}
        self.assertEqual(rows[silent]["notice_deadline_status"], "on_time")  # the list shows it too

        self.restart("2026-03-17T10:00:00")  # the due day
        self.assertEqual(self.notice(silent), ("2026-03-17", None, "due_soon"))
        self.assertEqual(self.notice(noticed)[2], "on_time")

        self.restart("2026-03-18T10:00:00")  # past it
        self.assertEqual(self.notice(silent), ("2026-03-17", None, "overdue"))
        self.assertEqual(self.notice(noticed)[2], "on_time")
        self.act(late, "accept", materials=self.materials("002036009001"))
        self.assertEqual(self.notice(late), ("2026-03-17", "2026-03-18", "overdue"))


if __name__ == "__main__":
    unittest.main()
