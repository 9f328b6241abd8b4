"""Operators: `jingban backup` while the server writes, `jingban verify`, and tampering found by it."""
import os
import re
import sqlite3
import subprocess
import tempfile
import threading
import unittest

import itertools

from jingban_client import BINARY, ROOT, Registers, Server, citizen_id, credit_code, minimal_form

FAKE_NOW = "2026-03-10T10:00:00"  # a Tuesday, a working day
DATA = ["--catalog", os.path.join(ROOT, "catalog"), "--calendar", os.path.join(ROOT, "calendar")]


def jingban(*args):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=300)


class OpsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "jingban.db")
        cls.srv = Server(cls.db, FAKE_NOW).start()
        try:
            cls._drive_and_back_up()
        finally:
            cls.srv.stop()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    # -- the server's part, all in setUpClass: backup and verify have to run beside it ------------
    @classmethod
    def _drive_and_back_up(cls):
        # What the server holds before this test's cases: the --demo register's cases (test_demo).
        cls.baseline = jingban("verify", "--db", cls.db, *DATA)
        st, items = cls.srv.request("GET", "/api/v1/regions/qinghai/items")
        assert st == 200, items
        # Backup and verify are about the cases: an item with a review and a pay step, its
        # applicant made ready for its register effect (Registers.ready), paid the figure the
        # effect fixes.
        cls.regs = Registers(cls.srv, {"qinghai": items}, itertools.count(100000))
        cls.item = next(i for i in items if not i["acceptance_windows"] and "pay" in [s["kind"] for s in i["flow"]]
                        and i["flow"][1]["kind"] == "review" and not i["flows"] and not i["internal"]
                        and i["effect"] not in ("institution_settlement", "pharmacy_settlement"))
        cls.seq = 0
        # Three cases: one closed (办结), one accepted and reviewed once, one only accepted.
        cls.closed = cls._submit()
        cls._walk(cls.closed, len(cls.item["flow"]))
        cls.reviewed = cls._submit()
        cls._walk(cls.reviewed, 2)
        cls.accepted = cls._submit()
        cls._walk(cls.accepted, 1)

        # The backup runs while another client keeps submitting and accepting.
        stop = threading.Event()
        cls.during = []

        def writer():
            while not stop.is_set():
                no = cls._submit()
                cls._walk(no, 1)
                cls.during.append(no)

        t = threading.Thread(target=writer)
        t.start()
        try:
            while len(cls.during) < 3:
                stop.wait(0.05)
            cls.backup_path = os.path.join(cls.tmp.name, "backup.db")
            cls.backup = jingban("backup", "--db", cls.db, "--to", cls.backup_path)
            cls.backup_again = jingban("backup", "--db", cls.db, "--to", cls.backup_path)
            cls.backup_forced = jingban("backup", "--db", cls.db, "--to", cls.backup_path, "--force")
            # Read-only, so it may run beside the live server too.
            cls.verify_live = jingban("verify", "--db", cls.db, *DATA)
        finally:
            stop.set()
            t.join()

    @classmethod
    def _submit(cls):
        cls.seq += 1
        it = cls.item
        applicant, form, conds = cls.regs.ready("qinghai", it, minimal_form(it))
        body = {"region": "qinghai", "item_code": it["code"],
                "channel": "窗口" if "窗口" in it["channels"] else it["channels"][0],
                "applicant": applicant, "materials": {}, "conditions": conds, "form": form}
        st, case = cls.srv.request("POST", "/api/v1/cases", body,
                                   token=cls.srv.token("qinghai_" + it["flow"][0]["role"]))
        assert st == 201, case
        return case["case_no"]

    @classmethod
    def _walk(cls, no, steps):
        """The first `steps` steps of the flow: accept with every material, then approve/pay/complete."""
        for step in cls.item["flow"][:steps]:
            if step["kind"] == "accept":
                action, body = "accept", {"materials": {m["id"]: "provided" for m in cls.item["materials"]}}
            elif step["kind"] == "review":
                action, body = "approve", {}
            elif step["kind"] == "pay":
                due = cls.regs.payable(no, "qinghai_" + step["role"])
                action, body = "pay", {"amount_fen": due if due is not None else 12345}
            else:
                action, body = "complete", {}
            user = "qinghai_" + step["role"]  # one demo person per role: four-eyes holds
            st, out = cls.srv.request("POST", "/api/v1/cases/%s/%s" % (no, action), body, token=cls.srv.token(user))
            assert st == 200, (no, action, user, out)

    # -- helpers ---------------------------------------------------------------------------------
    def copy_db(self, name):
        """A private copy of the (stopped) server's database to tamper with."""
        path = os.path.join(self.tmp.name, name)
        with sqlite3.connect(self.db) as src, sqlite3.connect(path) as dst:
            src.backup(dst)
        src.close()
        dst.close()
        return path

    def verify(self, path, *extra):
        return jingban("verify", "--db", path, *(extra or DATA))

    def assertSummary(self, out, problems):
        m = re.search(r"^verify: (\d+) cases, (\d+) events, (\d+) problems", out, re.M)
        self.assertIsNotNone(m, out)
        if problems is not None:
            self.assertEqual(int(m.group(3)), problems, out)
        return int(m.group(1)), int(m.group(2))

    # -- backup ----------------------------------------------------------------------------------
    def test_backup_while_serving_is_a_sound_snapshot(self):
        self.assertEqual(self.backup.returncode, 0, self.backup.stderr)
        self.assertRegex(self.backup.stdout, r"^backup: \d+ pages, \d+ bytes, [0-9.]+ s, integrity ok")
        self.assertEqual(self.backup_forced.returncode, 0, self.backup_forced.stderr)
        r = self.verify(self.backup_path)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        cases, _ = self.assertSummary(r.stdout, 0)
        self.assertGreaterEqual(cases, 3 + 3)  # the three driven cases and the writer's first three
        self.assertEqual([f for f in os.listdir(self.tmp.name) if ".partial" in f], [])

    def test_backup_refuses_to_overwrite_and_bad_usage(self):
        self.assertEqual(self.backup_again.returncode, 1)
        self.assertIn("--force", self.backup_again.stderr)
        self.assertEqual(jingban("backup", "--db", self.db).returncode, 2)
        self.assertEqual(jingban("backup", "--db", self.db, "--to", "x.db", "--forse").returncode, 2)
        r = jingban("backup", "--db", os.path.join(self.tmp.name, "missing.db"), "--to",
                    os.path.join(self.tmp.name, "never.db"))
        self.assertEqual(r.returncode, 1)
        self.assertFalse(os.path.exists(os.path.join(self.tmp.name, "never.db")))

    # -- verify ----------------------------------------------------------------------------------
    def test_verify_sound_database(self):
        self.assertEqual(self.verify_live.returncode, 0, self.verify_live.stdout + self.verify_live.stderr)
        r = self.verify(self.db)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        cases, events = self.assertSummary(r.stdout, 0)
        # Every case and event in the file, counted by SQL: the cases of this test and the ones
        # Registers.ready made first (the insured person's enrolment …) are all there.
        with sqlite3.connect(self.db) as c:
            in_file = c.execute("SELECT count(*) FROM cases").fetchone()[0]
            events_in_file = c.execute("SELECT count(*) FROM case_events").fetchone()[0]
        c.close()
        self.assertEqual((cases, events), (in_file, events_in_file))
        base_cases, base_events = self.assertSummary(self.baseline.stdout, 0)
        ours = 3 + len(self.during)
        self.assertGreaterEqual(cases, base_cases + ours)
        self.assertGreaterEqual(events, base_events + (1 + len(self.item["flow"])) + 3 + 2 + 2 * len(self.during))
        # --catalog/--calendar default as for the other commands (beside the build directory).
        r = jingban("verify", "--db", self.db)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(self.verify(self.db, "--db", self.db, "--db", self.db).returncode, 2)  # twice
        self.assertEqual(jingban("verify", "--db", self.db, "--what").returncode, 2)
        self.assertEqual(jingban("verify").returncode, 2)

    def test_events_written_through_the_api_are_chained(self):
        # Depends on the committer writing case_events.hash (issue 5 §6); until then every case is
        # "legacy, unchained" and verify only warns.
        with sqlite3.connect(self.db) as c:
            unchained = c.execute("SELECT count(*) FROM case_events WHERE hash=''").fetchone()[0]
        c.close()
        self.assertEqual(unchained, 0)
        r = self.verify(self.db)
        self.assertNotIn("legacy", r.stdout)

    def test_edited_event_is_named(self):
        # Depends on hashes being written: a comment is not part of the projection, so only the
        # chain can show the edit.
        path = self.copy_db("edited.db")
        with sqlite3.connect(path) as c:
            c.execute("UPDATE case_events SET comment='改过' WHERE case_no=? AND seq=2", (self.closed,))
        c.close()
        r = self.verify(path)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("case %s seq 2: hash mismatch (edited or inserted event)" % self.closed, r.stdout)
        self.assertSummary(r.stdout, 1)

    def test_deleted_event_is_named(self):
        path = self.copy_db("deleted.db")
        with sqlite3.connect(path) as c:
            c.execute("DELETE FROM case_events WHERE case_no=? AND seq=2", (self.reviewed,))
        c.close()
        r = self.verify(path)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("case %s seq 2: missing (deleted event)" % self.reviewed, r.stdout)
        self.assertIn("case %s: row version 3 but 2 events" % self.reviewed, r.stdout)
        self.assertNotIn(self.closed, r.stdout)

    def test_changed_row_status_is_named(self):
        path = self.copy_db("status.db")
        with sqlite3.connect(path) as c:
            c.execute("UPDATE cases SET status='completed' WHERE case_no=?", (self.accepted,))
        c.close()
        r = self.verify(path)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("case %s: status column 'completed' differs from the stored projection 'in_progress'"
                      % self.accepted, r.stdout)
        self.assertSummary(r.stdout, 1)

    def test_changed_projection_differs_from_replay(self):
        path = self.copy_db("body.db")
        with sqlite3.connect(path) as c:
            c.execute("UPDATE cases SET body=json_set(body,'$.paid_fen',99999999) WHERE case_no=?", (self.closed,))
        c.close()
        r = self.verify(path)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("case %s: row differs from the replay of its events: paid_fen (stored 99999999" % self.closed,
                      r.stdout)

    def test_every_tampered_case_is_named_in_one_run(self):
        path = self.copy_db("all.db")
        with sqlite3.connect(path) as c:
            c.execute("UPDATE case_events SET comment='改过' WHERE case_no=? AND seq=3", (self.closed,))
            c.execute("DELETE FROM case_events WHERE case_no=? AND seq=2", (self.reviewed,))
            c.execute("UPDATE cases SET status='withdrawn' WHERE case_no=?", (self.accepted,))
        c.close()
        r = self.verify(path)
        self.assertEqual(r.returncode, 1, r.stdout)
        for no in (self.reviewed, self.accepted):
            self.assertIn("case " + no, r.stdout)
        # The edited comment: found only through the hash chain (see test_edited_event_is_named).
        self.assertIn("case %s seq 3: hash mismatch" % self.closed, r.stdout)
        self.assertRegex(r.stdout.strip().splitlines()[-1], r"^verify: \d+ cases, \d+ events, [1-9]\d* problems")


if __name__ == "__main__":
    unittest.main()
