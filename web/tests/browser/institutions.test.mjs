// 定点医药机构 end to end in real headless Chromium against `jingban serve --demo --fake-now
// 2026-03-10T10:00:00`, in Qingdao (受理 → 评估 → 办结, 3 calendar months): a hospital applies
// online in the portal → the clerk returns it with a one-time notice (一次性告知) → the applicant
// supplements → 受理 on the case page → the evaluation passes on the case page → 办结 (the
// agreement) → the workbench's institutions page lists it with its code (after the demo's
// H37020000001), its page shows the agreement and history, and the portal shows the institution
// its code. Then another hospital's evaluation fails on the case page, and its new application is
// refused at 受理 with the date it may re-apply (shown on the case page and in the portal). Last,
// a 复审 staff member suspends the demo pharmacy from a date on its page (the status change form),
// then restores it: the status changes table shows both with who and why; a window clerk sees the
// table but no form. Every page is checked with axe-core (no serious or critical violation).
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertAxeClean, creditCode, staffSignIn, useServerAndBrowser } from "./harness.mjs";

const R = "qingdao";
const HOSPITAL = "002036009001";
const DESKTOP = { width: 1366, height: 768 };

const env = useServerAndBrowser("institutions");

async function call(method, path, body, token) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(env.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}
async function token(username) {
  const r = await call("POST", "/api/v1/session", { username, password: "jingban-demo" });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.token;
}

const axe = assertAxeClean;

const staffPage = (username) => staffSignIn(env.browser, env.base, username, DESKTOP);
async function openCase(page, no) {
  await page.goto(`${env.base}/staff/cases/${no}`);
  await page.locator("h1", { hasText: no }).waitFor();
}
async function act(page, action, fill) {
  const form = page.locator(`form[data-action="${action}"]`);
  if (!(await form.isVisible())) await page.locator(`#act-${action} summary`).click();
  if (fill) await fill(form);
  await form.getByRole("button", { name: /^确认/ }).click();
  return form;
}
async function flash(page, text) {
  await page.locator(".wb-flash", { hasText: text }).waitFor();
}
async function applyInPortal(name, id_no) {
  const context = await env.browser.newContext({ viewport: DESKTOP, locale: "zh-CN" });
  const portal = await context.newPage();
  await portal.goto(`${env.base}/r/${R}/items/${HOSPITAL}/apply`);
  await portal.locator('input[name="applicant-name"]').fill(name);
  await portal.locator('input[name="applicant-id"]').fill(id_no);
  await portal.locator('input[name="applicant-phone"]').fill("13800000000");
  await portal.getByRole("button", { name: "提交申请" }).click();
  const no = (await portal.locator(".case-no").innerText()).trim();
  const query_code = (await portal.locator(".query-code").innerText()).trim();
  return { portal, no, query_code };
}

test("apply → 一次性告知 → supplement → 受理 → 评估 → 办结 → designated with its code", async () => {
  const id_no = creditCode(8101);
  const { portal, no, query_code } = await applyInPortal("青岛示例医院甲", id_no);

  // 一次性告知 at 受理 (the material list as the clerk marks it), then the applicant's supplement.
  const item = await (await fetch(`${env.base}/api/v1/regions/${R}/items/${HOSPITAL}`)).json();
  const materials = Object.fromEntries(item.materials.map((m) => [m.id, "provided"]));
  materials.fund_forecast = "missing";
  const window = await token(`${R}_window`);
  let r = await call("POST", `/api/v1/cases/${no}/return`, { materials, comment: "缺少预测性分析报告" }, window);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await call("POST", `/api/v1/cases/${no}/supplement`, { id_no, query_code, materials: { fund_forecast: "provided" } });
  assert.equal(r.status, 200, JSON.stringify(r.body));

  // Before 办结 the portal says it is not designated yet.
  await portal.goto(`${env.base}/institution?case_no=${no}&id_no=${id_no}&query_code=${query_code}`);
  await portal.locator(".inst-result", { hasText: "尚未纳入定点" }).waitFor();
  await axe(portal, "portal institution (pending)");

  const clerk = await staffPage(`${R}_window`);
  await openCase(clerk, no);
  // The one-time notice's deadline (5 working days from the application), answered by the return.
  const limits = await clerk.locator('section[aria-labelledby="dl-h"]').innerText();
  assert.match(limits, /一次性告知期限\s*\d{4}-\d{2}-\d{2}/);
  assert.match(limits, /已告知或受理/);
  await act(clerk, "accept");
  await flash(clerk, "已受理");
  const evaluator = await staffPage(`${R}_evaluator`);
  await openCase(evaluator, no);
  await act(evaluator, "approve", (f) => f.getByLabel("说明").fill("书面及现场评估合格"));
  await flash(evaluator, "已审核通过");
  await openCase(clerk, no);
  await act(clerk, "complete");
  await flash(clerk, "已办结");

  // The workbench's institutions page, reached from the menu: the demo's H37020000001, then ours.
  await clerk.getByRole("navigation", { name: "工作台菜单" }).getByRole("link", { name: "定点医药机构" }).click();
  await clerk.getByRole("heading", { level: 1, name: "定点医药机构" }).waitFor();
  const rows = clerk.locator("table.institutions tbody tr");
  const text = await clerk.locator("table.institutions").innerText();
  assert.match(text, /H37020000001/);
  assert.match(text, /H37020000002/);
  assert.match(text, /青岛示例医院甲/);
  assert.ok((await rows.count()) >= 3, "the demo's hospital and pharmacy and ours");
  await axe(clerk, "institutions list");
  // Filter: pharmacies only.
  await clerk.getByLabel("类别").selectOption("零售药店");
  await clerk.getByRole("button", { name: "筛选" }).click();
  await clerk.waitForURL(/category=/);
  // The unfiltered table also holds P37020000001: wait for the filtered one (the demo's one
  // pharmacy), not for a row that was already there.
  await clerk.waitForFunction(() => document.querySelectorAll("table.institutions tbody tr").length === 1);
  const filtered = await clerk.locator("table.institutions").innerText();
  assert.match(filtered, /P37020000001/);
  assert.doesNotMatch(filtered, /H37020000002/);

  // One institution: the agreement and the history, linked to the case.
  await clerk.goto(`${env.base}/staff/institutions/H37020000002`);
  await clerk.locator("h1", { hasText: "青岛示例医院甲" }).waitFor();
  const main = await clerk.locator("main").innerText();
  assert.match(main, /XY-H37020000002-2026/);
  assert.match(main, /2026-03-10 至 未定终止日期/);
  assert.match(main, /定点/);
  assert.ok((await clerk.locator("table.history a", { hasText: no }).count()) >= 1, "the history names the case");
  await axe(clerk, "institution");

  // The portal shows the applicant institution its code.
  await portal.goto(`${env.base}/institution?case_no=${no}&id_no=${id_no}&query_code=${query_code}`);
  await portal.locator(".inst-code", { hasText: "H37020000002" }).waitFor();
  assert.match(await portal.locator(".inst-result").innerText(), /已纳入定点/);
  await axe(portal, "portal institution (designated)");
});

test("a failed evaluation, then the new application refused at 受理 with the date", async () => {
  const id_no = creditCode(8102);
  const first = await call("POST", "/api/v1/cases", { region: R, item_code: HOSPITAL, channel: "网上", applicant: { kind: "institution", id_no, name: "青岛示例医院乙", phone: "13800000000" } });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  const clerk = await staffPage(`${R}_window`);
  await openCase(clerk, first.body.case_no);
  await act(clerk, "accept");
  await flash(clerk, "已受理");
  const evaluator = await staffPage(`${R}_evaluator`);
  await openCase(evaluator, first.body.case_no);
  await act(evaluator, "reject", (f) => f.getByLabel("理由").fill("信息系统不满足联网结算要求"));
  await flash(evaluator, "审核不通过");

  // The workbench's 评估结论 page: the failure and the date it may apply again.
  await clerk.goto(`${env.base}/staff/institutions`);
  await clerk.getByLabel("统一社会信用代码").fill(id_no);
  await clerk.getByRole("button", { name: "查看评估结论" }).click();
  await clerk.locator("h1", { hasText: "青岛示例医院乙" }).waitFor();
  const page = await clerk.locator("main").innerText();
  assert.match(page, /不合格/);
  assert.match(page, /信息系统不满足联网结算要求/);
  assert.match(page, /2026-06-10 起/);
  await axe(clerk, "institution application");

  // Applying again: refused at 受理, the clerk reads the date on the case page.
  const again = await call("POST", "/api/v1/cases", { region: R, item_code: HOSPITAL, channel: "网上", applicant: { kind: "institution", id_no, name: "青岛示例医院乙", phone: "13800000000" } });
  assert.equal(again.status, 201, JSON.stringify(again.body));
  await openCase(clerk, again.body.case_no);
  const form = await act(clerk, "accept");
  await form.locator(".alert", { hasText: "2026-06-10" }).waitFor();
  assert.match(await form.locator(".alert").innerText(), /评估不合格.*整改3个月/);

  // The portal tells the institution the same date.
  const ctx = await env.browser.newContext({ viewport: DESKTOP, locale: "zh-CN" });
  const portal = await ctx.newPage();
  await portal.goto(`${env.base}/institution?case_no=${first.body.case_no}&id_no=${id_no}&query_code=${first.body.query_code}`);
  await portal.locator(".inst-reapply", { hasText: "2026-06-10" }).waitFor();
});

test("a 复审 staff member suspends and restores an institution on its page", async () => {
  const PHARMACY = "P37020000001";
  const lead = await staffPage(`${R}_senior_reviewer`);
  await lead.goto(`${env.base}/staff/institutions/${PHARMACY}`);
  await lead.getByRole("heading", { level: 2, name: "定点状态变更" }).waitFor();
  assert.match(await lead.locator('section[aria-labelledby="st-h"]').innerText(), /自定点以来状态未变更/);
  await axe(lead, "institution with the status form");

  const form = lead.locator("form.inst-status-form");
  // A refusal is shown in the form, in the server's words: a date after today.
  await form.getByLabel("变更为").selectOption("暂停");
  await form.getByLabel("生效日期").fill("2026-03-11");
  await form.getByLabel("原因").fill("药品购销存记录不符，暂停定点");
  await form.getByRole("button", { name: "登记状态变更" }).click();
  await form.locator(".alert", { hasText: "不能晚于今天" }).waitFor();
  await axe(lead, "status form with a refusal");

  await form.getByLabel("生效日期").fill("2026-03-09");
  await form.getByRole("button", { name: "登记状态变更" }).click();
  await lead.locator(".wb-flash", { hasText: "自 2026-03-09 起定点状态为“暂停”" }).waitFor();
  assert.equal(await lead.locator("[data-status]").innerText(), "暂停");
  const changes = lead.locator("table.status-changes tbody tr");
  assert.equal(await changes.count(), 1);
  const row = await changes.first().innerText();
  assert.match(row, /2026-03-09/);
  assert.match(row, /定点\s*→\s*暂停/);
  assert.match(row, /药品购销存记录不符/);
  assert.match(row, new RegExp(`${R}_senior_reviewer`));
  assert.match(await lead.locator("table.history").innerText(), /定点状态变更/);
  await axe(lead, "institution suspended");

  // Restored: the form now offers 恢复定点 and 解除协议 only.
  const restore = lead.locator("form.inst-status-form");
  const options = await restore.locator("#st-status option").allInnerTexts();
  assert.deepEqual(options, ["恢复定点（定点）", "解除协议（解除）"]);
  await restore.getByLabel("变更为").selectOption("定点");
  await restore.getByLabel("生效日期").fill("2026-03-10");
  await restore.getByLabel("原因").fill("整改完成");
  await restore.getByRole("button", { name: "登记状态变更" }).click();
  await lead.locator(".wb-flash", { hasText: "“定点”" }).waitFor();
  assert.equal(await changes.count(), 2);

  // A window clerk reads the changes but records none.
  const clerk = await staffPage(`${R}_window`);
  await clerk.goto(`${env.base}/staff/institutions/${PHARMACY}`);
  await clerk.locator("table.status-changes").waitFor();
  assert.equal(await clerk.locator("form.inst-status-form").count(), 0);
  assert.match(await clerk.locator('section[aria-labelledby="st-h"]').innerText(), /复审人员/);
  await axe(clerk, "institution (clerk)");
});
