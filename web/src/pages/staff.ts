// 经办工作台, first page: sign in / out, then one queue per flow step the signed-in user's roles
// may act on, each sorted by deadline with a light (green on time, yellow due within a working
// day, red overdue). Every call goes through the REST API with the bearer token; the token lives
// in this tab's sessionStorage only (gone when the tab closes), never in localStorage.
import { ApiError, staffApi, type CaseSummary, type Session } from "../api/client";
import { h, render } from "../dom";
import { loadRegions } from "../state";

const TOKEN_KEY = "jingban.staff";

function saved(): Session | null {
  try {
    const s = sessionStorage.getItem(TOKEN_KEY);
    return s ? (JSON.parse(s) as Session) : null;
  } catch {
    return null;
  }
}
function keep(s: Session | null) {
  try {
    if (s) sessionStorage.setItem(TOKEN_KEY, JSON.stringify(s));
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage unavailable: the session lasts until the page is reloaded */
  }
}

export async function staffPage() {
  const session = saved();
  if (!session) return signInForm();
  try {
    await queues(session);
  } catch (e) {
    // A revoked or expired token: back to the sign-in form, saying why.
    if (e instanceof ApiError && e.status === 401) {
      keep(null);
      return signInForm("登录已失效，请重新登录。");
    }
    throw e;
  }
}

function signInForm(message?: string) {
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
      const s = await staffApi.signIn(v("username").trim(), v("password"));
      keep(s);
      await staffPage();
    } catch (e) {
      alert.textContent = e instanceof ApiError ? e.message : "登录失败，请稍后重试";
      button.disabled = false;
    }
  });
  render("经办人员登录", h("h1", null, "经办工作台 · 登录"), form);
}

// The light of a case, by the server's own deadline status.
const LIGHTS: Record<string, [string, string]> = {
  overdue: ["red", "已超期"],
  due_soon: ["yellow", "即将到期"],
  on_time: ["green", "未超期"],
  not_started: ["grey", "未开始计时"],
  unstated: ["grey", "时限未载明"],
};
const STATUS: Record<string, string> = { submitted: "待受理", supplement: "待补正", in_progress: "办理中" };

// Earliest due date first; cases without one (not started, unstated) after, oldest first.
function byDeadline(a: CaseSummary, b: CaseSummary) {
  const da = a.due_on ?? "9999-12-31";
  const db = b.due_on ?? "9999-12-31";
  return da < db ? -1 : da > db ? 1 : a.submitted_at < b.submitted_at ? -1 : a.submitted_at > b.submitted_at ? 1 : 0;
}

async function queues(session: Session) {
  const cases = await staffApi.cases(session.token);
  const region = (await loadRegions()).find((r) => r.id === session.staff.region)?.name ?? session.staff.region;
  const roles = new Set(session.staff.roles);
  // A queue per step (by name, as the flows name them) whose role this user holds.
  const byStep = new Map<string, CaseSummary[]>();
  for (const c of cases) {
    if (!(c.status in STATUS) || !c.step.role || !roles.has(c.step.role) || c.paused) continue;
    const step = c.step.name ?? "";
    byStep.set(step, [...(byStep.get(step) ?? []), c]);
  }
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
    keep(null);
    signInForm("已退出登录。");
  });
  const sections = [...byStep].map(([step, list]) => {
    list.sort(byDeadline);
    const id = `q-${encodeURIComponent(step).replace(/%/g, "")}`;
    return h(
      "section",
      { class: "queue", "aria-labelledby": id },
      h("h2", { id }, `${step}（${list.length} 件）`),
      h(
        "table",
        { class: "cases" },
        h("thead", null, h("tr", null, ["时限", "办件编号", "事项", "申请人", "状态", "办结期限"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", null, list.map(row)),
      ),
    );
  });
  render(
    "经办工作台",
    h("div", { class: "staff-bar" }, h("h1", null, "经办工作台"), h("p", { class: "who" }, `${session.staff.username}（${region}）`, " ", signOut)),
    sections.length ? sections : h("p", { class: "empty" }, "目前没有待您办理的办件。"),
  );
}

function row(c: CaseSummary) {
  const [color, text] = LIGHTS[c.deadline_status] ?? ["grey", c.deadline_status];
  // data-label: at phone width each row is a card and every cell names its column.
  const cell = (label: string, content: Node | string, cls?: string) => h("td", { "data-label": label, class: cls ?? null }, content);
  return h(
    "tr",
    { "data-case": c.case_no },
    h("td", { class: "light-cell" }, h("span", { class: `light ${color}`, "aria-hidden": "true" }), h("span", { class: "light-text" }, text)),
    cell("办件编号", c.case_no, "mono"),
    cell("事项", c.item_name),
    cell("申请人", `${c.applicant.name}（${c.applicant.id_no}）`),
    cell("状态", STATUS[c.status] ?? c.status),
    cell("办结期限", c.due_on ? c.due_on + (c.due_provisional ? "（暂定）" : "") : "—", "mono"),
  );
}
