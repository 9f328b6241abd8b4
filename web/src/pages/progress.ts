// 办件进度查询 by case number + ID number (or credit code) + query code: the stage, each step
// reached with its date, the due date, the one-time notice while 补正 is open and the result.
import { api, ApiError, type Progress } from "../api/client";
import { h, render } from "../dom";
import { lastReceipt } from "../state";

export function progressPage() {
  const field = (id: string, label: string, value: string, hint?: string) =>
    h(
      "div",
      { class: "field" },
      h("label", { for: id }, label),
      h("input", { id, name: id, value, required: true, autocomplete: "off", "aria-describedby": hint ? `${id}-hint` : null }),
      hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null,
    );
  // The QR code of a printed notice opens /progress?case_no=…: the number is filled in, the ID
  // number and the query code are typed by the applicant.
  const fromLink = new URLSearchParams(location.search).get("case_no") ?? "";
  const memo = lastReceipt ?? (fromLink ? { case_no: fromLink, id_no: "", query_code: "" } : null);
  const out = h("div", { class: "progress-result", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "progress-form" },
    field("case_no", "办件编号", memo?.case_no ?? "", "如 630000-20260310-000001"),
    field("id_no", "公民身份号码或统一社会信用代码", memo?.id_no ?? ""),
    field("query_code", "查询码", memo?.query_code ?? "", "申请回执上的8位查询码"),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button primary" }, "查询")),
  ) as HTMLFormElement;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = (n: string) => (form.elements.namedItem(n) as HTMLInputElement).value.trim();
    if (!v("case_no") || !v("id_no") || !v("query_code")) {
      out.replaceChildren(h("p", { class: "error", role: "alert" }, "请填写办件编号、证件号码和查询码。"));
      return;
    }
    out.replaceChildren(h("p", null, "正在查询……"));
    try {
      out.replaceChildren(h("div", null, show(await api.progress(v("case_no"), v("id_no"), v("query_code").toUpperCase()))));
    } catch (e) {
      const msg = e instanceof ApiError && e.status === 404 ? "未查到该办件，请核对办件编号、证件号码和查询码。" : e instanceof ApiError ? e.message : "查询失败，请稍后重试";
      out.replaceChildren(h("p", { class: "error", role: "alert" }, msg));
    }
  });
  render("办件进度查询", h("h1", null, "办件进度查询"), form, out);
}

function show(p: Progress) {
  const refused = p.result === "不予受理" || p.result === "审核不通过";
  return [
    h("h2", null, p.item_name),
    h(
      "dl",
      { class: "receipt" },
      h("dt", null, "办件编号"), h("dd", null, p.case_no),
      h("dt", null, "办理状态"), h("dd", { class: "stage" }, p.stage + (p.result ? `（${p.result}）` : "")),
      p.current_step ? [h("dt", null, "当前环节"), h("dd", null, p.current_step)] : null,
      p.due_on ? [h("dt", null, "承诺办结日期"), h("dd", null, p.due_on + (p.due_provisional ? "（暂定）" : "") + (p.extended_working_days ? `（已依规延长 ${p.extended_working_days} 个工作日）` : ""))] : null,
    ),
    p.notice?.length
      ? h("div", { class: "notice", role: "note" }, h("h3", null, "一次性告知：请补正以下材料"), h("ul", null, p.notice.map((m) => h("li", null, m.name))), h("p", null, "补齐后请到办理窗口或通过原渠道提交，办理时限自补正之日起继续计算。"))
      : null,
    refused
      ? h(
          "div",
          { class: "refusal" },
          h("p", { class: "error" }, `办理结果：${p.result}。`),
          p.reason ? h("p", null, "理由：", h("span", { class: "reason" }, p.reason)) : null,
          h("p", null, "以书面决定书为准；如有异议，可依法申请行政复议或提起行政诉讼。"),
        )
      : null,
    h("h3", null, "办理过程"),
    h("ol", { class: "timeline" }, p.steps.map((s) => h("li", null, h("time", { datetime: s.date }, s.date), " ", s.step))),
  ];
}
