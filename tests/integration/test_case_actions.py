"""GET /api/v1/cases/{case_no} carries `actions`: what the signed-in viewer may do now. Checked
through HTTP at each step of a Qinghai 职工参保登记 entered at the window (受理 → 初审 → 复审 → 办结) for each demo role,
and every offered decision is then taken by that user and accepted."""
import itertools
import os
import tempfile
import unittest

from jingban_client import Registers, Server, minimal_form

ITEM = "002036001002"


class CaseActionsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.srv = Server(os.path.join(cls.tmp.name, "actions.db"), "2026-03-10T10:00:00").start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def actions(self, case_no, user):
        st, body = self.srv.request("GET", "/api/v1/cases/" + case_no, token=self.srv.token(user))
        self.assertEqual(st, 200, body)
        return body["actions"]

    def test_actions_follow_the_case(self):
        st, item = self.srv.request("GET", "/api/v1/regions/qinghai/items/" + ITEM)
        # A unit at the window (a person takes the one-review 灵活就业 path), registered first and
        # listing its employee, as the item's effect requires.
        st, items = self.srv.request("GET", "/api/v1/regions/qinghai/items")
        regs = Registers(self.srv, {"qinghai": items}, itertools.count(800))
        applicant, form, conds = regs.ready("qinghai", item, minimal_form(item))
        st, body = self.srv.request("POST", "/api/v1/cases", {
            "region": "qinghai", "item_code": ITEM, "channel": "窗口", "applicant": applicant,
            "conditions": conds, "form": form}, token=self.srv.token("qinghai_window"))
        self.assertEqual(st, 201, body)
        no = body["case_no"]
        # 申请 stays the applicant's event; the clerk who entered it is kept in its data.
        st, full = self.srv.request("GET", "/api/v1/cases/" + no, token=self.srv.token("qinghai_window"))
        self.assertEqual(full["events"][0]["actor"], "applicant")
        self.assertEqual(full["events"][0]["data"]["entered_by"], "qinghai_window")
        window = self.actions(no, "qinghai_window")
        for a in ("accept", "return", "not_accept", "withdraw"):
            self.assertIn(a, window)
        for a in ("approve", "pay", "complete", "rate"):
            self.assertNotIn(a, window)
        self.assertNotIn("accept", self.actions(no, "qinghai_reviewer"))
        materials = {m["id"]: "provided" for m in item["materials"]}
        st, body = self.srv.request("POST", "/api/v1/cases/%s/accept" % no, {"materials": materials},
                                    token=self.srv.token("qinghai_window"))
        self.assertEqual(st, 200, body)
        self.assertNotIn("accept", self.actions(no, "qinghai_window"))
        steps = [s for s in item["flow"] if s["kind"] == "review"]
        self.assertGreaterEqual(len(steps), 2)
        first, second = "qinghai_" + steps[0]["role"], "qinghai_" + steps[1]["role"]
        # 初审 by its role; the other review role is not offered the decision yet.
        self.assertIn("approve", self.actions(no, first))
        self.assertNotIn("approve", self.actions(no, second))
        # qinghai_lead holds both review roles: offered 初审, then not 复审 (four eyes).
        self.assertIn("approve", self.actions(no, "qinghai_lead"))
        st, body = self.srv.request("POST", "/api/v1/cases/%s/approve" % no, {},
                                    token=self.srv.token("qinghai_lead"))
        self.assertEqual(st, 200, body)
        self.assertNotIn("approve", self.actions(no, "qinghai_lead"))
        self.assertNotIn("approve", self.actions(no, first))
        self.assertIn("approve", self.actions(no, second))
        # Another region's staff cannot read the case at all.
        st, _ = self.srv.request("GET", "/api/v1/cases/" + no, token=self.srv.token("yunnan_window"))
        self.assertEqual(st, 403)


if __name__ == "__main__":
    unittest.main()
