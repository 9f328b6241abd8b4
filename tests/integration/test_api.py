"""Integration tests: the real binary, the real HTTP API, a real SQLite file."""
import itertools
import os
import socket
import tempfile
import unittest
import urllib.parse

from jingban_client import Registers, Server, citizen_id, credit_code, minimal_form

FAKE_NOW = "2026-03-10T10:00:00"  # a Tuesday, a working day
_seq = itertools.count(1)


def applicant_for(item):
    """A fresh applicant of the item's first applicant kind (an internal item has none)."""
    n = next(_seq)
    kind = item["applicant"][0]
    if kind == "person":
        return {"kind": kind, "id_no": citizen_id(n), "name": "测试参保人%d" % n, "phone": "13800000000"}
    return {"kind": kind, "id_no": credit_code(n), "name": "测试单位%d" % n}


def all_materials(item):
    return {m["id"]: "provided" for m in item["materials"]}


def shape(item):
    return tuple(s["kind"] for s in item["flow"])


def case_flow(item, case):
    """The flow the case runs on: the alternative chosen at 申请 (flow_id), else the item's."""
    return next((f["flow"] for f in item["flows"] if f["id"] == case["flow_id"]), item["flow"])


class ApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "jingban.db")
        cls.srv = Server(cls.db, FAKE_NOW).start()
        cls.items = {}
        st, regions = cls.srv.request("GET", "/api/v1/regions")
        assert st == 200
        cls.regions = regions
        for r in regions:
            st, items = cls.srv.request("GET", "/api/v1/regions/%s/items" % r["id"])
            assert st == 200
            cls.items[r["id"]] = items
        cls.regs = Registers(cls.srv, cls.items, _seq)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    # -- helpers -------------------------------------------------------------------------------
    def item(self, region, code):
        return next(i for i in self.items[region] if i["code"] == code)

    def staff_for(self, region, role, used=()):
        """A demo account of `role` that has not acted on another role's review step of the case."""
        for name in ("%s_%s" % (region, role), "%s_%s_2" % (region, role)):
            if name not in used:
                return name
        raise AssertionError("no free demo account for " + role)

    def two_hand_item(self, region, pay=False):
        """An item with review steps of two different roles (初审/复审), optionally a pay step
        (on its only flow; the tests pay the figure its effect fixes). Not a monthly settlement,
        whose application is the upload of its fee lines."""
        for it in self.items[region]:
            roles = [s["role"] for s in it["flow"] if s["kind"] == "review"]
            kinds = [s["kind"] for s in it["flow"]]
            if (len(set(roles)) >= 2 and not it["acceptance_windows"] and not it["internal"]
                    and it["effect"] not in ("institution_settlement", "pharmacy_settlement")
                    and (not pay or ("pay" in kinds and not it["flows"]))):
                return it
        raise AssertionError("no 初审/复审 item in " + region)

    def submit(self, region, item, materials=None, conditions=None, key=None, channel=None):
        """申请 at the window. The applicant and form meet the register preconditions of the
        item's effect (e.g. the unit is registered first), so that 受理 can follow."""
        window = self.staff_for(region, item["flow"][0]["role"])
        ch = channel or ("窗口" if "窗口" in item["channels"] else item["channels"][0])
        ready = self.regs.ready(region, item, minimal_form(item))
        if ready is None:
            self.skipTest("%s %s: driven by its own suite" % (region, item["code"]))
        applicant, form, conds = ready
        body = {"region": region, "item_code": item["code"], "channel": ch, "applicant": applicant,
                "materials": materials if materials is not None else {},
                "conditions": conds + [c for c in (conditions or []) if c not in conds], "form": form}
        headers = {"Idempotency-Key": key} if key else None
        st, case = self.srv.request("POST", "/api/v1/cases", body, token=self.srv.token(window), headers=headers)
        self.assertEqual(st, 201, case)
        return case, body

    def act(self, case_no, action, user, expect=200, **body):
        st, out = self.srv.request("POST", "/api/v1/cases/%s/%s" % (case_no, action), body,
                                   token=self.srv.token(user) if user else None,
                                   headers=body.pop("headers", None) if "headers" in body else None)
        self.assertEqual(st, expect, out)
        return out

    def drive(self, region, item, case):
        """Accept with every material and walk the case's flow to 办结. 拨付 pays the figure the
        item's effect fixes (结算单, balance) where it fixes one."""
        by_role = {}
        no = case["case_no"]
        flow = case_flow(item, case)
        out = self.act(no, "accept", self.staff_for(region, flow[0]["role"]), materials=all_materials(item))
        for idx, step in enumerate(flow[1:], start=1):
            if step["kind"] == "review":
                if step["role"] not in by_role:
                    by_role[step["role"]] = self.staff_for(region, step["role"], set(by_role.values()))
                out = self.act(no, "approve", by_role[step["role"]])
            elif step["kind"] == "pay":
                payable = self.regs.payable(no, self.staff_for(region, step["role"]))
                out = self.act(no, "pay", self.staff_for(region, step["role"]),
                               amount_fen=payable if payable is not None else 12345,
                               headers={"Idempotency-Key": "pay-%s-%d" % (no, idx)})
            else:
                out = self.act(no, "complete", self.staff_for(region, step["role"]))
        return out

    # -- catalog and calendar ------------------------------------------------------------------
    def test_regions_contract(self):
        ids = [r["id"] for r in self.regions]
        self.assertEqual(ids, ["qinghai", "xining", "yunnan", "qingdao"])
        self.assertEqual(self.regions[0]["name"], "青海省")
        self.assertEqual(self.regions[0]["division_code"], "630000")
        self.assertEqual(len(self.items["qinghai"]), 28)
        self.assertEqual(len(self.items["yunnan"]), 31)
        self.assertEqual(len(self.items["qingdao"]), 27)
        for region, items in self.items.items():
            for it in items:
                for key in ("code", "name", "main_code", "main_name", "steps", "time_limit", "materials"):
                    self.assertIn(key, it, (region, it.get("code")))
                self.assertEqual(len(it["code"]), 12)
                self.assertIn(it["time_limit"]["kind"], ("instant", "working_days", "natural_days",
                                                         "calendar_months", "calendar_date", "unstated"))
                if it["time_limit"]["kind"] == "unstated":
                    self.assertEqual(it["time_limit"]["display"], "未载明")
                self.assertNotIn("note", it)  # the cataloguer's notes stay off the public item
                self.assertEqual(it["steps"][0], "申请")
                self.assertEqual(it["steps"][-1], "办结")
        w = self.item("qinghai", "002036002003")
        self.assertEqual(w["steps"], ["申请", "受理", "审核", "拨付", "办结"])
        self.assertEqual(w["time_limit"]["kind"], "working_days")
        self.assertEqual(w["time_limit"]["days"], 15)
        cert = self.item("yunnan", "002036003001")
        self.assertIn("参保凭证", cert["name"])

    def test_item_guide_and_unknowns(self):
        st, it = self.srv.request("GET", "/api/v1/regions/qinghai/items/002036001001")
        self.assertEqual(st, 200)
        self.assertEqual(it["name"], "单位参保登记")
        st, html = self.srv.request("GET", "/api/v1/regions/qinghai/items/002036001001/guide")
        self.assertEqual(st, 200)
        self.assertIn("单位参保登记", html)
        self.assertIn(it["materials"][0]["name"], html)
        self.assertIn(it["time_limit"]["text"], html)
        st, err = self.srv.request("GET", "/api/v1/regions/qinghai/items/999999999999")
        self.assertEqual(st, 404)
        self.assertEqual(err["error"]["code"], "unknown_item")
        st, err = self.srv.request("GET", "/api/v1/regions/atlantis/items")
        self.assertEqual(st, 404)
        st, doc = self.srv.request("GET", "/api/v1/openapi.json")
        self.assertEqual(st, 200)
        self.assertIn("/api/v1/cases/{case_no}/{action}", doc["paths"])

    def test_deadline_endpoint(self):
        st, out = self.srv.request("GET", "/api/v1/calendar/deadline?from=2026-02-13&working_days=5")
        self.assertEqual((st, out["due"]), (200, "2026-02-27"))
        st, out = self.srv.request("GET", "/api/v1/calendar/deadline?from=2026-09-30&natural_days=1")
        self.assertEqual((st, out["due"]), (200, "2026-10-08"))  # 10-01..07 国庆; 10-08 is a working day
        st, out = self.srv.request("GET", "/api/v1/calendar/deadline?from=2024-06-03&working_days=5")
        self.assertEqual(st, 422)
        self.assertEqual(out["error"]["code"], "date_outside_calendar")
        st, out = self.srv.request("GET", "/api/v1/calendar/deadline?from=2026-02-30&working_days=5")
        self.assertEqual(st, 400)

    # -- lifecycles ----------------------------------------------------------------------------
    def test_every_step_chain_shape_of_every_region(self):
        for region, items in self.items.items():
            shapes = {}
            for it in items:
                if not it["internal"]:  # an internal routine has no applicant: never applied for
                    shapes.setdefault(shape(it), []).append(it)
            for sh, candidates in shapes.items():
                with self.subTest(region=region, shape=sh):
                    done = False
                    for it in candidates:
                        if it["acceptance_windows"]:
                            continue
                        case, _ = self.submit(region, it)
                        out = self.drive(region, it, case)
                        self.assertEqual(out["status"], "completed")
                        # A limit the seed does not state (未载明) has no due date: never overdue.
                        self.assertEqual(out["deadline_status"],
                                         "unstated" if it["time_limit"]["kind"] == "unstated" else "on_time")
                        self.assertEqual(out["event"]["action"], "complete")
                        st, full = self.srv.request("GET", "/api/v1/cases/" + case["case_no"],
                                                    token=self.srv.token(self.staff_for(region, it["flow"][0]["role"])))
                        self.assertEqual([e["action"] for e in full["events"]][:2], ["submit", "accept"])
                        self.assertEqual(len(full["events"]), len(case_flow(it, case)) + 1)
                        self.assertEqual(full["item_revision"], it["revision"])
                        done = True
                        break
                    if not done:  # every item of this shape has an acceptance window: try it anyway
                        it = candidates[0]
                        case, _ = self.submit(region, it)
                        st, out = self.srv.request("POST", "/api/v1/cases/%s/accept" % case["case_no"],
                                                   {"materials": all_materials(it)},
                                                   token=self.srv.token(self.staff_for(region, it["flow"][0]["role"])))
                        if st == 200:
                            continue
                        self.assertEqual(out["error"]["code"], "outside_acceptance_window")

    def test_every_register_effect_of_every_region_reaches_completion(self):
        """Every item whose effect changes registers, in every region, walks from 申请 to 办结
        once its preconditions hold (the unit registered, the person enrolled, the account
        credited), on the flow the case pinned, paying the figure the effect fixes."""
        driven = 0
        for region, items in self.items.items():
            for it in items:
                if it["internal"] or it["acceptance_windows"] or not self.regs.implemented(region, it):
                    continue
                with self.subTest(region=region, item=it["code"], effect=it["effect"]):
                    case, _ = self.submit(region, it)
                    out = self.drive(region, it, case)
                    self.assertEqual(out["status"], "completed")
                    st, full = self.srv.request("GET", "/api/v1/cases/" + case["case_no"],
                                                token=self.srv.token(region + "_supervisor"))
                    self.assertEqual(st, 200, full)
                    self.assertTrue(full["register_effect"]["implemented"])
                    self.assertEqual(full["register_effect"]["name"], it["effect"])
                    self.assertEqual(full["item_revision"], it["revision"])
                    if "pay" in [s["kind"] for s in case_flow(it, case)]:
                        self.assertEqual(full["paid_fen"], full["register_effect"].get("payable_fen", full["paid_fen"]))
                        self.assertGreater(full["paid_fen"], 0)
                    driven += 1
        self.assertGreaterEqual(driven, 30)

    def test_four_eyes_and_roles(self):
        it = self.two_hand_item("qinghai")
        case, _ = self.submit("qinghai", it)
        no = case["case_no"]
        self.act(no, "accept", "qinghai_window", materials=all_materials(it))
        # The wrong role is refused, and nothing changes.
        err = self.act(no, "pay", "qinghai_finance", expect=409, amount_fen=1)
        self.assertEqual(err["error"]["code"], "wrong_step")
        first = it["flow"][1]
        self.assertEqual(first["kind"], "review")
        self.act(no, "approve", "qinghai_lead")
        second = it["flow"][2]
        self.assertEqual(second["kind"], "review")
        self.assertNotEqual(second["role"], first["role"])
        err = self.act(no, "approve", "qinghai_lead", expect=403)
        self.assertEqual(err["error"]["code"], "four_eyes")
        self.assertIn("不得为同一人", err["error"]["message"])
        err = self.act(no, "approve", "qinghai_%s" % first["role"], expect=403)
        self.assertEqual(err["error"]["code"], "role_required")
        st, c = self.srv.request("GET", "/api/v1/cases/" + no, token=self.srv.token("qinghai_window"))
        self.assertEqual(c["step"]["index"], 2)
        # Lists filter by the step a case waits at, and by item.
        st, at_step = self.srv.request("GET", "/api/v1/cases?item=%s&step=%s&limit=500" % (it["code"], urllib.parse.quote(second["step"])),
                                       token=self.srv.token("qinghai_window"))
        self.assertEqual(st, 200)
        self.assertIn(no, [x["case_no"] for x in at_step])
        self.assertTrue(all(x["item_code"] == it["code"] and x["step"]["name"] == second["step"] for x in at_step))
        st, err = self.srv.request("GET", "/api/v1/cases?deadline=someday", token=self.srv.token("qinghai_window"))
        self.assertEqual(st, 400)
        self.assertEqual(c["version"], 3)
        # 西宁 staff cannot act on a 青海 case.
        err = self.act(no, "approve", "xining_senior_reviewer", expect=403)
        self.assertEqual(err["error"]["code"], "wrong_region")

    def test_return_names_every_missing_material_once(self):
        it = next(i for i in self.items["qinghai"]
                  if not i["acceptance_windows"] and
                  len([m for m in i["materials"] if "when" not in m and not m.get("optional")]) >= 2)
        case, body = self.submit("qinghai", it)
        no = case["case_no"]
        err = self.act(no, "accept", "qinghai_window", expect=422)
        self.assertEqual(err["error"]["code"], "materials_missing")
        out = self.act(no, "return", "qinghai_window", comment="材料不齐")
        self.assertEqual(out["status"], "supplement")
        expected = set()
        for m in it["materials"]:
            if "when" in m or m.get("optional"):
                continue
            expected.add(m.get("group", m["id"]))
        self.assertEqual({n["id"] for n in out["notice"]}, expected)
        # The applicant sees the same notice, and supplements with their ID number.
        st, prog = self.srv.request("GET", "/api/v1/progress?case_no=%s&query_code=%s&id_no=%s" % (no, case["query_code"], body["applicant"]["id_no"]))
        self.assertEqual(st, 200)
        self.assertEqual({n["id"] for n in prog["notice"]}, expected)
        out = self.act(no, "supplement", None, query_code=case["query_code"], id_no=body["applicant"]["id_no"], materials=all_materials(it))
        self.assertEqual(out["status"], "submitted")
        out = self.act(no, "accept", "qinghai_window")
        self.assertEqual(out["status"], "in_progress")

    def test_idempotent_submit_and_pay(self):
        it = self.two_hand_item("qinghai", pay=True)
        case1, body = self.submit("qinghai", it, key="submit-key-1")
        self.assertRegex(case1["case_no"], r"^630000-20260310-\d{6}$")  # region + date + sequence
        st, case2 = self.srv.request("POST", "/api/v1/cases", body, token=self.srv.token("qinghai_window"),
                                     headers={"Idempotency-Key": "submit-key-1"})
        self.assertEqual(st, 201)
        self.assertEqual(case1["case_no"], case2["case_no"])
        st, listed = self.srv.request("GET", "/api/v1/cases?item=%s&limit=500" % it["code"],
                                      token=self.srv.token("qinghai_window"))
        self.assertEqual(sum(1 for c in listed if c["applicant"]["name"] == body["applicant"]["name"]), 1)
        no = case1["case_no"]
        self.act(no, "accept", "qinghai_window", materials=all_materials(it))
        for step in it["flow"][1:]:
            if step["kind"] != "review":
                break
            self.act(no, "approve", "qinghai_" + step["role"])
        h = {"Idempotency-Key": "pay-once"}
        amount = self.regs.payable(no, "qinghai_finance") or 50000  # the 结算单's, where one is fixed
        p1 = self.act(no, "pay", "qinghai_finance", amount_fen=amount, headers=dict(h))
        p2 = self.act(no, "pay", "qinghai_finance", amount_fen=amount, headers=dict(h))
        self.assertEqual(p1, p2)
        self.assertEqual(p2["paid_fen"], amount)
        err = self.act(no, "pay", "qinghai_finance", expect=409, amount_fen=amount,
                       headers={"Idempotency-Key": "pay-twice"})
        self.assertEqual(err["error"]["code"], "wrong_step")
        err = self.act(no, "complete", "qinghai_finance", expect=403)
        out = self.act(no, "complete", "qinghai_window")
        self.assertEqual(out["paid_fen"], amount)
        err = self.act(no, "complete", "qinghai_window", expect=409)

    def test_send_back_reject_not_accept_withdraw_pause(self):
        it = self.two_hand_item("qinghai")
        first, second = it["flow"][1], it["flow"][2]
        case, body = self.submit("qinghai", it)
        no = case["case_no"]
        self.act(no, "accept", "qinghai_window", materials=all_materials(it))
        self.act(no, "approve", "qinghai_" + first["role"])
        err = self.act(no, "send_back", "qinghai_" + second["role"], expect=422, target_step=first["step"])
        self.assertEqual(err["error"]["code"], "reason_required")
        out = self.act(no, "send_back", "qinghai_" + second["role"], target_step=first["step"],
                       comment="补缴年限测算不一致，退回重新测算")
        self.assertEqual(out["step"]["name"], first["step"])
        self.act(no, "approve", "qinghai_" + first["role"])
        out = self.act(no, "reject", "qinghai_" + second["role"], comment="不符合支取条件")
        self.assertEqual(out["status"], "rejected")
        err = self.act(no, "approve", "qinghai_" + second["role"], expect=409)
        st, p = self.srv.request("GET", "/api/v1/progress?case_no=%s&query_code=%s&id_no=%s" % (no, case["query_code"], body["applicant"]["id_no"]))
        self.assertEqual((p["stage"], p["result"]), ("已办结", "审核不通过"))

        case, body = self.submit("qinghai", it)
        err = self.act(case["case_no"], "not_accept", "qinghai_window", expect=422)
        out = self.act(case["case_no"], "not_accept", "qinghai_window", comment="不属于本机构受理范围")
        self.assertEqual(out["status"], "not_accepted")
        # The applicant's timeline names the decision on the line of the step where it was taken.
        st, p = self.srv.request("GET", "/api/v1/progress?case_no=%s&id_no=%s&query_code=%s" % (
            case["case_no"], body["applicant"]["id_no"], case["query_code"]))
        self.assertEqual(st, 200, p)
        self.assertEqual(p["steps"][-1].get("outcome"), "不予受理")
        self.assertTrue(all("outcome" not in line for line in p["steps"][:-1]))

        case, body = self.submit("qinghai", it)
        err = self.act(case["case_no"], "withdraw", None, expect=404, query_code=case["query_code"], id_no=citizen_id(999, "19800101"))
        out = self.act(case["case_no"], "withdraw", None, query_code=case["query_code"], id_no=body["applicant"]["id_no"])
        self.assertEqual(out["status"], "withdrawn")

        # An uncounted period (e.g. 工作站传递) pauses the clock; nothing moves while paused.
        region, paused_item = next((r, i) for r in ("qingdao", "yunnan", "xining", "qinghai") for i in self.items[r]
                                   if i["uncounted_periods"] and not i["acceptance_windows"]
                                   and any(s["kind"] == "review" for s in i["flow"]))
        case, _ = self.submit(region, paused_item)
        no = case["case_no"]
        self.act(no, "accept", self.staff_for(region, paused_item["flow"][0]["role"]),
                 materials=all_materials(paused_item))
        step_role = paused_item["flow"][1]["role"]
        err = self.act(no, "pause", self.staff_for(region, step_role), expect=422, period="no_such_period")
        out = self.act(no, "pause", self.staff_for(region, step_role), period=paused_item["uncounted_periods"][0]["id"])
        self.assertTrue(out["paused"])
        err = self.act(no, "approve", self.staff_for(region, step_role), expect=409)
        self.assertEqual(err["error"]["code"], "paused")
        out = self.act(no, "resume", self.staff_for(region, step_role))
        self.assertFalse(out["paused"])

    def test_progress_query_reveals_nothing_else(self):
        it = self.item("qingdao", "002036001001")
        case, body = self.submit("qingdao", it)
        no, id_no = case["case_no"], body["applicant"]["id_no"]
        st, err = self.srv.request("GET", "/api/v1/progress?case_no=%s&query_code=%s&id_no=%s" % (no, case["query_code"], credit_code(999999)))
        self.assertEqual(st, 404)
        st, p = self.srv.request("GET", "/api/v1/progress?case_no=%s&query_code=%s&id_no=%s" % (no, case["query_code"], id_no.lower()))
        self.assertEqual(st, 200)
        self.assertEqual(p["stage"], "待受理")
        self.drive("qingdao", it, case)
        st, p = self.srv.request("GET", "/api/v1/progress?case_no=%s&query_code=%s&id_no=%s" % (no, case["query_code"], id_no))
        self.assertEqual(p["stage"], "已办结")
        self.assertEqual(p["steps"][0]["step"], "申请")
        self.assertEqual(p["steps"][-1]["step"], "办结")
        self.assertEqual(set(p.keys()) - {"case_no", "item_name", "stage", "steps", "result", "due_on", "due_provisional"}, set())
        self.assertNotIn(id_no, str(p))
        self.assertNotIn(body["applicant"]["name"], str(p))
        st, _ = self.srv.request("GET", "/api/v1/progress?case_no=%s" % no)
        self.assertEqual(st, 400)

    def test_rating_and_follow_up(self):
        for region, low, bad in (("qinghai", "不满意", "一般"), ("yunnan", "一般", "基本满意")):
            it = min((i for i in self.items[region] if not i["acceptance_windows"]), key=lambda i: len(i["flow"]))
            case, body = self.submit(region, it)
            no, id_no = case["case_no"], body["applicant"]["id_no"]
            err = self.act(no, "rate", None, expect=409, query_code=case["query_code"], id_no=id_no, rating="满意")
            self.drive(region, it, case)
            err = self.act(no, "rate", None, expect=422, query_code=case["query_code"], id_no=id_no, rating=bad)
            self.assertEqual(err["error"]["code"], "bad_rating")
            err = self.act(no, "rate", None, expect=422, query_code=case["query_code"], id_no=id_no, rating=low)
            self.assertEqual(err["error"]["code"], "reason_required")
            st, p = self.srv.request("GET", "/api/v1/progress?case_no=%s&id_no=%s&query_code=%s" % (no, id_no, case["query_code"]))
            self.assertNotIn("rating", p)
            out = self.act(no, "rate", None, query_code=case["query_code"], id_no=id_no, rating=low, comment="等候时间太长")
            self.assertEqual(out["follow_up"], "open")
            st, p = self.srv.request("GET", "/api/v1/progress?case_no=%s&id_no=%s&query_code=%s" % (no, id_no, case["query_code"]))
            self.assertEqual(p["rating"], low)
            self.act(no, "rate", None, expect=409, query_code=case["query_code"], id_no=id_no, rating="满意")
            st, listed = self.srv.request("GET", "/api/v1/cases?follow_up=open",
                                          token=self.srv.token(region + "_supervisor"))
            self.assertIn(no, [c["case_no"] for c in listed])
            self.act(no, "resolve_follow_up", region + "_window", expect=403, comment="x")
            out = self.act(no, "resolve_follow_up", region + "_supervisor", comment="已电话回访，致歉并说明")
            self.assertEqual(out["follow_up"], "resolved")

    def test_bad_input_changes_nothing(self):
        it = self.item("qinghai", "002036001002")
        tok = self.srv.token("qinghai_window")
        st, before = self.srv.request("GET", "/api/v1/cases?item=002036001002&limit=500", token=tok)
        st, err = self.srv.request("POST", "/api/v1/cases", raw=b"{not json", token=tok)
        self.assertEqual(st, 400)
        self.assertEqual(err["error"]["code"], "bad_request")
        body = {"region": "qinghai", "item_code": it["code"], "form": minimal_form(it), "applicant":
                {"kind": "person", "id_no": "630102199001010011", "name": "张三"}}
        st, err = self.srv.request("POST", "/api/v1/cases", body, token=tok)
        self.assertEqual(st, 422)
        self.assertEqual(err["error"]["code"], "invalid_id_number")
        self.assertIn("校验", err["error"]["message"])
        body["item_code"] = "002036001001"
        body["form"] = minimal_form(self.item("qinghai", "002036001001"))
        body["applicant"] = {"kind": "unit", "id_no": "91630100MA0000001X", "name": "某公司"}
        st, err = self.srv.request("POST", "/api/v1/cases", body, token=tok)
        self.assertEqual((st, err["error"]["code"]), (422, "invalid_credit_code"))
        body["item_code"] = "002036999999"
        st, err = self.srv.request("POST", "/api/v1/cases", body, token=tok)
        self.assertEqual(st, 404)
        st, after = self.srv.request("GET", "/api/v1/cases?item=002036001002&limit=500", token=tok)
        self.assertEqual(len(before), len(after))
        st, err = self.srv.request("GET", "/api/v1/cases", token="not-a-token")
        self.assertEqual(st, 401)
        st, err = self.srv.request("POST", "/api/v1/session", {"username": "qinghai_window", "password": "wrong-pass"})
        self.assertEqual(st, 401)
        st, err = self.srv.request("POST", "/api/v1/cases/630000-20260310-000001/accept", {})
        self.assertEqual(st, 401)
        st, err = self.srv.request("POST", "/api/v1/cases/none/explode", {}, token=tok)
        self.assertEqual(st, 404)
        self.assertEqual(err["error"]["code"], "unknown_action")
        # Pay with a float amount is refused before anything happens.
        st, err = self.srv.request("POST", "/api/v1/cases/x/pay", {"amount_fen": 1.5}, token=tok)
        self.assertEqual(st, 400)

    def test_http_pipelining_and_limits(self):
        with socket.create_connection(("127.0.0.1", self.srv.port), timeout=10) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/regions HTTP/1.1\r\nHost: x\r\n\r\n")
            data = b""
            while data.count(b"HTTP/1.1 200") < 2:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            self.assertEqual(data.count(b"HTTP/1.1 200"), 2)
            self.assertLess(data.index(b"status"), data.index(b"division_code"))
        big = b"{" + b" " * (2 << 20) + b"}"
        with socket.create_connection(("127.0.0.1", self.srv.port), timeout=10) as s:
            s.sendall(b"POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: %d\r\n\r\n" % len(big))
            try:
                s.sendall(big)
            except OSError:
                pass
            reply = s.recv(4096)
            self.assertIn(b"413", reply.split(b"\r\n")[0])


class RestartTest(unittest.TestCase):
    """A crash between steps loses nothing acknowledged; a later clock sees the case overdue."""

    def test_restart_and_overdue(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "restart.db")
            srv = Server(db, FAKE_NOW).start()
            try:
                _, items = srv.request("GET", "/api/v1/regions/qinghai/items")
                it = next(i for i in items if not i["acceptance_windows"] and not i["flows"] and
                          len({s["role"] for s in i["flow"] if s["kind"] == "review"}) >= 2)
                applicant, form, conds = Registers(srv, {"qinghai": items}, _seq).ready("qinghai", it, minimal_form(it))
                body = {"region": "qinghai", "item_code": it["code"], "channel": "窗口",
                        "applicant": applicant, "form": form, "conditions": conds}
                st, case = srv.request("POST", "/api/v1/cases", body, token=srv.token("qinghai_window"))
                self.assertEqual(st, 201, case)
                no = case["case_no"]
                st, out = srv.request("POST", "/api/v1/cases/%s/accept" % no, {"materials": all_materials(it)},
                                      token=srv.token("qinghai_window"))
                self.assertEqual(st, 200, out)
                due = out["due_on"]
                st, out = srv.request("POST", "/api/v1/cases/%s/approve" % no, {},
                                      token=srv.token("qinghai_" + it["flow"][1]["role"]))
                self.assertEqual(st, 200, out)
            except BaseException:
                srv.stop()
                raise
            srv.kill()  # a crash right after the acknowledgement
            # Much later: the case is overdue, and every event survived the restart.
            later = Server(db, "2026-04-30T09:00:00").start()
            try:
                tok = later.token("qinghai_" + it["flow"][2]["role"])
                st, c = later.request("GET", "/api/v1/cases/" + no, token=tok)
                self.assertEqual(st, 200)
                self.assertEqual([e["action"] for e in c["events"]], ["submit", "accept", "approve"])
                self.assertEqual(c["due_on"], due)
                self.assertEqual(c["deadline_status"], "overdue")
                st, overdue = later.request("GET", "/api/v1/cases?deadline=overdue", token=tok)
                self.assertIn(no, [x["case_no"] for x in overdue])
                st, out = later.request("POST", "/api/v1/cases/%s/approve" % no, {}, token=tok)
                self.assertEqual(st, 200, out)
                self.assertEqual(out["version"], 4)
                self.assertEqual(out["event"]["seq"], 4)
                # An item accepted only on 每月1-15日 (or similar) is refused on the 30th, naming the window.
                win = None
                for r in ("yunnan", "qingdao", "xining", "qinghai"):
                    _, its = later.request("GET", "/api/v1/regions/%s/items" % r)
                    for i in its:
                        if any("1-15" in w["text"] or "1－15" in w["text"] for w in i["acceptance_windows"]):
                            win = (r, i)
                            break
                    if win:
                        break
                self.assertIsNotNone(win, "no item with a 1-15 monthly window in any catalog")
                r, i = win
                window_user = "%s_%s" % (r, i["flow"][0]["role"])
                app = applicant_for(i)
                st, case = later.request("POST", "/api/v1/cases", {"region": r, "item_code": i["code"],
                                         "channel": "窗口" if "窗口" in i["channels"] else i["channels"][0],
                                         "applicant": app, "form": minimal_form(i)},
                                        token=later.token(window_user))
                self.assertEqual(st, 201, case)
                st, err = later.request("POST", "/api/v1/cases/%s/accept" % case["case_no"],
                                        {"materials": all_materials(i)}, token=later.token(window_user))
                self.assertEqual(st, 422, err)
                self.assertEqual(err["error"]["code"], "outside_acceptance_window")
                self.assertIn(i["acceptance_windows"][0]["text"], err["error"]["message"])
            finally:
                later.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
