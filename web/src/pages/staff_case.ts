// 办件详情 (/staff/cases/{case_no}): the applicant, the form with the item's own labels, the
// material checklist with the case's statuses, the deadline (lights, pauses, extensions), the
// register effect (what will change / what changed, the 结算单), the printable notices (PDF
// fetched with the token), the event timeline, and only the actions the server says this user
// may take now — each a small form sent with an Idempotency-Key; a refusal shows the server's
// message, a success redraws the page.
import { api, ApiError, type FormField, type Item, type Session } from "../api/client";
import { wb, type ActionBody, type CaseDetail, type Settlement } from "../api/workbench";
import { h, link, render } from "../dom";
import { fieldLabel } from "../form_fields";
import { uploadWidget } from "../uploads";
import { runVouchers } from "./benefit_run";
import { facts, fen, instant, keepSession, KINDS, light, openFile, reload, signInForm, staffBar, staffOnly, STATUS, table } from "../workbench";

export function staffCasePage(caseNo: string) {
  return staffOnly((s) => casePage(s, caseNo));
}

// A message that survives the redraw after an action (shown once).
let flash: string | null = null;

export const ACTION_NAMES: Record<string, string> = {
  accept: "受理",
  return: "退回补正（一次性告知）",
  not_accept: "不予受理",
  supplement: "补正材料",
  approve: "审核通过",
  send_back: "退回重审",
  reject: "审核不通过",
  pay: "拨付",
  complete: "办结",
  withdraw: "代为撤回",
  pause: "暂停计时",
  resume: "恢复计时",
  extend: "延长办理时限",
  resolve_follow_up: "差评回访完毕",
  submit: "申请",
  rate: "评价",
};
const MATERIAL_STATUS: Record<string, string> = { provided: "已提供", commitment: "告知承诺", shared: "数据共享获取", missing: "缺少" };

export function uuid() {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // Outside a secure context randomUUID is missing; 16 random bytes serve as well.
  const b = crypto.getRandomValues(new Uint8Array(16));
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
}

function applicable(item: Item, c: CaseDetail) {
  return item.materials.filter((m) => (!m.when || c.conditions.includes(m.when)) && !(m.waived_channels ?? []).includes(c.channel));
}

async function casePage(session: Session, caseNo: string) {
  const c = await wb.case(session.token, caseNo);
  const item = await api.item(c.region, c.item_code);
  // What this user may do now, as the server's workflow says (a dry run of the same rules).
  const actions: string[] = c.actions;
  const message = flash;
  flash = null;
  render(
    `办件 ${c.case_no}`,
    staffBar(session, ""),
    h("p", { class: "crumbs" }, link("/staff", "经办工作台"), " › 办件详情"),
    h("h1", null, c.item_name, h("small", null, ` ${c.case_no}`)),
    message ? h("p", { class: "wb-flash", role: "status" }, message) : null,
    facts([
      ["办件状态", (STATUS[c.status] ?? c.status) + (c.paused ? "（暂停计时）" : "")],
      ["当前环节", c.step.name ?? "—"],
      ["时限", [...light(c.deadline_status), " ", c.due_on ? `办结期限 ${c.due_on}${c.due_provisional ? "（暂定）" : ""}` : "无办结期限"]],
    ]),
    actionSection(session, c, item, actions),
    applicantSection(session, c),
    formSection(c, item),
    materialSection(c, item),
    filesSection(session, c, item),
    deadlineSection(c),
    effectSection(c),
    runVouchers(session.token, c),
    noticeSection(session, c),
    timelineSection(c),
  );
}

function applicantSection(session: Session, c: CaseDetail) {
  const effect = c.register_effect as Record<string, unknown>;
  // The applicant's register page: a unit by its credit code (the effect's key is not masked);
  // a person's number is masked in the case, so the person search opens with the name.
  const unitKey = effect.register === "units" && typeof effect.key === "string" && !effect.key.includes("*") ? effect.key : null;
  const registerLink =
    c.applicant.kind === "person"
      ? link(`/staff/persons?name=${encodeURIComponent(c.applicant.name)}`, "在参保人员登记中查找")
      : unitKey
        ? link(`/staff/units/${encodeURIComponent(unitKey)}`, "查看参保单位登记")
        : link(`/staff/units?name=${encodeURIComponent(c.applicant.name)}`, "在参保单位登记中查找");
  return h(
    "section",
    { "aria-labelledby": "ap-h" },
    h("h2", { id: "ap-h" }, "申请人"),
    facts([
      ["申请人", c.applicant.name],
      ["类型", KINDS[c.applicant.kind] ?? c.applicant.kind],
      ["证件号码", h("span", { class: "mono" }, c.applicant.id_no)],
      ["办理渠道", c.channel],
      ["申请时间", instant(c.submitted_at)],
      ["查询码", h("span", { class: "query-code" }, c.query_code)],
      ["登记信息", registerLink],
    ]),
    session.staff.region !== c.region ? h("p", { class: "note" }, "本办件不属于您的地区。") : null,
  );
}

function valueText(f: FormField | undefined, v: unknown): string {
  if (v === null || v === undefined || v === "") return "—";
  if (f?.type === "money_fen" && typeof v === "number") return fen(v);
  if (typeof v === "boolean") return v ? "是" : "否";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function formSection(c: CaseDetail, item: Item) {
  const form = (c.form ?? {}) as Record<string, unknown>;
  const fields = item.form_schema?.fields ?? [];
  const known = new Set(fields.map((f) => f.id));
  const rows: (HTMLElement | null)[] = fields.map((f) => {
    const v = form[f.id];
    if (f.type === "list") {
      const subs = f.fields ?? [];
      const list = Array.isArray(v) ? (v as Record<string, unknown>[]) : [];
      return h(
        "div",
        { class: "form-list" },
        h("h3", null, f.label),
        list.length ? table("form-rows", subs.map(fieldLabel), list.map((r) => subs.map((s) => valueText(s, r[s.id])))) : h("p", null, "—"),
      );
    }
    return null;
  });
  const plain = fields.filter((f) => f.type !== "list").map((f) => [fieldLabel(f), valueText(f, form[f.id])] as [string, string]);
  // Values the current form definition no longer names are still shown, under their key.
  const extra = Object.keys(form).filter((k) => !known.has(k)).map((k) => [k, valueText(undefined, form[k])] as [string, string]);
  return h(
    "section",
    { "aria-labelledby": "form-h" },
    h("h2", { id: "form-h" }, item.form_schema?.name || "申请表"),
    plain.length + extra.length ? facts([...plain, ...extra]) : null,
    rows,
    !fields.length && !extra.length ? h("p", null, "本事项无申请表内容。") : null,
  );
}

function materialSection(c: CaseDetail, item: Item) {
  const list = applicable(item, c);
  const groups = new Map((item.material_groups ?? []).map((g) => [g.id, g.text]));
  const conditions = (item.conditions ?? []).filter((x) => c.conditions.includes(x.id)).map((x) => x.name);
  return h(
    "section",
    { "aria-labelledby": "mat-h" },
    h("h2", { id: "mat-h" }, "材料清单"),
    conditions.length ? h("p", null, "申请人所选情形：", conditions.join("；")) : null,
    list.length
      ? table(
          "materials",
          ["材料", "说明", "状态"],
          list.map((m) => {
            const st = (c.materials as Record<string, string>)[m.id];
            const notes = [m.group ? `任选其一：${groups.get(m.group) ?? ""}` : "", m.optional ? "视情况提供" : "", m.commitment ? "可告知承诺" : "", m.shared_data ? `可数据共享（${m.shared_data}）` : ""].filter(Boolean).join("；");
            return [m.name, notes || "—", h("span", { class: `mat ${st ?? "none"}` }, st ? MATERIAL_STATUS[st] ?? st : "未登记")];
          }),
        )
      : h("p", null, "本办件无需提交材料。"),
    c.notice.length ? h("div", { class: "notice" }, h("h3", null, "一次性告知：仍缺以下材料"), h("ul", null, c.notice.map((m) => h("li", null, m.name)))) : null,
  );
}

// The files uploaded for the materials (by the applicant online or at the window), viewable;
// staff may add one while the case is open.
function filesSection(session: Session, c: CaseDetail, item: Item) {
  const open = c.status === "submitted" || c.status === "supplement" || c.status === "in_progress";
  const materials = applicable(item, c).map((m) => ({ id: m.id, name: m.name }));
  if (!materials.length) return null;
  return uploadWidget({ caseNo: c.case_no, token: session.token }, materials, { readOnly: !open, title: "材料文件" });
}

// Who did it: a staff member's username; the applicant's own steps (申请, online 补正, 撤回,
// 评价) carry the server's reserved actor "applicant".
const actorName = (actor: string) => (!actor || actor === "applicant" ? "申请人" : actor);

function deadlineSection(c: CaseDetail) {
  const pauses = c.events.filter((e) => e.action === "pause" || e.action === "resume" || e.action === "return" || e.action === "supplement");
  return h(
    "section",
    { "aria-labelledby": "dl-h" },
    h("h2", { id: "dl-h" }, "办理时限"),
    facts([
      ["时限状态", light(c.deadline_status)],
      ["受理日期", c.accepted_on ?? "未受理"],
      ["办结期限", c.due_on ? c.due_on + (c.due_provisional ? "（暂定：跨未公布节假日安排的年度）" : "") : "—"],
      // 定点医药机构 applications (009001 / 009002): the one-time notice owed within 5 working days.
      ["一次性告知期限", c.notice_due_on ? [c.notice_due_on, " ", ...(c.notice_deadline_status ? light(c.notice_deadline_status) : []), c.notice_answered_on ? `（${c.notice_answered_on} 已告知或受理）` : "（尚未告知或受理）"] : null],
      ["本环节期限", c.step_due ? [c.step_due, " ", ...(c.step_deadline_status ? light(c.step_deadline_status) : [])] : null],
      ["办结日期", c.closed_on],
      ["暂停计时", c.paused ? `暂停中（${c.pause_period || "—"}）` : "否"],
      ["已延长", c.extended_working_days ? `${c.extended_working_days} 个工作日` : null],
    ]),
    c.extensions?.length ? table("extensions", ["批准时间", "批准人", "延长工作日", "理由"], c.extensions.map((x) => [instant(x.at), x.by, String(x.working_days), x.reason]), "延长办理时限") : null,
    pauses.length ? table("pauses", ["时间", "经办人", "事件"], pauses.map((e) => [instant(e.at), actorName(e.actor), ACTION_NAMES[e.action] ?? e.action]), "暂停与恢复计时（含补正期间）") : null,
  );
}

const REGISTERS: Record<string, string> = { units: "参保单位登记", persons: "参保人员登记", accounts: "个人账户", claims: "待遇支付", premiums: "缴费" };
const EFFECT_KEYS: Record<string, string> = { change: "变更内容", reason: "理由", arrears: "补缴测算", arrears_notice: "补缴通知单", record: "参保记录", subsidy: "资助", policy: "计算参数" };

// The names of the keys the effect handlers put inside their values, for the clerk; a key not
// named here still shows, as the handler spells it.
const NESTED_KEYS: Record<string, string> = {
  id_no: "证件号码",
  name: "姓名/名称",
  year: "年度",
  region: "地区",
  status: "状态",
  insurance_type: "险种",
  example: "示例参数",
  source: "参数来源",
  unit: "单位",
  unit_type: "单位类型",
  credit_code: "统一社会信用代码",
  address: "地址",
  phone: "联系电话",
  legal_representative: "法定代表人",
  bank_account: "银行账号",
  reason: "理由",
  from: "起",
  to: "止",
  as_of: "截至",
  amount_fen: "金额",
  premium_fen: "缴费金额",
  fund_fen: "统筹基金支付",
  personal_fen: "个人负担",
  assistance_fen: "医疗救助支付",
  serious_illness_fen: "大病保险支付",
  deductible_fen: "起付线",
  personal_eligible_fen: "个人负担的政策范围内费用",
  contribution_months: "缴费月数",
  required_months: "应缴月数",
  missing_months: "欠缴月数",
  missing_years: "欠缴年度",
  retirement_month: "退休月份",
  admission: "入院（就诊）日期",
  case_no: "办件编号",
};

// A nested value of the effect as nested lists (keys the handler adds later still show).
function nested(v: unknown): Node | string {
  if (v === null || v === undefined) return "—";
  if (Array.isArray(v)) return h("ul", { class: "nested" }, v.map((x) => h("li", null, nested(x))));
  if (typeof v === "object") return h("dl", { class: "facts nested" }, Object.entries(v as Record<string, unknown>).map(([k, x]) => [h("dt", null, NESTED_KEYS[k] ?? k), h("dd", null, /_fen$/.test(k) && typeof x === "number" ? fen(x) : nested(x))]));
  return typeof v === "boolean" ? (v ? "是" : "否") : String(v);
}

function effectSection(c: CaseDetail) {
  const e = c.register_effect as Record<string, unknown> & { name: string; implemented: boolean };
  const done = c.status === "completed";
  const closedOther = ["not_accepted", "rejected", "withdrawn"].includes(c.status);
  const lead = !e.implemented
    ? "本事项不变更登记信息。"
    : done
      ? "已办结，以下变更已记入登记："
      : closedOther
        ? "办件未办结，登记信息未变更。"
        : "办结时将按以下内容变更登记：";
  const rest = Object.entries(e).filter(([k]) => !["name", "implemented", "register", "key", "payable_fen"].includes(k));
  return h(
    "section",
    { "aria-labelledby": "ef-h", class: "effect" },
    h("h2", { id: "ef-h" }, "登记效果"),
    h("p", null, lead),
    facts([
      ["登记簿", typeof e.register === "string" ? REGISTERS[e.register] ?? e.register : null],
      ["登记主体", typeof e.key === "string" ? h("span", { class: "mono" }, e.key) : null],
      ["应拨付金额", typeof e.payable_fen === "number" ? fen(e.payable_fen) : null],
      ...rest.map(([k, v]) => [EFFECT_KEYS[k] ?? k, nested(v)] as [string, Node | string]),
    ]),
    c.settlement ? settlementView(c.settlement) : null,
  );
}

function settlementView(s: Settlement) {
  const lines = s.lines as Record<string, unknown>[];
  const steps = s.steps as Record<string, unknown>[];
  const n = (v: unknown) => (typeof v === "number" ? fen(v) : "—");
  return h(
    "div",
    { class: "settlement" },
    h("h3", null, "结算单", s.example ? h("small", null, "（示例参数计算）") : null),
    table("fee-lines", ["项目编码", "项目名称", "类别", "金额", "剔除", "乙类先行自付", "纳入报销"], lines.map((l) => [String(l.code ?? ""), String(l.name ?? ""), String(l.class ?? ""), n(l.amount_fen), n(l.excluded_fen), n(l.first_paid_fen), n(l.eligible_fen)]), "费用明细"),
    table("settle-steps", ["计算步骤", "基数", "比例", "金额", "说明"], steps.map((x) => [String(x.name ?? ""), n(x.base_fen), typeof x.rate_permille === "number" ? `${x.rate_permille / 10}%` : "—", n(x.amount_fen), String(x.note ?? "")]), "计算过程"),
    facts([
      ["费用总额", fen(s.total_fen)],
      ["统筹基金支付", fen(s.fund_fen)],
      ["大病保险支付", fen(s.serious_illness_fen)],
      ["医疗救助支付", fen(s.assistance_fen)],
      ["个人负担", fen(s.personal_fen)],
    ]),
  );
}

function noticeSection(session: Session, c: CaseDetail) {
  const kinds: [string, string, boolean][] = [
    ["acceptance", "受理通知书", !!c.accepted_on],
    ["supplement", "一次性告知书", c.events.some((e) => e.action === "return")],
    ["refusal", "不予受理决定书", c.status === "not_accepted"],
    ["completion", "办结通知书", c.status === "completed"],
    ["settlement", "结算单", !!c.settlement],
  ];
  const out = h("p", { class: "alert", role: "alert" });
  const shown = kinds.filter(([, , ok]) => ok);
  return h(
    "section",
    { "aria-labelledby": "nt-h", class: "no-print" },
    h("h2", { id: "nt-h" }, "通知书（PDF）"),
    shown.length
      ? h(
          "div",
          { class: "actions" },
          shown.map(([kind, name]) =>
            h("button", { type: "button", class: "button small", "data-notice": kind, onclick: () => void openFile(session.token, wb.noticeUrl(c.case_no, kind), out) }, `打印${name}`),
          ),
        )
      : h("p", null, "目前没有可打印的通知书。"),
    out,
  );
}

function timelineSection(c: CaseDetail) {
  return h(
    "section",
    { "aria-labelledby": "tl-h" },
    h("h2", { id: "tl-h" }, "办理记录"),
    table(
      "timeline-table",
      ["时间", "经办人", "环节", "动作", "说明"],
      c.events.map((e) => {
        // An application entered at the window names the clerk who entered it.
        const entered = typeof e.data?.entered_by === "string" ? `（${e.data.entered_by} 窗口录入）` : "";
        return [instant(e.at), actorName(e.actor) + entered, e.step, ACTION_NAMES[e.action] ?? e.action, e.comment || "—"];
      }),
    ),
  );
}

// ---- actions -------------------------------------------------------------------------------

// The order the forms are shown in: the step's ordinary way forward first, then the ways back,
// the clock, and last the ones that end the case otherwise. Only a way forward opens by itself, so
// that 不予受理 or 审核不通过 is never the form that is already open and primary.
const ACTION_ORDER = ["accept", "supplement", "approve", "pay", "complete", "resolve_follow_up", "resume", "return", "send_back", "pause", "extend", "not_accept", "reject", "withdraw"];
const FORWARD = new Set(["accept", "supplement", "approve", "pay", "complete", "resolve_follow_up", "resume"]);
const rank = (a: string) => (ACTION_ORDER.includes(a) ? ACTION_ORDER.indexOf(a) : ACTION_ORDER.length);

function actionSection(session: Session, c: CaseDetail, item: Item, actions: string[]) {
  const shown = actions.filter((a) => a in ACTION_NAMES && a !== "rate").sort((a, b) => rank(a) - rank(b));
  const forms = shown.map((a, i) => actionForm(session, c, item, a, i === 0 && FORWARD.has(a)));
  return h(
    "section",
    { "aria-labelledby": "act-h", class: "wb-actions no-print" },
    h("h2", { id: "act-h" }, "可办理操作"),
    forms.length ? forms : h("p", null, "您目前不能对本办件进行操作。"),
  );
}

let uid = 0;
function actionForm(session: Session, c: CaseDetail, item: Item, action: string, open: boolean) {
  const id = (s: string) => `${action}-${s}-${++uid}`;
  const key = uuid(); // one per filled form: a retry after a lost answer is not a second action
  const parts: HTMLElement[] = [];
  const collect: ((b: ActionBody) => string | null)[] = [];
  const mats = applicable(item, c);
  const current = c.materials as Record<string, string>;

  const textArea = (label: string, required: boolean, name: string) => {
    const tid = id(name);
    const ta = h("textarea", { id: tid, name, maxlength: 1000, rows: 3, required }) as HTMLTextAreaElement;
    parts.push(h("div", { class: "field" }, h("label", { for: tid }, label, required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null), ta));
    collect.push((b) => {
      const v = ta.value.trim();
      if (required && !v) return `请填写${label}`;
      if (v) b.comment = v;
      return null;
    });
  };

  switch (action) {
    case "accept": {
      // Each material as the clerk checked it at the window, prefilled with the case's statuses.
      const selects = mats.map((m) => {
        const sid = id(m.id);
        const opts: [string, string][] = [["provided", "已提供"]];
        if (m.commitment) opts.push(["commitment", "告知承诺"]);
        if (m.shared_data) opts.push(["shared", "数据共享获取"]);
        opts.push(["missing", "缺少"]);
        const now = current[m.id] ?? (m.group || m.optional ? "missing" : "provided");
        const sel = h("select", { id: sid, name: m.id }, opts.map(([v, t]) => h("option", { value: v, selected: v === now }, t))) as HTMLSelectElement;
        parts.push(h("div", { class: "field inline" }, h("label", { for: sid }, m.name), sel));
        return [m.id, sel] as const;
      });
      collect.push((b) => {
        if (selects.length) b.materials = Object.fromEntries(selects.map(([mid, s]) => [mid, s.value as "provided"]));
        return null;
      });
      textArea("说明", false, "comment");
      break;
    }
    case "return": {
      // 一次性告知: every missing material ticked at once; the others count as provided.
      const boxes = mats.map((m) => {
        const bid = id(m.id);
        const box = h("input", { type: "checkbox", id: bid, name: m.id, checked: current[m.id] === "missing" }) as HTMLInputElement;
        parts.push(h("div", { class: "field check" }, box, h("label", { for: bid }, `缺少：${m.name}`)));
        return [m.id, box] as const;
      });
      parts.unshift(h("p", { class: "hint" }, "请一次性勾选申请人缺少的全部材料："));
      collect.push((b) => {
        if (!boxes.some(([, x]) => x.checked)) return "请勾选缺少的材料";
        b.materials = Object.fromEntries(boxes.map(([mid, x]) => [mid, x.checked ? "missing" : current[mid] && current[mid] !== "missing" ? current[mid] : "provided"])) as ActionBody["materials"];
        return null;
      });
      textArea("说明", false, "comment");
      break;
    }
    case "supplement": {
      const missing = c.notice.length ? c.notice : mats.filter((m) => current[m.id] === "missing");
      const boxes = missing.map((m) => {
        const bid = id(m.id);
        const box = h("input", { type: "checkbox", id: bid, name: m.id, checked: true }) as HTMLInputElement;
        parts.push(h("div", { class: "field check" }, box, h("label", { for: bid }, `已补交：${m.name}`)));
        return [m.id, box] as const;
      });
      collect.push((b) => {
        const got = boxes.filter(([, x]) => x.checked);
        if (!got.length) return "请勾选补交的材料";
        b.materials = Object.fromEntries(got.map(([mid]) => [mid, "provided"])) as ActionBody["materials"];
        return null;
      });
      textArea("说明", false, "comment");
      break;
    }
    case "not_accept":
    case "reject":
    case "withdraw":
      textArea("理由", true, "comment");
      break;
    case "send_back": {
      // Back to an earlier review step of the case's own flow.
      const flow = (c.flow_id ? item.flows.find((f) => f.id === c.flow_id)?.flow : null) ?? item.flow;
      const earlier = flow.slice(1, c.step.index).filter((s) => s.kind === "review");
      const sid = id("target");
      const sel = h("select", { id: sid, name: "target_step", required: true }, earlier.map((s) => h("option", { value: s.step }, s.step))) as HTMLSelectElement;
      parts.push(h("div", { class: "field" }, h("label", { for: sid }, "退回到"), sel));
      collect.push((b) => {
        if (!sel.value) return "没有可退回的审核环节";
        b.target_step = sel.value;
        return null;
      });
      textArea("理由", true, "comment");
      break;
    }
    case "pay": {
      const effect = c.register_effect as { payable_fen?: number };
      const payable = typeof effect.payable_fen === "number" ? effect.payable_fen : null;
      const aid = id("amount");
      const amount = h("input", { id: aid, name: "amount", inputmode: "decimal", required: true, autocomplete: "off", value: payable !== null ? (payable / 100).toFixed(2) : "", "aria-describedby": `${aid}-hint` }) as HTMLInputElement;
      parts.push(
        h("div", { class: "field" }, h("label", { for: aid }, "拨付金额（元）"), amount, h("p", { class: "hint", id: `${aid}-hint` }, payable !== null ? `应拨付 ${fen(payable)}（${c.settlement ? "结算单" : "登记效果"}）；金额不同须说明理由` : "以元为单位，最多两位小数")),
      );
      const rid = id("reason");
      const reason = h("textarea", { id: rid, name: "reason", rows: 2, maxlength: 1000 }) as HTMLTextAreaElement;
      parts.push(h("div", { class: "field" }, h("label", { for: rid }, "金额不同的理由"), reason));
      collect.push((b) => {
        const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(amount.value.trim());
        if (!m) return "请填写拨付金额，如 1234.56";
        b.amount_fen = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
        if (reason.value.trim()) b.reason = reason.value.trim();
        return null;
      });
      break;
    }
    case "pause": {
      const sid = id("period");
      const periods = item.uncounted_periods ?? [];
      const sel = h("select", { id: sid, name: "period" }, periods.map((p) => h("option", { value: p.id }, p.name))) as HTMLSelectElement;
      parts.push(h("div", { class: "field" }, h("label", { for: sid }, "不计入时限的期间"), sel));
      collect.push((b) => {
        if (!sel.value) return "本事项没有可暂停计时的期间";
        b.period = sel.value;
        return null;
      });
      textArea("说明", false, "comment");
      break;
    }
    case "extend": {
      const did = id("days");
      const days = h("input", { id: did, name: "working_days", type: "number", min: 1, max: 60, required: true }) as HTMLInputElement;
      parts.push(h("div", { class: "field" }, h("label", { for: did }, "延长工作日数"), days));
      const rid = id("reason");
      const reason = h("textarea", { id: rid, name: "reason", rows: 2, maxlength: 1000, required: true }) as HTMLTextAreaElement;
      parts.push(h("div", { class: "field" }, h("label", { for: rid }, "延长理由"), reason));
      collect.push((b) => {
        const n = Number(days.value);
        if (!Number.isInteger(n) || n < 1) return "请填写延长的工作日数";
        if (!reason.value.trim()) return "请填写延长理由";
        b.data = { working_days: n };
        b.reason = reason.value.trim();
        return null;
      });
      break;
    }
    default:
      textArea("说明", false, "comment");
  }

  const alert = h("p", { class: "alert", role: "alert" });
  const button = h("button", { type: "submit", class: `button ${open ? "primary" : ""}` }, `确认${ACTION_NAMES[action]}`) as HTMLButtonElement;
  const form = h("form", { class: "action-form", "data-action": action, novalidate: true }, parts, alert, h("div", { class: "actions" }, button)) as HTMLFormElement;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    alert.textContent = "";
    const body: ActionBody = {};
    for (const f of collect) {
      const err = f(body);
      if (err) {
        alert.textContent = err;
        return;
      }
    }
    button.disabled = true;
    try {
      const out = await wb.act(session.token, c.case_no, action, body, key);
      flash = `已${ACTION_NAMES[action]}。办件状态：${STATUS[out.status] ?? out.status}${out.step.name && out.status === "in_progress" ? `，当前环节：${out.step.name}` : ""}。`;
      reload();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        keepSession(null);
        return signInForm("登录已失效，请重新登录。");
      }
      alert.textContent = e instanceof ApiError ? e.message : "办理失败，请稍后重试";
      button.disabled = false;
    }
  });
  return h("details", { class: "action", id: `act-${action}`, open }, h("summary", null, ACTION_NAMES[action]), form);
}
