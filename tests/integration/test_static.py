"""The browser UI's files under `/` (src/http/routes_static.cpp), on a small site made here (so
this runs without node): content types, caching, the SPA fallback, GET/HEAD only, the API and the
operator endpoints untouched, and no way out of the directory (.., %2e%2e, absolute paths,
backslashes, NUL, links)."""
import http.client
import json
import os
import tempfile
import unittest

from jingban_client import Server

FAKE_NOW = "2026-03-10T10:00:00"
INDEX = "<!doctype html><html lang=\"zh-CN\"><title>网上办事大厅</title></html>"
SECRET = "SECRET-OUTSIDE-THE-SITE"


class StaticTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        site = os.path.join(cls.tmp.name, "site")
        os.makedirs(os.path.join(site, "assets"))
        files = {"index.html": INDEX, "assets/index-3f2a9c.js": "console.log(1)",
                 "assets/index-77aa01.css": "body{}", "robots.txt": "User-agent: *",
                 "notes.md": "not a type the UI has"}
        for name, text in files.items():
            with open(os.path.join(site, name), "w") as f:
                f.write(text)
        with open(os.path.join(cls.tmp.name, "secret.js"), "w") as f:
            f.write(SECRET)
        os.symlink(os.path.join(cls.tmp.name, "secret.js"), os.path.join(site, "assets", "link.js"))
        cls.srv = Server(os.path.join(cls.tmp.name, "jingban.db"), FAKE_NOW, demo=False,
                         extra=("--rate-limit", "off", "--web", site)).start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def raw(self, method, target):
        """The target exactly as written (urllib would normalise it)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=10)
        conn.putrequest(method, target, skip_accept_encoding=True)
        conn.endheaders()
        r = conn.getresponse()
        body = r.read().decode("utf-8", "replace")
        headers = {k.lower(): v for k, v in r.getheaders()}
        conn.close()
        return r.status, headers, body

    def test_index_and_assets(self):
        st, h, body = self.raw("GET", "/")
        self.assertEqual((st, body), (200, INDEX))
        self.assertEqual(h["content-type"], "text/html; charset=utf-8")
        self.assertEqual(h["cache-control"], "no-cache")
        self.assertIn("default-src 'self'", h["content-security-policy"])
        self.assertEqual(h["x-content-type-options"], "nosniff")
        st, h, body = self.raw("GET", "/assets/index-3f2a9c.js")
        self.assertEqual((st, body), (200, "console.log(1)"))
        self.assertEqual(h["content-type"], "text/javascript; charset=utf-8")
        self.assertEqual(h["cache-control"], "public, max-age=31536000, immutable")
        st, h, _ = self.raw("GET", "/assets/index-77aa01.css")
        self.assertEqual((st, h["content-type"]), (200, "text/css; charset=utf-8"))
        st, h, _ = self.raw("GET", "/robots.txt")
        self.assertEqual((st, h["content-type"], h["cache-control"]),
                         (200, "text/plain; charset=utf-8", "no-cache"))

    def test_spa_fallback(self):
        for path in ("/progress", "/r/qinghai", "/r/qinghai/items/002036003001/apply",
                     "/r/%E9%9D%92%E6%B5%B7", "/index.html"):
            st, h, body = self.raw("GET", path)
            self.assertEqual((st, body), (200, INDEX), path)
        # A missing file is not a page: 404, so that a stale script shows as missing.
        for path in ("/assets/gone-000000.js", "/favicon.ico", "/notes.md", "/x.js"):
            st, h, body = self.raw("GET", path)
            self.assertEqual(st, 404, path)
            self.assertNotIn(SECRET, body)

    def test_no_way_out_of_the_directory(self):
        for target in ("/../secret.js", "/assets/../../secret.js", "/%2e%2e/secret.js",
                       "/%2E%2E/%2e%2e/etc/passwd", "/assets/%2e%2e/%2e%2e/secret.js",
                       "/..%2fsecret.js", "/assets/..%2F..%2Fsecret.js", "//etc/passwd",
                       "/" + os.path.join(self.tmp.name, "secret.js"),
                       "/etc/passwd", "/assets/%5c..%5c..%5csecret.js", "/index.html%00.js",
                       "/%00", "/assets/link.js", "/./index.html", "/assets/./index-3f2a9c.js"):
            st, h, body = self.raw("GET", target)
            self.assertNotIn(SECRET, body, target)
            self.assertNotIn("root:", body, target)
            if st == 200:  # only the index, for a plain page address
                self.assertEqual(body, INDEX, target)
            else:
                self.assertIn(st, (400, 404), target)
        # The ones that could only be an attempt are refused outright, not given the index.
        for target in ("/../secret.js", "/%2e%2e/secret.js", "/..%2fsecret.js", "/%00",
                       "/assets/%5c..%5c..%5csecret.js", "/./index.html", "//etc/passwd"):
            st, _, _ = self.raw("GET", target)
            self.assertIn(st, (400, 404), target)

    def test_methods(self):
        # HEAD: the GET's headers, its Content-Length included, and no body.
        for path in ("/", "/progress", "/assets/index-3f2a9c.js"):
            st, get_h, get_body = self.raw("GET", path)
            st, h, body = self.raw("HEAD", path)
            self.assertEqual((st, body), (200, ""), path)
            self.assertEqual(h["content-type"], get_h["content-type"], path)
            self.assertEqual(h["cache-control"], get_h["cache-control"], path)
            self.assertEqual(int(h["content-length"]), len(get_body.encode("utf-8")), path)
            self.assertGreater(int(h["content-length"]), 0, path)
        st, h, body = self.raw("HEAD", "/assets/gone-000000.js")
        self.assertEqual((st, body), (404, ""))
        self.assertEqual(int(h["content-length"]), len("没有这个页面\n".encode("utf-8")))
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            st, h, body = self.raw(method, "/")
            self.assertEqual(st, 404, method)
            self.assertEqual(json.loads(body)["error"]["code"], "not_found")

    def test_api_and_operators_untouched(self):
        for path in ("/api", "/api/v1/nothing", "/api/v2/regions", "/healthz/x", "/metrics/x"):
            st, h, body = self.raw("GET", path)
            self.assertEqual(st, 404, path)
            self.assertEqual(json.loads(body)["error"]["message"], "没有这个接口", path)
        st, _, body = self.raw("GET", "/api/v1/regions")
        self.assertEqual(st, 200)
        self.assertTrue(json.loads(body))
        st, _, body = self.raw("GET", "/healthz")
        self.assertEqual((st, json.loads(body)["status"]), (200, "ok"))
        self.raw("GET", "/r/qinghai")  # a static answer of this test's own (tests run in any order)
        st, _, body = self.raw("GET", "/metrics")
        self.assertIn('route="/{static}"', body)  # static answers counted under one label

    def test_due_date_of_an_item(self):
        st, body = self.srv.request("GET", "/api/v1/regions/yunnan/items/002036003001/due-date")
        self.assertEqual(st, 200, body)
        self.assertEqual(body["today"], "2026-03-10")
        self.assertRegex(body["due"] or "", r"^2026-\d\d-\d\d$")
        st, body = self.srv.request("GET", "/api/v1/regions/yunnan/items/000000000000/due-date")
        self.assertEqual((st, body["error"]["code"]), (404, "unknown_item"))


class WebDirOptionTest(unittest.TestCase):
    def test_missing_web_dir_given_explicitly_is_an_error(self):
        with tempfile.TemporaryDirectory() as tmp:
            srv = Server(os.path.join(tmp, "j.db"), FAKE_NOW, demo=False,
                         extra=("--web", os.path.join(tmp, "nothing")))
            with self.assertRaises(RuntimeError):
                srv.start()
            srv.proc.wait(timeout=30)
            srv.log.close()
            with open(os.path.join(tmp, "j.db.log"), encoding="utf-8") as f:
                self.assertIn("网页目录不存在", f.read())
            self.assertEqual(srv.proc.returncode, 1)


if __name__ == "__main__":
    unittest.main()
