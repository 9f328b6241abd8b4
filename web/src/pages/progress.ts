// 办件进度查询 by case number + ID number (or credit code) + query code: the stage, each step
// reached with its date, the due date, the one-time notice while 补正 is open with the online
// supplement, the reason of a refusal, the rating (好差评) once the case is closed, and withdrawal
// while the case is open. Every action is the applicant's own API action (supplement / rate /
// withdraw), authenticated by the same ID number and query code as the query.
import "../portal.css";
import { api, ApiError, call, type Progress, type Region } from "../api/client";
import { h, render } from "../dom";
import { lastReceipt, loadRegions } from "../state";
import { uploadWidget, type UploadedFile } from "../uploads";
import { myCareRecords } from "./filings";
import { myCardRecords } from "./portal_cards";
import { myRegisterRecords } from "./portal_registers";
import { mySigningRecords } from "./signing";

// What the applicant typed: it opens the progress and signs the applicant's actions.
interface Who {
  case_no: string;
  id_no: string;
  query_code: string;
}

// The server answers an action with the case's outcome; the page only needs its rating.
interface ActionOutcome {
  rating?: string;
}

function randomKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
}

// One applicant action: the ID number and query code go in the body (no token); the key makes a
// retry after a lost answer harmless.
function act(who: Who, action: "supplement" | "rate" | "withdraw", body: Record<string, unknown>, key: string) {
  return call<ActionOutcome>(
    "POST",
    `/api/v1/cases/${encodeURIComponent(who.case_no)}/${action}`,
    { ...body, id_no: who.id_no, query_code: who.query_code },
    key,
  );
}

function errorText(e: unknown) {
  return e instanceof ApiError ? e.message : "提交失败，请稍后重试";
}

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

  // Queries and draws the case; an action redraws it from a fresh query, with its own message on top.
  const load = async (who: Who, message?: HTMLElement) => {
    try {
      const [p, regions] = await Promise.all([api.progress(who.case_no, who.id_no, who.query_code), loadRegions()]);
      const region = regions.find((r) => who.case_no.startsWith(`${r.division_code}-`)) ?? null;
      out.replaceChildren(h("div", null, message ?? null, show(p, who, region, (m) => void load(who, m))));
    } catch (e) {
      const msg = e instanceof ApiError && e.status === 404 ? "未查到该办件，请核对办件编号、证件号码和查询码。" : e instanceof ApiError ? e.message : "查询失败，请稍后重试";
      out.replaceChildren(h("p", { class: "error", role: "alert" }, msg));
    }
  };
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = (n: string) => (form.elements.namedItem(n) as HTMLInputElement).value.trim();
    if (!v("case_no") || !v("id_no") || !v("query_code")) {
      out.replaceChildren(h("p", { class: "error", role: "alert" }, "请填写办件编号、证件号码和查询码。"));
      return;
    }
    out.replaceChildren(h("p", null, "正在查询……"));
    await load({ case_no: v("case_no"), id_no: v("id_no").toUpperCase(), query_code: v("query_code").toUpperCase() });
  });
  render("办件进度查询", h("h1", null, "办件进度查询"), form, out);
}

const REFUSALS = new Set(["不予受理", "审核不通过"]);

function show(p: Progress, who: Who, region: Region | null, reload: (message: HTMLElement) => void) {
  const refused = !!p.result && REFUSALS.has(p.result);
  // The server's rule: a closed case may be rated once (办结, and also 不予受理 / 审核不通过).
  const rateable = p.stage === "已办结" && p.result !== "已撤回";
  // The server's progress carries the rating once given; a rating given in this visit is known
  // before the page is reloaded.
  const rating = p.rating || ratedHere.get(p.case_no);
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
    p.result === "待补正" && p.notice?.length ? supplementForm(p, who, reload) : null,
    refused
      ? h(
          "div",
          { class: "refusal" },
          h("p", { class: "error" }, `办理结果：${p.result}。`),
          p.reason ? h("p", null, "理由：", h("span", { class: "reason" }, p.reason)) : null,
          h("p", null, "以书面决定书为准；如有异议，可依法申请行政复议或提起行政诉讼。"),
        )
      : null,
    p.result === "办结" ? h("p", { class: "done" }, "您的申请已办结。") : null,
    rateable ? (rating ? rated(rating) : ratingForm(who, region, reload)) : null,
    h("h3", null, "办理过程"),
    timeline(p),
    region ? myCareRecords(who, region.id) : null,
    region ? myRegisterRecords(who, region.id) : null,
    region ? myCardRecords(who, region.id) : null,
    region ? mySigningRecords(who, region.id) : null,
    p.stage !== "已办结" ? withdrawBox(who, reload) : null,
  ];
}

// The progress lists one line per step reached, named after the step; a refusal or a withdrawal
// is recorded at the step where it happened (受理), and the server names it (`outcome`).
function timeline(p: Progress) {
  return h(
    "ol",
    { class: "timeline" },
    p.steps.map((s) => {
      const what = s.outcome ? (s.step === s.outcome ? s.outcome : `${s.step}：${s.outcome}`) : s.step;
      return h("li", { class: s.outcome ? "closing" : null }, h("time", { datetime: s.date }, s.date), " ", what);
    }),
  );
}

// 一次性告知 and the online supplement: each missing material is ticked as handed in, its files
// uploaded; the server re-checks the checklist and resumes the case.
function supplementForm(p: Progress, who: Who, reload: (message: HTMLElement) => void) {
  const notice = p.notice ?? [];
  const alert = h("div", { class: "alert", role: "alert" });
  const button = h("button", { type: "submit", class: "button primary" }, "提交补正材料") as HTMLButtonElement;
  const key = randomKey(); // one per drawn form: a retry after a lost answer is not a second supplement
  const rows = notice.map((m, i) => {
    const id = `supplement-${i}`;
    const box = h("input", { type: "checkbox", id, name: "supplement", value: m.id }) as HTMLInputElement;
    return h("li", null, h("div", { class: "field check" }, box, h("label", { for: id }, m.name)));
  });
  // The files of the missing materials: stored with the case at once; a material with a file
  // uploaded is ticked as handed in (the applicant may still untick it).
  const tick = (f: UploadedFile) => {
    const box = [...form.querySelectorAll<HTMLInputElement>('input[name="supplement"]')].find((b) => b.value === f.material_id);
    if (box) box.checked = true;
  };
  const uploads = h(
    "div",
    { class: "upload-slot" },
    h("p", { class: "hint" }, "可上传补正材料的电子文件："),
    uploadWidget({ caseNo: who.case_no, idNo: who.id_no, queryCode: who.query_code }, notice, { title: "上传补正材料", onUploaded: tick }),
  );
  const form = h(
    "form",
    { class: "supplement", novalidate: true },
    h(
      "fieldset",
      null,
      h("legend", null, "在线补正"),
      h("p", { class: "hint" }, "请勾选本次补交的材料后提交。未补齐的材料可以稍后再补。"),
      h("ul", { class: "supplement-list" }, rows),
      uploads,
    ),
    alert,
    h("div", { class: "actions" }, button),
  ) as HTMLFormElement;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const ticked = [...form.querySelectorAll<HTMLInputElement>('input[name="supplement"]:checked')].map((b) => b.value);
    if (!ticked.length) {
      alert.textContent = "请至少勾选一项补交的材料。";
      return;
    }
    alert.textContent = "";
    button.disabled = true;
    try {
      await act(who, "supplement", { materials: Object.fromEntries(ticked.map((id) => [id, "provided"])) }, key);
      reload(h("p", { class: "ok", role: "status" }, "补正材料已提交，办件继续办理。"));
    } catch (e) {
      alert.textContent = errorText(e);
      button.disabled = false;
    }
  });
  return h(
    "section",
    { class: "notice", "aria-labelledby": "notice-title" },
    h("h3", { id: "notice-title" }, "一次性告知：请补正以下材料"),
    h("ul", null, notice.map((m) => h("li", null, m.name))),
    h("p", null, "可在下方在线补正，也可到办理窗口提交；办理时限自补正之日起继续计算。"),
    form,
  );
}

// Cases rated in this visit: their rating, or "" when the server answered that the case was
// already rated (rated elsewhere, the rating itself not known to the page).
const ratedHere = new Map<string, string>();

function rated(rating: string) {
  return h("section", { class: "rating done" }, h("h3", null, "服务评价"), h("p", { class: "rated" }, rating ? ["已评价：", h("strong", null, rating)] : "已评价。"));
}

// 好差评 on the region's own scale (best first). Below 满意 the server requires a reason and says
// so; its message is shown as it is.
function ratingForm(who: Who, region: Region | null, reload: (message: HTMLElement) => void) {
  const scale = region?.rating_scale ?? [];
  if (!scale.length) return null;
  const alert = h("div", { class: "alert", role: "alert" });
  const button = h("button", { type: "submit", class: "button primary" }, "提交评价") as HTMLButtonElement;
  const reason = h("textarea", { id: "rating-reason", name: "reason", maxlength: 500, "aria-describedby": "rating-reason-hint" }) as HTMLTextAreaElement;
  const key = randomKey();
  const form = h(
    "form",
    { class: "rating-form", novalidate: true },
    h(
      "fieldset",
      null,
      h("legend", null, "请对本次服务作出评价"),
      h(
        "div",
        { class: "rating-scale" },
        scale.map((s, i) => {
          const id = `rating-${i}`;
          return h("div", { class: "field check" }, h("input", { type: "radio", id, name: "rating", value: s }), h("label", { for: id }, s));
        }),
      ),
      h(
        "div",
        { class: "field" },
        h("label", { for: "rating-reason" }, "评价理由"),
        reason,
        h("p", { class: "hint", id: "rating-reason-hint" }, scale.includes("满意") ? "评价低于“满意”时须填写理由。" : "评价不满意时须填写理由。"),
      ),
    ),
    alert,
    h("div", { class: "actions" }, button),
  ) as HTMLFormElement;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const chosen = form.querySelector<HTMLInputElement>('input[name="rating"]:checked')?.value;
    if (!chosen) {
      alert.textContent = "请选择评价。";
      return;
    }
    alert.textContent = "";
    button.disabled = true;
    try {
      const text = reason.value.trim();
      const out = await act(who, "rate", { rating: chosen, ...(text ? { reason: text } : {}) }, key);
      ratedHere.set(who.case_no, out.rating || chosen);
      form.replaceWith(h("p", { class: "rated", role: "status" }, "已评价：", h("strong", null, out.rating || chosen), "。感谢您的评价。"));
    } catch (e) {
      // A case rated meanwhile (another device, or a reload of this page): show it as rated.
      if (e instanceof ApiError && e.code === "already_rated") {
        ratedHere.set(who.case_no, ratedHere.get(who.case_no) ?? "");
        reload(h("p", { class: "ok", role: "status" }, e.message));
        return;
      }
      alert.textContent = errorText(e);
      button.disabled = false;
      if (e instanceof ApiError && e.code === "reason_required") reason.focus();
    }
  });
  return h("section", { class: "rating" }, h("h3", null, "服务评价"), form);
}

// Withdrawal while the case is open: a second click confirms it, since it cannot be undone.
function withdrawBox(who: Who, reload: (message: HTMLElement) => void) {
  const alert = h("div", { class: "alert", role: "alert" });
  const key = randomKey();
  const box = h("section", { class: "withdraw" });
  const start = h("button", { type: "button", class: "button" }, "撤回申请") as HTMLButtonElement;
  const initial = () => box.replaceChildren(h("h3", null, "撤回申请"), h("p", { class: "hint" }, "办结前，您可以撤回本申请。"), start, alert);
  start.addEventListener("click", () => {
    const confirm = h("button", { type: "button", class: "button danger" }, "确认撤回") as HTMLButtonElement;
    const cancel = h("button", { type: "button", class: "button" }, "不撤回") as HTMLButtonElement;
    cancel.addEventListener("click", () => {
      initial();
      start.focus();
    });
    confirm.addEventListener("click", async () => {
      confirm.disabled = true;
      try {
        await act(who, "withdraw", {}, key);
        reload(h("p", { class: "ok", role: "status" }, "申请已撤回。"));
      } catch (e) {
        alert.textContent = errorText(e);
        confirm.disabled = false;
      }
    });
    box.replaceChildren(h("h3", null, "撤回申请"), h("p", null, "撤回后本办件即告结束，不能恢复；如需办理须重新申请。确定撤回吗？"), h("div", { class: "actions" }, confirm, cancel), alert);
    confirm.focus();
  });
  initial();
  return box;
}
