// 办事事项: choose a region, then browse the items by main item (主项) or search them by main
// item, name or code.
import type { Item } from "../api/client";
import { h, link, render } from "../dom";
import { navigate } from "../main";
import { loadItems, loadRegions, saveRegion, savedRegion } from "../state";

export async function homePage(regionId: string | null) {
  const regions = await loadRegions();
  if (!regionId) {
    const saved = savedRegion();
    if (saved && regions.some((r) => r.id === saved)) return navigate(`/r/${saved}`, true);
    render(
      "选择地区",
      h("h1", null, "请选择办理地区"),
      h(
        "ul",
        { class: "regions" },
        regions.map((r) =>
          h("li", null, link(`/r/${r.id}`, [h("strong", null, r.name), h("span", null, `${r.items} 个事项`)], { class: "card" })),
        ),
      ),
    );
    return;
  }
  const region = regions.find((r) => r.id === regionId);
  if (!region) {
    render("地区不存在", h("h1", null, "没有这个地区"), h("p", null, link("/", "重新选择地区")));
    return;
  }
  saveRegion(region.id);
  const items = await loadItems(region.id);

  const select = h(
    "select",
    { id: "region", name: "region" },
    regions.map((r) => h("option", { value: r.id, selected: r.id === region.id }, r.name)),
  ) as HTMLSelectElement;
  select.addEventListener("change", () => navigate(`/r/${select.value}`));
  const search = h("input", {
    id: "q",
    type: "search",
    name: "q",
    autocomplete: "off",
    placeholder: "事项名称、编码或主项",
  }) as HTMLInputElement;
  const count = h("p", { class: "count", role: "status", "aria-live": "polite" });
  const list = h("div", { class: "item-groups" });

  const draw = () => {
    const q = search.value.trim();
    const shown = items.filter((it) => matches(it, q));
    count.textContent = q ? `找到 ${shown.length} 个事项` : `共 ${shown.length} 个事项`;
    list.replaceChildren(...groups(region.id, shown));
  };
  search.addEventListener("input", draw);

  render(
    `${region.name} 办事事项`,
    h("h1", null, `${region.name} · 办事事项`),
    h(
      "div",
      { class: "filters" },
      h("div", { class: "field" }, h("label", { for: "region" }, "办理地区"), select),
      h("div", { class: "field grow" }, h("label", { for: "q" }, "搜索事项"), search),
    ),
    count,
    list,
  );
  draw();
}

function matches(it: Item, q: string) {
  if (!q) return true;
  return [it.name, it.code, it.main_name ?? "", it.main_code ?? ""].some((s) => s.includes(q));
}

// Items grouped under their main item (主项), in catalog order.
function groups(region: string, items: Item[]) {
  const byMain = new Map<string, Item[]>();
  for (const it of items) {
    const key = it.main_name || it.name;
    byMain.set(key, [...(byMain.get(key) ?? []), it]);
  }
  return [...byMain].map(([main, its]) =>
    h(
      "section",
      { class: "group" },
      h("h2", null, main),
      h(
        "ul",
        { class: "items" },
        its.map((it) =>
          h(
            "li",
            null,
            link(`/r/${region}/items/${it.code}`, it.name),
            h("span", { class: "code" }, `编码 ${it.code}`),
            it.internal ? h("span", { class: "tag" }, "内部流程") : null,
          ),
        ),
      ),
    ),
  );
}
