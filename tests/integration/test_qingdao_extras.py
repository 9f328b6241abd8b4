"""Qingdao's 门诊统筹签约 (370200990005) and 应届毕业生 / 退役军人医保待遇资格确认 (370200990006,
370200990007) through the real HTTP API on a real database file: the signing at the community
clinic and online (website, WeChat: the flow the channel chooses), the qualifications applied for
online by the employee, every refusal at 受理, the person's registers read by staff and by the
applicant through the portal, a change of signing a year later (the server restarted with its clock
moved on), and the registers rebuilt from the events."""
import itertools
import json
import os
import tempfile
import unittest

from jingban_client import Registers, Server, citizen_id, person_id

FAKE_NOW = "2026-03-10T10:00:00"  # a Tuesday
A_YEAR_LATER = "2027-03-16T10:00:00"
R = "qingdao"
SIGNING, GRADUATE, VETERAN = "370200990005", "370200990006", "370200990007"
CLINIC = "H37020000001"  # the demo's designated hospital of Qingdao (cli/demo_registers.cpp)
_seq = itertools.count(7100)


class QingdaoExtrasTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "jingban.db")
        cls.srv = Server(cls.db, FAKE_NOW).start()
        st, items = cls.srv.request("GET", "/api/v1/regions/%s/items" % R)
        assert st == 200, items
        cls.items = {i["code"]: i for i in items}
        cls.regs = Registers(cls.srv, {R: items}, _seq)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    # -- helpers -------------------------------------------------------------------------------
    def token(self, role, region=R):
        return self.srv.token("%s_%s" % (region, role))

    def staff_submit(self, code, applicant, form, channel, role):
        body = {"region": R, "item_code": code, "channel": channel, "applicant": applicant, "form": form}
        st, case = self.srv.request("POST", "/api/v1/cases", body, token=self.token(role))
        self.assertEqual(st, 201, case)
        return case

    def online_submit(self, code, applicant, form, channel="网上", expect=201):
        """The applicant themself, no token: the case, with its query code."""
        item = self.items[code]
        body = {"region": R, "item_code": code, "channel": channel, "applicant": applicant,
                "materials": {m["id"]: "provided" for m in item["materials"]}, "form": form}
        st, case = self.srv.request("POST", "/api/v1/cases", body)
        self.assertEqual(st, expect, case)
        return case

    def act(self, no, action, role, expect=200, **body):
        st, out = self.srv.request("POST", "/api/v1/cases/%s/%s" % (no, action), body, token=self.token(role))
        self.assertEqual(st, expect, out)
        return out

    def case(self, no):
        st, c = self.srv.request("GET", "/api/v1/cases/" + no, token=self.token("supervisor"))
        self.assertEqual(st, 200, c)
        return c

    def accept(self, code, no, expect=200):
        """受理 by the role of the case's own (channel-chosen) flow."""
        role = self.case(no)["step"]["role"]
        return self.act(no, "accept", role, expect=expect,
                        materials={m["id"]: "provided" for m in self.items[code]["materials"]})

    def drive(self, code, no):
        out = self.accept(code, no)
        while out["status"] == "in_progress":
            step = out["step"]
            out = self.act(no, "approve" if step["kind"] == "review" else "complete", step["role"])
        self.assertEqual(out["status"], "completed", out)

    def refused(self, code, no):
        """The refusal at 受理: the error object."""
        return self.accept(code, no, expect=422)["error"]

    def get(self, path, role="supervisor", expect=200, **kw):
        st, body = self.srv.request("GET", "/api/v1/regions/%s/%s" % (R, path), token=self.token(role), **kw)
        self.assertEqual(st, expect, body)
        return body

    def resident(self):
        return self.regs.resident(R)

    def employee(self, start_month):
        """A person enrolled as an employee of a registered unit from `start_month`: applicant JSON."""
        n = next(_seq)
        app = {"kind": "person", "id_no": person_id(n), "name": "职工%d" % n, "phone": "13800000000"}
        self.regs.enrol_employee(R, app["id_no"], app["name"], start_month)
        return app

    def sign_on_site(self, app, clinic=CLINIC, doctor="李医生"):
        return self.staff_submit(SIGNING, app, {"institution_code": clinic, "doctor": doctor},
                                 "社区医疗机构", "community_clinic")["case_no"]

    # -- 门诊统筹签约 ---------------------------------------------------------------------------
    def test_signing_at_the_community_clinic(self):
        app = self.resident()
        no = self.sign_on_site(app)
        c = self.case(no)
        self.assertEqual((c["flow_id"], c["step"]["role"]), ("", "community_clinic"))
        self.drive(SIGNING, no)
        out = self.get("persons/%s/outpatient-signing" % app["id_no"])
        cur = out["current"]
        self.assertEqual((cur["institution_code"], cur["institution_name"], cur["doctor"], cur["channel"]),
                         (CLINIC, "青岛市示例医院", "李医生", "社区医疗机构"))
        self.assertEqual((cur["status"], cur["from"], cur["case_no"], cur["replaced_case"]), ("有效", "2026-03-10", no, ""))
        self.assertEqual([h["case_no"] for h in out["history"]], [no])
        self.assertEqual(out["rules"], {"example": True, "source": out["rules"]["source"], "change_min_months": 12})
        # The case view says what the signing registers.
        self.assertEqual(self.case(no)["register_effect"]["signing"]["institution_code"], CLINIC)

    def test_signing_online_on_the_website_and_on_wechat(self):
        for channel, flow_id in (("网上", "website"), ("微信", "wechat")):
            app = self.resident()
            case = self.online_submit(SIGNING, app, {"institution_code": CLINIC, "doctor": "王医生"}, channel)
            c = self.case(case["case_no"])
            self.assertEqual((c["flow_id"], c["step"]["role"]), (flow_id, "window"))
            self.drive(SIGNING, case["case_no"])
            # The applicant reads their own signing with the case's query code.
            path = "/api/v1/regions/%s/persons/%s/outpatient-signing?case_no=%s" % (R, app["id_no"], case["case_no"])
            st, mine = self.srv.request("GET", path, headers={"X-Query-Code": case["query_code"]})
            self.assertEqual(st, 200, mine)
            self.assertEqual((mine["current"]["channel"], mine["current"]["case_no"]), (channel, case["case_no"]))
            st, err = self.srv.request("GET", path, headers={"X-Query-Code": "AAAAAAAA"})
            self.assertEqual((st, err["error"]["code"]), (404, "no_such_application"))
            other = person_id(next(_seq))
            st, _ = self.srv.request("GET", path.replace(app["id_no"], other), headers={"X-Query-Code": case["query_code"]})
            self.assertEqual(st, 404)

    def test_signing_refusals(self):
        stranger = {"kind": "person", "id_no": person_id(next(_seq)), "name": "孙未参保"}
        self.assertEqual(self.refused(SIGNING, self.sign_on_site(stranger))["code"], "not_insured")
        app = self.resident()
        for code, word in (("H37020099999", None), ("P37020000001", "零售药店"), ("H63000000001", None)):
            err = self.refused(SIGNING, self.sign_on_site(app, clinic=code))
            self.assertEqual(err["code"], "institution_not_designated", code)
            self.assertNotIn(code, err["message"])
            if word:
                self.assertIn(word, err["message"])
        # No doctor: the form itself is refused at 申请.
        st, bad = self.srv.request("POST", "/api/v1/cases", {
            "region": R, "item_code": SIGNING, "channel": "社区医疗机构", "applicant": app,
            "form": {"institution_code": CLINIC}}, token=self.token("community_clinic"))
        self.assertEqual((st, bad["error"]["code"]), (422, "invalid_form"))
        first = self.sign_on_site(app)
        self.drive(SIGNING, first)
        err = self.refused(SIGNING, self.sign_on_site(app))
        self.assertEqual(err["code"], "already_signed")
        self.assertIn("2026-03-10", err["message"])
        err = self.refused(SIGNING, self.sign_on_site(app, doctor="赵医生"))
        self.assertEqual(err["code"], "change_too_early")
        self.assertIn("2027-03-10", err["message"])
        self.assertIn("示例参数", err["message"])
        # Still the first signing.
        self.assertEqual(self.get("persons/%s/outpatient-signing" % app["id_no"])["current"]["case_no"], first)

    def test_reads_need_staff_of_the_region_or_the_applicant(self):
        app = self.resident()
        for path in ("outpatient-signing", "benefit-qualifications"):
            st, _ = self.srv.request("GET", "/api/v1/regions/%s/persons/%s/%s" % (R, app["id_no"], path))
            self.assertEqual(st, 401)
            st, err = self.srv.request("GET", "/api/v1/regions/%s/persons/%s/%s" % (R, app["id_no"], path),
                                       token=self.token("supervisor", "qinghai"))
            self.assertEqual((st, err["error"]["code"]), (403, "wrong_region"))
            st, err = self.srv.request("GET", "/api/v1/regions/%s/persons/12345/%s" % (R, path),
                                       token=self.token("supervisor"))
            self.assertEqual(st, 422, err)
        empty = self.get("persons/%s/outpatient-signing" % app["id_no"])
        self.assertEqual((empty["current"], empty["history"]), (None, []))
        self.assertEqual(self.get("persons/%s/benefit-qualifications" % app["id_no"])["qualifications"], [])

    # -- 待遇资格确认 ---------------------------------------------------------------------------
    def test_graduate_and_veteran_qualifications_online(self):
        app = self.employee("2026-03")
        g = self.online_submit(GRADUATE, app, {"graduation_year": 2026, "school": "青岛大学"})
        self.assertEqual(self.case(g["case_no"])["step"]["role"], "window")
        self.drive(GRADUATE, g["case_no"])
        v = self.online_submit(VETERAN, app, {"discharge_date": "2025-06-15", "discharge_kind": "退伍军人"}, "微信")
        self.drive(VETERAN, v["case_no"])
        out = self.get("persons/%s/benefit-qualifications" % app["id_no"])
        by = {q["category"]: q for q in out["qualifications"]}
        self.assertEqual(sorted(by), ["graduate", "veteran"])
        gq, vq = by["graduate"], by["veteran"]
        self.assertEqual((gq["category_name"], gq["graduation_year"], gq["discharge_date"]), ("应届毕业生", 2026, None))
        self.assertEqual((gq["enrolment_month"], gq["window_from"], gq["window_to"]), ("2026-03", "2026-01", "2026-12"))
        self.assertEqual((gq["status"], gq["from"], gq["to"], gq["confirmed_on"], gq["case_no"]),
                         ("有效", "2026-03-01", None, "2026-03-10", g["case_no"]))
        self.assertEqual((vq["category_name"], vq["discharge_date"], vq["window_from"], vq["window_to"]),
                         ("退役军人", "2025-06-15", "2025-06", "2026-06"))
        self.assertEqual(vq["history"][0]["case_no"], v["case_no"])
        # The applicant reads their own through the portal.
        path = "/api/v1/regions/%s/persons/%s/benefit-qualifications?case_no=%s" % (R, app["id_no"], v["case_no"])
        st, mine = self.srv.request("GET", path, headers={"X-Query-Code": v["query_code"]})
        self.assertEqual(st, 200, mine)
        self.assertEqual(len(mine["qualifications"]), 2)
        # One per person and category.
        dup = self.online_submit(GRADUATE, app, {"graduation_year": 2026})
        err = self.refused(GRADUATE, dup["case_no"])
        self.assertEqual(err["code"], "duplicate_benefit_qualification")
        self.assertIn(g["case_no"], err["message"])

    def test_qualification_refusals(self):
        app = self.employee("2026-03")
        cases = [
            (GRADUATE, {"graduation_year": 2025}, "outside_enrolment_window", ["2026-03", "2025 年"]),
            (GRADUATE, {"graduation_year": 2027}, "graduation_in_future", []),
            (VETERAN, {"discharge_date": "2024-12-01"}, "outside_enrolment_window", ["2024-12 至 2025-12", "2026-03"]),
            (VETERAN, {"discharge_date": "2026-03-11"}, "discharge_in_future", []),
        ]
        for code, form, slug, words in cases:
            no = self.online_submit(code, app, form)["case_no"]
            err = self.refused(code, no)
            self.assertEqual(err["code"], slug, form)
            for w in words:
                self.assertIn(w, err["message"])
        resident = self.resident()  # a 城乡居民, not an employee
        err = self.refused(GRADUATE, self.online_submit(GRADUATE, resident, {"graduation_year": 2026})["case_no"])
        self.assertEqual(err["code"], "not_employee_insured")
        stranger = {"kind": "person", "id_no": person_id(next(_seq)), "name": "无参保"}
        err = self.refused(VETERAN, self.online_submit(VETERAN, stranger, {"discharge_date": "2025-06-15"})["case_no"])
        self.assertEqual(err["code"], "not_employee_insured")
        # The form: the graduation year is required, the discharge date must be a date.
        self.online_submit(GRADUATE, app, {}, expect=422)
        self.online_submit(VETERAN, app, {"discharge_date": "2025-13-01"}, expect=422)
        self.assertEqual(self.get("persons/%s/benefit-qualifications" % app["id_no"])["qualifications"], [])

    # -- a year later, and the rebuild ---------------------------------------------------------
    def test_zz_change_a_year_later_then_rebuild_is_identical(self):
        """Runs last: the server restarts with its clock a year on, the signing changes doctor,
        then the registers rebuilt from the register log equal those the cases built."""
        app = self.resident()
        first = self.sign_on_site(app)
        self.drive(SIGNING, first)
        emp = self.employee("2026-03")
        self.drive(GRADUATE, self.online_submit(GRADUATE, emp, {"graduation_year": 2026})["case_no"])
        self.srv.stop()
        self.srv.fake_now = A_YEAR_LATER
        self.srv.tokens = {}
        self.srv.start()
        second = self.online_submit(SIGNING, app, {"institution_code": CLINIC, "doctor": "赵医生"}, "微信")["case_no"]
        self.drive(SIGNING, second)
        out = self.get("persons/%s/outpatient-signing" % app["id_no"])
        cur = out["current"]
        self.assertEqual((cur["doctor"], cur["from"], cur["channel"], cur["case_no"], cur["replaced_case"]),
                         ("赵医生", "2027-03-16", "微信", second, first))
        self.assertEqual([h["case_no"] for h in out["history"]], [first, second])
        self.assertEqual(out["history"][1]["changes"]["data.doctor"], {"before": "李医生", "after": "赵医生"})
        before = (out, self.get("persons/%s/benefit-qualifications" % emp["id_no"]))
        run = self.srv.rebuild_registers()
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        report = json.loads(run.stdout)
        self.assertTrue(report["identical"], report)
        after = (self.get("persons/%s/outpatient-signing" % app["id_no"]),
                 self.get("persons/%s/benefit-qualifications" % emp["id_no"]))
        self.assertEqual(after, before)


if __name__ == "__main__":
    unittest.main()
