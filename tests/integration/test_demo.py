"""`serve --demo` seeds a small fictitious register per region on a new database (units and
employees through cases driven to 办结, residents and account credits through import batches):
the pages show it, the demo persons can apply at once, a database with data is never touched, and
`jingban rebuild-registers` reproduces every demo register row."""
import json
import os
import re
import subprocess
import tempfile
import unittest

from jingban_client import BINARY, FEE_LINES, ROOT, Server, citizen_id, credit_code, minimal_form

FAKE_NOW = "2026-03-10T10:00:00"  # a Tuesday; the demo cases are dated on the year's first working day
UNITS, PERSONS, EMPLOYEES, CREDITED = 3, 20, 8, 6
ASSISTANCE = {9: "低保", 10: "低保", 11: "特困", 12: "特困", 13: "重度残疾"}


# An implementation of the two check characters of its own (not the server's), so that a wrong
# generator in the server cannot pass by agreeing with itself.
def gb11643_check(body17):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, weights)) % 11]


def gb32100_check(body17):
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [pow(3, i, 31) for i in range(17)]
    return alphabet[(31 - sum(alphabet.index(c) * w for c, w in zip(body17, weights)) % 31) % 31]


def demo_area(division_code):
    return division_code[:4] + "99"


def demo_person(division_code, n):
    year = 1968 + 3 * (n - 1) if n <= EMPLOYEES else 1945 + 7 * (n - EMPLOYEES - 1)
    body = "%s%04d%02d%02d9%02d" % (demo_area(division_code), year, 1 + n * 5 % 12, 1 + n * 7 % 28, n)
    return body + gb11643_check(body)


def demo_unit(division_code, n):
    body = "91%sDEM0000%02d" % (demo_area(division_code), n)
    return body + gb32100_check(body)


def unit_of(n):
    return 0 if n > EMPLOYEES else (1 if n <= 4 else 2 if n <= 6 else 3)


class DemoRegisterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "demo.db")
        cls.srv = Server(cls.db, FAKE_NOW).start()
        st, regions = cls.srv.request("GET", "/api/v1/regions")
        assert st == 200, regions
        cls.regions = {r["id"]: r["division_code"] for r in regions}

    @classmethod
    def tearDownClass(cls):
        if cls.srv.proc.poll() is None:
            cls.srv.stop()
        cls.tmp.cleanup()

    def get(self, region, path, user=None):
        return self.srv.request("GET", "/api/v1/regions/%s%s" % (region, path),
                                token=self.srv.token(user or region + "_window"))

    def startup_lines(self):
        with open(self.db + ".log", encoding="utf-8", errors="replace") as f:
            return [l for l in f.read().splitlines() if l.startswith("演示登记数据")]

    def test_a_startup_line_counts_what_was_seeded(self):
        lines = self.startup_lines()
        self.assertEqual(len(lines), 1, lines)
        n = len(self.regions)
        self.assertIn("%d 个地区共 %d 个参保单位、%d 名参保人员" % (n, n * UNITS, n * PERSONS), lines[0])
        first = next(iter(self.regions))
        self.assertIn(demo_person(self.regions[first], 1), lines[0])
        self.assertIn(demo_unit(self.regions[first], 1), lines[0])

    def test_a_designated_hospital_and_pharmacy_per_region(self):
        with open(self.db + ".log", encoding="utf-8", errors="replace") as f:
            lines = [l for l in f.read().splitlines() if l.startswith("演示定点机构")]
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("共 %d 家" % (2 * len(self.regions)), lines[0])
        divisions = {"qinghai": "630000", "xining": "630100", "yunnan": "530000", "qingdao": "370200"}
        for region in self.regions:
            for prefix, category in (("H", "医疗机构"), ("P", "零售药店")):
                code = prefix + divisions[region] + "00001"
                st, inst = self.get(region, "/institutions/" + code, region + "_supervisor")
                self.assertEqual(st, 200, (region, code, inst))
                body = inst.get("institution", inst)
                self.assertEqual((body["status"], body["category"], body["to"][:4]),
                                 ("定点", category, str(int(body["from"][:4]) + 2)), body)
        self.assertIn("H63000000001", lines[0])

    def test_identifiers_are_valid_and_apart_from_the_tests(self):
        for division in self.regions.values():
            for n in range(1, PERSONS + 1):
                pid = demo_person(division, n)
                self.assertEqual(len(pid), 18)
                self.assertTrue(pid[6:14] < "20260310", pid)
                # The tests' generators use 630102 and 110105 (jingban_client.citizen_id).
                self.assertNotIn(pid[:6], ("630102", "110105"))
            for n in range(1, UNITS + 1):
                self.assertFalse(demo_unit(division, n).startswith("91630100MA"))

    def test_units_persons_and_accounts_of_every_region(self):
        for region, division in self.regions.items():
            st, units = self.get(region, "/units?limit=100")
            self.assertEqual(st, 200, units)
            listed = units["units"] if isinstance(units, dict) else units
            self.assertEqual(len(listed), UNITS, listed)
            for u in range(1, UNITS + 1):
                st, unit = self.get(region, "/units/" + demo_unit(division, u))
                self.assertEqual(st, 200, (region, u, unit))
                self.assertEqual((unit["name"], unit["status"]), ("示例单位%02d" % u, "正常"))
                self.assertTrue(unit["history"] and unit["history"][0]["case_no"], unit)
            for n in range(1, PERSONS + 1):
                pid = demo_person(division, n)
                st, p = self.get(region, "/persons/" + pid)
                self.assertEqual(st, 200, (region, n, p))
                self.assertEqual(p["name"], "示例人员%02d" % n)
                self.assertEqual(p["status"], "参保缴费")
                self.assertEqual(len(p["enrolments"]), 1, p)
                if n <= EMPLOYEES:
                    self.assertEqual(p["insurance_type"], "职工")
                    self.assertEqual(p["unit"], demo_unit(division, unit_of(n)))
                    self.assertGreater(p["contribution_months"], 0)
                else:
                    self.assertEqual(p["insurance_type"], "城乡居民")
                    self.assertEqual(p["enrolments"][0]["from"], "2026-01")
                    self.assertEqual(p["identities"], [ASSISTANCE[n]] if n in ASSISTANCE else [])
                st, acct = self.get(region, "/accounts/" + pid)
                if n <= CREDITED:
                    self.assertEqual(st, 200, acct)
                    self.assertEqual(len(acct["entries"]), 2, acct)
                    self.assertGreater(acct["balance_fen"], 0)
                    self.assertEqual(sum(e["amount_fen"] for e in acct["entries"]), acct["balance_fen"])
                else:
                    self.assertTrue(st == 404 or not acct.get("entries"), (region, n, st, acct))
            # No payment: the demo pays nothing out.
            st, pays = self.get(region, "/payments?month=2026-01")
            self.assertEqual((st, pays["count"]), (200, 0), pays)

    def test_demo_cases_take_no_case_number_of_today(self):
        st, cases = self.srv.request("GET", "/api/v1/cases?region=qinghai&limit=500",
                                     token=self.srv.token("qinghai_supervisor"))
        self.assertEqual(st, 200, cases)
        demo = [c for c in cases if c["applicant"]["name"].startswith("示例单位")]
        # One 单位参保登记 per unit, one 职工参保登记 per unit for its employees.
        self.assertEqual(len(demo), 2 * UNITS, cases)
        for c in demo:
            self.assertEqual(c["status"], "completed", c)
            self.assertNotIn("-20260310-", c["case_no"])
            self.assertTrue(c["case_no"].startswith("630000-2026"), c)

    def test_a_demo_resident_can_claim_at_once(self):
        """The reason for the demo register: a 医疗救助 claim of a 低保 demo resident passes 受理 and
        初审 (its 结算单) without any preparation."""
        st, items = self.srv.request("GET", "/api/v1/regions/qinghai/items")
        item = next(i for i in items if i["code"] == "002036008002")
        pid = demo_person(self.regions["qinghai"], 9)
        form = dict(minimal_form(item), fee_lines=FEE_LINES, hospital_level=2, visit_date="2026-03-02")
        body = {"region": "qinghai", "item_code": item["code"], "channel": "窗口",
                "applicant": {"kind": "person", "id_no": pid, "name": "示例人员09", "phone": "13800000000"},
                "conditions": [], "form": form}
        st, case = self.srv.request("POST", "/api/v1/cases", body, token=self.srv.token("qinghai_window"))
        self.assertEqual(st, 201, case)
        no = case["case_no"]
        st, out = self.srv.request("POST", "/api/v1/cases/%s/accept" % no,
                                   {"materials": {m["id"]: "provided" for m in item["materials"]}},
                                   token=self.srv.token("qinghai_window"))
        self.assertEqual(st, 200, out)
        st, out = self.srv.request("POST", "/api/v1/cases/%s/approve" % no, {},
                                   token=self.srv.token("qinghai_" + item["flow"][1]["role"]))
        self.assertEqual(st, 200, out)
        st, c = self.srv.request("GET", "/api/v1/cases/" + no, token=self.srv.token("qinghai_window"))
        self.assertGreater(c["register_effect"]["payable_fen"], 0, c["register_effect"])

    def test_z_restart_does_not_seed_again_and_rebuild_reproduces(self):
        st, before = self.get("qinghai", "/persons?limit=500")
        self.srv.stop()
        self.srv.start()
        lines = self.startup_lines()
        self.assertEqual(len(lines), 2, lines)
        self.assertIn("未写入", lines[1])
        st, after = self.get("qinghai", "/persons?limit=500")
        self.assertEqual(before, after)
        self.srv.stop()
        out = subprocess.run([BINARY, "rebuild-registers", "--db", self.db, "--catalog", os.path.join(ROOT, "catalog"),
                              "--policy", os.path.join(ROOT, "policy")], capture_output=True, text=True, timeout=300)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        report = json.loads(out.stdout.strip().splitlines()[-1])
        self.assertTrue(report["identical"], report)
        # Per region: a resident batch, a credit batch and the list of designated institutions;
        # the unit and employee cases' 办结.
        self.assertEqual(report["batches"], 3 * len(self.regions), report)
        self.assertGreaterEqual(report["events"], len(self.regions) * UNITS * 2, report)


class DemoLeavesDataAloneTest(unittest.TestCase):
    def test_a_database_with_cases_gets_no_demo_register(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "used.db")
            srv = Server(db, FAKE_NOW, demo=False).start()
            try:
                st, items = srv.request("GET", "/api/v1/regions/qinghai/items")
                it = next(i for i in items if any(c != "窗口" for c in i["channels"])
                          and not i["acceptance_windows"] and not i.get("internal"))
                body = {"region": "qinghai", "item_code": it["code"],
                        "channel": next(c for c in it["channels"] if c != "窗口"),
                        "applicant": {"kind": it["applicant"][0], "name": "已有数据",
                                      "id_no": citizen_id(1) if it["applicant"][0] == "person" else credit_code(1)},
                        "conditions": [], "form": minimal_form(it)}
                st, case = srv.request("POST", "/api/v1/cases", body)
                self.assertEqual(st, 201, case)
            finally:
                srv.stop()
            srv = Server(db, FAKE_NOW).start()
            try:
                with open(db + ".log", encoding="utf-8", errors="replace") as f:
                    lines = [l for l in f.read().splitlines() if l.startswith("演示登记数据")]
                self.assertEqual(len(lines), 1, lines)
                self.assertIn("未写入", lines[0])
                st, persons = srv.request("GET", "/api/v1/regions/qinghai/persons?limit=10",
                                          token=srv.token("qinghai_window"))
                self.assertEqual(st, 200, persons)
                listed = persons["persons"] if isinstance(persons, dict) else persons
                self.assertEqual(listed, [])
            finally:
                srv.stop()


if __name__ == "__main__":
    unittest.main()
