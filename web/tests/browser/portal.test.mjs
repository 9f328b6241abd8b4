// The public portal in real headless Chromium (Debian's `chromium`, driven by playwright-core,
// which never downloads a browser), against the real `jingban serve --demo` on a temporary
// database: choose a region, search an item, read its 办事指南, apply online with a wrong and
// then a right ID number, and follow the case with the receipt's codes — at phone width
// (390×844) and at 1366×768, with no horizontal scrolling. Screenshots go to web/test-output/.
// Environment: JINGBAN_BIN (default ../build/jingban), CHROMIUM (default /usr/bin/chromium).
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { web, shots, citizenId, creditCode, useServerAndBrowser } from "./harness.mjs";

const FAKE_NOW = "2026-03-10T10:00:00"; // a Tuesday, a working day

const env = useServerAndBrowser("browser", { fakeNow: FAKE_NOW });

function wrongCheckDigit(id) {
  const last = id[17] === "0" ? "1" : "0";
  return id.slice(0, 17) + last;
}

// A call to the API as a demo staff member (their token fetched once).
const tokens = new Map();
async function staffCall(method, path, username, body) {
  if (!tokens.has(username)) {
    const r = await fetch(`${env.base}/api/v1/session`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username, password: "jingban-demo" }),
    });
    assert.equal(r.status, 201, `sign-in of ${username}`);
    tokens.set(username, (await r.json()).token);
  }
  const r = await fetch(env.base + path, {
    method, headers: { "Content-Type": "application/json", Authorization: `Bearer ${tokens.get(username)}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const out = await r.json();
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${JSON.stringify(out)}`);
  return out;
}

// An item a citizen can apply for online today, with the fewest required form fields.
async function pickItem() {
  const items = await (await fetch(`${env.base}/api/v1/regions/qinghai/items`)).json();
  const fit = items.filter(
    (it) => !it.internal && it.channels.includes("网上") && it.applicant.includes("person") &&
      !(it.acceptance_windows ?? []).length && !(it.applicant_limits ?? []).length &&
      !it.form_schema.fields.some((f) => f.required && f.type === "list"),
  );
  fit.sort((a, b) => a.form_schema.fields.filter((f) => f.required).length - b.form_schema.fields.filter((f) => f.required).length);
  assert.ok(fit.length, "an item that can be applied for online");
  return fit[0];
}

async function noHorizontalScroll(page, what) {
  const { sw, cw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }));
  assert.ok(sw <= cw, `${what}: page is ${sw}px wide in a ${cw}px viewport`);
}

async function fillForm(page, item, seq) {
  for (const f of item.form_schema.fields.filter((f) => f.required)) {
    const sel = `[name="form-${f.id}"]`;
    const v = { phone: "13800000000", date: "2026-03-01", month: "2026-03", money_fen: "12.34",
      integer: String(Math.max(f.min ?? 1, 1)), id_no: citizenId(seq + 500), credit_code: creditCode(seq) }[f.type];
    if (f.type === "enum") await page.selectOption(sel, f.values[0]);
    else if (f.type === "boolean") continue;
    else await page.fill(sel, v ?? "测试");
  }
}

for (const [label, viewport] of [["phone", { width: 390, height: 844 }], ["desktop", { width: 1366, height: 768 }]]) {
  test(`portal at ${label} width ${viewport.width}×${viewport.height}`, async () => {
    const item = await pickItem();
    const seq = label === "phone" ? 11 : 12;
    const context = await env.browser.newContext({ viewport, locale: "zh-CN" });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));

    // Region chooser, then the item list of 青海省.
    await page.goto(env.base + "/");
    assert.equal(await page.locator('meta[name="viewport"]').count(), 1);
    await page.getByRole("link", { name: /青海省/ }).click();
    await page.waitForURL(/\/r\/qinghai$/);
    await page.locator("#q").waitFor();
    await noHorizontalScroll(page, "item list");
    await page.screenshot({ path: join(shots, `${label}-items.png`), fullPage: true });

    // Search by code, then by name: the item is listed and opens its guide.
    await page.fill("#q", item.code);
    assert.match(await page.locator(".count").innerText(), /找到 1 个事项/);
    await page.fill("#q", item.name);
    await page.getByRole("link", { name: item.name, exact: true }).first().click();
    await page.waitForURL(new RegExp(`/items/${item.code}$`));
    await page.locator(".due").waitFor();

    // The 办事指南: Chinese headings, the flowchart, today's due date, no English text.
    const headings = await page.locator("main h2").allInnerTexts();
    for (const t of ["事项名称", "服务对象", "办理方式", "办理流程", "申办材料", "办理时限", "受理时间窗口", "设定依据", "监督电话"])
      assert.ok(headings.some((x) => x.includes(t)), `heading ${t} in ${headings}`);
    assert.ok((await page.locator("svg.flowchart").count()) >= 1 + (item.flows?.length ?? 0));
    const due = await page.locator(".due").innerText();
    if (item.time_limit.kind !== "unstated") assert.match(due, /2026-\d\d-\d\d/);
    const text = await page.locator("main").innerText();
    assert.doesNotMatch(text, /[A-Za-z]{4,}/, "no English shown to citizens");
    await noHorizontalScroll(page, "guide");
    await page.screenshot({ path: join(shots, `${label}-guide.png`), fullPage: true });

    // Apply online: a wrong check digit shows the inline error, the right number clears it.
    await page.getByRole("link", { name: "在线申办" }).click();
    await page.locator('[name="applicant-name"]').waitFor();
    await page.fill('[name="applicant-name"]', "测试申请人");
    const id = citizenId(seq);
    await page.fill('[name="applicant-id"]', wrongCheckDigit(id));
    const idError = page.locator('[name="applicant-id"] ~ .field-error');
    assert.match(await idError.innerText(), /校验位/);
    assert.equal(await page.locator('[name="applicant-id"]').getAttribute("aria-invalid"), "true");
    await page.fill('[name="applicant-id"]', id);
    assert.equal(await idError.innerText(), "");
    await page.fill('[name="applicant-phone"]', "13800000001");
    await fillForm(page, item, seq);
    await noHorizontalScroll(page, "apply");
    await page.screenshot({ path: join(shots, `${label}-apply.png`), fullPage: true });
    await page.getByRole("button", { name: "提交申请" }).click();

    // The receipt: case number and query code.
    await page.locator(".case-no").waitFor();
    const caseNo = await page.locator(".case-no").innerText();
    const queryCode = await page.locator(".query-code").innerText();
    assert.match(caseNo, /^\d{6}-20260310-\d{6,}$/);
    assert.match(queryCode, /^[A-Z0-9]{8}$/);
    await page.screenshot({ path: join(shots, `${label}-receipt.png`), fullPage: true });

    // Progress, typed in by hand in a fresh page load (nothing carried over).
    await page.goto(env.base + "/progress");
    await page.getByLabel("办件编号").fill(caseNo);
    await page.getByLabel("公民身份号码或统一社会信用代码").fill(id);
    await page.getByLabel("查询码").fill(queryCode);
    await page.getByLabel("查询码").press("Enter"); // keyboard only
    await page.locator(".stage").waitFor();
    assert.match(await page.locator(".stage").innerText(), /待受理|待补正/);
    assert.match(await page.locator(".timeline").innerText(), /2026-03-10/);
    await noHorizontalScroll(page, "progress");
    await page.screenshot({ path: join(shots, `${label}-progress.png`), fullPage: true });

    // A wrong query code tells nothing about the case.
    await page.getByLabel("查询码").fill("AAAAAAAA");
    await page.getByRole("button", { name: "查询" }).click();
    await page.getByRole("alert").waitFor();
    assert.match(await page.getByRole("alert").innerText(), /未查到/);

    // The clerk refuses it (不予受理, through the API as the workbench would): the applicant's
    // progress shows the result and the reason recorded with the decision.
    const reason = `不属于本机构受理范围（${label}）`;
    const clerk = `qinghai_${item.flow[0].role}`;
    const refused = await staffCall("POST", `/api/v1/cases/${caseNo}/not_accept`, clerk, { comment: reason });
    assert.equal(refused.status, "not_accepted");
    await page.getByLabel("查询码").fill(queryCode);
    await page.getByRole("button", { name: "查询" }).click();
    await page.locator(".reason").waitFor();
    assert.match(await page.locator(".stage").innerText(), /已办结（不予受理）/);
    assert.equal(await page.locator(".reason").innerText(), reason);
    await page.screenshot({ path: join(shots, `${label}-progress-refused.png`), fullPage: true });

    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("static files: caching, SPA fallback, no traversal, API untouched", async () => {
  const index = await fetch(env.base + "/r/qinghai/items/x");
  assert.equal(index.status, 200);
  assert.match(index.headers.get("content-type"), /^text\/html/);
  assert.equal(index.headers.get("cache-control"), "no-cache");
  const html = await index.text();
  const asset = /\/assets\/[^"]+\.js/.exec(html)[0];
  const js = await fetch(env.base + asset);
  assert.equal(js.status, 200);
  assert.match(js.headers.get("content-type"), /^text\/javascript/);
  assert.match(js.headers.get("cache-control"), /immutable/);
  assert.equal((await fetch(env.base + "/assets/nothing.js")).status, 404);
  const api = await fetch(env.base + "/api/v1/nothing");
  assert.equal(api.status, 404);
  assert.match(api.headers.get("content-type"), /json/);
});
