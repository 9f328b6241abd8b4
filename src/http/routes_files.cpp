// Material uploads (issue 7): the files of a case's materials, stored with the case.
//   POST /api/v1/cases/{case_no}/materials/{material_id}/files   raw body: PDF, JPEG or PNG
//   GET  /api/v1/cases/{case_no}/files                           the list (no bytes)
//   GET  /api/v1/cases/{case_no}/files/{id}                      one file's bytes
//
// Only PDF, JPEG and PNG are taken, recognised by their first bytes (the declared Content-Type
// must agree with them), at most 5 MiB each (the server reads at most that much on this path
// only), 10 per material and 20 per case. Who: staff of the case's region (while the case is
// open), or the applicant with X-Id-No + X-Query-Code, recognised as in the anonymous case
// actions (every mismatch the same 404), who may upload only while the case waits for 受理 or
// for 补正. Files are never changed or deleted: they are part of what the case was decided on.
#include <cctype>
#include <limits>
#include <optional>

#include "common/text.hpp"
#include "http/api.hpp"
#include "http/json_io.hpp"
#include "http/rate_limit.hpp"

namespace jingban {

using nlohmann::json;

namespace {

constexpr size_t kMaxFileBytes = 5 << 20;  // the server's body limit on this path (server.cpp)
constexpr size_t kMaxNameChars = 100;
constexpr FileLimits kLimits{10, 20};

struct FileType {
  const char* content_type;
  std::string_view magic;
};
// By their signatures: %PDF-, JPEG's SOI + marker, PNG's eight bytes.
constexpr FileType kTypes[] = {
    {"application/pdf", std::string_view("%PDF-", 5)},
    {"image/jpeg", std::string_view("\xFF\xD8\xFF", 3)},
    {"image/png", std::string_view("\x89PNG\r\n\x1A\n", 8)},
};

// The media type of a Content-Type header, lower case, without parameters.
std::string mediaType(std::string_view header) {
  std::string t(header.substr(0, header.find(';')));
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
  size_t start = t.find_first_not_of(" \t");
  t = start == std::string::npos ? std::string() : t.substr(start);
  for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t;
}

// An error whose HTTP status is not one of the ErrorCode classes (413, 415): the body is the
// usual error object, the status the one the protocol names for the case.
HttpResponse refusal(int status, const char* code, const std::string& message) {
  HttpResponse r = errorResponse({ErrorCode::kBadRequest, code, message});
  r.status = status;
  return r;
}

// X-File-Name: percent-encoded UTF-8 (so that any name passes through an HTTP header), a plain
// name (no folder), at most 100 characters, nothing invisible. nullopt: refused.
std::optional<std::string> fileName(std::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%') {
      out += raw[i];
      continue;
    }
    if (i + 2 >= raw.size() || !std::isxdigit(static_cast<unsigned char>(raw[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(raw[i + 2])))
      return std::nullopt;
    out += static_cast<char>(std::stoi(std::string(raw.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  if (out.empty() || out == "." || out == ".." || !validUtf8(out) ||
      utf8Length(out) > kMaxNameChars)
    return std::nullopt;
  for (unsigned char c : out)
    if (c < 0x20 || c == 0x7F || c == '/' || c == '\\') return std::nullopt;
  return out;
}

// Content-Disposition's filename* (RFC 8187): every byte outside a safe set percent-encoded.
std::string dispositionName(const std::string& name) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out = "UTF-8''";
  for (unsigned char c : name) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

json fileJson(const StoredFile& f, bool staff_viewer) {
  json j = {{"id", f.id},
            {"material_id", f.material_id},
            {"name", f.name},
            {"content_type", f.content_type},
            {"size", f.size},
            {"sha256", f.sha256},
            {"uploaded_at", Instant{f.uploaded_at}.iso()}};
  // The applicant learns that a clerk added a file, not which clerk.
  j["uploaded_by"] = f.uploaded_by == "applicant" || staff_viewer ? f.uploaded_by : "staff";
  return j;
}

// Who asks about a case's files, and the case as stored.
struct Caller {
  Actor actor;
  CaseState state;
};

// Staff (a bearer token, of the case's region) or the applicant (X-Id-No + X-Query-Code, rate
// limited as `kind`). The error is already answered when nullopt; `res` then names the staff
// member in the request log.
std::optional<Caller> callerOf(ApiDeps& d, const HttpRequest& req, const std::string& case_no,
                               RateKind kind, Responder& res) {
  Caller c;
  if (!req.authorization.empty()) {
    auto staff = d.auth.authenticate(req.authorization);
    if (!staff) return res(errorResponse(staff.error())), std::nullopt;
    res = [res, who = staff->username](HttpResponse r) {
      r.actor = who;
      res(std::move(r));
    };
    c.actor = *staff;
  } else {
    if (req.id_no.empty() || req.query_code.empty())
      return res(errorResponse(
                 {ErrorCode::kUnauthorized, "unauthorized",
                  "请先登录；申请人须提供证件号码（X-Id-No）和查询码（X-Query-Code）"})),
             std::nullopt;
    if (d.limits)
      if (auto l = d.limits->check(kind, req.remote_address, case_no); !l)
        return res(errorResponse(l.error())), std::nullopt;
    auto applicant = d.cases.applicantActor(case_no, req.id_no, req.query_code);
    if (!applicant) return res(errorResponse(applicant.error())), std::nullopt;
    c.actor = *applicant;
  }
  auto loaded = d.store->loadCase(case_no);
  if (!loaded) return res(errorResponse(loaded.error())), std::nullopt;
  if (!*loaded)
    return res(errorResponse({ErrorCode::kNotFound, "not_found", "未找到该办件"})), std::nullopt;
  c.state = std::move(**loaded);
  if (!c.actor.applicant && c.actor.region != c.state.region)
    return res(errorResponse(
               {ErrorCode::kForbidden, "wrong_region", "无权查看或办理其他地区的办件"})),
           std::nullopt;
  return c;
}

void upload(ApiDeps& d, HttpRequest&& req, const Params& p, Responder res) {
  const std::string& case_no = p.at("case_no");
  auto caller = callerOf(d, req, case_no, RateKind::kApplicant, res);
  if (!caller) return;
  const CaseState& c = caller->state;
  if (caller->actor.applicant
          ? c.status != CaseStatus::kSubmitted && c.status != CaseStatus::kSupplement
          : isTerminal(c.status))
    return res(errorResponse({ErrorCode::kConflict, "wrong_state",
                              caller->actor.applicant
                                  ? "办件已受理或已办结，不能再上传材料；需要补正时会另行告知"
                                  : "办件已办结，不能再上传材料"}));
  const Region* region = d.cases.catalog().region(c.region);
  const Item* item = region ? region->item(c.item_code) : nullptr;
  bool known = false;
  if (item)
    for (const auto& m : item->materials) known = known || m.id == p.at("material_id");
  if (!known)
    return res(errorResponse({ErrorCode::kNotFound, "unknown_material", "该事项没有这项材料"}));

  if (req.body.size() > kMaxFileBytes)
    return res(refusal(413, "file_too_large", "文件不能超过 5 MB"));
  const std::string type = mediaType(req.content_type);
  const FileType* declared = nullptr;
  for (const auto& t : kTypes)
    if (type == t.content_type) declared = &t;
  if (!declared)
    return res(refusal(415, "unsupported_file_type", "只能上传 PDF、JPEG 或 PNG 文件"));
  if (!std::string_view(req.body).starts_with(declared->magic))
    return res(refusal(415, "file_content_mismatch",
                       "文件内容不是所声明的 PDF、JPEG 或 PNG 格式（文件可能已损坏或被改名）"));
  auto name = fileName(req.file_name);
  if (!name)
    return res(errorResponse(badRequest(
        "文件名（X-File-Name，UTF-8 百分号编码）须为 1 到 100 个字符，不含路径和控制字符")));

  StoredFile meta;
  meta.case_no = case_no;
  meta.material_id = p.at("material_id");
  meta.name = *name;
  meta.content_type = declared->content_type;
  meta.uploaded_at = d.auth.now();
  meta.uploaded_by = caller->actor.applicant ? "applicant" : caller->actor.username;
  auto stored = d.files->addFile(meta, req.body, kLimits);
  if (!stored) return res(errorResponse(stored.error()));
  res(ok(fileJson(*stored, !caller->actor.applicant), 201));
}

}  // namespace

void addFileRoutes(Router& R, ApiDeps& d) {
  if (!d.files || !d.store) return;  // no file store: no uploads
  R.add("POST", "/api/v1/cases/{case_no}/materials/{material_id}/files",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          upload(d, std::move(req), p, std::move(res));
        });

  R.add("GET", "/api/v1/cases/{case_no}/files",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          auto caller = callerOf(d, req, p.at("case_no"), RateKind::kProgress, res);
          if (!caller) return;
          auto files = d.files->files(p.at("case_no"));
          if (!files) return res(errorResponse(files.error()));
          json list = json::array();
          for (const auto& f : *files) list.push_back(fileJson(f, !caller->actor.applicant));
          HttpResponse r = ok({{"files", std::move(list)}});
          r.headers.push_back({"Cache-Control", "no-store"});
          res(std::move(r));
        });

  R.add("GET", "/api/v1/cases/{case_no}/files/{id}",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          auto caller = callerOf(d, req, p.at("case_no"), RateKind::kProgress, res);
          if (!caller) return;
          auto id = parseStrictInt(p.at("id"), 1, std::numeric_limits<int64_t>::max(), "id");
          std::optional<FileStore::Content> found;
          if (id) {
            auto f = d.files->file(p.at("case_no"), *id);
            if (!f) return res(errorResponse(f.error()));
            found = std::move(*f);
          }
          if (!found)
            return res(errorResponse({ErrorCode::kNotFound, "file_not_found", "未找到该文件"}));
          HttpResponse r{200, found->meta.content_type, std::move(found->data)};
          // Shown in the browser (a PDF viewer, an image), as the type it was checked to be;
          // personal data, so kept by no cache.
          r.headers.push_back(
              {"Content-Disposition", "inline; filename*=" + dispositionName(found->meta.name)});
          r.headers.push_back({"X-Content-Type-Options", "nosniff"});
          r.headers.push_back({"Cache-Control", "no-store"});
          res(std::move(r));
        });
}

}  // namespace jingban
