// 经办工作台: one queue per flow step the signed-in user's roles may act on, each sorted by deadline
// with a light (green on time, yellow due within a working day, red overdue), and the case search
// (/staff/search: case number, ID number or credit code, part of a name, submission days, status,
// item, step, deadline) with paging over the server's total. Rows open the case page. Every call
// goes through the REST API with the bearer token (workbench.ts keeps the session).
import type { CaseSummary, Session } from "../api/client";
import { wb } from "../api/workbench";
import { h, link, render } from "../dom";
import { loadItems } from "../state";
import { go, light, staffBar, staffOnly, STATUS } from "../workbench";

export function staffPage() {
  return staffOnly(queues);
}
export function staffSearchPage() {
  return staffOnly(search);
}

const QUEUED = new Set(["submitted", "supplement", "in_progress"]);

// Earliest due date first; cases without one (not started, unstated) after, oldest first.
function byDeadline(a: CaseSummary, b: CaseSummary) {
  const da = a.due_on ?? "9999-12-31";
  const db = b.due_on ?? "9999-12-31";
  return da < db ? -1 : da > db ? 1 : a.submitted_at < b.submitted_at ? -1 : a.submitted_at > b.submitted_at ? 1 : 0;
}

async function queues(session: Session) {
  // The open cases of the user's region (the server's own region default), at most 500 a status.
  const pages = await Promise.all(
    [...QUEUED].map((status) => wb.search(session.token, new URLSearchParams({ status, limit: "500" }))),
  );
  const cases = pages.flatMap((p) => p.rows);
  const truncated = pages.some((p) => p.total > p.rows.length);
  const roles = new Set(session.staff.roles);
  // A queue per step (by name, as the flows name them) whose role this user holds.
  const byStep = new Map<string, CaseSummary[]>();
  for (const c of cases) {
    if (!QUEUED.has(c.status) || !c.step.role || !roles.has(c.step.role) || c.paused) continue;
    const step = c.step.name ?? "";
    byStep.set(step, [...(byStep.get(step) ?? []), c]);
  }
  const sections = [...byStep].map(([step, list]) => {
    list.sort(byDeadline);
    const id = `q-${encodeURIComponent(step).replace(/%/g, "")}`;
    return h(
      "section",
      { class: "queue", "aria-labelledby": id },
      h("h2", { id }, `${step}（${list.length} 件）`),
      caseTable(list),
    );
  });
  render(
    "经办工作台",
    staffBar(session, "/staff"),
    h("h1", null, "经办工作台"),
    await searchForm(session, new URLSearchParams(), true),
    truncated ? h("p", { class: "note" }, "待办件较多，队列只列出每种状态的前 500 件；请用办件查询按事项或环节筛选。") : null,
    sections.length ? sections : h("p", { class: "empty" }, "目前没有待您办理的办件。"),
  );
}

function caseTable(list: CaseSummary[]) {
  return h(
    "table",
    { class: "cases" },
    h("thead", null, h("tr", null, ["时限", "办件编号", "事项", "申请人", "状态", "当前环节", "办结期限"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", null, list.map(row)),
  );
}

function row(c: CaseSummary) {
  // data-label: at phone width each row is a card and every cell names its column.
  const cell = (label: string, content: Node | string, cls?: string) => h("td", { "data-label": label, class: cls ?? null }, content);
  return h(
    "tr",
    { "data-case": c.case_no },
    h("td", { class: "light-cell" }, light(c.deadline_status)),
    cell("办件编号", link(`/staff/cases/${encodeURIComponent(c.case_no)}`, c.case_no), "mono"),
    cell("事项", c.item_name),
    cell("申请人", `${c.applicant.name}（${c.applicant.id_no}）`),
    cell("状态", (STATUS[c.status] ?? c.status) + (c.paused ? "（暂停计时）" : "")),
    cell("当前环节", c.step.name ?? "—"),
    cell("办结期限", c.due_on ? c.due_on + (c.due_provisional ? "（暂定）" : "") : "—", "mono"),
  );
}

const DEADLINES: Record<string, string> = { overdue: "已超期", due_soon: "即将到期", on_time: "未超期", not_started: "未开始计时", unstated: "时限未载明" };
const SEARCH_KEYS = ["q", "from", "to", "status", "item", "step", "deadline"];
const PAGE = 20;

// The search form: every input labelled; submitting goes to /staff/search with the filters in
// the address (a reload or a shared link shows the same page of results).
async function searchForm(session: Session, params: URLSearchParams, compact: boolean) {
  const items = await loadItems(session.staff.region).catch(() => []);
  const steps = [...new Set(items.flatMap((i) => [...i.flow, ...i.flows.flatMap((f) => f.flow)].map((s) => s.step)))].sort();
  const input = (id: string, label: string, attrs: Record<string, string> = {}, cls = "") =>
    h("div", { class: `field ${cls}` }, h("label", { for: `s-${id}` }, label), h("input", { id: `s-${id}`, name: id, value: params.get(id) ?? "", ...attrs }));
  const select = (id: string, label: string, options: [string, string][]) =>
    h(
      "div",
      { class: "field" },
      h("label", { for: `s-${id}` }, label),
      h("select", { id: `s-${id}`, name: id }, h("option", { value: "" }, "全部"), options.map(([v, t]) => h("option", { value: v, selected: params.get(id) === v }, t))),
    );
  const form = h(
    "form",
    { class: "wb-search", role: "search", "aria-label": "办件查询" },
    h(
      "div",
      { class: "filters" },
      input("q", "办件编号、证件号码或申请人姓名", { maxlength: "64", autocomplete: "off" }, "grow"),
      input("from", "申请日期自", { type: "date" }),
      input("to", "申请日期至", { type: "date" }),
      compact ? null : select("status", "办件状态", Object.entries(STATUS)),
      compact ? null : select("deadline", "时限状态", Object.entries(DEADLINES)),
      compact ? null : select("item", "事项", items.filter((i) => !i.internal).map((i) => [i.code, `${i.name}（${i.code}）`])),
      compact ? null : select("step", "当前环节", steps.map((s) => [s, s])),
    ),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button primary" }, "查询"), compact ? link("/staff/search", "更多条件") : null),
  ) as HTMLFormElement;
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams();
    for (const k of SEARCH_KEYS) {
      const el = form.elements.namedItem(k) as HTMLInputElement | null;
      const v = el?.value.trim();
      if (v) q.set(k, v);
    }
    go(`/staff/search?${q}`);
  });
  return form;
}

async function search(session: Session) {
  const params = new URLSearchParams(location.search);
  const offset = Math.max(0, Number(params.get("offset")) || 0);
  const query = new URLSearchParams();
  for (const k of SEARCH_KEYS) if (params.get(k)) query.set(k, params.get(k)!);
  const form = await searchForm(session, params, false);
  const api = new URLSearchParams(query);
  api.set("limit", String(PAGE));
  api.set("offset", String(offset));
  const { rows, total } = await wb.search(session.token, api);
  const pageLink = (at: number, text: string, rel: string) => {
    const q = new URLSearchParams(query);
    if (at > 0) q.set("offset", String(at));
    return link(`/staff/search?${q}`, text, { class: "button small", rel });
  };
  const summary = total === 0 ? "没有符合条件的办件。" : rows.length === 0 ? `本页没有办件，共 ${total} 条。` : `第 ${offset + 1}–${offset + rows.length} 条，共 ${total} 条`;
  render(
    "办件查询",
    staffBar(session, "/staff/search"),
    h("h1", null, "办件查询"),
    form,
    h(
      "section",
      { class: "results", "aria-labelledby": "results-h" },
      h("h2", { id: "results-h" }, "查询结果"),
      h("p", { class: "count", role: "status" }, summary),
      rows.length ? h("div", { class: "wb-table" }, caseTable(rows)) : null,
      total > PAGE
        ? h(
            "nav",
            { class: "pager actions", "aria-label": "翻页" },
            offset > 0 ? pageLink(Math.max(0, offset - PAGE), "上一页", "prev") : null,
            offset + PAGE < total ? pageLink(offset + PAGE, "下一页", "next") : null,
          )
        : null,
    ),
  );
}
