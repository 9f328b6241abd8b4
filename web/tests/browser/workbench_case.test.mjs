// The staff workbench end to end in real headless Chromium (Debian's `chromium` through
// playwright-core) against the real `jingban serve --demo --fake-now 2026-03-10T10:00:00`:
// an insured person applies online in the portal for a remote-care filing → the window clerk accepts on the case page (and
// prints the 受理通知书) → 初审 by one user → the same user is refused at 复审 (four eyes) → 复审
// by another → 办结 → the applicant sees 已办结 on the progress page and rates;
// a return with a one-time notice, the applicant's online supplement, then 受理; window intake
// (受理 of a reimbursement with its 结算单 and the pay amount prefilled from it; 一次性告知 of
// another); search by name and number with paging over the server's total; the register pages
// (person, account, unit, payments with the XLSX export). Every workbench page is checked with
// axe-core (no serious or critical violation) and has no horizontal scroll at phone width;
// screenshots at 1366×768 and 390×844 go to web/test-output/.
// Environment: JINGBAN_BIN (default ../build/jingban), CHROMIUM (default /usr/bin/chromium),
// JINGBAN_WEB_DIST (default web/dist).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { citizenId, creditCode, shots, web, useServerAndBrowser } from "./harness.mjs";

const axeSource = join(web, "node_modules", "axe-core", "axe.min.js");
const R = "qinghai";
const SETTLEMENT = "002036010001"; // 定点医疗机构费用结算: online (the upload of fee lines is its application)
const FILING = "002036004002"; // 异地长期居住人员备案: online; 受理 → 初审 → 复审 → 办结
const REIMBURSE = "002036006001"; // 零星报销: window only; 受理 → 审核 (结算单) → 拨付 → 办结
const RESIDENT = "630099194510089090"; // 示例人员09, 城乡居民 (demo register)
const EMPLOYEE = "630099196806089013"; // 示例人员01, 职工 of 示例单位01 with an account
const UNIT = "91630099DEM000001B"; // 示例单位01
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

const env = useServerAndBrowser("workbench-case");
const visited = new Map(); // screenshot name → path, for the phone-width pass
const notes = [];

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
// The demo register's 示例人员n (cli/demo.hpp): an insured employee of Qinghai for n ≤ 8.
function demoPerson(n) {
  const y = 1968 + 3 * (n - 1), m = 1 + ((n * 5) % 12), d = 1 + ((n * 7) % 28);
  const birth = `${y}${String(m).padStart(2, "0")}${String(d).padStart(2, "0")}`;
  return { id_no: citizenId(900 + n, birth, "630099"), name: `示例人员${String(n).padStart(2, "0")}` };
}
// A long-term remote-care filing of 示例人员n, applied online (no materials marked).
async function applyFiling(n) {
  const p = demoPerson(n);
  const r = await call("POST", "/api/v1/cases", {
    region: R, item_code: FILING, applicant: { kind: "person", ...p, phone: "13800000000" },
    form: { destination: "海南省三亚市", scope: "省外", start_date: "2026-03-10" },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { ...r.body, id_no: p.id_no };
}
async function applyOnline(seq, name) {
  const id_no = creditCode(seq);
  const r = await call("POST", "/api/v1/cases", { region: R, item_code: SETTLEMENT, applicant: { kind: "institution", id_no, name, phone: "09718000000" } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { ...r.body, id_no };
}

after(() => {
  for (const n of notes) console.log(`# note: ${n}`);
});

// axe-core in the page: no serious or critical violation.
async function axe(page, what) {
  // The page's CSP (default-src 'self') refuses an inline <script>; evaluate runs it regardless.
  await page.evaluate(readFileSync(axeSource, "utf8"));
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  });
  assert.deepEqual(found, [], `${what}: axe`);
}
async function noHorizontalScroll(page, what) {
  const { sw, cw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }));
  assert.ok(sw <= cw, `${what}: page is ${sw}px wide in a ${cw}px viewport`);
}
// A workbench page as it stands: axe, then the desktop screenshot; remembered for the phone pass.
async function check(page, name) {
  await axe(page, name);
  await noHorizontalScroll(page, name);
  await page.screenshot({ path: join(shots, `desktop-wb-${name}.png`), fullPage: true });
  visited.set(name, new URL(page.url()).pathname + new URL(page.url()).search);
}

async function staffPage(username, viewport = DESKTOP) {
  const context = await env.browser.newContext({ viewport, locale: "zh-CN", acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(env.base + "/staff");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill("jingban-demo");
  await page.getByLabel("密码").press("Enter");
  // Exactly the queue page's heading: the sign-in form's own heading (经办工作台 · 登录) also
  // contains the words, and going on before the sign-in has answered lands on the sign-in form.
  await page.getByRole("heading", { level: 1, name: "经办工作台", exact: true }).waitFor();
  page.errors = errors;
  return page;
}
async function openCase(page, no) {
  await page.goto(`${env.base}/staff/cases/${no}`);
  await page.locator("h1", { hasText: no }).waitFor();
}
// One action through its form on the case page; `fill` fills the form's fields first.
async function act(page, action, fill) {
  const form = page.locator(`form[data-action="${action}"]`);
  if (!(await form.isVisible())) await page.locator(`#act-${action} summary`).click();
  if (fill) await fill(form);
  await form.getByRole("button", { name: /^确认/ }).click();
}
async function flash(page, text) {
  await page.locator(".wb-flash", { hasText: text }).waitFor();
}
// A notice button: the page fetches the PDF with the token and opens it in a new tab from a blob
// URL. The page's CSP (connect-src via default-src 'self') lets no script read a blob: URL, and
// the protocol's response body of a fetch read as a blob comes back empty, so the answer the page
// gets is passed through a route that keeps its bytes; the tab must show a blob.
const NOTICE = /^\/api\/v1\/cases\/[^/]+\/notices\/[a-z_]+\.pdf$/;
async function pdfFrom(page, button) {
  let got = null;
  const through = async (route) => {
    const r = await route.fetch();
    got = { status: r.status(), type: r.headers()["content-type"] ?? "", bytes: await r.body(), auth: !!route.request().headers().authorization, url: route.request().url() };
    await route.fulfill({ response: r });
  };
  const match = (u) => NOTICE.test(u.pathname);
  await page.route(match, through);
  try {
    const [popup] = await Promise.all([page.context().waitForEvent("page"), button.click()]);
    await popup.waitForURL(/^blob:/);
    await popup.close();
  } finally {
    await page.unroute(match, through);
  }
  assert.ok(got, "the page fetched no notice");
  assert.ok(got.auth, "the notice is fetched with the token");
  assert.equal(got.status, 200);
  assert.match(got.type, /^application\/pdf/);
  // The notice names its case: the text poppler reads from the PDF holds the case number.
  const caseNo = decodeURIComponent(/\/cases\/([^/]+)\/notices\//.exec(new URL(got.url).pathname)[1]);
  const text = execFileSync("pdftotext", ["-", "-"], { input: got.bytes, encoding: "utf8" });
  assert.ok(text.includes(caseNo), `the notice PDF names ${caseNo}`);
  return got.bytes.subarray(0, 5).toString("latin1");
}

const cases = {};

// 拨付 is in the window-intake test below (a reimbursement: 受理 → 审核 → 拨付 → 办结): the one
// online item with 初审, 复审 and 拨付 in Qinghai is the monthly settlement, whose application is
// the institution's upload of its fee lines (browser_settlement).
test("lifecycle: apply online → 受理 → 初审 → 复审 (four eyes) → 办结 → 已办结 and rating", async () => {
  // The applicant applies in the portal: 示例人员02, an insured employee, files a long-term stay.
  const context = await env.browser.newContext({ viewport: DESKTOP, locale: "zh-CN" });
  const portal = await context.newPage();
  await portal.goto(`${env.base}/r/${R}/items/${FILING}/apply`);
  const { id_no, name: applicantName } = demoPerson(2);
  await portal.locator("#applicant-kind").selectOption("person");
  await portal.locator('input[name="applicant-name"]').fill(applicantName);
  await portal.locator('input[name="applicant-id"]').fill(id_no);
  await portal.locator('input[name="applicant-phone"]').fill("13800000000");
  const permit = portal.locator("fieldset.material", { hasText: "居住证" }).first();
  if (await permit.count()) await permit.getByLabel("以个人承诺书代替（承诺制）").check();
  await portal.getByLabel("就医地（省、市）").fill("海南省三亚市");
  await portal.getByLabel("备案开始日期（变更、取消备案为生效日期）").fill("2026-03-10");
  await portal.getByRole("button", { name: "提交申请" }).click();
  const no = (await portal.locator(".case-no").innerText()).trim();
  const query_code = (await portal.locator(".query-code").innerText()).trim();
  cases.life = { no, id_no, query_code };
  // The applicant uploads a material's file (as the receipt page offers): the clerk sees it.
  const item = await (await fetch(`${env.base}/api/v1/regions/${R}/items/${FILING}`)).json();
  const up = await fetch(`${env.base}/api/v1/cases/${encodeURIComponent(no)}/materials/${item.materials[0].id}/files`, {
    method: "POST",
    headers: { "Content-Type": "application/pdf", "X-Id-No": id_no, "X-Query-Code": query_code, "X-File-Name": encodeURIComponent("发票.pdf") },
    body: Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
  });
  assert.equal(up.status, 201, await up.text());

  // The window clerk: the case is in the 受理 queue and opens from it.
  const clerk = await staffPage(`${R}_window`);
  const rowLink = clerk.locator(`tr[data-case="${no}"] a`);
  await rowLink.click();
  await clerk.locator("h1", { hasText: no }).waitFor();
  assert.match(await clerk.locator("main").innerText(), new RegExp(applicantName));
  assert.ok(!(await clerk.locator("main").innerText()).includes(id_no), "the ID is masked on the case page");
  await check(clerk, "case-submitted");
  await clerk.locator(".upload-name", { hasText: "发票.pdf" }).waitFor();
  // Only the window's actions at 受理.
  const offered = await clerk.locator("form.action-form").evaluateAll((fs) => fs.map((f) => f.dataset.action));
  assert.ok(offered.includes("accept") && !offered.includes("approve") && !offered.includes("pay"), offered.join());
  await act(clerk, "accept");
  await flash(clerk, "已受理");
  assert.match(await clerk.locator("main").innerText(), /当前环节\s*初审/);
  assert.equal(await pdfFrom(clerk, clerk.locator('button[data-notice="acceptance"]')), "%PDF-");
  await check(clerk, "case-accepted");

  // 初审 by the section head; the same hand is refused at 复审 with the server's message.
  const lead = await staffPage(`${R}_lead`);
  await openCase(lead, no);
  await act(lead, "approve", (f) => f.getByLabel("说明").fill("备案信息核对无误"));
  await flash(lead, "已审核通过");
  assert.match(await lead.locator("main").innerText(), /当前环节\s*复审/);
  if (await lead.locator('form[data-action="approve"]').count()) {
    await act(lead, "approve");
    const alert = lead.locator('form[data-action="approve"] [role="alert"]');
    await alert.filter({ hasText: /\S/ }).waitFor();
    assert.match(await alert.innerText(), /不得为同一人/);
  } else {
    // The server's dry run leaves 复审 out for the 初审 hand: the page offers no form for it, and
    // the action itself is still refused with the reason.
    notes.push("the server's actions leave 复审 out for the 初审 hand; the four-eyes refusal was checked through the API");
    const r = await call("POST", `/api/v1/cases/${no}/approve`, {}, await token(`${R}_lead`));
    assert.ok(r.status >= 400 && r.status < 500, JSON.stringify(r.body));
    assert.match(r.body.error.message, /不得为同一人/);
  }

  const senior = await staffPage(`${R}_senior_reviewer`);
  await openCase(senior, no);
  await act(senior, "approve");
  await flash(senior, "已审核通过");

  await openCase(clerk, no);
  await act(clerk, "complete");
  await flash(clerk, "已办结");
  const events = await clerk.locator("table.timeline-table tbody tr").allInnerTexts();
  for (const [who, what] of [[`${R}_window`, "受理"], [`${R}_lead`, "审核通过"], [`${R}_senior_reviewer`, "审核通过"], [`${R}_window`, "办结"]])
    assert.ok(events.some((e) => e.includes(who) && e.includes(what)), `${who} ${what} in ${events.join(" | ")}`);
  assert.equal(await clerk.locator("form.action-form").count(), 0, "no action left after 办结");
  assert.equal(await pdfFrom(clerk, clerk.locator('button[data-notice="completion"]')), "%PDF-");
  await check(clerk, "case-completed");

  // The applicant sees 已办结 and rates.
  await portal.goto(`${env.base}/progress?case_no=${no}`);
  await portal.getByLabel("公民身份号码或统一社会信用代码").fill(id_no);
  await portal.getByLabel("查询码").fill(query_code);
  await portal.getByRole("button", { name: "查询" }).click();
  await portal.locator(".stage", { hasText: "已办结" }).waitFor();
  if (await portal.locator("form.rating-form").count()) {
    await portal.locator("form.rating-form label", { hasText: /^满意$/ }).first().click();
    await portal.getByRole("button", { name: "提交评价" }).click();
    await portal.locator(".rated").waitFor();
  } else {
    notes.push("the progress page offers no rating form: rated through the API");
    const r = await call("POST", `/api/v1/cases/${no}/rate`, { id_no, query_code, rating: "满意" });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  const rated = await call("GET", `/api/v1/cases/${no}`, undefined, await token(`${R}_supervisor`));
  assert.equal(rated.body.rating, "满意");
  for (const p of [clerk, lead, senior]) assert.deepEqual(p.errors, []);
  await context.close();
});

test("return with a one-time notice, online supplement, then 受理", async () => {
  const c = await applyFiling(3);
  const clerk = await staffPage(`${R}_window`);
  await openCase(clerk, c.case_no);
  await act(clerk, "return", async (f) => {
    await f.locator('input[type="checkbox"]').first().check();
    await f.getByLabel("说明").fill("请补齐居住证明材料");
  });
  await flash(clerk, "已退回补正");
  assert.match(await clerk.locator(".notice").innerText(), /一次性告知/);
  assert.equal(await pdfFrom(clerk, clerk.locator('button[data-notice="supplement"]')), "%PDF-");
  await check(clerk, "case-returned");

  // The applicant supplements on the progress page (or through the API where it offers no form).
  const context = await env.browser.newContext({ viewport: DESKTOP, locale: "zh-CN" });
  const portal = await context.newPage();
  await portal.goto(`${env.base}/progress?case_no=${c.case_no}`);
  await portal.getByLabel("公民身份号码或统一社会信用代码").fill(c.id_no);
  await portal.getByLabel("查询码").fill(c.query_code);
  await portal.getByRole("button", { name: "查询" }).click();
  await portal.locator(".stage").waitFor();
  if (await portal.locator("form.supplement").count()) {
    await portal.locator('form.supplement input[name="supplement"]').first().check();
    await portal.getByRole("button", { name: "提交补正材料" }).click();
    await portal.getByText("补正材料已提交").waitFor();
  } else {
    notes.push("the progress page offers no supplement form: supplemented through the API");
    const item = (await call("GET", `/api/v1/regions/${R}/items/${FILING}`)).body;
    const r = await call("POST", `/api/v1/cases/${c.case_no}/supplement`, { id_no: c.id_no, query_code: c.query_code, materials: { [item.materials[0].id]: "provided" } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  await context.close();

  await openCase(clerk, c.case_no);
  assert.match(await clerk.locator("table.timeline-table").innerText(), /补正材料/);
  await act(clerk, "accept");
  await flash(clerk, "已受理");
  assert.deepEqual(clerk.errors, []);
});

test("window intake: 受理 of a reimbursement (结算单, pay prefilled) and a one-time notice", async () => {
  const clerk = await staffPage(`${R}_window`);
  await clerk.getByRole("link", { name: "窗口收件" }).click();
  await clerk.getByLabel("办理事项").selectOption(REIMBURSE);
  await clerk.getByRole("button", { name: "选择" }).click();
  await clerk.locator("form.intake").waitFor();
  await check(clerk, "intake");
  await clerk.getByLabel("申请人类型").selectOption("person");
  await clerk.locator('input[name="applicant-name"]').fill("示例人员09");
  await clerk.locator('input[name="applicant-id"]').fill(RESIDENT);
  await clerk.locator('input[name="applicant-phone"]').fill("13800000000");
  const item = (await call("GET", `/api/v1/regions/${R}/items/${REIMBURSE}`)).body;
  for (const f of item.form_schema.fields) {
    if (f.type === "list") {
      const row = { code: "A001", name: "检查费", class: "甲", amount_fen: "3000" };
      for (const sub of f.fields) {
        const el = clerk.locator(`[name="form-${f.id}-${sub.id}"]`).first();
        if (sub.type === "enum") await el.selectOption(row[sub.id] ?? sub.values[0]);
        else await el.fill(row[sub.id] ?? "1");
      }
    } else if (f.id === "visit_date") await clerk.locator(`[name="form-${f.id}"]`).fill("2026-03-05");
    else if (f.type === "enum") await clerk.locator(`[name="form-${f.id}"]`).selectOption(f.values.includes("2") ? "2" : f.values[0]);
    else if (f.type === "integer") await clerk.locator(`[name="form-${f.id}"]`).fill("2");
    else if (f.required) await clerk.locator(`[name="form-${f.id}"]`).fill("测试");
  }
  // 任选其一: the identity document is the one provided.
  await clerk.locator('fieldset[data-material="id_document"]').getByLabel("已提供", { exact: true }).check();
  await clerk.getByRole("button", { name: "受理", exact: true }).click();
  await clerk.locator(".receipt-box h2", { hasText: "已受理" }).waitFor();
  const no = (await clerk.locator(".receipt-box .case-no").innerText()).trim();
  assert.equal(await pdfFrom(clerk, clerk.locator('button[data-notice="acceptance"]')), "%PDF-");
  await check(clerk, "intake-accepted");

  // 审核 computes the 结算单; the case page shows it and finance's amount is prefilled from it.
  const reviewer = await staffPage(`${R}_reviewer`);
  await openCase(reviewer, no);
  await act(reviewer, "approve");
  await flash(reviewer, "已审核通过");
  await reviewer.locator(".settlement table.fee-lines").waitFor();
  const finance = await staffPage(`${R}_finance`);
  await openCase(finance, no);
  const detail = (await call("GET", `/api/v1/cases/${no}`, undefined, await token(`${R}_finance`))).body;
  const payable = detail.register_effect.payable_fen;
  assert.ok(payable > 0, JSON.stringify(detail.register_effect));
  assert.equal(await finance.getByLabel("拨付金额（元）").inputValue(), (payable / 100).toFixed(2));
  await check(finance, "case-settlement");
  await act(finance, "pay");
  await flash(finance, "已拨付");
  cases.paid = { no, payable };

  // A one-time notice at the window: one material marked 缺少.
  await clerk.goto(`${env.base}/staff/intake?item=${REIMBURSE}`);
  await clerk.locator("form.intake").waitFor();
  await clerk.getByLabel("申请人类型").selectOption("person");
  await clerk.locator('input[name="applicant-name"]').fill("示例人员09");
  await clerk.locator('input[name="applicant-id"]').fill(RESIDENT);
  for (const f of item.form_schema.fields.filter((f) => f.type === "list"))
    for (const sub of f.fields) {
      const el = clerk.locator(`[name="form-${f.id}-${sub.id}"]`).first();
      if (sub.type === "enum") await el.selectOption(sub.values[0]);
      else await el.fill(sub.type === "money_fen" ? "100" : sub.type === "integer" ? "0" : "测试");
    }
  for (const f of item.form_schema.fields.filter((f) => f.type !== "list" && f.required)) {
    const el = clerk.locator(`[name="form-${f.id}"]`);
    if (f.type === "enum") await el.selectOption(f.values[0]);
    else await el.fill(f.type === "date" ? "2026-03-05" : f.type === "integer" ? "2" : "测试");
  }
  await clerk.locator('fieldset[data-material="id_document"]').getByLabel("已提供", { exact: true }).check();
  await clerk.locator('fieldset[data-material="receipts"]').getByLabel("缺少", { exact: true }).check();
  await clerk.getByRole("button", { name: "一次性告知" }).click();
  await clerk.locator(".receipt-box h2", { hasText: "一次性告知" }).waitFor();
  assert.equal(await pdfFrom(clerk, clerk.locator('button[data-notice="supplement"]')), "%PDF-");
  for (const p of [clerk, reviewer, finance]) assert.deepEqual(p.errors, []);
});

test("search by name and by case number, paging with the server's total", async () => {
  const made = [];
  for (let i = 0; i < 23; i++) made.push(await applyOnline(7100 + i, `分页测试医院${String(i).padStart(2, "0")}`));
  const clerk = await staffPage(`${R}_window`);
  await check(clerk, "queues");
  await clerk.getByLabel("办件编号、证件号码或申请人姓名").fill("分页测试");
  await clerk.getByRole("button", { name: "查询" }).click();
  await clerk.waitForURL(/\/staff\/search\?/);
  const count = clerk.locator(".results .count");
  await count.filter({ hasText: "共 23 条" }).waitFor();
  assert.match(await count.innerText(), /第 1–20 条，共 23 条/);
  assert.equal(await clerk.locator(".results tbody tr").count(), 20);
  const text = await clerk.locator(".results").innerText();
  assert.ok(!made.some((c) => text.includes(c.id_no)), "credit codes are masked in the list");
  await check(clerk, "search");
  await clerk.getByRole("link", { name: "下一页" }).click();
  await count.filter({ hasText: "第 21–23 条" }).waitFor();
  assert.equal(await clerk.locator(".results tbody tr").count(), 3);
  await clerk.getByRole("link", { name: "上一页" }).click();
  await count.filter({ hasText: "第 1–20 条" }).waitFor();

  // By case number: exactly that case; its row opens the case page.
  const one = made[5];
  await clerk.getByLabel("办件编号、证件号码或申请人姓名").fill(one.case_no);
  await clerk.getByRole("button", { name: "查询" }).click();
  await count.filter({ hasText: "共 1 条" }).waitFor();
  await clerk.locator(`tr[data-case="${one.case_no}"] a`).click();
  await clerk.locator("h1", { hasText: one.case_no }).waitFor();
  // A filter that selects nothing.
  await clerk.goto(`${env.base}/staff/search?q=${encodeURIComponent("分页测试")}&status=completed`);
  await count.filter({ hasText: "没有符合条件的办件" }).waitFor();
  assert.deepEqual(clerk.errors, []);
});

test("register pages: person, account, unit, payments with the XLSX export", async () => {
  const clerk = await staffPage(`${R}_finance`);
  await clerk.getByRole("link", { name: "参保人员" }).click();
  await clerk.getByLabel("公民身份号码").fill(EMPLOYEE);
  await clerk.getByRole("button", { name: "查看" }).click();
  await clerk.locator("h1", { hasText: "示例人员01" }).waitFor();
  assert.ok((await clerk.locator("table.enrolments tbody tr").count()) >= 1);
  assert.ok(!(await clerk.locator("h1").innerText()).includes(EMPLOYEE), "the heading shows the number masked");
  await check(clerk, "person");
  await clerk.getByRole("link", { name: "个人账户" }).last().click();
  await clerk.locator(".balance").waitFor();
  assert.ok((await clerk.locator("table.entries tbody tr").count()) >= 1);
  await check(clerk, "account");
  await clerk.goto(`${env.base}/staff/persons?name=${encodeURIComponent("示例人员")}`);
  await clerk.locator("table.persons tbody tr").first().waitFor();
  await check(clerk, "persons");
  await clerk.goto(`${env.base}/staff/units/${UNIT}`);
  await clerk.locator("h1", { hasText: "示例单位01" }).waitFor();
  assert.ok((await clerk.locator("table.history tbody tr").count()) >= 1);
  await check(clerk, "unit");

  await clerk.getByRole("link", { name: "拨付台账" }).click();
  await clerk.getByLabel("月份").fill("2026-03");
  await clerk.getByRole("button", { name: "查看" }).click();
  await clerk.locator("table.payments").waitFor();
  if (cases.paid) assert.match(await clerk.locator("table.payments").innerText(), new RegExp(cases.paid.no));
  await check(clerk, "payments");
  const [download] = await Promise.all([clerk.waitForEvent("download"), clerk.getByRole("button", { name: "导出 XLSX" }).click()]);
  const file = join(env.tmp, "payments.xlsx");
  await download.saveAs(file);
  assert.equal(readFileSync(file).subarray(0, 2).toString(), "PK");
  assert.deepEqual(clerk.errors, []);
});

test("every workbench page at phone width: no horizontal scroll, axe clean, screenshot", async () => {
  const page = await staffPage(`${R}_window`, PHONE);
  for (const [name, path] of visited) {
    await page.goto(env.base + path);
    await page.locator("main h1").waitFor();
    await page.waitForLoadState("networkidle");
    await axe(page, `${name} (phone)`);
    await noHorizontalScroll(page, `${name} (phone)`);
    await page.screenshot({ path: join(shots, `phone-wb-${name}.png`), fullPage: true });
  }
  assert.deepEqual(page.errors, []);
});
