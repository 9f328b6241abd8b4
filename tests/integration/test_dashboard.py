"""The supervisor dashboard and the XLSX downloads of the lists, through HTTP: a few cases driven by
the demo staff on 2026-03-10, the server restarted a day later (one case overdue, one due soon) and
three weeks later (the follow-up of a poor rating overdue); every figure of the dashboard checked
exactly, the XLSX of the case list and of the dashboard opened (zip + sheet XML) and compared with
the JSON, and the refusals."""
import datetime
import http.client
import io
import json
import os
import tempfile
import unittest
import urllib.parse
import xml.etree.ElementTree as ET
import zipfile

from jingban_client import Server, citizen_id, minimal_form, person_id

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DAY1 = "2026-03-10T10:00:00"  # Tuesday
DAY2 = "2026-03-11T10:00:00"  # Wednesday
LATER = "2026-04-01T10:00:00"  # after the follow-up's 15 working days (due 2026-03-31)
PERIOD = "from=2026-03-10&to=2026-03-11"


def col_index(ref):
    n = 0
    for ch in ref:
        if not ch.isalpha():
            break
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_xlsx(data):
    """{sheet name: [[cell, …], …]}: strings as str, numbers as float, empty cells as None."""
    z = zipfile.ZipFile(io.BytesIO(data))
    assert z.testzip() is None
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    names = [s.get("name") for s in wb.find("m:sheets", NS)]
    out = {}
    for i, name in enumerate(names, start=1):
        rows = []
        for row in ET.fromstring(z.read("xl/worksheets/sheet%d.xml" % i)).iter("{%s}row" % NS["m"]):
            cells = {}
            for c in row.findall("m:c", NS):
                v = c.find("m:v", NS)
                if v is None:
                    continue
                cells[col_index(c.get("r"))] = shared[int(v.text)] if c.get("t") == "s" else float(v.text)
            rows.append([cells.get(k) for k in range(max(cells) + 1)] if cells else [])
        out[name] = rows
    return out


def excel_date(serial):
    return (datetime.date(1899, 12, 30) + datetime.timedelta(days=int(serial))).isoformat()


def as_dicts(rows):
    header = rows[0]
    return [{h: (r[i] if i < len(r) else None) for i, h in enumerate(header)} for r in rows[1:]]


class DashboardTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "dashboard.db")
        cls.srv = Server(cls.db, DAY1).start()
        try:
            cls.drive_day1()
        finally:
            cls.srv.stop()
        cls.srv = Server(cls.db, DAY2).start()
        try:
            cls.drive_day2()
        except BaseException:
            cls.srv.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    # -- driving -------------------------------------------------------------------------------
    @classmethod
    def items(cls):
        st, items = cls.srv.request("GET", "/api/v1/regions/qinghai/items")
        assert st == 200
        return {i["code"]: i for i in items}

    @classmethod
    def act(cls, no, action, user, **body):
        st, out = cls.srv.request("POST", "/api/v1/cases/%s/%s" % (no, action), body,
                                  token=cls.srv.token(user) if user else None)
        assert st == 200, (no, action, st, out)
        return out

    @classmethod
    def submit(cls, code, seq, online=False):
        it = cls.items_by_code[code]
        body = {"region": "qinghai", "item_code": code, "channel": "网上" if online else "窗口",
                "applicant": {"kind": "person", "id_no": citizen_id(900 + seq), "name": "统计%d" % seq,
                              "phone": "13800000000"},
                "materials": {}, "conditions": ["online_application"] if online else [],
                "form": dict(minimal_form(it, seq), destination="广东省广州市", scope="省外")}
        st, case = cls.srv.request("POST", "/api/v1/cases", body,
                                   token=None if online else cls.srv.token("qinghai_window"))
        assert st == 201, (code, st, case)
        return case

    @classmethod
    def accept(cls, case):
        it = cls.items_by_code[case["item_code"]]
        return cls.act(case["case_no"], "accept", "qinghai_window",
                       materials={m["id"]: "provided" for m in it["materials"]})

    @classmethod
    def drive_day1(cls):
        # Two 异地就医备案 items: 即时办结 at the window (due the day of 受理), 2 working days online.
        cls.items_by_code = cls.items()
        cls.A1, cls.A2 = "002036004004", "002036004005"
        for code in (cls.A1, cls.A2):
            kinds = [s["kind"] for s in cls.items_by_code[code]["flow"]]
            assert kinds == ["accept", "review", "complete"], (code, kinds)
        # The applicants are insured 城乡居民 (a filing needs the person insured in the region):
        # enrolled by one resident import.
        csv = "id_no,name,phone,identity\n" + "".join(
            "%s,统计%d,13800000000,\n" % (citizen_id(900 + n), n) for n in range(1, 7))
        st, rep = cls.srv.request("POST", "/api/v1/regions/qinghai/imports/residents", raw=csv.encode(),
                                  token=cls.srv.token("qinghai_window"), headers={"Content-Type": "text/csv"})
        assert st == 201 and rep["accepted"] == 6, (st, rep)
        c = {}
        # A: 办结 today on time, rated 不满意 (a follow-up opens).
        c["A"] = cls.submit(cls.A1, 1)
        cls.accept(c["A"])
        cls.act(c["A"]["case_no"], "approve", "qinghai_reviewer")
        cls.act(c["A"]["case_no"], "complete", "qinghai_window")
        # B: applied online (2 working days: due 03-12), accepted, waits at 审核.
        c["B"] = cls.submit(cls.A2, 2, online=True)
        out = cls.accept(c["B"])
        assert out["due_on"] == "2026-03-12", out
        # C: accepted today (due today), 办结 tomorrow: late.
        c["C"] = cls.submit(cls.A1, 3)
        cls.accept(c["C"])
        # D: applied, not accepted.
        c["D"] = cls.submit(cls.A1, 4)
        # E: 办结 today, rated 满意.
        c["E"] = cls.submit(cls.A2, 5)
        cls.accept(c["E"])
        cls.act(c["E"]["case_no"], "approve", "qinghai_reviewer_2")
        cls.act(c["E"]["case_no"], "complete", "qinghai_window")
        # F: accepted today (due today), left at 审核: overdue from tomorrow.
        c["F"] = cls.submit(cls.A1, 6)
        cls.accept(c["F"])
        for k, seq, rating, comment in (("A", 1, "不满意", "等候时间太长"), ("E", 5, "满意", "")):
            cls.act(c[k]["case_no"], "rate", None, id_no=citizen_id(900 + seq),
                    query_code=c[k]["query_code"], rating=rating, comment=comment)
        cls.cases = c

    @classmethod
    def drive_day2(cls):
        cls.act(cls.cases["C"]["case_no"], "approve", "qinghai_reviewer")
        cls.act(cls.cases["C"]["case_no"], "complete", "qinghai_window")

    def no(self, key):
        return self.cases[key]["case_no"]

    def get(self, path, user="qinghai_supervisor"):
        return self.srv.request("GET", path, token=self.srv.token(user) if user else None)

    def raw(self, path, user="qinghai_supervisor"):
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=60)
        conn.request("GET", path, headers={"Authorization": "Bearer " + self.srv.token(user)})
        r = conn.getresponse()
        data = r.read()
        conn.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data

    # -- the figures ---------------------------------------------------------------------------
    def test_by_region_is_the_region_and_those_extending_it(self):
        # A case open in 西宁市 (whose catalog extends 青海省's): the provincial supervisor sees
        # it in Xining's row, with the same figures Xining's own supervisor sees.
        st, item = self.srv.request("GET", "/api/v1/regions/xining/items/002036001002")
        st, body = self.srv.request("POST", "/api/v1/cases", {
            "region": "xining", "item_code": "002036001002", "channel": "窗口",
            "applicant": {"kind": "person", "id_no": citizen_id(950), "name": "西宁申请人", "phone": "13800000000"},
            "form": minimal_form(item, 950)}, token=self.srv.token("xining_window"))
        self.assertEqual(st, 201, body)
        st, d = self.get("/api/v1/regions/qinghai/dashboard?" + PERIOD)
        self.assertEqual(st, 200, d)
        rows = {r["region"]: r for r in d["by_region"]}
        self.assertEqual(set(rows), {"qinghai", "xining"})
        keys = ("applications", "closed", "closed_on_time", "on_time_rate", "open", "overdue", "due_soon")
        self.assertEqual({k: rows["qinghai"][k] for k in keys}, {k: d["summary"][k] for k in keys})
        st, x = self.get("/api/v1/regions/xining/dashboard?" + PERIOD, "xining_supervisor")
        self.assertEqual(st, 200, x)
        self.assertEqual({k: rows["xining"][k] for k in keys}, {k: x["summary"][k] for k in keys})
        self.assertGreaterEqual(rows["xining"]["open"], 1)
        self.assertEqual(rows["xining"]["region_name"], "西宁市")
        # A city's supervisor sees its own row only; so does a province nobody extends.
        self.assertEqual([r["region"] for r in x["by_region"]], ["xining"])
        st, y = self.get("/api/v1/regions/yunnan/dashboard?" + PERIOD, "yunnan_supervisor")
        self.assertEqual([r["region"] for r in y["by_region"]], ["yunnan"])

    def test_every_figure(self):
        st, d = self.get("/api/v1/regions/qinghai/dashboard?" + PERIOD)
        self.assertEqual(st, 200, d)
        self.assertEqual((d["from"], d["to"], d["today"]), ("2026-03-10", "2026-03-11", "2026-03-11"))
        self.assertEqual(d["rating_satisfied"], "满意")
        s = d["summary"]
        self.assertEqual({k: s[k] for k in ("applications", "closed", "closed_on_time", "closed_without_limit",
                                            "open", "overdue", "due_soon", "ratings", "satisfied",
                                            "follow_ups_open", "follow_ups_overdue")},
                         {"applications": 6, "closed": 3, "closed_on_time": 2, "closed_without_limit": 0,
                          "open": 3, "overdue": 1, "due_soon": 1, "ratings": 2, "satisfied": 1,
                          "follow_ups_open": 1, "follow_ups_overdue": 0})
        self.assertAlmostEqual(s["on_time_rate"], 0.6667)
        self.assertAlmostEqual(s["satisfaction_rate"], 0.5)

        by_item = {r["item_code"]: r for r in d["by_item"]}
        self.assertEqual(set(by_item), {self.A1, self.A2})
        keys = ("applications", "closed", "closed_on_time", "open", "overdue", "due_soon")
        self.assertEqual(tuple(by_item[self.A1][k] for k in keys), (4, 2, 1, 2, 1, 0))
        self.assertEqual(tuple(by_item[self.A2][k] for k in keys), (2, 1, 1, 1, 0, 1))
        self.assertAlmostEqual(by_item[self.A1]["on_time_rate"], 0.5)
        self.assertEqual(by_item[self.A2]["on_time_rate"], 1.0)
        self.assertEqual(by_item[self.A1]["item_name"], self.items_by_code[self.A1]["name"])

        self.assertEqual({r["step"]: r["open"] for r in d["by_step"]}, {"审核": 2, "受理": 1})
        self.assertEqual({r["status"]: r["count"] for r in d["by_status"]},
                         {"completed": 3, "in_progress": 2, "submitted": 1})
        self.assertIn({"status": "submitted", "label": "待受理", "count": 1}, d["by_status"])

        staff = {r["username"]: r for r in d["by_staff"]}
        self.assertEqual(set(staff), {"qinghai_window", "qinghai_reviewer", "qinghai_reviewer_2"})
        w = staff["qinghai_window"]
        # 申请 is the applicant's event even when the clerk enters it: D (never accepted) is no
        # case of the window's.
        self.assertEqual((w["cases"], w["actions"]), (5, 8))
        self.assertEqual({k: v for k, v in w["by_action"].items() if v}, {"accept": 5, "complete": 3})
        self.assertEqual((staff["qinghai_reviewer"]["cases"], staff["qinghai_reviewer"]["actions"]), (2, 2))
        self.assertEqual(staff["qinghai_reviewer"]["by_action"]["approve"], 2)
        self.assertEqual((staff["qinghai_reviewer_2"]["cases"], staff["qinghai_reviewer_2"]["actions"]), (1, 1))

        sat = {r["item_code"]: r for r in d["satisfaction_by_item"]}
        self.assertEqual((sat[self.A1]["ratings"], sat[self.A1]["satisfied"], sat[self.A1]["satisfaction_rate"]),
                         (1, 0, 0.0))
        self.assertEqual((sat[self.A2]["ratings"], sat[self.A2]["satisfied"], sat[self.A2]["satisfaction_rate"]),
                         (1, 1, 1.0))
        self.assertEqual(sat[self.A1]["by_rating"],
                         {"非常满意": 0, "满意": 0, "基本满意": 0, "不满意": 1, "非常不满意": 0})
        self.assertEqual([(r["channel"], r["ratings"], r["satisfied"]) for r in d["satisfaction_by_channel"]],
                         [("窗口", 2, 1)])

        self.assertEqual(len(d["follow_ups"]), 1)
        f = d["follow_ups"][0]
        self.assertEqual((f["case_no"], f["rating"], f["reason"], f["channel"]),
                         (self.no("A"), "不满意", "等候时间太长", "窗口"))
        self.assertTrue(f["rated_at"].startswith("2026-03-10T"), f)
        self.assertEqual((f["follow_up_due"], f["deadline_status"]), ("2026-03-31", "on_time"))

        self.assertEqual(d["daily"], [
            {"date": "2026-03-10", "applications": 6, "closed": 2, "closed_on_time": 2},
            {"date": "2026-03-11", "applications": 0, "closed": 1, "closed_on_time": 0}])

        # The counts agree with the lists a supervisor clicks through to.
        for status, key in (("overdue", "F"), ("due_soon", "B")):
            st, rows = self.get("/api/v1/cases?deadline=" + status)
            self.assertEqual([r["case_no"] for r in rows], [self.no(key)], status)
        st, rows = self.get("/api/v1/cases?follow_up=open")
        self.assertEqual([r["case_no"] for r in rows], [self.no("A")])

        # A period before these cases counts nothing of them.
        st, e = self.get("/api/v1/regions/qinghai/dashboard?from=2026-03-01&to=2026-03-09")
        self.assertEqual(st, 200, e)
        self.assertEqual((e["summary"]["applications"], e["summary"]["closed"], e["summary"]["ratings"]), (0, 0, 0))
        self.assertEqual(len(e["daily"]), 9)
        self.assertIsNone(e["summary"]["on_time_rate"])

    def test_dashboard_xlsx(self):
        st, d = self.get("/api/v1/regions/qinghai/dashboard?" + PERIOD)
        st, headers, data = self.raw("/api/v1/regions/qinghai/dashboard?format=xlsx&" + PERIOD)
        self.assertEqual(st, 200, data[:300])
        self.assertEqual(headers["content-type"], XLSX)
        name = "统计分析-青海省-2026-03-10至2026-03-11.xlsx"
        self.assertEqual(headers["content-disposition"],
                         'attachment; filename="dashboard-qinghai-2026-03-10-2026-03-11.xlsx"; '
                         "filename*=UTF-8''" + urllib.parse.quote(name, safe=""))
        book = read_xlsx(data)
        self.assertEqual(list(book), ["概况", "按地区", "按事项", "按环节", "按状态", "按经办人",
                                      "满意度（按事项）", "满意度（按渠道）", "差评回访", "每日趋势"])
        self.assertEqual([(r["地区"], r["申请件数"], r["在办件数"]) for r in as_dicts(book["按地区"])],
                         [(r["region_name"], r["applications"], r["open"]) for r in d["by_region"]])
        summary = as_dicts(book["概况"])
        self.assertEqual(len(summary), 1)
        row = summary[0]
        self.assertEqual((excel_date(row["统计起始日"]), excel_date(row["统计截止日"])), ("2026-03-10", "2026-03-11"))
        for header, key in (("申请件数", "applications"), ("办结件数", "closed"), ("按期办结件数", "closed_on_time"),
                            ("已超期", "overdue"), ("即将到期", "due_soon"), ("待回访差评", "follow_ups_open")):
            self.assertEqual(row[header], d["summary"][key], header)
        self.assertAlmostEqual(row["按期办结率"], d["summary"]["on_time_rate"])
        items = as_dicts(book["按事项"])
        self.assertEqual([(r["事项编码"], r["申请件数"], r["办结件数"], r["按期办结件数"], r["已超期"])
                          for r in items],
                         [(r["item_code"], r["applications"], r["closed"], r["closed_on_time"], r["overdue"])
                          for r in d["by_item"]])
        self.assertEqual({r["状态"]: r["件数"] for r in as_dicts(book["按状态"])},
                         {"已办结": 3, "办理中": 2, "待受理": 1})
        staff = {r["经办人"]: r for r in as_dicts(book["按经办人"])}
        self.assertEqual((staff["qinghai_window"]["办件数"], staff["qinghai_window"]["受理"]), (5, 5))
        sat = as_dicts(book["满意度（按事项）"])
        self.assertEqual([(r["事项编码"], r["评价数"], r["不满意"]) for r in sat],
                         [(r["item_code"], r["ratings"], r["by_rating"]["不满意"]) for r in d["satisfaction_by_item"]])
        follow = as_dicts(book["差评回访"])
        self.assertEqual([(r["办件编号"], r["评价"], r["原因"], excel_date(r["回访期限"]), r["期限状态"]) for r in follow],
                         [(self.no("A"), "不满意", "等候时间太长", "2026-03-31", "正常")])
        daily = as_dicts(book["每日趋势"])
        self.assertEqual([(excel_date(r["日期"]), r["申请件数"], r["办结件数"], r["按期办结件数"]) for r in daily],
                         [(r["date"], r["applications"], r["closed"], r["closed_on_time"]) for r in d["daily"]])

    def test_case_list_xlsx_is_the_json(self):
        st, rows = self.get("/api/v1/cases?limit=500")
        self.assertEqual(st, 200)
        st, headers, data = self.raw("/api/v1/cases?format=xlsx")
        self.assertEqual(st, 200, data[:300])
        self.assertEqual(headers["content-type"], XLSX)
        self.assertEqual(headers["content-disposition"],
                         "attachment; filename=\"cases.xlsx\"; filename*=UTF-8''" +
                         urllib.parse.quote("办件列表.xlsx", safe=""))
        sheet = as_dicts(read_xlsx(data)["办件列表"])
        self.assertEqual(len(sheet), len(rows))
        labels = {"submitted": "待受理", "in_progress": "办理中", "completed": "已办结"}
        for x, j in zip(sheet, rows):
            self.assertEqual(x["办件编号"], j["case_no"])
            self.assertEqual(x["证件号码"], j["applicant"]["id_no"])  # masked, as in the JSON
            self.assertIn("*", x["证件号码"])
            self.assertEqual(x["申请人"], j["applicant"]["name"])
            self.assertEqual(x["状态"], labels[j["status"]])
            self.assertEqual(x["当前环节"], j["step"]["name"])
            self.assertEqual(excel_date(x["受理日期"]) if x["受理日期"] is not None else None, j["accepted_on"])
            self.assertEqual(excel_date(x["办结期限"]) if x["办结期限"] is not None else None, j["due_on"])
            self.assertEqual(x["已拨付（元）"], j["paid_fen"] / 100)
            self.assertEqual(excel_date(x["申请时间"]), j["submitted_at"][:10])
        # A filtered list: the same filter, the same rows (the overdue list: F only).
        st, headers, data = self.raw("/api/v1/cases?deadline=overdue&format=xlsx")
        self.assertEqual(st, 200)
        sheet = as_dicts(read_xlsx(data)["办件列表"])
        self.assertEqual([(r["办件编号"], r["期限状态"]) for r in sheet], [(self.no("F"), "已超期")])
        # A page asked for is the page.
        st, headers, data = self.raw("/api/v1/cases?format=xlsx&limit=2&offset=1")
        self.assertEqual([r["办件编号"] for r in as_dicts(read_xlsx(data)["办件列表"])],
                         [r["case_no"] for r in rows[1:3]])
        # The same authorisation as the JSON: another region's list is refused.
        st, headers, data = self.raw("/api/v1/cases?region=yunnan&format=xlsx")
        self.assertEqual((st, json.loads(data)["error"]["code"]), (403, "wrong_region"))

    def test_register_and_staff_lists_xlsx(self):
        for path, sheet, key, header in (
                ("/api/v1/regions/qinghai/units?format=xlsx", "参保单位", "units", "统一社会信用代码"),
                ("/api/v1/regions/qinghai/persons?format=xlsx", "参保人员", "persons", "证件号码")):
            st, j = self.get(path.replace("format=xlsx", "limit=500"), "qinghai_window")
            st, headers, data = self.raw(path, "qinghai_window")
            self.assertEqual(st, 200, data[:200])
            rows = as_dicts(read_xlsx(data)[sheet])
            field = "credit_code" if key == "units" else "id_no"
            self.assertEqual([r[header] for r in rows], [x[field] for x in j[key]])
        st, j = self.get("/api/v1/staff", "qinghai_admin")
        st, headers, data = self.raw("/api/v1/staff?format=xlsx", "qinghai_admin")
        self.assertEqual(st, 200, data[:200])
        rows = as_dicts(read_xlsx(data)["工作人员"])
        self.assertEqual([(r["用户名"], r["角色"]) for r in rows],
                         [(s["username"], "、".join(s["roles"])) for s in j])
        st, headers, data = self.raw("/api/v1/staff?format=xlsx", "qinghai_window")
        self.assertEqual(st, 403)
        st, headers, data = self.raw("/api/v1/regions/qinghai/payments?month=2026-03&format=xlsx", "qinghai_finance")
        self.assertEqual(st, 200, data[:200])
        self.assertEqual(read_xlsx(data)["拨付记录"][0][:3], ["办件编号", "收款方类型", "收款方"])

    def test_three_weeks_later(self):
        """The same period's figures stand; what is counted "now" has moved: B is overdue too,
        and the follow-up of A's poor rating (due 2026-03-31) is overdue."""
        type(self).srv.stop()
        type(self).srv = Server(self.db, LATER).start()
        try:
            st, d = self.get("/api/v1/regions/qinghai/dashboard?" + PERIOD)
            self.assertEqual(st, 200, d)
            s = d["summary"]
            self.assertEqual((s["applications"], s["closed"], s["closed_on_time"]), (6, 3, 2))
            self.assertEqual((s["overdue"], s["due_soon"], s["follow_ups_overdue"]), (2, 0, 1))
            self.assertEqual(d["follow_ups"][0]["deadline_status"], "overdue")
            self.assertEqual(d["today"], "2026-04-01")
        finally:
            type(self).srv.stop()
            type(self).srv = Server(self.db, DAY2).start()

    # -- refusals ------------------------------------------------------------------------------
    def test_refusals(self):
        base = "/api/v1/regions/qinghai/dashboard"
        for user, path, status, code in (
                ("qinghai_window", base, 403, "role_required"),
                ("qinghai_lead", base, 403, "role_required"),
                ("qinghai_admin", base, 403, "role_required"),
                ("yunnan_supervisor", base, 403, "wrong_region"),
                ("qinghai_supervisor", "/api/v1/regions/yunnan/dashboard", 403, "wrong_region"),
                ("qinghai_supervisor", base + "?from=2026-3-1", 400, "bad_date"),
                ("qinghai_supervisor", base + "?to=2026-02-30", 400, "bad_date"),
                ("qinghai_supervisor", base + "?from=2026-03-11&to=2026-03-10", 400, "bad_period"),
                ("qinghai_supervisor", base + "?from=2025-01-01&to=2026-03-10", 400, "period_too_long"),
                ("qinghai_supervisor", base + "?format=pdf", 400, "bad_format"),
                ("qinghai_supervisor", "/api/v1/cases?format=csv", 400, "bad_format"),
                ("qinghai_window", "/api/v1/regions/qinghai/units?format=xls", 400, "bad_format"),
                ("qinghai_admin", "/api/v1/staff?format=XLSX", 400, "bad_format")):
            st, out = self.get(path, user)
            self.assertEqual((st, out["error"]["code"]), (status, code), (user, path, out))
            self.assertNotIn("2026-3-1", out["error"]["message"])  # never echoes the input
        st, out = self.srv.request("GET", base)
        self.assertEqual(st, 401)

    def test_too_many_rows(self):
        """Past 10,000 rows the download is refused with a clear message, not cut short; a narrower
        filter downloads. (10,000 residents of xining enrolled by one import, plus the demo's 20.)"""
        lines = ["id_no,name,phone,identity"] + ["%s,批量%d,," % (person_id(50_000 + i), i) for i in range(10_000)]
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=120)
        conn.request("POST", "/api/v1/regions/xining/imports/residents", body="\n".join(lines).encode(),
                     headers={"Content-Type": "text/csv; charset=utf-8",
                              "Authorization": "Bearer " + self.srv.token("xining_window")})
        r = conn.getresponse()
        report = json.loads(r.read())
        conn.close()
        self.assertEqual((r.status, report["accepted"]), (201, 10_000), report)
        st, out = self.get("/api/v1/regions/xining/persons?format=xlsx", "xining_window")
        self.assertEqual((st, out["error"]["code"]), (422, "too_many_rows"), out)
        self.assertIn("10000", out["error"]["message"])
        self.assertIn("缩小", out["error"]["message"])
        st, headers, data = self.raw("/api/v1/regions/xining/persons?format=xlsx&name=" +
                                     urllib.parse.quote("批量9999"), "xining_window")
        self.assertEqual(st, 200)
        self.assertEqual([r["姓名"] for r in as_dicts(read_xlsx(data)["参保人员"])], ["批量9999"])


if __name__ == "__main__":
    unittest.main()
