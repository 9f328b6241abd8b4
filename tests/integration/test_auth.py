"""Integration: sign-in, lockout, logout, rate limits, the hashing queue and staff administration,
through the real binary (`serve` and `staff`) on a real SQLite file."""
import concurrent.futures
import json
import os
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from jingban_client import BINARY, PASSWORD, ROOT, Server

FAKE_NOW = "2026-03-10T10:00:00"
STRONG = "Tiger-lily-42"


class AuthServer(Server):
    """A Server whose `serve` options are exactly `extra` (no options: the default rate limits)."""

    def __init__(self, db, fake_now, extra=()):
        super().__init__(db, fake_now, extra=extra)

    def sign_in(self, username, password):
        """(status, body, headers) of POST /api/v1/session."""
        req = urllib.request.Request("http://127.0.0.1:%d/api/v1/session" % self.port,
                                     data=json.dumps({"username": username, "password": password}).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, json.loads(r.read().decode()), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read().decode()), dict(e.headers)


class AuthTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "jingban.db")
        cls.srv = AuthServer(cls.db, FAKE_NOW, ["--rate-limit", "off"]).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def admin(self, region="qinghai"):
        return self.srv.token(region + "_admin")

    def add_staff(self, username, roles=("window",), region="qinghai", password=STRONG, token=None):
        return self.srv.request("POST", "/api/v1/staff",
                                {"username": username, "name": "测试人员", "region": region,
                                 "roles": list(roles), "password": password},
                                token=token or self.admin(region))

    def staff_cli(self, *args, password=None, password_file=None):
        env = dict(os.environ)
        env.pop("JINGBAN_PASSWORD", None)
        if password is not None:
            env["JINGBAN_PASSWORD"] = password
        cmd = [BINARY, "staff"] + list(args) + ["--db", self.db]
        if password_file:
            cmd += ["--password-file", password_file]
        return subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)

    # -- sign-in -------------------------------------------------------------------------------
    def test_unknown_and_known_users_both_pay_for_argon2(self):
        def timed(user):
            start = time.monotonic()
            st, body, _ = self.srv.sign_in(user, "not-the-password")
            elapsed = time.monotonic() - start
            self.assertEqual(st, 401, body)
            return elapsed, body
        unknown, unknown_body = timed("no_such_user")
        known, known_body = timed("xining_supervisor")
        self.assertGreater(unknown, 0.020)
        self.assertGreater(known, 0.020)
        self.assertEqual(unknown_body, known_body)  # the same answer, too

    def test_five_failures_lock_the_account_even_for_the_right_password(self):
        user = "yunnan_finance"
        for i in range(4):
            st, body, _ = self.srv.sign_in(user, "wrong-%d" % i)
            self.assertEqual(st, 401, body)
        st, body, _ = self.srv.sign_in(user, "wrong-5")
        self.assertEqual(st, 403, body)
        self.assertEqual(body["error"]["code"], "account_locked")
        msg = body["error"]["message"]
        self.assertIn("账号因连续登录失败已被锁定，请于 10:1", msg)
        self.assertIn("（北京时间）后重试或联系管理员", msg)
        st, body, _ = self.srv.sign_in(user, PASSWORD)
        self.assertEqual(st, 403, body)
        self.assertEqual(body["error"]["code"], "account_locked")
        # The region's admin lifts the lock by enabling the account.
        st, body = self.srv.request("POST", "/api/v1/staff/%s/enable" % user, token=self.admin("yunnan"))
        self.assertEqual(st, 200, body)
        self.assertFalse(body["locked"])
        st, body, _ = self.srv.sign_in(user, PASSWORD)
        self.assertEqual(st, 201, body)

    def test_logout_ends_the_session(self):
        st, body, _ = self.srv.sign_in("qingdao_window", PASSWORD)
        self.assertEqual(st, 201, body)
        token = body["token"]
        self.assertEqual(self.srv.request("GET", "/api/v1/cases?region=qingdao", token=token)[0], 200)
        st, body = self.srv.request("DELETE", "/api/v1/session", token=token)
        self.assertEqual((st, body), (204, ""))
        st, body = self.srv.request("GET", "/api/v1/cases?region=qingdao", token=token)
        self.assertEqual(st, 401, body)
        self.assertEqual(self.srv.request("DELETE", "/api/v1/session", token=token)[0], 401)

    # -- staff administration ------------------------------------------------------------------
    def test_admin_creates_a_user_who_can_sign_in(self):
        st, body = self.add_staff("qh_clerk_1", roles=["window", "reviewer"])
        self.assertEqual(st, 201, body)
        self.assertEqual(body["roles"], ["window", "reviewer"])
        st, body, _ = self.srv.sign_in("qh_clerk_1", STRONG)
        self.assertEqual(st, 201, body)
        self.assertEqual(body["staff"]["region"], "qinghai")
        st, listing = self.srv.request("GET", "/api/v1/staff", token=self.admin())
        self.assertEqual(st, 200, listing)
        names = [s["username"] for s in listing]
        self.assertIn("qh_clerk_1", names)
        self.assertTrue(all(s["region"] == "qinghai" for s in listing))
        self.assertNotIn("password", json.dumps(listing))
        self.assertNotIn("argon2", json.dumps(listing))
        st, body = self.add_staff("qh_clerk_1")
        self.assertEqual(st, 409, body)

    def test_weak_passwords_and_bad_input_are_refused(self):
        for pw in ("short", "alllowercase", "qh_weak_1-Tiger42", "Password123!"):
            st, body = self.add_staff("qh_weak_1", password=pw)
            self.assertEqual(st, 422, (pw, body))
            self.assertEqual(body["error"]["code"], "weak_password")
            self.assertIn("至少10位", body["error"]["message"])
            self.assertNotIn(pw, body["error"]["message"])
        st, body = self.add_staff("Bad-Name")
        self.assertEqual((st, body["error"]["code"]), (422, "invalid_username"))
        st, body = self.add_staff("qh_role_x", roles=["no_such_role"])
        self.assertEqual((st, body["error"]["code"]), (422, "invalid_roles"))

    def test_only_admins_of_the_region_administer_it(self):
        st, body = self.add_staff("qh_by_clerk", token=self.srv.token("qinghai_window"))
        self.assertEqual(st, 403, body)
        st, body = self.add_staff("qh_by_yunnan", token=self.admin("yunnan"))
        self.assertEqual(st, 403, body)
        self.assertEqual(self.srv.request("GET", "/api/v1/staff", token=self.srv.token("qinghai_window"))[0], 403)
        self.assertEqual(self.srv.request("GET", "/api/v1/staff")[0], 401)
        for method, path, body in (("PUT", "/api/v1/staff/qinghai_reviewer/roles", {"roles": ["window"]}),
                                   ("POST", "/api/v1/staff/qinghai_reviewer/disable", None),
                                   ("POST", "/api/v1/staff/qinghai_reviewer/password", {"password": STRONG})):
            st, answer = self.srv.request(method, path, body, token=self.admin("yunnan"))
            self.assertEqual(st, 403, (path, answer))
        # Nothing changed: the reviewer still signs in with the demo password.
        self.assertEqual(self.srv.sign_in("qinghai_reviewer", PASSWORD)[0], 201)

    def test_role_change_disable_and_password_reset_revoke_sessions(self):
        self.assertEqual(self.add_staff("qh_rev_1", roles=["reviewer"])[0], 201)
        token = self.srv.sign_in("qh_rev_1", STRONG)[1]["token"]
        self.assertEqual(self.srv.request("GET", "/api/v1/cases?region=qinghai", token=token)[0], 200)
        st, body = self.srv.request("PUT", "/api/v1/staff/qh_rev_1/roles",
                                    {"roles": ["reviewer", "senior_reviewer"]}, token=self.admin())
        self.assertEqual(st, 200, body)
        self.assertEqual(self.srv.request("GET", "/api/v1/cases?region=qinghai", token=token)[0], 401)
        st, body, _ = self.srv.sign_in("qh_rev_1", STRONG)
        self.assertEqual(sorted(body["staff"]["roles"]), ["reviewer", "senior_reviewer"])
        token = body["token"]
        st, body = self.srv.request("POST", "/api/v1/staff/qh_rev_1/password", {"password": "Another-pass-77"},
                                    token=self.admin())
        self.assertEqual(st, 200, body)
        self.assertEqual(self.srv.request("GET", "/api/v1/cases?region=qinghai", token=token)[0], 401)
        self.assertEqual(self.srv.sign_in("qh_rev_1", STRONG)[0], 401)
        token = self.srv.sign_in("qh_rev_1", "Another-pass-77")[1]["token"]
        st, body = self.srv.request("POST", "/api/v1/staff/qh_rev_1/disable", token=self.admin())
        self.assertEqual((st, body["disabled"]), (200, True))
        self.assertEqual(self.srv.request("GET", "/api/v1/cases?region=qinghai", token=token)[0], 401)
        self.assertEqual(self.srv.sign_in("qh_rev_1", "Another-pass-77")[0], 401)

    def test_cli_staff_add_then_sign_in(self):
        pwfile = os.path.join(self.tmp.name, "pw.txt")
        with open(pwfile, "w") as f:
            f.write("Cli-created-2026\n")
        r = self.staff_cli("add", "xn_cli_clerk", "--name", "命令行创建", "--region", "xining",
                           "--roles", "window,supervisor", password_file=pwfile)
        self.assertEqual(r.returncode, 0, r.stderr)
        st, body, _ = self.srv.sign_in("xn_cli_clerk", "Cli-created-2026")
        self.assertEqual(st, 201, body)
        self.assertEqual(sorted(body["staff"]["roles"]), ["supervisor", "window"])
        # From the environment; the old password stops working.
        r = self.staff_cli("reset-password", "xn_cli_clerk", password="Env-password-99")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.srv.sign_in("xn_cli_clerk", "Env-password-99")[0], 201)
        self.assertEqual(self.srv.sign_in("xn_cli_clerk", "Cli-created-2026")[0], 401)
        r = self.staff_cli("list", "--region", "xining")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("xn_cli_clerk", r.stdout)
        # Weak password: refused, exit 1. Password on the command line, unknown option: usage, 2.
        r = self.staff_cli("add", "xn_cli_weak", "--name", "弱", "--region", "xining", "--roles", "window",
                           password="weakpass")
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("密码强度不足", r.stderr)
        r = self.staff_cli("add", "xn_cli_x", "--name", "x", "--region", "xining", "--roles", "window",
                           "--password", "Cli-created-2026")
        self.assertEqual(r.returncode, 2)
        r = self.staff_cli("disable", "xn_cli_clerk", "--force")
        self.assertEqual(r.returncode, 2)
        r = self.staff_cli("add", "xn_cli_nopw", "--name", "x", "--region", "xining", "--roles", "window")
        self.assertEqual(r.returncode, 1)

    # -- the hashing queue ---------------------------------------------------------------------
    def test_a_flood_of_sign_ins_is_answered_busy_not_queued(self):
        def attempt(i):
            return self.srv.sign_in("flood_%d" % i, "wrong-password")
        with concurrent.futures.ThreadPoolExecutor(max_workers=48) as pool:
            results = list(pool.map(attempt, range(96)))
        statuses = [st for st, _, _ in results]
        self.assertTrue(set(statuses) <= {401, 503}, statuses)
        busy = [(body, headers) for st, body, headers in results if st == 503]
        self.assertTrue(busy, statuses)
        body, headers = busy[0]
        self.assertEqual(body["error"]["code"], "busy")
        self.assertGreaterEqual(int(headers["Retry-After"]), 1)
        # Bounded queue: far fewer than 96 argon2 verifications were queued.
        self.assertLess(statuses.count(401), 60, statuses)
        # Right after the flood, a real sign-in is not stuck behind it.
        start = time.monotonic()
        st, body, _ = self.srv.sign_in("qingdao_finance", PASSWORD)
        self.assertEqual(st, 201, body)
        self.assertLess(time.monotonic() - start, 5)


class SignInRateLimitTest(unittest.TestCase):
    """The default limits (no --rate-limit): 5 sign-ins a minute per account, 10 per address."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.srv = AuthServer(os.path.join(cls.tmp.name, "jingban.db"), FAKE_NOW).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def test_sixth_sign_in_for_one_account_in_a_minute_is_429_with_retry_after(self):
        for i in range(5):
            st, body, _ = self.srv.sign_in("someone", "wrong-%d" % i)
            self.assertEqual(st, 401, (i, body))
        st, body, headers = self.srv.sign_in("someone", "wrong-5")
        self.assertEqual(st, 429, body)
        self.assertEqual(body["error"]["code"], "rate_limited")
        retry = int(headers["Retry-After"])
        self.assertTrue(1 <= retry <= 12, retry)
        self.assertEqual(body["error"]["message"], "请求过于频繁，请 %d 秒后再试" % retry)
        # Another account from the same address still has its turn (the address allows 10).
        self.assertEqual(self.srv.sign_in("qinghai_window", PASSWORD)[0], 201)


if __name__ == "__main__":
    unittest.main()
