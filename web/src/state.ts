// What the pages share within one visit: the chosen region (remembered on this device), the
// regions and item lists already fetched, and the last receipt (to prefill the progress form; it
// lives in memory only, never in storage, since it holds an ID number).
import { api, type Item, type Region } from "./api/client";

let regions: Region[] | null = null;
const items = new Map<string, Item[]>();

export async function loadRegions(): Promise<Region[]> {
  regions ??= await api.regions();
  return regions;
}

export async function loadItems(region: string): Promise<Item[]> {
  let list = items.get(region);
  if (!list) {
    list = await api.items(region);
    items.set(region, list);
  }
  return list;
}

const REGION_KEY = "jingban.region";
export function savedRegion(): string | null {
  try {
    return localStorage.getItem(REGION_KEY);
  } catch {
    return null;
  }
}
export function saveRegion(id: string) {
  try {
    localStorage.setItem(REGION_KEY, id);
  } catch {
    /* private mode: the choice is simply not remembered */
  }
}

export interface ReceiptMemo {
  case_no: string;
  id_no: string;
  query_code: string;
}
export let lastReceipt: ReceiptMemo | null = null;
export function rememberReceipt(r: ReceiptMemo) {
  lastReceipt = r;
}

export const APPLICANT_KINDS: Record<string, string> = {
  person: "个人",
  unit: "单位",
  institution: "医药机构",
};
