// Qingdao's 门诊统筹签约 (the signing in force: clinic, doctor, since when, and every earlier one)
// and 应届毕业生 / 退役军人医保待遇资格确认 of a person: a section of the staff person page
// (signingSection, one line in staff_registers.ts) and of the portal's progress page
// (mySigningRecords: the applicant's own, with the case number and query code being viewed).
// Read-only; every figure is the server's (GET …/outpatient-signing, …/benefit-qualifications).
import type { Schemas } from "../api/client";
import { h } from "../dom";

type Signing = Schemas["PersonOutpatientSigning"];
type Qualifications = Schemas["BenefitQualifications"];
type Change = Signing["history"][number];

const enc = encodeURIComponent;

interface Who {
  case_no: string;
  id_no: string;
  query_code: string;
}

async function getJson<T>(url: string, headers: Record<string, string>): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { Accept: "application/json", ...headers } });
  } catch {
    throw new Error("网络连接失败，请稍后重试");
  }
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  if (!res.ok) throw new Error(body?.error?.message ?? `读取失败（${res.status}）`);
  return body as T;
}

const CHANGED: Record<string, string> = { institution_name: "签约机构", doctor: "签约医生", from: "签约日期", channel: "办理渠道" };

function before(c: unknown): string {
  const v = (c as { before?: unknown } | null)?.before;
  return v === null || v === undefined || v === "" ? "（空）" : String(v);
}

// Each signing as a line: the first is the signing, each later one names what it replaced.
function signingHistory(history: Change[], caseLink: (no: string) => Node | string) {
  return h(
    "ol",
    { class: "care-history signing-history" },
    history.map((x, i) => {
      // The store names a changed field of the entry's data "data.<field>".
      const changes = Object.entries(x.changes as Record<string, unknown>)
        .map(([k, c]) => [k.replace(/^data\./, ""), c] as const)
        .filter(([k]) => k in CHANGED);
      return h(
        "li",
        null,
        h("time", { datetime: x.at }, x.at.slice(0, 10)),
        " ",
        caseLink(x.case_no),
        i === 0 ? "：签约" : "：变更签约",
        i === 0 ? null : changes.map(([k, c], j) => [j ? "；" : "（", `原${CHANGED[k]} ${before(c)}`, j === changes.length - 1 ? "）" : ""]),
      );
    }),
  );
}

function signingBlock(s: Signing, caseLink: (no: string) => Node | string): Node[] {
  const out: Node[] = [h("h2", { id: "signing-h" }, "门诊统筹签约")];
  const cur = s.current;
  if (!cur) return [...out, h("p", { class: "care-empty" }, "未办理门诊统筹签约。")];
  out.push(
    h(
      "div",
      { class: "care-item" },
      h("p", { class: "care-head" }, cur.institution_name || cur.institution_code, " ", h("span", { class: `care-status ${cur.status === "有效" ? "valid" : "ended"}` }, cur.status)),
      h(
        "dl",
        { class: "care-facts signing-current" },
        h("dt", null, "签约机构"),
        h("dd", null, `${cur.institution_name || cur.institution_code}（${cur.institution_code}）`),
        h("dt", null, "签约医生"),
        h("dd", null, cur.doctor),
        h("dt", null, "签约日期"),
        h("dd", null, `${cur.from} 起享受门诊统筹支付待遇`),
        h("dt", null, "办理渠道"),
        h("dd", null, cur.channel || "—"),
        h("dt", null, "状态"),
        h("dd", null, cur.status),
      ),
      signingHistory(s.history, caseLink),
    ),
  );
  if (s.rules) out.push(h("p", { class: "hint" }, `签约满 ${s.rules.change_min_months} 个月方可变更${s.rules.example ? "（示例参数）" : ""}。`));
  return out;
}

function qualificationBlock(q: Qualifications, caseLink: (no: string) => Node | string): Node[] {
  const out: Node[] = [h("h2", { id: "benefit-quals-h" }, "医保待遇资格确认")];
  if (!q.qualifications.length) return [...out, h("p", { class: "care-empty" }, "没有应届毕业生或退役军人医保待遇资格确认。")];
  out.push(
    h(
      "ul",
      { class: "care-list benefit-qualifications" },
      q.qualifications.map((x) =>
        h(
          "li",
          { class: "care-item", "data-category": x.category },
          h("p", { class: "care-head" }, `${x.category_name ?? x.category}医保待遇资格`, " ", h("span", { class: "care-status valid" }, x.status)),
          h(
            "dl",
            { class: "care-facts" },
            h("dt", null, x.category === "graduate" ? "毕业年度" : "退役日期"),
            h("dd", null, x.category === "graduate" ? String(x.graduation_year ?? "—") : (x.discharge_date ?? "—")),
            h("dt", null, "职工医保参保起始月"),
            h("dd", null, x.enrolment_month),
            h("dt", null, "资格起始日"),
            h("dd", null, `${x.from} 起`),
            h("dt", null, "确认日期"),
            h("dd", null, x.confirmed_on ?? "—"),
            h("dt", null, "办件"),
            h("dd", null, caseLink(x.case_no)),
          ),
        ),
      ),
    ),
  );
  return out;
}

function load(box: HTMLElement, base: string, q: string, headers: Record<string, string>, caseLink: (no: string) => Node | string, portal: boolean) {
  void Promise.all([getJson<Signing>(`${base}/outpatient-signing${q}`, headers), getJson<Qualifications>(`${base}/benefit-qualifications${q}`, headers)])
    .then(([s, qs]) => {
      // Nothing recorded: the portal shows nothing, nor does a region without signing rules (the
      // items are Qingdao's).
      if (!s.current && !qs.qualifications.length && (portal || !s.rules)) return box.remove();
      const nodes = [...signingBlock(s, caseLink), ...qualificationBlock(qs, caseLink)];
      // In the portal the sections sit under the page's own h2: one level down.
      box.replaceChildren(
        ...(portal ? [h("h2", null, "我的门诊统筹签约与待遇资格")] : []),
        ...nodes.map((n) => (portal && n instanceof HTMLElement && n.tagName === "H2" ? h("h3", { id: n.id }, n.textContent ?? "") : n)),
      );
    })
    .catch((e: unknown) => (portal ? box.remove() : box.replaceChildren(h("p", { class: "error", role: "alert" }, e instanceof Error ? e.message : "读取失败"))));
}

export function signingSection(token: string, region: string, idNo: string, caseLink: (no: string) => Node | string): HTMLElement {
  const box = h("section", { class: "signing", "aria-label": "门诊统筹签约与医保待遇资格确认" }, h("p", null, "正在读取门诊统筹签约……"));
  load(box, `/api/v1/regions/${enc(region)}/persons/${enc(idNo)}`, "", { Authorization: `Bearer ${token}` }, caseLink, false);
  return box;
}

// Shown only when there is any (a citizen applicant; the server checks the query code).
export function mySigningRecords(who: Who, region: string): HTMLElement | null {
  if (!/^\d{17}[\dX]$/.test(who.id_no)) return null;
  const box = h("section", { class: "signing portal-signing", "aria-label": "我的门诊统筹签约与医保待遇资格" });
  load(box, `/api/v1/regions/${enc(region)}/persons/${enc(who.id_no)}`, `?case_no=${enc(who.case_no)}`, { "X-Query-Code": who.query_code }, (no) => h("span", { class: "mono" }, no), true);
  return box;
}
