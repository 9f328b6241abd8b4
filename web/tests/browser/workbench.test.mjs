// The staff workbench's first page in real headless Chromium (Debian's `chromium` through
// playwright-core) against the real `jingban serve --demo`: cases are put in place through the
// API over two server runs on one database (2026-01-05, then 2026-03-10, so that a case accepted
// in January is overdue in March), then a reviewer signs in (a wrong password first), sees one
// queue per step of their role sorted by deadline with red / yellow / green lights and nothing of
// other roles, keeps the session over a reload, and signs out (the token is revoked) — at phone
// width and at 1366×768. Screenshots go to web/test-output/.
// Environment: JINGBAN_BIN (default ../build/jingban), CHROMIUM (default /usr/bin/chromium).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { startServer, stopServer, web, browserPath, shots, citizenId } from "./harness.mjs";

const REGION = "qinghai";
const FIVE_DAYS = "002036001002"; // 职工参保登记: 5 working days; 受理 → 初审 → 复审 → 办结
const INSTANT = "002036001003"; // 城乡居民参保登记: 即时办结 (due the day it is accepted); 受理 → 审核

let server, base, browser, tmp;
const cases = {};

async function start(fakeNow) {
  const s = await startServer(join(tmp, "jingban.db"), fakeNow);
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
async function signIn(username) {
  const r = await call("POST", "/api/v1/session", { username, password: "jingban-demo" });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.token;
}
// An online application (anonymous), accepted by the window with every material when `accept`.
async function applyFor(code, seq, accept) {
  const item = (await call("GET", `/api/v1/regions/${REGION}/items/${code}`)).body;
  const form = {};
  for (const f of item.form_schema.fields.filter((f) => f.required))
    form[f.id] = { enum: f.values?.[0], month: "2026-01", date: "2026-01-02", phone: "13800000000", money_fen: 1234, integer: 1 }[f.type] ?? "测试";
  const sub = await call("POST", "/api/v1/cases", {
    region: REGION, item_code: code, form,
    applicant: { kind: "person", id_no: citizenId(seq), name: `申请人${seq}`, phone: "13800000000" },
  });
  assert.equal(sub.status, 201, JSON.stringify(sub.body));
  if (!accept) return sub.body;
  const materials = Object.fromEntries(item.materials.map((m) => [m.id, "provided"]));
  const acc = await call("POST", `/api/v1/cases/${sub.body.case_no}/accept`, { materials }, await signIn(`${REGION}_window`));
  assert.equal(acc.status, 200, JSON.stringify(acc.body));
  return acc.body;
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "jingban-workbench-"));
  mkdirSync(shots, { recursive: true });
  // January: one case accepted (due 2026-01-12, overdue by March), one never accepted.
  let proc = await start("2026-01-05T10:00:00");
  cases.overdue = await applyFor(FIVE_DAYS, 21, true);
  cases.waiting = await applyFor(FIVE_DAYS, 22, false);
  await stop(proc);
  // March: one accepted today with 5 working days left, one instant item due today.
  server = await start("2026-03-10T10:00:00");
  cases.onTime = await applyFor(FIVE_DAYS, 23, true);
  cases.dueToday = await applyFor(INSTANT, 24, true);
  assert.equal(cases.overdue.due_on, "2026-01-12");
  assert.equal(cases.dueToday.due_on, "2026-03-10");
  browser = await chromium.launch({ executablePath: browserPath, headless: true, args: ["--no-sandbox"] });
});

after(async () => {
  await browser?.close();
  await stop(server);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function noHorizontalScroll(page, what) {
  const { sw, cw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }));
  assert.ok(sw <= cw, `${what}: page is ${sw}px wide in a ${cw}px viewport`);
}

for (const [label, viewport] of [["phone", { width: 390, height: 844 }], ["desktop", { width: 1366, height: 768 }]]) {
  test(`workbench at ${label} width: sign in, queues by deadline with lights, sign out`, async () => {
    const context = await browser.newContext({ viewport, locale: "zh-CN" });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));

    await page.goto(base + "/");
    await page.getByRole("link", { name: "经办工作台" }).click();
    await page.waitForURL(/\/staff$/);

    // A wrong password: the server's message, no session.
    await page.getByLabel("用户名").fill(`${REGION}_reviewer`);
    await page.getByLabel("密码").fill("not-the-password");
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByRole("alert").filter({ hasText: /\S/ }).waitFor();
    assert.doesNotMatch(await page.getByRole("alert").innerText(), /^$/);
    assert.equal(await page.locator("table.cases").count(), 0);
    await page.screenshot({ path: join(shots, `${label}-staff-signin.png`), fullPage: true });

    await page.getByLabel("密码").fill("jingban-demo");
    await page.getByLabel("密码").press("Enter"); // keyboard only
    await page.locator("h1", { hasText: "经办工作台" }).waitFor();
    await page.locator("section.queue").first().waitFor();

    // The reviewer's queues: one per step the accepted cases stand at (the flow each case pinned at
    // 申请: a person's 职工参保登记 follows its own alternative), never 受理 (the window's).
    const open = [cases.overdue, cases.onTime, cases.dueToday];
    for (const c of open) assert.equal(c.step.role, "reviewer", c.case_no);
    const expected = new Map();
    for (const c of open) expected.set(c.step.name, [...(expected.get(c.step.name) ?? []), c]);
    const headings = await page.locator("section.queue h2").allInnerTexts();
    assert.deepEqual(headings.sort(), [...expected].map(([step, list]) => `${step}（${list.length} 件）`).sort());
    const rows = async (step) =>
      page.locator("section.queue", { has: page.locator("h2", { hasText: `${step}（` }) }).locator("tbody tr").evaluateAll((trs) =>
        trs.map((tr) => ({ no: tr.dataset.case, light: tr.querySelector(".light").className, text: tr.innerText })));
    const shown = new Map();
    for (const step of expected.keys()) {
      const list = await rows(step);
      // Earliest deadline first within each queue.
      const dues = list.map((r) => open.find((c) => c.case_no === r.no).due_on);
      assert.deepEqual(dues, [...dues].sort(), `${step} sorted by deadline`);
      for (const r of list) shown.set(r.no, r);
    }
    assert.deepEqual([...shown.keys()].sort(), open.map((c) => c.case_no).sort());
    const light = (c, color, text) => {
      assert.match(shown.get(c.case_no).light, new RegExp(`\\b${color}\\b`), c.case_no);
      assert.match(shown.get(c.case_no).text, text, c.case_no);
      assert.ok(shown.get(c.case_no).text.includes(c.due_on), c.case_no);
    };
    light(cases.overdue, "red", /已超期/);
    light(cases.dueToday, "yellow", /即将到期/);
    light(cases.onTime, "green", /未超期/);
    const page_text = await page.locator("main").innerText();
    assert.ok(!page_text.includes(cases.waiting.case_no), "a case at 受理 is not in a reviewer's queue");
    assert.ok(!page_text.includes(citizenId(21)), "ID numbers are masked in lists");
    await noHorizontalScroll(page, "workbench");
    await page.screenshot({ path: join(shots, `${label}-staff-queues.png`), fullPage: true });

    // A reload keeps the session (this tab only); signing out revokes the token.
    await page.reload();
    await page.locator("section.queue").first().waitFor();
    const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem("jingban.staff")).token);
    assert.equal((await call("GET", "/api/v1/cases?limit=1", undefined, token)).status, 200);
    await page.getByRole("button", { name: "退出登录" }).click();
    await page.getByRole("button", { name: "登录" }).waitFor();
    assert.match(await page.getByRole("alert").innerText(), /已退出登录/);
    assert.equal(await page.evaluate(() => sessionStorage.getItem("jingban.staff")), null);
    assert.equal((await call("GET", "/api/v1/cases?limit=1", undefined, token)).status, 401);

    assert.deepEqual(errors, []);
    await context.close();
  });
}
