"""GET /api/v1/openapi.json against the server that serves it: the same routes both ways, a schema
for every success, the right security per route, and the documented error codes."""
import http.client
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import urllib.parse

from jingban_client import Server, citizen_id, minimal_form

FAKE_NOW = "2026-03-10T10:00:00"  # a Tuesday, a working day
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")
# The router's own answers (src/http/router.cpp), told apart from a route's 404 `not_found`
# (an unknown case) by the message.
NO_ROUTE = {"code": "not_found", "message": "没有这个接口"}
NO_METHOD = {"code": "method_not_allowed", "message": "该地址不支持此请求方法"}
PLACEHOLDERS = {"region": "qinghai", "code": "000000000000", "case_no": "NO-SUCH-CASE",
                "action": "accept", "username": "nobody_here",
                "credit_code": "91630100MA0000001X", "id_no": "630102199001010013",
                "kind": "acceptance", "material_id": "no_such_material", "id": "1",
                "message_id": "NO-SUCH-CASE:1", "institution_code": "H63000099999",
                "month": "2026-01"}
# Signed by the peer server (serve --peer, --peer-key-file), neither staff nor anonymous.
PEER = {("post", "/api/v1/peer/transfers/messages")}
ANONYMOUS = {("get", "/healthz"), ("get", "/metrics"), ("get", "/api/v1/openapi.json"),
             ("get", "/api/v1/regions"), ("get", "/api/v1/regions/{region}/items"),
             ("get", "/api/v1/regions/{region}/items/{code}"),
             ("get", "/api/v1/regions/{region}/items/{code}/guide"),
             ("get", "/api/v1/regions/{region}/items/{code}/due-date"),
             ("get", "/api/v1/calendar/deadline"), ("get", "/api/v1/calendar"),
             ("get", "/api/v1/progress"), ("get", "/api/v1/progress/institution"),
             ("get", "/api/v1/regions/{region}/diseases"),
             ("post", "/api/v1/regions/{region}/settlements/{institution_code}/{month}/confirm"),
             ("post", "/api/v1/session")}
# Anonymous or signed in: online submission / window submission; applicant / staff actions.
EITHER = {("post", "/api/v1/cases"), ("post", "/api/v1/cases/{case_no}/{action}"),
          ("get", "/api/v1/cases/{case_no}/notices/{kind}.pdf"),
          ("post", "/api/v1/cases/{case_no}/materials/{material_id}/files"),
          ("get", "/api/v1/cases/{case_no}/files"), ("get", "/api/v1/cases/{case_no}/files/{id}"),
          # The applicant's own registers (case number + query code) or staff.
          ("get", "/api/v1/regions/{region}/persons/{id_no}/filings"),
          ("get", "/api/v1/regions/{region}/persons/{id_no}/qualifications"),
          ("get", "/api/v1/regions/{region}/persons/{id_no}/maternity"),
          ("get", "/api/v1/regions/{region}/transfers"),
          ("get", "/api/v1/regions/{region}/persons/{id_no}/outpatient-signing"),
          ("get", "/api/v1/regions/{region}/persons/{id_no}/benefit-qualifications"),
          ("get", "/api/v1/regions/{region}/persons/{id_no}/cards"),
          ("get", "/api/v1/regions/{region}/persons/{id_no}/cards/notice.html"),
          ("get", "/api/v1/regions/{region}/persons/{id_no}/back-payments"),
          # The institution's own settlement (its credit code) or staff.
          ("get", "/api/v1/regions/{region}/settlements/{institution_code}/{month}"),
          ("post", "/api/v1/regions/{region}/settlements/{institution_code}/{month}/lines")}
RATE_LIMITED = {("post", "/api/v1/session"), ("get", "/api/v1/progress"), ("post", "/api/v1/cases"),
                ("post", "/api/v1/cases/{case_no}/{action}")}


def api_path(path):
    """The router's addresses: /api…, /healthz…, /metrics…. Every other GET/HEAD path belongs to
    the browser UI when one is built (src/http/routes_static.cpp: a file, or index.html for the
    UI's own routes), so it is deliberately left out of the route checks below; test_static.py
    checks those paths."""
    first = path.strip("/").split("/")[0]
    return first in ("api", "healthz", "metrics")


def concrete(path):
    return re.sub(r"\{(\w+)\}", lambda m: PLACEHOLDERS[m.group(1)], path)


class OpenApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "jingban.db")
        cls.srv = Server(cls.db, FAKE_NOW).start()
        st, cls.spec = cls.srv.request("GET", "/api/v1/openapi.json")
        assert st == 200, st
        cls.ops = {(m, p): op for p, item in cls.spec["paths"].items() for m, op in item.items()}

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def call(self, method, path, token=None):
        body = {} if method in ("POST", "PUT", "PATCH") else None
        return self.srv.request(method, path, body, token=token)

    def resolve(self, schema):
        while "$ref" in schema:
            schema = self.spec["components"]["schemas"][schema["$ref"].split("/")[-1]]
        return schema

    def conforms(self, value, schema, where):
        """A small check of an answer against its schema: $ref, allOf, required, types, enums."""
        schema = self.resolve(schema)
        for part in schema.get("allOf", []):
            self.conforms(value, part, where)
        if value is None:
            self.assertTrue(schema.get("nullable"), where + " is null")
            return
        if "oneOf" in schema:
            return
        kinds = {"object": dict, "array": list, "string": str, "boolean": bool, "integer": int}
        if "type" in schema:
            self.assertIsInstance(value, kinds[schema["type"]], where)
        if "enum" in schema:
            self.assertIn(value, schema["enum"], where)
        if isinstance(value, dict):
            for key in schema.get("required", []):
                self.assertIn(key, value, where)
            props = schema.get("properties", {})
            for key, v in value.items():
                if key in props:
                    self.conforms(v, props[key], where + "." + key)
                elif isinstance(schema.get("additionalProperties"), dict):
                    self.conforms(v, schema["additionalProperties"], where + "." + key)
        if isinstance(value, list) and "items" in schema:
            for i, v in enumerate(value[:20]):
                self.conforms(v, schema["items"], "%s[%d]" % (where, i))

    def error_codes(self, method, path, status):
        return self.ops[(method, path)]["responses"][str(status)]["x-error-codes"]

    def success_schema(self, method, path):
        for status, r in self.ops[(method, path)]["responses"].items():
            if status.startswith("2"):
                return int(status), next(iter(r["content"].values()))["schema"]
        raise AssertionError("no success response for %s %s" % (method, path))

    # -- the same routes both ways -------------------------------------------------------------
    def test_every_documented_route_is_answered(self):
        for (method, path) in self.ops:
            st, out = self.call(method.upper(), concrete(path))
            err = out.get("error") if isinstance(out, dict) else None
            self.assertNotEqual(st, 405, (method, path, out))
            self.assertFalse(st == 404 and err == NO_ROUTE, (method, path, out))

    def test_no_undocumented_method_on_a_documented_path(self):
        for path, item in self.spec["paths"].items():
            for method in METHODS:
                if method.lower() in item:
                    continue
                st, out = self.call(method, concrete(path))
                err = out.get("error") if isinstance(out, dict) else out
                self.assertEqual((st, err), (405, NO_METHOD), (method, path))

    def test_no_undocumented_route_next_to_documented_ones(self):
        # Under every prefix of a documented path, each word of the spec's own paths and of a list
        # of likely names must be unknown to the router unless the result is documented: this is
        # how a route the server answers but the spec leaves out shows up. (Any method will do: a
        # known path with another method answers 405, not the router's 404.)
        templates = [re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(p)) + "$")
                     for p in self.spec["paths"]]
        words = {w for p in self.spec["paths"] for w in p.strip("/").split("/") if "{" not in w}
        words |= {"enable", "disable", "roles", "password", "sessions", "login", "logout", "me",
                  "users", "admin", "events", "export", "stats", "report", "audit", "backup",
                  "verify", "calendar", "reload", "config", "version", "status", "search", "items",
                  "guide", "form", "forms", "receipt", "rating", "follow_up", "extra", "x",
                  "api", "v1", "healthz", "metrics", "openapi.json", "regions", "deadline",
                  "session", "cases", "progress", "staff", "calendar/deadline"}
        prefixes = {""}
        for p in map(concrete, self.spec["paths"]):
            parts = p.strip("/").split("/")
            prefixes.update("/" + "/".join(parts[:i]) for i in range(1, len(parts) + 1))
        candidates = {(pre + "/" + w) for pre in prefixes for w in words} | {"/", "/api/v2/regions"}
        unknown = sorted(p for p in candidates
                         if api_path(p) and not any(t.match(p) for t in templates))
        self.assertGreater(len(unknown), 100)
        for p in unknown:
            st, out = self.srv.request("GET", p)
            self.assertEqual((st, out.get("error") if isinstance(out, dict) else out), (404, NO_ROUTE), p)
        for p in ("/", "/api/v1/nothing", "/healthz/x", "/metrics/x"):
            for method in METHODS:
                if not api_path(p) and method == "GET":
                    continue  # the UI's index (test_static.py)
                st, out = self.call(method, p)
                self.assertEqual((st, out.get("error") if isinstance(out, dict) else out),
                                 (404, NO_ROUTE), (method, p))

    # -- the description itself ------------------------------------------------------------------
    def test_shape(self):
        self.assertTrue(self.spec["openapi"].startswith("3."))
        ids = [op["operationId"] for op in self.ops.values()]
        self.assertEqual(len(ids), len(set(ids)))
        for (method, path), op in self.ops.items():
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            self.assertEqual(declared, set(re.findall(r"\{(\w+)\}", path)), (method, path))

    def test_every_success_has_a_schema(self):
        for (method, path), op in self.ops.items():
            ok = [s for s in op["responses"] if s.startswith("2")]
            self.assertEqual(len(ok), 1, (method, path))
            r = op["responses"][ok[0]]
            if ok[0] == "204":
                self.assertNotIn("content", r, (method, path))
                continue
            self.assertTrue(r["content"], (method, path))
            for media in r["content"].values():
                self.assertIn("schema", media, (method, path))
        self.assertIn("201", self.ops[("post", "/api/v1/cases")]["responses"])
        self.assertIn("201", self.ops[("post", "/api/v1/session")]["responses"])
        self.assertIn("201", self.ops[("post", "/api/v1/staff")]["responses"])
        self.assertIn("204", self.ops[("delete", "/api/v1/session")]["responses"])

    def test_security(self):
        self.assertEqual(self.spec["security"], [{"bearer": []}])
        for key, op in self.ops.items():
            if key in ANONYMOUS:
                self.assertEqual(op.get("security"), [], key)
            elif key in PEER:
                self.assertEqual(op.get("security"), [{"peerHmac": []}], key)
            elif key in EITHER:
                self.assertIn({}, op["security"], key)
                self.assertIn({"bearer": []}, op["security"], key)
            else:
                self.assertEqual(op.get("security", self.spec["security"]), [{"bearer": []}], key)
        self.assertTrue(ANONYMOUS | EITHER <= set(self.ops))

    def test_security_matches_the_server(self):
        for (method, path), op in self.ops.items():
            st, out = self.call(method.upper(), concrete(path))
            if op["security"] == [{"bearer": []}]:
                self.assertEqual((st, out["error"]["code"]), (401, "unauthorized"), (method, path))
            elif op["security"] == [{"peerHmac": []}]:  # unsigned: refused
                self.assertEqual(st, 401, (method, path, out))
            elif op["security"] == []:
                self.assertNotEqual(st, 401, (method, path, out))

    def test_errors(self):
        codes = set(self.spec["components"]["schemas"]["Error"]["properties"]["error"]["properties"]
                    ["code"]["enum"])
        for slug in ("invalid_encoding", "too_deep", "bad_number", "internal", "rate_limited", "busy",
                     "account_locked", "weak_password", "idempotency_key_reused", "amount_out_of_range",
                     "invalid_form", "invalid_text", "invalid_phone", "four_eyes", "not_found",
                     "wrong_region", "version_conflict", "storage_unavailable", "case_busy",
                     "method_not_allowed"):
            self.assertIn(slug, codes)
        for (method, path), op in self.ops.items():
            for status, r in op["responses"].items():
                if status.startswith("2"):
                    continue
                self.assertLessEqual(set(r["x-error-codes"]), codes, (method, path, status))
                self.assertEqual(r["content"]["application/json"]["schema"],
                                 {"$ref": "#/components/schemas/Error"})
                if status == "429":
                    self.assertTrue(r["headers"]["Retry-After"]["required"], (method, path))
            if (method, path) in RATE_LIMITED:
                self.assertEqual(op["responses"]["429"]["x-error-codes"], ["rate_limited"])
        params = {p["name"] for p in self.ops[("get", "/api/v1/progress")]["parameters"]}
        self.assertEqual(params, {"case_no", "id_no", "query_code"})
        for key in (("post", "/api/v1/cases"), ("post", "/api/v1/cases/{case_no}/{action}")):
            self.assertIn("Idempotency-Key", [p["name"] for p in self.ops[key]["parameters"]])

    # -- real answers against their schemas --------------------------------------------------------
    def test_answers_conform(self):
        st, regions = self.srv.request("GET", "/api/v1/regions")
        self.conforms(regions, self.success_schema("get", "/api/v1/regions")[1], "regions")
        items_schema = self.success_schema("get", "/api/v1/regions/{region}/items")[1]
        kinds, extras = set(), set()
        for r in regions:  # every region: Xining has the internal item and 未载明 limits
            st, some = self.srv.request("GET", "/api/v1/regions/%s/items" % r["id"])
            self.assertEqual(st, 200, r["id"])
            self.conforms(some, items_schema, r["id"] + " items")
            for i in some:
                kinds.update(l["kind"] for l in [i["time_limit"]] + i["time_limit"].get("variants", []))
                extras.update(k for k in ("flows", "applicant_limits", "internal") if i[k])
                steps = i["flow"] + [s for f in i["flows"] for s in f["flow"]]
                extras.update("step limit" for s in steps if "limit" in s)
                extras.update("original" for m in i["materials"] if "original" in m)
        # The catalog's new shapes are really served, so their schemas are really checked.
        self.assertLessEqual({"calendar_months", "calendar_date", "unstated"}, kinds)
        self.assertEqual(extras, {"flows", "applicant_limits", "internal", "step limit", "original"})
        st, items = self.srv.request("GET", "/api/v1/regions/qinghai/items")
        st, due = self.srv.request("GET", "/api/v1/calendar/deadline?from=2026-03-10&working_days=20")
        self.assertEqual(st, 200, due)
        self.conforms(due, self.success_schema("get", "/api/v1/calendar/deadline")[1], "deadline")

        item = next(i for i in items if "网上" in i["channels"] and i["applicant"][0] == "person")
        applicant = {"kind": "person", "id_no": citizen_id(7), "name": "测试参保人", "phone": "13800000000"}
        st, receipt = self.srv.request("POST", "/api/v1/cases", {
            "region": "qinghai", "item_code": item["code"], "channel": "网上", "applicant": applicant,
            "materials": {}, "form": minimal_form(item)})
        want, schema = self.success_schema("post", "/api/v1/cases")
        self.assertEqual(st, want, receipt)
        self.conforms(receipt, schema, "receipt")
        no, code = receipt["case_no"], receipt["query_code"]

        query = urllib.parse.urlencode({"case_no": no, "id_no": applicant["id_no"], "query_code": code})
        st, progress = self.srv.request("GET", "/api/v1/progress?" + query)
        self.assertEqual(st, 200, progress)
        self.conforms(progress, self.success_schema("get", "/api/v1/progress")[1], "progress")

        token = self.srv.token("qinghai_admin")
        st, case = self.srv.request("GET", "/api/v1/cases/" + no, token=token)
        self.assertEqual(st, 200, case)
        self.conforms(case, self.success_schema("get", "/api/v1/cases/{case_no}")[1], "case")
        st, cases = self.srv.request("GET", "/api/v1/cases", token=token)
        self.assertEqual(st, 200, cases)
        self.conforms(cases, self.success_schema("get", "/api/v1/cases")[1], "cases")
        st, staff = self.srv.request("GET", "/api/v1/staff", token=token)
        self.assertEqual(st, 200, staff)
        self.conforms(staff, self.success_schema("get", "/api/v1/staff")[1], "staff")

        st, out = self.srv.request("POST", "/api/v1/cases/%s/withdraw" % no,
                                   {"id_no": applicant["id_no"], "query_code": code, "comment": "不办了"})
        self.assertEqual(st, 200, out)
        self.conforms(out, self.success_schema("post", "/api/v1/cases/{case_no}/{action}")[1], "outcome")
        self.assertEqual(out["status"], "withdrawn")

        st, session = self.srv.request("POST", "/api/v1/session",
                                       {"username": "qinghai_admin", "password": "jingban-demo"})
        want, schema = self.success_schema("post", "/api/v1/session")
        self.assertEqual(st, want, session)
        self.conforms(session, schema, "session")

        # 204 on sign-out: no body, and so no Content-Type.
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=30)
        conn.request("DELETE", "/api/v1/session", headers={"Authorization": "Bearer " + session["token"]})
        r = conn.getresponse()
        self.assertEqual(r.status, 204)
        self.assertEqual(r.read(), b"")
        self.assertIsNone(r.getheader("Content-Type"))
        conn.close()

    def test_account_credit_import(self):
        path = "/api/v1/regions/{region}/imports/account-credits"
        url = path.replace("{region}", "qinghai")
        csv = {"Content-Type": "text/csv"}
        finance = self.srv.token("qinghai_finance")
        # A person who is not enrolled: the row is rejected, the batch still answers 201.
        body = "id_no,amount_fen,month\n%s,30000,2026-02\nnot-an-id,1,2026-02\n" % citizen_id(91)
        st, rep = self.srv.request("POST", url, raw=body.encode(), token=finance, headers=csv)
        want, schema = self.success_schema("post", path)
        self.assertEqual((st, rep["accepted"], len(rep["rejected"])), (want, 0, 2), rep)
        self.conforms(rep, schema, "credits")
        for raw, token, status, code in (
                (b"id_no,amount\n", finance, 422, "bad_header"),
                (b"id_no,amount_fen,month\n\xff,1,2026-02\n", finance, 400, "invalid_encoding"),
                (b"id_no,amount_fen,month\n", self.srv.token("qinghai_admin"), 403, "role_required"),
                (b"id_no,amount_fen,month\n", self.srv.token("yunnan_finance"), 403, "wrong_region")):
            st, out = self.srv.request("POST", url, raw=raw, token=token, headers=csv)
            self.assertEqual((st, out["error"]["code"]), (status, code), out)
            self.assertIn(code, self.error_codes("post", path, status))
        op = self.ops[("post", path)]
        self.assertIn("text/csv", op["requestBody"]["content"])

    def test_redocly_lint(self):
        """The document passes `redocly lint` (recommended rules) without errors or warnings.
        Skipped where the CLI is not installed (npx with @redocly/cli in its cache)."""
        npx = shutil.which("npx")
        if not npx:
            self.skipTest("npx not installed")
        with tempfile.TemporaryDirectory() as d:
            doc = os.path.join(d, "openapi.json")
            with open(doc, "w") as f:
                json.dump(self.spec, f, ensure_ascii=False)
            try:
                run = subprocess.run([npx, "--offline", "--yes", "@redocly/cli@latest", "lint",
                                      "--format=json", doc], capture_output=True, text=True,
                                     timeout=180, cwd=d)
            except subprocess.TimeoutExpired:
                self.skipTest("redocly did not finish")
            try:
                report = json.loads(run.stdout[run.stdout.index("{"):])
            except ValueError:
                self.skipTest("@redocly/cli not available offline: " + run.stderr[-300:])
            problems = ["%s %s %s" % (p["severity"], p["ruleId"], p["message"])
                        for p in report.get("problems", [])]
            self.assertEqual(problems, [])

    def test_metrics_and_guide_types(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=30)
        for path, (method, spec_path) in (("/metrics", ("get", "/metrics")),
                                          ("/healthz", ("get", "/healthz"))):
            conn.request("GET", path)
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
            media = list(self.ops[(method, spec_path)]["responses"]["200"]["content"])
            self.assertEqual(media, [r.getheader("Content-Type").split(";")[0]], path)
        conn.close()


if __name__ == "__main__":
    unittest.main()
