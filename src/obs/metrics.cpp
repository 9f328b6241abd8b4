#include "obs/metrics.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace jingban::obs {

namespace {

enum Type { kCounter, kGauge, kHistogram, kCallback };
const char* const kTypeNames[] = {"counter", "gauge", "histogram", "gauge"};

bool validName(std::string_view n, bool colon) {
  if (n.empty()) return false;
  for (size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':') ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void appendNumber(std::string& out, double v) {
  if (std::isnan(v)) return void(out += "NaN");
  if (std::isinf(v)) return void(out += v > 0 ? "+Inf" : "-Inf");
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest form that reads back exactly
  out.append(buf, r.ptr);
}

void appendNumber(std::string& out, uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// `a="x",b="y"` (without braces), the key of a series within its family.
std::string labelText(const Labels& labels, bool histogram) {
  std::string out;
  for (const auto& [k, v] : labels) {
    if (!validName(k, false) || k.starts_with("__") || (histogram && k == "le"))
      throw std::invalid_argument("metrics: invalid label name " + k);
    if (!out.empty()) out += ',';
    out += k;
    out += "=\"";
    out += escapeLabelValue(v);
    out += '"';
  }
  return out;
}

void appendSeriesName(std::string& out, std::string_view name, std::string_view suffix,
                      std::string_view labels, std::string_view extra = {}) {
  out += name;
  out += suffix;
  if (labels.empty() && extra.empty()) return;
  out += '{';
  out += labels;
  if (!labels.empty() && !extra.empty()) out += ',';
  out += extra;
  out += '}';
}

}  // namespace

std::string escapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string escapeHelp(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i < bounds_.size(); ++i)
    if (std::isnan(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1]))
      throw std::invalid_argument("metrics: histogram bounds must increase");
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;  // a dozen buckets: a scan beats a search
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

uint64_t Histogram::count() const {
  uint64_t n = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) n += counts_[i].load(std::memory_order_relaxed);
  return n;
}

std::vector<uint64_t> Histogram::cumulative() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t n = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    n += counts_[i].load(std::memory_order_relaxed);
    out[i] = n;
  }
  return out;
}

const std::vector<double>& latencyBuckets() {
  static const std::vector<double> b = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                        0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return b;
}

struct Metrics::Family {
  Type type;
  std::string help;
  std::vector<double> bounds;  // histograms: every series of a family shares them
  // Series by label text. unique_ptr: handles given out must not move.
  std::map<std::string, std::unique_ptr<Counter>, std::less<>> counters;
  std::map<std::string, std::unique_ptr<Gauge>, std::less<>> gauges;
  std::map<std::string, std::unique_ptr<Histogram>, std::less<>> histograms;
  std::shared_ptr<std::function<GaugeSamples()>> callback;
};

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

Metrics::Family& Metrics::family(std::string_view name, std::string_view help, int type) {
  if (!validName(name, true))
    throw std::invalid_argument("metrics: invalid metric name " + std::string(name));
  auto it = families_.find(name);
  if (it == families_.end()) {
    auto f = std::make_unique<Family>();
    f->type = static_cast<Type>(type);
    f->help = std::string(help);
    it = families_.emplace(std::string(name), std::move(f)).first;
  } else if (it->second->type != type) {
    throw std::invalid_argument("metrics: " + std::string(name) + " registered with another type");
  }
  return *it->second;
}

Counter& Metrics::counter(std::string_view name, std::string_view help, const Labels& labels) {
  std::string key = labelText(labels, false);
  std::lock_guard lock(mu_);
  auto& f = family(name, help, kCounter);
  auto& slot = f.counters[key];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& Metrics::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  std::string key = labelText(labels, false);
  std::lock_guard lock(mu_);
  auto& f = family(name, help, kGauge);
  auto& slot = f.gauges[key];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& Metrics::histogram(std::string_view name, std::string_view help,
                              const std::vector<double>& bounds, const Labels& labels) {
  std::string key = labelText(labels, true);
  std::lock_guard lock(mu_);
  auto& f = family(name, help, kHistogram);
  if (f.histograms.empty())
    f.bounds = bounds;
  else if (f.bounds != bounds)
    throw std::invalid_argument("metrics: " + std::string(name) + " registered with other buckets");
  auto& slot = f.histograms[key];
  if (!slot) slot = std::make_unique<Histogram>(bounds);
  return *slot;
}

void Metrics::addGaugeCallback(std::string_view name, std::string_view help,
                               std::function<GaugeSamples()> fn) {
  std::lock_guard lock(mu_);
  auto& f = family(name, help, kCallback);
  f.callback = std::make_shared<std::function<GaugeSamples()>>(std::move(fn));
}

std::string Metrics::render() const {
  // Snapshot under the lock, then format and run callbacks without it: a callback may take other
  // locks (the case cache's), and nothing here should wait for them while holding ours.
  struct Snap {
    std::string name;
    const Family* family;
    std::shared_ptr<std::function<GaugeSamples()>> callback;
  };
  std::vector<Snap> snaps;
  std::vector<std::string> blocks;  // one per family, in name order
  {
    std::lock_guard lock(mu_);
    snaps.reserve(families_.size());
    for (const auto& [name, f] : families_) snaps.push_back({name, f.get(), f->callback});
    // Families and their series are never removed, but maps gain nodes under the lock; format
    // the stored series here, callbacks after.
    blocks.resize(snaps.size());
    for (size_t n = 0; n < snaps.size(); ++n) {
      const Snap& s = snaps[n];
      const Family& f = *s.family;
      if (f.type == kCallback) continue;
      std::string& out = blocks[n];
      out += "# HELP " + s.name + " " + escapeHelp(f.help) + "\n";
      out += "# TYPE " + s.name + " " + kTypeNames[f.type] + "\n";
      for (const auto& [labels, c] : f.counters) {
        appendSeriesName(out, s.name, "", labels);
        out += ' ';
        appendNumber(out, c->value());
        out += '\n';
      }
      for (const auto& [labels, g] : f.gauges) {
        appendSeriesName(out, s.name, "", labels);
        out += ' ';
        appendNumber(out, g->value());
        out += '\n';
      }
      for (const auto& [labels, h] : f.histograms) {
        auto cum = h->cumulative();
        for (size_t i = 0; i < cum.size(); ++i) {
          std::string le = "le=\"";
          if (i < f.bounds.size())
            appendNumber(le, f.bounds[i]);
          else
            le += "+Inf";
          le += '"';
          appendSeriesName(out, s.name, "_bucket", labels, le);
          out += ' ';
          appendNumber(out, cum[i]);
          out += '\n';
        }
        appendSeriesName(out, s.name, "_sum", labels);
        out += ' ';
        appendNumber(out, h->sum());
        out += '\n';
        appendSeriesName(out, s.name, "_count", labels);
        out += ' ';
        appendNumber(out, cum.back());  // equal to the +Inf bucket, as the format requires
        out += '\n';
      }
    }
  }
  for (size_t n = 0; n < snaps.size(); ++n) {
    const Snap& s = snaps[n];
    if (!s.callback) continue;
    GaugeSamples samples;
    try {
      samples = (*s.callback)();
    } catch (...) {
      continue;
    }
    std::string block = "# HELP " + s.name + " " + escapeHelp(s.family->help) + "\n";
    block += "# TYPE " + s.name + " gauge\n";
    try {
      for (const auto& [labels, v] : samples) {
        appendSeriesName(block, s.name, "", labelText(labels, false));
        block += ' ';
        appendNumber(block, v);
        block += '\n';
      }
    } catch (const std::invalid_argument&) {
      continue;  // a bad label name from the callback: drop the family, keep the scrape
    }
    blocks[n] = std::move(block);
  }
  std::string out;
  for (const auto& b : blocks) out += b;
  return out;
}

}  // namespace jingban::obs
