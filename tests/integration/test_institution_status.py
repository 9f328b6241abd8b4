"""A designated institution's status over time through the real HTTP API (issue 8 leftovers):
POST /api/v1/regions/{region}/institutions/{code}/status by a 复审 staff member suspends (暂停),
restores (定点) or ends (解除) the demo hospital's agreement from a date; a reimbursement or
maternity claim naming it is checked against the status in force on its visit date (a visit the
day before the suspension settles, one on its first day is refused at 受理); 解除 is final; every
refusal of the route; the Idempotency-Key; the change in the institution's history (who, when,
why); and the registers rebuilt from the log reproduce it."""
import json
import unittest
from urllib.parse import quote

from jingban_client import citizen_id, WindowCases

R = "qinghai"
INPATIENT, MATERNITY = "002036006002", "002036007002"
HOSPITAL, PHARMACY = "H63000000001", "P63000000001"  # the demo's, agreements from 2026-01-01
LINES = [{"code": "A001", "name": "床位费", "class": "甲", "amount_fen": 800000}]
SUPERVISOR = R + "_senior_reviewer"  # 复审人员: who may change a status
SUSPEND_ON, RESTORE_ON = "2026-03-05", "2026-03-08"


class InstitutionStatus(WindowCases, unittest.TestCase):
    REGION = R
    FAKE_NOW = "2026-03-10T10:00:00"
    PERSON_SEQ = 8600


    # -- helpers ----------------------------------------------------------------------------------
    def change(self, code, body, user=SUPERVISOR, region=R, key=None, expect=200):
        headers = {"Idempotency-Key": key} if key else None
        st, out = self.srv.request("POST", "/api/v1/regions/%s/institutions/%s/status" % (region, code),
                                   body, token=self.srv.token(user) if user else None, headers=headers)
        self.assertEqual(st, expect, out)
        return out

    def refused(self, code, body, expect, slug, **kw):
        err = self.change(code, body, expect=expect, **kw)["error"]
        self.assertEqual(err["code"], slug, (body, err))
        return err

    def institution(self, code):
        st, out = self.srv.request("GET", "/api/v1/regions/%s/institutions/%s" % (R, code),
                                   token=self.srv.token(R + "_supervisor"))
        self.assertEqual(st, 200, out)
        return out

    def claim(self, visit):
        """An inpatient claim at the demo hospital: its case number."""
        return self.submit(INPATIENT, self.regs.resident(R),
                           {"fee_lines": LINES, "visit_date": visit, "institution_code": HOSPITAL})

    def settles(self, visit):
        no = self.claim(visit)
        out = self.regs.drive(R, self.items[INPATIENT], no)
        self.assertEqual(out["status"], "completed", (visit, out))
        st, c = self.srv.request("GET", "/api/v1/cases/" + no, token=self.srv.token(R + "_supervisor"))
        self.assertEqual(c["settlement"]["institution"]["code"], HOSPITAL)

    def refused_at_acceptance(self, visit):
        err = self.accept(INPATIENT, self.claim(visit), expect=422)["error"]
        self.assertEqual(err["code"], "institution_not_designated", (visit, err))
        return err

    # -- the tests, in order (a_, b_ …: each builds on the status the previous left) --------------
    def test_a_suspend_then_claims_by_visit_date(self):
        out = self.change(HOSPITAL, {"status": "暂停", "reason": "违规结算，暂停服务协议",
                                     "effective_on": SUSPEND_ON})
        self.assertEqual(out["status"], "暂停")
        self.assertEqual(out["code"], HOSPITAL)
        change = out["status_changes"][-1]
        self.assertEqual((change["status"], change["before"], change["effective_on"], change["by"]),
                         ("暂停", "定点", SUSPEND_ON, SUPERVISOR))
        self.assertEqual(change["reason"], "违规结算，暂停服务协议")
        self.assertTrue(change["at"].startswith("2026-03-10T10:00"), change)
        # The day before the suspension still settles; its first day and later are refused.
        self.settles("2026-03-04")
        err = self.refused_at_acceptance(SUSPEND_ON)
        self.assertIn("暂停", err["message"])
        self.assertIn(SUSPEND_ON, err["message"])
        self.refused_at_acceptance("2026-03-09")
        # The register's list shows it suspended; its history names the change.
        st, body = self.srv.request("GET", "/api/v1/regions/%s/institutions?status=%s" % (R, quote("暂停")),
                                    token=self.srv.token(R + "_supervisor"))
        self.assertEqual([i["code"] for i in body["institutions"]], [HOSPITAL])
        detail = self.institution(HOSPITAL)
        last = detail["history"][-1]
        self.assertIsNone(last["case_no"])
        self.assertRegex(last["import_batch"], r"^institution-status-\d+$")
        self.assertEqual(last["changes"]["status"], {"before": "定点", "after": "暂停"})
        self.assertEqual(detail["status_changes"], out["status_changes"])

    def test_b_a_maternity_claim_during_the_suspension_is_refused(self):
        mother = citizen_id(868, "19940101")  # an even sequence digit: a woman
        self.regs.enrol_employee(R, mother, "陈静")
        form = {"fee_lines": [{"code": "A1", "name": "分娩", "class": "甲", "amount_fen": 300000}],
                "visit_date": "2026-03-06", "birth_date": "2026-03-06", "birth_kind": "顺产", "babies": 1,
                "payee_account": "6222", "institution_code": HOSPITAL}
        app = {"kind": "person", "id_no": mother, "name": "陈静", "phone": "13800000000"}
        no = self.submit(MATERNITY, app, form)
        err = self.accept(MATERNITY, no, expect=422)["error"]
        self.assertEqual(err["code"], "institution_not_designated", err)

    def test_c_restore_then_the_suspension_stays_in_the_past(self):
        out = self.change(HOSPITAL, {"status": "定点", "reason": "整改完成，恢复定点",
                                     "effective_on": RESTORE_ON})
        self.assertEqual(out["status"], "定点")
        self.assertEqual([c["status"] for c in out["status_changes"]], ["暂停", "定点"])
        self.settles("2026-03-04")             # before: payable
        self.refused_at_acceptance("2026-03-07")  # during: still refused
        self.settles(RESTORE_ON)                # from the restoration on: payable again

    def test_d_every_refusal_of_the_route(self):
        ok = {"status": "暂停", "reason": "核查", "effective_on": "2026-03-09"}
        # Who: signed in, of the region, a 复审 role.
        st, out = self.srv.request("POST", "/api/v1/regions/%s/institutions/%s/status" % (R, HOSPITAL), ok)
        self.assertEqual(st, 401, out)
        self.refused(HOSPITAL, ok, 403, "wrong_region", user="yunnan_senior_reviewer")
        self.refused(HOSPITAL, ok, 403, "wrong_region", region="yunnan")  # qinghai staff, yunnan path
        self.refused(HOSPITAL, ok, 403, "role_required", user=R + "_window")
        self.refused(HOSPITAL, ok, 403, "role_required", user=R + "_reviewer")
        # What: a well-formed code of an institution of the register.
        self.refused("H6300000000X", ok, 400, "bad_request")
        self.refused("H63000000099", ok, 404, "institution_not_found")
        self.refused(HOSPITAL, dict(ok, reason=5), 400, "bad_request")
        # The request itself.
        self.refused(HOSPITAL, dict(ok, status="suspended"), 422, "institution_status_invalid")
        self.refused(HOSPITAL, {"status": "暂停", "effective_on": "2026-03-09"}, 422, "reason_required")
        self.refused(HOSPITAL, dict(ok, reason="   "), 422, "reason_required")
        self.refused(HOSPITAL, dict(ok, reason="因" * 201), 422, "reason_too_long")
        for bad in ("2026-02-30", "2026/03/09", "明天", ""):
            err = self.refused(HOSPITAL, dict(ok, effective_on=bad), 422, "effective_on_invalid")
            if bad:
                self.assertNotIn(bad, err["message"])  # never echoes the input
        self.refused(HOSPITAL, dict(ok, status="定点"), 422, "status_unchanged")
        self.refused(HOSPITAL, dict(ok, effective_on="2025-12-31"), 422, "effective_before_agreement")
        self.refused(HOSPITAL, dict(ok, effective_on="2026-03-11"), 422, "effective_in_future")
        self.refused(HOSPITAL, dict(ok, effective_on="2026-03-07"), 422, "effective_before_last_change")
        # Nothing of all that changed the institution.
        self.assertEqual(self.institution(HOSPITAL)["status"], "定点")
        self.assertEqual(len(self.institution(HOSPITAL)["status_changes"]), 2)

    def test_e_idempotency_key(self):
        body = {"status": "暂停", "reason": "药品购销存不符", "effective_on": "2026-03-10"}
        first = self.change(PHARMACY, body, key="pharmacy-suspend-1")
        again = self.change(PHARMACY, body, key="pharmacy-suspend-1")
        self.assertEqual(again, first)
        self.assertEqual(len(self.institution(PHARMACY)["status_changes"]), 1)
        self.refused(PHARMACY, dict(body, reason="另一原因"), 422, "idempotency_key_reused",
                     key="pharmacy-suspend-1")
        # Without the key the same request is a second change: refused, it is suspended already.
        self.refused(PHARMACY, body, 422, "status_unchanged")

    def test_f_terminated_is_final(self):
        out = self.change(PHARMACY, {"status": "解除", "reason": "协议期内违规，解除服务协议",
                                     "effective_on": "2026-03-10"})
        self.assertEqual(out["status"], "解除")
        for status in ("定点", "暂停", "解除"):
            self.refused(PHARMACY, {"status": status, "reason": "复核", "effective_on": "2026-03-10"},
                         422, "institution_terminated")
        self.assertEqual([c["status"] for c in self.institution(PHARMACY)["status_changes"]], ["暂停", "解除"])

    def test_z_rebuild_reproduces_the_status_changes(self):
        before = {c: self.institution(c) for c in (HOSPITAL, PHARMACY)}
        out = self.srv.rebuild_registers()
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertTrue(json.loads(out.stdout)["identical"], out.stdout)
        for c in (HOSPITAL, PHARMACY):
            self.assertEqual(self.institution(c), before[c])
        self.assertEqual(len(before[HOSPITAL]["status_changes"]), 2)


if __name__ == "__main__":
    unittest.main()
