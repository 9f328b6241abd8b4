// 窗口收件 (/staff/intake): a clerk enters an application for the applicant at the counter — the
// item (of the clerk's region, offered at the window), the applicant, the situations that apply
// (ticking one makes its materials appear), the checklist as checked at the counter (任选其一,
// 告知承诺, 数据共享) and the item's form — then 受理 or 一次性告知 in one step: the submission as
// staff on the 窗口 channel, then accept or return at once. The answer prints the notice (PDF).
import { api, ApiError, type Item, type Session, type Submission } from "../api/client";
import { wb } from "../api/workbench";
import { h, link, render } from "../dom";
import { fieldControl, nextId, readApplication, textControl, type Control } from "../form_fields";
import { loadItems } from "../state";
import { checkCreditCode, checkIdNo, checkPhone } from "../validate";
import { facts, go, KINDS, openFile, staffBar, staffOnly, STATUS } from "../workbench";
import { uuid } from "./staff_case";

const WINDOW = "窗口";

export function staffIntakePage() {
  return staffOnly(intake);
}

async function intake(session: Session) {
  const region = session.staff.region;
  const items = (await loadItems(region)).filter((i) => !i.internal && i.channels.includes(WINDOW));
  const code = new URLSearchParams(location.search).get("item") ?? "";
  const sid = "intake-item";
  const choose = h(
    "form",
    { class: "wb-search" },
    h(
      "div",
      { class: "field" },
      h("label", { for: sid }, "办理事项"),
      h("select", { id: sid, name: "item" }, h("option", { value: "" }, "请选择事项"), items.map((i) => h("option", { value: i.code, selected: i.code === code }, `${i.name}（${i.code}）`))),
    ),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button" }, "选择")),
  ) as HTMLFormElement;
  choose.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = (choose.elements.namedItem("item") as HTMLSelectElement).value;
    go(v ? `/staff/intake?item=${encodeURIComponent(v)}` : "/staff/intake");
  });
  const item = code && items.some((i) => i.code === code) ? await api.item(region, code) : null;
  render(
    "窗口收件",
    staffBar(session, "/staff/intake"),
    h("h1", null, "窗口收件"),
    h("p", { class: "hint" }, "为到窗口办理的申请人录入申请：选择事项，勾选适用情形，逐项核对材料，然后直接受理或一次性告知补正。"),
    choose,
    item ? intakeForm(session, item) : code ? h("p", { class: "alert", role: "alert" }, "本地区窗口不办理该事项，请重新选择。") : null,
  );
}

function intakeForm(session: Session, item: Item) {
  const key = uuid(); // the submission's key: a retry after a lost answer is not a second case
  const kinds = item.applicant.length ? item.applicant : ["person"];
  let kind = kinds[0]!;
  const kindSel = h("select", { id: "in-kind", name: "kind" }, kinds.map((k) => h("option", { value: k }, KINDS[k] ?? k))) as HTMLSelectElement;
  const nameCtl = textControl("申请人姓名或单位名称", { required: true, maxlength: 100, name: "applicant-name" });
  const idCtl = () =>
    kind === "person"
      ? textControl("公民身份号码", { required: true, maxlength: 18, check: checkIdNo, name: "applicant-id", hint: "18位，最后一位可为 X" })
      : textControl("统一社会信用代码", { required: true, maxlength: 18, check: checkCreditCode, name: "applicant-id", hint: "18位" });
  let idControl = idCtl();
  const idSlot = h("div", null, idControl.el);
  const phoneCtl = textControl("联系电话", { required: false, type: "tel", inputmode: "tel", maxlength: 20, check: checkPhone, name: "applicant-phone" });
  kindSel.addEventListener("change", () => {
    kind = kindSel.value;
    idControl = idCtl();
    idSlot.replaceChildren(idControl.el);
  });

  // Situations: ticking one shows the materials it requires.
  const conds = new Set<string>();
  const condBoxes = (item.conditions ?? []).map((c) => {
    const id = nextId("c");
    const box = h("input", { id, type: "checkbox", value: c.id, name: `cond-${c.id}` }) as HTMLInputElement;
    box.addEventListener("change", () => {
      if (box.checked) conds.add(c.id);
      else conds.delete(c.id);
      drawMaterials();
    });
    return h("div", { class: "field check" }, box, h("label", { for: id }, c.name));
  });

  // The checklist as checked at the counter: each material that applies, and how it is provided.
  const status = new Map<string, string>();
  const matBox = h("div", { class: "materials-form" });
  const groups = new Map((item.material_groups ?? []).map((g) => [g.id, g.text]));
  const shownMaterials = () => item.materials.filter((m) => (!m.when || conds.has(m.when)) && !(m.waived_channels ?? []).includes(WINDOW));
  const drawMaterials = () => {
    const shown = shownMaterials();
    matBox.replaceChildren(
      ...(shown.length
        ? shown.map((m) => {
            const opts: [string, string][] = [["provided", "已提供"]];
            if (m.commitment) opts.push(["commitment", "告知承诺（承诺书代替）"]);
            if (m.shared_data) opts.push(["shared", `数据共享获取（${m.shared_data}）`]);
            opts.push(["missing", m.group ? "不提供（同组已提供其他材料）" : "缺少"]);
            const now = status.get(m.id) ?? (m.group || m.optional ? "missing" : "provided");
            status.set(m.id, now);
            const name = `mat-${m.id}`;
            return h(
              "fieldset",
              { class: "material", "data-material": m.id },
              h("legend", null, m.name, m.group ? h("small", null, `（任选其一：${groups.get(m.group) ?? ""}）`) : null, m.optional ? h("small", null, "（视情况提供）") : null),
              opts.map(([v, label]) => {
                const id = nextId("r");
                const r = h("input", { type: "radio", id, name, value: v, checked: v === now }) as HTMLInputElement;
                r.addEventListener("change", () => status.set(m.id, v));
                return h("div", { class: "field check" }, r, h("label", { for: id }, label));
              }),
            );
          })
        : [h("p", null, "按所选情形，本事项在窗口无需提交材料。")]),
    );
  };
  drawMaterials();

  const formFields = (item.form_schema?.fields ?? []).map((f) => [f.id, fieldControl(f, "form-")] as [string, Control]);
  const alert = h("div", { class: "alert", role: "alert" });
  const acceptBtn = h("button", { type: "submit", class: "button primary", value: "accept" }, "受理") as HTMLButtonElement;
  const returnBtn = h("button", { type: "submit", class: "button", value: "return" }, "一次性告知") as HTMLButtonElement;
  const out = h("div", { class: "intake-result", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "apply intake", novalidate: true },
    h(
      "fieldset",
      null,
      h("legend", null, "申请人"),
      kinds.length > 1 ? h("div", { class: "field" }, h("label", { for: "in-kind" }, "申请人类型"), kindSel) : null,
      nameCtl.el,
      idSlot,
      phoneCtl.el,
    ),
    condBoxes.length ? h("fieldset", null, h("legend", null, "适用情形（符合的请勾选）"), condBoxes) : null,
    item.materials.length ? h("fieldset", null, h("legend", null, "材料清单（逐项核对）"), matBox) : null,
    formFields.length ? h("fieldset", null, h("legend", null, item.form_schema?.name || "申请表"), formFields.map(([, c]) => c.el)) : null,
    alert,
    h("div", { class: "actions" }, acceptBtn, returnBtn),
  ) as HTMLFormElement;

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const action = ((ev as SubmitEvent).submitter as HTMLButtonElement | null)?.value === "return" ? "return" : "accept";
    alert.textContent = "";
    const read = readApplication({ name: nameCtl, id: idControl, phone: phoneCtl }, formFields, alert);
    if (!read) return;
    const { name, idNo, phone, form: formValue } = read;
    const shown = new Set(shownMaterials().map((m) => m.id));
    const materials: Record<string, "provided"> = {};
    for (const [id, v] of status) if (shown.has(id)) materials[id] = v as "provided";
    if (action === "return" && !Object.values(materials).some((v) => (v as string) === "missing")) {
      alert.textContent = "一次性告知须在材料清单中标出缺少的材料。";
      return;
    }
    acceptBtn.disabled = returnBtn.disabled = true;
    const submission: Submission = {
      region: session.staff.region,
      item_code: item.code,
      channel: WINDOW,
      applicant: { kind: kind as "person", id_no: idNo!, name: name!, ...(phone ? { phone } : {}) },
      conditions: [...conds],
      materials,
      form: formValue,
    };
    let caseNo: string | null = null;
    try {
      const receipt = await wb.submit(session.token, submission, key);
      caseNo = receipt.case_no;
      const done = await wb.act(session.token, caseNo, action, { materials }, uuid());
      form.remove();
      out.replaceChildren(result(session, item, caseNo, receipt.query_code, done.status, action));
    } catch (e) {
      const msg = e instanceof ApiError ? e.message : "提交失败，请稍后重试";
      if (caseNo) {
        // Registered but not accepted: the case waits at 受理 and is handled on its own page.
        form.remove();
        out.replaceChildren(
          h("p", { class: "alert", role: "alert" }, `申请已登记（办件编号 ${caseNo}），但${action === "accept" ? "受理" : "一次性告知"}未成功：${msg}`),
          h("p", null, link(`/staff/cases/${encodeURIComponent(caseNo)}`, "到办件详情继续办理")),
        );
      } else {
        alert.textContent = msg;
        acceptBtn.disabled = returnBtn.disabled = false;
      }
    }
  });
  return h("div", null, h("h2", null, item.name), form, out);
}

function result(session: Session, item: Item, caseNo: string, queryCode: string, status: string, action: string) {
  const msg = h("p", { class: "alert", role: "alert" });
  const kind = action === "accept" ? "acceptance" : "supplement";
  const notice = action === "accept" ? "受理通知书" : "一次性告知书";
  return h(
    "div",
    { class: "receipt-box" },
    h("h2", null, action === "accept" ? "已受理" : "已一次性告知补正"),
    facts([
      ["办理事项", item.name],
      ["办件编号", h("span", { class: "case-no" }, caseNo)],
      ["查询码", h("span", { class: "query-code" }, queryCode)],
      ["办件状态", STATUS[status] ?? status],
    ]),
    h("p", null, "请将办件编号和查询码告知申请人，凭此查询办理进度。"),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", class: "button primary", "data-notice": kind, onclick: () => void openFile(session.token, wb.noticeUrl(caseNo, kind), msg) }, `打印${notice}`),
      link(`/staff/cases/${encodeURIComponent(caseNo)}`, "查看办件", { class: "button" }),
      link(`/staff/intake?item=${encodeURIComponent(item.code)}`, "继续收件", { class: "button" }),
    ),
    msg,
  );
}
