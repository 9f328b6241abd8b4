// A person's 转移接续 (transfers between regions) as this region records them: a section of the
// staff person page (one line in staff_registers.ts). Each transfer with its three stages — who
// acts, when the stage started, its due date (5 working days) and when it was done — and the months
// and the balance carried. Read-only; every figure is the server's (GET …/transfers?id_no=).
import type { Schemas } from "../api/client";
import { h } from "../dom";

type Transfer = Schemas["Transfer"];

const enc = encodeURIComponent;
const REGION_NAMES: Record<string, string> = { qinghai: "青海省", xining: "西宁市", yunnan: "云南省", qingdao: "青岛市" };

const regionName = (id: string) => REGION_NAMES[id] ?? id;
const yuan = (fen: number) => `${(fen / 100).toFixed(2)} 元`;

function stageRows(t: Transfer) {
  return t.stages.map((s) =>
    h(
      "tr",
      null,
      h("th", { scope: "row" }, s.name),
      h("td", null, regionName(s.region)),
      h("td", null, s.started_on ?? "—"),
      h("td", null, s.due_on ? `${s.due_on}${s.due_provisional ? "（暂定）" : ""}` : "—"),
      h("td", null, s.done_on ?? "未办"),
    ),
  );
}

function transferBlock(t: Transfer, region: string): HTMLElement {
  const direction = t.to_region === region ? `由${regionName(t.from_region)}转入` : `转往${regionName(t.to_region)}`;
  return h(
    "article",
    { class: "transfer" },
    h("h3", null, `${direction}（${t.transfer_id}）`),
    h(
      "dl",
      { class: "facts" },
      h("dt", null, "状态"),
      h("dd", null, t.status),
      h("dt", null, "转移缴费月数"),
      h("dd", null, `${t.contribution_months} 个月`),
      h("dt", null, "划转个人账户余额"),
      h("dd", null, yuan(t.balance_fen)),
      ...(t.refusal ? [h("dt", null, "不予办理原因"), h("dd", null, t.refusal)] : []),
    ),
    h(
      "table",
      { class: "transfer-stages" },
      h("caption", null, "办理环节（每环节 5 个工作日）"),
      h("thead", null, h("tr", null, ...["环节", "经办机构", "开始日期", "应办结日期", "办结日期"].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", null, ...stageRows(t)),
    ),
  );
}

export function transferSection(token: string, region: string, idNo: string): HTMLElement {
  const box = h("section", { class: "transfers", "aria-label": "转移接续" }, h("h2", null, "转移接续"), h("p", null, "正在读取转移接续记录……"));
  void fetch(`/api/v1/regions/${enc(region)}/transfers?id_no=${enc(idNo)}`, { headers: { Accept: "application/json", Authorization: `Bearer ${token}` } })
    .then(async (res) => {
      const body = (await res.json().catch(() => null)) as Transfer[] | { error?: { message?: string } } | null;
      if (!res.ok || !Array.isArray(body)) throw new Error((body && !Array.isArray(body) && body.error?.message) || `读取失败（${res.status}）`);
      box.replaceChildren(h("h2", null, "转移接续"), ...(body.length ? body.map((t) => transferBlock(t, region)) : [h("p", null, "无转移接续记录。")]));
    })
    .catch((e: unknown) => box.replaceChildren(h("h2", null, "转移接续"), h("p", { class: "error", role: "alert" }, e instanceof Error ? e.message : "读取失败")));
  return box;
}
