// A person's 转移接续 (transfers between regions) as this region records them: a section of the
// staff person page (transferSection, one line in staff_registers.ts) and the blocks the portal's
// progress page shows the applicant (transferBlocks, pages/portal_registers.ts). Each transfer with
// its three stages — who acts, when the stage started, its due date (5 working days) and when it
// was done — the status, the months and the balance carried. Read-only; every figure is the
// server's (GET …/transfers?id_no=).
import type { Schemas } from "../api/client";
import { h } from "../dom";
import "./transfers.css";

type Transfer = Schemas["Transfer"];

const enc = encodeURIComponent;
const REGION_NAMES: Record<string, string> = { qinghai: "青海省", xining: "西宁市", yunnan: "云南省", qingdao: "青岛市" };

const regionName = (id: string) => REGION_NAMES[id] ?? id;
// Fen to 元 as the maternity section writes it (19600.00 元).
const yuan = (fen: number) => `${(fen / 100).toFixed(2)} 元`;
const STAGE_HEADS = ["环节", "经办机构", "开始日期", "应办结日期", "办结日期"];

function stageRows(t: Transfer) {
  return t.stages.map((s) => {
    const cells = [
      regionName(s.region),
      s.started_on ?? "—",
      s.due_on ? `${s.due_on}${s.due_provisional ? "（暂定）" : ""}` : "—",
      s.done_on ?? "未办",
    ];
    return h(
      "tr",
      null,
      h("th", { scope: "row" }, s.name),
      ...cells.map((c, i) => h("td", { "data-label": STAGE_HEADS[i + 1] }, c)),
    );
  });
}

// One transfer seen from `region` (转入 or 转出); `level` is the heading level of its title, so
// the block fits the page it is put on (h3 under the staff section's h2, h4 in the portal).
export function transferBlock(t: Transfer, region: string, level: 3 | 4 = 3): HTMLElement {
  const direction = t.to_region === region ? `由${regionName(t.from_region)}转入` : `转往${regionName(t.to_region)}`;
  return h(
    "article",
    { class: "transfer", "data-transfer": t.transfer_id },
    h(`h${level}`, null, `${direction}（${t.transfer_id}）`),
    h(
      "dl",
      { class: "transfer-facts" },
      h("dt", null, "状态"),
      h("dd", null, h("span", { class: `transfer-status ${t.status === "已完成" ? "completed" : t.status === "转出地不予办理" ? "refused" : "pending"}` }, t.status)),
      h("dt", null, "转移缴费月数"),
      h("dd", { class: "transfer-months" }, `${t.contribution_months} 个月`),
      h("dt", null, "划转个人账户余额"),
      h("dd", { class: "transfer-balance" }, yuan(t.balance_fen)),
      ...(t.refusal ? [h("dt", null, "不予办理原因"), h("dd", null, t.refusal)] : []),
    ),
    h(
      "table",
      { class: "transfer-stages" },
      h("caption", null, "办理环节（每环节 5 个工作日）"),
      h("thead", null, h("tr", null, ...STAGE_HEADS.map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", null, ...stageRows(t)),
    ),
  );
}

// GET …/transfers?id_no= with the given credentials (a staff token, or the applicant's case number
// and query code); the server's message on a refusal.
export async function loadTransfers(region: string, idNo: string, auth: { token: string } | { case_no: string; query_code: string }): Promise<Transfer[]> {
  let url = `/api/v1/regions/${enc(region)}/transfers?id_no=${enc(idNo)}`;
  const headers: Record<string, string> = { Accept: "application/json" };
  if ("token" in auth) headers.Authorization = `Bearer ${auth.token}`;
  else {
    url += `&case_no=${enc(auth.case_no)}`;
    headers["X-Query-Code"] = auth.query_code;
  }
  const res = await fetch(url, { headers });
  const body = (await res.json().catch(() => null)) as Transfer[] | { error?: { message?: string } } | null;
  if (!res.ok || !Array.isArray(body)) throw new Error((body && !Array.isArray(body) && body.error?.message) || `读取失败（${res.status}）`);
  return body;
}

export function transferSection(token: string, region: string, idNo: string): HTMLElement {
  const box = h("section", { class: "transfers", "aria-label": "转移接续" }, h("h2", null, "转移接续"), h("p", null, "正在读取转移接续记录……"));
  void loadTransfers(region, idNo, { token })
    .then((list) => box.replaceChildren(h("h2", null, "转移接续"), ...(list.length ? list.map((t) => transferBlock(t, region)) : [h("p", null, "无转移接续记录。")])))
    .catch((e: unknown) => box.replaceChildren(h("h2", null, "转移接续"), h("p", { class: "error", role: "alert" }, e instanceof Error ? e.message : "读取失败")));
  return box;
}
