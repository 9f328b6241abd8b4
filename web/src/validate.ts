// Checks the applicant sees while typing; the server checks the same again (validate/identity).

// GB 11643-1999: 17 digits, then the check character of ISO 7064 MOD 11-2; a valid birth date.
export function checkIdNo(v: string): string | null {
  if (!v) return "请填写公民身份号码";
  if (!/^\d{17}[\dX]$/.test(v)) return "公民身份号码应为18位（最后一位可为数字或大写 X）";
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(v[i]) * w[i]!;
  if ("10X98765432"[sum % 11] !== v[17]) return "公民身份号码校验位不正确，请核对";
  const birth = `${v.slice(6, 10)}-${v.slice(10, 12)}-${v.slice(12, 14)}`;
  if (!validDate(birth)) return "公民身份号码中的出生日期无效";
  return null;
}

// GB 32100-2015: 18 characters of the 31-character alphabet, the last a MOD 31 check character.
const CC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
export function checkCreditCode(v: string): string | null {
  if (!v) return "请填写统一社会信用代码";
  if (v.length !== 18 || [...v].some((c) => !CC_ALPHABET.includes(c)))
    return "统一社会信用代码应为18位数字或大写字母（不含 I、O、Z、S、V）";
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CC_ALPHABET.indexOf(v[i]!) * w[i]!;
  if (CC_ALPHABET[(31 - (sum % 31)) % 31] !== v[17]) return "统一社会信用代码校验位不正确，请核对";
  return null;
}

export function validDate(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

export function checkPhone(v: string): string | null {
  if (/^1\d{10}$/.test(v) || /^0\d{2,3}-?\d{7,8}$/.test(v)) return null;
  return "请填写11位手机号码，或带区号的固定电话";
}

// 元 as typed ("1,234.5") → fen, exactly (no floating point): null when it is not an amount.
export function yuanToFen(v: string): number | null {
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(v.replace(/[,，\s]/g, ""));
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

export function fenToYuan(fen: number): string {
  const yuan = Math.floor(fen / 100);
  return `${yuan.toLocaleString("zh-CN")}.${String(fen % 100).padStart(2, "0")}`;
}
