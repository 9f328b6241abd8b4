// Material uploads in real headless Chromium against the real `jingban serve --demo`: apply online,
// then on the receipt upload a PDF and a PNG for two materials (progress, result, the list, a
// file opened from the list), have a .txt refused before sending and a fake PDF refused by the
// server, each with its message — at phone width and at 1366×768. Screenshots in web/test-output/.
// Environment: JINGBAN_BIN (default ../build/jingban), CHROMIUM (default /usr/bin/chromium).
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { web, shots, citizenId as idNumber, useServerAndBrowser } from "./harness.mjs";

const FAKE_NOW = "2026-03-10T10:00:00"; // a Tuesday, a working day

const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);

const env = useServerAndBrowser("uploads", { fakeNow: FAKE_NOW });

const citizenId = (seq, birth = "19850101", area = "630102") => idNumber(seq, birth, area);

// An item a citizen applies for online today with only simple form fields and at least two
// materials required online, none behind a condition.
async function pickItem() {
  const items = await (await fetch(`${env.base}/api/v1/regions/qinghai/items`)).json();
  const online = (m) => !m.when && !(m.waived_channels ?? []).includes("网上") && !m.shared_data;
  const fit = items.filter(
    (it) => !it.internal && it.channels.includes("网上") && it.applicant[0] === "person" &&
      !(it.acceptance_windows ?? []).length && !(it.applicant_limits ?? []).length &&
      !it.form_schema.fields.some((f) => f.required && f.type === "list") &&
      it.materials.filter(online).length >= 2,
  );
  fit.sort((a, b) => a.form_schema.fields.filter((f) => f.required).length - b.form_schema.fields.filter((f) => f.required).length);
  assert.ok(fit.length, "an item with two materials that can be applied for online");
  return fit[0];
}

async function fillForm(page, item, seq) {
  for (const f of item.form_schema.fields.filter((f) => f.required)) {
    const sel = `[name="form-${f.id}"]`;
    const v = { phone: "13800000000", date: "2026-03-01", month: "2026-03", money_fen: "12.34",
      integer: String(Math.max(f.min ?? 1, 1)), id_no: citizenId(seq + 500) }[f.type];
    if (f.type === "enum") await page.selectOption(sel, f.values[0]);
    else if (f.type === "boolean") continue;
    else await page.fill(sel, v ?? "测试");
  }
}

async function noHorizontalScroll(page, what) {
  const { sw, cw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }));
  assert.ok(sw <= cw, `${what}: page is ${sw}px wide in a ${cw}px viewport`);
}

for (const [label, viewport, seq] of [["phone", { width: 390, height: 844 }, 31], ["desktop", { width: 1366, height: 768 }, 32]]) {
  test(`uploads on the receipt at ${label} width`, async () => {
    const item = await pickItem();
    const context = await env.browser.newContext({ viewport, locale: "zh-CN" });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));

    await page.goto(`${env.base}/r/qinghai/items/${item.code}/apply`);
    await page.locator('[name="applicant-name"]').waitFor();
    await page.fill('[name="applicant-name"]', "上传测试人");
    const id = citizenId(seq);
    await page.fill('[name="applicant-id"]', id);
    await page.fill('[name="applicant-phone"]', "13800000002");
    await fillForm(page, item, seq);
    await page.getByRole("button", { name: "提交申请" }).click();
    await page.locator(".case-no").waitFor({ timeout: 15000 }).catch(async (e) => {
      await page.screenshot({ path: join(shots, `${label}-uploads-apply-failed.png`), fullPage: true });
      throw new Error(`no receipt (${await page.locator(".alert").innerText()}; ${item.code}): ${e}`);
    });
    const caseNo = await page.locator(".case-no").innerText();
    const queryCode = await page.locator(".query-code").innerText();

    // One labelled file input per material, taking only the three types.
    const inputs = page.locator('.uploads input[type="file"]');
    assert.ok((await inputs.count()) >= 2);
    for (const i of [0, 1]) {
      assert.equal(await inputs.nth(i).getAttribute("accept"), ".pdf,.jpg,.jpeg,.png");
      const inputId = await inputs.nth(i).getAttribute("id");
      assert.equal(await page.locator(`label[for="${inputId}"]`).count(), 1, "a label for each input");
    }
    const box = (i) => page.locator(".upload-material").nth(i);

    // A PDF for the first material, a PNG for the second.
    await inputs.nth(0).setInputFiles({ name: "身份证.pdf", mimeType: "application/pdf", buffer: PDF });
    await box(0).locator(".upload-message.ok").waitFor();
    assert.match(await box(0).locator(".upload-message").innerText(), /已上传 身份证\.pdf/);
    await inputs.nth(1).setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: PNG });
    await box(1).locator(".upload-message.ok").waitFor();
    assert.equal(await box(0).locator(".upload-file").count(), 1);
    assert.match(await box(1).locator(".upload-list").innerText(), /photo\.png/);

    // A .txt is refused in the browser, before anything is sent.
    await inputs.nth(0).setInputFiles({ name: "说明.txt", mimeType: "text/plain", buffer: Buffer.from("hello") });
    await box(0).locator(".upload-message.error").waitFor();
    assert.match(await box(0).locator(".upload-message").innerText(), /只能上传 PDF、JPEG 或 PNG 文件/);
    // A text file named .pdf passes the browser's check; the server reads its first bytes.
    await inputs.nth(0).setInputFiles({ name: "假的.pdf", mimeType: "application/pdf", buffer: Buffer.from("not a pdf at all") });
    await box(0).locator(".upload-message.error").waitFor();
    await page.waitForFunction(() => /文件内容不是所声明的/.test(document.querySelector(".upload-material .upload-message")?.textContent ?? ""));
    assert.equal(await box(0).locator(".upload-file").count(), 1);
    await noHorizontalScroll(page, "receipt with uploads");
    await page.screenshot({ path: join(shots, `${label}-uploads.png`), fullPage: true });

    // What the server holds: exactly the two good files.
    const r = await fetch(`${env.base}/api/v1/cases/${caseNo}/files`, { headers: { "X-Id-No": id, "X-Query-Code": queryCode } });
    assert.equal(r.status, 200);
    const files = (await r.json()).files;
    assert.deepEqual(files.map((f) => [f.name, f.content_type, f.size]),
      [["身份证.pdf", "application/pdf", PDF.length], ["photo.png", "image/png", PNG.length]]);

    // 查看 opens the stored file (fetched with the applicant's headers) in a new tab.
    const [tab] = await Promise.all([context.waitForEvent("page"), box(1).getByRole("button", { name: "查看" }).click()]);
    await tab.waitForURL(/^blob:/);
    await tab.close();

    // A new page load lists what was uploaded (the widget reads the list from the server).
    assert.deepEqual(errors, []);
    await context.close();
  });
}
