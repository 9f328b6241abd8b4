// Xining's 待遇支付 run (630100990001) on the staff case page in real headless Chromium against
// `jingban serve --demo --fake-now 2026-03-10T10:00:00`: the window opens a run of three lines
// (两笔住院待遇, 一笔门诊待遇), the reviewer approves its 结算单, finance pays it (拨付) and makes
// the accounting voucher (编制会计凭证), the window closes it (月末与银行进行核对) — through the API,
// as tests/integration/test_yunnan_xining_extras.py does. The case page shows the voucher 已编制
// with its totals by purpose and the month's payments, then 已对账 with the export, which
// downloads the month's payments with the run's lines. At 1366×768 and 390×844 (no sideways
// scrolling), checked with axe-core.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { assertAxeClean, shots, staffSignIn, apiClient, useServerAndBrowser } from "./harness.mjs";

const X = "xining";
const RUN = "630100990001";
const FORM = {
  month: "2026-02",
  lines: [
    { payee_kind: "个人", payee: "张三", payee_account: "6222000011112222", amount_fen: 120000, purpose: "住院待遇", case_no: "630100-20260205-000003" },
    { payee_kind: "个人", payee: "王五", payee_account: "6222000011113333", amount_fen: 30050, purpose: "门诊待遇" },
    { payee_kind: "医药机构", payee: "示例医院", payee_account: "3301", amount_fen: 500000, purpose: "住院待遇" },
  ],
};
const TOTAL = 650050;

const env = useServerAndBrowser("benefit-run");

const { call, token, act } = apiClient(() => env.base);

async function noHorizontalScroll(page, what) {
  const { sw, cw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }));
  assert.ok(sw <= cw, `${what}: page is ${sw}px wide in a ${cw}px viewport`);
}

// The case page as `xining_supervisor` at each width; `check` looks at the voucher section.
async function onCasePage(no, what, check) {
  for (const [label, viewport] of [["desktop", { width: 1366, height: 768 }], ["phone", { width: 390, height: 844 }]]) {
    const page = await staffSignIn(env.browser, env.base, `${X}_supervisor`, viewport);
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${env.base}/staff/cases/${no}`);
    const section = page.locator("section.vouchers");
    await section.getByRole("heading", { level: 2, name: "待遇支付会计凭证" }).waitFor();
    await section.locator("article.voucher").waitFor();
    await check(page, section);
    if (label === "phone") await noHorizontalScroll(page, `case page with voucher (${what})`);
    await assertAxeClean(page, `case page with voucher (${what}, ${label})`);
    await page.screenshot({ path: join(shots, `benefit-run-${what}-${label}.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await page.context().close();
  }
}

test("a 待遇支付 run's voucher on the staff case page, made and then reconciled", async () => {
  const sub = await call("POST", "/api/v1/cases", { region: X, item_code: RUN, channel: "窗口", applicant: {}, conditions: [], form: FORM }, await token(`${X}_window`));
  assert.equal(sub.status, 201, JSON.stringify(sub.body));
  const no = sub.body.case_no;
  await act(no, "accept", `${X}_window`, { materials: {} });
  await act(no, "approve", `${X}_reviewer`);
  await act(no, "pay", `${X}_finance`, { amount_fen: TOTAL });
  await act(no, "pay", `${X}_finance`, { amount_fen: TOTAL }); // 编制会计凭证
  const [voucher] = (await call("GET", `/api/v1/regions/${X}/benefit-runs/${no}/vouchers`, undefined, await token(`${X}_finance`))).body.vouchers;
  assert.match(voucher.number, /^PZ630100\d{6}$/);

  const purposes = async (section) => (await section.locator("table.voucher-purposes tbody tr").allInnerTexts()).map((t) => t.replace(/\s+/g, " "));
  await onCasePage(no, "made", async (page, section) => {
    const text = await section.locator("article.voucher").innerText();
    for (const want of [`会计凭证 ${voucher.number}`, "已编制", "2026-02", "6500.50 元（3 笔）", "2026-03-10", "未对账"]) assert.ok(text.includes(want), `${want} in ${text}`);
    const rows = await purposes(section);
    assert.equal(rows.length, 2, rows.join(" | "));
    assert.ok(rows.some((r) => r.includes("住院待遇") && r.includes("2 笔") && r.includes("6200.00 元")), rows.join(" | "));
    assert.ok(rows.some((r) => r.includes("门诊待遇") && r.includes("1 笔") && r.includes("300.50 元")), rows.join(" | "));
    // The month's payments are on the staff payments page; no export before the reconciliation.
    const payments = section.getByRole("link", { name: "2026-03 拨付记录" });
    assert.equal(await payments.getAttribute("href"), "/staff/payments?month=2026-03");
    assert.equal(await section.getByRole("button", { name: /拨付对账文件/ }).count(), 0);
  });

  await act(no, "complete", `${X}_window`);
  await onCasePage(no, "reconciled", async (page, section) => {
    const text = await section.locator("article.voucher").innerText();
    for (const want of [voucher.number, "已对账", "2026-03-10"]) assert.ok(text.includes(want), `${want} in ${text}`);
    assert.ok(!text.includes("未对账"), text);
    assert.equal((await purposes(section)).length, 2);
    // The export: the month's payments, fetched with the token, with the run's three lines.
    const [download] = await Promise.all([page.waitForEvent("download"), section.getByRole("button", { name: "下载 2026-03 拨付对账文件（CSV）" }).click()]);
    assert.equal(download.suggestedFilename(), "payments-xining-2026-03.csv");
    const csv = readFileSync(await download.path(), "utf8");
    for (const want of ["张三", "王五", "示例医院", no]) assert.ok(csv.includes(want), `${want} in the export`);
  });
});
