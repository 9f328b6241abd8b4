// The calls of the supervisor dashboard and the administration pages, each with the signed-in
// user's bearer token, and XLSX downloads: a link cannot carry the token, so the file is fetched
// and handed to the browser as a blob under the server's own file name.
import { ApiError, call, type CaseSummary, type Schemas } from "./client";

export type Dashboard = Schemas["Dashboard"];
export type Staff = Schemas["Staff"];
export type NotificationList = Schemas["NotificationList"];
// GET /api/v1/calendar, as the OpenAPI description's Calendar / CalendarYear state it. Written out
// here so that this module type-checks on a tree whose committed schema.d.ts predates that entry;
// once both are committed, `Schemas["Calendar"]` and `Schemas["CalendarYear"]` can replace them.
export interface CalendarYear {
  year: number;
  provisional: boolean;
  source?: string;
  holidays: string[];
  adjusted_workdays: string[];
  names: Record<string, string>;
}
export interface CalendarListing {
  today: string;
  years: CalendarYear[];
}
export type { CaseSummary };

const enc = encodeURIComponent;

function qs(params: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : "";
}

export const dashboardPath = (region: string, from?: string, to?: string) => `/api/v1/regions/${enc(region)}/dashboard${qs({ from, to })}`;
export const casesPath = (q: Record<string, string | number | undefined>) => `/api/v1/cases${qs(q)}`;
export const staffPath = "/api/v1/staff";

export const supervision = {
  dashboard: (token: string, region: string, from?: string, to?: string) => call<Dashboard>("GET", dashboardPath(region, from, to), undefined, undefined, token),
  // The region's open cases of one deadline status (the user's region by default), up to 500.
  cases: (token: string, q: Record<string, string | number | undefined>) => call<CaseSummary[]>("GET", casesPath({ limit: 500, ...q }), undefined, undefined, token),
  // The messages to applicants that could not be delivered (the outbox), and putting one back.
  failedNotifications: (token: string, region: string) => call<NotificationList>("GET", notificationsPath(region, "failed"), undefined, undefined, token),
  retryNotification: (token: string, id: string) => call<unknown>("POST", `/api/v1/notifications/${enc(id)}/retry`, undefined, undefined, token),
};
export const notificationsPath = (region: string, status: string) => `/api/v1/regions/${enc(region)}/notifications${qs({ status, limit: 500 })}`;

export const admin = {
  staff: (token: string) => call<Staff[]>("GET", staffPath, undefined, undefined, token),
  addStaff: (token: string, body: { username: string; name: string; region: string; password: string; roles: string[] }) =>
    call<Staff>("POST", staffPath, body, undefined, token),
  setRoles: (token: string, username: string, roles: string[]) => call<Staff>("PUT", `${staffPath}/${enc(username)}/roles`, { roles }, undefined, token),
  disable: (token: string, username: string) => call<Staff>("POST", `${staffPath}/${enc(username)}/disable`, undefined, undefined, token),
  enable: (token: string, username: string) => call<Staff>("POST", `${staffPath}/${enc(username)}/enable`, undefined, undefined, token),
  setPassword: (token: string, username: string, password: string) =>
    call<Staff>("POST", `${staffPath}/${enc(username)}/password`, { password }, undefined, token),
  calendar: () => call<CalendarListing>("GET", "/api/v1/calendar"),
};

// The file name of a Content-Disposition header: filename* (RFC 5987, UTF-8) first, else filename.
function fileName(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      /* malformed: try the plain name */
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1]!.trim() : fallback;
}

// Fetches `url` (an API path that answers XLSX with format=xlsx) with the token and saves it.
// Returns the file name; a refusal throws the server's Chinese message as an ApiError.
export async function downloadXlsx(url: string, token: string, fallback: string): Promise<string> {
  const sep = url.includes("?") ? "&" : "?";
  let res: Response;
  try {
    res = await fetch(`${url}${sep}format=xlsx`, { headers: { Authorization: `Bearer ${token}` } });
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
    throw new ApiError(res.status, err?.code ?? "http", err?.message ?? `导出失败（${res.status}）`);
  }
  const name = fileName(res.headers.get("Content-Disposition"), fallback);
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = href;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The browser has taken the file once the click is handled; release the memory a bit later.
  setTimeout(() => URL.revokeObjectURL(href), 10000);
  return name;
}
