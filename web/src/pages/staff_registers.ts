// The registers, read-only, for staff of the region: 参保人员 (the person, the 参保缴费记录 and the
// change history; the 参保凭证 as PDF), 参保单位 (status periods and history), 个人账户 (balance
// and entries) and the month's 拨付台账 (paging, XLSX fetched with the token). Each change links to
// the case that made it. ID numbers are keys typed by the clerk; lists show them masked, as the
// API gives them.
import type { Session } from "../api/client";
import { wb, type HistoryEntry } from "../api/workbench";
import { h, link, render } from "../dom";
import { facts, fen, go, instant, openFile, staffBar, staffOnly, table } from "../workbench";
import { careSections } from "./filings";
import { maternitySection } from "./maternity";
import { signingSection } from "./signing";
import { cardsSection } from "./cards";
import { transferSection } from "./transfers";

const PAGE = 50;
const enc = encodeURIComponent;
const caseLink = (no: string | null | undefined) => (no ? link(`/staff/cases/${enc(no)}`, no, { class: "mono" }) : "—");

export const staffPersonsPage = () => staffOnly(persons);
export const staffPersonPage = (idNo: string) => staffOnly((s) => person(s, idNo));
export const staffUnitsPage = () => staffOnly(units);
export const staffUnitPage = (code: string) => staffOnly((s) => unit(s, code));
export const staffAccountsPage = () => staffOnly(accounts);
export const staffAccountPage = (idNo: string) => staffOnly((s) => account(s, idNo));
export const staffPaymentsPage = () => staffOnly(payments);

// A lookup by the full key (ID number or credit code): opens that register page. The landmark is
// named for what it does, not after its field: a screen reader's landmark list and the field's
// own label then name two different things.
function lookup(id: string, label: string, hint: string, to: (v: string) => string) {
  const form = h(
    "form",
    { class: "wb-search", role: "search", "aria-label": "按号码查看" },
    h("div", { class: "filters" }, h("div", { class: "field grow" }, h("label", { for: id }, label), h("input", { id, name: "key", maxlength: 18, autocomplete: "off", required: true, "aria-describedby": `${id}-hint` }), h("p", { class: "hint", id: `${id}-hint` }, hint))),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button primary" }, "查看")),
  ) as HTMLFormElement;
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = (form.elements.namedItem("key") as HTMLInputElement).value.trim().toUpperCase();
    if (v) go(to(v));
  });
  return form;
}

function nameSearch(path: string, label: string, name: string) {
  const id = `${path.replace(/\W/g, "")}-name`;
  const form = h(
    "form",
    { class: "wb-search", role: "search", "aria-label": "按名称查找" },
    h("div", { class: "filters" }, h("div", { class: "field grow" }, h("label", { for: id }, label), h("input", { id, name: "name", value: name, maxlength: 50, autocomplete: "off" }))),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button" }, "按名称查找")),
  ) as HTMLFormElement;
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = (form.elements.namedItem("name") as HTMLInputElement).value.trim();
    go(v ? `${path}?name=${enc(v)}` : path);
  });
  return form;
}

function pager(path: string, query: URLSearchParams, offset: number, shown: number, more: boolean) {
  const to = (at: number) => {
    const q = new URLSearchParams(query);
    if (at > 0) q.set("offset", String(at));
    else q.delete("offset");
    return `${path}?${q}`;
  };
  if (offset === 0 && !more) return null;
  return h(
    "nav",
    { class: "pager actions", "aria-label": "翻页" },
    offset > 0 ? link(to(Math.max(0, offset - PAGE)), "上一页", { class: "button small", rel: "prev" }) : null,
    more ? link(to(offset + shown), "下一页", { class: "button small", rel: "next" }) : null,
  );
}

// The registers' field names for the clerk; a field not named here shows as the register spells it.
const FIELD_NAMES: Record<string, string> = {
  name: "姓名/名称",
  sex: "性别",
  birth_date: "出生日期",
  insurance_type: "险种",
  status: "状态",
  employment: "就业状态",
  unit: "参保单位",
  contribution_base_fen: "缴费基数",
  enrolments: "参保缴费记录",
  type: "单位类型",
  address: "地址",
  phone: "联系电话",
  legal_representative: "法定代表人",
  bank_account: "银行账号",
  from: "起始月",
  to: "终止月",
  id_no: "证件号码",
  credit_code: "统一社会信用代码",
  retirement_month: "退休月份",
};
const fieldName = (k: string) => FIELD_NAMES[k] ?? k;

// A changed value as the clerk reads it: amounts in 元, a record list (参保缴费记录) one line a
// record with its fields named, nothing as （空）.
function shown(key: string, v: unknown): string {
  if (v === null || v === undefined || v === "") return "（空）";
  if (/_fen$/.test(key) && typeof v === "number") return fen(v);
  if (Array.isArray(v)) return v.length ? v.map((x) => shown("", x)).join("；") : "（空）";
  if (typeof v === "object")
    return Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== null && x !== undefined && x !== "")
      .map(([k, x]) => `${fieldName(k)} ${shown(k, x)}`)
      .join("，");
  if (typeof v === "boolean") return v ? "是" : "否";
  return String(v);
}

function historyTable(history: HistoryEntry[]) {
  if (!history.length) return h("p", null, "没有变更记录。");
  return table(
    "history",
    ["时间", "办件", "批量导入", "变更内容"],
    history.map((x) => [
      instant(x.at),
      caseLink(x.case_no),
      x.import_batch ?? "—",
      h("ul", { class: "changes" }, Object.entries(x.changes).map(([k, c]) => h("li", null, `${fieldName(k)}：${shown(k, c.before)} → ${shown(k, c.after)}`))),
    ]),
  );
}

async function persons(session: Session) {
  const q = new URLSearchParams(location.search);
  const name = q.get("name") ?? "";
  const offset = Math.max(0, Number(q.get("offset")) || 0);
  const list = name ? await wb.persons(session.token, session.staff.region, name, offset, PAGE + 1) : null;
  const rows = list?.persons.slice(0, PAGE) ?? [];
  render(
    "参保人员",
    staffBar(session, "/staff/persons"),
    h("h1", null, "参保人员"),
    lookup("person-id", "公民身份号码", "输入完整的18位号码，查看参保信息、缴费记录和变更历史", (v) => `/staff/persons/${enc(v)}`),
    nameSearch("/staff/persons", "姓名", name),
    list
      ? h(
          "section",
          { "aria-labelledby": "pl-h" },
          h("h2", { id: "pl-h" }, `姓名含“${name}”的参保人员`),
          h("p", { class: "hint" }, "列表中的证件号码已隐去部分数字；查看详情请在上方输入完整号码。"),
          rows.length
            ? table("persons", ["姓名", "证件号码", "性别", "险种", "状态", "单位"], rows.map((p) => [p.name, h("span", { class: "mono" }, p.id_no), p.sex ?? "—", p.insurance_type, p.status, p.unit ? link(`/staff/units/${enc(p.unit)}`, p.unit, { class: "mono" }) : "—"]))
            : h("p", null, "没有找到。"),
          pager("/staff/persons", q, offset, rows.length, (list.persons.length ?? 0) > PAGE),
        )
      : null,
  );
}

async function person(session: Session, idNo: string) {
  const region = session.staff.region;
  const [p, rec] = await Promise.all([wb.person(session.token, region, idNo), wb.personRecord(session.token, region, idNo)]);
  const msg = h("p", { class: "alert", role: "alert" });
  render(
    `参保人员 ${p.name}`,
    staffBar(session, "/staff/persons"),
    h("p", { class: "crumbs" }, link("/staff/persons", "参保人员"), " › ", p.name),
    h("h1", null, p.name, h("small", null, ` ${rec.id_no}`)),
    facts([
      ["性别", p.sex],
      ["出生日期", p.birth_date],
      ["险种", p.insurance_type],
      ["参保状态", p.status],
      ["就业状态", p.employment],
      ["参保单位", rec.unit ? link(`/staff/units/${enc(rec.unit.credit_code)}`, `${rec.unit.name || rec.unit.credit_code}（${rec.unit.credit_code}）`) : null],
      ["缴费基数", p.contribution_base_fen ? fen(p.contribution_base_fen) : null],
      ["身份", p.identities.length ? p.identities.join("、") : null],
      ["累计缴费", `${rec.contribution_months} 个月（${rec.contribution_years} 年，计至 ${rec.as_of}）`],
    ]),
    h(
      "div",
      { class: "actions no-print" },
      link(`/staff/accounts/${enc(idNo)}`, "个人账户", { class: "button" }),
      h("button", { type: "button", class: "button", onclick: () => void openFile(session.token, `/api/v1/regions/${enc(region)}/persons/${enc(idNo)}/certificate.pdf`, msg) }, "打印参保凭证"),
    ),
    msg,
    h("h2", null, "参保缴费记录"),
    table("enrolments", ["起始月", "终止月", "状态", "险种", "单位", "缴费月数"], rec.enrolments.map((e) => [e.from, e.to || "至今", e.status, e.insurance_type, e.unit ? `${e.unit.name || e.unit.credit_code}` : "—", String(e.contribution_months)])),
    h("h2", null, "变更历史"),
    historyTable(p.history),
    careSections(session.token, region, idNo, caseLink),
    transferSection(session.token, region, idNo),
    maternitySection(session.token, region, idNo, caseLink),
    signingSection(session.token, region, idNo, caseLink),
    cardsSection(session.token, region, idNo, caseLink),
  );
}

async function units(session: Session) {
  const q = new URLSearchParams(location.search);
  const name = q.get("name") ?? "";
  const offset = Math.max(0, Number(q.get("offset")) || 0);
  const list = name ? await wb.units(session.token, session.staff.region, name, offset, PAGE + 1) : null;
  const rows = list?.units.slice(0, PAGE) ?? [];
  render(
    "参保单位",
    staffBar(session, "/staff/units"),
    h("h1", null, "参保单位"),
    lookup("unit-code", "统一社会信用代码", "输入完整的18位代码", (v) => `/staff/units/${enc(v)}`),
    nameSearch("/staff/units", "单位名称", name),
    list
      ? h(
          "section",
          { "aria-labelledby": "ul-h" },
          h("h2", { id: "ul-h" }, `名称含“${name}”的参保单位`),
          rows.length ? table("units", ["单位名称", "统一社会信用代码", "类型", "状态"], rows.map((u) => [link(`/staff/units/${enc(u.credit_code)}`, u.name), h("span", { class: "mono" }, u.credit_code), u.type, u.status])) : h("p", null, "没有找到。"),
          pager("/staff/units", q, offset, rows.length, list.units.length > PAGE),
        )
      : null,
  );
}

async function unit(session: Session, code: string) {
  const region = session.staff.region;
  const [u, rec] = await Promise.all([wb.unit(session.token, region, code), wb.unitRecord(session.token, region, code)]);
  render(
    `参保单位 ${u.name}`,
    staffBar(session, "/staff/units"),
    h("p", { class: "crumbs" }, link("/staff/units", "参保单位"), " › ", u.name),
    h("h1", null, u.name, h("small", null, ` ${u.credit_code}`)),
    facts([
      ["单位类型", u.type],
      ["状态", u.status],
      ["地址", u.address],
      ["法定代表人", u.legal_representative],
      ["联系电话", u.phone],
      ["在保职工", rec.insured_employees === null || rec.insured_employees === undefined ? null : `${rec.insured_employees} 人`],
    ]),
    h("h2", null, "参保状态"),
    table("status-periods", ["自", "至", "状态", "办件", "批量导入"], rec.status_periods.map((x) => [x.from, x.to || "至今", x.status, caseLink(x.case_no), x.import_batch ?? "—"])),
    h("h2", null, "变更历史"),
    historyTable(u.history),
  );
}

async function accounts(session: Session) {
  render(
    "个人账户",
    staffBar(session, "/staff/accounts"),
    h("h1", null, "个人账户"),
    lookup("account-id", "公民身份号码", "输入完整的18位号码，查看账户余额和收支明细", (v) => `/staff/accounts/${enc(v)}`),
  );
}

async function account(session: Session, idNo: string) {
  const a = await wb.account(session.token, session.staff.region, idNo);
  render(
    "个人账户",
    staffBar(session, "/staff/accounts"),
    h("p", { class: "crumbs" }, link("/staff/accounts", "个人账户"), " › ", link(`/staff/persons/${enc(idNo)}`, "参保人员")),
    h("h1", null, "个人账户"),
    facts([
      ["账户状态", a.status],
      ["余额", h("strong", { class: "balance" }, fen(a.balance_fen))],
    ]),
    h("h2", null, "收支明细"),
    a.entries.length ? table("entries", ["时间", "类型", "金额", "办件"], a.entries.map((e) => [instant(e.at), e.kind, fen(e.amount_fen), caseLink(e.case_no)])) : h("p", null, "没有收支记录。"),
  );
}

async function payments(session: Session) {
  const q = new URLSearchParams(location.search);
  const now = new Date();
  const month = /^\d{4}-\d{2}$/.test(q.get("month") ?? "") ? q.get("month")! : `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`;
  const offset = Math.max(0, Number(q.get("offset")) || 0);
  const region = session.staff.region;
  const list = await wb.payments(session.token, region, month, offset, PAGE);
  const form = h(
    "form",
    { class: "wb-search", "aria-label": "按月查看" },
    h("div", { class: "filters" }, h("div", { class: "field" }, h("label", { for: "pay-month" }, "月份"), h("input", { id: "pay-month", name: "month", type: "month", value: month, required: true }))),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button primary" }, "查看")),
  ) as HTMLFormElement;
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = (form.elements.namedItem("month") as HTMLInputElement).value;
    if (v) go(`/staff/payments?month=${enc(v)}`);
  });
  const msg = h("p", { class: "alert", role: "alert" });
  const shownTo = offset + list.payments.length;
  render(
    "拨付台账",
    staffBar(session, "/staff/payments"),
    h("h1", null, "拨付台账"),
    form,
    facts([
      ["月份", list.month],
      ["笔数", `${list.count} 笔`],
      ["合计", fen(list.total_fen)],
    ]),
    h("div", { class: "actions no-print" }, h("button", { type: "button", class: "button", onclick: () => void openFile(session.token, wb.paymentsXlsxUrl(region, month), msg, `拨付记录-${month}.xlsx`) }, "导出 XLSX")),
    msg,
    list.payments.length
      ? [
          h("p", { class: "count", role: "status" }, `第 ${offset + 1}–${shownTo} 条，共 ${list.count} 条`),
          table("payments", ["时间", "办件", "收款方", "账号", "金额", "用途"], list.payments.map((p) => [instant(p.at), caseLink(p.case_no), p.payee, h("span", { class: "mono" }, p.payee_account ?? "—"), fen(p.amount_fen), p.purpose])),
          pager("/staff/payments", new URLSearchParams({ month }), offset, list.payments.length, shownTo < list.count),
        ]
      : h("p", null, "本月没有拨付记录。"),
  );
}
