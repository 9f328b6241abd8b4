"""Integration tests for the case-handling parts of issue 5 (hardening): idempotency keys scoped to
caller, route and case; four-eyes on every decision; query codes (查询码); bounded money, sizes and
query integers; case numbers past 999,999 a day; provisional deadlines at year end and their
recount on SIGHUP; progress probes and the case cache; staff reads recorded. The real binary, HTTP,
a real SQLite file."""
import itertools
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import tempfile
import time
import unittest

import jingban_client
from jingban_client import Registers, Server, citizen_id, credit_code, minimal_form

FAKE_NOW = "2026-03-10T10:00:00"  # a Tuesday, a working day
YEAR_END = "2026-12-31T10:00:00"  # a Thursday; the 2027 holiday notice is not loaded
ANON = "(anonymous)"  # submit() as an online applicant: no token
TERA = 10**12  # the largest amount one payment may carry (fen)
_seq = itertools.count(1)


_template = None


def setUpModule():
    """Seeding the demo accounts (one password hash each) is most of a first start: do it once,
    then give every server a copy of that database."""
    global _template
    _template = tempfile.TemporaryDirectory()
    db = os.path.join(_template.name, "template.db")
    Server(db, FAKE_NOW).start().stop()


def tearDownModule():
    _template.cleanup()


def seeded_db(path):
    """A database with the demo accounts and no case, at `path`."""
    for suffix in ("", "-wal"):
        src = os.path.join(_template.name, "template.db" + suffix)
        if os.path.exists(src):
            shutil.copyfile(src, path + suffix)
    return path


def applicant_for(item, name=None):
    n = next(_seq)
    if item["applicant"][0] == "person":
        return {"kind": "person", "id_no": citizen_id(n, "19850101"), "name": name or "加固测试人%d" % n,
                "phone": "13800000000"}
    return {"kind": item["applicant"][0], "id_no": credit_code(n), "name": name or "加固测试单位%d" % n}


def all_materials(item):
    return {m["id"]: "provided" for m in item["materials"]}


def review_roles(item):
    return [s["role"] for s in item["flow"] if s["kind"] == "review"]


class CalendarServer(Server):
    """A server reading its calendar from `calendar_dir`. jingban_client.Server passes ROOT/catalog
    and ROOT/calendar, and `serve` refuses a repeated --calendar: so start() runs with ROOT pointing
    at a directory holding a link to the real catalog and that calendar."""

    def __init__(self, db, fake_now, calendar_dir):
        super().__init__(db, fake_now)
        self.root = os.path.join(os.path.dirname(db), "root")
        os.makedirs(self.root, exist_ok=True)
        if not os.path.exists(os.path.join(self.root, "catalog")):
            os.symlink(os.path.join(jingban_client.ROOT, "catalog"), os.path.join(self.root, "catalog"))
            os.symlink(calendar_dir, os.path.join(self.root, "calendar"))

    def start(self):
        real_root = jingban_client.ROOT
        jingban_client.ROOT = self.root
        try:
            return super().start()
        finally:
            jingban_client.ROOT = real_root


class Base(unittest.TestCase):
    """Helpers over one server (`self.srv`, `self.items`)."""

    srv = None
    items = None

    @staticmethod
    def load_items(srv):
        items = {}
        st, regions = srv.request("GET", "/api/v1/regions")
        assert st == 200, regions
        for r in regions:
            st, its = srv.request("GET", "/api/v1/regions/%s/items" % r["id"])
            assert st == 200, its
            items[r["id"]] = its
        return {r["id"]: r for r in regions}, items

    def item(self, region, code):
        return next(i for i in self.items[region] if i["code"] == code)

    def registers(self):
        """The register preconditions of the items' effects, met through this server's API."""
        cls = type(self)  # kept per class: a test class shares its server
        if getattr(cls, "_regs", None) is None or cls._regs.srv is not self.srv:
            cls._regs = Registers(self.srv, self.items, _seq)
        return cls._regs

    def two_review_item(self, region, pay=False):
        """初审/复审: two review steps of different roles, no acceptance window, one flow
        (optionally a pay step: the tests pay the figure its effect fixes). Not a monthly
        settlement, whose application is the upload of its fee lines."""
        for it in self.items[region]:
            roles = review_roles(it)
            if (len(roles) == 2 and roles[0] != roles[1] and not it["acceptance_windows"]
                    and not it["flows"] and not it["internal"]
                    and it["effect"] not in ("institution_settlement", "pharmacy_settlement")
                    and (not pay or any(s["kind"] == "pay" for s in it["flow"]))):
                return it
        raise AssertionError("no item with two review roles in " + region)

    def online_item(self, region):
        return next(i for i in self.items[region] if "网上" in i["channels"] and not i["acceptance_windows"])

    def body_for(self, region, item, channel=None, name=None, prepared=False):
        """A submission of `item`. `prepared`: its applicant and form meet the register
        preconditions of the item's effect (a unit registered first …), so that 受理 can follow."""
        ch = channel or ("窗口" if "窗口" in item["channels"] else item["channels"][0])
        applicant, form, conds = applicant_for(item, name), minimal_form(item), []
        if prepared:
            applicant, form, conds = self.registers().ready(region, item, form)
            if name:
                applicant["name"] = name
        return {"region": region, "item_code": item["code"], "channel": ch,
                "applicant": applicant, "materials": {}, "conditions": conds, "form": form}

    def submit(self, region, item, user=None, key=None, body=None, expect=201):
        body = body or self.body_for(region, item, prepared=True)
        user = user or "%s_%s" % (region, item["flow"][0]["role"])
        headers = {"Idempotency-Key": key} if key else None
        token = None if user == ANON else self.srv.token(user)
        st, out = self.srv.request("POST", "/api/v1/cases", body, token=token, headers=headers)
        self.assertEqual(st, expect, out)
        return out, body

    def act(self, case_no, action, user, expect=200, key=None, **body):
        headers = {"Idempotency-Key": key} if key else None
        st, out = self.srv.request("POST", "/api/v1/cases/%s/%s" % (case_no, action), body,
                                   token=self.srv.token(user) if user else None, headers=headers)
        self.assertEqual(st, expect, out)
        return out

    def refused(self, case_no, action, user, status, code, **body):
        out = self.act(case_no, action, user, expect=status, **body)
        self.assertEqual(out["error"]["code"], code, out)
        return out

    def case(self, case_no, user):
        st, c = self.srv.request("GET", "/api/v1/cases/" + case_no, token=self.srv.token(user))
        self.assertEqual(st, 200, c)
        return c

    def count(self, region, item, user=None):
        user = user or "%s_%s" % (region, item["flow"][0]["role"])
        st, listed = self.srv.request("GET", "/api/v1/cases?item=%s&limit=500" % item["code"],
                                      token=self.srv.token(user))
        self.assertEqual(st, 200, listed)
        return len(listed)

    def to_pay_step(self, region, item):
        """A new case of `item`, accepted and approved at every review before its first pay step."""
        case, _ = self.submit(region, item)
        no = case["case_no"]
        self.act(no, "accept", "%s_%s" % (region, item["flow"][0]["role"]), materials=all_materials(item))
        used = set()
        for step in item["flow"][1:]:
            if step["kind"] == "pay":
                return no, step
            self.assertEqual(step["kind"], "review", item["flow"])
            user = "%s_%s" % (region, step["role"])
            if user in used:
                user += "_2"
            used.add(user)
            self.act(no, "approve", user)
        raise AssertionError("no pay step in " + item["code"])


class HardeningTest(Base):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = seeded_db(os.path.join(cls.tmp.name, "hardening.db"))
        cls.srv = Server(cls.db, FAKE_NOW).start()
        cls.regions, cls.items = cls.load_items(cls.srv)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    # -- 1. idempotency keys: (caller, route, case) and the body's hash ------------------------
    def test_submit_key_is_scoped_to_the_caller(self):
        key = "K-shared-by-three-callers"
        qh_item, xn_item = self.two_review_item("qinghai"), self.two_review_item("xining")
        qh, qh_body = self.submit("qinghai", qh_item, "qinghai_window", key=key)
        xn, _ = self.submit("xining", xn_item, "xining_window", key=key)
        self.assertNotEqual(xn["case_no"], qh["case_no"])
        self.assertTrue(xn["case_no"].startswith(self.regions["xining"]["division_code"] + "-"), xn)
        self.assertEqual(self.case(xn["case_no"], "xining_window")["region"], "xining")
        # An anonymous online application with the same key gets its own case too.
        online = self.online_item("qinghai")
        anon, anon_body = self.submit("qinghai", online, ANON, key=key, body=self.body_for("qinghai", online, "网上"))
        self.assertNotIn(anon["case_no"], (qh["case_no"], xn["case_no"]))
        again, _ = self.submit("qinghai", online, ANON, key=key, body=anon_body)
        self.assertEqual(again["case_no"], anon["case_no"])
        self.assertEqual(self.case(anon["case_no"], "qinghai_window")["channel"], "网上")
        # The same caller, key and body: the same case. Another body: 422, and nothing new.
        before = self.count("qinghai", qh_item)
        again, _ = self.submit("qinghai", qh_item, "qinghai_window", key=key, body=qh_body)
        self.assertEqual(again["case_no"], qh["case_no"])
        changed = dict(qh_body, applicant=dict(qh_body["applicant"], name="另一个人"))
        st, err = self.srv.request("POST", "/api/v1/cases", changed, token=self.srv.token("qinghai_window"),
                                   headers={"Idempotency-Key": key})
        self.assertEqual(st, 422, err)
        self.assertEqual(err["error"]["code"], "idempotency_key_reused")
        self.assertEqual(self.count("qinghai", qh_item), before)

    def test_pay_key_replays_only_for_its_caller_and_body(self):
        it = self.two_review_item("qinghai", pay=True)
        no, step = self.to_pay_step("qinghai", it)
        finance = "qinghai_" + step["role"]
        key = "pay-%s" % no
        due = self.registers().payable(no, finance)  # the figure the item's effect fixes
        self.assertGreater(due, 0)
        first = self.act(no, "pay", finance, key=key, amount_fen=due)
        self.assertEqual(first["paid_fen"], due)
        replay = self.act(no, "pay", finance, key=key, amount_fen=due)
        self.assertEqual(replay, first)
        self.assertEqual(self.case(no, "qinghai_window")["paid_fen"], due)
        self.refused(no, "pay", finance, 422, "idempotency_key_reused", key=key, amount_fen=due + 1)
        # Another region's finance account never sees the payment, with either body.
        for amount in (due, due + 1):
            err = self.refused(no, "pay", "xining_" + step["role"], 403, "wrong_region", key=key,
                               amount_fen=amount)
            self.assertNotIn("paid_fen", err)
        self.assertEqual(self.case(no, "qinghai_window")["paid_fen"], due)

    # -- 2. four-eyes on every decision --------------------------------------------------------
    def test_four_eyes_on_reject_send_back_and_approve(self):
        it = self.two_review_item("qinghai")
        first, second = [s for s in it["flow"] if s["kind"] == "review"]
        case, _ = self.submit("qinghai", it)
        no = case["case_no"]
        self.act(no, "accept", "qinghai_window", materials=all_materials(it))
        self.act(no, "approve", "qinghai_lead")
        self.refused(no, "reject", "qinghai_lead", 403, "four_eyes", comment="不符合条件")
        self.refused(no, "send_back", "qinghai_lead", 403, "four_eyes", comment="退回重新测算",
                     target_step=first["step"])
        self.refused(no, "approve", "qinghai_lead", 403, "four_eyes")
        self.assertEqual(self.case(no, "qinghai_window")["step"]["name"], second["step"])
        other = "qinghai_" + second["role"]
        self.assertEqual(other, "qinghai_senior_reviewer")
        out = self.act(no, "approve", other)
        self.assertNotEqual(out["step"]["name"], second["step"])

    def test_sending_back_from_the_second_review_bars_the_first(self):
        it = self.two_review_item("qinghai")
        first, second = [s for s in it["flow"] if s["kind"] == "review"]
        case, _ = self.submit("qinghai", it)
        no = case["case_no"]
        self.act(no, "accept", "qinghai_window", materials=all_materials(it))
        self.act(no, "approve", "qinghai_" + first["role"])
        out = self.act(no, "send_back", "qinghai_lead", comment="测算有误，退回初审", target_step=first["step"])
        self.assertEqual(out["step"]["name"], first["step"])
        self.refused(no, "approve", "qinghai_lead", 403, "four_eyes")
        self.refused(no, "reject", "qinghai_lead", 403, "four_eyes", comment="不符合条件")
        out = self.act(no, "approve", "qinghai_" + first["role"])
        self.assertEqual(out["step"]["name"], second["step"])

    # -- 3. query codes ------------------------------------------------------------------------
    def progress(self, no, id_no, code):
        return self.srv.request("GET", "/api/v1/progress?case_no=%s&id_no=%s&query_code=%s" % (no, id_no, code))

    def test_query_code_guards_progress_and_withdraw(self):
        it = self.online_item("qinghai")
        case, body = self.submit("qinghai", it)
        no, id_no, code = case["case_no"], body["applicant"]["id_no"], case["query_code"]
        self.assertEqual(len(code), 8, code)
        st, p = self.progress(no, id_no, code)
        self.assertEqual(st, 200, p)
        self.assertEqual(p["case_no"], no)
        wrong_code = ("B" if code[0] != "B" else "C") + code[1:]
        unknown_no = no.rsplit("-", 1)[0] + "-987654"
        answers = [self.progress(no, id_no, wrong_code), self.progress(no, citizen_id(7, "19700101"), code),
                   self.progress(unknown_no, id_no, code)]
        for st, out in answers:
            self.assertEqual(st, 404, out)
        self.assertEqual(answers[0][1], answers[1][1])
        self.assertEqual(answers[0][1], answers[2][1])
        st, out = self.srv.request("GET", "/api/v1/progress?case_no=%s&id_no=%s" % (no, id_no))
        self.assertEqual(st, 400, out)
        # Withdrawing with a wrong code: the same answer, and the case stays.
        err = self.act(no, "withdraw", None, expect=404, id_no=id_no, query_code=wrong_code)
        self.assertEqual(err, answers[0][1])
        err = self.act(unknown_no, "withdraw", None, expect=404, id_no=id_no, query_code=code)
        self.assertEqual(err, answers[0][1])
        self.assertEqual(self.case(no, "qinghai_window")["status"], "submitted")
        out = self.act(no, "withdraw", None, id_no=id_no, query_code=code)
        self.assertEqual(out["status"], "withdrawn")
        self.assertEqual(self.case(no, "qinghai_window")["status"], "withdrawn")

    # -- 4. money ------------------------------------------------------------------------------
    def test_amounts_are_bounded(self):
        it = self.two_review_item("qinghai", pay=True)
        no, step = self.to_pay_step("qinghai", it)
        finance = "qinghai_" + step["role"]
        for amount in (9223372036854775807, 18446744073709551615, 0, -1, TERA + 1):
            with self.subTest(amount=amount):
                self.refused(no, "pay", finance, 422, "amount_out_of_range", amount_fen=amount)
        for amount in (1.5, "100", None):
            with self.subTest(amount=amount):
                self.act(no, "pay", finance, expect=400, amount_fen=amount)
        self.assertEqual(self.case(no, "qinghai_window")["paid_fen"], 0)
        # In range but not the figure the effect fixes (the 结算单's): refused, nothing paid.
        due = self.registers().payable(no, finance)
        self.refused(no, "pay", finance, 422, "amount_differs", amount_fen=TERA)
        out = self.act(no, "pay", finance, amount_fen=due)
        self.assertEqual(out["paid_fen"], due)

    def test_internal_payment_run_opened_by_staff_only(self):
        # The one flow with two pay steps is Xining's 待遇支付 (chart 16), the agency's internal
        # finance routine: nobody applies for it; its own staff open it as the agency (the run, its
        # two pay steps paying once, the payments and the voucher: test_yunnan_xining_extras;
        # the arithmetic of the second pay step: workflow_test). Here: its shape, an applicant's
        # 申请 refused, a staff run without its 结算单 refused, nothing stored either way.
        it = self.item("xining", "630100990001")
        self.assertEqual([s["kind"] for s in it["flow"]], ["accept", "review", "pay", "pay", "complete"])
        self.assertTrue(it["internal"])
        self.assertEqual(it["applicant"], [])
        before = self.count("xining", it, "xining_window")
        body = {"region": "xining", "item_code": it["code"], "channel": "网上", "materials": {},
                "applicant": {"kind": "unit", "id_no": credit_code(next(_seq)), "name": "某单位"}, "form": {}}
        st, err = self.srv.request("POST", "/api/v1/cases", body)
        self.assertEqual((st, err["error"]["code"]), (422, "internal_item"), err)
        st, err = self.srv.request("POST", "/api/v1/cases", dict(body, channel="窗口"),
                                   token=self.srv.token("xining_window"))
        self.assertEqual((st, err["error"]["code"]), (422, "invalid_form"), err)
        self.assertEqual(self.count("xining", it, "xining_window"), before)

    # -- 5. sizes ------------------------------------------------------------------------------
    def db_bytes(self):
        return sum(os.path.getsize(self.db + suffix) for suffix in ("", "-wal") if os.path.exists(self.db + suffix))

    def test_form_and_text_sizes(self):
        it = self.online_item("qinghai")
        before, size = self.count("qinghai", it), self.db_bytes()
        body = self.body_for("qinghai", it, "网上")
        st, err = self.srv.request("POST", "/api/v1/cases", dict(body, form={"foo": "bar"}))
        self.assertEqual((st, err["error"]["code"]), (422, "invalid_form"), err)
        # A 1 MB string in a form field: under the 1 MiB body limit (the form check refuses it).
        big = "x" * 1_000_000
        form = dict(body["form"], foo=big)
        for f in (it.get("form_schema") or {"fields": []})["fields"]:
            if f["type"] in ("string", "text"):
                form = dict(body["form"], **{f["id"]: big})
                break
        st, err = self.srv.request("POST", "/api/v1/cases", dict(body, form=form))
        self.assertIn(st, (413, 422), err)
        # Over the limit: 413 from the headers alone (the server may close before reading the body,
        # hence a raw socket rather than urllib).
        data = json.dumps(dict(body, form={"foo": "x" * (1 << 20)})).encode()
        self.assertGreater(len(data), 1 << 20)
        with socket.create_connection(("127.0.0.1", self.srv.port), timeout=10) as s:
            s.sendall(b"POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: %d\r\n\r\n" % len(data))
            try:
                s.sendall(data)
            except OSError:
                pass
            self.assertIn(b" 413 ", s.recv(4096).split(b"\r\n")[0] + b" ")
        self.assertEqual(self.count("qinghai", it), before)
        self.assertLess(self.db_bytes() - size, 64 * 1024)
        # Names: 50 characters pass, 51 do not.
        st, err = self.srv.request("POST", "/api/v1/cases", self.body_for("qinghai", it, "网上", name="张" * 51))
        self.assertEqual((st, err["error"]["code"]), (422, "invalid_text"), err)
        case, _ = self.submit("qinghai", it, ANON, body=self.body_for("qinghai", it, "网上", name="张" * 50))
        # Comments: 500 characters pass, 501 do not.
        no = case["case_no"]
        self.refused(no, "not_accept", "qinghai_window", 422, "invalid_text", comment="理" * 501)
        self.assertEqual(self.case(no, "qinghai_window")["status"], "submitted")
        out = self.act(no, "not_accept", "qinghai_window", comment="理" * 500)
        self.assertEqual(out["status"], "not_accepted")

    # -- 6. strict query integers --------------------------------------------------------------
    def test_list_integers_are_strict(self):
        tok = self.srv.token("qinghai_window")
        for query in ("limit=10abc", "limit=1e3", "limit=%2B5", "limit=0", "limit=501", "limit=-1",
                      "limit=%205", "offset=-1", "offset=1x", "offset=%2B1"):
            with self.subTest(query=query):
                st, out = self.srv.request("GET", "/api/v1/cases?" + query, token=tok)
                self.assertEqual(st, 400, out)
                self.assertIn(out["error"]["code"], ("bad_number", "bad_limit"))
        for query in ("limit=1", "limit=500", "offset=0&limit=5"):
            st, out = self.srv.request("GET", "/api/v1/cases?" + query, token=tok)
            self.assertEqual(st, 200, (query, out))

    # -- 9. progress probes do not fill the case cache -----------------------------------------
    def cache_entries(self):
        st, text = self.srv.request("GET", "/metrics")
        self.assertEqual(st, 200)
        m = re.search(r"(?m)^jingban_case_cache_entries (\S+)$", text)
        if not m:
            found = [l for l in text.splitlines() if "cache" in l and not l.startswith("#")]
            self.skipTest("GET /metrics has no jingban_case_cache_entries gauge (cache lines: %r)" % found)
        return float(m.group(1))

    def test_progress_probes_do_not_fill_the_cache(self):
        before = self.cache_entries()
        id_no = citizen_id(4242)
        for n in range(300):
            st, out = self.progress("630000-20260310-%06d" % (900000 + n), id_no, "ABCDEFGH")
            self.assertEqual(st, 404, out)
        for n in range(20):  # applicant actions on cases that do not exist neither
            self.act("630000-20260310-%06d" % (950000 + n), "withdraw", None, expect=404, id_no=id_no,
                     query_code="ABCDEFGH")
        self.assertLessEqual(self.cache_entries(), before)
        # The gauge is live: a new case is cached.
        it = self.two_review_item("qinghai")
        self.submit("qinghai", it)
        self.assertGreater(self.cache_entries(), before)

    # -- 10. staff reads are recorded ----------------------------------------------------------
    def test_staff_reads_are_recorded(self):
        it = self.two_review_item("qinghai")
        case, _ = self.submit("qinghai", it)
        no = case["case_no"]
        self.case(no, "qinghai_reviewer")
        deadline, rows = time.time() + 5, []
        while time.time() < deadline and not rows:
            con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True)
            try:
                rows = con.execute("SELECT staff, what FROM case_reads WHERE case_no=?", (no,)).fetchall()
            finally:
                con.close()
            time.sleep(0.05)
        self.assertIn(("qinghai_reviewer", "case"), rows)


class CaseNumberRestartTest(Base):
    """§2: sequences are numeric, so past 999,999 a day the counter goes on after a restart."""

    def test_case_numbers_past_999999_survive_restarts(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = seeded_db(os.path.join(tmp, "seq.db"))
            numbers = []

            def session(n):
                self.srv = Server(db, FAKE_NOW).start()
                try:
                    _, self.items = self.load_items(self.srv)
                    it = self.online_item("qinghai")
                    for _ in range(n):
                        case, _ = self.submit("qinghai", it, ANON, body=self.body_for("qinghai", it, "网上"))
                        numbers.append(case["case_no"])
                finally:
                    self.srv.stop()

            session(1)
            self.assertEqual(numbers, ["630000-20260310-000001"])
            con = sqlite3.connect(db)
            with con:
                cur = con.execute("UPDATE sequences SET value=999998 WHERE name='case:630000-20260310'")
                self.assertEqual(cur.rowcount, 1)
            con.close()
            session(3)
            session(1)
            self.assertEqual(numbers[1:], ["630000-20260310-%s" % n for n in ("999999", "1000000", "1000001", "1000002")])
            self.assertEqual(len(set(numbers)), 5)


class YearEndTest(Base):
    """§5: at year end, deadlines past the loaded calendar are provisional, and recounted when the
    next year's file arrives (SIGHUP, no restart)."""

    # Test data, not the real 2027 notice (not published when this was written): a holiday on
    # Friday 2027-01-01 moves every due date counted across it by one working day.
    CALENDAR_2027 = """# TEST DATA for test_cases_hardening.py, not the State Council's notice
year: 2027
holidays:
  - {name: 元旦, from: 2027-01-01, to: 2027-01-03}
  - {name: 春节, from: 2027-02-06, to: 2027-02-14}
workdays:
  - {date: 2027-02-20, for: 春节}
"""

    def test_year_end_provisional_deadlines_and_recount(self):
        with tempfile.TemporaryDirectory() as tmp:
            cal = os.path.join(tmp, "calendar")
            shutil.copytree(os.path.join(jingban_client.ROOT, "calendar"), cal)
            self.srv = CalendarServer(seeded_db(os.path.join(tmp, "year_end.db")), YEAR_END, cal).start()
            try:
                self.run_year_end(cal)
            finally:
                self.srv.stop()

    def run_year_end(self, cal):
        _, self.items = self.load_items(self.srv)
        open_items = [i for i in self.items["qinghai"] if not i["acceptance_windows"]]
        instant = next(i for i in open_items if i["time_limit"]["kind"] == "instant")
        long = next(i for i in open_items if i["time_limit"]["kind"] == "working_days"
                    and i["time_limit"].get("days", 0) >= 15)
        case, _ = self.submit("qinghai", instant)
        self.act(case["case_no"], "accept", "qinghai_" + instant["flow"][0]["role"],
                 materials=all_materials(instant))
        case, body = self.submit("qinghai", long)
        no = case["case_no"]
        progress = "/api/v1/progress?case_no=%s&id_no=%s&query_code=%s" % (
            no, body["applicant"]["id_no"], case["query_code"])
        out = self.act(no, "accept", "qinghai_" + long["flow"][0]["role"], materials=all_materials(long))
        self.assertTrue(out["due_provisional"], out)
        self.assertTrue(out["due_on"].startswith("2027-"), out)
        provisional_due = out["due_on"]
        st, listed = self.srv.request("GET", "/api/v1/cases?deadline=on_time&limit=500",
                                      token=self.srv.token("qinghai_window"))
        self.assertEqual(st, 200, listed)
        mine = [c for c in listed if c["case_no"] == no]
        self.assertEqual(len(mine), 1, listed)
        self.assertTrue(mine[0]["due_provisional"])
        st, p = self.srv.request("GET", progress)
        self.assertEqual((st, p["due_on"], p["due_provisional"]), (200, provisional_due, True), p)
        # The 2027 notice arrives: no restart, SIGHUP.
        with open(os.path.join(cal, "2027.yaml"), "w", encoding="utf-8") as f:
            f.write(self.CALENDAR_2027)
        self.srv.proc.send_signal(signal.SIGHUP)
        deadline, c = time.time() + 10, None
        while time.time() < deadline:
            c = self.case(no, "qinghai_window")
            if c["due_on"] != provisional_due and not c["due_provisional"]:
                break
            time.sleep(0.1)
        self.assertNotEqual(c["due_on"], provisional_due, c)
        self.assertFalse(c["due_provisional"], c)
        self.assertGreater(c["due_on"], provisional_due)  # one holiday more counted
        recounts = [e for e in c["events"] if e["action"] == "recount_deadline"]
        self.assertEqual(len(recounts), 1, c["events"])
        self.assertEqual(recounts[0]["actor"], "system")
        st, p = self.srv.request("GET", progress)
        self.assertEqual((st, p["due_on"], p["due_provisional"]), (200, c["due_on"], False), p)
        self.assertIsNone(self.srv.proc.poll())


if __name__ == "__main__":
    unittest.main(verbosity=2)
