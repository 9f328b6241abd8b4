// A person's 异地就医备案 (remote-care filings) and 门诊慢特病认定 (disease qualifications) over
// time, each with its change history: a section of the staff person page (careSections, with the
// staff token) and of the portal's progress page (myCareRecords: the applicant's own, opened with
// the case number and query code of the case being viewed). Read-only; every figure is the
// server's (GET …/persons/{id_no}/filings and …/qualifications).
import type { Schemas } from "../api/client";
import { h } from "../dom";
import "./filings.css";

type Filing = Schemas["RemoteCareFiling"];
type Qualification = Schemas["DiseaseQualification"];
type Filings = Schemas["RemoteCareFilings"];
type Qualifications = Schemas["DiseaseQualifications"];
type Change = Filing["history"][number];

const enc = encodeURIComponent;

export interface PortalWho {
  case_no: string;
  id_no: string;
  query_code: string;
}

class LoadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(url: string, headers: Record<string, string>): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { Accept: "application/json", ...headers } });
  } catch {
    throw new LoadError(0, "网络连接失败，请稍后重试");
  }
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  if (!res.ok) throw new LoadError(res.status, body?.error?.message ?? `读取失败（${res.status}）`);
  return body as T;
}

const FIELD_NAMES: Record<string, string> = {
  status: "状态",
  to: "截止日期",
  from: "开始日期",
  ended_by: "变更或取消办件",
  category: "备案类别",
  destination: "就医地",
  hospital: "医疗机构",
  disease_name: "病种",
  replaces: "变更的原备案",
  renews: "续期的原认定",
};

function value(v: unknown): string {
  if (v === null || v === undefined || v === "") return "（空）";
  if (typeof v === "boolean") return v ? "是" : "否";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

// A register change as a reader reads it: the fields that changed, before → after. The first
// entry (the registration) lists everything, so only its key facts are named.
function changes(history: Change[], caseLink: (no: string) => Node | string) {
  return h(
    "ol",
    { class: "care-history" },
    history.map((x, i) => {
      const entries = Object.entries(x.changes as Record<string, { before?: unknown; after?: unknown }>);
      const shown = i === 0 ? [] : entries.filter(([k]) => k in FIELD_NAMES);
      return h(
        "li",
        null,
        h("time", { datetime: x.at }, x.at.slice(0, 10)),
        " ",
        caseLink(x.case_no),
        i === 0 ? "：登记" : shown.length ? "：" : "：变更",
        shown.map(([k, c], j) => [j ? "；" : "", `${FIELD_NAMES[k]} ${value(c?.before)} → ${value(c?.after)}`]),
      );
    }),
  );
}

const period = (from: string, to: string | null | undefined) => (to ? `${from} 至 ${to}` : `${from} 起长期有效`);

function statusBadge(status: string) {
  return h("span", { class: `care-status ${status === "有效" ? "valid" : "ended"}` }, status);
}

function filingList(list: Filing[], caseLink: (no: string) => Node | string) {
  if (!list.length) return h("p", { class: "care-empty" }, "没有异地就医备案。");
  return h(
    "ul",
    { class: "care-list filings" },
    list.map((f) =>
      h(
        "li",
        { class: "care-item", "data-number": f.number },
        h("p", { class: "care-head" }, h("span", { class: "mono" }, f.number), " ", f.category, f.long_term ? "（长期）" : "（临时）", " ", statusBadge(f.status)),
        h(
          "dl",
          { class: "care-facts" },
          h("dt", null, "有效期"),
          h("dd", { class: "care-period" }, period(f.from, f.to)),
          h("dt", null, "就医地"),
          h("dd", null, [f.scope, f.destination].filter(Boolean).join(" ") || "—"),
          f.hospital ? [h("dt", null, "医疗机构"), h("dd", null, f.hospital)] : null,
          h("dt", null, "证明方式"),
          h("dd", null, f.proof ?? "—"),
          f.replaces ? [h("dt", null, "变更的原备案"), h("dd", { class: "mono" }, f.replaces)] : null,
        ),
        changes(f.history, caseLink),
      ),
    ),
  );
}

function qualificationList(list: Qualification[], caseLink: (no: string) => Node | string) {
  if (!list.length) return h("p", { class: "care-empty" }, "没有门诊慢特病认定。");
  return h(
    "ul",
    { class: "care-list qualifications" },
    list.map((q) =>
      h(
        "li",
        { class: "care-item", "data-number": q.number },
        h("p", { class: "care-head" }, h("span", { class: "mono" }, q.number), " ", q.disease_name, q.disease_kind === "special" ? "（特殊病）" : "（慢性病）", " ", statusBadge(q.status)),
        h(
          "dl",
          { class: "care-facts" },
          h("dt", null, "有效期"),
          h("dd", { class: "care-period" }, period(q.from, q.to)),
          h("dt", null, "鉴定医院"),
          h("dd", null, q.hospital || "—"),
          h("dt", null, "认定方式"),
          h("dd", null, q.assessment ?? "—"),
          q.renews ? [h("dt", null, "续期的原认定"), h("dd", { class: "mono" }, q.renews)] : null,
        ),
        changes(q.history, caseLink),
      ),
    ),
  );
}

function sections(filings: Filings, quals: Qualifications, caseLink: (no: string) => Node | string) {
  const rules = filings.rules;
  return [
    h("h2", { id: "care-filings-h" }, "异地就医备案"),
    rules ? h("p", { class: "hint" }, `临时外出就医备案有效期 ${rules.temporary_validity_months} 个月${rules.example ? "（示例参数）" : ""}。`) : null,
    filingList(filings.filings, caseLink),
    h("h2", { id: "care-quals-h" }, "门诊慢特病认定"),
    qualificationList(quals.qualifications, caseLink),
  ];
}

// The staff person page's section (one line in staff_registers.ts): loads on its own, so the rest
// of the page is not held up; a failure is said in the section.
export function careSections(token: string, region: string, idNo: string, caseLink: (no: string) => Node | string): HTMLElement {
  const box = h("section", { class: "care", "aria-label": "异地就医备案与门诊慢特病认定" }, h("p", null, "正在读取备案与认定……"));
  const base = `/api/v1/regions/${enc(region)}/persons/${enc(idNo)}`;
  const auth = { Authorization: `Bearer ${token}` };
  void Promise.all([getJson<Filings>(`${base}/filings`, auth), getJson<Qualifications>(`${base}/qualifications`, auth)])
    .then(([f, q]) => box.replaceChildren(...sections(f, q, caseLink).flat().filter((x): x is HTMLElement => !!x)))
    .catch((e: unknown) => box.replaceChildren(h("p", { class: "error", role: "alert" }, e instanceof Error ? e.message : "读取失败")));
  return box;
}

// The portal's section (one line in progress.ts): the applicant's own filings and qualifications,
// shown only when there is any (a citizen applicant; the server checks the query code).
export function myCareRecords(who: PortalWho, region: string): HTMLElement | null {
  if (!/^\d{17}[\dX]$/.test(who.id_no)) return null;
  const box = h("section", { class: "care portal-care", "aria-label": "我的异地就医备案与门诊慢特病认定" });
  const base = `/api/v1/regions/${enc(region)}/persons/${enc(who.id_no)}`;
  const q = `?case_no=${enc(who.case_no)}`;
  const headers = { "X-Query-Code": who.query_code };
  void Promise.all([getJson<Filings>(`${base}/filings${q}`, headers), getJson<Qualifications>(`${base}/qualifications${q}`, headers)])
    .then(([f, qs]) => {
      if (!f.filings.length && !qs.qualifications.length) return;
      box.replaceChildren(
        h("h2", null, "我的备案与认定"),
        ...sections(f, qs, (no) => h("span", { class: "mono" }, no)).flat().filter((x): x is HTMLElement => !!x).map((el) => {
          if (el.tagName === "H2") return h("h3", { id: el.id }, el.textContent ?? "");
          return el;
        }),
      );
    })
    .catch(() => box.replaceChildren());
  return box;
}
