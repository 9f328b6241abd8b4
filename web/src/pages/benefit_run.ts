// The accounting voucher(s) of a 待遇支付 run (Xining's 630100990001, effect benefit_payment) on
// the staff case page (one line in staff_case.ts): number, status, totals by purpose, who made
// and reconciled it, and the month's payments — the staff list, and once reconciled at 办结 the
// export compared with the bank statement (fetched with the token). Read-only; every figure is
// the server's (GET …/benefit-runs/{case_no}/vouchers, staff of the region only).
import type { Schemas } from "../api/client";
import type { CaseDetail } from "../api/workbench";
import { h, link } from "../dom";
import { facts, fen, openFile, table } from "../workbench";

type Voucher = Schemas["BenefitVoucher"];
type Vouchers = Schemas["BenefitVouchers"];

const enc = encodeURIComponent;

async function load(token: string, region: string, caseNo: string): Promise<Vouchers> {
  let res: Response;
  try {
    res = await fetch(`/api/v1/regions/${enc(region)}/benefit-runs/${enc(caseNo)}/vouchers`, {
      headers: { Accept: "application/json", Authorization: `Bearer ${token}` },
    });
  } catch {
    throw new Error("网络连接失败，请稍后重试");
  }
  const body = (await res.json().catch(() => null)) as (Vouchers & { error?: { message?: string } }) | null;
  if (!res.ok || !body || !Array.isArray(body.vouchers)) throw new Error(body?.error?.message || `读取失败（${res.status}）`);
  return body;
}

function voucherBlock(token: string, region: string, v: Voucher): HTMLElement {
  const month = v.payments_month ?? "";
  const msg = h("span", { class: "error", role: "status" });
  // The export exists once the voucher is reconciled (办结); before that the month's payments are
  // on the staff payments page.
  const exportButton = v.export
    ? h(
        "button",
        { type: "button", class: "button voucher-export", onclick: () => void openFile(token, v.export as string, msg, `payments-${region}-${month}.csv`) },
        `下载 ${month} 拨付对账文件（CSV）`,
      )
    : null;
  return h(
    "article",
    { class: "voucher", "data-voucher": v.number },
    h("h3", null, `会计凭证 ${v.number}`),
    facts([
      ["状态", v.status],
      ["支付月份", v.month ?? null],
      ["合计", `${fen(v.total_fen)}${v.lines ? `（${v.lines} 笔）` : ""}`],
      ["拨付日期", v.paid_on ?? null],
      ["编制", v.made_on ? `${v.made_on}${v.made_by ? ` ${v.made_by}` : ""}` : null],
      ["月末对账", v.reconciled_on ? `${v.reconciled_on}${v.reconciled_by ? ` ${v.reconciled_by}` : ""}` : "未对账（办结时与银行核对）"],
    ]),
    table(
      "voucher-purposes",
      ["用途", "笔数", "金额"],
      v.by_purpose.map((b) => [b.purpose, `${b.count} 笔`, fen(b.amount_fen)]),
      "按用途合计",
    ),
    month
      ? h(
          "p",
          { class: "voucher-payments" },
          link(`/staff/payments?month=${enc(month)}`, `${month} 拨付记录`),
          exportButton ? " " : null,
          exportButton,
          msg,
        )
      : null,
  );
}

// Null for any other case: only a run has vouchers.
export function runVouchers(token: string, c: CaseDetail): HTMLElement | null {
  if ((c.register_effect as { name?: string }).name !== "benefit_payment") return null;
  const title = () => h("h2", { id: "voucher-h" }, "待遇支付会计凭证");
  const box = h("section", { class: "vouchers", "aria-labelledby": "voucher-h" }, title(), h("p", null, "正在读取会计凭证……"));
  void load(token, c.region, c.case_no)
    .then((r) =>
      box.replaceChildren(
        title(),
        ...(r.vouchers.length ? r.vouchers.map((v) => voucherBlock(token, c.region, v)) : [h("p", null, "尚未编制会计凭证（拨付后由“编制会计凭证”环节编制）。")]),
      ),
    )
    .catch((e: unknown) => box.replaceChildren(title(), h("p", { class: "error", role: "alert" }, e instanceof Error ? e.message : "读取失败")));
  return box;
}
