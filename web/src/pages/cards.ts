// A person's 社会保障卡 and 退役士兵补缴 records as this region keeps them (Yunnan's 530000990003 and
// 530000990002): a section of the staff person page (one line in staff_registers.ts). The current
// card and every earlier one with its status and dates, the bank notice of an instant card (opened
// as a printable page), and the months back-paid with the case of each. Read-only; every figure
// is the server's (GET …/persons/{id_no}/cards and …/back-payments). The parts are shared with
// the applicant's own view on the portal (pages/portal_cards.ts), which opens the notice with the
// case's query code instead of a token.
import type { Schemas } from "../api/client";
import { h } from "../dom";
import { openFile, table } from "../workbench";

type Cards = Schemas["PersonCards"];
type BackPayments = Schemas["PersonBackPayments"];

const enc = encodeURIComponent;

async function read<T>(token: string, path: string): Promise<T> {
  const res = await fetch(path, { headers: { Accept: "application/json", Authorization: `Bearer ${token}` } });
  const body = (await res.json().catch(() => null)) as (T & { error?: { message?: string } }) | null;
  if (!res.ok || !body) throw new Error(body?.error?.message || `读取失败（${res.status}）`);
  return body;
}

// `openNotice` fetches the printable notice with the reader's credentials and opens it; a failure
// is written into `msg`.
export function cardPart(c: Cards, openNotice: (msg: HTMLElement) => void, caseLink: (no: string) => Node | string): Node[] {
  const card = c.card;
  if (!card) return [h("p", null, "无社会保障卡记录。")];
  const out: Node[] = [
    h("p", { class: "card-current" }, `当前状态：${card.status}`, card.card_no ? `，卡号 ${card.card_no}` : ""),
  ];
  if (card.notice) {
    const msg = h("span", { role: "status" });
    out.push(
      h(
        "p",
        { class: "card-notice" },
        `已出具《${card.notice.title}》${card.notice.number}（${card.notice.issued_on}），待合作银行网点制卡。`,
        h("button", { type: "button", class: "button no-print", onclick: () => openNotice(msg) }, "打印通知单"),
        msg,
      ),
    );
  }
  if (card.cards.length)
    out.push(
      table(
        "cards",
        ["卡号", "状态", "发卡日期", "挂失或作废日期", "原因", "办件"],
        card.cards.map((x) => [x.card_no, x.status, x.issued_on, x.ended_on || "—", x.reason || "—", caseLink(x.case_no)]),
        "制卡与补卡记录",
      ),
    );
  return out;
}

export function backPaymentPart(b: BackPayments, caseLink: (no: string) => Node | string): Node[] {
  if (!b.back_payments.length) return [h("p", null, "无退役士兵补缴记录。")];
  return [
    table(
      "back-payments",
      ["编号", "补缴起止", "月数", "退出现役日期", "单位部分承担", "办件"],
      b.back_payments.map((r) => [r.number, `${r.from_month} 至 ${r.to_month}`, `${r.months} 个月`, r.discharge_date || "—", r.unit_share_payer || "—", caseLink(r.case_no)]),
      `退役士兵补缴（合计 ${b.months_total} 个月）`,
    ),
  ];
}

export function cardsSection(token: string, region: string, idNo: string, caseLink: (no: string) => Node | string): HTMLElement {
  const title = () => h("h2", null, "社会保障卡与退役士兵补缴");
  const box = h("section", { class: "cards-section", "aria-label": "社会保障卡与退役士兵补缴" }, title(), h("p", null, "正在读取……"));
  const base = `/api/v1/regions/${enc(region)}/persons/${enc(idNo)}`;
  void Promise.all([read<Cards>(token, `${base}/cards`), read<BackPayments>(token, `${base}/back-payments`)])
    .then(([c, b]) => box.replaceChildren(title(), h("h3", null, "社会保障卡"), ...cardPart(c, (msg) => void openFile(token, `${base}/cards/notice.html`, msg), caseLink), h("h3", null, "退役士兵补缴"), ...backPaymentPart(b, caseLink)))
    .catch((e: unknown) => box.replaceChildren(title(), h("p", { class: "error", role: "alert" }, e instanceof Error ? e.message : "读取失败")));
  return box;
}
