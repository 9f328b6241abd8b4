// The controls of an application form, factored out of pages/apply.ts so that the portal's
// online application and the workbench's window intake render an item's form the same way: a
// labelled input per field of the item's form_schema, checked as it is typed (ID number and credit
// code check characters, dates, months, amounts in 元 read as fen, integers, lists of rows).
import type { FormField } from "./api/client";
import { h } from "./dom";
import { checkCreditCode, checkIdNo, checkPhone, validDate, yuanToFen } from "./validate";

// One input and how to read and check it.
export interface Control {
  el: HTMLElement; // the field's wrapper
  read(): { value: unknown; error: string | null };
  show(error: string | null): void;
  focus(): void;
}

// The applicant's controls and the item's form fields read at submission: each shows its own
// error; null when any has one (the alert says so and the first such control takes the focus).
export function readApplication(
  applicant: { name: Control; id: Control; phone: Control },
  fields: [string, Control][],
  alert: HTMLElement,
): { name: string; idNo: string; phone: string; form: Record<string, unknown> } | null {
  let firstBad: Control | null = null;
  const check = (c: Control) => {
    const r = c.read();
    c.show(r.error);
    if (r.error) firstBad ??= c;
    return r.value;
  };
  const name = check(applicant.name) as string;
  const idNo = check(applicant.id) as string;
  const phone = check(applicant.phone) as string;
  const form: Record<string, unknown> = {};
  for (const [id, c] of fields) {
    const v = check(c);
    if (v !== undefined) form[id] = v;
  }
  if (firstBad) {
    alert.textContent = "请按提示修改标红的内容。";
    (firstBad as Control).focus();
    return null;
  }
  return { name, idNo, phone, form };
}

let uid = 0;
export const nextId = (p: string) => `${p}-${++uid}`;

// A labelled input whose error appears below it as the user types (after the first edit).
export function textControl(label: string, opts: { required: boolean; type?: string; inputmode?: string; maxlength?: number; hint?: string; check?: (v: string) => string | null; parse?: (v: string) => unknown; name?: string; multiline?: boolean }): Control {
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

// A field's label as a person reads it. The catalog names amounts by their stored unit
// (金额（分）) since the API carries fen, but the UI shows and takes them in 元: that unit goes.
export function fieldLabel(f: FormField): string {
  return f.type === "money_fen" ? f.label.replace(/\s*[（(]分[)）]\s*$/, "") : f.label;
}

export function fieldControl(f: FormField, prefix: string): Control {
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

export function selectControl(label: string, values: string[], required: boolean, name: string): Control {
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

export function checkboxControl(label: string): Control {
  const id = nextId("f");
  const box = h("input", { id, type: "checkbox", name: id }) as HTMLInputElement;
  return { el: h("div", { class: "field check" }, box, h("label", { for: id }, label)), read: () => ({ value: box.checked, error: null }), show: () => {}, focus: () => box.focus() };
}

// A list field (费用明细…): rows of sub-fields, added and removed by the applicant.
export function listControl(f: FormField, prefix: string): Control {
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
