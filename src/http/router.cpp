#include "http/router.hpp"

#include <algorithm>

namespace jingban {

std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    if (slash > pos) out.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

namespace {
bool isParameter(const std::string& p) {
  return p.size() > 2 && p.front() == '{' && p.back() == '}';
}

// Of two patterns that can match the same path, the one with a literal segment where the other
// has a parameter ({name}), leftmost difference first, is the more specific.
bool moreSpecific(const Router::Route& a, const Router::Route& b) {
  if (a.parts.size() != b.parts.size()) return a.parts.size() < b.parts.size();
  for (size_t i = 0; i < a.parts.size(); ++i) {
    bool pa = isParameter(a.parts[i]), pb = isParameter(b.parts[i]);
    if (pa != pb) return !pa;
  }
  return false;
}
}  // namespace

void Router::add(const std::string& method, const std::string& pattern, RouteHandler h) {
  Route r{method, pattern, splitPath(pattern), std::move(h)};
  // Kept ordered from most to least specific (insertion order among equals), so the first
  // pattern that matches a path is its most specific one, whatever order the routes were added.
  auto at = std::upper_bound(routes_.begin(), routes_.end(), r,
                             [](const Route& x, const Route& y) { return moreSpecific(x, y); });
  routes_.insert(at, std::move(r));
}

void Router::dispatch(HttpRequest&& req, Responder respond) const {
  auto parts = splitPath(req.path);
  // The most specific pattern that matches the path decides: its routes answer, or 405 when
  // none of them takes this method (POST …/record.html is not the action "record.html").
  const std::vector<std::string>* best = nullptr;
  for (const auto& r : routes_) {
    if (r.parts.size() != parts.size()) continue;
    if (best && r.parts != *best) {
      // Same length and less specific than the best pattern, or another pattern equally
      // specific that cannot match the same path as the best one: only the best pattern counts.
      bool same_shape = true;
      for (size_t i = 0; i < parts.size() && same_shape; ++i)
        same_shape = isParameter(r.parts[i]) == isParameter((*best)[i]);
      if (!same_shape) break;
      continue;
    }
    // Literal parts first: the parameter map is built only for the route that matches.
    bool match = true;
    for (size_t i = 0; i < parts.size() && match; ++i)
      match = isParameter(r.parts[i]) || r.parts[i] == parts[i];
    if (!match) continue;
    best = &r.parts;
    if (r.method != req.method) continue;
    Params params;
    for (size_t i = 0; i < parts.size(); ++i)
      if (isParameter(r.parts[i]))
        params[r.parts[i].substr(1, r.parts[i].size() - 2)] = std::move(parts[i]);
    req.route = r.pattern;
    return r.handler(std::move(req), params, std::move(respond));
  }
  static const std::string kNotFound = R"({"error":{"code":"not_found","message":"没有这个接口"}})";
  static const std::string kNotAllowed =
      R"({"error":{"code":"method_not_allowed","message":"该地址不支持此请求方法"}})";
  respond({best ? 405 : 404, "application/json; charset=utf-8", best ? kNotAllowed : kNotFound});
}

}  // namespace jingban
