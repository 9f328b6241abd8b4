// The browser UI (web/dist, built by Vite) served under `/`; the API stays under /api/v1.
//
// The files are read once at start-up into memory (the built UI is a few hundred KiB): a request
// can only ever name one of the files that were in the directory then, so no path the client
// sends reaches the file system (no traversal through `..`, `%2e%2e`, absolute paths, links or
// NUL). Rebuilding the UI needs a restart of the server.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "http/api.hpp"

namespace jingban {

namespace fs = std::filesystem;

struct StaticFile {
  std::string content_type;
  std::string cache_control;
  std::string body;
};

class StaticSite {
 public:
  std::map<std::string, StaticFile, std::less<>> files;  // by URL path: "/index.html"
  const StaticFile* index = nullptr;
};

namespace {

// What a built UI holds; anything else in the directory is not served.
const std::map<std::string, std::string, std::less<>> kTypes = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".json", "application/json; charset=utf-8"},
    {".webmanifest", "application/manifest+json; charset=utf-8"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
};

// Bounds on what is loaded into memory: a directory given by mistake (/, a home) fails fast.
constexpr size_t kMaxFiles = 2000;
constexpr uintmax_t kMaxBytes = 64u << 20;

// Vite names what it builds under assets/ by content hash: such a URL never changes its content.
constexpr std::string_view kHashedPrefix = "/assets/";
constexpr const char* kImmutable = "public, max-age=31536000, immutable";
constexpr const char* kRevalidate = "no-cache";

// The pages only load their own scripts and styles and talk to this server's API.
constexpr const char* kCsp =
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

// The route label of every static answer in the request log and metrics (never the raw path).
const std::string kStaticRoute = "/{static}";

// The API, the operator endpoints and the router's JSON answers keep every path under them.
bool isApiPath(std::string_view path) {
  for (std::string_view prefix : {"/api", "/healthz", "/metrics"})
    if (path == prefix || (path.starts_with(prefix) && path[prefix.size()] == '/')) return true;
  return false;
}

// A path that could only be an attempt to leave the directory, or is not a normal URL path:
// answered 404 without looking it up.
bool suspicious(std::string_view path) {
  if (path.empty() || path.front() != '/') return true;
  for (char c : path)
    if (c == '\0' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return true;
  if (path.find("//") != std::string_view::npos) return true;
  size_t pos = 1;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view seg = path.substr(pos, slash - pos);
    if (seg == "." || seg == "..") return true;
    pos = slash + 1;
  }
  return false;
}

// A path that names a file (its last segment has an extension) or lies under assets/ is a
// missing file, not a page of the UI: 404 rather than the index, so a stale script is visible.
bool looksLikeFile(std::string_view path) {
  if (path.starts_with(kHashedPrefix)) return true;
  std::string_view last = path.substr(path.rfind('/') + 1);
  return last.find('.') != std::string_view::npos;
}

// HEAD gets the same answer: the server sends its headers (Content-Length too) without the body.
HttpResponse answer(const StaticFile& f) {
  HttpResponse r{200, f.content_type, f.body};
  r.headers = {{"Cache-Control", f.cache_control},
               {"X-Content-Type-Options", "nosniff"},
               {"Referrer-Policy", "no-referrer"}};
  if (f.content_type.starts_with("text/html")) {
    r.headers.push_back({"Content-Security-Policy", kCsp});
    r.headers.push_back({"X-Frame-Options", "DENY"});
  }
  return r;
}

HttpResponse notFound() {
  return {404,
          "text/plain; charset=utf-8",
          "没有这个页面\n",
          {{"Cache-Control", kRevalidate}, {"X-Content-Type-Options", "nosniff"}}};
}

}  // namespace

Result<std::shared_ptr<const StaticSite>> loadStaticSite(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return fail(ErrorCode::kNotFound, "web_dir_missing", "网页目录不存在：" + dir);
  auto site = std::make_shared<StaticSite>();
  uintmax_t total = 0;
  // Links are not followed: only regular files that lie inside the directory are served.
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    auto type = kTypes.find(it->path().extension().string());
    if (type == kTypes.end()) continue;
    if (site->files.size() >= kMaxFiles || (total += it->file_size(ec)) > kMaxBytes)
      return fail(ErrorCode::kUnprocessable, "web_dir_too_large",
                  "网页目录过大（不像是构建好的网页）：" + dir);
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    if (!in) return fail(ErrorCode::kUnavailable, "web_file_unreadable", "无法读取网页文件");
    std::string url = "/" + fs::relative(it->path(), dir, ec).generic_string();
    if (ec) break;
    const char* cache = url.starts_with(kHashedPrefix) ? kImmutable : kRevalidate;
    site->files[url] = {type->second, cache, std::move(body).str()};
  }
  if (ec) return fail(ErrorCode::kUnavailable, "web_dir_unreadable", "无法读取网页目录：" + dir);
  auto index = site->files.find(std::string_view("/index.html"));
  if (index == site->files.end())
    return fail(ErrorCode::kNotFound, "web_index_missing", "网页目录中没有 index.html：" + dir);
  site->index = &index->second;
  return site;
}

size_t staticFileCount(const StaticSite& site) { return site.files.size(); }

bool serveStatic(const StaticSite& site, HttpRequest& req, const Responder& respond) {
  if (isApiPath(req.path)) return false;
  // Other methods on a page path get the router's JSON 404 / 405 like any unknown address.
  if (req.method != "GET" && req.method != "HEAD") return false;
  req.route = kStaticRoute;
  if (suspicious(req.path)) return respond(notFound()), true;
  if (req.path == "/") return respond(answer(*site.index)), true;
  auto f = site.files.find(std::string_view(req.path));
  if (f != site.files.end()) return respond(answer(f->second)), true;
  // Any other page address is one of the UI's own routes (history API): the index renders it.
  respond(looksLikeFile(req.path) ? notFound() : answer(*site.index));
  return true;
}

}  // namespace jingban
