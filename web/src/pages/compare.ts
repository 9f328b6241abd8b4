// 跨地区比较: one item across the regions side by side — required materials, time limit, steps —
// marking the leanest (减材料: fewest required materials; 减时限: the earliest due date for a case
// accepted today, which orders working-day, natural-day and month limits on one calendar;
// 最少环节: fewest steps). Items correspond by their code: a national item has the same 12-digit
// national code in every region; a local code (<division>99NNNN) has no counterpart, and the page
// then offers the other regions' items under the same national main item.
import "../portal.css";
import { api, type Item, type ItemDueDate, type Region } from "../api/client";
import { h, link, render } from "../dom";
import { navigate } from "../main";
import { loadItems, loadRegions } from "../state";
import { limitText } from "./guide";

interface Column {
  region: Region;
  item: Item | null;
  due: ItemDueDate | null;
}

// The national main item an item belongs to: the 9-digit stem of 002036MMM… (Qinghai writes main
// item 005 as 002036005000, the others as 00203600500Y), or the local main code as it is.
function mainKey(it: Item): string {
  const m = it.main_code ?? "";
  if (/^002036\d{3}/.test(m)) return m.slice(0, 9);
  if (it.code_kind === "national") return it.code.slice(0, 9);
  return m;
}

// Materials every applicant must hand in: no condition, not optional; a 任选其一 group counts once.
export function requiredMaterials(it: Item): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const m of it.materials) {
    if (m.when || m.optional) continue;
    if (m.group) {
      if (seen.has(m.group)) continue;
      seen.add(m.group);
      const names = it.materials.filter((x) => x.group === m.group && !x.when).map((x) => x.name);
      out.push(names.join(" / ") + "（任选其一）");
      continue;
    }
    out.push(m.name);
  }
  return out;
}

// The regions holding the smallest value, when at least two regions have the item and they differ.
function leanest(cols: Column[], value: (c: Column) => number | string | null): Set<string> {
  const vals = cols.map((c) => [c.region.id, c.item ? value(c) : null] as const).filter(([, v]) => v !== null) as [string, number | string][];
  if (vals.length < 2) return new Set();
  const min = vals.reduce((a, [, v]) => (v < a ? v : a), vals[0]![1]);
  const at = vals.filter(([, v]) => v === min).map(([id]) => id);
  return at.length === vals.length ? new Set() : new Set(at);
}

export async function comparePage() {
  const params = new URLSearchParams(location.search);
  const code = params.get("code") ?? "";
  const from = params.get("from") ?? "";
  const regions = await loadRegions();
  const lists = await Promise.all(regions.map((r) => loadItems(r.id)));

  // Every code of every region, for the chooser: national items first, by code.
  const names = new Map<string, { name: string; regions: number }>();
  lists.forEach((list) =>
    list.forEach((it) => {
      if (it.internal) return;
      const e = names.get(it.code);
      if (e) e.regions++;
      else names.set(it.code, { name: it.name, regions: 1 });
    }),
  );
  const select = h(
    "select",
    { id: "compare-code", name: "code" },
    h("option", { value: "" }, "请选择事项"),
    [...names.entries()]
      .sort(([a], [b]) => (a.startsWith("002036") === b.startsWith("002036") ? a.localeCompare(b) : a.startsWith("002036") ? -1 : 1))
      .map(([c, e]) => h("option", { value: c, selected: c === code }, `${c} ${e.name}（${e.regions} 个地区）`)),
  ) as HTMLSelectElement;
  const pick = h(
    "form",
    { class: "compare-pick" },
    h("div", { class: "field" }, h("label", { for: "compare-code" }, "比较事项"), select),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button primary" }, "比较")),
  );
  pick.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (select.value) navigate(`/compare?code=${encodeURIComponent(select.value)}${from ? `&from=${encodeURIComponent(from)}` : ""}`);
  });
  const intro = h("p", { class: "hint" }, "同一事项按全国统一事项编码对应；各地自行增设的事项（地方编码）在其他地区没有对应事项。");

  if (!code) {
    render("跨地区比较", h("h1", null, "同一事项跨地区比较"), intro, pick);
    return;
  }
  const cols: Column[] = regions.map((region, i) => ({ region, item: lists[i]!.find((it) => it.code === code && !it.internal) ?? null, due: null }));
  const present = cols.filter((c) => c.item);
  if (!present.length) {
    render("跨地区比较", h("h1", null, "同一事项跨地区比较"), intro, pick, h("p", { class: "error", role: "alert" }, "没有这个事项，请重新选择。"));
    return;
  }
  await Promise.all(
    present.map(async (c) => {
      c.due = await api.dueDate(c.region.id, code);
    }),
  );
  const title = (cols.find((c) => c.region.id === from)?.item ?? present[0]!.item!).name;

  const leanMaterials = leanest(cols, (c) => requiredMaterials(c.item!).length);
  // The due date of a case accepted today (instant = today); an unstated limit is not compared.
  const leanLimit = leanest(cols, (c) => (c.item!.time_limit.kind === "unstated" ? null : c.due?.due ?? null));
  const leanSteps = leanest(cols, (c) => c.item!.flow.length);
  const mark = (set: Set<string>, id: string, label: string) => (set.has(id) ? h("span", { class: "lean" }, label) : null);

  const summary = h(
    "div",
    { class: "compare-summary-wrap" },
    h(
      "table",
      { class: "compare-summary" },
      h("caption", { class: "visually-hidden" }, "各地区办理本事项的必交材料、办理时限和办理环节"),
      h("thead", null, h("tr", null, h("th", { scope: "col" }, "地区"), h("th", { scope: "col" }, "必交材料"), h("th", { scope: "col" }, "办理时限"), h("th", { scope: "col" }, "办理环节"))),
      h(
        "tbody",
        null,
        cols.map((c) => {
          const id = c.region.id;
          const it = c.item;
          return h(
            "tr",
            { class: id === from ? "origin" : null, "data-region": id },
            h("th", { scope: "row" }, c.region.name),
            it
              ? [
                  h("td", { "data-label": "必交材料", class: leanMaterials.has(id) ? "leanest" : null, "data-lean": leanMaterials.has(id) ? "materials" : null }, `${requiredMaterials(it).length} 项`, mark(leanMaterials, id, "减材料")),
                  h(
                    "td",
                    { "data-label": "办理时限", class: leanLimit.has(id) ? "leanest" : null, "data-lean": leanLimit.has(id) ? "limit" : null },
                    limitText(it.time_limit),
                    c.due?.due ? h("small", null, `（今日受理，${it.time_limit.kind === "instant" ? "当日" : `最迟 ${c.due.due}`}办结）`) : null,
                    mark(leanLimit, id, "减时限"),
                  ),
                  h("td", { "data-label": "办理环节", class: leanSteps.has(id) ? "leanest" : null, "data-lean": leanSteps.has(id) ? "steps" : null }, `${it.flow.length} 个`, mark(leanSteps, id, "最少环节")),
                ]
              : h("td", { colspan: 3, class: "absent" }, "本地区没有编码相同的事项"),
          );
        }),
      ),
    ),
  );

  render(
    `${title} · 跨地区比较`,
    h("p", { class: "crumbs" }, from && cols.some((c) => c.region.id === from && c.item) ? link(`/r/${from}/items/${code}`, "返回办事指南") : link("/", "办事事项")),
    h("h1", null, title, h("small", null, " 跨地区比较")),
    h("p", { class: "meta" }, `事项编码 ${code}　${present.length} 个地区有此事项`),
    pick,
    intro,
    h("p", { class: "hint" }, "“必交材料”不含仅特定情形需要或视情况提供的材料；任选其一的一组计为一项。“减时限”按今日受理时的办结日期比较。"),
    summary,
    present.length === 1 ? related(cols, present[0]!.item!, lists, regions) : null,
    h("div", { class: "compare-grid" }, present.map((c) => card(c, c.region.id === from))),
  );
}

// For an item without counterpart: the other regions' items under the same national main item.
function related(cols: Column[], item: Item, lists: Item[][], regions: Region[]) {
  const key = mainKey(item);
  const rows = regions.flatMap((r, i) =>
    cols[i]!.item ? [] : lists[i]!.filter((it) => !it.internal && mainKey(it) === key).map((it) => h("li", null, `${r.name}：`, link(`/compare?code=${encodeURIComponent(it.code)}`, `${it.code} ${it.name}`))),
  );
  return h(
    "section",
    { class: "related" },
    h("h2", null, "其他地区的同类事项"),
    rows.length ? [h("p", null, `以下事项与本事项同属“${item.main_name ?? "同一主项"}”，可供参照：`), h("ul", null, rows)] : h("p", null, "其他地区没有同一主项下的事项。"),
  );
}

// The details of one region's item (regions without it are said so in the summary table).
function card(c: Column, origin: boolean) {
  const it = c.item!;
  const req = requiredMaterials(it);
  const other = it.materials.filter((m) => m.when || m.optional);
  return h(
    "section",
    { class: `compare-card${origin ? " origin" : ""}`, "data-region": c.region.id },
    h("h3", null, c.region.name),
    h("p", null, link(`/r/${c.region.id}/items/${it.code}`, it.name)),
    h("h4", null, `必交材料（${req.length} 项）`),
    req.length ? h("ol", null, req.map((n) => h("li", null, n))) : h("p", null, "无需提交材料。"),
    other.length ? [h("h4", null, `特定情形或视情况提供（${other.length} 项）`), h("ul", null, other.map((m) => h("li", null, m.name)))] : null,
    h("h4", null, "办理时限"),
    h("p", null, limitText(it.time_limit)),
    h("h4", null, `办理环节（${it.flow.length} 个）`),
    h("ol", null, it.flow.map((s) => h("li", null, `${s.step}（${s.role_name}）`))),
    it.flows?.length ? h("p", { class: "hint" }, `另有 ${it.flows.length} 种特定情形的流程，见办事指南。`) : null,
    h("h4", null, "办理方式"),
    h("p", null, it.channels.join("、") || "（依据文件未单列）"),
  );
}
