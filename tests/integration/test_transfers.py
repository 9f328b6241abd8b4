"""Transfers between two regions of one server (003002 转移接续, registers/transfer.hpp): the
receiving agency's case drives the chain — 联系函, the 转出地's 参保凭证 and 信息表 with the account
balance and the end of its enrolment, 接续 at 办结 — with the documents passing within the unit of
work; the figures agree on both sides and replaying the register log rebuilds them exactly. Then
every refusal: no enrolment at the 转出地, no 转出地 named, the same region, a transfer already
open, and at the peer inbox a bad or stale signature, an 信息表 whose balance or months do not add
up, and a replayed message (answered the same, applied once)."""
import hashlib
import hmac
import json
import os
import tempfile
import time
import unittest

from jingban_client import Server, person_id

FAKE_NOW = "2026-03-10T10:00:00"  # a Tuesday
KEY = "transfer-test-shared-key-0123456789"
INBOX = "/api/v1/peer/transfers/messages"
AREA = {"qinghai": "630099", "xining": "630199", "yunnan": "530099", "qingdao": "370299"}
NAME = {"qinghai": "青海省", "xining": "西宁市", "yunnan": "云南省", "qingdao": "青岛市"}


def demo_id(region, n):
    """示例人员NN of `region`'s demo register (cli/demo_registers.cpp demoCitizenId)."""
    year, month, day = 1968 + 3 * (n - 1), 1 + (n * 5) % 12, 1 + (n * 7) % 28
    body = "%s%04d%02d%02d9%02d" % (AREA[region], year, month, day, n % 100)
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * x for c, x in zip(body, w)) % 11]


def months(enrolments):
    """Contribution months of the 参保缴费 periods up to 2026-03 (the server's month)."""
    def idx(m):
        return int(m[:4]) * 12 + int(m[5:7]) - 1
    n = 0
    for e in enrolments:
        if e["status"] == "参保缴费":
            n += min(idx(e["to"]) if e["to"] else idx("2026-03"), idx("2026-03")) - idx(e["from"]) + 1
    return n


def sign(body, ts=None, key=KEY):
    ts = int(time.time()) if ts is None else ts
    k = hashlib.sha256(key.encode()).digest()
    mac = hmac.new(k, ("POST\n%s\n%d\n" % (INBOX, ts)).encode() + body, hashlib.sha256).hexdigest()
    return "JingbanPeer ts=%d,mac=%s" % (ts, mac)


class Side:
    """One region as its staff see it, through the API of `srv`."""

    def __init__(self, srv, region):
        self.srv, self.region = srv, region
        st, items = srv.request("GET", "/api/v1/regions/%s/items" % region)
        assert st == 200, items
        self.items = [i for i in items if i["effect"] == "relation_transfer"]

    def user(self, role):
        return "%s_%s" % (self.region, role)

    def get(self, path, role="window"):
        return self.srv.request("GET", "/api/v1/regions/%s/%s" % (self.region, path),
                                token=self.srv.token(self.user(role)))

    def person(self, id_no):
        st, p = self.get("persons/" + id_no)
        return p if st == 200 else None

    def account(self, id_no):
        st, a = self.get("accounts/" + id_no)
        return a if st == 200 else None

    def transfers(self, id_no):
        st, t = self.get("transfers?id_no=" + id_no)
        assert st == 200, t
        return t

    def incoming_item(self):
        """The item a 转入 is applied for here (the default flow; Qingdao's 转入 item)."""
        return next(i for i in self.items if "转出" not in i["name"])

    def submit(self, id_no, name, form, conditions=()):
        item = self.incoming_item()
        body = {"region": self.region, "item_code": item["code"], "channel": "窗口",
                "applicant": {"kind": "person", "id_no": id_no, "name": name, "phone": "13800000000"},
                "conditions": list(conditions), "form": form}
        st, case = self.srv.request("POST", "/api/v1/cases", body, token=self.srv.token(self.user("window")))
        assert st == 201, case
        self.__dict__.setdefault("query_codes", {})[case["case_no"]] = case["query_code"]
        return case["case_no"]

    def act(self, no, action, user, **body):
        return self.srv.request("POST", "/api/v1/cases/%s/%s" % (no, action), body, token=self.srv.token(user))

    def accept(self, no):
        item = self.incoming_item()
        return self.act(no, "accept", self.user("window"), materials={m["id"]: "provided" for m in item["materials"]})

    def advance(self, no, out):
        """One step of the case's own flow after 受理: (status, answer)."""
        step = out["step"]
        if step["kind"] == "review":
            used = getattr(self, "_used", {}).get(no, set())
            for n in (self.user(step["role"]), self.user(step["role"]) + "_2"):
                if n not in used:
                    st, nxt = self.act(no, "approve", n)
                    if st == 200:
                        self.__dict__.setdefault("_used", {}).setdefault(no, set()).add(n)
                    return st, nxt
        return self.act(no, "complete", self.user(step["role"]))


class OneServerTransfersTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "jingban.db")
        key_file = os.path.join(cls.tmp.name, "peer.key")
        with open(key_file, "w") as f:
            f.write(KEY + "\n")
        cls.srv = Server(cls.db, FAKE_NOW, extra=("--rate-limit", "off", "--peer-key-file", key_file)).start()
        cls.qh, cls.yn, cls.qd = Side(cls.srv, "qinghai"), Side(cls.srv, "yunnan"), Side(cls.srv, "qingdao")

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def run_transfer(self, dest, src, n):
        """示例人员n of `src` moves to `dest`; returns (id_no, months before, balance before, case)."""
        id_no = demo_id(src.region, n)
        before = src.person(id_no)
        account = src.account(id_no)
        m, bal = months(before["enrolments"]), account["balance_fen"] if account else 0
        self.assertGreater(m, 0)
        no = dest.submit(id_no, before["name"], {"from_region": NAME[src.region]})
        st, out = dest.accept(no)
        self.assertEqual(st, 200, out)
        while out["status"] == "in_progress":
            st, out = dest.advance(no, out)
            self.assertEqual(st, 200, out)
        self.assertEqual(out["status"], "completed", out)
        return id_no, m, bal, no

    def check_done(self, dest, src, id_no, m, bal):
        a, b = dest.transfers(id_no), src.transfers(id_no)
        self.assertEqual(len(a), 1, a)
        self.assertEqual(len(b), 1, b)
        for t in (a[0], b[0]):
            self.assertEqual(t["status"], "已完成")
            self.assertEqual((t["from_region"], t["to_region"]), (src.region, dest.region))
            self.assertEqual(t["contribution_months"], m)
            self.assertEqual(t["balance_fen"], bal)
            self.assertEqual([s["name"] for s in t["stages"]], ["联系函", "参保凭证及信息表、资金划转", "接续"])
            for s in t["stages"]:
                self.assertEqual(s["done_on"], "2026-03-10", s)
                self.assertEqual(s["due_on"], "2026-03-17", s)  # 5 working days from 03-10
        self.assertEqual(a[0]["stages"], b[0]["stages"])
        self.assertEqual(a[0]["transfer_id"], b[0]["transfer_id"])
        # The months moved: none left at the 转出地, all of them added at the 转入地.
        self.assertEqual(months(src.person(id_no)["enrolments"]), 0)
        self.assertEqual(src.person(id_no)["status"], "终止")
        arrived = dest.person(id_no)
        self.assertEqual(months(arrived["enrolments"]), m)  # the open period starts in 2026-04
        self.assertEqual(arrived["contribution_months"], m)
        self.assertEqual(src.person(id_no)["contribution_months"], 0)
        self.assertEqual(sum(1 for e in arrived["enrolments"] if e["to"] == ""), 1)
        # The money left one ledger and arrived in the other, once.
        out_acc, in_acc = src.account(id_no), dest.account(id_no)
        if bal:
            self.assertEqual(out_acc["balance_fen"], 0)
            self.assertEqual(out_acc["status"], "已销户")
            self.assertEqual([e["amount_fen"] for e in out_acc["entries"] if e["kind"] == "转出"], [-bal])
            self.assertEqual(in_acc["balance_fen"], bal)
            self.assertEqual([e["amount_fen"] for e in in_acc["entries"]], [bal])

    def check_applicant(self, dest, src, id_no, no):
        """The applicant reads their own transfer with their case's number and query code (the
        portal); every other combination is refused."""
        code = dest.query_codes[no]
        path = "/api/v1/regions/%s/transfers?id_no=%s&case_no=%s"
        st, mine = self.srv.request("GET", path % (dest.region, id_no, no), headers={"X-Query-Code": code})
        self.assertEqual(st, 200, mine)
        self.assertEqual(mine, dest.transfers(id_no))  # the figures staff see
        self.assertEqual(mine[0]["status"], "已完成")
        refused = [
            (path % (dest.region, id_no, no), {"X-Query-Code": "AAAAAAAA"}),  # a wrong query code
            (path % (dest.region, demo_id(src.region, 4), no), {"X-Query-Code": code}),  # another person
            (path % (src.region, id_no, no), {"X-Query-Code": code}),  # the case is not of that region
            (path % (dest.region, id_no, no[:-1] + ("1" if no[-1] == "0" else "0")), {"X-Query-Code": code}),  # another case
            ("/api/v1/regions/%s/transfers?id_no=%s" % (dest.region, id_no), {"X-Query-Code": code}),  # no case
        ]
        for url, headers in refused:
            st, err = self.srv.request("GET", url, headers=headers)
            self.assertEqual((st, err["error"]["code"]), (404, "no_such_application"), url)
            self.assertNotIn(id_no, json.dumps(err, ensure_ascii=False))
        st, _ = self.srv.request("GET", path % (dest.region, id_no, no))  # no credentials at all
        self.assertEqual(st, 401)
        st, _ = self.srv.request("GET", "/api/v1/regions/%s/transfers?id_no=%s" % (dest.region, id_no),
                                 token=self.srv.token(src.user("window")))  # staff of another region
        self.assertEqual(st, 403)

    def test_1_transfer_both_ways_and_rebuild(self):
        id1, m1, b1, no1 = self.run_transfer(self.yn, self.qh, 1)  # 青海 → 云南 (four steps)
        self.assertGreater(b1, 0)
        self.check_done(self.yn, self.qh, id1, m1, b1)
        self.check_applicant(self.yn, self.qh, id1, no1)
        id2, m2, b2, _ = self.run_transfer(self.qh, self.yn, 2)  # 云南 → 青海 (发函)
        self.check_done(self.qh, self.yn, id2, m2, b2)
        id3, m3, b3, _ = self.run_transfer(self.qd, self.qh, 3)  # 青海 → 青岛 (转入 item)
        self.check_done(self.qd, self.qh, id3, m3, b3)

    def test_2_refusals_at_acceptance(self):
        # No enrolment at the 转出地.
        stranger = person_id(900001)
        no = self.yn.submit(stranger, "无参保记录", {"from_region": "青海省"})
        st, out = self.yn.accept(no)
        self.assertEqual((st, out["error"]["code"]), (422, "no_enrolment"), out)
        self.assertNotIn(stranger, json.dumps(out, ensure_ascii=False))
        # No 转出地 named; the 转出地 is this region.
        id4 = demo_id("qinghai", 4)
        no = self.yn.submit(id4, "示例人员04", {})
        st, out = self.yn.accept(no)
        self.assertEqual((st, out["error"]["code"]), (422, "from_region_required"), out)
        no = self.yn.submit(id4, "示例人员04", {"from_region": "云南省"})
        st, out = self.yn.accept(no)
        self.assertEqual((st, out["error"]["code"]), (422, "same_region"), out)
        # A transfer already open: the first one's 联系函 is out, a second application is refused.
        first = self.yn.submit(id4, "示例人员04", {"from_region": "青海省"})
        st, out = self.yn.accept(first)
        self.assertEqual(st, 200, out)
        st, out = self.yn.advance(first, out)  # 开具联系函: the transfer is recorded
        self.assertEqual(st, 200, out)
        second = self.yn.submit(id4, "示例人员04", {"from_region": "青海省"})
        st, out = self.yn.accept(second)
        self.assertEqual((st, out["error"]["code"]), (422, "transfer_open"), out)

    def letter(self, n, suffix):
        """A 联系函 from yunnan to qinghai about 示例人员n, as a peer would send it."""
        id_no = demo_id("qinghai", n)
        tid = "TR-TEST-" + suffix
        return id_no, {"message_id": tid + "/contact_letter", "type": "contact_letter", "transfer_id": tid,
                       "from_region": "yunnan", "to_region": "qinghai",
                       "body": {"id_no": id_no, "name": "示例人员%02d" % n, "transfer_from": "qinghai",
                                "transfer_to": "yunnan", "case_no": "TEST", "started_on": "2026-03-09",
                                "done_on": "2026-03-10"}}

    def post(self, message, auth=None, raw=None):
        body = raw if raw is not None else json.dumps(message, ensure_ascii=False).encode()
        return self.srv.request("POST", INBOX, raw=body, headers={"Authorization": auth or sign(body)})

    def test_3_inbox_signature(self):
        _, msg = self.letter(5, "SIG")
        body = json.dumps(msg).encode()
        st, out = self.post(msg, auth=sign(body, key="another-key-of-the-wrong-peer"))
        self.assertEqual((st, out["error"]["code"]), (401, "bad_signature"))
        st, out = self.post(msg, auth=sign(body + b" "))  # the body changed after signing
        self.assertEqual((st, out["error"]["code"]), (401, "bad_signature"))
        st, out = self.post(msg, auth=sign(body, ts=int(time.time()) - 3600))
        self.assertEqual((st, out["error"]["code"]), (401, "stale_signature"))
        st, out = self.post(msg, auth="Bearer nothing")
        self.assertEqual((st, out["error"]["code"]), (401, "bad_signature"))
        # Nothing was applied.
        self.assertEqual(self.qh.transfers(demo_id("qinghai", 5)), [])

    def test_4_replayed_message_applied_once(self):
        id_no, msg = self.letter(6, "REPLAY")
        before = self.qh.account(id_no)["balance_fen"]
        self.assertGreater(before, 0)
        st1, out1 = self.post(msg)
        st2, out2 = self.post(msg)
        self.assertEqual((st1, st2), (200, 200), (out1, out2))
        self.assertEqual(out1, out2)
        t = self.qh.transfers(id_no)
        self.assertEqual(len(t), 1)
        self.assertEqual((t[0]["status"], t[0]["balance_fen"]), ("已转出", before))
        acc = self.qh.account(id_no)
        self.assertEqual([e["amount_fen"] for e in acc["entries"] if e["kind"] == "转出"], [-before])

    def test_5_info_sheet_that_does_not_add_up(self):
        tid = "TR-TEST-SHEET"
        base = {"message_id": tid + "/info_sheet", "type": "info_sheet", "transfer_id": tid,
                "from_region": "yunnan", "to_region": "qinghai"}
        body = {"id_no": demo_id("qinghai", 7), "name": "示例人员07", "transfer_from": "yunnan",
                "transfer_to": "qinghai", "periods": [{"from": "2020-01", "to": "2020-12", "insurance_type": "职工"}],
                "contribution_months": 12, "balance_fen": 5000, "funds_fen": 4000, "sent_on": "2026-03-10"}
        st, out = self.post(dict(base, body=body))
        self.assertEqual((st, out["error"]["code"]), (422, "balance_mismatch"), out)
        st, out = self.post(dict(base, body=dict(body, funds_fen=5000, contribution_months=13)))
        self.assertEqual((st, out["error"]["code"]), (422, "months_mismatch"), out)
        # Consistent, but for a transfer this region never started: refused, not invented.
        st, out = self.post(dict(base, body=dict(body, funds_fen=5000)))
        self.assertEqual((st, out["error"]["code"]), (404, "unknown_transfer"), out)

    def test_6_rebuild_identical(self):
        # After every transfer above (direct and through the inbox), the registers replayed from
        # the register log equal the registers as built.
        r = self.srv.rebuild_registers()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
