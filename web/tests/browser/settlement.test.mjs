// Monthly settlement in real headless Chromium against the real `jingban serve --demo`: the
// institution uploads its month's fee lines on the portal (/settlement) and sees the report
// (accepted, rejected by reason, the case number and query code); staff review through the API;
// the institution opens the 基金拨付单 with its query code and confirms it (对账); finance sees the
// month's 结算确认汇总表 and the settlement in the workbench. Screenshots in web/test-output/.
// Environment: JINGBAN_BIN (default ../build/jingban), CHROMIUM (default /usr/bin/chromium).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { citizenId, root, shots, useServerAndBrowser } from "./harness.mjs";

const FAKE_NOW = "2026-03-03T10:00:00"; // a Tuesday
const R = "qinghai";
const H = "H63000000001";
const HEADER = "line_no,id_no,visit_date,code,name,class,quantity,unit_price_fen,amount_fen\n";

const env = useServerAndBrowser("settlement", { fakeNow: FAKE_NOW });

async function call(method, path, body, token, headers = {}, raw) {
  const h = { "Content-Type": raw === undefined ? "application/json" : "text/csv", ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  const r = await fetch(env.base + path, { method, headers: h, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}
const tokens = new Map();
async function signIn(username) {
  if (!tokens.has(username)) {
    const r = await call("POST", "/api/v1/session", { username, password: "jingban-demo" });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    tokens.set(username, r.body.token);
  }
  return tokens.get(username);
}
async function act(caseNo, action, user, body = {}) {
  const r = await call("POST", `/api/v1/cases/${caseNo}/${action}`, body, await signIn(user));
  assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
  return r.body;
}

// A 甲 drug of the shipped example catalogue.
function drugA() {
  const rows = readFileSync(join(root, "catalog", "fee_catalogue", `${R}.csv`), "utf8").split("\n");
  const row = rows.find((l) => /^[^#].*,药品,甲,\d+$/.test(l) && Number(l.split(",")[4]) >= 100);
  return row.split(",")[0];
}

test("portal upload and 对账, workbench 结算确认汇总表", async () => {
  const code = drugA();
  const person = citizenId(7);
  // The institution's credit code, as its register entry holds it (the designation's route).
  const inst = await call("GET", `/api/v1/regions/${R}/institutions/${H}`, undefined, await signIn(`${R}_supervisor`));
  assert.equal(inst.status, 200, JSON.stringify(inst.body));
  const credit = inst.body.credit_code;

  const context = await env.browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${env.base}/settlement`);
  await page.getByLabel("统筹区").first().selectOption(R);
  await page.getByLabel("定点医药机构编码").first().fill(H);
  await page.getByLabel("统一社会信用代码").first().fill(credit);
  await page.getByLabel("结算月份").first().fill("2026-02");
  const csv = HEADER + `1,${person},2026-02-03,${code},药,甲,2,100,200\n` + `2,${person},2026-02-04,NOSUCHCODE,药,甲,1,100,100\n` + `3,${person},2026-02-05,${code},药,甲,1,100,100\n`;
  await page.getByLabel("费用明细文件（CSV 或 JSON 行）").setInputFiles({ name: "2026-02.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "上传" }).click();
  await page.getByText("已提交结算申请：通过 2 行，退回 1 行。").waitFor();
  await page.getByRole("cell", { name: "目录外编码" }).first().waitFor();
  const caseNo = (await page.locator("#stl-case-no").textContent()).trim();
  const query = (await page.locator("#stl-query-code").textContent()).trim();
  assert.ok(caseNo && query);
  await page.screenshot({ path: join(shots, "settlement-upload.png"), fullPage: true });

  // 受理, 初审, 复审 by the agency (API): the 基金拨付单 is made.
  await act(caseNo, "accept", `${R}_window`, { materials: { settlement_per_agreement: "provided" } });
  await act(caseNo, "approve", `${R}_reviewer`);
  await act(caseNo, "approve", `${R}_senior_reviewer`);

  // 对账 on the portal.
  const confirm = page.getByRole("form", { name: "对账确认" });
  await confirm.getByLabel("统筹区").selectOption(R);
  await confirm.getByLabel("定点医药机构编码").fill(H);
  await confirm.getByLabel("结算月份").fill("2026-02");
  await confirm.getByLabel("统一社会信用代码").fill(credit);
  await confirm.getByLabel("查询码").fill(query);
  await confirm.getByRole("button", { name: "查看基金拨付单" }).click();
  await page.getByRole("heading", { name: "基金拨付单", exact: true }).waitFor();
  await page.getByText("3.00 元").first().waitFor(); // 300 fen of 甲: the fund pays it all
  await page.getByRole("button", { name: "金额无误，确认对账" }).click();
  await page.getByText("已确认对账").waitFor();
  await page.getByText("已对账").first().waitFor();
  await page.screenshot({ path: join(shots, "settlement-confirmed.png"), fullPage: true });

  // 拨付 by finance (API), then the workbench summary.
  await act(caseNo, "pay", `${R}_finance`, { amount_fen: 300 });
  const wb = await context.newPage();
  wb.on("pageerror", (e) => errors.push(String(e)));
  await wb.goto(`${env.base}/staff/settlements?month=2026-02`);
  await wb.getByLabel("用户名").fill(`${R}_finance`);
  await wb.getByLabel("密码").fill("jingban-demo");
  await wb.getByLabel("密码").press("Enter");
  await wb.getByRole("heading", { name: "结算确认汇总表 · 2026-02" }).waitFor();
  await wb.getByRole("link", { name: H }).first().waitFor();
  await wb.getByRole("cell", { name: "已拨付" }).first().waitFor();
  await wb.screenshot({ path: join(shots, "settlement-summary.png"), fullPage: true });
  await wb.getByRole("link", { name: H }).first().click();
  await wb.getByRole("heading", { name: "基金拨付单" }).waitFor();
  await wb.getByText("按甲乙丙类别").waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});
