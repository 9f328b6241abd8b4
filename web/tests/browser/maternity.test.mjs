// 生育津贴 on the staff person page in real headless Chromium against `jingban serve --demo
// --fake-now 2026-03-10T10:00:00`, in Qinghai: 示例人员02 (a woman, an employee of 示例单位01, a
// 企业, in the demo register) claims the allowance for a birth on 2026-02-01; the window accepts,
// the reviewer approves (the server computes the allowance from the unit's average wage the form
// carries: 6,000.00 元 ÷ 30 × 98 days), finance pays exactly that figure and the window closes the
// case (all through the API, as the workbench tests drive the pages themselves). Then the staff
// person page shows the 生育保险 section: the benefit, its days, payee and amount, the total and a
// link to the case; and the portal's progress page shows the mother the same record (her case's
// number and query code), and that query code opens no one else's. Checked with axe-core;
// screenshots at 1366×768 and 390×844.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { assertAxeClean, citizenId, shots, staffSignIn, apiClient, useServerAndBrowser } from "./harness.mjs";

const R = "qinghai";
const ALLOWANCE = "002036007004"; // 生育津贴: 受理 → 审核 → 拨付 → 办结
// 示例人员02 (cli/demo.hpp: area 630099, born 1971-11-15, sequence 902: even, a woman).
const MOTHER = { id_no: citizenId(902, "19711115", "630099"), name: "示例人员02" };

const env = useServerAndBrowser("maternity");

const { call, token, act } = apiClient(() => env.base);
const axe = assertAxeClean;

test("生育津贴 paid, then shown on the staff person page with days, payee, amount and the case", async () => {
  const item = (await call("GET", `/api/v1/regions/${R}/items/${ALLOWANCE}`)).body;
  const sub = await call("POST", "/api/v1/cases", {
    region: R, item_code: ALLOWANCE, channel: "窗口",
    applicant: { kind: "person", ...MOTHER, phone: "13800000000" },
    form: { birth_date: "2026-02-01", birth_kind: "顺产", babies: 1, unit_avg_monthly_wage_fen: 600000, payee_account: "6222000011114444" },
  }, await token(`${R}_window`));
  assert.equal(sub.status, 201, JSON.stringify(sub.body));
  const no = sub.body.case_no;
  await act(no, "accept", `${R}_window`, { materials: Object.fromEntries(item.materials.map((m) => [m.id, "provided"])) });
  await act(no, "approve", `${R}_reviewer`);
  const detail = (await call("GET", `/api/v1/cases/${no}`, undefined, await token(`${R}_finance`))).body;
  const payable = detail.register_effect.payable_fen;
  assert.equal(payable, 1_960_000); // 600,000 fen ÷ 30 × 98 days
  await act(no, "pay", `${R}_finance`, { amount_fen: payable });
  await act(no, "complete", `${R}_window`);

  for (const [label, viewport] of [["desktop", { width: 1366, height: 768 }], ["phone", { width: 390, height: 844 }]]) {
    const page = await staffSignIn(env.browser, env.base, `${R}_supervisor`, viewport);
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${env.base}/staff/persons/${MOTHER.id_no}`);
    const section = page.locator("section.maternity");
    const benefits = section.locator("table.maternity-benefits");
    await benefits.waitFor();
    const row = benefits.locator("tbody tr", { hasText: "生育津贴" });
    assert.equal(await row.count(), 1);
    const text = await row.innerText();
    for (const want of ["2026-02-01", "顺产", "98 天", "本人", "19600.00 元", no]) assert.ok(text.includes(want), `${want} in ${text}`);
    assert.match(await benefits.locator("caption").innerText(), /合计 19600\.00 元/);
    await row.getByRole("link", { name: no }).waitFor();
    // At phone width the row is a card: every cell names its column and takes the card's width
    // (not a column one letter wide), and the page does not scroll sideways.
    if (label === "phone")
      for (const table of [benefits, section.locator("table.maternity-filings")]) {
        if (!(await table.count())) continue;
        const cells = await table.locator("tbody td").evaluateAll((tds) => tds.map((td) => [td.dataset.label ?? "", td.getBoundingClientRect().width]));
        assert.ok(cells.length > 0);
        for (const [name, width] of cells) {
          assert.ok(name, "each cell names its column");
          assert.ok(width > 250, `${name}: ${width}px wide at phone width`);
        }
        const { sw, cw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }));
        assert.ok(sw <= cw, `person page is ${sw}px wide in a ${cw}px viewport`);
      }
    await axe(page, `person page with maternity (${label})`);
    await page.screenshot({ path: join(shots, `maternity-person-${label}.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await page.context().close();
  }

  // The mother on the portal's progress page of her case: her own 生育保险 record, the same row
  // and total as staff see, the case named without a link into the workbench.
  for (const [label, viewport] of [["desktop", { width: 1366, height: 768 }], ["phone", { width: 390, height: 844 }]]) {
    const context = await env.browser.newContext({ viewport, locale: "zh-CN" });
    const portal = await context.newPage();
    const errors = [];
    portal.on("pageerror", (e) => errors.push(String(e)));
    await portal.goto(`${env.base}/progress`);
    await portal.getByLabel("办件编号").fill(no);
    await portal.getByLabel("公民身份号码或统一社会信用代码").fill(MOTHER.id_no);
    await portal.getByLabel("查询码").fill(sub.body.query_code);
    await portal.getByRole("button", { name: "查询" }).click();
    const mine = portal.locator("section.portal-maternity");
    const benefits = mine.locator("table.maternity-benefits");
    await benefits.waitFor();
    assert.equal(await mine.getByRole("heading", { level: 2 }).innerText(), "我的生育保险");
    const row = benefits.locator("tbody tr", { hasText: "生育津贴" });
    assert.equal(await row.count(), 1);
    const text = await row.innerText();
    for (const want of ["2026-02-01", "顺产", "98 天", "本人", "19600.00 元", no]) assert.ok(text.includes(want), `${want} in ${text} (portal)`);
    assert.match(await benefits.locator("caption").innerText(), /合计 19600\.00 元/);
    assert.equal(await row.getByRole("link").count(), 0);
    await axe(portal, `portal progress with maternity (${label})`);
    await portal.screenshot({ path: join(shots, `maternity-portal-${label}.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await context.close();
  }
  // The case's query code opens no other person's record (示例人员04).
  const other = await fetch(`${env.base}/api/v1/regions/${R}/persons/${citizenId(904, "19770901", "630099")}/maternity?case_no=${no}`, {
    headers: { "X-Query-Code": sub.body.query_code },
  });
  assert.deepEqual([other.status, (await other.json()).error.code], [404, "no_such_application"]);
});
