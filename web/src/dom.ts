// A tiny element builder: every text goes in as a text node (never as HTML), so nothing from the
// API or the user can inject markup.
type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | EventListener | null | undefined>;

export function h(tag: string, attrs: Attrs | null = null, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";
export function s(tag: string, attrs: Attrs | null = null, ...children: Child[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el: Element, attrs: Attrs | null) {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
}

function append(el: Element, children: Child[]) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

// Replaces the page's content and moves focus to it (keyboard and screen-reader users land on the
// new page, as after a full page load).
export function render(title: string, ...children: Child[]) {
  const main = document.getElementById("main")!;
  main.replaceChildren();
  append(main, children);
  document.title = `${title} · 网上办事大厅`;
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

export function link(href: string, text: Child, attrs: Attrs = {}) {
  return h("a", { href, "data-link": true, ...attrs }, text);
}
