// The supervisor dashboard and the administration page in real headless Chromium (Debian's
// `chromium` through playwright-core) against the real `jingban serve --demo`. Cases are put in
// place through the API over two server runs on one database (2026-01-05, then 2026-03-10), so
// one is overdue, one due today, one closed and rated 不满意 (a follow-up). A supervisor sees the
// overdue case in red, figures equal to the API's JSON, the chart, and exports a list whose XLSX
// opens (unzipped here with node:zlib) and holds the case number; a window clerk is refused both
// pages (its menu offers neither). An administrator is refused a weak password, creates a user,
// gives a role, disables it (it then cannot sign in), and reads a known 2026 holiday in the
// calendar. 1366×768 and 390×844; screenshots in web/test-output/.
// Environment: JINGBAN_BIN (default ../build/jingban), CHROMIUM (default /usr/bin/chromium).
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createServer } from "node:http";
import { inflateRawSync } from "node:zlib";
import { chromium } from "playwright-core";
import { startServer, stopServer, web, browserPath, shots, citizenId } from "./harness.mjs";

const axePath = join(web, "node_modules", "axe-core", "axe.min.js");
const REGION = "qinghai";
const FIVE_DAYS = "002036001002"; // 职工参保登记: 5 working days
const REMOTE = "002036004004"; // 异地就医备案: 即时办结 at the window; 受理 → 审核 → 办结
const VIEWPORTS = [["desktop", { width: 1366, height: 768 }], ["phone", { width: 390, height: 844 }]];

let server, base, browser, tmp, gateway;
const posts = new Map(); // message id → posts the SMS gateway received
const cases = {};

async function start(fakeNow, extra = []) {
  const s = await startServer(join(tmp, "jingban.db"), fakeNow, extra);
  base = s.base;
  return s.proc;
}
const stop = stopServer;

async function call(method, path, body, token) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
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
  const r = await call("POST", `/api/v1/cases/${caseNo}/${action}`, body, user ? await signIn(user) : undefined);
  assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
  return r.body;
}
// An application at the window, accepted with every material when `accept`.
async function applyFor(code, seq, accept) {
  const item = (await call("GET", `/api/v1/regions/${REGION}/items/${code}`)).body;
  const form = {};
  for (const f of item.form_schema.fields.filter((f) => f.required))
    form[f.id] = { enum: f.values?.[0], month: "2026-01", date: "2026-01-02", phone: "13800000000", money_fen: 1234, integer: 1, boolean: false }[f.type] ?? "测试";
  // A remote-care filing names where and from when (the day it is filed).
  if (code === REMOTE) Object.assign(form, { destination: "海南省三亚市", scope: "省外", start_date: "2026-03-10" });
  const sub = await call("POST", "/api/v1/cases", {
    region: REGION, item_code: code, form, channel: "窗口",
    applicant: { kind: "person", id_no: citizenId(seq), name: `统计${seq}`, phone: "13800000000" },
  }, await signIn(`${REGION}_window`));
  assert.equal(sub.status, 201, JSON.stringify(sub.body));
  if (!accept) return sub.body;
  const materials = Object.fromEntries(item.materials.map((m) => [m.id, "provided"]));
  return { ...(await act(sub.body.case_no, "accept", `${REGION}_window`, { materials })), query_code: sub.body.query_code };
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "jingban-dashboard-"));
  mkdirSync(shots, { recursive: true });
  // January: accepted with 5 working days (due 2026-01-12), never decided: overdue in March.
  let proc = await start("2026-01-05T10:00:00");
  cases.overdue = await applyFor(FIVE_DAYS, 31, true);
  await stop(proc);
  tokens.clear(); // the January sessions have expired by March
  // March: the SMS gateway refuses every message (400), so each one fails at once and the
  // supervisor sees it; the gateway counts the posts per message id.
  gateway = createServer((req, res) => {
    const id = req.headers["idempotency-key"] ?? "";
    posts.set(id, (posts.get(id) ?? 0) + 1);
    req.resume();
    res.statusCode = 400;
    res.end("bad number");
  });
  await new Promise((r) => gateway.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${gateway.address().port}/sms`;
  server = await start("2026-03-10T10:00:00", ["--notify", "webhook", "--notify-url", url]);
  // March: one due today (即时办结), one on time, one closed and rated 不满意 (a follow-up).
  // The filing applicants are insured 城乡居民 (a filing needs the person insured in the region).
  const csv = "id_no,name,phone,identity\n" + [32, 34].map((n) => `${citizenId(n)},统计${n},,\n`).join("");
  const imported = await fetch(`${base}/api/v1/regions/${REGION}/imports/residents`, {
    method: "POST", headers: { "Content-Type": "text/csv", Authorization: `Bearer ${await signIn(`${REGION}_window`)}` }, body: csv,
  });
  assert.equal(imported.status, 201, await imported.text());
  cases.dueToday = await applyFor(REMOTE, 32, true);
  cases.onTime = await applyFor(FIVE_DAYS, 33, true);
  cases.rated = await applyFor(REMOTE, 34, true);
  await act(cases.rated.case_no, "approve", `${REGION}_reviewer`);
  await act(cases.rated.case_no, "complete", `${REGION}_window`);
  await act(cases.rated.case_no, "rate", null, { id_no: citizenId(34), query_code: cases.rated.query_code, rating: "不满意", comment: "等候时间太长" });
  assert.equal(cases.overdue.due_on, "2026-01-12");
  assert.equal(cases.dueToday.due_on, "2026-03-10");
  // The 受理 message of the case due today has failed (the dispatcher runs every second).
  const supervisor = await signIn(`${REGION}_supervisor`);
  for (let i = 0; i < 100; i++) {
    const l = (await call("GET", `/api/v1/regions/${REGION}/notifications?status=failed&limit=500`, undefined, supervisor)).body;
    if (l.notifications.some((n) => n.message_id === `${cases.dueToday.case_no}:2`)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  browser = await chromium.launch({ executablePath: browserPath, headless: true, args: ["--no-sandbox"] });
});

after(async () => {
  await browser?.close();
  await stop(server);
  gateway?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

// ---- helpers -----------------------------------------------------------------------------------

// The entries of a ZIP file (an XLSX) by name, read through its central directory.
function unzip(buf) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, "a ZIP end-of-central-directory record");
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const files = new Map();
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50, "a central directory header");
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString("utf8", at + 46, at + 46 + nameLen);
    assert.equal(buf.readUInt32LE(local), 0x04034b50, `local header of ${name}`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + size);
    files.set(name, method === 8 ? inflateRawSync(raw) : Buffer.from(raw));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

async function noHorizontalScroll(page, what) {
  const { sw, cw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }));
  assert.ok(sw <= cw, `${what}: page is ${sw}px wide in a ${cw}px viewport`);
}

// axe-core, once W1's package.json change has brought it: no serious or critical violation.
async function axe(page, what) {
  if (!existsSync(axePath)) return;
  // Evaluated through the DevTools protocol: a script tag would be refused by the page's own CSP,
  // which stays in force for everything else the test sees.
  await page.evaluate(readFileSync(axePath, "utf8"));
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), [], `${what}: axe violations`);
}

// Opens `path` signed out: the workbench's sign-in form takes its place, then the page follows.
async function signInAt(context, path, username) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(base + path);
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill("jingban-demo");
  await page.getByLabel("密码").press("Enter"); // keyboard only
  await page.waitForFunction(() => sessionStorage.getItem("jingban.staff"));
  return { page, errors };
}
const percent = (r) => (r === null ? "—" : `${(r * 100).toFixed(2)}%`);

// ---- the dashboard -----------------------------------------------------------------------------

for (const [label, viewport] of VIEWPORTS) {
  test(`dashboard at ${label} width: figures, overdue in red, chart, follow-up, XLSX export`, async () => {
    const context = await browser.newContext({ viewport, locale: "zh-CN", acceptDownloads: true });
    const { page, errors } = await signInAt(context, "/staff/dashboard", `${REGION}_supervisor`);
    await page.locator("#overdue-section").waitFor();
    assert.equal(await page.getByRole("link", { name: "统计分析" }).getAttribute("aria-current"), "page");
    const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem("jingban.staff")).token);
    const api = (await call("GET", `/api/v1/regions/${REGION}/dashboard`, undefined, token)).body;
    assert.equal(api.from, "2026-03-01");
    assert.equal(api.to, "2026-03-10");
    assert.equal(await page.getByLabel("开始日期").inputValue(), api.from);
    assert.equal(await page.getByLabel("截止日期").inputValue(), api.to);

    // Every figure as the API states it.
    const fig = (key) => page.locator(`[data-figure="${key}"] .value`).innerText();
    assert.equal(await fig("on_time_rate"), percent(api.summary.on_time_rate));
    assert.equal(await fig("satisfaction_rate"), percent(api.summary.satisfaction_rate));
    for (const key of ["applications", "closed", "open", "overdue", "due_soon", "follow_ups_open"])
      assert.equal(await fig(key), String(api.summary[key]), key);
    assert.equal(api.summary.overdue, 1);
    assert.equal(api.summary.satisfaction_rate, 0);
    assert.equal(api.summary.on_time_rate, 1);
    // The counts by region (青海省 and 西宁市, whose catalog extends it), row by row.
    assert.deepEqual(api.by_region.map((r) => r.region), ["qinghai", "xining"]);
    for (const r of api.by_region) {
      const cells = await page.locator(`#by-region ~ * tr[data-region="${r.region}"] td.num`).allInnerTexts();
      assert.deepEqual(cells, [r.applications, r.closed, r.closed_on_time, percent(r.on_time_rate), r.open, r.overdue, r.due_soon].map(String), r.region);
    }
    // The counts by item, row by row.
    for (const r of api.by_item) {
      const cells = await page.locator(`#by-item ~ * tr[data-item="${r.item_code}"] td.num`).allInnerTexts();
      assert.deepEqual(cells, [r.applications, r.closed, r.closed_on_time, percent(r.on_time_rate), r.open, r.overdue, r.due_soon].map(String), r.item_code);
    }

    // The overdue case in red, with its words, linking to the case page; the one due today in yellow.
    const overdueRow = page.locator(`#overdue-section tr[data-case="${cases.overdue.case_no}"]`);
    assert.match(await overdueRow.getAttribute("class"), /\bdeadline-overdue\b/);
    assert.match(await overdueRow.locator(".light").getAttribute("class"), /\bred\b/);
    assert.match(await overdueRow.innerText(), /已超期/);
    assert.equal(await overdueRow.getByRole("link", { name: cases.overdue.case_no }).getAttribute("href"), `/staff/cases/${cases.overdue.case_no}`);
    const bg = await overdueRow.evaluate((tr) => getComputedStyle(tr).backgroundColor);
    assert.equal(bg, "rgb(253, 236, 234)");
    const soonRow = page.locator(`#due-soon-section tr[data-case="${cases.dueToday.case_no}"]`);
    assert.match(await soonRow.locator(".light").getAttribute("class"), /\byellow\b/);
    assert.equal(await page.locator(`#overdue-section tr[data-case="${cases.onTime.case_no}"]`).count(), 0);

    // The follow-up of the 不满意 rating with its own deadline and light.
    const fu = api.follow_ups.find((f) => f.case_no === cases.rated.case_no);
    assert.ok(fu, "the poor rating opens a follow-up");
    const fuRow = page.locator(`#follow-ups-section tr[data-case="${cases.rated.case_no}"]`);
    assert.match(await fuRow.innerText(), new RegExp(fu.follow_up_due));
    assert.match(await fuRow.innerText(), /等候时间太长/);
    assert.match(await fuRow.locator(".light").getAttribute("class"), /\bgreen\b/);

    // The chart: one line per series over every day of the period, and the same numbers as a table.
    const points = await page.locator("svg.chart polyline").evaluateAll((ls) => ls.map((l) => l.getAttribute("points").split(" ").length));
    assert.deepEqual(points, [api.daily.length, api.daily.length, api.daily.length]);
    const today = api.daily.at(-1);
    assert.deepEqual(await page.locator(".chart-data tbody tr").last().locator("td").allTextContents(), [today.applications, today.closed, today.closed_on_time].map(String));
    await noHorizontalScroll(page, "dashboard");
    await page.screenshot({ path: join(shots, `${label}-staff-dashboard.png`), fullPage: true });

    // Export the overdue list: the server's file name, an XLSX that opens and holds the case.
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#overdue-section").getByRole("button", { name: "导出 XLSX" }).click()]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    assert.match(await page.locator("#overdue-section .export-status").innerText(), /已导出/);
    const files = unzip(readFileSync(await download.path()));
    assert.ok(files.has("xl/workbook.xml") && files.has("[Content_Types].xml"), [...files.keys()].join(" "));
    const text = [...files].filter(([n]) => n === "xl/sharedStrings.xml" || n.startsWith("xl/worksheets/")).map(([, b]) => b.toString("utf8")).join("");
    assert.ok(text.includes(cases.overdue.case_no), "the overdue case number is in the sheet");
    assert.ok(!text.includes(cases.onTime.case_no), "only the overdue cases");

    // Messages the SMS gateway refused: listed with the error; put back, the message is sent again.
    const failedId = `${cases.dueToday.case_no}:2`;
    const failed = (await call("GET", `/api/v1/regions/${REGION}/notifications?status=failed&limit=500`, undefined, token)).body.notifications;
    assert.ok(failed.some((n) => n.message_id === failedId), "the 受理 message failed");
    const noteRow = page.locator(`#failed-notices-section tr[data-message="${failedId}"]`);
    assert.match(await noteRow.innerText(), /受理/);
    assert.match(await noteRow.innerText(), /HTTP 400/);
    assert.ok(!(await noteRow.innerText()).includes("13800000000"), "the phone is masked");
    if (label === "desktop") {
      const before = posts.get(failedId) ?? 0;
      assert.ok(before >= 1);
      await noteRow.getByRole("button", { name: "重新发送" }).click();
      await noteRow.getByText("已重新排队发送").waitFor();
      for (let i = 0; i < 100 && (posts.get(failedId) ?? 0) <= before; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(posts.get(failedId), before + 1, "retried once");
    }

    // Another period: the figures follow it.
    await page.getByLabel("开始日期").fill("2026-01-01");
    await page.getByRole("button", { name: "查询" }).click();
    await page.waitForURL(/from=2026-01-01/);
    await page.locator("#period", { hasText: "2026-01-01 至 2026-03-10" }).waitFor();
    const wide = (await call("GET", `/api/v1/regions/${REGION}/dashboard?from=2026-01-01&to=2026-03-10`, undefined, token)).body;
    assert.equal(await fig("applications"), String(wide.summary.applications));
    assert.ok(wide.summary.applications > api.summary.applications);
    await axe(page, "dashboard");
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("the dashboard and administration are refused to a window clerk, whose menu lacks them", async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: "zh-CN" });
  const { page, errors } = await signInAt(context, "/staff/dashboard", `${REGION}_window`);
  await page.getByRole("alert").filter({ hasText: "仅限本地区监督人员" }).waitFor();
  assert.equal(await page.locator(".figures").count(), 0);
  assert.equal(await page.getByRole("link", { name: "统计分析" }).count(), 0);
  assert.equal(await page.getByRole("link", { name: "系统管理" }).count(), 0);
  await page.goto(base + "/staff/admin");
  await page.getByRole("alert").filter({ hasText: "仅限本地区系统管理员" }).waitFor();
  assert.equal(await page.locator("table.staff-table").count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

// ---- administration ----------------------------------------------------------------------------

for (const [label, viewport] of VIEWPORTS) {
  test(`administration at ${label} width: create, role, disable; the holiday calendar`, async () => {
    const context = await browser.newContext({ viewport, locale: "zh-CN" });
    const { page, errors } = await signInAt(context, "/staff/admin", `${REGION}_admin`);
    await page.locator("table.staff-table tbody tr").first().waitFor();
    assert.equal(await page.getByRole("link", { name: "系统管理" }).getAttribute("aria-current"), "page");
    const username = `w4_${label}`;
    const password = "Dash-Board-2026";

    // A weak password: the server's Chinese message, no account.
    const create = page.locator("form.create-staff");
    await create.getByLabel("用户名").fill(username);
    await create.getByLabel("姓名").fill("测试员");
    await create.getByLabel("初始密码").fill("short");
    await create.getByLabel("窗口受理人员（window）").check();
    await create.getByRole("button", { name: "创建账号" }).click();
    const createMsg = create.locator(".message");
    await createMsg.filter({ hasText: /密码/ }).waitFor();
    assert.match(await createMsg.getAttribute("class"), /\berror\b/);
    assert.equal(await createMsg.getAttribute("role"), "alert");
    assert.equal(await page.locator(`tr[data-user="${username}"]`).count(), 0);

    await create.getByLabel("初始密码").fill(password);
    await create.getByRole("button", { name: "创建账号" }).click();
    await createMsg.filter({ hasText: "已创建账号" }).waitFor();
    const row = page.locator(`table.staff-table tr[data-user="${username}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /窗口受理人员/);
    assert.equal((await call("POST", "/api/v1/session", { username, password })).status, 201);

    // Give a role (初审) in the account's panel.
    await row.getByRole("button", { name: `管理账号 ${username}` }).click();
    const panel = page.locator(`.edit-panel[data-user="${username}"]`);
    await panel.getByLabel("初审人员（reviewer）").check();
    await panel.getByRole("button", { name: "保存角色" }).click();
    await panel.locator(".message", { hasText: "角色改为" }).waitFor();
    await row.filter({ hasText: "初审人员" }).waitFor();
    const listed = (await call("GET", "/api/v1/staff", undefined, await page.evaluate(() => JSON.parse(sessionStorage.getItem("jingban.staff")).token))).body;
    assert.deepEqual(listed.find((s) => s.username === username).roles.sort(), ["reviewer", "window"]);
    // No role at all: refused with the server's words.
    await panel.getByLabel("初审人员（reviewer）").uncheck();
    await panel.getByLabel("窗口受理人员（window）").uncheck();
    await panel.getByRole("button", { name: "保存角色" }).click();
    await panel.locator(".message.error", { hasText: "至少须指定一个角色" }).waitFor();

    // Disable: the row says so and the user cannot sign in.
    await page.locator(`.edit-panel[data-user="${username}"]`).getByRole("button", { name: "停用账号" }).click();
    await row.filter({ hasText: "已停用" }).waitFor();
    const refused = await call("POST", "/api/v1/session", { username, password });
    assert.notEqual(refused.status, 201);
    assert.match(refused.body.error.message, /停用|用户名或密码/);
    await page.locator(`.edit-panel[data-user="${username}"]`).getByRole("button", { name: "启用账号" }).waitFor();

    // The calendar: 春节 2026-02-17 is a holiday, 02-28 a 调休 working day; 2027 is provisional.
    const feb17 = page.locator('.cal-year[data-year="2026"] td[data-date="2026-02-17"]');
    assert.match(await feb17.getAttribute("class"), /\bholiday\b/);
    assert.match(await feb17.innerText(), /休/);
    assert.match(await feb17.getAttribute("aria-label"), /春节/);
    const feb28 = page.locator('.cal-year[data-year="2026"] td[data-date="2026-02-28"]');
    assert.match(await feb28.getAttribute("class"), /\bworkday\b/);
    assert.match(await feb28.innerText(), /班/);
    assert.match(await page.locator('.cal-year[data-year="2026"]').innerText(), /国务院办公厅关于2026年部分节假日安排的通知/);
    assert.match(await page.locator('.cal-year[data-year="2027"]').innerText(), /暂定/);
    assert.equal(await page.locator('.cal-year[data-year="2025"] table.month').count(), 12);
    await noHorizontalScroll(page, "administration");
    await page.screenshot({ path: join(shots, `${label}-staff-admin.png`), fullPage: true });
    await page.locator('.cal-year[data-year="2026"]').screenshot({ path: join(shots, `${label}-staff-calendar-2026.png`) });
    await axe(page, "administration");
    assert.deepEqual(errors, []);
    await context.close();
  });
}
