// 社会保障卡 on the staff person page in real headless Chromium against `jingban serve --demo
// --fake-now 2026-03-10T10:00:00`, in Yunnan: 示例人员09 (a 城乡居民 enrolled from January in the
// demo register) has a card made (新参保制卡), then reports it lost and gets a new one (补卡, 遗失):
// the window accepts, the reviewer approves, the window closes each case (through the API, as the
// workbench tests drive the pages themselves). The person page then shows both cards, the old one
// 挂失 on the day with its reason, the new one 有效, each with its case. Checked with axe-core;
// screenshots at 1366×768 and 390×844.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { assertAxeClean, browserPath, citizenId, shots, staffSignIn, startServer, stopServer } from "./harness.mjs";

const R = "yunnan";
const CARD = "530000990003"; // 社会保障卡（加载金融功能）: 受理 → 审核 → 办结
// 示例人员09 (cli/demo.hpp: area 530099, born 1945-10-08, sequence 909), 城乡居民 from January.
const PERSON = { id_no: citizenId(909, "19451008", "530099"), name: "示例人员09" };

let server, base, browser, tmp;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "jingban-cards-"));
  mkdirSync(shots, { recursive: true });
  ({ proc: server, base } = await startServer(join(tmp, "jingban.db"), "2026-03-10T10:00:00"));
  browser = await chromium.launch({ executablePath: browserPath, headless: true, args: ["--no-sandbox"] });
});

after(async () => {
  await browser?.close();
  await stopServer(server);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function call(method, path, body, token) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
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
  const r = await call("POST", `/api/v1/cases/${no}/${action}`, body, await token(user));
  assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
  return r.body;
}
const axe = assertAxeClean;

async function cardCase(situation, form) {
  const item = (await call("GET", `/api/v1/regions/${R}/items/${CARD}`)).body;
  const sub = await call("POST", "/api/v1/cases", {
    region: R, item_code: CARD, channel: "窗口",
    applicant: { kind: "person", ...PERSON, phone: "13800000000" },
    conditions: [situation], form,
  }, await token(`${R}_window`));
  assert.equal(sub.status, 201, JSON.stringify(sub.body));
  const no = sub.body.case_no;
  await act(no, "accept", `${R}_window`, { materials: Object.fromEntries(item.materials.map((m) => [m.id, "provided"])) });
  await act(no, "approve", `${R}_reviewer`);
  await act(no, "complete", `${R}_window`);
  return no;
}

test("a card made, then replaced after a loss: both shown on the staff person page", async () => {
  const made = await cardCase("new_card", {});
  const first = (await call("GET", `/api/v1/regions/${R}/persons/${PERSON.id_no}/cards`, undefined, await token(`${R}_window`))).body.card.card_no;
  const replaced = await cardCase("replacement", { loss_kind: "遗失", loss_reported_on: "2026-03-09" });
  const now = (await call("GET", `/api/v1/regions/${R}/persons/${PERSON.id_no}/cards`, undefined, await token(`${R}_window`))).body.card.card_no;
  assert.notEqual(now, first);

  for (const [label, viewport] of [["desktop", { width: 1366, height: 768 }], ["phone", { width: 390, height: 844 }]]) {
    const page = await staffSignIn(browser, base, `${R}_supervisor`, viewport);
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${base}/staff/persons/${PERSON.id_no}`);
    const section = page.locator("section.cards-section");
    const cards = section.locator("table.cards");
    await cards.waitFor();
    assert.match(await section.locator(".card-current").innerText(), new RegExp(`有效，卡号 ${now}`));
    const old = await cards.locator("tbody tr", { hasText: first }).innerText();
    for (const want of ["挂失", "2026-03-10", "遗失", made]) assert.ok(old.includes(want), `${want} in ${old}`);
    const fresh = await cards.locator("tbody tr", { hasText: now }).innerText();
    for (const want of ["有效", replaced]) assert.ok(fresh.includes(want), `${want} in ${fresh}`);
    await cards.getByRole("link", { name: replaced }).waitFor();
    assert.match(await section.innerText(), /无退役士兵补缴记录/);
    await axe(page, `person page with cards (${label})`);
    await page.screenshot({ path: join(shots, `cards-person-${label}.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await page.context().close();
  }
});
