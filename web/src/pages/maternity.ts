// A person's 生育保险 record as this region keeps it: a section of the staff person page (one line
// in staff_registers.ts). The 生育备案 and every benefit paid (产前检查费, 生育医疗费, 计划生育医疗费,
// 生育津贴) with its date, kind, days, payee and amount, and the total. Read-only; every figure is
// the server's (GET …/persons/{id_no}/maternity). The tables take the shared `.cases` look (style.css):
// at phone width each row becomes a card whose cells carry their column's name, as on the
// workbench's lists; the portal (pages/portal_registers.ts) shows the same tables.
import type { Schemas } from "../api/client";
import { h } from "../dom";
import "./maternity.css";

type Maternity = Schemas["PersonMaternity"];
type MaternityRecord = Schemas["MaternityRecord"];

const enc = encodeURIComponent;
const yuan = (fen: number) => `${(fen / 100).toFixed(2)} 元`;
const TYPES: Record<string, string> = {
  filing: "生育备案",
  prenatal: "产前检查费",
  medical: "生育医疗费",
  family_planning: "计划生育医疗费",
  allowance: "生育津贴",
};
const PAYEES: Record<string, string> = { unit: "单位", person: "本人" };

const FILING_HEADS = ["类别", "日期", "情形", "状态", "办件"];
const BENEFIT_HEADS = ["待遇", "生育或手术日期", "情形", "天数", "支付给", "金额", "办件"];

// One row per record; the first cell is the row header, every other cell names its column
// (`data-label`, shown before the value when the row is a card).
function rows(list: MaternityRecord[], caseLink: (no: string) => Node | string, benefits: boolean) {
  const heads = benefits ? BENEFIT_HEADS : FILING_HEADS;
  const cell = (i: number, content: Node | string, cls?: string) => h("td", { class: cls ?? null, "data-label": heads[i] }, content);
  return list.map((r) =>
    h(
      "tr",
      null,
      h("th", { scope: "row" }, TYPES[r.type] ?? r.type),
      cell(1, r.event_date || "—"),
      cell(2, r.event_kind || "—"),
      ...(benefits
        ? [cell(3, r.days ? `${r.days} 天` : "—"), cell(4, PAYEES[r.payee_kind ?? ""] ?? "—"), cell(5, yuan(r.amount_fen), "num")]
        : [cell(3, r.status)]),
      cell(heads.length - 1, caseLink(r.case_no)),
    ),
  );
}

export function render(m: Maternity, caseLink: (no: string) => Node | string): Node[] {
  const out: Node[] = [h("h2", null, "生育保险")];
  if (!m.filings.length && !m.benefits.length) return [...out, h("p", null, "无生育备案或生育保险待遇记录。")];
  if (m.filings.length)
    out.push(
      h(
        "table",
        { class: "cases maternity-filings" },
        h("caption", null, "生育备案"),
        h("thead", null, h("tr", null, ...FILING_HEADS.map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", null, ...rows(m.filings, caseLink, false)),
      ),
    );
  if (m.benefits.length)
    out.push(
      h(
        "table",
        { class: "cases maternity-benefits" },
        h("caption", null, `生育保险待遇（合计 ${yuan(m.paid_fen)}）`),
        h("thead", null, h("tr", null, ...BENEFIT_HEADS.map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", null, ...rows(m.benefits, caseLink, true)),
      ),
    );
  return out;
}

export function maternitySection(token: string, region: string, idNo: string, caseLink: (no: string) => Node | string): HTMLElement {
  const box = h("section", { class: "maternity", "aria-label": "生育保险" }, h("h2", null, "生育保险"), h("p", null, "正在读取生育保险记录……"));
  void fetch(`/api/v1/regions/${enc(region)}/persons/${enc(idNo)}/maternity`, { headers: { Accept: "application/json", Authorization: `Bearer ${token}` } })
    .then(async (res) => {
      const body = (await res.json().catch(() => null)) as (Maternity & { error?: { message?: string } }) | null;
      if (!res.ok || !body || !Array.isArray(body.benefits)) throw new Error(body?.error?.message || `读取失败（${res.status}）`);
      box.replaceChildren(...render(body, caseLink));
    })
    .catch((e: unknown) => box.replaceChildren(h("h2", null, "生育保险"), h("p", { class: "error", role: "alert" }, e instanceof Error ? e.message : "读取失败")));
  return box;
}
