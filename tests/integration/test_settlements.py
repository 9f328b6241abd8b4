"""Monthly settlement of designated institutions (010001 / 010002, issue 8 §6) through the real HTTP
API on a real database file: the fee lines' upload (CSV and JSON lines, every rejection reason
counted, totals by hand), the case it opens, 初审 / 复审 seeing the totals, the 基金拨付单, the
institution's 对账 in the portal, 拨付 through the payments ledger, the 结算确认汇总表 (JSON, XLSX,
PDF), every refusal, in Qinghai, Xining (Qinghai's catalogue through extends) and Yunnan; then the
registers rebuilt from the log equal those built by the cases.

The institutions are the demo's (H/P + division + 00001, seeded by `--demo`)."""
import json
import os
import tempfile
import unittest

from jingban_client import Server, citizen_id

FAKE_NOW = "2026-03-03T10:00:00"  # a Tuesday, inside Yunnan's 每月1-5日 window
MONTH = "2026-02"
HEADER = "line_no,id_no,visit_date,code,name,class,quantity,unit_price_fen,amount_fen\n"
PERSON = citizen_id(7)


def line(no, code, cls, qty, price, amount, date="2026-02-10", id_no=PERSON, name="名称"):
    return "%s,%s,%s,%s,%s,%s,%s,%s,%s\n" % (no, id_no, date, code, name, cls, qty, price, amount)


def catalogue(region):
    """The shipped example catalogue: code → (kind, class, cap)."""
    path = os.path.join(os.path.dirname(__file__), "..", "..", "catalog", "fee_catalogue", region + ".csv")
    out = {}
    with open(path, encoding="utf-8") as f:
        for row in f:
            if row.startswith("#") or row.startswith("code,"):
                continue
            code, name, kind, cls, cap = row.strip().split(",")
            out[code] = (kind, cls, int(cap))
    return out


def pick(cat, kind, cls):
    for code, (k, c, cap) in sorted(cat.items()):
        if k == kind and c == cls and cap >= 100:
            return code, cap
    raise AssertionError("no %s %s in the catalogue" % (kind, cls))


class SettlementTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "jingban.db")
        cls.srv = Server(cls.db, FAKE_NOW).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    # -- helpers -------------------------------------------------------------------------------
    def tok(self, region, role, second=False):
        return self.srv.token("%s_%s%s" % (region, role, "_2" if second else ""))

    def upload(self, region, code, body, month=MONTH, token=None, credit=None, expect=201,
               ctype="text/csv"):
        headers = {"Content-Type": ctype}
        if credit:
            headers["X-Id-No"] = credit
        st, out = self.srv.request("POST", "/api/v1/regions/%s/settlements/%s/%s/lines" % (region, code, month),
                                   raw=body.encode(), token=token, headers=headers)
        self.assertEqual(st, expect, out)
        return out

    def act(self, region, no, action, role, expect=200, second=False, **body):
        st, out = self.srv.request("POST", "/api/v1/cases/%s/%s" % (no, action), body,
                                   token=self.tok(region, role, second))
        self.assertEqual(st, expect, out)
        return out

    def case(self, region, no):
        st, c = self.srv.request("GET", "/api/v1/cases/" + no, token=self.tok(region, "supervisor"))
        self.assertEqual(st, 200, c)
        return c

    def settlement(self, region, code, month=MONTH, credit=None, query=None, expect=200):
        headers = {}
        token = None
        if credit:
            headers = {"X-Id-No": credit, "X-Query-Code": query}
        else:
            token = self.tok(region, "supervisor")
        st, out = self.srv.request("GET", "/api/v1/regions/%s/settlements/%s/%s" % (region, code, month),
                                   token=token, headers=headers)
        self.assertEqual(st, expect, out)
        return out

    def confirm(self, region, code, credit, query, amount, expect=200, token=None):
        st, out = self.srv.request("POST", "/api/v1/regions/%s/settlements/%s/%s/confirm" % (region, code, MONTH),
                                   {"payable_fen": amount}, token=token,
                                   headers={"X-Id-No": credit, "X-Query-Code": query})
        self.assertEqual(st, expect, out)
        return out

    def credit_of(self, region, code):
        """The institution's credit code as its register entry holds it (the designation's route)."""
        st, inst = self.srv.request("GET", "/api/v1/regions/%s/institutions/%s" % (region, code),
                                    token=self.tok(region, "supervisor"))
        self.assertEqual(st, 200, inst)
        return inst["credit_code"]

    def review_to_order(self, region, no):
        """受理 and every review step: the case then waits at 拨付 with its 基金拨付单."""
        c = self.case(region, no)
        flow = c["flow"] if "flow" in c else None
        st, item = self.srv.request("GET", "/api/v1/regions/%s/items/%s" % (region, c["item_code"]))
        self.assertEqual(st, 200)
        self.act(region, no, "accept", "window", materials={m["id"]: "provided" for m in item["materials"]})
        for step in item["flow"][1:]:
            if step["kind"] != "review":
                break
            out = self.act(region, no, "approve", step["role"])
        return item, out

    # -- Qinghai: the whole chain ----------------------------------------------------------------
    def test_qinghai_hospital_month(self):
        R, H = "qinghai", "H63000000001"
        cat = catalogue(R)
        a, cap_a = pick(cat, "药品", "甲")
        b, cap_b = pick(cat, "药品", "乙")
        c, cap_c = pick(cat, "诊疗项目", "丙") if any(v[:2] == ("诊疗项目", "丙") for v in cat.values()) \
            else pick(cat, "药品", "丙")
        s, cap_s = pick(cat, "诊疗项目", "甲")
        bad_id = PERSON[:-1] + ("0" if PERSON[-1] != "0" else "1")
        body = HEADER
        body += line(1, a, "甲", "2", cap_a, 2 * cap_a)
        body += line(2, b, "乙", "1.5", 99, 149)                  # 148.5 rounds up to 149
        body += line(3, c, "丙", "1", 100, 100)
        body += line(4, s, "甲", "1", cap_s, cap_s)
        body += line(4, a, "甲", "1", 100, 100)                   # repeated line_no
        body += line(5, a, "甲", "1", 100, 100, id_no=bad_id)     # check digit
        body += line(6, a, "甲", "1", 100, 100, date="2026-03-01")
        body += line(7, "NOSUCHCODE", "甲", "1", 100, 100)
        body += line(8, a, "乙", "1", 100, 100)                   # class differs
        body += line(9, a, "甲", "1", cap_a + 1, cap_a + 1)       # over the cap
        body += line(10, a, "甲", "2", 100, 201)                  # amount ≠ q × p
        body += "11,broken\n"
        rep = self.upload(R, H, body, token=self.tok(R, "window"))
        self.assertEqual(rep["accepted"], 4)
        self.assertEqual(rep["rejected"], 8)
        reasons = rep["totals"]["rejected_by_reason"]
        for k in ("line_no_order", "bad_id_no", "date_outside_month", "unknown_code", "class_mismatch",
                  "price_over_cap", "amount_mismatch", "malformed"):
            self.assertEqual(reasons.get(k), 1, (k, reasons))
        self.assertEqual([r["line"] for r in rep["rejected_sample"]], [4, 5, 6, 7, 8, 9, 10, None])
        self.assertTrue(all(r["reason"] for r in rep["rejected_sample"]))
        t = rep["totals"]
        total_a = 2 * cap_a + cap_s
        total_b = 149
        total_c = 100
        self.assertEqual(t["by_class"]["甲"]["amount_fen"], total_a)
        self.assertEqual(t["by_class"]["乙"]["amount_fen"], total_b)
        self.assertEqual(t["by_class"]["丙"]["amount_fen"], total_c)
        # Qinghai 职工 2026: 乙类先行自付 10 % (example) → 14.9 → 15 fen.
        self.assertEqual(t["class_b_first_paid_permille"], 100)
        self.assertEqual(t["class_b_first_paid_fen"], 15)
        payable = total_a + total_b - 15
        self.assertEqual(t["fund_fen"], payable)
        self.assertEqual(t["self_fen"], 15 + total_c)
        self.assertTrue(rep["example"])
        no = rep["case"]["case_no"]
        query = rep["case"]["query_code"]
        self.assertTrue(no and query)
        self.assertEqual(self.case(R, no)["item_code"], "002036010001")
        credit = self.credit_of(R, H)

        # Refusals of the upload.
        self.assertEqual(self.upload(R, H, body, token=self.tok(R, "window"), expect=409)["error"]["code"],
                         "settlement_exists")
        self.assertEqual(self.upload(R, H, HEADER + line(1, a, "甲", "1", 100, 100), month="2026-03",
                                     token=self.tok(R, "window"), expect=422)["error"]["code"], "month_not_ended")
        self.assertEqual(self.upload(R, H, HEADER + line(1, a, "甲", "1", 100, 100), month="2026-01",
                                     credit="91630100MA0000001X", expect=403)["error"]["code"],
                         "not_the_institution")
        self.assertEqual(self.upload(R, "H63000009999", HEADER, token=self.tok(R, "window"),
                                     expect=404)["error"]["code"], "institution_not_found")
        self.assertEqual(self.upload(R, H, "code,amount\n1,2\n", month="2026-01", credit=credit,
                                     expect=422)["error"]["code"], "bad_header")
        nothing = self.upload(R, H, HEADER + line(1, "NOSUCHCODE", "甲", "1", 1, 1, date="2026-01-10"), month="2026-01",
                              credit=credit, expect=422)
        self.assertEqual(nothing["error"]["code"], "no_accepted_lines")
        self.assertEqual(nothing["rejected_sample"][0]["reason_code"], "unknown_code")
        self.assertIsNone(nothing["case"])
        self.assertEqual(self.upload(R, H, HEADER, month="2026-13", token=self.tok(R, "window"),
                                     expect=400)["error"]["code"], "bad_month")
        st, out = self.srv.request("POST", "/api/v1/regions/%s/settlements/%s/2026-01/lines" % (R, H),
                                   raw=b"x", token=self.tok(R, "reviewer"))
        self.assertEqual(st, 403, out)

        # The case: 初审 / 复审 see the totals and the exceptions, not the lines.
        view = self.case(R, no)["register_effect"]
        self.assertTrue(view["implemented"])
        self.assertEqual(view["payable_fen"], payable)
        self.assertEqual(view["fee_settlement"]["rejected"], 8)
        self.assertEqual(len(view["fee_settlement"]["rejected_sample"]), 8)
        # Not registered before 受理.
        self.settlement(R, H, expect=404)
        item, _ = self.review_to_order(R, no)
        got = self.settlement(R, H)
        self.assertEqual(got["status"], "已制单")
        order = got["fund_payment_order"]
        self.assertEqual(order["payable_fen"], payable)
        self.assertEqual(order["amount_fen"], total_a + total_b + total_c)
        self.assertTrue(order["example"])

        # 拨付 before 对账 is refused; 对账 by the institution, with the amount it saw.
        self.assertEqual(self.act(R, no, "pay", "finance", expect=422, amount_fen=payable)["error"]["code"],
                         "not_reconciled")
        self.assertEqual(self.confirm(R, H, credit, query, payable + 1, expect=422)["error"]["code"],
                         "amount_differs")
        self.confirm(R, H, credit, "WRONGQRY", payable, expect=404)
        self.assertEqual(self.confirm(R, H, credit, query, payable, expect=403,
                                      token=self.tok(R, "finance"))["error"]["code"], "applicant_only")
        mine = self.settlement(R, H, credit=credit, query=query)
        self.assertEqual(mine["fund_payment_order"]["payable_fen"], payable)
        done = self.confirm(R, H, credit, query, payable)
        self.assertEqual(done["status"], "已对账")
        self.assertEqual(self.confirm(R, H, credit, query, payable, expect=409)["error"]["code"], "not_ordered")

        # 拨付: exactly the 拨付单's amount, to the institution, in the payments ledger.
        self.assertEqual(self.act(R, no, "pay", "finance", expect=422, amount_fen=payable - 1)["error"]["code"],
                         "amount_differs")
        self.act(R, no, "pay", "finance", amount_fen=payable)
        st, pays = self.srv.request("GET", "/api/v1/regions/%s/payments?month=2026-03" % R,
                                    token=self.tok(R, "finance"))
        self.assertEqual(st, 200, pays)
        rows = pays if isinstance(pays, list) else pays.get("payments", pays.get("rows", []))
        mine = [p for p in rows if p["case_no"] == no]
        self.assertEqual(len(mine), 1, rows)
        self.assertEqual(mine[0]["payee_kind"], "institution")
        self.assertEqual(mine[0]["amount_fen"], payable)
        self.act(R, no, "complete", "window")
        final = self.settlement(R, H)
        self.assertEqual(final["status"], "已办结")
        self.assertEqual(final["paid_fen"], payable)
        self.assertGreaterEqual(len(final["history"]), 5)

        # 结算确认汇总表: JSON, XLSX, PDF.
        st, summary = self.srv.request("GET", "/api/v1/regions/%s/settlements?month=%s" % (R, MONTH),
                                       token=self.tok(R, "finance"))
        self.assertEqual(st, 200, summary)
        row = [r for r in summary["rows"] if r["institution_code"] == H][0]
        self.assertEqual(row["payable_fen"], payable)
        self.assertEqual(summary["total"]["paid_fen"], sum(r["paid_fen"] for r in summary["rows"]))
        for fmt, magic in (("xlsx", b"PK"), ("pdf", b"%PDF")):
            import urllib.request
            req = urllib.request.Request("http://127.0.0.1:%d/api/v1/regions/%s/settlements?month=%s&format=%s"
                                         % (self.srv.port, R, MONTH, fmt))
            req.add_header("Authorization", "Bearer " + self.tok(R, "finance"))
            with urllib.request.urlopen(req, timeout=30) as r:
                self.assertEqual(r.read()[:len(magic)], magic)
        st, other = self.srv.request("GET", "/api/v1/regions/%s/settlements?month=%s" % (R, MONTH),
                                     token=self.tok("yunnan", "finance"))
        self.assertEqual(st, 403, other)

    def test_qinghai_pharmacy_and_json_lines(self):
        R, P = "qinghai", "P63000000001"
        cat = catalogue(R)
        d, cap_d = pick(cat, "药品", "甲")
        s, cap_s = pick(cat, "诊疗项目", "甲")
        rows = [{"line_no": 1, "id_no": PERSON, "visit_date": "2026-02-02", "code": d, "name": "药",
                 "class": "甲", "quantity": 1, "unit_price_fen": 100, "amount_fen": 100},
                {"line_no": 2, "id_no": PERSON, "visit_date": "2026-02-02", "code": s, "name": "诊查",
                 "class": "甲", "quantity": "1", "unit_price_fen": 100, "amount_fen": 100}]
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        rep = self.upload(R, P, body, token=self.tok(R, "window"), ctype="application/x-ndjson")
        self.assertEqual(rep["accepted"], 1)
        self.assertEqual(rep["totals"]["rejected_by_reason"], {"kind_not_allowed": 1})
        no = rep["case"]["case_no"]
        self.assertEqual(self.case(R, no)["item_code"], "002036010002")
        # A withdrawn or rejected settlement frees the month: reject at 初审, upload again.
        st, item = self.srv.request("GET", "/api/v1/regions/%s/items/002036010002" % R)
        self.act(R, no, "accept", "window", materials={m["id"]: "provided" for m in item["materials"]})
        self.assertEqual(self.settlement(R, P)["status"], "审核中")
        self.act(R, no, "reject", "reviewer", comment="费用明细与对账单不符")
        self.assertEqual(self.settlement(R, P)["status"], "未通过")
        again = self.upload(R, P, body, token=self.tok(R, "window"), ctype="application/x-ndjson")
        self.assertNotEqual(again["case"]["case_no"], no)

    def test_xining_uses_qinghais_catalogue(self):
        R, H = "xining", "H63010000001"
        a, cap_a = pick(catalogue("qinghai"), "药品", "甲")
        rep = self.upload(R, H, HEADER + line(1, a, "甲", "1", 100, 100), token=self.tok(R, "window"))
        self.assertEqual(rep["accepted"], 1)
        self.assertEqual(rep["totals"]["fund_fen"], 100)

    def test_yunnan_chain(self):
        R, H = "yunnan", "H53000000001"
        cat = catalogue(R)
        b, cap_b = pick(cat, "药品", "乙")
        rep = self.upload(R, H, HEADER + line(1, b, "乙", "10", 100, 1000), token=self.tok(R, "window"))
        no, query = rep["case"]["case_no"], rep["case"]["query_code"]
        credit = self.credit_of(R, H)
        first_paid = rep["totals"]["class_b_first_paid_fen"]
        payable = 1000 - first_paid
        self.assertEqual(rep["totals"]["fund_fen"], payable)
        item, _ = self.review_to_order(R, no)  # 核对数据 → 结算 → 推送 → 复核
        self.assertEqual([s["step"] for s in item["flow"] if s["kind"] == "review"], ["核对数据", "结算", "推送", "复核"])
        self.assertEqual(self.settlement(R, H)["status"], "已制单")
        self.confirm(R, H, credit, query, payable)
        self.act(R, no, "pay", "finance", amount_fen=payable)
        self.assertEqual(self.settlement(R, H)["status"], "已拨付")

    def test_zz_rebuild_from_events_is_identical(self):
        """Runs last (alphabetical order): with the server stopped, every register is emptied and
        rebuilt from the register log (the settlements' case events and the 对账 confirmations);
        the result equals what the cases built."""
        out = self.srv.rebuild_registers(timeout=300)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        report = json.loads(out.stdout)
        self.assertTrue(report["identical"], report)
        self.assertGreaterEqual(report["batches"], 2)  # the two 对账 confirmations
        self.assertEqual(self.settlement("qinghai", "H63000000001")["status"], "已办结")

if __name__ == "__main__":
    unittest.main()
