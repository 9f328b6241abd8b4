// What the browser tests share: where things are, the real server started on a database file of
// the test's own (demo data, a fixed clock, the built UI) and stopped, and valid generated ID
// numbers and credit codes; a staff member signed in to the workbench; the axe-core check; the
// API client the tests drive cases with (apiClient); the usual fixture of a test file (a server on a
// temporary database and one headless Chromium, started before its tests and stopped after them:
// useServerAndBrowser).
// Environment: JINGBAN_BIN (default ../build/jingban), CHROMIUM (default /usr/bin/chromium),
// JINGBAN_WEB_DIST (default web/dist).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const web = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const root = join(web, "..");
export const binary = process.env.JINGBAN_BIN || join(root, "build", "jingban");
export const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
export const shots = join(web, "test-output");
// The built UI the server serves (JINGBAN_WEB_DIST, default web/dist).
export const dist = process.env.JINGBAN_WEB_DIST || join(web, "dist");

// `jingban serve --demo` on `db` with the clock at `fakeNow` (+ `extra` options); resolves with
// the process and its base URL once it says it listens.
export async function startServer(db, fakeNow, extra = []) {
  const proc = spawn(
    binary,
    ["serve", "--port", "0", "--db", db, "--demo", "--fake-now", fakeNow,
     "--rate-limit", "off", "--catalog", join(root, "catalog"), "--calendar", join(root, "calendar"),
     "--policy", join(root, "policy"), "--web", dist, ...extra],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  const base = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("server did not start")), 90000);
    proc.on("exit", (code) => reject(new Error(`server exited ${code}: ${out}`)));
    proc.stdout.on("data", (d) => {
      out += d;
      const m = /jingban listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) clearTimeout(timer), resolve(m[1]);
    });
  });
  proc.stdout.resume();
  return { proc, base };
}

export async function stopServer(proc) {
  if (proc && proc.exitCode === null) {
    const exited = new Promise((r) => proc.on("exit", r));
    proc.kill("SIGTERM");
    await exited;
  }
}

// The fixture most test files share, as node:test `before`/`after` hooks of the file: a temporary
// directory `jingban-<name>-…` holding the database, the server on it with the clock at `fakeNow`
// (+ `extra` server options), the screenshot directory, one headless Chromium; afterwards all of
// it closed and removed. The returned object's `base`, `browser`, `server` (the process) and `tmp`
// are filled in when the hook has run, so a test reads them as `env.base` etc. at run time. A file's
// own further setup (seeding through the API) is `setup(env)`, awaited at the end of the same hook:
// node 20 runs a file's top-level `before` hooks concurrently, so a second hook could not rely on
// the server being up.
export function useServerAndBrowser(name, { fakeNow = "2026-03-10T10:00:00", extra = [], setup } = {}) {
  const env = { base: undefined, browser: undefined, server: undefined, tmp: undefined };
  before(async () => {
    env.tmp = mkdtempSync(join(tmpdir(), `jingban-${name}-`));
    mkdirSync(shots, { recursive: true });
    ({ proc: env.server, base: env.base } = await startServer(join(env.tmp, "jingban.db"), fakeNow, extra));
    env.browser = await chromium.launch({ executablePath: browserPath, headless: true, args: ["--no-sandbox"] });
    if (setup) await setup(env);
  });
  after(async () => {
    await env.browser?.close();
    await stopServer(env.server);
    if (env.tmp) rmSync(env.tmp, { recursive: true, force: true });
  });
  return env;
}

// A GB 11643 citizen ID number with a valid check character.
export function citizenId(seq, birth = "19900101", area = "630102") {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const body = `${area}${birth}${String(seq % 1000).padStart(3, "0")}`;
  const sum = [...body].reduce((s, c, i) => s + Number(c) * w[i], 0);
  return body + "10X98765432"[sum % 11];
}

// A GB 32100 unified social credit code with a valid check character.
export function creditCode(seq) {
  const a = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const body = `91630100MA${String(seq % 10000000).padStart(7, "0")}`;
  const sum = [...body].reduce((s, c, i) => s + a.indexOf(c) * w[i], 0);
  return body + a[(31 - (sum % 31)) % 31];
}

// A page of a new browser context, signed in to the workbench as `username` (demo password).
export async function staffSignIn(browser, base, username, viewport = { width: 1366, height: 768 }) {
  const context = await browser.newContext({ viewport, locale: "zh-CN" });
  const page = await context.newPage();
  await page.goto(base + "/staff");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill("jingban-demo");
  await page.getByLabel("密码").press("Enter");
  await page.getByRole("heading", { level: 1, name: "经办工作台", exact: true }).waitFor();
  return page;
}

// axe-core on the page as it stands: no serious or critical violation. (Evaluated through the
// DevTools protocol: the page's CSP refuses an inline <script> and stays in force otherwise.)
const axeSource = join(web, "node_modules", "axe-core", "axe.min.js");
export async function assertAxeClean(page, what) {
  await page.evaluate(readFileSync(axeSource, "utf8"));
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  });
  assert.deepEqual(found, [], `${what}: axe`);
}

// The API as a test drives it: `call` (JSON in and out), `token` (a demo staff member's session,
// signed in once) and `act` (a case action that must answer 200). `base` is a function because
// the server's address is known only after before() started it.
export function apiClient(base) {
  async function call(method, path, body, token) {
    const headers = { "Content-Type": "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    const r = await fetch(base() + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
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
  return { call, token, act };
}
