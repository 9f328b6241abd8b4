// 异地就医备案 end to end in real headless Chromium against `jingban serve --demo --fake-now
// 2026-03-10T10:00:00`, in Qinghai: 示例人员01 (an insured employee of the demo register) applies
// online for 异地长期居住人员备案 with a personal commitment (承诺制) in place of the 居住证 → the
// clerk accepts on the case page → 初审 and 复审 approve (two hands) → 办结 → the staff person page
// shows the filing (its number, long-term, 个人承诺书, the case in its history) and the portal's
// progress page shows the applicant their own filing. Then an overlapping temporary filing is
// refused at 受理 with the message shown on the case page. Every page is checked with axe-core.
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertAxeClean, staffSignIn, useServerAndBrowser } from "./harness.mjs";

const R = "qinghai";
const PERSON = { id_no: "630099196806089013", name: "示例人员01" }; // README: 示例人员01, 职工
const LONG_TERM = "002036004002";
const TEMPORARY = "002036004005";
const DESKTOP = { width: 1366, height: 768 };

const env = useServerAndBrowser("filings");

const axe = assertAxeClean;

const staffPage = (username) => staffSignIn(env.browser, env.base, username, DESKTOP);
async function openCase(page, no) {
  await page.goto(`${env.base}/staff/cases/${no}`);
  await page.locator("h1", { hasText: no }).waitFor();
}
async function act(page, action) {
  const form = page.locator(`form[data-action="${action}"]`);
  if (!(await form.isVisible())) await page.locator(`#act-${action} summary`).click();
  await form.getByRole("button", { name: /^确认/ }).click();
  return form;
}
async function flash(page, text) {
  await page.locator(".wb-flash", { hasText: text }).waitFor();
}

// The online application: the applicant, the form, and 承诺制 for the 居住证.
async function applyOnline(code, start) {
  const context = await env.browser.newContext({ viewport: DESKTOP, locale: "zh-CN" });
  const portal = await context.newPage();
  await portal.goto(`${env.base}/r/${R}/items/${code}/apply`);
  // The filing items take a unit or a person as applicant (the seed's 服务对象): a person here.
  const kind = portal.locator("#applicant-kind");
  if (await kind.count()) await kind.selectOption("person");
  await portal.locator('input[name="applicant-name"]').fill(PERSON.name);
  await portal.locator('input[name="applicant-id"]').fill(PERSON.id_no);
  await portal.locator('input[name="applicant-phone"]').fill("13800000000");
  const permit = portal.locator("fieldset.material", { hasText: "居住证" }).first();
  if (await permit.count()) await permit.getByLabel("以个人承诺书代替（承诺制）").check();
  // 004005 asks for an ID card or a social security card (任选其一): the ID card is brought.
  const idCard = portal.locator("fieldset.material", { hasText: "有效身份证件（任选其一" });
  if (await idCard.count()) await idCard.first().getByLabel("已备齐，按要求提交").check();
  await portal.getByLabel("就医地（省、市）").fill("海南省三亚市");
  await portal.getByLabel("备案开始日期（变更、取消备案为生效日期）").fill(start);
  await portal.getByRole("button", { name: "提交申请" }).click();
  const no = (await portal.locator(".case-no").innerText()).trim();
  const query_code = (await portal.locator(".query-code").innerText()).trim();
  return { portal, no, query_code };
}

test("apply online → 受理 → 初审 → 复审 → 办结 → the filing on the person's page and in the portal; an overlap refused", async () => {
  const { portal, no, query_code } = await applyOnline(LONG_TERM, "2026-03-10");
  await axe(portal, "receipt");

  const clerk = await staffPage(`${R}_window`);
  await openCase(clerk, no);
  await act(clerk, "accept");
  await flash(clerk, "已受理");
  const reviewer = await staffPage(`${R}_reviewer`);
  await openCase(reviewer, no);
  await act(reviewer, "approve");
  await flash(reviewer, "已审核通过");
  const senior = await staffPage(`${R}_senior_reviewer`);
  await openCase(senior, no);
  await act(senior, "approve");
  await flash(senior, "已审核通过");
  await openCase(clerk, no);
  await act(clerk, "complete");
  await flash(clerk, "已办结");

  // The staff person page: the filing with its number, period, proof and the case in its history.
  await clerk.goto(`${env.base}/staff/persons/${PERSON.id_no}`);
  const filing = clerk.locator(".care-list.filings .care-item").first();
  await filing.waitFor();
  const text = await filing.innerText();
  assert.match(text, /BA630000\d{6}/);
  assert.match(text, /异地长期居住（长期）/);
  assert.match(text, /2026-03-10 起长期有效/);
  assert.match(text, /海南省三亚市/);
  assert.match(text, /个人承诺书/);
  assert.match(text, new RegExp(no));
  assert.match(await filing.locator(".care-status").innerText(), /有效/);
  assert.match(await clerk.locator(".care").innerText(), /没有门诊慢特病认定/);
  await axe(clerk, "person page with filings");
  const number = text.match(/BA630000\d{6}/)[0];

  // The portal's progress page shows the applicant their own filing.
  await portal.goto(`${env.base}/progress`);
  await portal.getByLabel("办件编号").fill(no);
  await portal.getByLabel("公民身份号码或统一社会信用代码").fill(PERSON.id_no);
  await portal.getByLabel("查询码").fill(query_code);
  await portal.getByRole("button", { name: "查询" }).click();
  const mine = portal.locator(".portal-care");
  await mine.locator(".care-item", { hasText: number }).waitFor();
  assert.match(await mine.innerText(), /我的备案与认定/);
  await axe(portal, "portal progress with filings");

  // A temporary filing inside the long-term one: refused at 受理, the message on the case page.
  const second = await applyOnline(TEMPORARY, "2026-05-01");
  await openCase(clerk, second.no);
  const form = await act(clerk, "accept");
  const alert = form.locator(".alert", { hasText: "期间重叠" });
  await alert.waitFor();
  assert.match(await alert.innerText(), new RegExp(number));
  await axe(clerk, "overlap refused");
});
