"""The register endpoints through HTTP on a real database file: the resident batch import (report,
re-import refused as already enrolled), the person as the import enrolled them, masked lists,
region scoping, the payments list and its CSV / XLSX export."""
import http.client
import json
import os
import tempfile
import unittest

from jingban_client import Server, citizen_id

FAKE_NOW = "2026-03-10T10:00:00"
BASE = "/api/v1/regions/qinghai"


def bad_check(seq):
    good = citizen_id(seq)
    return good[:17] + ("0" if good[17] != "0" else "1")


class RegistersApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.srv = Server(os.path.join(cls.tmp.name, "jingban.db"), FAKE_NOW).start()
        cls.window = cls.srv.token("qinghai_window")

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def raw(self, method, path, body=None, token=None, content_type="text/csv; charset=utf-8"):
        """(status, headers, body bytes): for CSV bodies and binary answers."""
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=60)
        headers = {"Content-Type": content_type}
        if token:
            headers["Authorization"] = "Bearer " + token
        conn.request(method, path, body=body.encode() if isinstance(body, str) else body,
                     headers=headers)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data

    def upload(self, csv_text, token=None, query=""):
        st, _, data = self.raw("POST", BASE + "/imports/residents" + query, csv_text,
                               token or self.window)
        return st, json.loads(data.decode())

    def get(self, path, token=None):
        return self.srv.request("GET", BASE + path, token=token or self.window)

    def test_import_report_and_reimport(self):
        rows = [(citizen_id(101), "张三", "13800000101", ""),
                (citizen_id(102), "李四", "", "低保"),
                (bad_check(103), "王五", "", ""),
                (citizen_id(104), "赵六", "0971-8123456", "普通居民"),
                (citizen_id(101), "张三", "", "")]
        text = "\ufeffid_no,name,phone,identity\r\n" + "".join(
            "%s,%s,%s,%s\r\n" % r for r in rows)
        st, report = self.upload(text)
        self.assertEqual(st, 201, report)
        self.assertTrue(report["batch_id"].startswith("qinghai-20260310-"), report)
        self.assertEqual(report["accepted"], 3)
        self.assertEqual([r["row"] for r in report["rejected"]], [4, 6])
        self.assertIn("公民身份号码无效", report["rejected"][0]["reason"])
        self.assertIn("与第 2 行", report["rejected"][1]["reason"])
        for r in report["rejected"]:
            self.assertIn("*", r["id_no"])
            self.assertNotIn(r["id_no"], (citizen_id(101), bad_check(103)))

        st, again = self.upload(text)
        self.assertEqual(st, 201, again)
        self.assertNotEqual(again["batch_id"], report["batch_id"])
        self.assertEqual(again["accepted"], 0)
        self.assertEqual([r["row"] for r in again["rejected"]], [2, 3, 4, 5, 6])
        for r in again["rejected"]:
            if r["row"] in (2, 3, 5):
                self.assertIn("已在本统筹区参保", r["reason"])

        # The person as enrolled: derived fields, the open period from the import month, history.
        st, person = self.get("/persons/" + citizen_id(102))
        self.assertEqual(st, 200, person)
        self.assertEqual(person["id_no"], citizen_id(102))
        self.assertEqual(person["name"], "李四")
        self.assertEqual(person["birth_date"], "1990-01-01")
        self.assertEqual(person["sex"], "男" if int(citizen_id(102)[16]) % 2 else "女")
        self.assertEqual(person["insurance_type"], "城乡居民")
        self.assertEqual(person["status"], "参保缴费")
        self.assertEqual(person["identities"], ["低保"])
        self.assertEqual([(e["from"], e["to"], e["status"], e["insurance_type"])
                          for e in person["enrolments"]], [("2026-03", "", "参保缴费", "城乡居民")])
        self.assertEqual(person["contribution_months"], 1)
        self.assertEqual(len(person["history"]), 1)
        entry = person["history"][0]
        self.assertEqual(entry["import_batch"], report["batch_id"])
        self.assertIsNone(entry["case_no"])
        self.assertTrue(entry["at"].endswith("+08:00"), entry)
        st, p104 = self.get("/persons/" + citizen_id(104))
        self.assertEqual((st, p104["phone"], p104["identities"]), (200, "09718123456", []))

        # Lists mask the ID number.
        st, listed = self.get("/persons?name=" + "%E6%9D%8E%E5%9B%9B")  # 李四
        self.assertEqual(st, 200, listed)
        self.assertTrue(listed["persons"], listed)
        self.assertNotIn(citizen_id(102), json.dumps(listed))
        self.assertTrue(all("*" in p["id_no"] for p in listed["persons"]))
        st, everyone = self.get("/persons?limit=500")
        self.assertEqual(st, 200)
        self.assertGreaterEqual(len(everyone["persons"]), 3)
        self.assertNotIn(citizen_id(101), json.dumps(everyone))

        # No account, no such person, a malformed number.
        st, out = self.get("/accounts/" + citizen_id(102))
        self.assertEqual((st, out["error"]["code"]), (404, "no_account"))
        st, out = self.get("/persons/" + citizen_id(999))
        self.assertEqual((st, out["error"]["code"]), (404, "person_not_found"))
        st, out = self.get("/persons/" + bad_check(5))
        self.assertEqual((st, out["error"]["code"]), (422, "invalid_id_number"))

    def test_start_month(self):
        st, report = self.upload("id_no,name,phone,identity\n%s,钱七,,特困\n" % citizen_id(201),
                                 query="?start_month=2026-01")
        self.assertEqual((st, report["accepted"]), (201, 1), report)
        st, person = self.get("/persons/" + citizen_id(201))
        self.assertEqual(person["enrolments"][0]["from"], "2026-01")
        self.assertEqual(person["contribution_months"], 3)
        st, out = self.upload("id_no,name,phone,identity\n", query="?start_month=2026-13")
        self.assertEqual((st, out["error"]["code"]), (400, "bad_month"))

    def test_whole_file_refusals(self):
        st, out = self.upload("身份证号,姓名,电话,身份\n%s,甲,,\n" % citizen_id(301))
        self.assertEqual((st, out["error"]["code"]), (422, "csv_header"))
        self.assertIn("id_no,name,phone,identity", out["error"]["message"])
        st, out = self.upload(b"id_no,name,phone,identity\n" + citizen_id(302).encode() +
                              b",\xd5\xc5\xc8\xfd,,\n")
        self.assertEqual((st, out["error"]["code"]), (422, "not_utf8"))
        st, out = self.upload("id_no,name,phone,identity\n%s,\"甲,,\n" % citizen_id(303))
        self.assertEqual((st, out["error"]["code"]), (422, "invalid_csv"))
        st, _, data = self.raw("POST", BASE + "/imports/residents", "{}", self.window,
                               "application/json")
        self.assertEqual((st, json.loads(data)["error"]["code"]), (400, "bad_request"))
        # Nothing of these was enrolled.
        for seq in (301, 302, 303):
            self.assertEqual(self.get("/persons/" + citizen_id(seq))[0], 404)

    def test_scoping(self):
        csv_text = "id_no,name,phone,identity\n%s,孙八,,\n" % citizen_id(401)
        st, _, data = self.raw("POST", BASE + "/imports/residents", csv_text)
        self.assertEqual((st, json.loads(data)["error"]["code"]), (401, "unauthorized"))
        for path in ("/persons/" + citizen_id(401), "/persons", "/units", "/payments?month=2026-03",
                     "/accounts/" + citizen_id(401), "/units/91630100MA0000001X"):
            st, out = self.srv.request("GET", BASE + path)
            self.assertEqual((st, out["error"]["code"]), (401, "unauthorized"), path)
        other = self.srv.token("xining_window")
        st, out = self.upload(csv_text, token=other)
        self.assertEqual((st, out["error"]["code"]), (403, "wrong_region"))
        st, out = self.get("/persons", token=other)
        self.assertEqual((st, out["error"]["code"]), (403, "wrong_region"))
        st, out = self.get("/payments/export?month=2026-03", token=other)
        self.assertEqual((st, out["error"]["code"]), (403, "wrong_region"))
        st, out = self.upload(csv_text, token=self.srv.token("qinghai_reviewer"))
        self.assertEqual((st, out["error"]["code"]), (403, "role_required"))
        self.assertEqual(self.get("/persons/" + citizen_id(401))[0], 404)

    def test_units(self):
        st, out = self.get("/units")
        self.assertEqual(st, 200, out)
        self.assertIsInstance(out["units"], list)
        st, out = self.get("/units/91630100MA0000001X")
        self.assertIn(st, (404, 422), out)
        code = "91630100MA%07d" % 7
        alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
        code += alphabet[(31 - sum(alphabet.index(c) * w for c, w in zip(code, weights)) % 31) % 31]
        st, out = self.get("/units/" + code)
        self.assertEqual((st, out["error"]["code"]), (404, "unit_not_found"))

    def test_payments_and_export(self):
        st, out = self.get("/payments?month=2026-02")
        self.assertEqual(st, 200, out)
        self.assertEqual((out["month"], out["count"], out["total_fen"], out["payments"]),
                         ("2026-02", 0, 0, []))
        for bad in ("2026-2", "2026-13", "", "202602", "2026-02-01"):
            st, out = self.get("/payments?month=" + bad)
            self.assertEqual((st, out["error"]["code"]), (400, "bad_month"), bad)
        st, out = self.get("/payments?month=2026-02&limit=0")
        self.assertEqual((st, out["error"]["code"]), (400, "bad_number"))

        st, headers, data = self.raw("GET", BASE + "/payments/export?month=2026-02&format=csv",
                                     token=self.window)
        self.assertEqual(st, 200, data)
        self.assertTrue(headers["content-type"].startswith("text/csv"), headers)
        self.assertEqual(headers["content-disposition"],
                         'attachment; filename="payments-qinghai-2026-02.csv"')
        self.assertTrue(data.startswith(b"\xef\xbb\xbf"))
        text = data.decode("utf-8-sig")
        self.assertTrue(text.startswith("办件编号,"), text)
        self.assertIn("合计（0 笔）", text)

        st, headers, data = self.raw("GET", BASE + "/payments/export?month=2026-02&format=xlsx",
                                     token=self.window)
        self.assertEqual(st, 200, data[:200])
        self.assertEqual(headers["content-type"],
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        self.assertEqual(headers["content-disposition"],
                         'attachment; filename="payments-qinghai-2026-02.xlsx"')
        self.assertTrue(data.startswith(b"PK"), data[:10])
        self.assertIn(b"xl/worksheets/sheet1.xml", data)

        st, _, data = self.raw("GET", BASE + "/payments/export?month=2026-02&format=pdf",
                               token=self.window)
        self.assertEqual((st, json.loads(data)["error"]["code"]), (400, "bad_request"))


if __name__ == "__main__":
    unittest.main()
