// The applicant's own 社会保障卡 (the current card, every earlier one, the printable bank notice of
// an instant card) and 退役士兵补缴 records on the portal's progress page (one line in progress.ts),
// drawn with the staff section's parts (pages/cards.ts). Read with the number and query code of
// the case being viewed; the server checks that the ID number is that case's applicant.
import type { Schemas } from "../api/client";
import { h } from "../dom";
import type { PortalWho } from "./filings";
import { backPaymentPart, cardPart } from "./cards";

type Cards = Schemas["PersonCards"];
type BackPayments = Schemas["PersonBackPayments"];

const enc = encodeURIComponent;

function messageOf(status: number, body: unknown): string {
  const m = (body as { error?: { message?: string } } | null)?.error?.message;
  return m || `读取失败（${status}）`;
}

// The applicant's credentials go in a header and the case number in the query, never the token
// of a staff member.
function get(who: PortalWho, url: string): Promise<Response> {
  const sep = url.includes("?") ? "&" : "?";
  return fetch(`${url}${sep}case_no=${enc(who.case_no)}`, { headers: { Accept: "*/*", "X-Query-Code": who.query_code } });
}

async function read<T>(who: PortalWho, url: string): Promise<T> {
  const res = await get(who, url);
  const body = (await res.json().catch(() => null)) as T | null;
  if (!res.ok || !body) throw new Error(messageOf(res.status, body));
  return body;
}

// The notice needs the query code (a header, never in an address), so it is fetched and shown
// from a local object URL. The tab is opened before the fetch, while the click still counts as
// the user's (a popup blocker lets it through).
async function openNotice(who: PortalWho, url: string, msg: HTMLElement) {
  msg.textContent = "";
  const tab = window.open("", "_blank");
  try {
    const res = await get(who, url);
    if (!res.ok) throw new Error(messageOf(res.status, await res.json().catch(() => null)));
    const href = URL.createObjectURL(await res.blob());
    if (tab) tab.location.href = href;
    else window.location.href = href;
    setTimeout(() => URL.revokeObjectURL(href), 60_000);
  } catch (e) {
    tab?.close();
    msg.textContent = e instanceof Error ? e.message : "打开通知单失败，请稍后重试";
  }
}

// A section hidden until there is something to show. A failure leaves it hidden, as the other
// registers on the page do: the progress asked for is already there and these are an addition.
export function myCardRecords(who: PortalWho, region: string): HTMLElement | null {
  if (!/^\d{17}[\dX]$/.test(who.id_no)) return null;
  const label = "我的社会保障卡与退役士兵补缴";
  const box = h("section", { class: "cards-section portal-cards", "aria-label": label, hidden: true });
  const base = `/api/v1/regions/${enc(region)}/persons/${enc(who.id_no)}`;
  const caseName = (no: string) => h("span", { class: "mono" }, no);
  void Promise.all([read<Cards>(who, `${base}/cards`), read<BackPayments>(who, `${base}/back-payments`)])
    .then(([c, b]) => {
      if (!c.card && !b.back_payments.length) return;
      box.replaceChildren(
        h("h2", null, label),
        ...(c.card ? [h("h3", null, "社会保障卡"), ...cardPart(c, (msg) => void openNotice(who, `${base}/cards/notice.html`, msg), caseName)] : []),
        ...(b.back_payments.length ? [h("h3", null, "退役士兵补缴"), ...backPaymentPart(b, caseName)] : []),
      );
      box.hidden = false;
    })
    .catch(() => undefined);
  return box;
}
