// 定点医药机构 (items 009001 / 009002). The workbench: the region's register of designated
// institutions (filters by category and status), one institution with its agreement, period, level
// and change history, its status changes (暂停 / 恢复定点 / 解除协议, with the form a 复审 staff
// member records one in), and an institution's evaluation outcomes (评估结论: failed evaluations
// and the first day it may apply again). The portal: the applicant institution's own designation,
// found with the three keys of the progress query.
import "./institutions.css";
import { ApiError, call, type Schemas } from "../api/client";
import { h, link, render } from "../dom";
import { facts, go, instant, reload, staffBar, staffOnly, table } from "../workbench";
import { uuid } from "./staff_case";
import type { Session } from "../api/client";

type Institution = Schemas["Institution"];
type InstitutionDetail = Schemas["InstitutionDetail"];
type InstitutionList = Schemas["InstitutionList"];
type InstitutionApplication = Schemas["InstitutionApplication"];
type InstitutionProgress = Schemas["InstitutionProgress"];
type InstitutionStaffView = Schemas["InstitutionStaffView"];
type StatusChange = Schemas["InstitutionStatusChange"];

const PAGE = 50;
const enc = encodeURIComponent;
const reg = (region: string) => `/api/v1/regions/${enc(region)}`;
const get = <T>(token: string, url: string) => call<T>("GET", url, undefined, undefined, token);
const caseLink = (no: string | null | undefined) => (no ? link(`/staff/cases/${enc(no)}`, no, { class: "mono" }) : "—");

export const staffInstitutionsPage = () => staffOnly(list);
export const staffInstitutionPage = (code: string) => staffOnly((s) => one(s, code));
export const staffInstitutionApplicationPage = (credit: string) => staffOnly((s) => outcomes(s, credit));

const FIELD_NAMES: Record<string, string> = {
  name: "名称",
  category: "类别",
  level: "等级",
  division: "行政区划",
  agreement_no: "协议编号",
  case_no: "办件",
  address: "地址",
  bank_account: "银行账号",
  status: "状态",
  from: "协议起始",
  to: "协议终止",
  owner: "统一社会信用代码",
  status_changes: "定点状态变更",
};

const period = (i: Institution) => `${i.from || "—"} 至 ${i.to || "未定终止日期"}`;

function select(id: string, label: string, name: string, value: string, options: string[]) {
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    h("select", { id, name }, h("option", { value: "" }, "全部"), options.map((o) => h("option", { value: o, selected: o === value ? true : null }, o))),
  );
}

async function list(session: Session) {
  const q = new URLSearchParams(location.search);
  const category = q.get("category") ?? "";
  const status = q.get("status") ?? "";
  const offset = Math.max(0, Number(q.get("offset")) || 0);
  const params = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  if (category) params.set("category", category);
  if (status) params.set("status", status);
  const data = await get<InstitutionList>(session.token, `${reg(session.staff.region)}/institutions?${params}`);

  const filters = h(
    "form",
    { class: "wb-search", role: "search", "aria-label": "筛选定点医药机构" },
    h("div", { class: "filters" }, select("inst-category", "类别", "category", category, ["医疗机构", "零售药店"]), select("inst-status", "状态", "status", status, ["定点", "暂停", "解除"])),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button primary" }, "筛选")),
  ) as HTMLFormElement;
  filters.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    for (const k of ["category", "status"]) {
      const v = (filters.elements.namedItem(k) as HTMLSelectElement).value;
      if (v) p.set(k, v);
    }
    go(`/staff/institutions${p.size ? `?${p}` : ""}`);
  });

  const lookup = h(
    "form",
    { class: "wb-search", role: "search", "aria-label": "查看评估结论" },
    h(
      "div",
      { class: "filters" },
      h("div", { class: "field grow" }, h("label", { for: "inst-credit" }, "统一社会信用代码"), h("input", { id: "inst-credit", name: "credit", maxlength: 18, autocomplete: "off", required: true, "aria-describedby": "inst-credit-hint" }), h("p", { class: "hint", id: "inst-credit-hint" }, "查看该机构的评估结论、再次申请日期和定点情况")),
    ),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button" }, "查看评估结论")),
  ) as HTMLFormElement;
  lookup.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = (lookup.elements.namedItem("credit") as HTMLInputElement).value.trim().toUpperCase();
    if (v) go(`/staff/institution-applications/${enc(v)}`);
  });

  const shownTo = offset + data.institutions.length;
  const pageTo = (at: number) => {
    const p = new URLSearchParams(q);
    if (at > 0) p.set("offset", String(at));
    else p.delete("offset");
    return `/staff/institutions?${p}`;
  };
  render(
    "定点医药机构",
    staffBar(session, "/staff/institutions"),
    h("h1", null, "定点医药机构"),
    filters,
    lookup,
    data.institutions.length
      ? [
          h("p", { class: "count", role: "status" }, `第 ${offset + 1}–${shownTo} 家，共 ${data.total} 家`),
          table(
            "institutions",
            ["定点编码", "名称", "类别", "等级", "状态", "协议期限", "办件"],
            data.institutions.map((i) => [link(`/staff/institutions/${enc(i.code)}`, i.code, { class: "mono" }), i.name, i.category, i.level || "—", h("span", { class: `inst-status s-${i.status}` }, i.status), period(i), caseLink(i.case_no)]),
          ),
          offset > 0 || shownTo < data.total
            ? h(
                "nav",
                { class: "pager actions", "aria-label": "翻页" },
                offset > 0 ? link(pageTo(Math.max(0, offset - PAGE)), "上一页", { class: "button small", rel: "prev" }) : null,
                shownTo < data.total ? link(pageTo(shownTo), "下一页", { class: "button small", rel: "next" }) : null,
              )
            : null,
        ]
      : h("p", null, "没有符合条件的定点医药机构。"),
  );
}

function shown(v: unknown): string {
  if (v === null || v === undefined || v === "") return "（空）";
  return String(v);
}

// What a 复审 staff member may change a status to, in the register's words and as the agency says
// it: 暂停, 恢复定点, 解除协议 (final).
const STATUS_ACTIONS: [string, string][] = [
  ["暂停", "暂停定点"],
  ["定点", "恢复定点"],
  ["解除", "解除协议"],
];
const STATUS_ROLE = "senior_reviewer";
let flash: string | null = null;

function statusChanges(changes: StatusChange[]) {
  return changes.length
    ? table(
        "status-changes",
        ["生效日期", "变更", "原因", "登记人", "登记时间"],
        changes.map((c) => [c.effective_on, h("span", null, h("span", { class: `inst-status s-${c.before}` }, c.before), " → ", h("span", { class: `inst-status s-${c.status}` }, c.status)), c.reason, c.by, instant(c.at)]),
      )
    : h("p", null, "自定点以来状态未变更。");
}

function statusForm(session: Session, i: InstitutionDetail) {
  if (!session.staff.roles.includes(STATUS_ROLE)) return h("p", { class: "hint" }, "暂停、恢复定点或解除协议由复审人员（科长）办理。");
  if (i.status === "解除") return h("p", { class: "hint" }, "服务协议已解除，定点状态不能再变更。");
  const alert = h("p", { class: "alert", role: "alert" });
  // One key per attempt of this form: a resubmission after a lost answer is not a second change.
  let key = uuid();
  const form = h(
    "form",
    { class: "card inst-status-form", "aria-labelledby": "st-form-h" },
    h("h3", { id: "st-form-h" }, "变更定点状态"),
    h(
      "div",
      { class: "field" },
      h("label", { for: "st-status" }, "变更为"),
      h("select", { id: "st-status", name: "status", required: true }, STATUS_ACTIONS.filter(([v]) => v !== i.status).map(([v, label]) => h("option", { value: v }, `${label}（${v}）`))),
    ),
    h(
      "div",
      { class: "field" },
      h("label", { for: "st-effective" }, "生效日期"),
      h("input", { id: "st-effective", name: "effective_on", type: "date", required: true, min: i.from || null, "aria-describedby": "st-effective-hint" }),
      h("p", { class: "hint", id: "st-effective-hint" }, "不早于协议起始日和上一次变更的生效日，不晚于今天；就诊日期在生效日及以后的费用按新状态审核。"),
    ),
    h("div", { class: "field" }, h("label", { for: "st-reason" }, "原因"), h("textarea", { id: "st-reason", name: "reason", required: true, maxlength: 200, rows: 3 })),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button primary" }, "登记状态变更")),
    alert,
  ) as HTMLFormElement;
  form.addEventListener("input", () => (key = uuid()));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    alert.textContent = "";
    const val = (n: string) => (form.elements.namedItem(n) as HTMLInputElement).value;
    const button = form.querySelector("button") as HTMLButtonElement;
    button.disabled = true;
    try {
      const out = await call<InstitutionStaffView>("POST", `${reg(session.staff.region)}/institutions/${enc(i.code)}/status`, { status: val("status"), reason: val("reason").trim(), effective_on: val("effective_on") }, key, session.token);
      const last = out.status_changes[out.status_changes.length - 1];
      flash = `已登记：自 ${last?.effective_on ?? ""} 起定点状态为“${out.status}”。`;
      reload();
    } catch (e) {
      alert.textContent = e instanceof ApiError ? e.message : "登记失败，请稍后重试";
      button.disabled = false;
    }
  });
  return form;
}

async function one(session: Session, code: string) {
  const i = await get<InstitutionDetail>(session.token, `${reg(session.staff.region)}/institutions/${enc(code)}`);
  const message = flash;
  flash = null;
  render(
    `定点医药机构 ${i.name}`,
    staffBar(session, "/staff/institutions"),
    h("p", { class: "crumbs" }, link("/staff/institutions", "定点医药机构"), " › ", i.name),
    h("h1", null, i.name, h("small", { class: "mono", "data-code": i.code }, ` ${i.code}`)),
    message ? h("p", { class: "wb-flash", role: "status" }, message) : null,
    facts([
      ["定点编码", h("span", { class: "mono inst-code" }, i.code)],
      ["类别", i.category],
      ["等级", i.level || (i.category === "零售药店" ? "—" : "未定级")],
      ["状态", h("span", { class: `inst-status s-${i.status}`, "data-status": i.status }, i.status)],
      ["统一社会信用代码", link(`/staff/institution-applications/${enc(i.credit_code)}`, i.credit_code, { class: "mono" })],
      ["行政区划", i.division],
      ["地址", i.address || null],
      ["银行账号", i.bank_account || null],
    ]),
    h("h2", null, "服务协议"),
    facts([
      ["协议编号", h("span", { class: "mono" }, i.agreement_no)],
      ["协议期限", period(i)],
      ["申请办件", caseLink(i.case_no)],
    ]),
    h("section", { "aria-labelledby": "st-h" }, h("h2", { id: "st-h" }, "定点状态变更"), statusChanges(i.status_changes), statusForm(session, i)),
    h("h2", null, "变更历史"),
    i.history.length
      ? table(
          "history",
          ["时间", "来源", "变更内容"],
          i.history.map((x) => [instant(x.at), x.case_no ? caseLink(x.case_no) : x.import_batch?.startsWith("institution-status-") ? "定点状态变更" : "名单导入", h("ul", { class: "changes" }, Object.entries(x.changes).map(([k, c]) => h("li", null, `${FIELD_NAMES[k] ?? k}：${changeText(k, c.before)} → ${changeText(k, c.after)}`)))]),
        )
      : h("p", null, "没有变更记录。"),
  );
}

// The status changes as a history line: the last change's date and status, not the whole list.
function changeText(field: string, v: unknown): string {
  if (field === "status_changes" && Array.isArray(v)) {
    const last = v[v.length - 1] as StatusChange | undefined;
    return last ? `${v.length} 次（最近：${last.effective_on} 起${last.status}）` : "（空）";
  }
  return shown(v);
}

async function outcomes(session: Session, credit: string) {
  const a = await get<InstitutionApplication>(session.token, `${reg(session.staff.region)}/institution-applications/${enc(credit)}`);
  const reapply = Object.entries(a.reapply).map(([cat, r]) => [cat, r.may_apply_on ? `${r.may_apply_on} 起${r.barred ? "（整改后再次评估仍不合格，1年内不得申请）" : "（评估不合格，整改3个月）"}` : "现在即可申请"] as [string, string]);
  render(
    `评估结论 ${a.name}`,
    staffBar(session, "/staff/institutions"),
    h("p", { class: "crumbs" }, link("/staff/institutions", "定点医药机构"), " › ", "评估结论"),
    h("h1", null, a.name, h("small", { class: "mono" }, ` ${a.credit_code}`)),
    facts([["当前状态", a.status], ...reapply.map(([cat, text]) => [`${cat}再次申请`, text] as [string, string])]),
    h("h2", null, "评估结论"),
    table("outcomes", ["日期", "类别", "结论", "环节", "理由", "办件"], a.outcomes.map((o) => [o.on, o.category, o.result, o.step, o.reason || "—", caseLink(o.case_no)])),
    h("h2", null, "定点情况"),
    a.designations.length ? table("designations", ["定点编码", "类别", "状态", "协议期限"], a.designations.map((i) => [link(`/staff/institutions/${enc(i.code)}`, i.code, { class: "mono" }), i.category, i.status, period(i)])) : h("p", null, "在本统筹区尚未定点。"),
  );
}

// ---- the portal: the applicant institution's own designation -----------------------------------

export async function portalInstitutionPage() {
  const q = new URLSearchParams(location.search);
  const form = h(
    "form",
    { class: "card inst-query", "aria-label": "查询定点结果" },
    [
      ["case_no", "办件编号"],
      ["id_no", "统一社会信用代码"],
      ["query_code", "查询码"],
    ].map(([name, label]) => h("div", { class: "field" }, h("label", { for: `iq-${name}` }, label), h("input", { id: `iq-${name}`, name, value: q.get(name!) ?? "", required: true, autocomplete: "off", maxlength: 32 }))),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button primary" }, "查询")),
  ) as HTMLFormElement;
  const out = h("section", { class: "inst-result", "aria-live": "polite" });
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    for (const k of ["case_no", "id_no", "query_code"]) p.set(k, (form.elements.namedItem(k) as HTMLInputElement).value.trim().toUpperCase());
    history.replaceState(null, "", `/institution?${p}`);
    void show(p, out);
  });
  render("定点结果查询", h("h1", null, "定点医药机构申请结果"), h("p", null, "医疗机构、零售药店凭办件编号、统一社会信用代码和受理回执上的查询码，查看定点结果和服务协议。"), form, out);
  if (q.get("case_no") && q.get("id_no") && q.get("query_code")) await show(q, out);
}

async function show(p: URLSearchParams, out: HTMLElement) {
  out.textContent = "";
  try {
    const r = await call<InstitutionProgress>("GET", `/api/v1/progress/institution?${p}`);
    const i = r.institution;
    if (i && r.designated) {
      out.append(
        h("h2", null, "已纳入定点"),
        facts([
          ["定点编码", h("strong", { class: "mono inst-code" }, i.code)],
          ["机构名称", i.name],
          ["类别", i.category],
          ["等级", i.level || "—"],
          ["协议编号", h("span", { class: "mono" }, i.agreement_no)],
          ["协议期限", period(i)],
        ]),
      );
    } else if (r.evaluation_failed) {
      const f = r.evaluation_failed;
      out.append(
        h("h2", null, "评估不合格"),
        h("p", { role: "status" }, `评估结论于 ${f.on} 告知${f.reason ? `，理由：${f.reason}` : ""}。`),
        h("p", { class: "inst-reapply" }, f.barred ? `整改后再次评估仍不合格，1年内不得再次申请；${f.may_apply_on} 起方可再次申请。` : `请按整改建议整改，${f.may_apply_on} 起方可再次申请评估。`),
      );
    } else {
      out.append(h("p", { role: "status" }, "尚未纳入定点：申请正在办理中，办结并签订服务协议后在此显示定点编码。"), link(`/progress?${p}`, "查看办理进度"));
    }
  } catch (e) {
    out.append(h("p", { class: "error", role: "alert" }, e instanceof Error ? e.message : "查询失败，请稍后重试"));
  }
}
