// 社会保障卡 on the staff person page in real headless Chromium against `jingban serve --demo
// --fake-now 2026-03-10T10:00:00`, in Yunnan: 示例人员09 (a 城乡居民 enrolled from January in the
// demo register) has a card made (新参保制卡), then reports it lost and gets a new one (补卡, 遗失):
// the window accepts, the reviewer approves, the window closes each case (through the API, as the
// workbench tests drive the pages themselves). The person page then shows both cards, the old one
// 挂失 on the day with its reason, the new one 有效, each with its case. Then the applicant's own
// view on the portal's progress page: 示例人员10 back-pays months as a veteran (退役士兵补缴) and
// asks for an instant card (即时制卡); the progress page of the card's case shows the card
// 待银行制卡 with its bank notice, which opens as a page (fetched with the query code), and the
// months back-paid. Checked with axe-core; screenshots at 1366×768 and 390×844.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { assertAxeClean, citizenId, shots, staffSignIn, apiClient, useServerAndBrowser } from "./harness.mjs";

const R = "yunnan";
const CARD = "530000990003"; // 社会保障卡（加载金融功能）: 受理 → 审核 → 办结
const VETERAN = "530000990002"; // 退役士兵补缴城镇职工基本医疗保险: 受理 → 四个审核环节 → 办结
// 示例人员09 (cli/demo.hpp: area 530099, born 1945-10-08, sequence 909), 城乡居民 from January.
const PERSON = { id_no: citizenId(909, "19451008", "530099"), name: "示例人员09" };
// 示例人员10 (born 1952-03-15, sequence 910), 城乡居民 from January.
const VETERAN_PERSON = { id_no: citizenId(910, "19520315", "530099"), name: "示例人员10" };

const env = useServerAndBrowser("cards");

const { call, token, act } = apiClient(() => env.base);
const axe = assertAxeClean;

// A case of `code` submitted at the window and accepted with every material; its number and
// query code.
async function accepted(code, person, conditions, form) {
  const item = (await call("GET", `/api/v1/regions/${R}/items/${code}`)).body;
  const sub = await call("POST", "/api/v1/cases", {
    region: R, item_code: code, channel: "窗口",
    applicant: { kind: "person", ...person, phone: "13800000000" },
    conditions, form,
  }, await token(`${R}_window`));
  assert.equal(sub.status, 201, JSON.stringify(sub.body));
  await act(sub.body.case_no, "accept", `${R}_window`, { materials: Object.fromEntries(item.materials.map((m) => [m.id, "provided"])) });
  return sub.body;
}

async function cardCase(situation, form, person = PERSON) {
  const sub = await accepted(CARD, person, [situation], form);
  await act(sub.case_no, "approve", `${R}_reviewer`);
  await act(sub.case_no, "complete", `${R}_window`);
  return sub;
}

test("a card made, then replaced after a loss: both shown on the staff person page", async () => {
  const made = (await cardCase("new_card", {})).case_no;
  const first = (await call("GET", `/api/v1/regions/${R}/persons/${PERSON.id_no}/cards`, undefined, await token(`${R}_window`))).body.card.card_no;
  const replaced = (await cardCase("replacement", { loss_kind: "遗失", loss_reported_on: "2026-03-09" })).case_no;
  const now = (await call("GET", `/api/v1/regions/${R}/persons/${PERSON.id_no}/cards`, undefined, await token(`${R}_window`))).body.card.card_no;
  assert.notEqual(now, first);

  for (const [label, viewport] of [["desktop", { width: 1366, height: 768 }], ["phone", { width: 390, height: 844 }]]) {
    const page = await staffSignIn(env.browser, env.base, `${R}_supervisor`, viewport);
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${env.base}/staff/persons/${PERSON.id_no}`);
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

// The notice is fetched with the applicant's query code and shown from a blob URL. The page's CSP
// lets no script read a blob: URL and the protocol returns an empty body for a fetch read as a
// blob, so the answer the page gets is passed through a route that keeps it; the tab must show a
// blob.
async function noticeFrom(page, button) {
  let got = null;
  const match = (u) => /\/cards\/notice\.html$/.test(u.pathname);
  const through = async (route) => {
    const r = await route.fetch();
    const headers = route.request().headers();
    got = { status: r.status(), type: r.headers()["content-type"] ?? "", text: await r.text(), code: headers["x-query-code"], auth: !!headers.authorization, url: route.request().url() };
    await route.fulfill({ response: r });
  };
  await page.route(match, through);
  try {
    const [tab] = await Promise.all([page.context().waitForEvent("page"), button.click()]);
    await tab.waitForURL(/^blob:/);
    await tab.close();
  } finally {
    await page.unroute(match, through);
  }
  assert.ok(got, "the page fetched no notice");
  return got;
}

test("the applicant's own card (with its bank notice) and back-payment on the portal's progress page", async () => {
  const me = VETERAN_PERSON;
  const staff = async (path) => (await call("GET", `/api/v1/regions/${R}/persons/${me.id_no}/${path}`, undefined, await token(`${R}_window`))).body;
  const veteran = await accepted(VETERAN, me, [], { discharge_date: "2012-11-30", from_month: "2013-01", to_month: "2014-06", placement_unit: "某县粮食局" });
  await act(veteran.case_no, "approve", `${R}_reviewer`);
  await act(veteran.case_no, "approve", `${R}_reviewer`, { data: { unit_share_payer: "财政" } });
  await act(veteran.case_no, "approve", `${R}_reviewer`, { data: { personal_share_collected: true } });
  await act(veteran.case_no, "approve", `${R}_senior_reviewer`);
  await act(veteran.case_no, "complete", `${R}_window`);
  const back = (await staff("back-payments")).back_payments[0];
  assert.equal(back.months, 18);
  const card = await cardCase("instant_card", { bank: "某银行昆明分行" }, me);
  const notice = (await staff("cards")).card.notice;
  assert.match(notice.number, /^TZ530000\d{6}$/);

  for (const [label, viewport] of [["desktop", { width: 1366, height: 768 }], ["phone", { width: 390, height: 844 }]]) {
    const context = await env.browser.newContext({ viewport, locale: "zh-CN" });
    const portal = await context.newPage();
    const errors = [];
    portal.on("pageerror", (e) => errors.push(String(e)));
    await portal.goto(`${env.base}/progress`);
    await portal.getByLabel("办件编号").fill(card.case_no);
    await portal.getByLabel("公民身份号码或统一社会信用代码").fill(me.id_no);
    await portal.getByLabel("查询码").fill(card.query_code);
    await portal.getByRole("button", { name: "查询" }).click();
    const mine = portal.locator("section.portal-cards");
    const backs = mine.locator("table.back-payments");
    await backs.waitFor();
    assert.equal(await mine.getByRole("heading", { level: 2 }).innerText(), "我的社会保障卡与退役士兵补缴");
    assert.match(await mine.locator(".card-current").innerText(), /当前状态：待银行制卡/);
    const said = await mine.locator(".card-notice").innerText();
    for (const want of [notice.number, notice.issued_on]) assert.ok(said.includes(want), `${want} in ${said}`);
    const row = await backs.locator("tbody tr").innerText();
    for (const want of [back.number, "2013-01 至 2014-06", "18 个月", "财政", veteran.case_no]) assert.ok(row.includes(want), `${want} in ${row}`);
    assert.match(await backs.locator("caption").innerText(), /合计 18 个月/);
    // The applicant sees case numbers, not links into the workbench.
    assert.equal(await mine.getByRole("link").count(), 0);
    await axe(portal, `portal progress with card and back-payment (${label})`);
    await portal.screenshot({ path: join(shots, `cards-portal-${label}.png`), fullPage: true });

    // 打印通知单 opens the notice, fetched with the query code (no token), naming the number and
    // the bank and masking the ID number.
    const got = await noticeFrom(portal, mine.getByRole("button", { name: "打印通知单" }));
    assert.equal(got.status, 200);
    assert.match(got.type, /^text\/html/);
    assert.equal(got.code, card.query_code);
    assert.ok(!got.auth, "no token on the portal");
    assert.ok(new URL(got.url).searchParams.get("case_no") === card.case_no, got.url);
    for (const want of ["云南省金融社保卡新发卡通知单", notice.number, "某银行昆明分行", card.case_no]) assert.ok(got.text.includes(want), `${want} in the notice`);
    assert.ok(!got.text.includes(me.id_no), "the ID number is masked");
    assert.deepEqual(errors, []);
    await context.close();
  }

  // The case's query code opens no other person's card (示例人员09).
  const other = await fetch(`${env.base}/api/v1/regions/${R}/persons/${PERSON.id_no}/cards?case_no=${card.case_no}`, { headers: { "X-Query-Code": card.query_code } });
  assert.deepEqual([other.status, (await other.json()).error.code], [404, "no_such_application"]);
});
