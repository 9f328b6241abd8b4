"""GET /api/v1/calendar: the loaded holiday calendar (calendar/*.yaml) as the administration page
shows it, checked against the State Council notices' real dates and against the deadline
counter that uses them; a calendar directory lacking a year lists that year as provisional."""
import os
import shutil
import tempfile
import unittest
from unittest import mock

import jingban_client
from jingban_client import ROOT, Server

FAKE_NOW = "2026-03-10T10:00:00"


class CalendarApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.srv = Server(os.path.join(cls.tmp.name, "jingban.db"), FAKE_NOW, demo=False).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def listing(self):
        st, body = self.srv.request("GET", "/api/v1/calendar")  # anonymous: no token
        self.assertEqual(st, 200, body)
        return body

    def test_years_loaded_and_the_next_provisional(self):
        body = self.listing()
        self.assertEqual(body["today"], "2026-03-10")
        self.assertEqual([(y["year"], y["provisional"]) for y in body["years"]],
                         [(2025, False), (2026, False), (2027, True)])
        y2027 = body["years"][2]
        self.assertEqual((y2027["holidays"], y2027["adjusted_workdays"], y2027["names"]), ([], [], {}))
        self.assertNotIn("source", y2027)

    def test_2026_dates_as_the_notice_states_them(self):
        y = {y["year"]: y for y in self.listing()["years"]}[2026]
        self.assertEqual(y["source"], "国务院办公厅关于2026年部分节假日安排的通知")
        # 春节 2026-02-15 … 02-23, nine days, in order and each named.
        spring = ["2026-02-%02d" % d for d in range(15, 24)]
        self.assertEqual([d for d in y["holidays"] if d.startswith("2026-02")], spring)
        self.assertTrue(all(y["names"][d] == "春节" for d in spring))
        self.assertEqual(y["holidays"], sorted(y["holidays"]))
        # 元旦 3 + 春节 9 + 清明 3 + 劳动节 5 + 端午 3 + 中秋 3 + 国庆 7.
        self.assertEqual(len(y["holidays"]), 33)
        self.assertIn("2026-10-07", y["holidays"])
        self.assertNotIn("2026-10-08", y["holidays"])
        self.assertEqual(y["adjusted_workdays"],
                         ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20",
                          "2026-10-10"])
        self.assertEqual(y["names"]["2026-02-28"], "春节")
        self.assertEqual(y["names"]["2026-10-10"], "国庆节")

    def test_2025_dates(self):
        y = {y["year"]: y for y in self.listing()["years"]}[2025]
        self.assertFalse(y["provisional"])
        self.assertIn("国办发明电〔2024〕12号", y["source"])
        self.assertEqual(y["holidays"][0], "2025-01-01")
        self.assertIn("2025-10-08", y["holidays"])
        self.assertEqual(y["names"]["2025-10-08"], "国庆节、中秋节")
        self.assertEqual(y["adjusted_workdays"],
                         ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"])

    def test_the_deadline_counter_uses_the_same_days(self):
        # One working day after Friday 2026-02-13 is the 调休 Saturday 02-14; the next one after
        # that is 02-24, the first day after the listed 春节 holidays.
        y = {y["year"]: y for y in self.listing()["years"]}[2026]
        self.assertIn("2026-02-14", y["adjusted_workdays"])
        for start, n, due in (("2026-02-13", 1, "2026-02-14"), ("2026-02-14", 1, "2026-02-24")):
            st, body = self.srv.request(
                "GET", "/api/v1/calendar/deadline?from=%s&working_days=%d" % (start, n))
            self.assertEqual(st, 200, body)
            self.assertEqual((body["due"], body["provisional"]), (due, False))

    def test_documented_in_the_api_description(self):
        st, spec = self.srv.request("GET", "/api/v1/openapi.json")
        self.assertEqual(st, 200)
        op = spec["paths"]["/api/v1/calendar"]["get"]
        self.assertEqual(op["security"], [])
        self.assertIn("CalendarYear", spec["components"]["schemas"])


class MissingYearTest(unittest.TestCase):
    """Only 2025's notice loaded while today is in 2026: 2026 and 2027 are listed as provisional,
    and the deadline counter marks a due date in 2026 暂定 in the same way."""

    def test_missing_years_are_provisional(self):
        with tempfile.TemporaryDirectory() as tmp:
            # Server.start takes the catalog and calendar beside ROOT: a root of our own whose
            # calendar holds 2025 only (serve refuses a second --calendar).
            os.symlink(os.path.join(ROOT, "catalog"), os.path.join(tmp, "catalog"))
            os.mkdir(os.path.join(tmp, "calendar"))
            shutil.copy(os.path.join(ROOT, "calendar", "2025.yaml"), os.path.join(tmp, "calendar"))
            with mock.patch.object(jingban_client, "ROOT", tmp):
                srv = Server(os.path.join(tmp, "jingban.db"), FAKE_NOW, demo=False).start()
            try:
                st, body = srv.request("GET", "/api/v1/calendar")
                self.assertEqual(st, 200, body)
                self.assertEqual([(y["year"], y["provisional"]) for y in body["years"]],
                                 [(2025, False), (2026, True), (2027, True)])
                # The counter reckons 2026 Monday–Friday: 春节 is not known, Monday 02-16 counts.
                st, due = srv.request("GET", "/api/v1/calendar/deadline?from=2026-02-13&working_days=1")
                self.assertEqual((st, due["due"], due["provisional"]), (200, "2026-02-16", True))
            finally:
                srv.stop()

if __name__ == "__main__":
    unittest.main()
