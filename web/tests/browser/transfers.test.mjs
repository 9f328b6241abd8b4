// 转移接续 in real headless Chromium against one `jingban serve --demo --fake-now
// 2026-03-10T10:00:00` serving every region: 示例人员01 of Qinghai's demo register (an employee
// with a personal account) moves to Yunnan. Yunnan's window takes the 转入 application (转出地
// 青海省) and the case is driven through its own flow to 办结 through the API (the documents pass
// between the two regions within the server, as tests/integration/test_transfers.py drives it).
// Then the staff person page in Yunnan (转入) and in Qinghai (转出) and the applicant's own
// progress page in the portal show the same transfer: its status, the three stages with their due
// and done dates, the contribution months and the balance in 元 — the figures the API gives both
// sides. Each view at desktop (1366×768) and phone width (390×844), checked with axe-core.
// Finally the query code of the case opens nobody else's transfers.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { assertAxeClean, citizenId, shots, staffSignIn, useServerAndBrowser } from "./harness.mjs";

const FROM = "qinghai";
const TO = "yunnan";
// 示例人员01 of Qinghai (README: a 职工 of 示例单位01 with an account): area 630099, born
// 1968-06-08, sequence 901.
const PERSON = { id_no: citizenId(901, "19680608", "630099"), name: "示例人员01" };
const VIEWPORTS = [
  ["desktop", { width: 1366, height: 768 }],
  ["phone", { width: 390, height: 844 }],
];

const env = useServerAndBrowser("transfers");

async function call(method, path, body, token, headers = {}) {
  const all = { "Content-Type": "application/json", ...headers };
  if (token) all.Authorization = `Bearer ${token}`;
  const r = await fetch(env.base + path, { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}
const tokens = new Map();
async function token(username) {
  if (!tokens.has(username)) {
    const r = await call("POST", "/api/v1/session", { username, password: "jingban-demo" });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    tokens.set(username, r.body.token);
  }
  return tokens.get(username);
}
async function act(no, action, user, body = {}) {
  return call("POST", `/api/v1/cases/${no}/${action}`, body, await token(user));
}
async function staffTransfers(region) {
  const r = await call("GET", `/api/v1/regions/${region}/transfers?id_no=${PERSON.id_no}`, undefined, await token(`${region}_supervisor`));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

// The 转入 application at Yunnan's window, driven to 办结: each review step by a reviewer of its
// role who has not yet decided on the case (four eyes), every other step by its role.
async function transferToYunnan() {
  const items = (await call("GET", `/api/v1/regions/${TO}/items`)).body;
  const item = items.find((i) => i.effect === "relation_transfer" && !i.name.includes("转出"));
  assert.ok(item, "Yunnan's 转移接续 item");
  const sub = await call("POST", "/api/v1/cases", {
    region: TO, item_code: item.code, channel: "窗口",
    applicant: { kind: "person", ...PERSON, phone: "13800000000" },
    form: { from_region: "青海省" },
  }, await token(`${TO}_window`));
  assert.equal(sub.status, 201, JSON.stringify(sub.body));
  const { case_no: no, query_code } = sub.body;
  let r = await act(no, "accept", `${TO}_window`, { materials: Object.fromEntries(item.materials.map((m) => [m.id, "provided"])) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const decided = new Set();
  while (r.body.status === "in_progress") {
    const step = r.body.step;
    if (step.kind === "review") {
      const user = [`${TO}_${step.role}`, `${TO}_${step.role}_2`].find((u) => !decided.has(u));
      decided.add(user);
      r = await act(no, "approve", user);
    } else {
      r = await act(no, "complete", `${TO}_${step.role}`);
    }
    assert.equal(r.status, 200, `${step.name}: ${JSON.stringify(r.body)}`);
  }
  assert.equal(r.body.status, "completed", JSON.stringify(r.body));
  return { no, query_code };
}

// What a transfer block shows, read from the page: the heading, the facts and the stage rows.
async function readBlock(block) {
  return {
    heading: (await block.locator("h3").innerText()).trim(),
    status: (await block.locator(".transfer-status").innerText()).trim(),
    months: (await block.locator(".transfer-months").innerText()).trim(),
    balance: (await block.locator(".transfer-balance").innerText()).trim(),
    stages: await block.locator("table.transfer-stages tbody tr").evaluateAll((rows) =>
      rows.map((tr) => [...tr.children].map((c) => c.textContent.trim())),
    ),
  };
}

// The block the API's figures say should be there, seen from `region`.
function expected(t, region) {
  const names = { qinghai: "青海省", yunnan: "云南省" };
  return {
    heading: region === t.to_region ? `由${names[t.from_region]}转入（${t.transfer_id}）` : `转往${names[t.to_region]}（${t.transfer_id}）`,
    status: "已完成",
    months: `${t.contribution_months} 个月`,
    balance: `${(t.balance_fen / 100).toFixed(2)} 元`,
    stages: t.stages.map((s) => [s.name, names[s.region], s.started_on ?? "—", s.due_on ?? "—", s.done_on ?? "未办"]),
  };
}

async function noPageErrors(page, run) {
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await run();
  assert.deepEqual(errors, []);
}

// Nothing wider than the viewport: at phone width the stage table turns into cards.
async function assertFits(page, what) {
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(over <= 0, `${what}: ${over}px wider than the viewport`);
}

test("a transfer 青海 → 云南 shows the same stages, months and balance to staff of both regions and to the applicant", async () => {
  const { no, query_code } = await transferToYunnan();
  const [inbound, outbound] = [await staffTransfers(TO), await staffTransfers(FROM)];
  assert.equal(inbound.length, 1, JSON.stringify(inbound));
  assert.equal(outbound.length, 1, JSON.stringify(outbound));
  const t = inbound[0];
  // Both sides agree (the API's own contract), and the figures are worth showing.
  for (const k of ["transfer_id", "from_region", "to_region", "status", "contribution_months", "balance_fen", "stages"])
    assert.deepEqual(outbound[0][k], t[k], k);
  assert.equal(t.status, "已完成");
  assert.ok(t.contribution_months > 0 && t.balance_fen > 0, JSON.stringify(t));
  assert.deepEqual(t.stages.map((s) => s.name), ["联系函", "参保凭证及信息表、资金划转", "接续"]);
  for (const s of t.stages) assert.deepEqual([s.done_on, s.due_on], ["2026-03-10", "2026-03-17"]); // 5 working days

  const seen = [];
  for (const [label, viewport] of VIEWPORTS) {
    // Staff of each region on the person page.
    for (const region of [TO, FROM]) {
      const page = await staffSignIn(env.browser, env.base, `${region}_supervisor`, viewport);
      await noPageErrors(page, async () => {
        await page.goto(`${env.base}/staff/persons/${PERSON.id_no}`);
        const block = page.locator("section.transfers article.transfer");
        await block.waitFor();
        assert.equal(await block.count(), 1);
        const shown = await readBlock(block);
        assert.deepEqual(shown, expected(t, region), `${region} staff (${label})`);
        seen.push(shown);
        await assertFits(page, `${region} person page (${label})`);
        await assertAxeClean(page, `${region} person page with the transfer (${label})`);
        await page.screenshot({ path: join(shots, `transfers-${region}-staff-${label}.png`), fullPage: true });
      });
      await page.context().close();
    }

    // The applicant on the portal's progress page of their case (at Yunnan, where they applied).
    const context = await env.browser.newContext({ viewport, locale: "zh-CN" });
    const portal = await context.newPage();
    await noPageErrors(portal, async () => {
      await portal.goto(`${env.base}/progress`);
      await portal.getByLabel("办件编号").fill(no);
      await portal.getByLabel("公民身份号码或统一社会信用代码").fill(PERSON.id_no);
      await portal.getByLabel("查询码").fill(query_code);
      await portal.getByRole("button", { name: "查询" }).click();
      const section = portal.locator("section.portal-transfers");
      await section.locator("article.transfer").waitFor();
      assert.equal(await section.getByRole("heading", { level: 2 }).innerText(), "我的转移接续");
      const shown = await readBlock(section.locator("article.transfer"));
      assert.deepEqual(shown, expected(t, TO), `portal (${label})`);
      seen.push(shown);
      await assertFits(portal, `portal progress (${label})`);
      await assertAxeClean(portal, `portal progress with the transfer (${label})`);
      await portal.screenshot({ path: join(shots, `transfers-portal-${label}.png`), fullPage: true });
    });
    await context.close();
  }
  // The stages, months and balance read the same on every page (only the direction differs).
  for (const s of seen) assert.deepEqual([s.status, s.months, s.balance, s.stages], [seen[0].status, seen[0].months, seen[0].balance, seen[0].stages]);

  // The case's query code opens the applicant's own transfers only.
  const other = citizenId(904, "19770901", "630099"); // 示例人员04 of Qinghai's demo register
  const r = await call("GET", `/api/v1/regions/${TO}/transfers?id_no=${other}&case_no=${no}`, undefined, undefined, { "X-Query-Code": query_code });
  assert.deepEqual([r.status, r.body.error.code], [404, "no_such_application"]);
});
