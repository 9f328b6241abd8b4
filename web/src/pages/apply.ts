// 在线申办: the applicant, the situations that apply, the materials checklist (generated from the
// item: conditions ticked → their materials appear; 任选其一; 承诺制; 数据共享) and the item's own
// form fields, each checked as it is typed; then POST /api/v1/cases and the receipt.
import { api, ApiError, type FormField, type Item, type SubmitReceipt } from "../api/client";
import { h, link, render } from "../dom";
import { checkCreditCode, checkIdNo, checkPhone, validDate, yuanToFen } from "../validate";
import { APPLICANT_KINDS, loadRegions, rememberReceipt } from "../state";
import { onlineChannel } from "./guide";
import { uploadWidget, type MaterialRef } from "../uploads";
import { fieldLabel } from "../form_fields";

// One input and how to read and check it.
interface Control {
  el: HTMLElement; // the field's wrapper
  read(): { value: unknown; error: string | null };
  show(error: string | null): void;
  focus(): void;
}

let uid = 0;
const nextId = (p: string) => `${p}-${++uid}`;

function randomKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
}

// A labelled input whose error appears below it as the user types (after the first edit).
function textControl(label: string, opts: { required: boolean; type?: string; inputmode?: string; maxlength?: number; hint?: string; check?: (v: string) => string | null; parse?: (v: string) => unknown; name?: string; multiline?: boolean }): Control {
  const id = nextId("f");
  const err = h("p", { class: "field-error", id: `${id}-err`, "aria-live": "polite" });
  const input = h(opts.multiline ? "textarea" : "input", {
    id,
    name: opts.name ?? id,
    type: opts.multiline ? null : opts.type ?? "text",
    inputmode: opts.inputmode ?? null,
    maxlength: opts.maxlength ?? null,
    required: opts.required,
    "aria-describedby": `${id}-err${opts.hint ? ` ${id}-hint` : ""}`,
    autocomplete: "off",
  }) as HTMLInputElement;
  const read = () => {
    const v = input.value.trim();
    if (!v) return { value: undefined, error: opts.required ? `请填写${label}` : null };
    const error = opts.check ? opts.check(v) : null;
    return { value: error ? undefined : opts.parse ? opts.parse(v) : v, error };
  };
  const show = (e: string | null) => {
    err.textContent = e ?? "";
    if (e) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  };
  let touched = false;
  input.addEventListener("input", () => {
    touched = true;
    const r = read();
    // While typing, an empty required field is not yet an error.
    show(input.value.trim() ? r.error : null);
  });
  input.addEventListener("blur", () => touched && show(read().error));
  const el = h(
    "div",
    { class: "field" },
    h("label", { for: id }, label, opts.required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null),
    input,
    opts.hint ? h("p", { class: "hint", id: `${id}-hint` }, opts.hint) : null,
    err,
  );
  return { el, read, show, focus: () => input.focus() };
}

function fieldControl(f: FormField, prefix: string): Control {
  const required = !!f.required;
  const common = { required, name: `${prefix}${f.id}` };
  switch (f.type) {
    case "id_no":
      return textControl(f.label, { ...common, maxlength: 18, check: checkIdNo, hint: "18位公民身份号码" });
    case "credit_code":
      return textControl(f.label, { ...common, maxlength: 18, check: checkCreditCode, hint: "18位统一社会信用代码" });
    case "phone":
      return textControl(f.label, { ...common, type: "tel", inputmode: "tel", maxlength: 20, check: checkPhone });
    case "date":
      return textControl(f.label, { ...common, type: "date", check: (v) => (validDate(v) ? null : "请填写有效日期（年-月-日）") });
    case "month":
      return textControl(f.label, { ...common, type: "month", check: (v) => (/^\d{4}-(0[1-9]|1[0-2])$/.test(v) ? null : "请填写有效月份（年-月）") });
    case "money_fen": {
      const min = f.min ?? 0, max = f.max ?? 1e14;
      return textControl(`${fieldLabel(f)}（元）`, {
        ...common,
        inputmode: "decimal",
        hint: "以元为单位，最多两位小数",
        check: (v) => {
          const fen = yuanToFen(v);
          if (fen === null) return "请填写金额，如 1234.56";
          if (fen < min || fen > max) return `金额须在 ${(min / 100).toFixed(2)} 元至 ${(max / 100).toFixed(2)} 元之间`;
          return null;
        },
        parse: (v) => yuanToFen(v),
      });
    }
    case "integer":
      return textControl(f.label, {
        ...common,
        inputmode: "numeric",
        check: (v) => {
          if (!/^-?\d{1,15}$/.test(v)) return "请填写整数";
          const n = Number(v);
          if ((f.min !== undefined && n < f.min) || (f.max !== undefined && n > f.max)) return `须在 ${f.min ?? ""} 至 ${f.max ?? ""} 之间`;
          return null;
        },
        parse: Number,
      });
    case "text":
      return textControl(f.label, { ...common, multiline: true, maxlength: f.max_length });
    case "enum":
      return selectControl(f.label, f.values ?? [], required, `${prefix}${f.id}`);
    case "boolean":
      return checkboxControl(f.label);
    case "list":
      return listControl(f, prefix);
    default:
      return textControl(f.label, { ...common, maxlength: f.max_length });
  }
}

function selectControl(label: string, values: string[], required: boolean, name: string): Control {
  const id = nextId("f");
  const err = h("p", { class: "field-error", id: `${id}-err`, "aria-live": "polite" });
  const sel = h("select", { id, name, required, "aria-describedby": `${id}-err` }, h("option", { value: "" }, "请选择"), values.map((v) => h("option", { value: v }, v))) as HTMLSelectElement;
  const read = () => ({ value: sel.value || undefined, error: required && !sel.value ? `请选择${label}` : null });
  const show = (e: string | null) => {
    err.textContent = e ?? "";
    if (e) sel.setAttribute("aria-invalid", "true");
    else sel.removeAttribute("aria-invalid");
  };
  sel.addEventListener("change", () => show(read().error));
  return { el: h("div", { class: "field" }, h("label", { for: id }, label), sel, err), read, show, focus: () => sel.focus() };
}

function checkboxControl(label: string): Control {
  const id = nextId("f");
  const box = h("input", { id, type: "checkbox", name: id }) as HTMLInputElement;
  return { el: h("div", { class: "field check" }, box, h("label", { for: id }, label)), read: () => ({ value: box.checked, error: null }), show: () => {}, focus: () => box.focus() };
}

// A list field (费用明细…): rows of sub-fields, added and removed by the applicant.
function listControl(f: FormField, prefix: string): Control {
  const rows: { el: HTMLElement; controls: [string, Control][] }[] = [];
  const body = h("div", { class: "list-rows" });
  const max = f.max_items ?? 50;
  const add = () => {
    if (rows.length >= max) return;
    const controls: [string, Control][] = (f.fields ?? []).map((sub) => [sub.id, fieldControl(sub, `${prefix}${f.id}-`)]);
    const row = { el: h("fieldset", { class: "list-row" }), controls };
    const remove = h("button", { type: "button", class: "button small" }, "删除本行");
    remove.addEventListener("click", () => {
      rows.splice(rows.indexOf(row), 1);
      row.el.remove();
      renumber();
    });
    row.el.append(h("legend", null, ""), ...controls.map(([, c]) => c.el), remove);
    rows.push(row);
    body.append(row.el);
    renumber();
  };
  const renumber = () => rows.forEach((r, i) => (r.el.querySelector("legend")!.textContent = `${f.label} 第${i + 1}行`));
  const addBtn = h("button", { type: "button", class: "button small" }, `增加一行${f.label}`);
  addBtn.addEventListener("click", add);
  if (f.required) add();
  const err = h("p", { class: "field-error", "aria-live": "polite" });
  return {
    el: h("div", { class: "field list" }, h("h3", null, f.label), body, addBtn, err),
    read: () => {
      let error: string | null = f.required && rows.length === 0 ? `请至少填写一行${f.label}` : null;
      const value = rows.map((r) => {
        const o: Record<string, unknown> = {};
        for (const [id, c] of r.controls) {
          const v = c.read();
          c.show(v.error);
          if (v.error) error ??= v.error;
          if (v.value !== undefined) o[id] = v.value;
        }
        return o;
      });
      return { value: rows.length ? value : undefined, error };
    },
    show: (e) => (err.textContent = e ?? ""),
    focus: () => (rows[0]?.controls[0]?.[1] ?? { focus: () => addBtn.focus() }).focus(),
  };
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
    let firstBad: Control | null = null;
    const check = (c: Control) => {
      const r = c.read();
      c.show(r.error);
      if (r.error) firstBad ??= c;
      return r.value;
    };
    const name = check(nameCtl) as string | undefined;
    const idNo = check(idControl) as string | undefined;
    const phone = check(phoneCtl) as string | undefined;
    const formValue: Record<string, unknown> = {};
    for (const [id, c] of formFields) {
      const v = check(c);
      if (v !== undefined) formValue[id] = v;
    }
    if (firstBad) {
      alert.textContent = "请按提示修改标红的内容。";
      (firstBad as Control).focus();
      return;
    }
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
