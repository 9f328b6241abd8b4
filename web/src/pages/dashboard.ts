// 统计分析 (/staff/dashboard), for the region's supervisors: a period (default: this month, as the
// server reckons it), the counts by item, step, status and staff member, 按期办结率 and 满意率 as
// figures, a daily chart, the overdue and due-soon cases (links to the case page), the open
// follow-ups of poor ratings with their own deadline light, and an XLSX export of every list.
import "../dashboard.css";
import { ApiError, type Session } from "../api/client";
import { downloadXlsx, supervision, dashboardPath, casesPath, notificationsPath, type CaseSummary, type Dashboard, type NotificationList } from "../api/dashboard";
import { lineChart } from "../chart";
import { h, link, render } from "../dom";
import { go, light, staffBar, staffOnly } from "../workbench";

const CHANNELS: Record<string, string> = { online: "网上", window: "窗口" };
const ACTIONS: [string, string][] = [
  ["accept", "受理"],
  ["return", "一次性告知"],
  ["not_accept", "不予受理"],
  ["approve", "审核通过"],
  ["send_back", "退回"],
  ["reject", "不予通过"],
  ["pay", "拨付"],
  ["complete", "办结"],
  ["extend", "延长时限"],
  ["resolve_follow_up", "差评回访"],
  ["other", "其他"],
];

export const percent = (r: number | null | undefined) => (r === null || r === undefined ? "—" : `${(r * 100).toFixed(2)}%`);

// A workbench page for staff holding `role` (staffOnly signs in first); others are told plainly
// which role the page needs, under the workbench menu (which offers them no link to it).
export function withRole(title: string, path: string, role: string, refusal: string, page: (s: Session) => Promise<void>) {
  return staffOnly(async (session) => {
    if (!session.staff.roles.includes(role)) {
      render(title, staffBar(session, path), h("h1", null, title), h("p", { class: "notice", role: "alert" }, refusal));
      return;
    }
    await page(session);
  });
}

function lightLabel(status: string) {
  return h("span", { class: "light-label" }, light(status));
}

const th = (t: string, num = false) => h("th", { scope: "col", class: num ? "num" : null }, t);
const td = (label: string, content: Node | string | number, cls?: string) => h("td", { "data-label": label, class: cls ?? null }, typeof content === "number" ? String(content) : content);
const num = (label: string, v: number | undefined | null) => td(label, v === undefined || v === null ? "—" : String(v), "num");

function table(caption: string, heads: [string, boolean][], rows: HTMLElement[], empty = "本期间没有数据。") {
  if (!rows.length) return h("p", { class: "empty" }, empty);
  return h(
    "div",
    { class: "table-wrap" },
    h("table", { class: "cases stats" }, h("caption", { class: "sr-only" }, caption), h("thead", null, h("tr", null, heads.map(([t, n]) => th(t, n)))), h("tbody", null, rows)),
  );
}

// A button that saves the XLSX of `path`, reporting its outcome next to it.
function exportButton(label: string, path: string, token: string, fallback: string) {
  const status = h("span", { class: "export-status", role: "status" });
  const b = h("button", { type: "button", class: "button small" }, label) as HTMLButtonElement;
  b.addEventListener("click", async () => {
    b.disabled = true;
    status.textContent = "正在导出……";
    status.classList.remove("error");
    try {
      const name = await downloadXlsx(path, token, fallback);
      status.textContent = `已导出：${name}`;
    } catch (e) {
      status.textContent = e instanceof ApiError ? e.message : "导出失败，请稍后重试";
      status.classList.add("error");
    } finally {
      b.disabled = false;
    }
  });
  return h("div", { class: "export" }, b, status);
}

function caseList(title: string, id: string, list: CaseSummary[], token: string, path: string) {
  const rows = list.map((c) =>
    h(
      "tr",
      { "data-case": c.case_no, class: `deadline-${c.deadline_status}` },
      h("td", { class: "light-cell" }, lightLabel(c.deadline_status)),
      td("办件编号", link(`/staff/cases/${encodeURIComponent(c.case_no)}`, c.case_no), "mono"),
      td("事项", c.item_name),
      td("申请人", c.applicant.name),
      td("当前环节", c.step.name ?? "—"),
      // Not accepted yet but owing its one-time notice: the notice's day is the one supervised.
      td("办结期限", c.due_on ? c.due_on + (c.due_provisional ? "（暂定）" : "") : c.notice_due_on && !c.notice_answered_on ? `${c.notice_due_on}（一次性告知）` : "—", "mono"),
    ),
  );
  return h(
    "section",
    { class: "dash-list", "aria-labelledby": id, id: `${id}-section` },
    h("div", { class: "list-head" }, h("h2", { id }, `${title}（${list.length} 件）`), exportButton("导出 XLSX", path, token, `${id}.xlsx`)),
    table(title, [["时限", false], ["办件编号", false], ["事项", false], ["申请人", false], ["当前环节", false], ["办结期限", false]], rows, "目前没有此类办件。"),
  );
}

function figure(label: string, value: string, key: string, note?: string) {
  return h("div", { class: "figure", "data-figure": key }, h("dt", null, label), h("dd", null, h("span", { class: "value" }, value), note ? h("small", null, note) : null));
}

const TITLE = "统计分析";
export const dashboardPage = () =>
  withRole(TITLE, "/staff/dashboard", "supervisor", "统计分析仅限本地区监督人员（supervisor 角色）查看。如需查看，请联系系统管理员分配角色。", dashboard);

const NOTICE_KINDS: Record<string, string> = { accepted: "受理", supplement: "补正告知", completed: "办结", follow_up: "差评回访" };

async function dashboard(session: Session) {
  const title = TITLE;
  const params = new URLSearchParams(location.search);
  const from = params.get("from") ?? undefined;
  const to = params.get("to") ?? undefined;
  let d: Dashboard, overdue: CaseSummary[], dueSoon: CaseSummary[], failed: NotificationList;
  try {
    [d, overdue, dueSoon, failed] = await Promise.all([
      supervision.dashboard(session.token, session.staff.region, from, to),
      supervision.cases(session.token, { deadline: "overdue" }),
      supervision.cases(session.token, { deadline: "due_soon" }),
      supervision.failedNotifications(session.token, session.staff.region),
    ]);
  } catch (e) {
    if (e instanceof ApiError && e.status === 400) {
      // A bad period: say why and offer the default period.
      render(title, staffBar(session, "/staff/dashboard"), h("h1", null, title), h("p", { class: "notice", role: "alert" }, e.message), h("p", null, link("/staff/dashboard", "查看本月统计")));
      return;
    }
    throw e; // a 401 goes back to sign-in (staffOnly); anything else is the router's error page
  }
  const token = session.token;
  const s = d.summary;

  const periodForm = h(
    "form",
    { class: "period filters", method: "get", action: "/staff/dashboard" },
    h("div", { class: "field" }, h("label", { for: "from" }, "开始日期"), h("input", { id: "from", name: "from", type: "date", value: d.from, required: true })),
    h("div", { class: "field" }, h("label", { for: "to" }, "截止日期"), h("input", { id: "to", name: "to", type: "date", value: d.to, required: true })),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button primary" }, "查询")),
  ) as HTMLFormElement;
  periodForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = (periodForm.elements.namedItem("from") as HTMLInputElement).value;
    const t = (periodForm.elements.namedItem("to") as HTMLInputElement).value;
    go(`/staff/dashboard?from=${encodeURIComponent(f)}&to=${encodeURIComponent(t)}`);
  });

  const figures = h(
    "dl",
    { class: "figures" },
    figure("按期办结率", percent(s.on_time_rate), "on_time_rate", `按期办结 ${s.closed_on_time} / 办结 ${s.closed} 件`),
    figure("满意率", percent(s.satisfaction_rate), "satisfaction_rate", `满意 ${s.satisfied ?? 0} / 评价 ${s.ratings ?? 0} 件`),
    figure("申请件数", String(s.applications), "applications"),
    figure("办结件数", String(s.closed), "closed"),
    figure("在办件数", String(s.open), "open"),
    figure("已超期", String(s.overdue), "overdue"),
    figure("即将到期", String(s.due_soon), "due_soon"),
    figure("待回访差评", String(s.follow_ups_open ?? d.follow_ups.length), "follow_ups_open"),
  );

  const chart = lineChart(
    "每日申请与办结件数",
    d.daily.map((x) => x.date),
    [
      { name: "申请件数", values: d.daily.map((x) => x.applications), cls: "s-applications" },
      { name: "办结件数", values: d.daily.map((x) => x.closed), cls: "s-closed" },
      { name: "按期办结件数", values: d.daily.map((x) => x.closed_on_time), cls: "s-on-time" },
    ],
    (l) => l.slice(5),
  );

  const byItem = table(
    "按事项统计",
    [["事项", false], ["申请", true], ["办结", true], ["按期办结", true], ["按期办结率", true], ["在办", true], ["已超期", true], ["即将到期", true]],
    d.by_item.map((r) =>
      h(
        "tr",
        { "data-item": r.item_code ?? "" },
        td("事项", h("span", null, r.item_name || r.item_code || "—", h("br"), h("small", { class: "code" }, r.item_code ?? ""))),
        num("申请", r.applications),
        num("办结", r.closed),
        num("按期办结", r.closed_on_time),
        td("按期办结率", percent(r.on_time_rate), "num"),
        num("在办", r.open),
        num("已超期", r.overdue),
        num("即将到期", r.due_soon),
      ),
    ),
  );
  const byRegion = table(
    "按地区统计",
    [["地区", false], ["申请", true], ["办结", true], ["按期办结", true], ["按期办结率", true], ["在办", true], ["已超期", true], ["即将到期", true]],
    d.by_region.map((r) =>
      h(
        "tr",
        { "data-region": r.region },
        td("地区", r.region_name),
        num("申请", r.applications),
        num("办结", r.closed),
        num("按期办结", r.closed_on_time),
        td("按期办结率", percent(r.on_time_rate), "num"),
        num("在办", r.open),
        num("已超期", r.overdue),
        num("即将到期", r.due_soon),
      ),
    ),
  );
  const byStep = table("按环节统计（在办）", [["环节", false], ["在办件数", true]], d.by_step.map((r) => h("tr", null, td("环节", r.step), num("在办件数", r.open))), "目前没有在办件。");
  const byStatus = table("按状态统计", [["状态", false], ["件数", true]], d.by_status.map((r) => h("tr", null, td("状态", r.label), num("件数", r.count))));
  const byStaff = table(
    "按经办人统计",
    [["经办人", false], ["办件数", true], ["操作次数", true], ...ACTIONS.map(([, l]) => [l, true] as [string, boolean])],
    d.by_staff.map((r) => h("tr", null, td("经办人", r.username, "mono"), num("办件数", r.cases), num("操作次数", r.actions), ACTIONS.map(([k, l]) => num(l, r.by_action[k] ?? 0)))),
  );
  const scale = d.rating_scale ?? [];
  const ratingHeads = (first: string): [string, boolean][] => [[first, false], ["评价数", true], ["满意数", true], ["满意率", true], ...scale.map((x) => [x, true] as [string, boolean])];
  const satItem = table(
    "满意度（按事项）",
    ratingHeads("事项"),
    d.satisfaction_by_item.map((r) =>
      h("tr", null, td("事项", r.item_name || r.item_code || "—"), num("评价数", r.ratings), num("满意数", r.satisfied), td("满意率", percent(r.satisfaction_rate), "num"), scale.map((x) => num(x, r.by_rating[x] ?? 0))),
    ),
    "本期间没有评价。",
  );
  const satChannel = table(
    "满意度（按渠道）",
    ratingHeads("办理渠道"),
    d.satisfaction_by_channel.map((r) =>
      h(
        "tr",
        null,
        td("办理渠道", CHANNELS[r.channel ?? ""] ?? r.channel ?? "—"),
        num("评价数", r.ratings),
        num("满意数", r.satisfied),
        td("满意率", percent(r.satisfaction_rate), "num"),
        scale.map((x) => num(x, r.by_rating[x] ?? 0)),
      ),
    ),
    "本期间没有评价。",
  );
  const followUps = h(
    "section",
    { class: "dash-list", "aria-labelledby": "follow-ups", id: "follow-ups-section" },
    h("div", { class: "list-head" }, h("h2", { id: "follow-ups" }, `差评回访（${d.follow_ups.length} 件待回访）`), exportButton("导出 XLSX", casesPath({ follow_up: "open" }), token, "follow-ups.xlsx")),
    h("p", { class: "hint" }, `回访期限：评价后 ${d.follow_up_working_days ?? 15} 个工作日内。`),
    table(
      "差评回访",
      [["回访期限", false], ["办件编号", false], ["事项", false], ["评价", false], ["原因", false], ["评价时间", false], ["回访截止", false]],
      d.follow_ups.map((f) =>
        h(
          "tr",
          { "data-case": f.case_no, class: `deadline-${f.deadline_status}` },
          h("td", { class: "light-cell" }, lightLabel(f.deadline_status)),
          td("办件编号", link(`/staff/cases/${encodeURIComponent(f.case_no)}`, f.case_no), "mono"),
          td("事项", f.item_name || f.item_code || "—"),
          td("评价", f.rating),
          td("原因", f.reason || "—"),
          td("评价时间", f.rated_at.slice(0, 16).replace("T", " "), "mono"),
          td("回访截止", f.follow_up_due + (f.due_provisional ? "（暂定）" : ""), "mono"),
        ),
      ),
      "目前没有待回访的差评。",
    ),
  );

  // Messages to applicants that the gateway refused or that ran out of attempts: each can be put
  // back (the server sends it again at once).
  const notifications = h(
    "section",
    { class: "dash-list", "aria-labelledby": "failed-notices", id: "failed-notices-section" },
    h("div", { class: "list-head" }, h("h2", { id: "failed-notices" }, `发送失败的通知（${failed.notifications.length} 条）`), exportButton("导出 XLSX", notificationsPath(d.region, "failed"), token, "notifications-failed.xlsx")),
    table(
      "发送失败的通知",
      [["办件编号", false], ["通知", false], ["手机号", false], ["尝试次数", true], ["错误", false], ["操作", false]],
      failed.notifications.map((n) => {
        const status = h("span", { role: "status" });
        const b = h("button", { type: "button", class: "button small" }, "重新发送") as HTMLButtonElement;
        b.addEventListener("click", async () => {
          b.disabled = true;
          try {
            await supervision.retryNotification(token, n.message_id);
            status.textContent = "已重新排队发送";
          } catch (e) {
            status.textContent = e instanceof ApiError ? e.message : "操作失败，请稍后重试";
            b.disabled = false;
          }
        });
        return h(
          "tr",
          { "data-message": n.message_id },
          td("办件编号", link(`/staff/cases/${encodeURIComponent(n.case_no)}`, n.case_no), "mono"),
          td("通知", NOTICE_KINDS[n.kind] ?? n.kind),
          td("手机号", n.phone, "mono"),
          num("尝试次数", n.attempts),
          td("错误", n.last_error || "—"),
          h("td", null, b, " ", status),
        );
      }),
      "没有发送失败的通知。",
    ),
  );

  const section = (id: string, heading: string, ...body: (Node | null)[]) => h("section", { "aria-labelledby": id }, h("h2", { id }, heading), ...body);
  render(
    title,
    staffBar(session, "/staff/dashboard"),
    h("h1", null, `${title} · ${d.region_name ?? d.region}`),
    periodForm,
    h("p", { class: "hint", id: "period" }, `统计期间：${d.from} 至 ${d.to}（在办、超期与即将到期按今日 ${d.today} 计）`),
    h("div", { class: "list-head" }, h("h2", { id: "summary" }, "概况"), exportButton("导出统计表 XLSX", dashboardPath(d.region, d.from, d.to), token, "dashboard.xlsx")),
    figures,
    chart,
    caseList("已超期办件", "overdue", overdue, token, casesPath({ deadline: "overdue" })),
    caseList("即将到期办件", "due-soon", dueSoon, token, casesPath({ deadline: "due_soon" })),
    followUps,
    notifications,
    section("by-region", "按地区（本地区及下辖统筹区）", byRegion),
    section("by-item", "按事项", byItem),
    section("by-step", "按环节（在办）", byStep),
    section("by-status", "按状态", byStatus),
    section("by-staff", "按经办人", byStaff),
    section("sat-item", "满意度（按事项）", satItem),
    section("sat-channel", "满意度（按渠道）", satChannel),
  );
}
