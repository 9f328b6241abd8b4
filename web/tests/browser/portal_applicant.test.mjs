// The applicant's side of the portal in real headless Chromium against the real `jingban serve
// --demo` on a temporary database: apply online → the window returns the case with a one-time
// notice (API) → the applicant reads the notice and supplements online → staff drive the case to
// 办结 (API) → the applicant sees 已办结 and rates: 不满意 without a reason is refused with the
// server's message, with a reason it is accepted and shown as 已评价. A refused case shows 不予受理
// with its reason (also on the timeline's last line); an open case can be withdrawn. The
// comparison of one item across the regions marks the leanest region. At 1366×768 and 390×844,
// screenshots to web/test-output/, axe-core on every page (no serious or critical violation).
// Environment: JINGBAN_BIN (default ../build/jingban), CHROMIUM (default /usr/bin/chromium),
// JINGBAN_WEB_DIST (default web/dist).
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { citizenId as idNumber, shots, web, useServerAndBrowser } from "./harness.mjs";

const axePath = join(web, "node_modules", "axe-core", "axe.min.js");
const FAKE_NOW = "2026-03-10T10:00:00"; // a Tuesday, a working day
// 青海省 异地转诊人员备案: online, for persons, no required form field, 受理 → 审核 → 办结.
const ITEM = "002036004004";
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

const citizenId = (seq, birth = "19850101", area = "630102") => idNumber(seq, birth, area);

const env = useServerAndBrowser("applicant", { fakeNow: FAKE_NOW, setup: enrolApplicants });

async function enrolApplicants() {
  // A remote-care filing needs the person insured in the region: the applicants of these tests
  // are enrolled as 城乡居民 first, by one resident import at the window.
  const session = await call("POST", "/api/v1/session", { username: "qinghai_window", password: "jingban-demo" });
  assert.equal(session.status, 201, JSON.stringify(session.body));
  const csv = "id_no,name,phone,identity\n" + [101, 102, 201, 202, 301, 302].map((n) => `${citizenId(n)},申请人${n},,\n`).join("");
  const r = await fetch(`${env.base}/api/v1/regions/qinghai/imports/residents`, {
    method: "POST", headers: { "Content-Type": "text/csv", Authorization: `Bearer ${session.body.token}` }, body: csv,
  });
  assert.equal(r.status, 201, await r.text());
}

async function call(method, path, body, token) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(env.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}
const tokens = new Map();
async function staff(action, caseNo, username, body = {}) {
  if (!tokens.has(username)) {
    const r = await call("POST", "/api/v1/session", { username, password: "jingban-demo" });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    tokens.set(username, r.body.token);
  }
  const r = await call("POST", `/api/v1/cases/${caseNo}/${action}`, body, tokens.get(username));
  assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
  return r.body;
}
// An online application through the API (the UI's application is driven in the first test).
async function applyByApi(seq) {
  const id = citizenId(seq);
  const r = await call("POST", "/api/v1/cases", {
    region: "qinghai", item_code: ITEM,
    applicant: { kind: "person", id_no: id, name: `申请人${seq}`, phone: "13800000000" },
    form: { destination: "四川省成都市", scope: "省外", start_date: "2026-03-10" },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { caseNo: r.body.case_no, id, queryCode: r.body.query_code };
}

async function noHorizontalScroll(page, what) {
  const { sw, cw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }));
  assert.ok(sw <= cw, `${what}: page is ${sw}px wide in a ${cw}px viewport`);
}

// axe-core (web/package.json) on the page as it stands: no serious or critical violation. The
// contexts bypass the page's CSP, which would refuse the injected script.
async function accessible(page, what) {
  await page.addScriptTag({ path: axePath });
  const found = await page.evaluate(async () => {
    const r = await globalThis.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  assert.deepEqual(found, [], `${what}: axe-core violations`);
}

async function shot(page, name) {
  await page.screenshot({ path: join(shots, name), fullPage: true });
}

async function query(page, c) {
  await page.getByLabel("办件编号").fill(c.caseNo);
  await page.getByLabel("公民身份号码或统一社会信用代码").fill(c.id);
  await page.getByLabel("查询码").fill(c.queryCode);
  await page.getByRole("button", { name: "查询", exact: true }).click();
  await page.locator(".stage").waitFor();
}

for (const [label, viewport, seq] of [["desktop", DESKTOP, 1], ["phone", PHONE, 2]]) {
  test(`apply, supplement online, 办结, rate — ${label} ${viewport.width}×${viewport.height}`, async () => {
    const context = await env.browser.newContext({ viewport, locale: "zh-CN", bypassCSP: true });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));

    // Apply online from the 办事指南; 转诊病情介绍 is left for later (暂缺).
    await page.goto(`${env.base}/r/qinghai/items/${ITEM}`);
    await page.getByRole("link", { name: "在线申办" }).click();
    await page.locator('[name="applicant-name"]').waitFor();
    const id = citizenId(100 + seq);
    await page.fill('[name="applicant-name"]', "测试申请人");
    await page.fill('[name="applicant-id"]', id);
    await page.fill('[name="applicant-phone"]', "13800000001");
    await page.getByRole("group", { name: /^转诊病情介绍/ }).getByLabel("暂缺，待补正").check();
    await page.getByRole("group", { name: /^有效身份证件/ }).getByLabel("已备齐，按要求提交").check();
    await page.getByLabel("就医地（省、市）").fill("四川省成都市");
    await page.getByLabel("备案开始日期（变更、取消备案为生效日期）").fill("2026-03-10");
    await page.getByRole("button", { name: "提交申请" }).click();
    await page.locator(".case-no").waitFor();
    const c = { caseNo: await page.locator(".case-no").innerText(), id, queryCode: await page.locator(".query-code").innerText() };

    // The window returns it with a one-time notice (as the workbench would, through the API).
    await staff("return", c.caseNo, "qinghai_window", { materials: { referral_condition_summary: "missing" }, comment: "请补交转诊病情介绍" });

    // The applicant opens progress from the menu (the receipt's codes are prefilled in this visit).
    await page.getByRole("navigation").getByRole("link", { name: "办件进度查询" }).click();
    assert.equal(await page.getByLabel("办件编号").inputValue(), c.caseNo);
    await page.getByRole("button", { name: "查询", exact: true }).click();
    const notice = page.locator("section.notice");
    await notice.waitFor();
    assert.match(await page.locator(".stage").innerText(), /待补正/);
    assert.match(await notice.innerText(), /一次性告知/);
    assert.match(await notice.locator("ul").first().innerText(), /转诊病情介绍/);
    await noHorizontalScroll(page, "progress with notice");
    await accessible(page, "progress with notice");
    await shot(page, `applicant-${label}-notice.png`);

    // The missing material's file (PDF), uploaded from the notice: the material is ticked; the
    // applicant unticks it to try the page's own check.
    await notice.locator('input[type="file"]').first().setInputFiles({ name: "病情介绍.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n") });
    await notice.getByText(/已上传 病情介绍\.pdf/).waitFor();
    assert.ok(await notice.getByRole("checkbox", { name: "转诊病情介绍" }).isChecked(), "an uploaded material is ticked");
    await shot(page, `applicant-${label}-uploaded.png`);
    await notice.getByRole("checkbox", { name: "转诊病情介绍" }).uncheck();

    // Submitting nothing ticked is refused on the page; ticked, the server takes the supplement.
    await page.getByRole("button", { name: "提交补正材料" }).click();
    assert.match(await notice.getByRole("alert").innerText(), /至少勾选/);
    await notice.getByRole("checkbox", { name: "转诊病情介绍" }).check();
    await page.getByRole("button", { name: "提交补正材料" }).click();
    await page.getByText("补正材料已提交").waitFor();
    assert.equal(await page.locator("section.notice").count(), 0);
    assert.doesNotMatch(await page.locator(".stage").innerText(), /待补正/);
    await shot(page, `applicant-${label}-supplemented.png`);

    // Staff accept (the supplemented material now provided), review and close the case.
    await staff("accept", c.caseNo, "qinghai_window");
    await staff("approve", c.caseNo, "qinghai_reviewer");
    await staff("complete", c.caseNo, "qinghai_window");

    await page.getByRole("button", { name: "查询", exact: true }).click();
    await page.locator("section.rating").waitFor();
    assert.match(await page.locator(".stage").innerText(), /已办结（办结）/);
    assert.match(await page.locator(".timeline").innerText(), /办结/);
    assert.equal(await page.getByRole("button", { name: "撤回申请" }).count(), 0, "no withdrawal once closed");
    // The region's own scale: 青海省 has five grades.
    const scale = await page.locator('section.rating input[name="rating"]').evaluateAll((els) => els.map((e) => e.value));
    assert.deepEqual(scale, ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]);
    await accessible(page, "progress with rating");
    await shot(page, `applicant-${label}-rate.png`);

    // 不满意 without a reason: the server's rule, its message shown; with a reason: accepted.
    await page.getByLabel("不满意", { exact: true }).check();
    await page.getByRole("button", { name: "提交评价" }).click();
    const alert = page.locator("section.rating [role=alert]");
    await alert.filter({ hasText: /原因/ }).waitFor();
    assert.match(await alert.innerText(), /评价低于“满意”时须填写原因/);
    await shot(page, `applicant-${label}-rate-refused.png`);
    await page.getByLabel("评价理由").fill("等候时间较长");
    await page.getByRole("button", { name: "提交评价" }).click();
    await page.locator(".rated").waitFor();
    assert.match(await page.locator(".rated").innerText(), /已评价：不满意/);
    await noHorizontalScroll(page, "rated");
    await shot(page, `applicant-${label}-rated.png`);

    // Queried again: still rated, no second form.
    await page.getByRole("button", { name: "查询", exact: true }).click();
    await page.locator("section.rating .rated").waitFor();
    assert.match(await page.locator("section.rating").innerText(), /已评价：不满意/);
    assert.equal(await page.locator("section.rating form").count(), 0);

    // The server kept it: a second rating is refused.
    const again = await call("POST", `/api/v1/cases/${c.caseNo}/rate`, { id_no: c.id, query_code: c.queryCode, rating: "满意" });
    assert.equal(again.status, 409);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`a refused case and a withdrawal — ${label} ${viewport.width}×${viewport.height}`, async () => {
    const context = await env.browser.newContext({ viewport, locale: "zh-CN", bypassCSP: true });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));

    const refused = await applyByApi(200 + seq);
    const reason = `不属于异地转诊备案范围（${label}）`;
    await staff("not_accept", refused.caseNo, "qinghai_window", { reason });
    await page.goto(`${env.base}/progress`);
    await query(page, refused);
    assert.match(await page.locator(".stage").innerText(), /已办结（不予受理）/);
    assert.equal(await page.locator(".reason").innerText(), reason);
    // The timeline's last line says what was decided at 受理, not only the step's name.
    assert.match(await page.locator(".timeline li").last().innerText(), /不予受理/);
    await noHorizontalScroll(page, "refused");
    await accessible(page, "refused");
    await shot(page, `applicant-${label}-refused.png`);

    // An open case: withdrawn after the confirmation.
    const open = await applyByApi(300 + seq);
    await query(page, open);
    await page.getByRole("button", { name: "撤回申请" }).click();
    await page.getByRole("button", { name: "确认撤回" }).click();
    await page.getByText("申请已撤回").waitFor();
    assert.match(await page.locator(".stage").innerText(), /已撤回/);
    assert.equal(await page.getByRole("button", { name: "撤回申请" }).count(), 0);
    assert.equal(await page.locator("section.rating").count(), 0, "a withdrawn case is not rated");
    await shot(page, `applicant-${label}-withdrawn.png`);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test(`comparison across the regions — ${label} ${viewport.width}×${viewport.height}`, async () => {
    const context = await env.browser.newContext({ viewport, locale: "zh-CN", bypassCSP: true });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));

    // From the 办事指南 of 青海省 生育津贴支付 (10 working days, 2 required materials).
    await page.goto(`${env.base}/r/qinghai/items/002036007004`);
    await page.getByRole("link", { name: "与其他地区比较" }).click();
    await page.waitForURL(/\/compare\?code=002036007004/);
    await page.locator(".compare-summary").waitFor();
    const row = (region) => page.locator(`.compare-summary tr[data-region="${region}"]`);
    assert.equal(await page.locator(".compare-summary tbody tr").count(), 4);
    // 青岛市: one required material and 9 working days — the leanest on both; every region has
    // four steps, so none is marked for steps.
    assert.match(await row("qingdao").innerText(), /减材料/);
    assert.match(await row("qingdao").innerText(), /减时限/);
    assert.match(await row("qingdao").innerText(), /9个工作日/);
    for (const r of ["qinghai", "xining", "yunnan"]) assert.doesNotMatch(await row(r).innerText(), /减材料|减时限/);
    assert.equal(await page.locator('[data-lean="steps"]').count(), 0);
    assert.equal(await page.locator(".compare-card").count(), 4);
    await noHorizontalScroll(page, "compare");
    await accessible(page, "compare");
    await shot(page, `compare-${label}.png`);

    // A local item (青岛市 医疗保险关系转入) has no counterpart; the same main item's items elsewhere
    // are offered instead.
    await page.goto(`${env.base}/compare?code=370200990002&from=qingdao`);
    await page.locator(".related").waitFor();
    assert.equal(await page.locator(".compare-summary td.absent").count(), 3);
    assert.match(await page.locator(".related").innerText(), /002036003002/);
    await shot(page, `compare-local-${label}.png`);

    // Without a code: the chooser lists every item once, with the number of regions that have it.
    await page.goto(`${env.base}/compare`);
    await page.getByLabel("比较事项").selectOption("002036003002");
    assert.match(await page.getByLabel("比较事项").locator("option:checked").innerText(), /（4 个地区）/);
    await page.getByRole("button", { name: "比较" }).click();
    await page.waitForURL(/\/compare\?code=002036003002$/);
    await page.locator(".compare-summary").waitFor();
    await accessible(page, "compare chooser result");
    assert.deepEqual(errors, []);
    await context.close();
  });
}
