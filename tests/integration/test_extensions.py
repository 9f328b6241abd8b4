"""遇特殊情况适当延长 through HTTP: the catalog shows which limits allow an extension, a supervisor
extends an open case of Xining's 零星报销 (chart 20), the due date moves by the working days
approved (across 清明), several extensions add up, the overdue list and the case view follow, and
every refusal. The clock is moved by restarting the server on the same database file."""
import itertools
import os
import subprocess
import tempfile
import unittest

from jingban_client import BINARY, ROOT, Registers, Server, minimal_form

START = "2026-03-10T10:00:00"      # a Tuesday: accepted today, due 15 working days on, 03-31
BETWEEN = "2026-04-01T10:00:00"    # past the limit, before the extended date
AFTER = "2026-04-09T10:00:00"      # past the extended date too
REGION = "xining"
CODE = "002036006001"              # 门诊费用报销, “15个工作日内审核结算…遇特殊情况适当延长”
REASON = "需函询异地定点医院核实费用明细"
DATA = ["--catalog", os.path.join(ROOT, "catalog"), "--calendar", os.path.join(ROOT, "calendar")]
_seq = itertools.count(1)


class ExtensionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "jingban.db")
        cls.srv = Server(cls.db, START).start()
        cls.items = {}
        for region in (REGION, "qinghai"):
            st, items = cls.srv.request("GET", "/api/v1/regions/%s/items" % region)
            assert st == 200, items
            cls.items[region] = items
        cls.regs = Registers(cls.srv, cls.items, _seq)
        cls.item = next(i for i in cls.items[REGION] if i["code"] == CODE)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    # -- helpers -------------------------------------------------------------------------------
    def act(self, case_no, action, user, body=None, headers=None, srv=None):
        srv = srv or self.srv
        return srv.request("POST", "/api/v1/cases/%s/%s" % (case_no, action), body or {},
                           token=srv.token(user) if user else None, headers=headers)

    def extend(self, case_no, days, reason=REASON, user="xining_supervisor", headers=None):
        body = {"data": {"working_days": days}}
        if reason is not None:
            body["reason"] = reason
        return self.act(case_no, "extend", user, body, headers)

    def refused(self, out, status, code):
        st, body = out
        self.assertEqual((st, body["error"]["code"]), (status, code), body)
        self.assertTrue(body["error"]["message"])
        return body["error"]["message"]

    receipts = {}  # case number → (applicant's ID number, query code), for the progress query

    def submitted(self, item=None):
        item = item or self.item
        applicant, form, conds = self.regs.ready(REGION, item, minimal_form(item, next(_seq)))
        receipt = self.regs.submit(REGION, item, applicant, form, conds)
        # The applicant of a unit's claim is the unit: its credit code opens the progress.
        self.receipts[receipt["case_no"]] = (applicant["id_no"], receipt["query_code"])
        return receipt["case_no"]

    def accepted(self, item=None):
        item = item or self.item
        no = self.submitted(item)
        st, out = self.act(no, "accept", "xining_window",
                           {"materials": {m["id"]: "provided" for m in item["materials"]}})
        self.assertEqual(st, 200, out)
        return no, out

    def case(self, no, srv=None):
        srv = srv or self.srv
        st, c = srv.request("GET", "/api/v1/cases/" + no, token=srv.token("xining_supervisor"))
        self.assertEqual(st, 200, c)
        return c

    # -- the catalog ---------------------------------------------------------------------------
    def test_catalog_shows_which_limits_may_be_extended(self):
        want = {"allowed": True, "source": "遇特殊情况适当延长", "max_working_days": 15}
        for code in ("002036006001", "002036006002"):
            st, it = self.srv.request("GET", "/api/v1/regions/xining/items/" + code)
            self.assertEqual(st, 200, it)
            self.assertEqual(it["time_limit"]["extension"], want)
            self.assertIn("遇特殊情况适当延长", it["time_limit"]["text"])
            st, html = self.srv.request("GET", "/api/v1/regions/xining/items/%s/guide" % code)
            self.assertEqual(st, 200)
            self.assertIn("遇特殊情况可适当延长", html)
        # No other limit of any region allows it: the seeds say so nowhere else.
        st, regions = self.srv.request("GET", "/api/v1/regions")
        for r in regions:
            st, items = self.srv.request("GET", "/api/v1/regions/%s/items" % r["id"])
            for it in items:
                limits = [it["time_limit"]] + it["time_limit"].get("variants", [])
                for limit in limits:
                    extensible = (r["id"], it["code"]) in {(REGION, "002036006001"), (REGION, "002036006002")}
                    self.assertEqual("extension" in limit, extensible, (r["id"], it["code"]))
        st, html = self.srv.request("GET", "/api/v1/regions/qinghai/items/002036006001/guide")
        self.assertNotIn("遇特殊情况可适当延长", html)

    # -- extending -----------------------------------------------------------------------------
    def test_extensions_move_the_due_date_add_up_and_are_recorded(self):
        no, accepted = self.accepted()
        self.assertEqual(accepted["due_on"], "2026-03-31")
        self.assertEqual(accepted["extended_working_days"], 0)
        self.assertEqual(accepted["extensions"], [])
        st, out = self.extend(no, 3)
        self.assertEqual(st, 200, out)
        self.assertEqual(out["due_on"], "2026-04-03")  # 04-01, 04-02, 04-03
        self.assertEqual(out["extended_working_days"], 3)
        self.assertEqual(out["event"]["action"], "extend")
        self.assertEqual(out["event"]["actor"], "xining_supervisor")
        self.assertEqual(out["event"]["comment"], REASON)
        self.assertEqual(out["status"], "in_progress")
        self.assertEqual(out["step"]["name"], accepted["step"]["name"])  # the case stays where it was
        # A second one adds up, across 清明 (04-04…04-06): 04-07, 04-08.
        st, out = self.extend(no, 2, "异地协查结果未回复")
        self.assertEqual(st, 200, out)
        self.assertEqual(out["due_on"], "2026-04-08")
        self.assertEqual(out["extended_working_days"], 5)
        c = self.case(no)
        self.assertEqual(c["due_on"], "2026-04-08")
        self.assertEqual(c["extended_working_days"], 5)
        self.assertEqual([(x["by"], x["working_days"], x["reason"]) for x in c["extensions"]],
                         [("xining_supervisor", 3, REASON), ("xining_supervisor", 2, "异地协查结果未回复")])
        self.assertTrue(all(x["at"].startswith("2026-03-10T") for x in c["extensions"]))
        events = [e for e in c["events"] if e["action"] == "extend"]
        self.assertEqual([e["data"]["working_days"] for e in events], [3, 2])
        self.assertEqual([(e["data"]["previous_due_on"], e["data"]["due_on"]) for e in events],
                         [("2026-03-31", "2026-04-03"), ("2026-04-03", "2026-04-08")])
        self.assertEqual([x["seq"] for x in c["extensions"]], [e["seq"] for e in events])
        # The applicant's progress shows the new date and that it was extended, not the reasons.
        id_no, code = self.receipts[no]
        st, p = self.srv.request("GET", "/api/v1/progress?case_no=%s&id_no=%s&query_code=%s" % (no, id_no, code))
        self.assertEqual(st, 200, p)
        self.assertEqual((p["due_on"], p["extended_working_days"]), ("2026-04-08", 5))
        self.assertNotIn(REASON, str(p))
        # The cap: all extensions together at most the limit's own 15 working days.
        msg = self.refused(self.extend(no, 11), 422, "working_days_out_of_range")
        self.assertIn("1 到 10", msg)
        st, out = self.extend(no, 10)
        self.assertEqual(st, 200, out)
        self.assertEqual(out["extended_working_days"], 15)
        self.refused(self.extend(no, 1), 422, "extension_exhausted")

    def test_a_retry_with_the_same_key_extends_once(self):
        no, _ = self.accepted()
        key = {"Idempotency-Key": "extend-once-%d" % next(_seq)}
        first = self.extend(no, 4, headers=key)
        again = self.extend(no, 4, headers=key)
        self.assertEqual(first[0], 200, first[1])
        self.assertEqual(again, first)
        self.assertEqual(self.case(no)["extended_working_days"], 4)
        self.refused(self.extend(no, 5, headers=key), 422, "idempotency_key_reused")

    def test_refusals(self):
        no, _ = self.accepted()
        # Days: missing, zero, negative, above the cap, not an integer; data with another key.
        self.refused(self.act(no, "extend", "xining_supervisor", {"reason": REASON}), 422,
                     "working_days_required")
        self.refused(self.extend(no, 0), 422, "working_days_out_of_range")
        self.refused(self.extend(no, -1), 422, "working_days_out_of_range")
        self.refused(self.extend(no, 16), 422, "working_days_out_of_range")
        self.refused(self.extend(no, 10 ** 15), 422, "working_days_out_of_range")
        self.refused(self.extend(no, "3"), 422, "working_days_required")
        self.refused(self.act(no, "extend", "xining_supervisor",
                              {"reason": REASON, "data": {"working_days": 2, "why": "x"}}), 422, "bad_extension")
        # No reason.
        self.refused(self.extend(no, 2, reason=None), 422, "reason_required")
        self.refused(self.extend(no, 2, reason=""), 422, "reason_required")
        # Who: the clerks of the steps, the section head, another region's supervisor, no token.
        for user in ("xining_reviewer", "xining_senior_reviewer", "xining_window", "xining_finance",
                     "xining_lead"):
            msg = self.refused(self.extend(no, 2, user=user), 403, "role_required")
            self.assertIn("监督人员", msg)
        st, body = self.extend(no, 2, user="qinghai_supervisor")
        self.assertEqual(st, 403, body)
        self.refused(self.act(no, "extend", None, {"data": {"working_days": 2}, "reason": REASON}), 401,
                     "unauthorized")
        # None of them changed anything.
        c = self.case(no)
        self.assertEqual((c["due_on"], c["extended_working_days"], c["extensions"]), ("2026-03-31", 0, []))
        self.assertFalse([e for e in c["events"] if e["action"] == "extend"])

        # An item whose limit does not allow it (Xining's 城乡居民参保登记, inherited).
        plain = next(i for i in self.items[REGION] if i["effect"] == "resident_enrolment" and not i.get("internal"))
        self.assertNotIn("extension", plain["time_limit"])
        other, _ = self.accepted(plain)
        msg = self.refused(self.extend(other, 2), 422, "extension_not_allowed")
        self.assertIn(plain["name"], msg)

        # Not accepted yet: the clock has not started.
        fresh = self.submitted()
        self.refused(self.extend(fresh, 2), 409, "wrong_state")
        # Closed: 不予受理, and 办结.
        st, out = self.act(fresh, "not_accept", "xining_window", {"reason": "不属于报销范围"})
        self.assertEqual(st, 200, out)
        self.refused(self.extend(fresh, 2), 409, "wrong_state")
        done = self.submitted()
        out = self.regs.drive(REGION, self.item, done)
        self.assertEqual(out["status"], "completed", out)
        self.refused(self.extend(done, 2), 409, "wrong_state")

    def test_unknown_action_is_still_unknown(self):
        no, _ = self.accepted()
        self.refused(self.act(no, "prolong", "xining_supervisor", {}), 404, "unknown_action")


class OverdueWithExtensionTest(unittest.TestCase):
    """Two cases accepted on 03-10 (due 03-31): one extended by 5 working days (04-08). On 04-01
    only the other is overdue; on 04-09 both are. The database then verifies: every row equals
    the replay of its events, extensions included."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "jingban.db")
        srv = Server(cls.db, START).start()
        try:
            st, items = srv.request("GET", "/api/v1/regions/%s/items" % REGION)
            assert st == 200, items
            regs = Registers(srv, {REGION: items}, _seq)
            item = next(i for i in items if i["code"] == CODE)
            cls.nos = []
            for _ in range(2):
                applicant, form, conds = regs.ready(REGION, item, minimal_form(item, next(_seq)))
                no = regs.submit(REGION, item, applicant, form, conds)["case_no"]
                st, out = srv.request("POST", "/api/v1/cases/%s/accept" % no,
                                      {"materials": {m["id"]: "provided" for m in item["materials"]}},
                                      token=srv.token("xining_window"))
                assert st == 200 and out["due_on"] == "2026-03-31", out
                cls.nos.append(no)
            st, out = srv.request("POST", "/api/v1/cases/%s/extend" % cls.nos[0],
                                  {"data": {"working_days": 5}, "reason": REASON},
                                  token=srv.token("xining_supervisor"))
            assert st == 200 and out["due_on"] == "2026-04-08", out
        finally:
            srv.stop()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def overdue_on(self, now):
        srv = Server(self.db, now).start()
        try:
            st, rows = srv.request("GET", "/api/v1/cases?region=%s&item=%s&deadline=overdue" % (REGION, CODE),
                                   token=srv.token("xining_supervisor"))
            self.assertEqual(st, 200, rows)
            st, c = srv.request("GET", "/api/v1/cases/" + self.nos[0], token=srv.token("xining_supervisor"))
            self.assertEqual(st, 200, c)
            return {r["case_no"]: r for r in rows}, c
        finally:
            srv.stop()

    def test_the_overdue_list_follows_the_extension(self):
        rows, extended = self.overdue_on(BETWEEN)
        self.assertIn(self.nos[1], rows)
        self.assertNotIn(self.nos[0], rows)
        self.assertEqual(rows[self.nos[1]]["extended_working_days"], 0)
        self.assertEqual((extended["due_on"], extended["deadline_status"], extended["extended_working_days"]),
                         ("2026-04-08", "on_time", 5))
        rows, extended = self.overdue_on(AFTER)
        self.assertIn(self.nos[0], rows)
        self.assertIn(self.nos[1], rows)
        self.assertEqual(rows[self.nos[0]]["extended_working_days"], 5)
        self.assertEqual(rows[self.nos[0]]["due_on"], "2026-04-08")
        self.assertEqual(len(rows[self.nos[0]]["extensions"]), 1)
        self.assertEqual(extended["deadline_status"], "overdue")
        # Every stored case equals the replay of its events, the extension included.
        run = subprocess.run([BINARY, "verify", "--db", self.db, *DATA], capture_output=True, text=True,
                             timeout=300)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)


if __name__ == "__main__":
    unittest.main()
