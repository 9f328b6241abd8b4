// The portal's router: history-API paths, each rendered by one page function. The server answers
// every such path with index.html (src/http/routes_static.cpp), so a reload or a shared link works.
import "./style.css";
import { ApiError } from "./api/client";
import { h, render } from "./dom";
import { adminPage } from "./pages/admin";
import { applyPage } from "./pages/apply";
import { comparePage } from "./pages/compare";
import { dashboardPage } from "./pages/dashboard";
import { guidePage } from "./pages/guide";
import { homePage } from "./pages/home";
import { progressPage } from "./pages/progress";
import { staffPage, staffSearchPage } from "./pages/staff";
import { staffCasePage } from "./pages/staff_case";
import { staffIntakePage } from "./pages/staff_intake";
import * as registers from "./pages/staff_registers";
import * as institutions from "./pages/institutions";
import { portalSettlementPage, staffSettlementPage, staffSettlementsPage } from "./pages/settlement";

type Page = (params: string[]) => Promise<void> | void;
const routes: [RegExp, Page][] = [
  [/^\/$/, () => homePage(null)],
  [/^\/r\/([^/]+)$/, ([r]) => homePage(r!)],
  [/^\/r\/([^/]+)\/items\/([^/]+)$/, ([r, c]) => guidePage(r!, c!)],
  [/^\/r\/([^/]+)\/items\/([^/]+)\/apply$/, ([r, c]) => applyPage(r!, c!)],
  [/^\/progress$/, () => progressPage()],
  [/^\/compare$/, () => comparePage()],
  [/^\/staff$/, () => staffPage()],
  [/^\/staff\/search$/, () => staffSearchPage()],
  [/^\/staff\/cases\/([^/]+)$/, ([no]) => staffCasePage(no!)],
  [/^\/staff\/intake$/, () => staffIntakePage()],
  [/^\/staff\/persons$/, () => registers.staffPersonsPage()],
  [/^\/staff\/persons\/([^/]+)$/, ([id]) => registers.staffPersonPage(id!)],
  [/^\/staff\/units$/, () => registers.staffUnitsPage()],
  [/^\/staff\/units\/([^/]+)$/, ([c]) => registers.staffUnitPage(c!)],
  [/^\/staff\/accounts$/, () => registers.staffAccountsPage()],
  [/^\/staff\/accounts\/([^/]+)$/, ([id]) => registers.staffAccountPage(id!)],
  [/^\/staff\/payments$/, () => registers.staffPaymentsPage()],
  [/^\/staff\/dashboard$/, () => dashboardPage()],
  [/^\/staff\/admin$/, () => adminPage()],
  [/^\/staff\/institutions$/, () => institutions.staffInstitutionsPage()],
  [/^\/staff\/institutions\/([^/]+)$/, ([c]) => institutions.staffInstitutionPage(c!)],
  [/^\/staff\/institution-applications\/([^/]+)$/, ([c]) => institutions.staffInstitutionApplicationPage(c!)],
  [/^\/institution$/, () => institutions.portalInstitutionPage()],
  [/^\/settlement$/, () => portalSettlementPage()],
  [/^\/staff\/settlements$/, () => staffSettlementsPage()],
  [/^\/staff\/settlements\/([^/]+)\/([^/]+)$/, ([c, m]) => staffSettlementPage(c!, m!)],
];

export function navigate(path: string, replace = false) {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  void route();
}

async function route() {
  const path = decodeURIComponent(location.pathname);
  for (const [re, page] of routes) {
    const m = re.exec(path);
    if (!m) continue;
    try {
      await page(m.slice(1));
    } catch (e) {
      showError(e);
    }
    return;
  }
  render("页面不存在", h("h1", null, "页面不存在"), h("p", null, h("a", { href: "/", "data-link": true }, "返回首页")));
}

export function showError(e: unknown) {
  const msg = e instanceof ApiError ? e.message : "页面出错了，请刷新后重试";
  render("出错了", h("h1", null, "出错了"), h("p", { role: "alert", class: "error" }, msg), h("p", null, h("a", { href: "/", "data-link": true }, "返回首页")));
}

// Links marked data-link navigate inside the page; others (and modified clicks) behave normally.
document.addEventListener("click", (ev) => {
  const a = (ev.target as Element | null)?.closest?.("a[data-link]") as HTMLAnchorElement | null;
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  if (a.origin !== location.origin) return;
  ev.preventDefault();
  navigate(a.pathname + a.search);
});
window.addEventListener("popstate", () => void route());
void route();
