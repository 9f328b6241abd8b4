"""The region's item list (事项清单) as XLSX through HTTP: GET /api/v1/regions/{region}/items
?format=xlsx, anonymous like the JSON, one row per item in the JSON's order with its code, name,
applicant kinds in Chinese, limit, material counts and steps; a bad format is refused."""
import os
import tempfile
import unittest

from jingban_client import Server
from test_dashboard import XLSX, read_xlsx


class ItemsXlsxTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.srv = Server(os.path.join(cls.tmp.name, "items.db"), "2026-03-10T10:00:00").start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def download(self, path):
        import urllib.request
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (self.srv.port, path), timeout=30) as r:
            return r.status, r.headers, r.read()

    def test_every_region_item_by_item(self):
        for region in ("qinghai", "xining", "yunnan", "qingdao"):
            st, items = self.srv.request("GET", "/api/v1/regions/%s/items" % region)
            self.assertEqual(st, 200)
            st, headers, data = self.download("/api/v1/regions/%s/items?format=xlsx" % region)
            self.assertEqual(st, 200)
            self.assertEqual(headers["Content-Type"], XLSX)
            self.assertIn("items-%s.xlsx" % region, headers["Content-Disposition"])
            rows = read_xlsx(data)["事项清单"]
            self.assertEqual(rows[0][:3], ["事项编码", "事项名称", "主项"])
            self.assertEqual(len(rows) - 1, len(items), region)
            for row, it in zip(rows[1:], items):
                self.assertEqual((row[0], row[1]), (it["code"], it["name"]))
                self.assertEqual(int(row[6]), len(it["materials"]), it["code"])
                steps = row[8] or ""
                for s in it["flow"]:
                    self.assertIn(s["step"], steps, it["code"])
                kinds = {"person": "个人", "unit": "单位", "institution": "医药机构"}
                for k in it["applicant"]:
                    self.assertIn(kinds[k], row[3], it["code"])

    def test_bad_format_is_refused(self):
        st, body = self.srv.request("GET", "/api/v1/regions/qinghai/items?format=csv")
        self.assertEqual(st, 400)
        self.assertEqual(body["error"]["code"], "bad_format")


if __name__ == "__main__":
    unittest.main()
