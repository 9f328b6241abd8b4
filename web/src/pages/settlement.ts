// Monthly settlement of designated institutions (定点医药机构费用结算, 010001 / 010002).
// Workbench: /staff/settlements?month= — the month's 结算确认汇总表 (every institution, 合计 row,
// XLSX and PDF fetched with the token) and /staff/settlements/{code}/{month} — one settlement: the
// totals by class and kind, the rejected lines counted by reason, the 基金拨付单 and the history,
// with a link to its case (where 初审 / 复审 / 拨付 are decided).
// Portal: /settlement — the institution uploads the month's fee lines (上传即申请) and sees the
// report; with the case's query code it opens the 基金拨付单 and confirms it (对账).
import { ApiError, type Schemas, type Session } from "../api/client";
import { h, link, render } from "../dom";
import { facts, fen, go, instant, openFile, staffBar, staffOnly, table } from "../workbench";
import "./settlement.css";

type Upload = Schemas["FeeSettlementUpload"];
type Settlement = Schemas["FeeSettlement"];
type Summary = Schemas["FeeSettlementSummary"];
type Totals = Schemas["FeeSettlementTotals"];

const enc = encodeURIComponent;
// replaceChildren takes no null: the parts that are there.
const present = (...xs: (Node | string | null | undefined)[]) => xs.filter((x): x is Node | string => x !== null && x !== undefined);
const base = (region: string) => `/api/v1/regions/${enc(region)}/settlements`;

const REASONS: Record<string, string> = {
  malformed: "格式错误",
  line_too_long: "行过长",
  bad_line_no: "行号无效",
  line_no_order: "行号重复或乱序",
  bad_id_no: "身份号码无效",
  bad_date: "日期无效",
  date_outside_month: "不在结算月份内",
  outside_agreement: "不在协议有效期内",
  unknown_code: "目录外编码",
  kind_not_allowed: "药店不能结算诊疗项目",
  class_mismatch: "甲乙丙类别不符",
  bad_quantity: "数量无效",
  bad_price: "单价无效",
  price_over_cap: "超过限价",
  bad_amount: "金额无效",
  amount_mismatch: "金额≠数量×单价",
};

// fetch with the API's error shape; `headers` carry the token or the institution's credentials.
async function send<T>(method: string, url: string, headers: Record<string, string>, body?: BodyInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { method, headers: { Accept: "application/json", ...headers }, body });
  } catch {
    throw new ApiError(0, "network", "网络连接失败，请检查网络后重试");
  }
  const data = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (!res.ok) {
    // A refused upload still carries its report (422 no_accepted_lines): the caller shows it.
    const err = new ApiError(res.status, data?.error?.code ?? "http", data?.error?.message ?? `服务暂不可用（${res.status}）`);
    (err as ApiError & { data?: unknown }).data = data;
    throw err;
  }
  return data as T;
}

function lastMonth() {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
}

function totalsView(t: Totals, example: boolean) {
  const by = (o: Record<string, { lines: number; amount_fen: number }>) => Object.entries(o).map(([k, v]) => [k, String(v.lines), fen(v.amount_fen)]);
  const reasons = Object.entries(t.rejected_by_reason ?? {}) as [string, number][];
  return h(
    "div",
    { class: "stl-totals" },
    facts([
      ["明细行数", String(t.lines)],
      ["通过", String(t.accepted)],
      ["退回", String(t.rejected)],
      ["费用总额", fen(t.amount_fen)],
      ["乙类先行自付", `${fen(t.class_b_first_paid_fen)}（${(t.class_b_first_paid_permille ?? 0) / 10}%）`],
      ["个人负担（先行自付＋丙类）", fen(t.self_fen)],
      ["基金支付", fen(t.fund_fen)],
    ]),
    example ? h("p", { class: "stl-example" }, "示例参数：医保收费目录和乙类先行自付比例为示例数值。") : null,
    table("stl-class", ["类别", "行数", "金额"], by(t.by_class as never), "按甲乙丙类别"),
    table("stl-kind", ["项目类型", "行数", "金额"], by(t.by_kind as never), "按项目类型"),
    reasons.length ? table("stl-reasons", ["退回原因", "行数"], reasons.map(([k, n]) => [REASONS[k] ?? k, String(n)]), "退回的明细（按原因）") : null,
  );
}

function sampleView(sample: { line?: number | null; row: number; reason: string }[]) {
  if (!sample.length) return null;
  return table("stl-sample", ["行号", "文件第几行", "原因"], sample.map((r) => [r.line == null ? "—" : String(r.line), String(r.row), r.reason]), "退回明细示例");
}

function orderView(s: Settlement) {
  const o = s.fund_payment_order as Record<string, unknown> | null;
  if (!o) return h("p", null, "基金拨付单尚未生成（复审通过后生成）。");
  return h(
    "section",
    { class: "stl-order", "aria-label": "基金拨付单" },
    h("h2", null, "基金拨付单"),
    facts([
      ["机构", `${s.institution_name ?? ""}（${s.institution_code}）`],
      ["结算月份", s.month],
      ["费用总额", fen(o.amount_fen as number)],
      ["乙类先行自付", fen(o.class_b_first_paid_fen as number)],
      ["个人负担", fen(o.self_fen as number)],
      ["基金拨付金额", h("strong", null, fen(o.payable_fen as number))],
      ["制单时间", instant(o.made_at as string)],
      ["对账确认", s.confirmed_at ? instant(s.confirmed_at) : "未确认"],
      ["拨付", s.paid_at ? `${fen(s.paid_fen)}（${instant(s.paid_at)}）` : "未拨付"],
    ]),
    o.example ? h("p", { class: "stl-example" }, "示例参数") : null,
  );
}

// ---- workbench ----------------------------------------------------------------------------------

export const staffSettlementsPage = () => staffOnly(summaryPage);
export const staffSettlementPage = (code: string, month: string) => staffOnly((s) => onePage(s, code, month));

async function summaryPage(session: Session) {
  const region = session.staff.region;
  const month = new URLSearchParams(location.search).get("month") || lastMonth();
  const picker = h(
    "form",
    { class: "wb-search", role: "search", "aria-label": "按月查看" },
    h("div", { class: "filters" }, h("div", { class: "field" }, h("label", { for: "stl-month" }, "结算月份"), h("input", { id: "stl-month", name: "month", type: "month", value: month, required: true }))),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button primary" }, "查看")),
  ) as HTMLFormElement;
  picker.addEventListener("submit", (ev) => {
    ev.preventDefault();
    go(`/staff/settlements?month=${enc((picker.elements.namedItem("month") as HTMLInputElement).value)}`);
  });
  const s = await send<Summary>("GET", `${base(region)}?month=${enc(month)}`, { Authorization: `Bearer ${session.token}` });
  const out = h("p", { role: "status", class: "error" });
  const file = (fmt: string, text: string) => {
    const b = h("button", { type: "button", class: "button small" }, text) as HTMLButtonElement;
    b.addEventListener("click", () => void openFile(session.token, `${base(region)}?month=${enc(month)}&format=${fmt}`, out, `settlements-${region}-${month}.${fmt}`));
    return b;
  };
  const row = (r: Summary["total"], name: Node | string) => [
    r.institution_code === "合计" ? "合计" : link(`/staff/settlements/${enc(r.institution_code)}/${enc(month)}`, r.institution_code, { class: "mono" }),
    name,
    r.status ?? "",
    fen(r.amount_fen),
    fen(r.self_fen),
    fen(r.payable_fen),
    fen(r.paid_fen),
    r.case_no ? link(`/staff/cases/${enc(r.case_no)}`, r.case_no, { class: "mono" }) : "",
  ];
  render(
    "结算确认汇总表",
    staffBar(session, "/staff/settlements"),
    h("h1", null, `结算确认汇总表 · ${month}`),
    picker,
    h("div", { class: "actions no-print" }, file("xlsx", "导出 XLSX"), file("pdf", "打印 PDF"), out),
    s.rows.length
      ? table("stl-summary", ["机构编码", "机构名称", "状态", "费用总额", "个人负担", "基金拨付", "已拨付", "办件"], [...s.rows.map((r) => row(r, r.institution_name ?? "")), row(s.total, "")], "本月各定点医药机构的结算")
      : h("p", null, "本月还没有受理的结算。"),
    s.example ? h("p", { class: "stl-example" }, "示例参数：医保收费目录和乙类先行自付比例为示例数值。") : null,
  );
}

async function onePage(session: Session, code: string, month: string) {
  const s = await send<Settlement>("GET", `${base(session.staff.region)}/${enc(code)}/${enc(month)}`, { Authorization: `Bearer ${session.token}` });
  render(
    `费用结算 ${code} ${month}`,
    staffBar(session, "/staff/settlements"),
    h("h1", null, `费用结算 · ${s.institution_name ?? code} · ${month}`),
    facts([
      ["状态", h("strong", { class: "stl-status" }, s.status)],
      ["机构编码", code],
      ["类别", s.category ?? ""],
      ["办件", link(`/staff/cases/${enc(s.case_no)}`, s.case_no, { class: "mono" })],
    ]),
    h("h2", null, "费用汇总"),
    totalsView(s.totals, !!s.example),
    orderView(s),
    h("h2", null, "变更记录"),
    table("stl-history", ["时间", "原因", "变更"], (s.history ?? []).map((e: Record<string, unknown>) => [instant(e.at as string), (e.case_no as string) ?? "机构对账确认", Object.keys((e.changes as object) ?? {}).join("、")])),
  );
}

// ---- portal -------------------------------------------------------------------------------------

export function portalSettlementPage() {
  const q = new URLSearchParams(location.search);
  const field = (id: string, label: string, attrs: Record<string, string | boolean> = {}) =>
    h("div", { class: "field" }, h("label", { for: id }, label), h("input", { id, name: id, required: true, autocomplete: "off", ...attrs }));
  const upForm = h(
    "form",
    { class: "stl-upload", "aria-label": "上传费用明细" },
    h("h2", null, "一、上传本月费用明细（即提交结算申请）"),
    h("div", { class: "field" }, h("label", { for: "region" }, "统筹区"), h("select", { id: "region", name: "region" }, h("option", { value: "qinghai" }, "青海省"), h("option", { value: "xining" }, "西宁市"), h("option", { value: "yunnan" }, "云南省"))),
    field("code", "定点医药机构编码", { maxlength: "12", value: q.get("code") ?? "" }),
    field("credit", "统一社会信用代码", { maxlength: "18" }),
    field("month", "结算月份", { type: "month", value: lastMonth() }),
    h("div", { class: "field" }, h("label", { for: "file" }, "费用明细文件（CSV 或 JSON 行）"), h("input", { id: "file", name: "file", type: "file", accept: ".csv,.txt,.jsonl,text/csv", required: true })),
    h("p", { class: "hint" }, "CSV 表头：line_no,id_no,visit_date,code,name,class,quantity,unit_price_fen,amount_fen；行号须严格递增。"),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button primary" }, "上传")),
  ) as HTMLFormElement;
  const upOut = h("div", { class: "stl-result", "aria-live": "polite" });
  const val = (f: HTMLFormElement, n: string) => (f.elements.namedItem(n) as HTMLInputElement).value.trim();
  upForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const file = (upForm.elements.namedItem("file") as HTMLInputElement).files?.[0];
    if (!file) return;
    upOut.replaceChildren(h("p", null, "正在校验……"));
    const region = val(upForm, "region");
    try {
      const r = await send<Upload>("POST", `${base(region)}/${enc(val(upForm, "code").toUpperCase())}/${enc(val(upForm, "month"))}/lines`, { "Content-Type": "text/csv", "X-Id-No": val(upForm, "credit").toUpperCase() }, file);
      const c = r.case as { case_no?: string; query_code?: string } | null;
      upOut.replaceChildren(
        ...present(
        h("p", { role: "status", class: "ok" }, `已提交结算申请：通过 ${r.accepted} 行，退回 ${r.rejected} 行。`),
        c ? facts([["办件编号", h("span", { class: "mono", id: "stl-case-no" }, c.case_no ?? "")], ["查询码（请妥善保存，对账时需要）", h("span", { class: "mono", id: "stl-query-code" }, c.query_code ?? "")]]) : null,
        totalsView(r.totals, !!r.example),
        sampleView(r.rejected_sample),
      ));
    } catch (e) {
      const data = (e as { data?: Upload }).data;
      upOut.replaceChildren(...present(h("p", { role: "alert", class: "error" }, e instanceof ApiError ? e.message : "上传失败"), data?.totals ? sampleView(data.rejected_sample) : null));
    }
  });

  const ckForm = h(
    "form",
    { class: "stl-confirm", "aria-label": "对账确认" },
    h("h2", null, "二、核对基金拨付单并确认（对账）"),
    h("div", { class: "field" }, h("label", { for: "c-region" }, "统筹区"), h("select", { id: "c-region", name: "c-region" }, h("option", { value: "qinghai" }, "青海省"), h("option", { value: "xining" }, "西宁市"), h("option", { value: "yunnan" }, "云南省"))),
    field("c-code", "定点医药机构编码", { maxlength: "12" }),
    field("c-month", "结算月份", { type: "month", value: lastMonth() }),
    field("c-credit", "统一社会信用代码", { maxlength: "18" }),
    field("c-query", "查询码", { maxlength: "8" }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button" }, "查看基金拨付单")),
  ) as HTMLFormElement;
  const ckOut = h("div", { class: "stl-result", "aria-live": "polite" });
  ckForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const url = `${base(val(ckForm, "c-region"))}/${enc(val(ckForm, "c-code").toUpperCase())}/${enc(val(ckForm, "c-month"))}`;
    const creds = { "X-Id-No": val(ckForm, "c-credit").toUpperCase(), "X-Query-Code": val(ckForm, "c-query").toUpperCase() };
    const show = (s: Settlement, note?: string) => {
      const o = s.fund_payment_order as { payable_fen?: number } | null;
      const btn = h("button", { type: "button", class: "button primary" }, "金额无误，确认对账") as HTMLButtonElement;
      btn.addEventListener("click", async () => {
        btn.disabled = true;
        try {
          const done = await send<Settlement>("POST", `${url}/confirm`, { ...creds, "Content-Type": "application/json" }, JSON.stringify({ payable_fen: o?.payable_fen }));
          show(done, "已确认对账，财务部门将按基金拨付单拨款。");
        } catch (e) {
          btn.disabled = false;
          ckOut.append(h("p", { role: "alert", class: "error" }, e instanceof ApiError ? e.message : "确认失败"));
        }
      });
      ckOut.replaceChildren(
        ...present(
          note ? h("p", { role: "status", class: "ok" }, note) : null,
          facts([["状态", h("strong", { class: "stl-status" }, s.status)]]),
          orderView(s),
          s.status === "已制单" && o ? btn : null,
        ),
      );
    };
    try {
      show(await send<Settlement>("GET", url, creds));
    } catch (e) {
      ckOut.replaceChildren(h("p", { role: "alert", class: "error" }, e instanceof ApiError ? e.message : "查询失败"));
    }
  });

  render("定点医药机构费用结算", h("h1", null, "定点医药机构费用结算"), upForm, upOut, ckForm, ckOut);
}
