// A small line chart drawn as inline SVG (no chart library): one x axis of labels (days), one or
// more series of counts. Series differ by dash pattern and marker as well as colour, and the
// numbers are also given as a table (for screen readers, and for reading exact values).
import { h, s } from "./dom";

export interface Series {
  name: string;
  values: number[];
  cls: string; // a class of dashboard.css: colour, dash pattern and marker shape
}

const W = 720;
const H = 260;
const PAD = { left: 44, right: 16, top: 16, bottom: 40 };

// A "nice" upper bound and step for the y axis: 1, 2 or 5 times a power of ten, at most 5 ticks.
function yScale(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 1 };
  const raw = max / 5;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((x) => x >= raw)!;
  const whole = Math.max(1, Math.round(step)); // counts: whole-number ticks
  return { top: Math.ceil(max / whole) * whole, step: whole };
}

export function lineChart(title: string, labels: string[], series: Series[], shortLabel = (l: string) => l): HTMLElement {
  const n = labels.length;
  const max = Math.max(0, ...series.flatMap((x) => x.values));
  const { top, step } = yScale(max);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (n <= 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const y = (v: number) => PAD.top + plotH - (v * plotH) / top;

  const grid = [];
  for (let v = 0; v <= top; v += step) {
    grid.push(s("line", { class: "grid", x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v) }));
    grid.push(s("text", { class: "tick", x: PAD.left - 6, y: y(v) + 4, "text-anchor": "end" }, String(v)));
  }
  // At most about 8 x labels, always the first and the last day.
  const every = Math.max(1, Math.ceil(n / 8));
  const xticks = labels.map((l, i) =>
    i % every === 0 || i === n - 1 ? s("text", { class: "tick", x: x(i), y: H - PAD.bottom + 18, "text-anchor": "middle" }, shortLabel(l)) : null,
  );
  const lines = series.map((sr) =>
    s(
      "g",
      { class: `series ${sr.cls}` },
      s("polyline", { points: sr.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ") }),
      // Markers only where there is something (a long period stays legible).
      sr.values.map((v, i) => (v > 0 ? s("circle", { cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 3.5 }, s("title", null, `${labels[i]} ${sr.name} ${v}`)) : null)),
    ),
  );
  const summary = series.map((sr) => `${sr.name}共 ${sr.values.reduce((a, b) => a + b, 0)} 件`).join("，");
  const svg = s(
    "svg",
    { class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `${title}：${labels[0] ?? ""} 至 ${labels[n - 1] ?? ""}，${summary}` },
    s("line", { class: "axis", x1: PAD.left, x2: W - PAD.right, y1: y(0), y2: y(0) }),
    s("line", { class: "axis", x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: y(0) }),
    grid,
    xticks,
    lines,
  );
  const legend = h(
    "ul",
    { class: "legend" },
    series.map((sr) => h("li", null, s("svg", { class: `key series ${sr.cls}`, viewBox: "0 0 36 12", "aria-hidden": "true" }, s("line", { x1: 2, x2: 34, y1: 6, y2: 6 }), s("circle", { cx: 18, cy: 6, r: 3.5 })), sr.name)),
  );
  const table = h(
    "details",
    { class: "chart-data" },
    h("summary", null, "查看数据"),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "figures-table" },
        h("thead", null, h("tr", null, h("th", { scope: "col" }, "日期"), series.map((sr) => h("th", { scope: "col" }, sr.name)))),
        h(
          "tbody",
          null,
          labels.map((l, i) => h("tr", null, h("th", { scope: "row" }, l), series.map((sr) => h("td", { class: "num" }, String(sr.values[i] ?? 0))))),
        ),
      ),
    ),
  );
  return h("figure", { class: "chart-figure" }, h("figcaption", null, title), svg, legend, table);
}
