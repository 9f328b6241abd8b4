// 在线申办: the applicant, the situations that apply, the materials checklist (generated from the
// item: conditions ticked → their materials appear; 任选其一; 承诺制; 数据共享) and the item's own
// form fields, each checked as it is typed; then POST /api/v1/cases and the receipt.
import { api, ApiError, type Item, type SubmitReceipt } from "../api/client";
import { h, link, render } from "../dom";
import { checkCreditCode, checkIdNo, checkPhone } from "../validate";
import { APPLICANT_KINDS, loadRegions, rememberReceipt } from "../state";
import { onlineChannel } from "./guide";
import { uploadWidget, type MaterialRef } from "../uploads";
import { type Control, fieldControl, nextId, readApplication, textControl } from "../form_fields";

function randomKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
}

export async function applyPage(regionId: string, code: string) {
  const [regions, item] = await Promise.all([loadRegions(), api.item(regionId, code)]);
  const region = regions.find((r) => r.id === regionId);
  const channel = onlineChannel(item);
  if (!channel) {
    render(`${item.name} 在线申办`, h("h1", null, item.name), h("p", null, "本事项不提供网上申办，请查看办事指南中的办理方式。"), link(`/r/${regionId}/items/${code}`, "返回办事指南"));
    return;
  }
  const key = randomKey(); // one per filled form: a retry after a lost answer is not a second case

  // Applicant: kind (when several), name, number (ID or credit code by kind), phone.
  const kinds = item.applicant.length ? item.applicant : ["person"];
  let kind = kinds[0]!;
  const kindSel = h("select", { id: "applicant-kind" }, kinds.map((k) => h("option", { value: k }, APPLICANT_KINDS[k] ?? k))) as HTMLSelectElement;
  const nameCtl = textControl("申请人姓名", { required: true, maxlength: 100, name: "applicant-name" });
  const idCtl = () =>
    kind === "person"
      ? textControl("公民身份号码", { required: true, maxlength: 18, check: checkIdNo, name: "applicant-id", hint: "18位，最后一位可为 X" })
      : textControl("统一社会信用代码", { required: true, maxlength: 18, check: checkCreditCode, name: "applicant-id", hint: "18位" });
  let idControl = idCtl();
  const phoneCtl = textControl("联系电话", { required: true, type: "tel", inputmode: "tel", maxlength: 20, check: checkPhone, name: "applicant-phone" });
  const idSlot = h("div", null, idControl.el);
  const setKind = () => {
    kind = kindSel.value;
    (nameCtl.el.querySelector("label")!.firstChild as Text).data = kind === "person" ? "申请人姓名" : "单位（机构）名称";
    idControl = idCtl();
    idSlot.replaceChildren(idControl.el);
  };
  kindSel.addEventListener("change", setKind);

  // Situations (情形): ticking one shows the materials it requires.
  const conds = new Set<string>();
  const condBoxes = (item.conditions ?? []).map((c) => {
    const id = nextId("c");
    const box = h("input", { id, type: "checkbox", value: c.id }) as HTMLInputElement;
    box.addEventListener("change", () => {
      if (box.checked) conds.add(c.id);
      else conds.delete(c.id);
      drawMaterials();
    });
    return h("div", { class: "field check" }, box, h("label", { for: id }, c.name));
  });

  // Materials: for each that applies, how the applicant provides it.
  const choice = new Map<string, string>();
  const matBox = h("div", { class: "materials-form" });
  const drawMaterials = () => {
    const shown = item.materials.filter((m) => (!m.when || conds.has(m.when)) && !(m.waived_channels ?? []).includes(channel));
    const groupText = (id: string) => item.material_groups?.find((g) => g.id === id)?.text ?? "";
    matBox.replaceChildren(
      ...(shown.length
        ? shown.map((m) => {
            const opts: [string, string][] = [["provided", "已备齐，按要求提交"]];
            if (m.commitment) opts.push(["commitment", "以个人承诺书代替（承诺制）"]);
            if (m.shared_data) opts.push(["shared", `由部门数据共享获取（${m.shared_data}）`]);
            opts.push(["missing", m.group ? "不提供（已提供同组其他材料）" : "暂缺，待补正"]);
            const current = choice.get(m.id) ?? (m.group || m.optional ? "missing" : "provided");
            choice.set(m.id, current);
            const name = nextId("m");
            return h(
              "fieldset",
              { class: "material" },
              h("legend", null, m.name, m.group ? h("small", null, `（任选其一：${groupText(m.group)}）`) : null, m.optional ? h("small", null, "（视情况提供）") : null),
              opts.map(([v, label]) => {
                const id = nextId("r");
                const r = h("input", { type: "radio", id, name, value: v, checked: v === current }) as HTMLInputElement;
                r.addEventListener("change", () => choice.set(m.id, v));
                return h("div", { class: "field check" }, r, h("label", { for: id }, label));
              }),
            );
          })
        : [h("p", null, "按所选情形，网上申办无需提交材料。")]),
    );
  };
  drawMaterials();

  const formFields = (item.form_schema?.fields ?? []).map((f) => [f.id, fieldControl(f, "form-")] as [string, Control]);
  const alert = h("div", { class: "alert", role: "alert" });
  const submitBtn = h("button", { type: "submit", class: "button primary" }, "提交申请") as HTMLButtonElement;

  const form = h(
    "form",
    { class: "apply", novalidate: true },
    h("fieldset", null, h("legend", null, "申请人"), kinds.length > 1 ? h("div", { class: "field" }, h("label", { for: "applicant-kind" }, "申请人类型"), kindSel) : null, nameCtl.el, idSlot, phoneCtl.el),
    condBoxes.length ? h("fieldset", null, h("legend", null, "适用情形（符合的请勾选）"), condBoxes) : null,
    item.materials.length ? h("fieldset", null, h("legend", null, "申办材料"), matBox) : null,
    formFields.length ? h("fieldset", null, h("legend", null, item.form_schema?.name || "申请表"), formFields.map(([, c]) => c.el)) : null,
    alert,
    h("div", { class: "actions" }, submitBtn, link(`/r/${regionId}/items/${code}`, "返回办事指南", { class: "button" })),
  ) as HTMLFormElement;

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    alert.textContent = "";
    const read = readApplication({ name: nameCtl, id: idControl, phone: phoneCtl }, formFields, alert);
    if (!read) return;
    const { name, idNo, phone, form: formValue } = read;
    const materials: Record<string, "provided" | "commitment" | "shared" | "missing"> = {};
    for (const [id, v] of choice) materials[id] = v as "provided";
    submitBtn.disabled = true;
    submitBtn.textContent = "正在提交……";
    try {
      const receipt = await api.submit(
        { region: regionId, item_code: code, channel, applicant: { kind: kind as "person", id_no: idNo!, name: name!, phone: phone! }, conditions: [...conds], materials, form: formValue },
        key,
      );
      rememberReceipt({ case_no: receipt.case_no, id_no: idNo!, query_code: receipt.query_code });
      // Uploads are offered for every material this application lists, whatever was ticked for
      // it (one marked 暂缺 may still be scanned now), except those the agency gets by sharing.
      const listed = item.materials.filter((m) => choice.has(m.id) && choice.get(m.id) !== "shared");
      receiptPage(item, region?.name ?? "", receipt, idNo!, listed);
    } catch (e) {
      alert.textContent = e instanceof ApiError ? e.message : "提交失败，请稍后重试";
      submitBtn.disabled = false;
      submitBtn.textContent = "提交申请";
    }
  });

  render(
    `${item.name} 在线申办`,
    h("p", { class: "crumbs" }, link(`/r/${regionId}`, `${region?.name ?? ""} 办事事项`), " › ", link(`/r/${regionId}/items/${code}`, item.name), " › 在线申办"),
    h("h1", null, item.name, h("small", null, " 在线申办")),
    h("p", { class: "hint" }, "带 * 的为必填项。提交后请记下办件编号和查询码，用于查询办理进度。"),
    form,
  );
}

function receiptPage(item: Item, regionName: string, r: SubmitReceipt, idNo: string, materials: MaterialRef[]) {
  render(
    "申请回执",
    h("h1", null, "申请已提交"),
    h(
      "dl",
      { class: "receipt" },
      h("dt", null, "办理地区"), h("dd", null, regionName),
      h("dt", null, "办理事项"), h("dd", null, item.name),
      h("dt", null, "办件编号"), h("dd", { class: "case-no" }, r.case_no),
      h("dt", null, "查询码"), h("dd", { class: "query-code" }, r.query_code),
      h("dt", null, "当前状态"), h("dd", null, r.status === "supplement" ? "待补正（请按一次性告知补齐材料）" : "待受理"),
    ),
    r.notice?.length ? h("div", { class: "notice" }, h("h2", null, "一次性告知：请补齐以下材料"), h("ul", null, r.notice.map((m) => h("li", null, m.name)))) : null,
    h("p", null, "请妥善保存办件编号和查询码；凭办件编号、公民身份号码（或统一社会信用代码）和查询码可查询办理进度。"),
    materials.length
      ? h(
          "div",
          { class: "no-print" },
          h("h2", null, "上传申办材料"),
          h("p", { class: "hint" }, "可在受理前上传各项材料的电子件（扫描件或照片）；窗口工作人员审核时查看。"),
          uploadWidget({ caseNo: r.case_no, idNo, queryCode: r.query_code }, materials),
        )
      : null,
    h("div", { class: "actions no-print" }, link("/progress", "查询办理进度", { class: "button primary" }), h("button", { type: "button", class: "button", onclick: () => window.print() }, "打印回执")),
  );
}
