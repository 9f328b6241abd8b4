// The staff workbench's calls to the REST API, each with the signed-in user's bearer token: case
// search with its total (X-Total-Count), one case, actions, window submissions, the registers, and
// binary downloads (PDF notices, XLSX) fetched with the token since a plain link cannot carry it.
import { ApiError, type CaseSummary, type Item, type Schemas, type SubmitReceipt, type Submission } from "./client";

// `actions` in it: what the signed-in viewer may do now (the server's dry run of its workflow).
export type CaseDetail = Schemas["CaseDetail"];
export type CaseOutcome = Schemas["CaseOutcome"];
export type ActionBody = Schemas["Action"];
export type RegisterPerson = Schemas["RegisterPerson"];
export type RecordPerson = Schemas["RecordPerson"];
export type RegisterUnit = Schemas["RegisterUnit"];
export type RecordUnit = Schemas["RecordUnit"];
export type Account = Schemas["Account"];
export type PaymentList = Schemas["PaymentList"];
export type PersonList = Schemas["PersonList"];
export type UnitList = Schemas["UnitList"];
export type Settlement = NonNullable<Schemas["Settlement"]>;
export type HistoryEntry = Schemas["HistoryEntry"];
export type { CaseSummary, Item };

async function send(method: string, url: string, token: string, body?: unknown, key?: string): Promise<Response> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (key) headers["Idempotency-Key"] = key;
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, "network", "网络连接失败，请检查网络后重试");
  }
  if (!res.ok) {
    let err: { code?: string; message?: string } | undefined;
    try {
      err = ((await res.json()) as { error?: { code?: string; message?: string } }).error;
    } catch {
      err = undefined;
    }
    throw new ApiError(res.status, err?.code ?? "http", err?.message ?? `服务暂不可用（${res.status}）`);
  }
  return res;
}

async function json<T>(method: string, url: string, token: string, body?: unknown, key?: string): Promise<T> {
  const res = await send(method, url, token, body, key);
  const text = await res.text();
  return (text ? JSON.parse(text) : null) as T;
}

const enc = encodeURIComponent;
const reg = (region: string) => `/api/v1/regions/${enc(region)}`;

export interface CasePage {
  rows: CaseSummary[];
  total: number; // all the filters select (X-Total-Count; the page's length when absent)
}

export const wb = {
  search: async (token: string, params: URLSearchParams): Promise<CasePage> => {
    const res = await send("GET", `/api/v1/cases?${params}`, token);
    const rows = (await res.json()) as CaseSummary[];
    const header = res.headers.get("X-Total-Count");
    return { rows, total: header === null ? rows.length + Number(params.get("offset") ?? 0) : Number(header) };
  },
  case: (token: string, caseNo: string) => json<CaseDetail>("GET", `/api/v1/cases/${enc(caseNo)}`, token),
  act: (token: string, caseNo: string, action: string, body: ActionBody, key: string) =>
    json<CaseOutcome>("POST", `/api/v1/cases/${enc(caseNo)}/${enc(action)}`, token, body, key),
  submit: (token: string, s: Submission, key: string) => json<SubmitReceipt>("POST", "/api/v1/cases", token, s, key),
  person: (token: string, region: string, idNo: string) => json<RegisterPerson>("GET", `${reg(region)}/persons/${enc(idNo)}`, token),
  personRecord: (token: string, region: string, idNo: string) => json<RecordPerson>("GET", `${reg(region)}/persons/${enc(idNo)}/record`, token),
  persons: (token: string, region: string, name: string, offset: number, limit: number) =>
    json<PersonList>("GET", `${reg(region)}/persons?name=${enc(name)}&limit=${limit}&offset=${offset}`, token),
  unit: (token: string, region: string, code: string) => json<RegisterUnit>("GET", `${reg(region)}/units/${enc(code)}`, token),
  unitRecord: (token: string, region: string, code: string) => json<RecordUnit>("GET", `${reg(region)}/units/${enc(code)}/record`, token),
  units: (token: string, region: string, name: string, offset: number, limit: number) =>
    json<UnitList>("GET", `${reg(region)}/units?name=${enc(name)}&limit=${limit}&offset=${offset}`, token),
  account: (token: string, region: string, idNo: string) => json<Account>("GET", `${reg(region)}/accounts/${enc(idNo)}`, token),
  payments: (token: string, region: string, month: string, offset: number, limit: number) =>
    json<PaymentList>("GET", `${reg(region)}/payments?month=${enc(month)}&limit=${limit}&offset=${offset}`, token),
  paymentsXlsxUrl: (region: string, month: string) => `${reg(region)}/payments?month=${enc(month)}&format=xlsx`,
  noticeUrl: (caseNo: string, kind: string) => `/api/v1/cases/${enc(caseNo)}/notices/${enc(kind)}.pdf`,
  // A file the API serves only with the token (PDF, XLSX): fetched, then handed to the browser.
  blob: async (token: string, url: string): Promise<Blob> => (await send("GET", url, token)).blob(),
};
