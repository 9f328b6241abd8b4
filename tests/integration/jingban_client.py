"""Test helpers: start a real `jingban serve` on a temp database and talk HTTP to it."""
import itertools
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("JINGBAN_BIN", os.path.join(ROOT, "build", "jingban"))
PASSWORD = "jingban-demo"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`extra`: further `serve` options. Rate limits are off unless a test asks for them (the
    suites sign in and submit far faster than a person would, all from 127.0.0.1)."""

    def __init__(self, db, fake_now, demo=True, extra=("--rate-limit", "off")):
        self.db, self.fake_now, self.demo = db, fake_now, demo
        self.extra = list(extra)
        self.port = free_port()
        self.proc = None
        self.tokens = {}

    def start(self):
        args = [BINARY, "serve", "--port", str(self.port), "--db", self.db, "--fake-now", self.fake_now,
                "--catalog", os.path.join(ROOT, "catalog"), "--calendar", os.path.join(ROOT, "calendar")]
        if self.demo:
            args.append("--demo")
        args += self.extra
        self.log = open(self.db + ".log", "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: see " + self.db + ".log")
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def rebuild_registers(self, timeout=120):
        """Stops the server, runs `jingban rebuild-registers` on its database (every register
        emptied and replayed from the register log, then compared with what the cases built),
        starts the server again and returns the finished process (stdout: the JSON report)."""
        self.stop()
        try:
            return subprocess.run([BINARY, "rebuild-registers", "--db", self.db,
                                   "--catalog", os.path.join(ROOT, "catalog"),
                                   "--policy", os.path.join(ROOT, "policy")],
                                  capture_output=True, text=True, timeout=timeout)
        finally:
            self.start()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)
        self.log.close()

    def kill(self):
        """SIGKILL: no shutdown path runs; whatever was acknowledged must already be on disk."""
        self.proc.kill()
        self.proc.wait(timeout=30)
        self.log.close()

    def request(self, method, path, body=None, token=None, headers=None, raw=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path), data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                payload = r.read().decode()
                ctype = r.headers.get("Content-Type", "")
                return r.status, (json.loads(payload) if "json" in ctype else payload)
        except urllib.error.HTTPError as e:
            payload = e.read().decode()
            return e.code, (json.loads(payload) if payload.startswith("{") else payload)

    def token(self, username):
        if username not in self.tokens:
            st, body = self.request("POST", "/api/v1/session", {"username": username, "password": PASSWORD})
            assert st == 201, (username, st, body)
            self.tokens[username] = body["token"]
        return self.tokens[username]


class WindowCases:
    """Mixed into a unittest.TestCase: a demo server of the class's own (`setUpClass`: a temporary
    database, the clock at `FAKE_NOW`, `items` — item code → the item's JSON of `REGION` — and
    `regs`, a Registers helper numbering new persons from `PERSON_SEQ`), and `submit` and `accept`
    at the region's window. Each acts as the role of the item's first step: a case is submitted
    with no material marked and no condition; accepted with every material provided (`expect`: the
    status the acceptance must answer)."""

    REGION = None
    FAKE_NOW = None
    PERSON_SEQ = 8000

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "jingban.db")
        cls.srv = Server(cls.db, cls.FAKE_NOW).start()
        st, items = cls.srv.request("GET", "/api/v1/regions/%s/items" % cls.REGION)
        assert st == 200, items
        cls.items = {i["code"]: i for i in items}
        cls.regs = Registers(cls.srv, {cls.REGION: items}, itertools.count(cls.PERSON_SEQ))

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def submit(self, code, applicant, form):
        body = {"region": self.REGION, "item_code": code, "channel": "窗口", "applicant": applicant,
                "materials": {}, "conditions": [], "form": form}
        st, case = self.srv.request("POST", "/api/v1/cases", body,
                                    token=self.srv.token("%s_%s" % (self.REGION, self.items[code]["flow"][0]["role"])))
        self.assertEqual(st, 201, case)
        return case["case_no"]

    def accept(self, code, no, expect=200):
        item = self.items[code]
        st, out = self.srv.request("POST", "/api/v1/cases/%s/accept" % no,
                                   {"materials": {m["id"]: "provided" for m in item["materials"]}},
                                   token=self.srv.token("%s_%s" % (self.REGION, item["flow"][0]["role"])))
        self.assertEqual(st, expect, out)
        return out

def citizen_id(seq, birth="19900101", area="630102"):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    body = "%s%s%03d" % (area, birth, seq % 1000)
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]
    return body + check


def credit_code(seq):
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    body = "91630100MA%07d" % (seq % 10000000)
    total = sum(alphabet.index(c) * w for c, w in zip(body, weights))
    return body + alphabet[(31 - total % 31) % 31]


def minimal_form(item, seq=1):
    """The smallest form the item's form definition accepts: every required field, filled."""
    def value(f):
        t = f["type"]
        if t == "enum":
            return f["values"][0]
        if t in ("string", "text"):
            return "测试"
        if t == "phone":
            return "13800000000"
        if t == "date":
            return "2026-03-01"
        if t == "month":
            return "2026-03"
        if t in ("money_fen", "integer"):
            return max(f.get("min", 0), 1 if t == "money_fen" else f.get("min", 0))
        if t == "id_no":
            return citizen_id(seq)
        if t == "credit_code":
            return credit_code(seq)
        if t == "boolean":
            return False
        if t == "list":
            return [{sub["id"]: value(sub) for sub in f["fields"] if sub.get("required")}]
        raise AssertionError("unknown field type " + t)

    schema = item.get("form_schema") or {"fields": []}
    return {f["id"]: value(f) for f in schema["fields"] if f.get("required")}


def person_id(seq):
    """A citizen ID number unique per `seq` (citizen_id repeats every 1,000 sequence numbers on one
    birth date): the birth date moves on one day per thousand."""
    import datetime
    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=seq // 1000)
    return citizen_id(seq, birth.strftime("%Y%m%d"))


# The effects of the items whose register preconditions Registers knows how to meet; any other
# effect either has no handler yet or needs nothing beyond a fresh applicant.
UNIT_FORM = {"unit_type": "企业", "address": "测试地址", "legal_representative": "张三",
             "phone": "09718000000", "bank_account": "6222000011112222"}
FEE_LINES = [{"code": "A001", "name": "检查费", "class": "甲", "amount_fen": 300000},
             {"code": "B001", "name": "乙类药品", "class": "乙", "amount_fen": 100000},
             {"code": "C001", "name": "丙类药品", "class": "丙", "amount_fen": 50000}]


class Registers:
    """Meets the register preconditions of an item's effect through the API, the way an agency
    would: a unit is registered (001001) before it enrols employees, a person is enrolled (001003)
    before a claim, an employee's account is credited (划入, by finance) before a withdrawal.
    `items`: {region: [item JSON]}; `seq`: an iterator of fresh sequence numbers."""

    def __init__(self, srv, items, seq):
        self.srv, self.items, self.seq = srv, items, seq
        self.known = {}    # effect name → whether a handler changes registers for it
        self.probes = []   # the case numbers implemented() submitted

    def implemented(self, region, item):
        """Whether the item's effect has a register handler (register_effect.implemented of a case
        of it). Asked once per effect name, with a case of a fresh applicant that is left at 申请
        (its number is kept in `probes`, for the tests that count cases)."""
        if item["effect"] not in self.known:
            n = next(self.seq)
            kind = item["applicant"][0]
            applicant = ({"kind": kind, "id_no": person_id(n), "name": "探查%d" % n, "phone": "13800000000"}
                         if kind == "person" else {"kind": kind, "id_no": credit_code(n), "name": "探查单位%d" % n})
            case = self.submit(region, item, applicant, minimal_form(item))
            self.probes.append(case["case_no"])
            st, c = self.srv.request("GET", "/api/v1/cases/" + case["case_no"],
                                     token=self.srv.token("%s_%s" % (region, item["flow"][0]["role"])))
            assert st == 200, c
            self.known[item["effect"]] = c["register_effect"]["implemented"]
        return self.known[item["effect"]]

    # -- applying and driving ------------------------------------------------------------------
    def by_effect(self, region, effect):
        return next(i for i in self.items[region] if i["effect"] == effect and not i.get("internal"))

    def submit(self, region, item, applicant, form, conditions=()):
        ch = "窗口" if "窗口" in item["channels"] else item["channels"][0]
        body = {"region": region, "item_code": item["code"], "channel": ch, "applicant": applicant,
                "materials": {}, "conditions": list(conditions), "form": form}
        st, case = self.srv.request("POST", "/api/v1/cases", body,
                                    token=self.srv.token("%s_%s" % (region, item["flow"][0]["role"])))
        assert st == 201, (region, item["code"], st, case)
        return case

    def drive(self, region, item, case_no, amount_fen=None):
        """Accept with every material, then follow the case's own (pinned) flow to 办结: each
        review role by its own account (four eyes), 拨付 paying the figure the effect fixes (the
        结算单, the balance) or `amount_fen` where it fixes none. Returns the last outcome."""
        def act(action, user, **body):
            st, out = self.srv.request("POST", "/api/v1/cases/%s/%s" % (case_no, action), body,
                                       token=self.srv.token(user))
            assert st == 200, (region, item["code"], action, st, out)
            return out
        out = act("accept", "%s_%s" % (region, item["flow"][0]["role"]),
                  materials={m["id"]: "provided" for m in item["materials"]})
        by_role = {}
        while out["status"] == "in_progress":
            step = out["step"]
            if step["kind"] == "review":
                if step["role"] not in by_role:
                    used = set(by_role.values())
                    by_role[step["role"]] = next(
                        n for n in ("%s_%s" % (region, step["role"]), "%s_%s_2" % (region, step["role"]))
                        if n not in used)
                out = act("approve", by_role[step["role"]])
            elif step["kind"] == "pay":
                amount = self.payable(case_no, "%s_%s" % (region, step["role"]))
                out = act("pay", "%s_%s" % (region, step["role"]),
                          amount_fen=amount if amount is not None else (amount_fen or 12345))
            else:
                out = act("complete", "%s_%s" % (region, step["role"]))
        return out

    def payable(self, case_no, user):
        st, c = self.srv.request("GET", "/api/v1/cases/" + case_no, token=self.srv.token(user))
        assert st == 200, c
        return (c.get("register_effect") or {}).get("payable_fen")

    # -- the registers -------------------------------------------------------------------------
    def unit(self, region):
        """A unit registered in `region` (its 单位参保登记 driven to 办结): its credit code."""
        item = self.by_effect(region, "unit_enrolment")
        n = next(self.seq)
        code = credit_code(n)
        case = self.submit(region, item, {"kind": "unit", "id_no": code, "name": "登记单位%d" % n},
                           dict(UNIT_FORM, change="新参保"))
        self.drive(region, item, case["case_no"])
        return code

    def resident(self, region, identity="普通居民"):
        """A person enrolled in 城乡居民医保 in `region` from this month: the applicant JSON."""
        item = self.by_effect(region, "resident_enrolment")
        n = next(self.seq)
        app = {"kind": "person", "id_no": person_id(n), "name": "参保人%d" % n, "phone": "13800000000"}
        case = self.submit(region, item, app, {"identity": identity})
        self.drive(region, item, case["case_no"])
        return app

    def enrol_employee(self, region, id_no, name, start_month="2020-01"):
        """`id_no` enrolled (职工参保登记 新增, driven to 办结) as an employee of a newly registered
        unit from `start_month`, contribution base 6,000 yuan: the unit's credit code."""
        unit = self.unit(region)
        item = self.by_effect(region, "employee_enrolment")
        case = self.submit(region, item, {"kind": "unit", "id_no": unit, "name": "登记单位"},
                           {"change": "新增", "start_month": start_month,
                            "persons": [{"id_no": id_no, "name": name, "contribution_base_fen": 600000}]},
                           conditions=[c["id"] for c in item["conditions"] if c["id"] == "employee"])
        self.drive(region, item, case["case_no"])
        return unit

    def employee(self, region):
        """A person enrolled as an employee of a registered unit, with a credited personal account
        (划入 by finance): (unit credit code, applicant JSON)."""
        n = next(self.seq)
        app = {"kind": "person", "id_no": person_id(n), "name": "职工%d" % n, "phone": "13800000000"}
        unit = self.enrol_employee(region, app["id_no"], app["name"])
        csv = "id_no,amount_fen,month\n%s,30000,2026-02\n" % app["id_no"]
        st, rep = self.srv.request("POST", "/api/v1/regions/%s/imports/account-credits" % region, raw=csv.encode(),
                                   token=self.srv.token(region + "_finance"), headers={"Content-Type": "text/csv"})
        assert st == 201 and rep["accepted"] == 1, (st, rep)
        return unit, app

    def ready(self, region, item, form):
        """(applicant, form, conditions) for a submission of `item` that its register effect
        accepts: the registers it reads are prepared first. `form` is the item's minimal form.
        None for the few items whose preconditions only their own suite builds (named there)."""
        eff, kinds = item["effect"], item["applicant"]
        n = next(self.seq)
        fresh_person = {"kind": "person", "id_no": person_id(n), "name": "申请人%d" % n, "phone": "13800000000"}
        fresh_unit = {"kind": "unit", "id_no": credit_code(n), "name": "申请单位%d" % n}
        fields = {f["id"] for f in (item.get("form_schema") or {"fields": []})["fields"]}
        form = dict(form)
        if eff == "unit_enrolment":
            form.update({k: v for k, v in UNIT_FORM.items() if k in fields})
            if "change" in fields:
                form["change"] = "新参保"
            return fresh_unit, form, []
        if eff in ("unit_change", "unit_query"):
            code = self.unit(region)
            if eff == "unit_change":
                form = {"address": "变更后地址%d" % n}
            return {"kind": "unit", "id_no": code, "name": "登记单位"}, form, []
        if eff in ("employee_enrolment", "employee_change", "flexible_enrolment"):
            form.update({"change": "新增", "start_month": "2026-03"})
            if kinds[0] == "unit":
                code = self.unit(region)
                form["persons"] = [{"id_no": person_id(next(self.seq)), "name": "新职工", "contribution_base_fen": 600000}]
                conds = [c["id"] for c in item["conditions"] if c["id"] == "employee"]
                return {"kind": "unit", "id_no": code, "name": "登记单位"}, form, conds
            form.pop("persons", None)
            form["contribution_base_fen"] = 400000
            return fresh_person, form, []
        if eff == "resident_enrolment":
            if "identity" in fields:
                form["identity"] = "普通居民"
            return fresh_person, form, []
        if eff == "resident_change":
            return self.resident(region), dict(form, identity="低保"), []
        if eff in ("person_query", "insurance_certificate"):
            return self.resident(region), form, []
        if eff == "account_withdrawal":
            _, app = self.employee(region)
            form.update({"reason": "出国定居", "payee_account": "6222000099998888"})
            conds = [c["id"] for c in item["conditions"] if c["id"] == "personal_path"]
            return app, form, conds
        if eff in ("outpatient_reimbursement", "inpatient_reimbursement", "assistance_reimbursement"):
            insured = self.resident(region, "低保" if eff == "assistance_reimbursement" else "普通居民")
            # Seen today (the server's clock): the person has been insured since this month.
            form.update({"fee_lines": FEE_LINES, "hospital_level": 2, "visit_date": self.srv.fake_now[:10]})
            if kinds[0] == "person":
                return insured, form, []
            form.update({"insured_id_no": insured["id_no"], "insured_name": insured["name"]})
            return fresh_unit, form, []
        if eff == "assistance_contribution_subsidy":
            return self.resident(region, "低保"), form, []
        if eff == "relation_transfer":
            # 转移接续 between two regions of this server (effects/relation_transfer.cpp): a 转入
            # names the 转出地 where the person is an employee with an account; a 转出 (Qingdao's
            # 转出 item) needs the 转入地's 联系函 first, so a transfer away from here is run before.
            names = {"qinghai": "青海省", "xining": "西宁市", "yunnan": "云南省", "qingdao": "青岛市"}
            other = "yunnan" if region in ("qinghai", "xining") else "qinghai"
            if other not in self.items:
                st, its = self.srv.request("GET", "/api/v1/regions/%s/items" % other)
                assert st == 200, its
                self.items[other] = its
            if "转出" in item["name"]:
                _, app = self.employee(region)
                dest = next(i for i in self.items[other] if i["effect"] == "relation_transfer" and "转出" not in i["name"])
                case = self.submit(other, dest, app, {"from_region": names[region]})
                self.drive(other, dest, case["case_no"])
                return app, form, []
            _, app = self.employee(other)
            form["from_region"] = names[other]
            return app, form, []
        today = self.srv.fake_now[:10]
        if eff in ("remote_care_filing", "emergency_transfer_filing"):
            if "安置" in item["name"]:
                return None  # 异地安置退休 needs a retired employee: test_filings.py drives it
            insured = self.resident(region)
            form.update({"destination": "广东省广州市", "scope": "省外", "start_date": today})
            if "person" in kinds:
                return insured, form, []
            form.update({"insured_id_no": insured["id_no"], "insured_name": insured["name"]})
            return dict(fresh_unit, kind=kinds[0]), form, []
        if eff == "veteran_contribution":
            # Discharged by placement before 2019-01-21; months after the discharge, before this one.
            form.update({"discharge_date": "2012-11-30", "from_month": "2013-01", "to_month": "2014-06",
                         "unit_share_payer": "原安置单位", "personal_share_collected": True})
            return fresh_person, form, []
        if eff == "social_security_card":
            return self.resident(region), form, ["new_card"]
        if eff == "chronic_disease_qualification":
            # A disease of the region's catalogue without a time-limit condition of its own.
            codes = {"qinghai": "H04", "xining": "H04", "yunnan": "C16", "qingdao": "Q14"}
            insured = self.resident(region)
            form.update({"disease_code": codes[region], "hospital": "定点医院"})
            if "person" in kinds:
                return insured, form, []
            form.update({"insured_id_no": insured["id_no"], "insured_name": insured["name"]})
            return dict(fresh_unit, kind=kinds[0]), form, []
        if eff in ("maternity_filing", "prenatal_payment", "maternity_medical_payment",
                   "family_planning_payment", "maternity_allowance"):
            unit = self.unit(region)
            n = next(self.seq)
            n += n % 2  # an even 17th digit: a woman
            mother = {"kind": "person", "id_no": person_id(n), "name": "生育职工%d" % n, "phone": "13800000000"}
            item_e = self.by_effect(region, "employee_enrolment")
            case = self.submit(region, item_e, {"kind": "unit", "id_no": unit, "name": "登记单位"},
                               {"change": "新增", "start_month": "2020-01",
                                "persons": [{"id_no": mother["id_no"], "name": mother["name"], "contribution_base_fen": 600000}]},
                               conditions=[c["id"] for c in item_e["conditions"] if c["id"] == "employee"])
            self.drive(region, item_e, case["case_no"])
            on_behalf = {"insured_id_no": mother["id_no"], "insured_name": mother["name"]}
            unit_app = {"kind": "unit", "id_no": unit, "name": "登记单位"}
            filing = dict(on_behalf, filing_kind="生育", pregnancy_start="2025-11-01")
            if eff == "maternity_filing":
                form.update(filing)
                return (mother if "person" in kinds else unit_app), form, []
            filing_items = [i for i in self.items[region] if i["effect"] == "maternity_filing"]
            if filing_items and eff != "maternity_allowance":  # Xining: the claim needs the filing
                fi = filing_items[0]
                case = self.submit(region, fi, mother if "person" in fi["applicant"] else unit_app, filing)
                self.drive(region, fi, case["case_no"])
            if eff == "maternity_allowance":
                if region == "qingdao":
                    return None  # needs the unit's wage declaration: test_maternity.py drives it
                form.update(birth_date="2026-02-01", birth_kind="顺产", babies=1,
                            unit_avg_monthly_wage_fen=600000, payee_account="6222000011113333")
            else:
                lines = [{"code": "A1", "name": "分娩", "class": "甲", "amount_fen": 300000}]
                form.update(fee_lines=lines, hospital_level=2, visit_date="2026-02-10",
                            birth_date="2026-02-10", birth_kind="顺产", babies=1,
                            payee_account="6222000011113333")
                if eff == "family_planning_payment":
                    form["birth_kind"] = "放置宫内节育器"
            if "person" in kinds:
                return mother, {k: v for k, v in form.items() if k not in on_behalf}, []
            form.update(on_behalf)
            return unit_app, form, []
        if eff in ("wage_declaration", "fee_declaration"):
            unit = self.unit(region)
            if eff == "wage_declaration":
                form.update(year=2025, wage_total_fen=72000000, employees=10)
            else:
                form.update(month="2026-03", monthly_base_fen=600000)
            return {"kind": "unit", "id_no": unit, "name": "登记单位"}, form, []
        if eff == "outpatient_pooling_signing":
            # Qingdao 门诊统筹签约: an insured person and the demo's designated hospital (H + the
            # division + 00001, seeded by --demo) with a doctor.
            division = {"qinghai": "630000", "xining": "630100", "yunnan": "530000", "qingdao": "370200"}
            form.update(institution_code="H%s00001" % division[region], doctor="签约医生")
            return self.resident(region), form, []
        if eff == "benefit_qualification":
            # 应届毕业生 / 退役军人待遇资格确认: an employee enrolled from 2020-01 (employee()), who
            # graduated that year, or was discharged the month before.
            _, app = self.employee(region)
            if "graduation_year" in fields:
                form["graduation_year"] = 2020
            else:
                form["discharge_date"] = "2019-12-15"
            return app, form, []
        if eff in ("institution_settlement", "pharmacy_settlement"):
            return None  # the upload of the month's fee lines is the application: test_settlements.py
        return (fresh_person if kinds[0] == "person" else dict(fresh_unit, kind=kinds[0])), form, []
