"""Notifications to applicants (the outbox): one message per 受理, 补正, 办结 and follow-up of a
poor rating, made from the event log — once each, across a restart — written to the log by
default or posted to a webhook that may fail (retried with backoff, never accepted twice), failed
messages visible to the region's supervisors and put back by them."""
import http.server
import itertools
import json
import os
import tempfile
import threading
import time
import unittest
import urllib.request

from jingban_client import Registers, Server, minimal_form

FAKE_NOW = "2026-03-10T10:00:00"  # a Tuesday, a working day
REGION = "qinghai"
_seq = itertools.count(7100)


class Receiver:
    """A webhook receiver (an SMS gateway) on 127.0.0.1. mode "flaky": the first two posts of
    each message answer 503, later ones 200; "reject": always 400; "accept": always 200. Every
    post is kept; a message accepted twice would be a duplicate SMS."""

    def __init__(self):
        self.mode = "flaky"
        self.posts = []        # (message_id, Idempotency-Key header, body)
        self.accepted = []     # message ids answered 2xx, in order
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver.lock:
                    mid = body["message_id"]
                    receiver.posts.append((mid, self.headers.get("Idempotency-Key"), body))
                    tries = sum(1 for p in receiver.posts if p[0] == mid)
                    if receiver.mode == "reject" or (receiver.mode == "flaky" and tries <= 2):
                        status = 400 if receiver.mode == "reject" else 503
                    else:
                        status = 200
                        receiver.accepted.append(mid)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/sms?key=secret" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class NotificationsBase(unittest.TestCase):
    extra = ()

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "jingban.db")
        cls.srv = Server(cls.db, FAKE_NOW, extra=("--rate-limit", "off") + tuple(cls.extra)).start()
        cls.items = {}
        for r in (REGION, "yunnan"):
            st, items = cls.srv.request("GET", "/api/v1/regions/%s/items" % r)
            assert st == 200
            cls.items[r] = items
        cls.regs = Registers(cls.srv, cls.items, _seq)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    # -- helpers -------------------------------------------------------------------------------
    def item(self):
        """A person's item with required materials (so that 补正 is possible), no acceptance
        window, whose effect needs nothing prepared beyond a fresh applicant; the shortest flow."""
        def required(i):
            return [m for m in i["materials"] if "when" not in m and not m.get("optional")]
        fits = [i for i in self.items[REGION]
                if i["applicant"] and i["applicant"][0] == "person" and not i["internal"]
                and not i["acceptance_windows"] and required(i) and not i["flows"]
                and i["effect"] in ("resident_enrolment", "none", "")]
        if not fits:
            fits = [i for i in self.items[REGION]
                    if i["applicant"] and i["applicant"][0] == "person" and not i["internal"]
                    and not i["acceptance_windows"] and required(i) and not i["flows"]]
        return min(fits, key=lambda i: len(i["flow"]))

    def act(self, no, action, user, expect=200, **body):
        st, out = self.srv.request("POST", "/api/v1/cases/%s/%s" % (no, action), body,
                                   token=self.srv.token(user) if user else None)
        self.assertEqual(st, expect, out)
        return out

    def submit(self, it):
        applicant, form, conds = self.regs.ready(REGION, it, minimal_form(it))
        self.assertTrue(applicant.get("phone"))
        body = {"region": REGION, "item_code": it["code"], "channel": "窗口" if "窗口" in it["channels"] else it["channels"][0],
                "applicant": applicant, "materials": {}, "conditions": conds, "form": form}
        st, case = self.srv.request("POST", "/api/v1/cases", body,
                                    token=self.srv.token("%s_%s" % (REGION, it["flow"][0]["role"])))
        self.assertEqual(st, 201, case)
        return case, applicant

    def supplement_and_finish(self, it, case, applicant):
        """The applicant supplements, the case runs to 办结, is rated 不满意 and followed up."""
        no = case["case_no"]
        self.act(no, "supplement", None, query_code=case["query_code"], id_no=applicant["id_no"],
                 materials={m["id"]: "provided" for m in it["materials"]})
        out = self.regs.drive(REGION, it, no)
        self.assertEqual(out["status"], "completed")
        out = self.act(no, "rate", None, query_code=case["query_code"], id_no=applicant["id_no"],
                       rating="不满意", comment="等候时间太长")
        self.assertEqual(out["follow_up"], "open")
        self.act(no, "resolve_follow_up", REGION + "_supervisor", comment="已电话回访，致歉并说明")

    def listed(self, status=None, user=REGION + "_supervisor", region=REGION, expect=200):
        path = "/api/v1/regions/%s/notifications?limit=500" % region
        if status:
            path += "&status=" + status
        st, out = self.srv.request("GET", path, token=self.srv.token(user))
        self.assertEqual(st, expect, out)
        return out

    def of_case(self, no, **kw):
        return [m for m in self.listed(**kw)["notifications"] if m["case_no"] == no]

    def wait_for(self, predicate, timeout=40, what="condition"):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.2)
        self.fail("timed out waiting for " + what)

    def all_sent(self, no, n):
        msgs = self.of_case(no)
        return msgs if len(msgs) == n and all(m["status"] == "sent" for m in msgs) else None


class LogSenderTest(NotificationsBase):
    def log_lines(self):
        out = []
        with open(self.db + ".log", encoding="utf-8") as f:
            for line in f:
                if line.startswith("{"):
                    j = json.loads(line)
                    if j.get("event") == "notification":
                        out.append(j)
        return out

    def test_each_message_once_across_restarts(self):
        it = self.item()
        case, applicant = self.submit(it)
        no = case["case_no"]
        self.act(no, "return", "%s_%s" % (REGION, it["flow"][0]["role"]), comment="材料不齐")
        # Stopped right after the commit: the message is made at the stop or on the next start.
        self.srv.stop()
        self.srv.start()
        self.supplement_and_finish(it, case, applicant)
        msgs = self.wait_for(lambda: self.all_sent(no, 4), what="four messages sent")
        self.assertEqual(sorted(m["kind"] for m in msgs),
                         ["accepted", "completed", "follow_up", "supplement"])
        for m in msgs:
            self.assertTrue(m["message_id"].startswith(no + ":"))
            self.assertIn(no, m["text"])
            self.assertIn(it["name"], m["text"])
            self.assertNotIn(applicant["id_no"], m["text"])
            self.assertNotIn(applicant["name"], m["text"])
            self.assertEqual(m["phone"], "138****0000")
            self.assertEqual(m["attempts"], 1)
            self.assertIsNotNone(m["sent_at"])
        # Another restart sends nothing again.
        self.srv.stop()
        self.srv.start()
        time.sleep(2.5)
        lines = [l for l in self.log_lines() if l["case_no"] == no]
        self.assertEqual(sorted(l["message_id"] for l in lines), sorted(m["message_id"] for m in msgs))
        for l in lines:
            self.assertEqual(l["phone"], "138****0000")  # never the full number in the log
        self.assertEqual(len(self.of_case(no)), 4)
        st, metrics = self.srv.request("GET", "/metrics")
        self.assertEqual(st, 200)
        self.assertRegex(metrics, r'jingban_notifications\{status="sent"\} [1-9]')
        self.assertIn('jingban_notifications{status="pending"}', metrics)
        self.assertIn('jingban_notifications{status="failed"} 0', metrics)

    def test_refusals(self):
        # Not a supervisor; another region's supervisor; bad filter; unknown message.
        err = self.listed(user=REGION + "_window", expect=403)
        self.assertEqual(err["error"]["code"], "role_required")
        err = self.listed(user="yunnan_supervisor", expect=403)
        self.assertEqual(err["error"]["code"], "wrong_region")
        st, err = self.srv.request("GET", "/api/v1/regions/%s/notifications?status=lost" % REGION,
                                   token=self.srv.token(REGION + "_supervisor"))
        self.assertEqual((st, err["error"]["code"]), (400, "bad_status"))
        st, err = self.srv.request("GET", "/api/v1/regions/%s/notifications" % REGION)
        self.assertEqual(st, 401)
        st, err = self.srv.request("POST", "/api/v1/notifications/%s:999/retry" % "630000-20260310-999999",
                                   token=self.srv.token(REGION + "_supervisor"))
        self.assertEqual((st, err["error"]["code"]), (404, "notification_not_found"))
        st, err = self.srv.request("POST", "/api/v1/notifications/x:1/retry",
                                   token=self.srv.token(REGION + "_window"))
        self.assertEqual((st, err["error"]["code"]), (403, "role_required"))


class WebhookSenderTest(NotificationsBase):
    @classmethod
    def setUpClass(cls):
        cls.receiver = Receiver()
        cls.extra = ("--notify", "webhook", "--notify-url", cls.receiver.url)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.receiver.close()

    def test_retried_until_accepted_never_twice_then_failed_and_requeued(self):
        it = self.item()
        case, applicant = self.submit(it)
        no = case["case_no"]
        self.act(no, "return", "%s_%s" % (REGION, it["flow"][0]["role"]), comment="材料不齐")
        self.supplement_and_finish(it, case, applicant)
        msgs = self.wait_for(lambda: self.all_sent(no, 4), what="four messages delivered")
        with self.receiver.lock:
            accepted = list(self.receiver.accepted)
            posts = [p for p in self.receiver.posts if p[0].startswith(no + ":")]
        for m in msgs:
            self.assertEqual(m["attempts"], 3, m)          # 503, 503, 200
            self.assertEqual(accepted.count(m["message_id"]), 1, m)
        self.assertEqual(len(accepted), len(set(accepted)))  # no message accepted twice, at all
        self.assertEqual(len(posts), 12)
        for mid, key, body in posts:
            self.assertEqual(key, mid)
            self.assertEqual(set(body), {"message_id", "case_no", "region", "kind", "phone", "text", "created_at"})
            self.assertEqual(body["phone"], applicant["phone"])  # the gateway needs the number
            self.assertEqual(body["case_no"], no)

        # A gateway that refuses: failed at once, listed for the supervisor, put back by them.
        self.receiver.mode = "reject"
        case2, applicant2 = self.submit(it)
        no2 = case2["case_no"]
        self.act(no2, "return", "%s_%s" % (REGION, it["flow"][0]["role"]), comment="材料不齐")
        failed = self.wait_for(lambda: self.of_case(no2, status="failed"), what="a failed message")
        self.assertEqual(len(failed), 1)
        m = failed[0]
        self.assertEqual((m["kind"], m["attempts"], m["last_error"]), ("supplement", 1, "HTTP 400"))
        self.assertIsNone(m["sent_at"])
        # Another region's supervisor may not touch it; a clerk may not; a sent one is not failed.
        st, err = self.srv.request("POST", "/api/v1/notifications/%s/retry" % m["message_id"],
                                   token=self.srv.token("yunnan_supervisor"))
        self.assertEqual((st, err["error"]["code"]), (403, "wrong_region"))
        st, err = self.srv.request("POST", "/api/v1/notifications/%s/retry" % msgs[0]["message_id"],
                                   token=self.srv.token(REGION + "_supervisor"))
        self.assertEqual((st, err["error"]["code"]), (409, "not_failed"))
        # The XLSX list opens as a workbook.
        req = urllib.request.Request("http://127.0.0.1:%d/api/v1/regions/%s/notifications?format=xlsx&status=failed"
                                     % (self.srv.port, REGION))
        req.add_header("Authorization", "Bearer " + self.srv.token(REGION + "_supervisor"))
        with urllib.request.urlopen(req, timeout=30) as r:
            self.assertEqual(r.headers["Content-Type"],
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            self.assertTrue(r.read().startswith(b"PK"))
        self.receiver.mode = "accept"
        st, out = self.srv.request("POST", "/api/v1/notifications/%s/retry" % m["message_id"],
                                   token=self.srv.token(REGION + "_supervisor"))
        self.assertEqual(st, 200, out)
        self.assertEqual((out["status"], out["attempts"]), ("pending", 0))
        sent = self.wait_for(lambda: [x for x in self.of_case(no2) if x["status"] == "sent"], what="the retried message sent")
        self.assertEqual(sent[0]["message_id"], m["message_id"])
        with self.receiver.lock:
            self.assertEqual(self.receiver.accepted.count(m["message_id"]), 1)


if __name__ == "__main__":
    unittest.main()
