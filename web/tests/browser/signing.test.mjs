// Qingdao's 门诊统筹签约 and 应届毕业生医保待遇资格确认 in real headless Chromium against `jingban
// serve --demo --fake-now 2026-03-10T10:00:00`: 示例人员01 of Qingdao (an employee of the demo
// register) signs online (网上: the window accepts and completes) with the demo's designated
// hospital H37020000001 and a doctor, and has their graduate qualification confirmed (graduation
// year = the year their 职工 enrolment began; 受理 → 审核 → 办结), all through the API. Then the
// staff person page shows the signing (clinic, doctor, date, channel, the case in its history)
// and the qualification, at desktop and phone width, and the portal's progress page shows the
// applicant their own. Every page is checked with axe-core; screenshots at 1366×768 and 390×844.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { assertAxeClean, citizenId, shots, staffSignIn, apiClient, useServerAndBrowser } from "./harness.mjs";

const R = "qingdao";
const SIGNING = "370200990005";
const GRADUATE = "370200990006";
const CLINIC = "H37020000001";
// 示例人员01 (cli/demo_registers.cpp demoCitizenId: area 370299, born 1968-06-08, sequence 901).
const PERSON = { id_no: citizenId(901, "19680608", "370299"), name: "示例人员01" };

const env = useServerAndBrowser("signing");

const { call, token, act } = apiClient(() => env.base);
// The applicant applies online (no token); the case's own flow is then driven by its roles.
async function applyOnline(code, form) {
  const item = (await call("GET", `/api/v1/regions/${R}/items/${code}`)).body;
  const materials = Object.fromEntries(item.materials.map((m) => [m.id, "provided"]));
  const sub = await call("POST", "/api/v1/cases", { region: R, item_code: code, channel: "网上", applicant: { kind: "person", ...PERSON, phone: "13800000000" }, materials, form });
  assert.equal(sub.status, 201, JSON.stringify(sub.body));
  const no = sub.body.case_no;
  let out = await act(no, "accept", `${R}_window`, { materials });
  while (out.status === "in_progress") out = await act(no, out.step.kind === "review" ? "approve" : "complete", `${R}_${out.step.role}`);
  assert.equal(out.status, "completed");
  return sub.body;
}

test("a signing and a graduate qualification, on the staff person page and in the portal", async () => {
  const signing = await applyOnline(SIGNING, { institution_code: CLINIC, doctor: "李医生" });
  const person = (await call("GET", `/api/v1/regions/${R}/persons/${PERSON.id_no}`, undefined, await token(`${R}_supervisor`))).body;
  const since = person.enrolments.filter((e) => e.insurance_type === "职工").map((e) => e.from).sort()[0];
  assert.ok(since, JSON.stringify(person.enrolments));
  const graduate = await applyOnline(GRADUATE, { graduation_year: Number(since.slice(0, 4)) });

  for (const [label, viewport] of [["desktop", { width: 1366, height: 768 }], ["phone", { width: 390, height: 844 }]]) {
    const page = await staffSignIn(env.browser, env.base, `${R}_supervisor`, viewport);
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${env.base}/staff/persons/${PERSON.id_no}`);
    const section = page.locator("section.signing");
    const current = section.locator("dl.signing-current");
    await current.waitFor();
    const text = await current.innerText();
    for (const want of ["青岛市示例医院", CLINIC, "李医生", "2026-03-10 起享受门诊统筹支付待遇", "网上", "有效"]) assert.ok(text.includes(want), `${want} in ${text}`);
    const history = await section.locator(".signing-history li").allInnerTexts();
    assert.equal(history.length, 1);
    assert.match(history[0], new RegExp(`${signing.case_no}：签约`));
    await section.locator(".signing-history").getByRole("link", { name: signing.case_no }).waitFor();
    assert.match(await section.locator(".hint").innerText(), /签约满 12 个月方可变更（示例参数）/);
    const item = section.locator("ul.benefit-qualifications li");
    assert.equal(await item.count(), 1);
    const q = await item.innerText();
    for (const want of ["应届毕业生医保待遇资格", "有效", "毕业年度", since.slice(0, 4), since, `${since}-01 起`, "2026-03-10", graduate.case_no]) assert.ok(q.includes(want), `${want} in ${q}`);
    await item.getByRole("link", { name: graduate.case_no }).waitFor();
    await assertAxeClean(page, `person page with signing (${label})`);
    await page.screenshot({ path: join(shots, `signing-person-${label}.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await page.context().close();
  }

  // The portal: the applicant's own signing and qualification on the progress page.
  const context = await env.browser.newContext({ viewport: { width: 390, height: 844 }, locale: "zh-CN" });
  const portal = await context.newPage();
  await portal.goto(`${env.base}/progress`);
  await portal.getByLabel("办件编号").fill(signing.case_no);
  await portal.getByLabel("公民身份号码或统一社会信用代码").fill(PERSON.id_no);
  await portal.getByLabel("查询码").fill(signing.query_code);
  await portal.getByRole("button", { name: "查询" }).click();
  const mine = portal.locator(".portal-signing");
  await mine.locator("dl.signing-current").waitFor();
  const text = await mine.innerText();
  for (const want of ["我的门诊统筹签约与待遇资格", "青岛市示例医院", "李医生", "应届毕业生"]) assert.ok(text.includes(want), `${want} in ${text}`);
  await assertAxeClean(portal, "portal progress with signing");
  await portal.screenshot({ path: join(shots, "signing-portal-phone.png"), fullPage: true });
  await context.close();
});
