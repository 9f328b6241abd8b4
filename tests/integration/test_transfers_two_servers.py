"""Transfers between two servers that each serve one region (issue 8 §1, "done when"): qinghai on
one server, yunnan on the other, each with its own database, connected by `--peer` and one shared
key file. Persons move both ways; one server is killed (SIGKILL) in the middle of an exchange and
started again; in the end every transfer is complete once, on both sides, with the same months and
balance, the money has left one ledger and arrived in the other exactly once, and each database's
registers rebuild identically from its own register log."""
import os
import tempfile
import time
import unittest

from jingban_client import Server
from test_transfers import KEY, NAME, Side, demo_id

FAKE_NOW = "2026-03-10T10:00:00"


def wait_for(check, seconds=120, what=""):
    deadline = time.time() + seconds
    while time.time() < deadline:
        v = check()
        if v:
            return v
        time.sleep(0.3)
    raise AssertionError("timed out waiting for " + what)


class TwoServersTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        key = os.path.join(cls.tmp.name, "peer.key")
        with open(key, "w") as f:
            f.write(KEY)
        cls.a = Server(os.path.join(cls.tmp.name, "qinghai.db"), FAKE_NOW)
        cls.b = Server(os.path.join(cls.tmp.name, "yunnan.db"), FAKE_NOW)
        cls.a.extra = ["--rate-limit", "off", "--regions", "qinghai", "--peer-key-file", key,
                       "--peer", "yunnan=http://127.0.0.1:%d" % cls.b.port]
        cls.b.extra = ["--rate-limit", "off", "--regions", "yunnan", "--peer-key-file", key,
                       "--peer", "qinghai=http://127.0.0.1:%d" % cls.a.port]
        cls.a.start()
        cls.b.start()
        cls.qh, cls.yn = Side(cls.a, "qinghai"), Side(cls.b, "yunnan")

    @classmethod
    def tearDownClass(cls):
        for s in (cls.a, cls.b):
            if s.proc and s.proc.poll() is None:
                s.stop()
        cls.tmp.cleanup()

    def restart(self, srv):
        srv.tokens = {}
        srv.start()

    def test_regions_served(self):
        st, regions = self.a.request("GET", "/api/v1/regions")
        self.assertEqual([r["id"] for r in regions], ["qinghai"])
        st, _ = self.a.request("GET", "/api/v1/regions/yunnan/items")
        self.assertEqual(st, 404)

    def start_transfer(self, dest, src_region, n):
        """Accept and approve the 联系函 step at `dest`; returns (case_no, the last answer)."""
        id_no = demo_id(src_region, n)
        no = dest.submit(id_no, "示例人员%02d" % n, {"from_region": NAME[src_region]})
        st, out = dest.accept(no)
        self.assertEqual(st, 200, out)
        st, out = dest.advance(no, out)  # the first review step sends the 联系函
        self.assertEqual(st, 200, out)
        return id_no, no, out

    def finish(self, dest, no, out):
        """The remaining steps; a step that needs the 信息表 is retried until it has arrived."""
        while out["status"] == "in_progress":
            def step():
                st, nxt = dest.advance(no, out)
                if st == 200:
                    return nxt
                self.assertEqual(st, 409, nxt)
                self.assertIn(nxt["error"]["code"], ("info_sheet_pending", "transfer_not_ready"))
                return None
            out = wait_for(step, what="the 信息表 at " + dest.region)
        self.assertEqual(out["status"], "completed", out)

    def done_both_sides(self, dest, src, id_no):
        def check():
            a, b = dest.transfers(id_no), src.transfers(id_no)
            return a and b and a[0]["status"] == "已完成" and b[0]["status"] == "已完成" and (a, b)
        a, b = wait_for(check, what="completion on both sides")
        self.assertEqual(len(a), 1)
        self.assertEqual(len(b), 1)
        for k in ("transfer_id", "from_region", "to_region", "contribution_months", "balance_fen", "stages", "periods"):
            self.assertEqual(a[0][k], b[0][k], k)
        return a[0]

    def check_money_and_months(self, dest, src, id_no, months_before, balance_before, t):
        self.assertEqual(t["contribution_months"], months_before)
        self.assertEqual(t["balance_fen"], balance_before)
        self.assertEqual(src.person(id_no)["contribution_months"], 0)
        self.assertEqual(dest.person(id_no)["contribution_months"], months_before)
        out_acc, in_acc = src.account(id_no), dest.account(id_no)
        self.assertEqual(out_acc["balance_fen"], 0)
        self.assertEqual([e["amount_fen"] for e in out_acc["entries"] if e["kind"] == "转出"], [-balance_before])
        self.assertEqual(in_acc["balance_fen"], balance_before)
        self.assertEqual([e["amount_fen"] for e in in_acc["entries"]], [balance_before])

    def before(self, side, id_no):
        return side.person(id_no)["contribution_months"], side.account(id_no)["balance_fen"]

    def test_transfers_both_ways_with_kills(self):
        cases = []
        # 1. 青海 → 云南, undisturbed.
        m, bal = self.before(self.qh, demo_id("qinghai", 1))
        id_no, no, out = self.start_transfer(self.yn, "qinghai", 1)
        self.finish(self.yn, no, out)
        cases.append((self.yn, self.qh, id_no, m, bal))
        # 2. 云南 → 青海, undisturbed.
        m, bal = self.before(self.yn, demo_id("yunnan", 2))
        id_no, no, out = self.start_transfer(self.qh, "yunnan", 2)
        self.finish(self.qh, no, out)
        cases.append((self.qh, self.yn, id_no, m, bal))
        # 3. 青海 → 云南 with the 转出地's server killed before the 联系函 is sent: it waits in the
        # outbox, retried with backoff, and is delivered once the server is back.
        m, bal = self.before(self.qh, demo_id("qinghai", 3))
        self.a.kill()
        id_no = demo_id("qinghai", 3)
        no = self.yn.submit(id_no, "示例人员03", {"from_region": "青海省"})
        st, out = self.yn.accept(no)
        self.assertEqual(st, 200, out)
        st, out = self.yn.advance(no, out)
        self.assertEqual(st, 200, out)
        time.sleep(2)
        pending = self.yn.get("transfers/outbox")[1]
        self.assertTrue(any(p["message_id"].endswith("/contact_letter") and p["attempts"] >= 1 for p in pending), pending)
        self.restart(self.a)
        self.finish(self.yn, no, out)
        cases.append((self.yn, self.qh, id_no, m, bal))
        # 4. 云南 → 青海 with the 转出地's server killed right after the 联系函 went out: whether it
        # died before or after answering, the exchange completes once after the restart.
        m, bal = self.before(self.yn, demo_id("yunnan", 4))
        id_no, no, out = self.start_transfer(self.qh, "yunnan", 4)
        self.b.kill()
        time.sleep(1)
        self.restart(self.b)
        self.finish(self.qh, no, out)
        cases.append((self.qh, self.yn, id_no, m, bal))
        # 5. 青海 → 云南 with the 转入地's server killed after 办结: the completion reaches the
        # 转出地 after the restart.
        m, bal = self.before(self.qh, demo_id("qinghai", 5))
        id_no, no, out = self.start_transfer(self.yn, "qinghai", 5)
        wait_for(lambda: self.yn.transfers(id_no)[0]["status"] == "待接续", what="the 信息表")
        self.a.kill()
        self.finish(self.yn, no, out)
        time.sleep(1)
        self.restart(self.a)
        cases.append((self.yn, self.qh, id_no, m, bal))

        for dest, src, id_no, m, bal in cases:
            t = self.done_both_sides(dest, src, id_no)
            self.check_money_and_months(dest, src, id_no, m, bal, t)
        # Nothing left to deliver on either side.
        wait_for(lambda: self.qh.get("transfers/outbox")[1] == [] and self.yn.get("transfers/outbox")[1] == [],
                 what="empty outboxes")

        # Each database's registers replay from its own register log (the documents received are
        # import batches of it).
        for srv in (self.a, self.b):
            r = srv.rebuild_registers()
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
