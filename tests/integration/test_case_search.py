"""The workbench's case search through HTTP: `q` finds a case by its number, by the applicant's ID
number (a lower-case check letter too) or by part of the name; `from` / `to` bound the submission
day in Shanghai; X-Total-Count gives the total the filters select while `limit` / `offset` page
through it (with and without a deadline filter); and the refusals change nothing."""
import http.client
import json
import os
import tempfile
import unittest

from jingban_client import Server, citizen_id, minimal_form

ITEM = "002036001002"  # 职工参保登记, Qinghai


class CaseSearchTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "search.db")
        cls.srv = Server(cls.db, "2026-03-10T10:00:00").start()
        cls.tok = cls.srv.token("qinghai_window")
        st, cls.item = cls.srv.request("GET", "/api/v1/regions/qinghai/items/" + ITEM)
        assert st == 200
        cls.cases = []
        names = ["张三丰", "李四", "张小凡", "王五", "赵六"]
        for i, name in enumerate(names):
            ident = citizen_id(700 + i, birth="19850315")
            st, body = cls.srv.request("POST", "/api/v1/cases", {
                "region": "qinghai", "item_code": ITEM, "channel": "网上",
                "applicant": {"kind": "person", "id_no": ident, "name": name, "phone": "13800000000"},
                "form": minimal_form(cls.item, 700 + i)})
            assert st == 201, body
            cls.cases.append((body["case_no"], ident, name))

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def list(self, query):
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=30)
        conn.request("GET", "/api/v1/cases?" + query, headers={"Authorization": "Bearer " + self.tok})
        r = conn.getresponse()
        body = json.loads(r.read().decode())
        total = r.getheader("X-Total-Count")
        conn.close()
        return r.status, body, (int(total) if total is not None else None)

    def mine(self, rows):
        ours = {c[0] for c in self.cases}
        return [r["case_no"] for r in rows if r["case_no"] in ours]

    def test_by_case_number(self):
        no = self.cases[3][0]
        st, rows, total = self.list("q=" + no)
        self.assertEqual(st, 200)
        self.assertEqual([r["case_no"] for r in rows], [no])
        self.assertEqual(total, 1)

    def test_by_id_number_lower_case_check_letter(self):
        for no, ident, _ in self.cases:
            st, rows, total = self.list("q=" + ident.lower())
            self.assertEqual(st, 200)
            self.assertEqual([r["case_no"] for r in rows], [no], ident)
            self.assertEqual(total, 1)
            # The list masks the ID number it was found by.
            self.assertNotIn(ident[6:14], json.dumps(rows))

    def test_by_part_of_name(self):
        st, rows, total = self.list("q=%E5%BC%A0")  # 张
        self.assertEqual(st, 200)
        self.assertEqual(sorted(self.mine(rows)), sorted([self.cases[0][0], self.cases[2][0]]))
        self.assertEqual(total, len(rows))

    def test_submission_day_bounds(self):
        st, rows, total = self.list("from=2026-03-10&to=2026-03-10&limit=500")
        self.assertEqual(st, 200)
        self.assertEqual(sorted(self.mine(rows)), sorted(c[0] for c in self.cases))
        self.assertEqual(total, len(rows))
        st, rows, total = self.list("from=2026-03-11")
        self.assertEqual((st, rows, total), (200, [], 0))
        # The demo cases were submitted earlier: `to` keeps them and none of ours.
        st, rows, total = self.list("to=2026-03-09&limit=500")
        self.assertEqual(st, 200)
        self.assertEqual(self.mine(rows), [])
        self.assertEqual(total, len(rows))
        self.assertTrue(all(r["submitted_at"] < "2026-03-10" for r in rows))

    def test_paging_keeps_the_total(self):
        st, everything, total = self.list("item=%s&limit=500" % ITEM)
        self.assertEqual(st, 200)
        self.assertEqual(total, len(everything))
        self.assertGreaterEqual(total, 5)
        seen = []
        for offset in range(0, total, 2):
            st, page, t = self.list("item=%s&limit=2&offset=%d" % (ITEM, offset))
            self.assertEqual((st, t), (200, total))
            self.assertLessEqual(len(page), 2)
            seen += [r["case_no"] for r in page]
        self.assertEqual(seen, [r["case_no"] for r in everything])
        st, page, t = self.list("item=%s&limit=2&offset=%d" % (ITEM, total))
        self.assertEqual((st, page, t), (200, [], total))

    def test_deadline_filter_counts_its_total(self):
        # Not yet accepted: every case of ours is "not_started"; the total counts past the page.
        st, rows, total = self.list("deadline=not_started&item=%s&limit=1" % ITEM)
        self.assertEqual(st, 200)
        self.assertEqual(len(rows), 1)
        self.assertGreaterEqual(total, 5)
        st, rows2, total2 = self.list("deadline=not_started&item=%s&limit=1&offset=1" % ITEM)
        self.assertEqual(total2, total)
        self.assertNotEqual(rows[0]["case_no"], rows2[0]["case_no"])

    def test_refusals(self):
        for query, code in [("from=2026-02-30", "bad_request"), ("to=20260310", "bad_request"),
                            ("q=" + "x" * 65, "too_long")]:
            st, body, _ = self.list(query)
            self.assertEqual(st, 400, query)
            self.assertEqual(body["error"]["code"], code, query)
            self.assertTrue(body["error"]["message"])


if __name__ == "__main__":
    unittest.main()
