// Material uploads: one widget per case that lists the case's materials, each with a labelled
// file input (PDF, JPEG or PNG, at most 5 MB: checked here before sending, and again by the
// server, which also checks the file's first bytes), a progress bar while sending, the result in
// words, and the files already uploaded (viewable). For the applicant (receipt, supplement: case
// number + ID number + query code) and for staff (case page: the bearer token).
//
//   import { uploadWidget } from "../uploads";
//   page.append(uploadWidget({ caseNo, idNo, queryCode }, item.materials));   // the applicant
//   page.append(uploadWidget({ caseNo, token }, materials, { readOnly: true })); // staff, view only
import "./uploads.css";
import { h } from "./dom";

// Who asks: the applicant's pair, or a staff member's token.
export interface UploadAuth {
  caseNo: string;
  idNo?: string;
  queryCode?: string;
  token?: string;
}

// A stored file as GET /api/v1/cases/{case_no}/files lists it (the CaseFile schema).
export interface UploadedFile {
  id: number;
  material_id: string;
  name: string;
  content_type: "application/pdf" | "image/jpeg" | "image/png";
  size: number;
  sha256: string;
  uploaded_at: string;
  uploaded_by: string;
}

export interface MaterialRef {
  id: string;
  name: string;
}

export const MAX_FILE_BYTES = 5 * 1024 * 1024;
export const ACCEPT = ".pdf,.jpg,.jpeg,.png";
const TYPES: Record<string, UploadedFile["content_type"]> = {
  pdf: "application/pdf",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
};

// The content type a file will be sent as, from its name (the browser's own type is not
// reliable across systems); null when it is not one the server takes.
export function fileType(name: string): UploadedFile["content_type"] | null {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? "";
  return TYPES[ext] ?? null;
}

// What is wrong with a file before it is sent, in the words the clerk and applicant read.
export function checkFile(file: File): string | null {
  if (!fileType(file.name)) return "只能上传 PDF、JPEG 或 PNG 文件（.pdf、.jpg、.jpeg、.png）";
  if (file.size > MAX_FILE_BYTES) return "文件不能超过 5 MB，请压缩或分页扫描后再上传";
  if (file.size === 0) return "文件是空的，请重新选择";
  return null;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function headers(auth: UploadAuth): Record<string, string> {
  const out: Record<string, string> = { Accept: "application/json" };
  if (auth.token) out["Authorization"] = `Bearer ${auth.token}`;
  else {
    out["X-Id-No"] = auth.idNo ?? "";
    out["X-Query-Code"] = auth.queryCode ?? "";
  }
  return out;
}

const enc = encodeURIComponent;

// The server's Chinese message of an error answer, or a general one.
function messageOf(status: number, text: string): string {
  try {
    const m = (JSON.parse(text) as { error?: { message?: string } }).error?.message;
    if (m) return m;
  } catch {
    /* not JSON: fall through */
  }
  return status === 413 ? "文件不能超过 5 MB" : `上传失败（${status}），请稍后重试`;
}

export async function listFiles(auth: UploadAuth): Promise<UploadedFile[]> {
  const res = await fetch(`/api/v1/cases/${enc(auth.caseNo)}/files`, { headers: headers(auth) });
  const text = await res.text();
  if (!res.ok) throw new Error(messageOf(res.status, text));
  return (JSON.parse(text) as { files: UploadedFile[] }).files;
}

// POSTs one file; XMLHttpRequest rather than fetch for its upload progress events.
export function uploadFile(
  auth: UploadAuth,
  materialId: string,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/v1/cases/${enc(auth.caseNo)}/materials/${enc(materialId)}/files`);
    for (const [k, v] of Object.entries(headers(auth))) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader("Content-Type", fileType(file.name) ?? "application/octet-stream");
    xhr.setRequestHeader("X-File-Name", enc(file.name.slice(-100)));
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      if (xhr.status === 201) resolve(JSON.parse(xhr.responseText) as UploadedFile);
      else reject(new Error(messageOf(xhr.status, xhr.responseText)));
    };
    xhr.onerror = () => reject(new Error("网络连接失败，请检查网络后重试"));
    xhr.send(file);
  });
}

// Opens a stored file in a new tab. The file needs the caller's credentials (headers, never in
// the address), so it is fetched and shown from a local object URL.
export async function openFile(auth: UploadAuth, f: UploadedFile): Promise<void> {
  const tab = window.open("", "_blank");
  try {
    const res = await fetch(`/api/v1/cases/${enc(auth.caseNo)}/files/${f.id}`, { headers: headers(auth) });
    if (!res.ok) throw new Error(messageOf(res.status, await res.text()));
    const url = URL.createObjectURL(await res.blob());
    if (tab) tab.location.href = url;
    else window.location.href = url;
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (e) {
    tab?.close();
    throw e;
  }
}

let uid = 0;

export interface UploadOptions {
  readOnly?: boolean; // staff viewing a closed case: the list only
  title?: string;
  // Called after each file this widget uploaded is stored (not for those listed at start).
  onUploaded?: (f: UploadedFile) => void;
}

// The widget. Lists what is already there (one request), then offers an input per material.
export function uploadWidget(auth: UploadAuth, materials: MaterialRef[], opts: UploadOptions = {}): HTMLElement {
  const root = h("section", { class: "uploads", "aria-label": opts.title ?? "上传材料" });
  const status = h("p", { class: "uploads-status", role: "status" });
  const lists = new Map<string, HTMLElement>();
  const show = (f: UploadedFile) => {
    const list = lists.get(f.material_id);
    if (!list) return;
    const view = h("button", { type: "button", class: "button small" }, "查看");
    view.addEventListener("click", () => {
      openFile(auth, f).catch((e: Error) => (status.textContent = e.message));
    });
    list.append(
      h(
        "li",
        { class: "upload-file" },
        h("span", { class: "upload-name" }, f.name),
        h("span", { class: "upload-size" }, formatSize(f.size)),
        view,
      ),
    );
  };

  for (const m of materials) {
    const id = `upload-${++uid}`;
    const list = h("ul", { class: "upload-list", "aria-label": `${m.name} 已上传的文件` });
    lists.set(m.id, list);
    const message = h("p", { class: "upload-message", id: `${id}-msg`, "aria-live": "polite" });
    const bar = h("progress", { max: 1, value: 0, hidden: true, "aria-label": `${m.name} 上传进度` }) as HTMLProgressElement;
    const input = opts.readOnly
      ? null
      : (h("input", {
          id,
          type: "file",
          accept: ACCEPT,
          "aria-describedby": `${id}-hint ${id}-msg`,
          "data-material": m.id,
        }) as HTMLInputElement);
    input?.addEventListener("change", async () => {
      const file = input.files?.[0];
      if (!file) return;
      message.className = "upload-message";
      const problem = checkFile(file);
      if (problem) {
        message.textContent = problem;
        message.classList.add("error");
        input.value = "";
        return;
      }
      input.disabled = true;
      bar.hidden = false;
      bar.value = 0;
      message.textContent = `正在上传 ${file.name}……`;
      try {
        const stored = await uploadFile(auth, m.id, file, (p) => (bar.value = p));
        show(stored);
        opts.onUploaded?.(stored);
        message.textContent = `已上传 ${stored.name}（${formatSize(stored.size)}）`;
        message.classList.add("ok");
      } catch (e) {
        message.textContent = (e as Error).message;
        message.classList.add("error");
      } finally {
        bar.hidden = true;
        input.disabled = false;
        input.value = "";
      }
    });
    root.append(
      h(
        "div",
        { class: "upload-material" },
        input ? h("label", { for: id }, m.name) : h("h3", null, m.name),
        input,
        input ? h("p", { class: "hint", id: `${id}-hint` }, "PDF、JPEG 或 PNG，每个不超过 5 MB") : null,
        bar,
        message,
        list,
      ),
    );
  }
  root.append(status);
  listFiles(auth)
    .then((files) => files.forEach(show))
    .catch((e: Error) => (status.textContent = e.message));
  return root;
}
