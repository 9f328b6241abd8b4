// The applicant's own 生育保险 record (生育备案, benefits paid) and 转移接续 on the portal's progress
// page (one line in progress.ts), beside their filings (myCareRecords in pages/filings.ts): read
// with the number and query code of the case being viewed, the server checking that the ID number
// is that case's applicant. Each section appears only when it has something to show.
import type { Schemas } from "../api/client";
import { h } from "../dom";
import type { PortalWho } from "./filings";
import { render as maternityView } from "./maternity";
import { loadTransfers, transferBlock } from "./transfers";

type Maternity = Schemas["PersonMaternity"];

const enc = encodeURIComponent;

async function loadMaternity(who: PortalWho, region: string): Promise<Maternity> {
  const res = await fetch(`/api/v1/regions/${enc(region)}/persons/${enc(who.id_no)}/maternity?case_no=${enc(who.case_no)}`, {
    headers: { Accept: "application/json", "X-Query-Code": who.query_code },
  });
  const body = (await res.json().catch(() => null)) as (Maternity & { error?: { message?: string } }) | null;
  if (!res.ok || !body || !Array.isArray(body.benefits)) throw new Error(body?.error?.message || `读取失败（${res.status}）`);
  return body;
}

// A section hidden until its records arrive. A failure leaves it hidden, as myCareRecords does:
// the progress the applicant asked for is already on the page, and these records are an addition
// (an applicant with no record here, or a unit, gets nothing to read).
function hiddenSection(cls: string, label: string) {
  return h("section", { class: cls, "aria-label": label, hidden: true });
}

function myMaternity(who: PortalWho, region: string): HTMLElement {
  const box = hiddenSection("maternity portal-maternity", "我的生育保险");
  void loadMaternity(who, region)
    .then((m) => {
      if (!m.filings.length && !m.benefits.length) return;
      const [, ...tables] = maternityView(m, (no) => h("span", { class: "mono" }, no));
      box.replaceChildren(h("h2", null, "我的生育保险"), ...tables);
      box.hidden = false;
    })
    .catch(() => undefined);
  return box;
}

function myTransfers(who: PortalWho, region: string): HTMLElement {
  const box = hiddenSection("transfers portal-transfers", "我的转移接续");
  void loadTransfers(region, who.id_no, who)
    .then((list) => {
      if (!list.length) return;
      box.replaceChildren(h("h2", null, "我的转移接续"), ...list.map((t) => transferBlock(t, region)));
      box.hidden = false;
    })
    .catch(() => undefined);
  return box;
}

export function myRegisterRecords(who: PortalWho, region: string): HTMLElement[] | null {
  if (!/^\d{17}[\dX]$/.test(who.id_no)) return null;
  return [myTransfers(who, region), myMaternity(who, region)];
}
