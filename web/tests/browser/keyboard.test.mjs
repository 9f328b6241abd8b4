// Keyboard-only operation in real headless Chromium against the real `jingban serve --demo`: on
// each main page, pressing Tab walks through every visible link, button, input, select and
// textarea of the page (none is skipped, none traps the focus), and the focused control shows a
// visible focus indicator (an outline or a box shadow). The staff pages are reached by signing in
// with the keyboard alone (type, Tab, type, Enter).
// Environment: JINGBAN_BIN (default ../build/jingban), CHROMIUM (default /usr/bin/chromium).
import assert from "node:assert/strict";
import { test } from "node:test";
import { useServerAndBrowser } from "./harness.mjs";

const env = useServerAndBrowser("keyboard");

const SELECTOR = "a[href], button, input:not([type=hidden]), select, textarea, summary";

// Every visible, enabled control a keyboard user must be able to reach, as "tag#index" keys: the
// index among the page's controls in document order, so that a control the page draws again
// (validation on blur) keeps its key.
async function controls(page) {
  return page.evaluate((sel) => {
    const out = [];
    document.querySelectorAll(sel).forEach((el, i) => {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      const hidden = r.width === 0 || r.height === 0 || style.visibility === "hidden" || el.closest("[hidden], [inert]");
      if (hidden || el.disabled || el.tabIndex < 0) return;
      // A radio group is one Tab stop: only its checked (or first) radio is reachable by Tab.
      if (el.type === "radio") {
        const group = [...document.querySelectorAll(`input[type=radio][name="${CSS.escape(el.name)}"]`)];
        const stop = group.find((x) => x.checked) ?? group[0];
        if (stop !== el) return;
      }
      out.push(`${el.tagName.toLowerCase()}#${i}`);
    });
    return out;
  }, SELECTOR);
}

// Tabs from the top of the page until the focus comes back round (or 400 presses), collecting
// what was focused and whether it showed a focus indicator.
async function walk(page, count) {
  await page.evaluate(() => {
    document.activeElement?.blur();
    window.scrollTo(0, 0);
  });
  const seen = [];
  const invisible = [];
  for (let i = 0; i < Math.min(600, count * 4 + 10); i++) {
    await page.keyboard.press("Tab");
    const f = await page.evaluate((sel) => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      const ring = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== "none");
      const i = [...document.querySelectorAll(sel)].indexOf(el);
      return { key: `${el.tagName.toLowerCase()}#${i < 0 ? "unlisted" : i}`, ring };
    }, SELECTOR);
    if (!f) continue;
    // A date input takes one Tab per part (year, month, day) while keeping the focus.
    if (f.key === seen.at(-1)) continue;
    if (seen.includes(f.key)) break; // round again
    seen.push(f.key);
    if (!f.ring) invisible.push(f.key);
  }
  return { seen, invisible };
}

async function checkPage(page, name) {
  const all = await controls(page);
  assert.ok(all.length > 0, `${name}: has controls`);
  const { seen, invisible } = await walk(page, all.length);
  const missed = all.filter((k) => !seen.includes(k));
  assert.deepEqual(missed, [], `${name}: controls Tab never reached`);
  assert.deepEqual(invisible, [], `${name}: controls focused without a visible focus indicator`);
}

test("portal pages: every control reachable by Tab, with a visible focus", async () => {
  const page = await env.browser.newPage({ viewport: { width: 1366, height: 768 }, locale: "zh-CN" });
  for (const [name, path, ready] of [
    ["home", "/r/qinghai", "h1"],
    ["guide", "/r/qinghai/items/002036001002", "h1"],
    ["apply", "/r/qinghai/items/002036001002/apply", "form"],
    ["progress", "/progress", "form"],
    ["compare", "/compare?code=002036007001", "h1"],
  ]) {
    await page.goto(env.base + path);
    await page.locator(ready).first().waitFor();
    await page.waitForLoadState("networkidle");
    await checkPage(page, name);
  }
  await page.close();
});

test("staff pages after signing in with the keyboard alone", async () => {
  const page = await env.browser.newPage({ viewport: { width: 1366, height: 768 }, locale: "zh-CN" });
  await page.goto(env.base + "/staff");
  await page.getByLabel("用户名").waitFor();
  await page.getByLabel("用户名").focus();
  await page.keyboard.type("qinghai_supervisor");
  await page.keyboard.press("Tab");
  await page.keyboard.type("jingban-demo");
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "经办工作台", exact: true }).waitFor();
  await page.waitForLoadState("networkidle");
  await checkPage(page, "queues");
  for (const [name, path] of [
    ["search", "/staff/search"],
    ["intake", "/staff/intake"],
    ["dashboard", "/staff/dashboard"],
  ]) {
    await page.goto(env.base + path);
    await page.locator("main h1").first().waitFor();
    await page.waitForLoadState("networkidle");
    await checkPage(page, name);
  }
  await page.close();
});
