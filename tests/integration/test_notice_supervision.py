"""Supervision of the one-time notice (一次性告知) through the real HTTP API: the catalog's
notice_limit (青岛 009001 / 009002: 5个工作日内一次性告知) is on the item and its 办事指南; a case
that still owes its notice past the day is overdue in GET /cases?deadline=overdue and in the
dashboard's overdue counts (equal to the list), due soon on the day alike; one answered in time
(a return with the notice, or the acceptance), one answered late, one withdrawn unanswered and one
of an item without a notice limit are not; `jingban verify` finds every stored row equal to the
replay of its events. The days are moved by restarting the server with a later --fake-now."""
import os
import subprocess
import tempfile
import unittest

from jingban_client import BINARY, ROOT, Server, citizen_id, credit_code

R = "qingdao"
HOSPITAL, PHARMACY = "002036009001", "002036009002"
DATA = ["--catalog", os.path.join(ROOT, "catalog"), "--calendar", os.path.join(ROOT, "calendar")]
DAY1 = "2026-03-10T10:00:00"  # Tuesday: the notice is due 5 working days later, 2026-03-17
DUE_DAY = "2026-03-17T10:00:00"
PAST = "2026-03-18T10:00:00"
PERIOD = "from=2026-03-10&to=2026-03-18"


class NoticeSupervision(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "notice.db")
        cls.srv = Server(cls.db, DAY1).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def restart(self, fake_now):
        self.srv.stop()
        self.srv = type(self).srv = Server(self.db, fake_now).start()

    def get(self, path, user="qingdao_supervisor"):
        st, out = self.srv.request("GET", path, token=self.srv.token(user))
        self.assertEqual(st, 200, out)
        return out

    def item(self, code):
        st, it = self.srv.request("GET", "/api/v1/regions/%s/items/%s" % (R, code))
        self.assertEqual(st, 200, it)
        return it

    def submit(self, code, seq):
        body = {"region": R, "item_code": code, "channel": "网上",
                "applicant": {"kind": "institution", "id_no": credit_code(seq), "name": "申请机构%d" % seq,
                              "phone": "13800000000"},
                "conditions": [], "form": {}}
        st, case = self.srv.request("POST", "/api/v1/cases", body)
        self.assertEqual(st, 201, case)
        return case

    def act(self, no, action, user="qingdao_window", **body):
        st, out = self.srv.request("POST", "/api/v1/cases/%s/%s" % (no, action), body,
                                   token=self.srv.token(user))
        self.assertEqual(st, 200, out)
        return out

    def materials(self, code):
        return {m["id"]: "provided" for m in self.item(code)["materials"] if not m.get("when")}

    def listed(self, status):
        rows = self.get("/api/v1/cases?deadline=%s&limit=500" % status)
        return {r["case_no"]: r for r in rows}

    def dashboard(self):
        d = self.get("/api/v1/regions/%s/dashboard?%s" % (R, PERIOD))
        by_item = {r["item_code"]: r for r in d["by_item"]}
        return d["summary"], by_item

    def assert_counts_equal_lists(self):
        """The dashboard counts by the exact rule of the lists: overdue and due soon, in all and
        by item, are the lengths of GET /cases?deadline=…"""
        summary, by_item = self.dashboard()
        for status in ("overdue", "due_soon"):
            rows = self.listed(status)
            self.assertEqual(summary[status], len(rows), status)
            for code in (HOSPITAL, PHARMACY):
                n = sum(1 for r in rows.values() if r["item_code"] == code)
                self.assertEqual(by_item.get(code, {}).get(status, 0), n, (status, code))

    def test_notice_limit_in_catalog_and_overdue_in_supervision(self):
        # The catalog field, on the item JSON and the 办事指南; none on an item whose seed has none.
        for code in (HOSPITAL, PHARMACY):
            nl = self.item(code)["notice_limit"]
            self.assertEqual((nl["kind"], nl["days"]), ("working_days", 5))
            self.assertIn("5个工作日内一次性告知", nl["text"])
        self.assertNotIn("notice_limit", self.item("002036001001"))
        st, guide = self.srv.request("GET", "/api/v1/regions/%s/items/%s/guide" % (R, HOSPITAL))
        self.assertEqual(st, 200)
        self.assertIn("一次性告知：对申请材料内容不全的", guide)

        # Day 1: five applications of the two items, and one of an item without a notice limit.
        silent = self.submit(HOSPITAL, 9501)["case_no"]           # never answered
        returned = self.submit(PHARMACY, 9502)["case_no"]         # 一次性告知 at once
        accepted = self.submit(HOSPITAL, 9503)["case_no"]         # accepted in time
        late = self.submit(HOSPITAL, 9504)["case_no"]             # accepted after the day
        gone = self.submit(PHARMACY, 9505)                         # withdrawn unanswered
        mats = self.materials(PHARMACY)
        self.act(returned, "return", materials=dict(mats, **{next(iter(mats)): "missing"}), comment="材料不全")
        self.act(accepted, "accept", materials=self.materials(HOSPITAL))
        st, out = self.srv.request("POST", "/api/v1/cases/%s/withdraw" % gone["case_no"],
                                   {"id_no": credit_code(9505), "query_code": gone["query_code"]})
        self.assertEqual(st, 200, out)
        owing = self.get("/api/v1/cases/" + silent)
        self.assertEqual((owing["notice_due_on"], owing["notice_deadline_status"], owing["deadline_status"]),
                         ("2026-03-17", "on_time", "on_time"))
        self.assertNotIn(silent, self.listed("overdue"))
        self.assertNotIn(silent, self.listed("not_started"))
        self.assertIn(silent, self.listed("on_time"))
        self.assert_counts_equal_lists()

        # The due day: the two still owing are due soon, nothing of them overdue.
        self.restart(DUE_DAY)
        soon = self.listed("due_soon")
        self.assertTrue({silent, late} <= set(soon), soon.keys())
        self.assertFalse({returned, accepted, gone["case_no"]} & set(soon))
        self.assertFalse({silent, late} & set(self.listed("overdue")))
        self.assert_counts_equal_lists()

        # Past it: both overdue, by their notice (no due date of the item's own: not accepted).
        self.restart(PAST)
        overdue = self.listed("overdue")
        self.assertTrue({silent, late} <= set(overdue), overdue.keys())
        self.assertEqual((overdue[silent]["deadline_status"], overdue[silent]["notice_deadline_status"],
                          overdue[silent]["due_on"]), ("overdue", "overdue", None))
        self.assertFalse({returned, accepted, gone["case_no"]} & set(overdue))
        summary, by_item = self.dashboard()
        self.assertEqual(by_item[HOSPITAL]["overdue"], 2)
        self.assertEqual(by_item.get(PHARMACY, {}).get("overdue", 0), 0)
        self.assert_counts_equal_lists()

        # Answered late: the notice stays late on the case, but it no longer owes it.
        self.act(late, "accept", materials=self.materials(HOSPITAL))
        c = self.get("/api/v1/cases/" + late)
        self.assertEqual((c["notice_answered_on"], c["notice_deadline_status"]), ("2026-03-18", "overdue"))
        self.assertNotEqual(c["deadline_status"], "overdue")
        overdue = self.listed("overdue")
        self.assertIn(silent, overdue)
        self.assertNotIn(late, overdue)
        summary, by_item = self.dashboard()
        self.assertEqual(by_item[HOSPITAL]["overdue"], 1)
        self.assert_counts_equal_lists()

        # Closed by a refusal (an answer, late): no longer supervised either.
        self.act(silent, "not_accept", comment="不符合申请条件")
        self.assertNotIn(silent, self.listed("overdue"))
        summary, by_item = self.dashboard()
        self.assertEqual(by_item.get(HOSPITAL, {}).get("overdue", 0), 0)
        self.assert_counts_equal_lists()

        # Every stored row (its notice_due_on column included) equals the replay of its events.
        self.srv.stop()
        try:
            run = subprocess.run([BINARY, "verify", "--db", self.db, *DATA], capture_output=True,
                                 text=True, timeout=300)
            self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        finally:
            self.srv = type(self).srv = Server(self.db, PAST).start()


if __name__ == "__main__":
    unittest.main()
