// 系统管理 (/staff/admin), for the region's administrators: the staff accounts (list, create with
// roles, change roles, disable / enable, reset a password — every refusal in the server's own
// words) and the holiday calendar the deadlines are counted by, one month grid per loaded year,
// with the years whose notice is not loaded marked 暂定.
import "../dashboard.css";
import { ApiError, type Session } from "../api/client";
import { admin, downloadXlsx, staffPath, type CalendarListing, type CalendarYear, type Staff } from "../api/dashboard";
import { h, render } from "../dom";
import { loadItems } from "../state";
import { staffBar } from "../workbench";
import { withRole } from "./dashboard";

// The role names that no flow step carries (flows name the others: 窗口受理人员, 初审人员 …).
const OWN_ROLE_NAMES: Record<string, string> = { supervisor: "监督人员", admin: "系统管理员" };

type Roles = Map<string, string>; // id → name, in a stable order

// The roles an account of this region may hold: the region's catalog roles (from its items'
// flows), the supervisor, the administrator, and whatever role an existing account holds.
async function regionRoles(region: string, staff: Staff[]): Promise<Roles> {
  const roles: Roles = new Map();
  for (const item of await loadItems(region))
    for (const flow of [item.flow, ...(item.flows ?? []).map((f) => f.flow)])
      for (const step of flow ?? []) if (step.role && !roles.has(step.role)) roles.set(step.role, step.role_name || step.role);
  for (const s of staff) for (const r of s.roles) if (!roles.has(r)) roles.set(r, OWN_ROLE_NAMES[r] ?? r);
  for (const [id, name] of Object.entries(OWN_ROLE_NAMES)) if (!roles.has(id)) roles.set(id, name);
  return roles;
}

const roleText = (roles: Roles, ids: string[]) => ids.map((r) => roles.get(r) ?? r).join("、");

function message() {
  return h("p", { class: "message", role: "status" });
}
function say(el: HTMLElement, text: string, ok: boolean) {
  el.textContent = text;
  el.className = `message ${ok ? "ok" : "error"}`;
  el.setAttribute("role", ok ? "status" : "alert");
}
const refusal = (e: unknown) => (e instanceof ApiError ? e.message : "操作失败，请稍后重试");

function rolesFieldset(idPrefix: string, roles: Roles, checked: string[]) {
  return h(
    "fieldset",
    { class: "roles-field" },
    h("legend", null, "角色"),
    [...roles].map(([id, name]) =>
      h(
        "div",
        { class: "field check" },
        h("input", { type: "checkbox", id: `${idPrefix}-${id}`, name: "roles", value: id, checked: checked.includes(id) }),
        h("label", { for: `${idPrefix}-${id}` }, `${name}（${id}）`),
      ),
    ),
  );
}
const checkedRoles = (form: HTMLFormElement) => [...form.querySelectorAll<HTMLInputElement>('input[name="roles"]:checked')].map((i) => i.value);
const field = (id: string, label: string, attrs: Record<string, string | boolean>) =>
  h("div", { class: "field" }, h("label", { for: id }, label), h("input", { id, name: id, ...attrs }));

const TITLE = "系统管理";
export const adminPage = () => withRole(TITLE, "/staff/admin", "admin", "系统管理仅限本地区系统管理员（admin 角色）使用。", adminView);

async function adminView(session: Session) {
  const title = TITLE;
  const token = session.token;
  let [staff, calendar] = await Promise.all([admin.staff(token), admin.calendar()]);
  const roles = await regionRoles(session.staff.region, staff);

  const listMessage = message();
  const editHost = h("div", { id: "edit-host" });
  const tbody = h("tbody");
  const showList = (list: Staff[]) => {
    staff = list;
    tbody.replaceChildren(
      ...list.map((s) => {
        const edit = h("button", { type: "button", class: "button small", "aria-label": `管理账号 ${s.username}` }, "管理") as HTMLButtonElement;
        edit.addEventListener("click", () => editPanel(s));
        return h(
          "tr",
          { "data-user": s.username },
          h("td", { "data-label": "用户名", class: "mono" }, s.username),
          h("td", { "data-label": "姓名" }, s.name),
          h("td", { "data-label": "角色", class: "roles" }, roleText(roles, s.roles)),
          h(
            "td",
            { "data-label": "状态" },
            s.disabled ? h("span", { class: "badge off" }, "已停用") : h("span", { class: "badge on" }, "启用"),
            s.locked ? h("span", { class: "badge off" }, `已锁定${s.locked_until ? "至 " + s.locked_until.slice(0, 16).replace("T", " ") : ""}`) : null,
          ),
          h("td", { "data-label": "操作" }, edit),
        );
      }),
    );
  };
  const reload = async () => showList(await admin.staff(token));
  // After a change: the row shows the server's answer (and the panel too).
  const replaced = (s: Staff) => {
    showList(staff.map((x) => (x.username === s.username ? s : x)));
    editPanel(s, true);
  };

  function editPanel(s: Staff, keepMessage = false) {
    const old = editHost.querySelector<HTMLElement>(".message");
    const msg = message();
    if (keepMessage && old) say(msg, old.textContent ?? "", !old.classList.contains("error"));
    const rolesForm = h("form", { class: "roles-form" }, rolesFieldset(`edit-role-${s.username}`, roles, s.roles), h("div", { class: "actions" }, h("button", { type: "submit", class: "button" }, "保存角色"))) as HTMLFormElement;
    rolesForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        const r = await admin.setRoles(token, s.username, checkedRoles(rolesForm));
        say(msg, `已将 ${r.username} 的角色改为：${roleText(roles, r.roles)}。其登录会话已结束。`, true);
        replaced(r);
      } catch (e) {
        say(msg, refusal(e), false);
      }
    });
    const toggle = h("button", { type: "button", class: "button" }, s.disabled ? "启用账号" : "停用账号") as HTMLButtonElement;
    toggle.addEventListener("click", async () => {
      toggle.disabled = true;
      try {
        const r = s.disabled ? await admin.enable(token, s.username) : await admin.disable(token, s.username);
        say(msg, r.disabled ? `已停用 ${r.username}，其登录会话已结束。` : `已启用 ${r.username}。`, true);
        replaced(r);
      } catch (e) {
        say(msg, refusal(e), false);
        toggle.disabled = false;
      }
    });
    const pwId = `reset-password-${s.username}`;
    const pwForm = h(
      "form",
      { class: "password-form filters" },
      h("div", { class: "field grow" }, h("label", { for: pwId }, "新密码"), h("input", { id: pwId, name: "password", type: "password", autocomplete: "new-password", required: true }), h("small", { class: "hint" }, "至少 10 位且含三类字符（小写、大写、数字、符号），或 16 位任意字符；不得包含用户名。")),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "button" }, "重置密码")),
    ) as HTMLFormElement;
    pwForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const input = pwForm.elements.namedItem("password") as HTMLInputElement;
      try {
        const r = await admin.setPassword(token, s.username, input.value);
        input.value = "";
        say(msg, `已重置 ${r.username} 的密码，其登录会话已结束。`, true);
      } catch (e) {
        say(msg, refusal(e), false);
      }
    });
    const heading = h("h3", { id: "edit-heading", tabindex: "-1" }, `管理账号：${s.name}（${s.username}）`);
    editHost.replaceChildren(
      h(
        "section",
        { class: "edit-panel", "aria-labelledby": "edit-heading", "data-user": s.username },
        heading,
        msg,
        rolesForm,
        h("div", { class: "actions" }, toggle),
        pwForm,
      ),
    );
    if (!keepMessage) heading.focus();
  }

  // Creating an account: the admin's own region; the server checks the rest (its message shown).
  const createMsg = message();
  const createForm = h(
    "form",
    { class: "create-staff" },
    h(
      "div",
      { class: "filters" },
      field("new-username", "用户名", { type: "text", autocomplete: "off", required: true }),
      field("new-name", "姓名", { type: "text", autocomplete: "off", required: true }),
      field("new-password", "初始密码", { type: "password", autocomplete: "new-password", required: true }),
    ),
    rolesFieldset("new-role", roles, []),
    createMsg,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button primary" }, "创建账号")),
  ) as HTMLFormElement;
  createForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = (n: string) => (createForm.elements.namedItem(n) as HTMLInputElement).value;
    try {
      const s = await admin.addStaff(token, {
        username: v("new-username").trim(),
        name: v("new-name").trim(),
        region: session.staff.region,
        password: v("new-password"),
        roles: checkedRoles(createForm),
      });
      createForm.reset();
      say(createMsg, `已创建账号 ${s.username}（${roleText(roles, s.roles)}）。`, true);
      await reload();
    } catch (e) {
      say(createMsg, refusal(e), false);
    }
  });

  const exportStatus = h("span", { class: "export-status", role: "status" });
  const exportButton = h("button", { type: "button", class: "button small" }, "导出 XLSX") as HTMLButtonElement;
  exportButton.addEventListener("click", async () => {
    try {
      exportStatus.textContent = `已导出：${await downloadXlsx(staffPath, token, "staff.xlsx")}`;
    } catch (e) {
      exportStatus.textContent = refusal(e);
    }
  });

  showList(staff);
  render(
    title,
    staffBar(session, "/staff/admin"),
    h("h1", null, title),
    h(
      "section",
      { "aria-labelledby": "staff-heading" },
      h("div", { class: "list-head" }, h("h2", { id: "staff-heading" }, "工作人员账号"), h("div", { class: "export" }, exportButton, exportStatus)),
      listMessage,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "cases staff-table" },
          h("caption", { class: "sr-only" }, "工作人员账号"),
          h("thead", null, h("tr", null, ["用户名", "姓名", "角色", "状态", "操作"].map((t) => h("th", { scope: "col" }, t)))),
          tbody,
        ),
      ),
      editHost,
    ),
    h("section", { "aria-labelledby": "create-heading" }, h("h2", { id: "create-heading" }, "新建账号"), createForm),
    calendarSection(calendar),
  );
}

// ---- The holiday calendar ----------------------------------------------------------------------

const WEEK = ["一", "二", "三", "四", "五", "六", "日"];

function monthGrid(y: CalendarYear, month: number, today: string) {
  const holidays = new Set(y.holidays);
  const workdays = new Set(y.adjusted_workdays);
  const first = new Date(Date.UTC(y.year, month - 1, 1));
  const days = new Date(Date.UTC(y.year, month, 0)).getUTCDate();
  const lead = (first.getUTCDay() + 6) % 7; // Monday first
  const cells: (HTMLElement | null)[] = Array.from({ length: lead }, () => h("td"));
  for (let d = 1; d <= days; d++) {
    const iso = `${y.year}-${String(month).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
    const weekday = (lead + d - 1) % 7;
    const name = y.names[iso];
    let cls = weekday >= 5 ? "weekend" : "";
    let mark: HTMLElement | null = null;
    let label = `${month}月${d}日`;
    if (holidays.has(iso)) {
      cls = "holiday";
      mark = h("span", { class: "mark" }, "休");
      label += `，${name ?? ""}假期`;
    } else if (workdays.has(iso)) {
      cls = "workday";
      mark = h("span", { class: "mark" }, "班");
      label += `，${name ? name + "调休" : "调休"}上班`;
    }
    if (iso === today) cls += " today";
    cells.push(h("td", { class: cls || null, "data-date": iso, title: mark ? label : null, "aria-label": mark ? label : null }, String(d), mark));
  }
  const rows: HTMLElement[] = [];
  for (let i = 0; i < cells.length; i += 7) rows.push(h("tr", null, cells.slice(i, i + 7)));
  return h(
    "table",
    { class: "month", "data-month": `${y.year}-${String(month).padStart(2, "0")}` },
    h("caption", null, `${y.year} 年 ${month} 月`),
    h("thead", null, h("tr", null, WEEK.map((w) => h("th", { scope: "col", abbr: `星期${w}` }, w)))),
    h("tbody", null, rows),
  );
}

function calendarSection(cal: CalendarListing) {
  const legend = h(
    "ul",
    { class: "cal-legend", "aria-label": "图例" },
    h("li", null, h("span", { class: "sample holiday" }, "休"), "法定节假日（放假）"),
    h("li", null, h("span", { class: "sample workday" }, "班"), "调休上班（周末上班）"),
    h("li", null, h("span", { class: "sample" }, "暂定"), "未载入国务院通知的年份：期限按周一至周五计算，标记为暂定"),
  );
  const years = cal.years.map((y) => {
    const id = `year-${y.year}`;
    const head = h(
      "h3",
      { id },
      `${y.year} 年`,
      y.provisional ? h("span", { class: "badge provisional" }, "暂定") : h("span", { class: "badge on" }, "已载入"),
    );
    if (y.provisional)
      return h(
        "section",
        { class: "cal-year provisional", "aria-labelledby": id, "data-year": y.year },
        head,
        h("p", { class: "note" }, `${y.year} 年节假日安排未载入：该年的期限按周一至周五计算，标记为暂定。载入国务院办公厅通知（calendar/${y.year}.yaml）并重启服务后即按实际安排计算。`),
      );
    return h(
      "section",
      { class: "cal-year", "aria-labelledby": id, "data-year": y.year },
      head,
      h("p", { class: "hint" }, y.source ? `依据：${y.source}。` : null, `法定节假日 ${y.holidays.length} 天，调休上班 ${y.adjusted_workdays.length} 天。`),
      h("div", { class: "months" }, Array.from({ length: 12 }, (_, i) => monthGrid(y, i + 1, cal.today))),
    );
  });
  return h("section", { "aria-labelledby": "calendar-heading", class: "calendar" }, h("h2", { id: "calendar-heading" }, "节假日安排（工作日历）"), legend, years);
}
