"""Alternative flows of one item (issue 6 §4, "One item, several paths"), through the real binary
and HTTP on a real database file: a case follows the path its channel or declared situation
chooses at 申请, keeps it (flow_id) and is driven along it to 办结 — Qinghai's 网上查询 (附件4-11),
the 个人账户一次性支取 paths of 附件4-13 (through the unit's account, or to the heir directly:
each pays its own payee), and Yunnan's 统筹区内医保关系转接 (no review at all)."""
import itertools
import os
import tempfile
import unittest

from jingban_client import Registers, Server, citizen_id

FAKE_NOW = "2026-03-10T10:00:00"  # a Tuesday


class AltFlowsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.srv = Server(os.path.join(cls.tmp.name, "jingban.db"), FAKE_NOW).start()
        cls.items = {}
        for region in ("qinghai", "yunnan"):
            st, items = cls.srv.request("GET", "/api/v1/regions/%s/items" % region)
            assert st == 200, items
            cls.items[region] = items
        cls.regs = Registers(cls.srv, cls.items, itertools.count(7100))

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def item(self, region, code):
        return next(i for i in self.items[region] if i["code"] == code)

    def submit(self, region, code, applicant, channel, conditions=(), form=None):
        body = {"region": region, "item_code": code, "channel": channel, "applicant": applicant,
                "materials": {}, "conditions": list(conditions), "form": form or {}}
        st, case = self.srv.request("POST", "/api/v1/cases", body, token=self.srv.token(region + "_window"))
        self.assertEqual(st, 201, case)
        return case

    def view(self, region, case_no):
        st, c = self.srv.request("GET", "/api/v1/cases/" + case_no, token=self.srv.token(region + "_window"))
        self.assertEqual(st, 200, c)
        return c

    def act(self, region, case_no, action, role, **body):
        st, out = self.srv.request("POST", "/api/v1/cases/%s/%s" % (case_no, action), body,
                                   token=self.srv.token("%s_%s" % (region, role)))
        self.assertEqual(st, 200, out)
        return out

    def steps_walked(self, region, case_no):
        """The step names of the case's events after 申请, in order (what the case went through)."""
        c = self.view(region, case_no)
        return [e["step"] for e in c["events"] if e["step"] != "申请"]

    def test_online_query_follows_the_online_path(self):
        item = self.item("qinghai", "002036002001")
        online = next(f for f in item["flows"] if f["id"] == "online")
        self.assertEqual([s["text"] for s in online["flow"]], ["通过参保单位网上申报端即时查询", "告知查询结果"])
        self.assertEqual(item["flow"][0]["text"], "参保单位经办人员携带办理材料到经办机构服务窗口现场查询")
        code = self.regs.unit("qinghai")
        unit = {"kind": "unit", "id_no": code, "name": "登记单位"}
        on_site = self.submit("qinghai", item["code"], unit, "窗口")
        by_net = self.submit("qinghai", item["code"], unit, "网上")
        self.assertEqual(self.view("qinghai", on_site["case_no"])["flow_id"], "")
        self.assertEqual(self.view("qinghai", by_net["case_no"])["flow_id"], "online")
        out = self.act("qinghai", by_net["case_no"], "accept", "window",
                       materials={m["id"]: "provided" for m in item["materials"]})
        self.assertEqual(out["step"]["name"], "办结")
        out = self.act("qinghai", by_net["case_no"], "complete", "window")
        self.assertEqual(out["status"], "completed")
        self.assertEqual(out["flow_id"], "online")
        # The 办事指南 introduces both paths by name.
        st, html = self.srv.request("GET", "/api/v1/regions/qinghai/items/002036002001/guide")
        self.assertEqual(st, 200)
        self.assertIn("现场查询：", html)
        self.assertIn("网上查询：", html)
        self.assertIn("通过参保单位网上申报端即时查询", html)

    def withdraw(self, path, form):
        """An employee with a credited account; a 一次性支取 on `path` driven to 办结: (case, payment)."""
        _, person = self.regs.employee("qinghai")
        item = self.item("qinghai", "002036002003")
        case = self.submit("qinghai", item["code"], person, "窗口", conditions=[path, "death"],
                           form=dict(form, reason="死亡"))
        out = self.regs.drive("qinghai", item, case["case_no"])
        self.assertEqual(out["status"], "completed", out)
        st, pays = self.srv.request("GET", "/api/v1/regions/qinghai/payments?month=2026-03",
                                    token=self.srv.token("qinghai_finance"))
        self.assertEqual(st, 200, pays)
        mine = [p for p in pays["payments"] if p["case_no"] == case["case_no"]]
        self.assertEqual(len(mine), 1, mine)
        return self.view("qinghai", case["case_no"]), mine[0]

    def test_withdrawal_through_the_unit_or_to_the_heir(self):
        item = self.item("qinghai", "002036002003")
        texts = {f["id"]: [s["text"] for s in f["flow"]] for f in item["flows"]}
        # Through the unit's account (附件4-13 单位一次性支取).
        case, pay = self.withdraw("unit_path", {})
        self.assertEqual(case["flow_id"], "unit_withdrawal")
        self.assertEqual(self.steps_walked("qinghai", case["case_no"]), ["受理", "初审", "拨付", "办结"])
        self.assertEqual(pay["payee_kind"], "unit")
        self.assertIn("先将个人账户资金转至单位账户", texts["unit_withdrawal"][2])
        # To the heir directly (个人一次性支取).
        case, pay = self.withdraw("personal_path", {"heir_name": "继承人甲", "payee_account": "6222000011112222"})
        self.assertEqual(case["flow_id"], "personal_withdrawal")
        self.assertEqual(pay["payee_kind"], "heir")
        self.assertEqual(texts["personal_withdrawal"][2], "经办机构服务窗口工作人员办理转款")

    def test_transfer_within_the_area_has_no_review(self):
        item = self.item("yunnan", "002036003002")
        # The demo's 示例人员01, an employee insured in Yunnan (cli/demo.hpp: area 530099, born
        # 1968-06-08, sequence 901): a transfer within the area needs the person enrolled here.
        app = {"kind": "person", "id_no": citizen_id(901, "19680608", "530099"), "name": "示例人员01",
               "phone": "13800000000"}
        within = self.submit("yunnan", item["code"], app, "窗口", conditions=["within_area"])
        self.assertEqual(self.view("yunnan", within["case_no"])["flow_id"], "within_area")
        out = self.act("yunnan", within["case_no"], "accept", "window",
                       materials={m["id"]: "provided" for m in item["materials"]})
        self.assertEqual(out["step"]["name"], "办结")  # 停保 → 续保, no inter-agency document
        out = self.act("yunnan", within["case_no"], "complete", "window")
        self.assertEqual(out["status"], "completed")
        # 跨统筹区转出 starts with the 参保凭证 this agency issues.
        out_case = self.submit("yunnan", item["code"], dict(app, id_no=citizen_id(102, area="530102")), "窗口",
                               conditions=["transfer_out"])
        self.assertEqual(self.view("yunnan", out_case["case_no"])["flow_id"], "transfer_out")
        # Its 受理 waits for the 转入地's 联系函 (test_transfers.py runs the whole chain).
        st, err = self.srv.request("POST", "/api/v1/cases/%s/accept" % out_case["case_no"],
                                   {"materials": {m["id"]: "provided" for m in item["materials"]}},
                                   token=self.srv.token("yunnan_window"))
        self.assertEqual((st, err["error"]["code"]), (422, "no_contact_letter"), err)
        self.assertEqual(self.view("yunnan", out_case["case_no"])["status"], "submitted")


if __name__ == "__main__":
    unittest.main()
