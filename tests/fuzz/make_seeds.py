"""Writes the seed corpus of the fuzz target (tests/fuzz/corpus/) from the integration tests' requests.

Run once by hand when routes change (the corpus is checked in; the fuzzer adds to it):
    JINGBAN_BIN=build-fuzz/jingban python3 tests/fuzz/make_seeds.py
It starts the real binary only to read the catalog's regions and items, then writes raw HTTP/1.1
requests. One file may hold several pipelined requests (a whole lifecycle); {{TOKEN:username}} and
{{CASE}} / {{QUERY_CODE}} are filled in by the harness (tests/fuzz/fuzz_request.hpp).
Files named known_* are the inputs that killed the server in issue 5.
"""
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from jingban_client import PASSWORD, Server, citizen_id, credit_code  # noqa: E402

CORPUS = os.path.join(HERE, "corpus")
FAKE_NOW = "2026-03-10T10:00:00"


def req(method, path, body=None, token=None, headers=None, raw=None, close=False):
    data = raw if raw is not None else (json.dumps(body, ensure_ascii=False).encode() if body is not None else b"")
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: localhost"]
    if token:
        lines.append("Authorization: Bearer {{TOKEN:%s}}" % token)
    for k, v in (headers or {}).items():
        lines.append("%s: %s" % (k, v))
    if method == "POST" or data:
        lines.append("Content-Type: application/json")
        lines.append("Content-Length: %d" % len(data))
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


written = []


def seed(name, *requests):
    path = os.path.join(CORPUS, name)
    with open(path, "wb") as f:
        f.write(b"".join(requests))
    written.append(name)


def applicant(item, n):
    if item["applicant"][0] == "person":
        return {"kind": "person", "id_no": citizen_id(n), "name": "测试参保人%d" % n, "phone": "13800000000"}
    return {"kind": item["applicant"][0], "id_no": credit_code(n), "name": "测试单位%d" % n}


def submission(region, item, n, channel=None, form=None):
    ch = channel or ("窗口" if "窗口" in item["channels"] else item["channels"][0])
    body = {"region": region, "item_code": item["code"], "channel": ch, "applicant": applicant(item, n),
            "materials": {}, "conditions": []}
    if form is not None:
        body["form"] = form
    return body


def all_materials(item):
    return {m["id"]: "provided" for m in item["materials"]}


def lifecycle(region, item, n):
    """Submit, accept with every material and walk the flow, as test_api.drive does."""
    window = "%s_%s" % (region, item["flow"][0]["role"])
    out = [req("POST", "/api/v1/cases", submission(region, item, n), token=window),
           req("POST", "/api/v1/cases/{{CASE}}/accept", {"materials": all_materials(item)}, token=window)]
    used = {}
    for idx, step in enumerate(item["flow"][1:], start=1):
        if step["kind"] == "review":
            if step["role"] not in used:
                base = "%s_%s" % (region, step["role"])
                used[step["role"]] = base if base not in used.values() else base + "_2"
            out.append(req("POST", "/api/v1/cases/{{CASE}}/approve", {}, token=used[step["role"]]))
        elif step["kind"] == "pay":
            out.append(req("POST", "/api/v1/cases/{{CASE}}/pay", {"amount_fen": 12345},
                           token="%s_%s" % (region, step["role"]), headers={"Idempotency-Key": "pay-%d-%d" % (n, idx)}))
        else:
            out.append(req("POST", "/api/v1/cases/{{CASE}}/complete", {}, token="%s_%s" % (region, step["role"])))
    out.append(req("GET", "/api/v1/cases/{{CASE}}", token=window))
    return out


def main():
    os.makedirs(CORPUS, exist_ok=True)
    for f in os.listdir(CORPUS):
        os.remove(os.path.join(CORPUS, f))
    with tempfile.TemporaryDirectory() as tmp:
        srv = Server(os.path.join(tmp, "seed.db"), FAKE_NOW).start()
        try:
            regions = [r["id"] for r in srv.request("GET", "/api/v1/regions")[1]]
            items = {r: srv.request("GET", "/api/v1/regions/%s/items" % r)[1] for r in regions}
        finally:
            srv.stop()

    # Catalog and calendar reads.
    seed("healthz", req("GET", "/healthz"))
    seed("openapi", req("GET", "/api/v1/openapi.json"))
    seed("regions", req("GET", "/api/v1/regions"))
    for r in regions:
        it = items[r][0]
        seed("items_%s" % r, req("GET", "/api/v1/regions/%s/items" % r))
        seed("item_%s" % r, req("GET", "/api/v1/regions/%s/items/%s" % (r, it["code"])))
        seed("guide_%s" % r, req("GET", "/api/v1/regions/%s/items/%s/guide" % (r, it["code"])))
    seed("item_unknown", req("GET", "/api/v1/regions/qinghai/items/999999999999"))
    seed("region_unknown", req("GET", "/api/v1/regions/atlantis/items"))
    seed("deadline_working", req("GET", "/api/v1/calendar/deadline?from=2026-02-13&working_days=5"))
    seed("deadline_natural", req("GET", "/api/v1/calendar/deadline?from=2026-09-30&natural_days=1"))
    seed("deadline_outside", req("GET", "/api/v1/calendar/deadline?from=2024-06-03&working_days=5"))
    seed("deadline_bad_date", req("GET", "/api/v1/calendar/deadline?from=2026-02-30&working_days=5"))
    seed("deadline_plus", req("GET", "/api/v1/calendar/deadline?from=2026-02-13&working_days=%2B5"))
    seed("not_found", req("GET", "/nowhere"))
    seed("wrong_method", req("DELETE", "/api/v1/regions"))
    seed("pipelined_reads", req("GET", "/healthz"), req("GET", "/api/v1/regions"),
         req("GET", "/api/v1/calendar/deadline?from=2026-03-10&working_days=15", close=True),
         req("GET", "/healthz"))

    # Sessions (argon2: few of them).
    seed("session_ok", req("POST", "/api/v1/session", {"username": "qinghai_window", "password": PASSWORD}))
    seed("session_wrong", req("POST", "/api/v1/session", {"username": "qinghai_window", "password": "x"}))
    seed("session_unknown", req("POST", "/api/v1/session", {"username": "nobody", "password": "x"}))
    seed("session_bad_json", req("POST", "/api/v1/session", raw=b'{"username":'))

    # Submissions: by window staff and online, for several items of every region.
    n = 100
    for r in regions:
        for it in items[r][:6]:
            n += 1
            window = "%s_%s" % (r, it["flow"][0]["role"])
            seed("submit_%s_%s" % (r, it["code"]),
                 req("POST", "/api/v1/cases", submission(r, it, n), token=window))
        online = next((it for it in items[r] if "网办" in it["channels"] or "网上" in "".join(it["channels"])), None)
        if online:
            n += 1
            ch = next(c for c in online["channels"] if c != "窗口")
            seed("submit_online_%s" % r, req("POST", "/api/v1/cases", submission(r, online, n, channel=ch)))
    it = items["qinghai"][0]
    seed("submit_idempotent",
         req("POST", "/api/v1/cases", submission("qinghai", it, 900), token="qinghai_window",
             headers={"Idempotency-Key": "k-900"}),
         req("POST", "/api/v1/cases", submission("qinghai", it, 900), token="qinghai_window",
             headers={"Idempotency-Key": "k-900"}))
    seed("submit_form", req("POST", "/api/v1/cases",
                            submission("qinghai", it, 901, form={"联系人": "张三", "金额": 12.5, "明细": [1, 2]}),
                            token="qinghai_window"))
    seed("submit_wrong_region", req("POST", "/api/v1/cases", submission("xining", items["xining"][0], 902),
                                    token="qinghai_window"))
    seed("submit_anonymous_window", req("POST", "/api/v1/cases", submission("qinghai", it, 903)))

    # Whole lifecycles, one per region, through every kind of step (pay included where there is one).
    for r in regions:
        with_pay = [i for i in items[r] if any(s["kind"] == "pay" for s in i["flow"]) and not i["acceptance_windows"]]
        plain = [i for i in items[r] if not i["acceptance_windows"]]
        for tag, it in (("pay", with_pay[0] if with_pay else None), ("plain", plain[-1] if plain else None)):
            if it:
                n += 1
                seed("lifecycle_%s_%s" % (r, tag), *lifecycle(r, it, n))

    # Every other action, each after a fresh submission in the same input.
    it = next(i for i in items["qinghai"] if not i["acceptance_windows"]
              and len({s["role"] for s in i["flow"] if s["kind"] == "review"}) >= 2)
    window = "qinghai_" + it["flow"][0]["role"]
    review_roles = [s["role"] for s in it["flow"] if s["kind"] == "review"]

    def fresh(k):
        body = submission("qinghai", it, k)
        return body, req("POST", "/api/v1/cases", body, token=window)

    def accept():
        return req("POST", "/api/v1/cases/{{CASE}}/accept", {"materials": all_materials(it)}, token=window)

    body, sub = fresh(950)
    id_no = body["applicant"]["id_no"]
    seed("action_return_supplement", sub,
         req("POST", "/api/v1/cases/{{CASE}}/return", {"comment": "材料不齐"}, token=window),
         req("GET", "/api/v1/progress?case_no={{CASE}}&id_no=%s" % id_no),
         req("POST", "/api/v1/cases/{{CASE}}/supplement",
             {"id_no": id_no, "query_code": "{{QUERY_CODE}}", "materials": all_materials(it)}))
    body, sub = fresh(951)
    seed("action_not_accept", sub, req("POST", "/api/v1/cases/{{CASE}}/not_accept", {"comment": "不属于受理范围"},
                                       token=window))
    body, sub = fresh(952)
    seed("action_send_back_reject", sub, accept(),
         req("POST", "/api/v1/cases/{{CASE}}/approve", {}, token="qinghai_" + review_roles[0]),
         req("POST", "/api/v1/cases/{{CASE}}/send_back", {"target_step": next(s["step"] for s in it["flow"] if s["kind"] == "review"), "comment": "退回"},
             token="qinghai_" + review_roles[1]),
         req("POST", "/api/v1/cases/{{CASE}}/reject", {"comment": "不予批准"}, token="qinghai_" + review_roles[0]))
    body, sub = fresh(953)
    seed("action_withdraw", sub, req("POST", "/api/v1/cases/{{CASE}}/withdraw",
                                     {"id_no": body["applicant"]["id_no"], "query_code": "{{QUERY_CODE}}"}))
    body, sub = fresh(954)
    seed("action_withdraw_wrong_id", sub, req("POST", "/api/v1/cases/{{CASE}}/withdraw",
                                              {"id_no": citizen_id(999, "19800101")}))
    paused = next((i for i in items["qinghai"] if i["uncounted_periods"] and not i["acceptance_windows"]), None)
    if paused:
        w = "qinghai_" + paused["flow"][0]["role"]
        period = paused["uncounted_periods"][0]["id"]
        seed("action_pause_resume", req("POST", "/api/v1/cases", submission("qinghai", paused, 955), token=w),
             req("POST", "/api/v1/cases/{{CASE}}/accept", {"materials": all_materials(paused)}, token=w),
             req("POST", "/api/v1/cases/{{CASE}}/pause", {"period": period}, token="qinghai_" + paused["flow"][1]["role"]),
             req("POST", "/api/v1/cases/{{CASE}}/resume", {}, token="qinghai_" + paused["flow"][1]["role"]),
             req("POST", "/api/v1/cases/{{CASE}}/pause", {"period": "no_such_period"},
                 token="qinghai_" + paused["flow"][1]["role"]))
    rated = [i for i in items["yunnan"] if not i["acceptance_windows"]][-1]
    lc = lifecycle("yunnan", rated, 956)
    sub_body = submission("yunnan", rated, 956)
    seed("action_rate_follow_up", *lc[:-1],
         req("POST", "/api/v1/cases/{{CASE}}/rate", {"id_no": sub_body["applicant"]["id_no"],
                                                    "query_code": "{{QUERY_CODE}}", "rating": "不满意",
                                                    "comment": "等候时间太长"}),
         req("POST", "/api/v1/cases/{{CASE}}/resolve_follow_up", {"comment": "已回访"},
             token="yunnan_supervisor"),
         req("GET", "/api/v1/cases?follow_up=open", token="yunnan_supervisor"))
    seed("action_wrong_role", fresh(957)[1], accept(),
         req("POST", "/api/v1/cases/{{CASE}}/pay", {"amount_fen": 1}, token="qinghai_finance"))
    seed("action_unknown", fresh(958)[1], req("POST", "/api/v1/cases/{{CASE}}/fly", {}, token=window))
    seed("action_anonymous", fresh(959)[1], req("POST", "/api/v1/cases/{{CASE}}/accept", {}))

    # Lists, one case, progress.
    seed("list_all", req("GET", "/api/v1/cases", token="qinghai_window"))
    seed("list_filters", req("GET", "/api/v1/cases?region=qinghai&item=%s&status=accepted&step=%s&deadline=due_soon"
                                    "&follow_up=open&limit=10&offset=0" % (it["code"], it["steps"][1]),
                             token="qinghai_window"))
    seed("list_bad_limit", req("GET", "/api/v1/cases?limit=10abc", token="qinghai_window"))
    seed("list_anonymous", req("GET", "/api/v1/cases"))
    body, sub = fresh(960)
    seed("get_case_and_progress", sub, req("GET", "/api/v1/cases/{{CASE}}", token=window),
         req("GET", "/api/v1/cases/{{CASE}}", token="xining_window"),
         req("GET", "/api/v1/progress?case_no={{CASE}}&id_no=%s&query_code={{QUERY_CODE}}" % body["applicant"]["id_no"]),
         req("GET", "/api/v1/progress?case_no={{CASE}}&id_no=%s" % credit_code(999999)))
    seed("progress_unknown", req("GET", "/api/v1/progress?case_no=Q000&id_no=630102199001010011"))

    # The inputs that killed the server (issue 5 §1, §2).
    seed("known_utf8_root", req("GET", "/%FF"))
    seed("known_utf8_region", req("GET", "/api/v1/regions/%FF/items"))
    seed("known_utf8_progress", req("GET", "/api/v1/progress?case_no=%FF&id_no=1"))
    seed("known_utf8_action", req("POST", "/api/v1/cases/x/%FF", {}, token="qinghai_window"))
    seed("known_utf8_case_withdraw", req("POST", "/api/v1/cases/%FF/withdraw", {"id_no": "1"}))
    deep = ('{"region":"qinghai","item_code":"%s","channel":"%s","applicant":{"kind":"person",'
            '"id_no":"%s","name":"x"},"form":' % (it["code"], it["channels"][-1], citizen_id(961))
            + '{"a":' * 100000 + "1" + "}" * 100000 + "}")
    seed("known_deep_form", req("POST", "/api/v1/cases", raw=deep.encode()))
    pay_item = next(i for i in items["xining"] if i["code"] == "630100990001") if any(
        i["code"] == "630100990001" for i in items["xining"]) else None
    if pay_item:
        lc = lifecycle("xining", pay_item, 962)
        pays = [i for i, s in enumerate(pay_item["flow"][1:], start=2) if s["kind"] == "pay"]
        k = pays[0] if pays else 2
        huge = req("POST", "/api/v1/cases/{{CASE}}/pay", {"amount_fen": 9223372036854775807},
                   token="xining_" + pay_item["flow"][k - 1]["role"], headers={"Idempotency-Key": "huge-1"})
        huge2 = req("POST", "/api/v1/cases/{{CASE}}/pay", {"amount_fen": 9223372036854775807},
                    token="xining_" + pay_item["flow"][k - 1]["role"], headers={"Idempotency-Key": "huge-2"})
        seed("known_huge_amount", *lc[:k], huge, huge2)
    print("wrote %d seeds to %s" % (len(written), CORPUS))


if __name__ == "__main__":
    main()
