// 办理流程 as SVG: one vertical chain of boxes per flow (the default and each alternative), the
// step's name and who handles it in each box. The chart is decorative for assistive technology:
// the same steps follow as an ordered list.
import type { FlowStep } from "./api/client";
import { s } from "./dom";

const W = 220, BOX_H = 52, GAP = 28, PAD = 8;
let charts = 0; // each chart its own marker id: ids are unique in the page

export function flowchart(steps: FlowStep[], title: string): SVGElement {
  const chain = [{ step: "申请", role_name: "申请人" } as Pick<FlowStep, "step" | "role_name">, ...steps];
  const height = PAD * 2 + chain.length * BOX_H + (chain.length - 1) * GAP;
  const marker = `arrow${++charts}`;
  const svg = s("svg", {
    viewBox: `0 0 ${W + PAD * 2} ${height}`,
    width: W + PAD * 2,
    height,
    class: "flowchart",
    "aria-hidden": "true",
    focusable: "false",
  });
  svg.append(
    s("defs", null, s("marker", { id: marker, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto" },
      s("path", { d: "M0,0 L10,5 L0,10 z", fill: "#335" }))),
    s("title", null, title),
  );
  chain.forEach((st, i) => {
    const y = PAD + i * (BOX_H + GAP);
    const last = i === chain.length - 1;
    svg.append(
      s("rect", { x: PAD, y, width: W, height: BOX_H, rx: i === 0 || last ? 26 : 6, class: i === 0 ? "start" : last ? "end" : "step" }),
      s("text", { x: PAD + W / 2, y: y + 22, "text-anchor": "middle", class: "name" }, clip(st.step, 12)),
      s("text", { x: PAD + W / 2, y: y + 41, "text-anchor": "middle", class: "role" }, clip(st.role_name ?? "", 14)),
    );
    if (!last) {
      const y1 = y + BOX_H, y2 = y + BOX_H + GAP;
      svg.append(s("line", { x1: PAD + W / 2, y1, x2: PAD + W / 2, y2: y2 - 2, class: "arrow", "marker-end": `url(#${marker})` }));
    }
  });
  return svg;
}

function clip(t: string, n: number) {
  return [...t].length > n ? [...t].slice(0, n - 1).join("") + "…" : t;
}
