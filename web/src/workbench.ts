// What the staff workbench's pages share: the session (the token lives in this tab's
// sessionStorage only, never in localStorage), the sign-in form, the guard every page runs behind
// (no session or a revoked token → the sign-in form, then back to the same page), the workbench
// menu, and small formatters (money, lights, statuses, downloads fetched with the token).
import "./workbench.css";
import { ApiError, staffApi, type Session } from "./api/client";
import { wb } from "./api/workbench";
import { h, link, render } from "./dom";
import { loadRegions } from "./state";

const TOKEN_KEY = "jingban.staff";

export function savedSession(): Session | null {
  try {
    const s = sessionStorage.getItem(TOKEN_KEY);
    return s ? (JSON.parse(s) as Session) : null;
  } catch {
    return null;
  }
}
export function keepSession(s: Session | null) {
  try {
    if (s) sessionStorage.setItem(TOKEN_KEY, JSON.stringify(s));
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage unavailable: the session lasts until the page is reloaded */
  }
}

// Moves to another path of the UI and lets the router (main.ts, listening to popstate) draw it.
export function go(path: string, replace = false) {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  window.dispatchEvent(new PopStateEvent("popstate"));
}
export function reload() {
  window.dispatchEvent(new PopStateEvent("popstate"));
}

export function signInForm(message?: string) {
  const alert = h("p", { class: "alert", role: "alert" }, message ?? "");
  const field = (id: string, label: string, type: string, autocomplete: string) =>
    h("div", { class: "field" }, h("label", { for: id }, label), h("input", { id, name: id, type, autocomplete, required: true }));
  const button = h("button", { type: "submit", class: "button primary" }, "登录") as HTMLButtonElement;
  const form = h("form", { class: "signin" }, field("username", "用户名", "text", "username"), field("password", "密码", "password", "current-password"), alert, h("div", { class: "actions" }, button)) as HTMLFormElement;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = (n: string) => (form.elements.namedItem(n) as HTMLInputElement).value;
    if (!v("username").trim() || !v("password")) {
      alert.textContent = "请填写用户名和密码。";
      return;
    }
    button.disabled = true;
    try {
      keepSession(await staffApi.signIn(v("username").trim(), v("password")));
      reload(); // the page that asked for the session, now signed in
    } catch (e) {
      alert.textContent = e instanceof ApiError ? e.message : "登录失败，请稍后重试";
      button.disabled = false;
    }
  });
  render("经办人员登录", h("h1", null, "经办工作台 · 登录"), form);
}

// Runs a workbench page with the session; without one, or when the server no longer knows the
// token (401), the sign-in form takes its place and the page follows the sign-in.
export async function staffOnly(page: (s: Session) => Promise<void> | void) {
  const session = savedSession();
  if (!session) return signInForm();
  try {
    await page(session);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      keepSession(null);
      return signInForm("登录已失效，请重新登录。");
    }
    throw e;
  }
}

// [path, text, role needed (none: every signed-in staff member)]; the server refuses the rest anyway.
const MENU: [string, string, string?][] = [
  ["/staff", "待办队列"],
  ["/staff/search", "办件查询"],
  ["/staff/intake", "窗口收件", "window"],
  ["/staff/persons", "参保人员"],
  ["/staff/units", "参保单位"],
  ["/staff/accounts", "个人账户"],
  ["/staff/payments", "拨付台账"],
  ["/staff/institutions", "定点医药机构"],
  ["/staff/settlements", "费用结算"],
  ["/staff/dashboard", "统计分析", "supervisor"],
  ["/staff/admin", "系统管理", "admin"],
];

// The workbench's own menu and the signed-in user with the sign-out button, above every page.
export function staffBar(session: Session, current: string) {
  const signOut = h("button", { type: "button", class: "button small" }, "退出登录") as HTMLButtonElement;
  signOut.addEventListener("click", async () => {
    signOut.disabled = true;
    try {
      await staffApi.signOut(session.token);
    } catch (e) {
      // Already revoked or expired: signed out all the same.
      if (!(e instanceof ApiError && e.status === 401)) {
        signOut.disabled = false;
        throw e;
      }
    }
    keepSession(null);
    history.pushState(null, "", "/staff");
    signInForm("已退出登录。");
  });
  // The region's name once the (cached) region list is there; its id until then.
  const regionName = h("span", null, session.staff.region);
  void loadRegions()
    .then((rs) => (regionName.textContent = rs.find((r) => r.id === session.staff.region)?.name ?? session.staff.region))
    .catch(() => undefined);
  return h(
    "div",
    { class: "wb-head no-print" },
    h(
      "nav",
      { class: "wb-menu", "aria-label": "工作台菜单" },
      MENU.filter(([, , role]) => !role || session.staff.roles.includes(role)).map(([path, text]) => link(path, text, { "aria-current": path === current ? "page" : null })),
    ),
    h("p", { class: "who" }, session.staff.username, "（", regionName, "）", " ", signOut),
  );
}

export const fen = (v: number | null | undefined) => (v === null || v === undefined ? "—" : `${(v / 100).toFixed(2)} 元`);
export const instant = (iso: string | null | undefined) => (iso ? iso.replace("T", " ").replace(/(:\d\d)(\.\d+)?([+-]\d\d:\d\d|Z)$/, "$1") : "—");

// The light of a case, by the server's own deadline status.
export const LIGHTS: Record<string, [string, string]> = {
  overdue: ["red", "已超期"],
  due_soon: ["yellow", "即将到期"],
  on_time: ["green", "未超期"],
  not_started: ["grey", "未开始计时"],
  unstated: ["grey", "时限未载明"],
};
export function light(status: string) {
  const [color, text] = LIGHTS[status] ?? ["grey", status];
  return [h("span", { class: `light ${color}`, "aria-hidden": "true" }), h("span", { class: "light-text" }, text)];
}
export const STATUS: Record<string, string> = {
  submitted: "待受理",
  supplement: "待补正",
  in_progress: "办理中",
  completed: "已办结",
  not_accepted: "不予受理",
  rejected: "审核不通过",
  withdrawn: "已撤回",
};
export const KINDS: Record<string, string> = { person: "个人", unit: "单位", institution: "医药机构" };

// A file behind the token (a PDF notice, an XLSX list): fetched, then opened or saved by the
// browser from a blob URL. Errors are the server's message in `out`.
export async function openFile(token: string, url: string, out: HTMLElement, filename?: string) {
  out.textContent = "";
  try {
    const blob = await wb.blob(token, url);
    const href = URL.createObjectURL(blob);
    const a = h("a", { href, target: "_blank", rel: "noopener", download: filename ?? null }) as HTMLAnchorElement;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 60_000);
  } catch (e) {
    out.textContent = e instanceof ApiError ? e.message : "下载失败，请稍后重试";
  }
}

// A table with a header row; at phone width each row becomes a card whose cells name their column.
export function table(cls: string, heads: string[], rows: (Node | string)[][], caption?: string) {
  return h(
    "div",
    { class: "wb-table" },
    h(
      "table",
      { class: `cases ${cls}` },
      caption ? h("caption", null, caption) : null,
      h("thead", null, h("tr", null, heads.map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", null, rows.map((r) => h("tr", null, r.map((c, i) => h("td", { "data-label": heads[i] ?? "" }, c))))),
    ),
  );
}

// A term / value list.
export function facts(pairs: [string, Node | string | null | undefined | (Node | string)[]][]) {
  return h(
    "dl",
    { class: "facts" },
    pairs.filter(([, v]) => v !== null && v !== undefined && v !== "").map(([k, v]) => [h("dt", null, k), h("dd", null, v as Node)]),
  );
}
