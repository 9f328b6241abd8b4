"""Yunnan's 退役士兵补缴城镇职工基本医疗保险 (530000990002) and 社会保障卡（加载金融功能）
(530000990003), and Xining's internal 待遇支付 run (630100990001), through the real HTTP API on a
real database file: what each changes, every refusal, the GET routes (cards with history, the
bank notice page, back-payments, a run's vouchers) and the registers rebuilt from the events."""
import itertools
import json
import os
import re
import tempfile
import unittest

from jingban_client import Registers, Server, person_id

FAKE_NOW = "2026-03-10T10:00:00"  # a Tuesday
Y, X = "yunnan", "xining"
VETERAN, CARD, RUN = "530000990002", "530000990003", "630100990001"


class YunnanXiningExtrasTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "jingban.db")
        cls.srv = Server(cls.db, FAKE_NOW).start()
        cls.items = {}
        for region in (Y, X):
            st, items = cls.srv.request("GET", "/api/v1/regions/%s/items" % region)
            assert st == 200
            cls.items[region] = items
        cls.regs = Registers(cls.srv, cls.items, itertools.count(7100))
        cls.fresh = itertools.count(7500)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    # -- helpers -------------------------------------------------------------------------------
    def item(self, region, code):
        return next(i for i in self.items[region] if i["code"] == code)

    def submit(self, region, code, applicant, form, conditions=(), expect=201, token_user=None):
        item = self.item(region, code)
        body = {"region": region, "item_code": code, "channel": "窗口", "applicant": applicant,
                "conditions": list(conditions), "form": form}
        user = token_user or "%s_%s" % (region, item["flow"][0]["role"])
        st, case = self.srv.request("POST", "/api/v1/cases", body, token=self.srv.token(user) if user != "-" else None)
        self.assertEqual(st, expect, case)
        return case["case_no"] if st == 201 else case

    def act(self, no, action, user, expect=200, **body):
        st, out = self.srv.request("POST", "/api/v1/cases/%s/%s" % (no, action), body, token=self.srv.token(user))
        self.assertEqual(st, expect, out)
        return out

    def accept(self, region, code, no, expect=200):
        item = self.item(region, code)
        return self.act(no, "accept", "%s_window" % region, expect=expect,
                        materials={m["id"]: "provided" for m in item["materials"]})

    def get(self, path, region=Y, user=None, expect=200):
        st, body = self.srv.request("GET", "/api/v1/regions/%s/%s" % (region, path),
                                    token=self.srv.token(user or region + "_supervisor"))
        self.assertEqual(st, expect, body)
        return body

    def person(self, id_no, region=Y):
        return self.get("persons/" + id_no, region)

    def applicant(self, name):
        return {"kind": "person", "id_no": person_id(next(self.fresh)), "name": name, "phone": "13800000000"}

    # -- 退役士兵补缴 ------------------------------------------------------------------------------
    VETERAN_STEPS = [("材料审核", "yunnan_reviewer"), ("单位缴纳部分费用", "yunnan_reviewer"),
                     ("个人应缴部分费用收齐", "yunnan_reviewer"), ("办理补缴手续", "yunnan_senior_reviewer")]

    @staticmethod
    def veteran_form(**extra):
        form = {"discharge_date": "2012-11-30", "from_month": "2013-01", "to_month": "2014-06",
                "placement_unit": "某县粮食局"}
        form.update(extra)
        return form

    def test_veteran_back_payment_registers_an_absent_person_and_adds_the_months(self):
        app = self.applicant("赵退役")
        no = self.submit(Y, VETERAN, app, self.veteran_form())
        self.accept(Y, VETERAN, no)
        self.act(no, "approve", "yunnan_reviewer")
        self.act(no, "approve", "yunnan_reviewer", data={"unit_share_payer": "财政"})
        self.act(no, "approve", "yunnan_reviewer", data={"personal_share_collected": True})
        self.act(no, "approve", "yunnan_senior_reviewer")
        out = self.act(no, "complete", "yunnan_window")
        self.assertEqual(out["status"], "completed")
        p = self.person(app["id_no"])
        self.assertEqual((p["insurance_type"], p["contribution_months"]), ("职工", 18), p)
        self.assertEqual([(e["from"], e["to"], e["status"]) for e in p["enrolments"]],
                         [("2013-01", "2014-06", "参保缴费")])
        bp = self.get("persons/%s/back-payments" % app["id_no"])
        self.assertEqual(bp["months_total"], 18)
        rec = bp["back_payments"][0]
        self.assertRegex(rec["number"], r"^TY530000\d{6}$")
        self.assertEqual((rec["from_month"], rec["to_month"], rec["unit_share_payer"], rec["case_no"],
                          rec["contribution_months_before"], rec["contribution_months_after"], rec["status"]),
                         ("2013-01", "2014-06", "财政", no, 0, 18, "已补缴"))
        self.assertEqual(rec["history"][0]["case_no"], no)
        # The same months again: refused at 受理, the months named.
        again = self.submit(Y, VETERAN, app, self.veteran_form(from_month="2014-05", to_month="2014-08"))
        err = self.accept(Y, VETERAN, again, expect=422)["error"]
        self.assertEqual(err["code"], "months_already_insured")
        self.assertIn("2014-05至2014-06", err["message"])

    def test_veteran_months_join_an_insured_employee_and_grow_the_years(self):
        _, app = self.regs.employee(Y)  # 职工 from 2020-01, open
        before = self.person(app["id_no"])["contribution_months"]
        no = self.submit(Y, VETERAN, app, self.veteran_form(unit_share_payer="原安置单位", personal_share_collected=True))
        self.accept(Y, VETERAN, no)
        for _, user in self.VETERAN_STEPS:
            self.act(no, "approve", user)
        self.act(no, "complete", "yunnan_window")
        p = self.person(app["id_no"])
        self.assertEqual(p["contribution_months"], before + 18)
        self.assertEqual(p["enrolments"][0]["from"], "2013-01")
        st, rec = self.srv.request("GET", "/api/v1/regions/yunnan/persons/%s/record" % app["id_no"],
                                   token=self.srv.token("yunnan_supervisor"))
        self.assertEqual(st, 200, rec)
        self.assertEqual(rec["contribution_months"], before + 18)

    def test_veteran_refusals(self):
        app = self.applicant("钱退役")
        cases = [
            (dict(discharge_date="2019-01-21", from_month="2019-02", to_month="2019-05"), "discharged_after_cutoff"),
            (dict(from_month="2014-06", to_month="2013-01"), "bad_month_range"),
            (dict(from_month="2012-11"), "months_before_discharge"),
            (dict(to_month="2026-03"), "months_not_due"),
        ]
        for extra, code in cases:
            no = self.submit(Y, VETERAN, app, self.veteran_form(**extra))
            err = self.accept(Y, VETERAN, no, expect=422)["error"]
            self.assertEqual(err["code"], code, (extra, err))
        # The payer of the unit share is needed at 单位缴纳部分费用; the personal share at 办理补缴手续.
        no = self.submit(Y, VETERAN, app, self.veteran_form())
        self.accept(Y, VETERAN, no)
        self.act(no, "approve", "yunnan_reviewer")
        err = self.act(no, "approve", "yunnan_reviewer", expect=422)["error"]
        self.assertEqual(err["code"], "unit_share_payer_required")
        err = self.act(no, "approve", "yunnan_reviewer", expect=422, data={"unit_share_payer": "某人"})["error"]
        self.assertEqual(err["code"], "bad_unit_share_payer")
        self.act(no, "approve", "yunnan_reviewer", data={"unit_share_payer": "原安置单位"})
        self.act(no, "approve", "yunnan_reviewer", data={"personal_share_collected": False})
        err = self.act(no, "approve", "yunnan_senior_reviewer", expect=422)["error"]
        self.assertEqual(err["code"], "personal_share_not_collected")
        self.assertEqual(self.get("persons/%s/back-payments" % app["id_no"])["back_payments"], [])

    # -- 社会保障卡 ------------------------------------------------------------------------------
    def card_case(self, app, situation, form=None, expect_accept=200):
        no = self.submit(Y, CARD, app, form or {}, conditions=[situation] if situation else [])
        out = self.accept(Y, CARD, no, expect=expect_accept)
        if expect_accept != 200:
            return out["error"]
        self.act(no, "approve", "yunnan_reviewer")
        self.act(no, "complete", "yunnan_window")
        return no

    def test_card_made_refused_twice_then_replaced(self):
        app = self.regs.resident(Y)
        self.assertEqual(self.get("persons/%s/cards" % app["id_no"])["card"], None)
        err = self.card_case(app, "replacement", {"loss_kind": "遗失"}, expect_accept=422)
        self.assertEqual(err["code"], "no_card")
        first = self.card_case(app, "new_card")
        card = self.get("persons/%s/cards" % app["id_no"])["card"]
        self.assertEqual((card["status"], card["issued_on"], card["case_no"]), ("有效", "2026-03-10", first))
        self.assertRegex(card["card_no"], r"^SB530000\d{6}$")
        for situation in ("new_card", "instant_card"):
            err = self.card_case(app, situation, expect_accept=422)
            self.assertEqual(err["code"], "card_already_valid")
            self.assertIn(card["card_no"], err["message"])
        err = self.card_case(app, "replacement", expect_accept=422)
        self.assertEqual(err["code"], "loss_kind_required")
        second = self.card_case(app, "replacement", {"loss_kind": "损坏"})
        out = self.get("persons/%s/cards" % app["id_no"])
        cards = out["card"]["cards"]
        self.assertEqual([(c["status"], c.get("ended_on")) for c in cards], [("作废", "2026-03-10"), ("有效", None)])
        self.assertNotEqual(cards[1]["card_no"], card["card_no"])
        self.assertEqual(out["card"]["card_no"], cards[1]["card_no"])
        self.assertEqual([h["case_no"] for h in out["history"]], [first, second])

    def test_instant_card_issues_the_bank_notice(self):
        app = self.regs.resident(Y)
        st, _ = self.srv.request("GET", "/api/v1/regions/yunnan/persons/%s/cards/notice.html" % app["id_no"],
                                 token=self.srv.token("yunnan_window"))
        self.assertEqual(st, 404)
        no = self.card_case(app, "instant_card", {"bank": "某银行昆明分行"})
        card = self.get("persons/%s/cards" % app["id_no"])["card"]
        self.assertEqual(card["status"], "待银行制卡")
        self.assertRegex(card["notice"]["number"], r"^TZ530000\d{6}$")
        self.assertEqual(card["notice"]["case_no"], no)
        st, page = self.srv.request("GET", "/api/v1/regions/yunnan/persons/%s/cards/notice.html" % app["id_no"],
                                    token=self.srv.token("yunnan_window"))
        self.assertEqual(st, 200)
        self.assertIn("云南省金融社保卡新发卡通知单", page)
        self.assertIn(card["notice"]["number"], page)
        self.assertIn("某银行昆明分行", page)
        self.assertNotIn(app["id_no"], page)  # masked

    def test_card_refusals(self):
        err = self.card_case(self.applicant("孙未参保"), "new_card", expect_accept=422)
        self.assertEqual(err["code"], "not_insured")
        app = self.regs.resident(Y)
        err = self.card_case(app, None, expect_accept=422)
        self.assertEqual(err["code"], "card_situation_required")
        no = self.submit(Y, CARD, app, {}, conditions=["new_card", "instant_card"])
        self.assertEqual(self.accept(Y, CARD, no, expect=422)["error"]["code"], "card_situation_required")
        # Another region's staff may not read the card.
        st, out = self.srv.request("GET", "/api/v1/regions/yunnan/persons/%s/cards" % app["id_no"],
                                   token=self.srv.token("qinghai_window"))
        self.assertEqual((st, out["error"]["code"]), (403, "wrong_region"))

    # -- 待遇支付 --------------------------------------------------------------------------------
    @staticmethod
    def run_form(lines=None, month="2026-02"):
        return {"month": month, "lines": lines if lines is not None else [
            {"payee_kind": "个人", "payee": "张三", "payee_account": "6222000011112222", "amount_fen": 120000,
             "purpose": "住院待遇", "case_no": "630100-20260205-000003"},
            {"payee_kind": "个人", "payee": "王五", "payee_account": "6222000011113333", "amount_fen": 30050,
             "purpose": "门诊待遇"},
            {"payee_kind": "医药机构", "payee": "示例医院", "payee_account": "3301", "amount_fen": 500000,
             "purpose": "住院待遇"}]}

    def open_run(self, form, expect=201, user="xining_window"):
        return self.submit(X, RUN, {}, form, expect=expect, token_user=user)

    def test_benefit_run_pays_each_line_once_makes_and_reconciles_the_voucher(self):
        before = self.get("payments?month=2026-03", X)
        no = self.open_run(self.run_form())
        st, case = self.srv.request("GET", "/api/v1/cases/" + no, token=self.srv.token("xining_window"))
        self.assertEqual(case["applicant"]["kind"], "agency")
        self.accept(X, RUN, no)
        self.act(no, "approve", "xining_reviewer")
        st, case = self.srv.request("GET", "/api/v1/cases/" + no, token=self.srv.token("xining_finance"))
        self.assertEqual(case["register_effect"]["payable_fen"], 650050)
        err = self.act(no, "pay", "xining_finance", expect=422, amount_fen=650000, reason="少付")["error"]
        self.assertEqual(err["code"], "run_amount_differs")
        out = self.act(no, "pay", "xining_finance", amount_fen=650050)
        self.assertEqual(out["paid_fen"], 650050)
        self.assertEqual(out["event"]["action"], "pay")
        pay_seq = out["event"]["seq"]
        after = self.get("payments?month=2026-03", X)
        self.assertEqual(after["count"] - before["count"], 3)
        self.assertEqual(after["total_fen"] - before["total_fen"], 650050)
        mine = [p for p in after["payments"] if p["case_no"] == no]
        self.assertEqual(sorted(p["amount_fen"] for p in mine), [30050, 120000, 500000])
        self.assertIn("住院待遇（630100-20260205-000003）", [p["purpose"] for p in mine])
        # Each line of the 结算单 is a line of the 拨付 event, under the event's own sequence.
        self.assertLess(pay_seq, 100)
        self.assertEqual(sorted((p["event_seq"], p["line"], p["amount_fen"]) for p in mine),
                         [(pay_seq, 1, 120000), (pay_seq, 2, 30050), (pay_seq, 3, 500000)])
        # Single payments of other cases are line 0 of their event.
        self.assertTrue(all(p["line"] == 0 for p in after["payments"] if p["case_no"] != no))
        st, export = self.srv.request("GET", "/api/v1/regions/xining/payments/export?month=2026-03&format=csv",
                                      token=self.srv.token("xining_finance"))
        self.assertEqual(st, 200)
        rows = [r.split(",") for r in export.lstrip("\ufeff").split("\r\n") if r]
        self.assertEqual(rows[0][-2:], ["拨付事件", "明细行"])
        self.assertEqual(sorted((r[-2], r[-1]) for r in rows if r[0] == no),
                         [(str(pay_seq), "1"), (str(pay_seq), "2"), (str(pay_seq), "3")])
        type(self).run_payments = (no, sorted((p["event_seq"], p["line"], p["payee"], p["amount_fen"]) for p in mine))
        self.assertEqual(self.get("benefit-runs/%s/vouchers" % no, X)["vouchers"], [])
        out = self.act(no, "pay", "xining_finance", amount_fen=650050)
        self.assertEqual(out["paid_fen"], 650050)  # the voucher pays nothing more
        self.assertEqual(self.get("payments?month=2026-03", X)["count"], after["count"])
        v = self.get("benefit-runs/%s/vouchers" % no, X)["vouchers"]
        self.assertEqual(len(v), 1)
        self.assertRegex(v[0]["number"], r"^PZ630100\d{6}$")
        self.assertEqual((v[0]["status"], v[0]["total_fen"], v[0]["payments_month"]), ("已编制", 650050, "2026-03"))
        self.assertEqual({b["purpose"]: b["amount_fen"] for b in v[0]["by_purpose"]}, {"住院待遇": 620000, "门诊待遇": 30050})
        self.act(no, "complete", "xining_window")
        v = self.get("benefit-runs/%s/vouchers" % no, X)["vouchers"][0]
        self.assertEqual(v["status"], "已对账")
        self.assertEqual(v["export"], "/api/v1/regions/xining/payments/export?month=2026-03&format=csv")
        st, _ = self.srv.request("GET", v["export"], token=self.srv.token("xining_finance"))
        self.assertEqual(st, 200)

    def test_benefit_run_refusals(self):
        # Anonymous: an internal routine is never applied for.
        st, out = self.srv.request("POST", "/api/v1/cases", {"region": X, "item_code": RUN, "form": self.run_form()})
        self.assertEqual((st, out["error"]["code"]), (422, "internal_item"))
        line = {"payee_kind": "个人", "payee": "张三", "payee_account": "1", "amount_fen": 100, "purpose": "门诊待遇"}
        for lines, month, code in [
            ([], "2026-02", "no_lines"),
            (self.run_form()["lines"], "2026-04", "month_not_started"),
            ([dict(line, case_no="530000-20260205-000003")], "2026-02", "bad_case_no"),
            ([dict(line, case_no="630100-20260205-000003"), dict(line, amount_fen=200, case_no="630100-20260205-000003")],
             "2026-02", "case_paid_twice"),
            ([line, dict(line)], "2026-02", "duplicate_line"),
        ]:
            no = self.open_run(self.run_form(lines, month))
            err = self.accept(X, RUN, no, expect=422)["error"]
            self.assertEqual(err["code"], code, (lines, month, err))
        # Xining's staff only.
        self.open_run(self.run_form(), expect=403, user="qinghai_window")

    def test_zz_rebuild_from_events_is_identical(self):
        """Runs last: every register these cases built (persons, cards, back-payments, payments,
        vouchers, their counters) rebuilt from the register log equals what the cases built."""
        app = self.regs.resident(Y)
        self.card_case(app, "new_card")
        cards = self.get("persons/%s/cards" % app["id_no"])
        out = self.srv.rebuild_registers()
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        report = json.loads(out.stdout)
        self.assertTrue(report["identical"], report)
        self.assertEqual(self.get("persons/%s/cards" % app["id_no"]), cards)
        # The run's payments come back as the lines of its 拨付 event.
        run = getattr(type(self), "run_payments", None)
        if run:
            no, lines = run
            again = [p for p in self.get("payments?month=2026-03", X)["payments"] if p["case_no"] == no]
            self.assertEqual(sorted((p["event_seq"], p["line"], p["payee"], p["amount_fen"]) for p in again), lines)


if __name__ == "__main__":
    unittest.main()
