// 办事指南 of one item, from the catalog API: name, who may apply, channels, the flows (SVG and
// list), materials with their conditions, 任选其一 groups, 承诺制 and 数据共享, the time limit with
// today's concrete due date, acceptance windows, legal basis and the supervision phone. Printable.
import { api, type FlowStep, type Item, type ItemDueDate, type TimeLimit } from "../api/client";
import { h, link, render } from "../dom";
import { flowchart } from "../flowchart";
import { APPLICANT_KINDS, loadRegions } from "../state";

const NUM = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"];
const ORIGINAL: Record<string, string> = {
  original: "原件",
  copy: "复印件",
  check_original: "验原件，收复印件",
  original_and_copy: "原件及复印件",
};

export async function guidePage(regionId: string, code: string) {
  const [regions, item, due] = await Promise.all([loadRegions(), api.item(regionId, code), api.dueDate(regionId, code)]);
  const region = regions.find((r) => r.id === regionId);
  const online = onlineChannel(item);
  let n = 0;
  const section = (title: string, ...body: (Node | string | null)[]) =>
    h("section", { class: "guide-section" }, h("h2", null, `${NUM[n++ % 12]}、${title}`), ...body);
  const condName = (id: string) => item.conditions?.find((c) => c.id === id)?.name ?? "特定情形";

  render(
    `${item.name} 办事指南`,
    h("p", { class: "crumbs no-print" }, link(`/r/${regionId}`, `${region?.name ?? ""} 办事事项`), " › 办事指南"),
    h("h1", null, `${item.name}`, h("small", null, " 办事指南")),
    h("p", { class: "meta" }, `${region?.name ?? ""}　事项编码 ${item.code}`, item.main_name ? `　主项 ${item.main_code ?? ""} ${item.main_name}` : ""),
    h(
      "div",
      { class: "actions no-print" },
      item.internal
        ? h("p", { class: "note" }, "本事项为经办机构内部办理流程，不受理申请。")
        : online
          ? link(`/r/${regionId}/items/${code}/apply`, "在线申办", { class: "button primary" })
          : h("p", { class: "note" }, "本事项不提供网上申办，请按下列办理方式办理。"),
      h("button", { type: "button", class: "button", onclick: () => window.print() }, "打印办事指南"),
      link(`/compare?code=${encodeURIComponent(code)}&from=${encodeURIComponent(regionId)}`, "与其他地区比较", { class: "button" }),
    ),
    section("事项名称", h("p", null, item.name)),
    section(
      "服务对象",
      h("p", null, item.service_objects || "（依据文件未单列）"),
      item.applicant.length ? h("p", null, `申请人：${item.applicant.map((k) => APPLICANT_KINDS[k] ?? k).join("、")}`) : null,
    ),
    section("办理方式", h("p", null, item.channels.length ? item.channels.join("、") : "（依据文件未单列）"), item.channels_text ? h("p", null, item.channels_text) : null),
    section("办理流程", flows(item, condName)),
    section("申办材料", materials(item, condName)),
    section("办理时限", limits(item, due)),
    section("受理时间窗口", windows(item, due)),
    section("设定依据", item.legal_basis?.length ? h("ul", null, item.legal_basis.map((b) => h("li", null, b))) : h("p", null, "（依据文件未列明）")),
    section("监督电话", h("p", null, item.supervision_phone || "（未公布）")),
    item.remarks ? section("其他说明", h("p", null, item.remarks)) : null,
  );
}

export function onlineChannel(item: Item): string | null {
  if (item.internal) return null;
  if (item.channels.includes("网上")) return "网上";
  return item.channels.find((c) => c !== "窗口") ?? null;
}

function flows(item: Item, condName: (id: string) => string) {
  const all: { title: string; when: string; steps: FlowStep[] }[] = [{ title: item.flows?.length ? "一般流程" : "办理流程", when: "", steps: item.flow }];
  for (const f of item.flows ?? []) {
    const w = f.when ?? { channels: [], applicant: [], conditions: [] };
    const parts = [
      w.channels?.length ? `通过${w.channels.join("、")}办理` : "",
      w.applicant?.length ? `申请人为${w.applicant.map((k) => APPLICANT_KINDS[k] ?? k).join("、")}` : "",
      w.conditions?.length ? `属于${w.conditions.map(condName).join("、")}` : "",
    ].filter(Boolean);
    all.push({ title: f.name, when: parts.length ? `适用：${parts.join("，")}` : "", steps: f.flow });
  }
  return h(
    "div",
    { class: "flows" },
    all.map((f) =>
      h(
        "figure",
        { class: "flow" },
        h("figcaption", null, h("strong", null, f.title), f.when ? h("span", null, f.when) : null),
        flowchart(f.steps, f.title),
        h(
          "ol",
          { class: "flow-steps" },
          h("li", null, h("strong", null, "申请"), "（申请人）"),
          f.steps.map((s) =>
            h("li", null, h("strong", null, s.step), `（${s.role_name}）`, s.text ? `：${s.text}` : "", s.limit ? h("small", null, `（本环节时限：${limitText(s.limit)}）`) : null),
          ),
        ),
      ),
    ),
  );
}

function materials(item: Item, condName: (id: string) => string) {
  if (!item.materials.length) return h("p", null, "无需提交材料。");
  const groupText = (id: string) => item.material_groups?.find((g) => g.id === id)?.text ?? "";
  return h(
    "ol",
    { class: "materials" },
    item.materials.map((m) => {
      const tags: string[] = [];
      if (m.when) tags.push(`适用情形：${condName(m.when)}`);
      if (m.group) tags.push(`与同组材料任选其一${groupText(m.group) ? `（${groupText(m.group)}）` : ""}`);
      if (m.original) tags.push(ORIGINAL[m.original] ?? "");
      if (m.copies) tags.push(`${m.copies}份`);
      if (m.photos) tags.push(`照片${m.photos}张`);
      for (const c of m.waived_channels ?? []) tags.push(`${c}办理无需提交`);
      if (m.commitment) tags.push("承诺制：可以个人承诺书代替");
      if (m.shared_data) tags.push(`数据共享：${m.shared_data}（可免提交）`);
      if (m.optional) tags.push("视情况提供");
      return h("li", null, m.name, tags.length ? h("small", { class: "tags" }, `（${tags.filter(Boolean).join("；")}）`) : null);
    }),
  );
}

export function limitText(t: TimeLimit): string {
  if (t.kind === "unstated") return t.text ? `未载明（${t.text}）` : "未载明";
  return t.text || (t.kind === "instant" ? "即时办结" : `${t.days ?? ""}个${t.kind === "working_days" ? "工作日" : "自然日"}`);
}

function dueLine(d: { due: string | null; provisional: boolean; time_limit: TimeLimit }, today: string) {
  if (!d.due) return "依据文件未载明时限，不计算办结日期。";
  const when = d.time_limit.kind === "instant" ? `即时办结（${d.due}）` : `最迟于 ${d.due} 办结`;
  return `如今日（${today}）受理，${when}${d.provisional ? "（暂定：该年度节假日安排尚未公布）" : ""}。`;
}

function limits(item: Item, due: ItemDueDate) {
  return h(
    "div",
    null,
    h("p", null, limitText(item.time_limit)),
    h("p", { class: "due", "data-due": due.due ?? "" }, dueLine(due, due.today)),
    due.variants.length
      ? h("ul", null, due.variants.map((v) => h("li", null, `${v.when ?? ""}：${limitText(v.time_limit)}。${dueLine(v, due.today)}`)))
      : null,
    item.uncounted_periods?.length
      ? h("p", null, `以下时间不计入办理时限：${item.uncounted_periods.map((u) => u.name).join("、")}。`)
      : null,
    // The limit of the one-time notice of missing materials, where the seed states one.
    item.notice_limit ? h("p", { class: "notice-limit" }, `一次性告知：${limitText(item.notice_limit)}`) : null,
  );
}

function windows(item: Item, due: ItemDueDate) {
  if (!item.acceptance_windows?.length) return h("p", null, "工作日均可受理。");
  return h(
    "div",
    null,
    h("ul", null, item.acceptance_windows.map((w) => h("li", null, w.text))),
    h("p", null, due.window_open ? `今日（${due.today}）在受理时间内。` : due.next_open ? `今日不在受理时间内，下一个可受理日为 ${due.next_open}。` : "今日不在受理时间内。"),
  );
}
