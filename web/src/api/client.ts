// The API client: every call goes to the REST API under /api/v1 (nothing bypasses it); the types
// come from schema.d.ts, generated from the server's OpenAPI description (scripts/gen-api.mjs).
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Region = Schemas["Region"];
export type Item = Schemas["Item"];
export type FormField = Schemas["FormField"];
export type ItemDueDate = Schemas["ItemDueDate"];
export type Progress = Schemas["Progress"];
export type Submission = Schemas["Submission"];
export type SubmitReceipt = Schemas["SubmitReceipt"];
export type TimeLimit = Schemas["TimeLimit"];
export type FlowStep = Schemas["FlowStep"];
export type Session = Schemas["Session"];
export type CaseSummary = Schemas["CaseSummary"];

type Json<P extends keyof paths, M extends "get" | "post"> = paths[P][M] extends {
  responses: infer R;
}
  ? R extends { 200: { content: { "application/json": infer T } } }
    ? T
    : R extends { 201: { content: { "application/json": infer T } } }
      ? T
      : never
  : never;

// An error as the server states it: the message is Chinese and meant to be shown.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function call<T>(method: string, url: string, body?: unknown, key?: string, token?: string): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (token) headers["Authorization"] = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (key) headers["Idempotency-Key"] = key;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network", "网络连接失败，请检查网络后重试");
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? "http", err?.message ?? `服务暂不可用（${res.status}）`);
  }
  return data as T;
}

const enc = encodeURIComponent;

export const api = {
  regions: () => call<Json<"/api/v1/regions", "get">>("GET", "/api/v1/regions"),
  items: (region: string) =>
    call<Json<"/api/v1/regions/{region}/items", "get">>("GET", `/api/v1/regions/${enc(region)}/items`),
  item: (region: string, code: string) =>
    call<Json<"/api/v1/regions/{region}/items/{code}", "get">>(
      "GET",
      `/api/v1/regions/${enc(region)}/items/${enc(code)}`,
    ),
  dueDate: (region: string, code: string) =>
    call<Json<"/api/v1/regions/{region}/items/{code}/due-date", "get">>(
      "GET",
      `/api/v1/regions/${enc(region)}/items/${enc(code)}/due-date`,
    ),
  submit: (s: Submission, key: string) =>
    call<Json<"/api/v1/cases", "post">>("POST", "/api/v1/cases", s, key),
  progress: (caseNo: string, idNo: string, queryCode: string) =>
    call<Json<"/api/v1/progress", "get">>(
      "GET",
      `/api/v1/progress?case_no=${enc(caseNo)}&id_no=${enc(idNo)}&query_code=${enc(queryCode)}`,
    ),
};

// The staff workbench's calls, each with the signed-in user's token.
export const staffApi = {
  signIn: (username: string, password: string) =>
    call<Json<"/api/v1/session", "post">>("POST", "/api/v1/session", { username, password }),
  signOut: (token: string) => call<null>("DELETE", "/api/v1/session", undefined, undefined, token),
  // The open cases of the user's region (the server's own region default), at most 500.
  cases: (token: string) =>
    call<Json<"/api/v1/cases", "get">>("GET", "/api/v1/cases?limit=500", undefined, undefined, token),
};
