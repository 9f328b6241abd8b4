// Metrics in the Prometheus text exposition format 0.0.4 (GET /metrics). Debian ships no
// prometheus-cpp, so this is a small registry of our own: counters, gauges, fixed-bucket
// histograms and gauges computed at scrape time.
//
// Hot path: look a metric up once (counter(), gauge(), histogram() take a lock and may allocate)
// and keep the returned reference; inc()/set()/observe() are then lock-free atomics. References
// stay valid for the life of the Metrics object.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jingban::obs {

// Label name → value, in the order given. Values may be any UTF-8; they are escaped on output.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

class Gauge {
 public:
  void set(double v) { v_.store(v, std::memory_order_relaxed); }
  void add(double d) { v_.fetch_add(d, std::memory_order_relaxed); }
  double value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

class Histogram {
 public:
  // `bounds`: the upper bounds of the buckets, strictly increasing; +Inf is implicit.
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);
  uint64_t count() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts per bound, then +Inf (the format's "le" buckets).
  std::vector<uint64_t> cumulative() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // per bucket, not cumulative; last is +Inf
  std::atomic<double> sum_{0};
};

// Buckets for request latencies in seconds: 0.5 ms … 10 s.
const std::vector<double>& latencyBuckets();

class Metrics {
 public:
  using GaugeSamples = std::vector<std::pair<Labels, double>>;

  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The series `name{labels}`, created on first use. A name must match [a-zA-Z_:][a-zA-Z0-9_:]*
  // and keep one type; breaking either is a programming error (std::invalid_argument).
  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  Histogram& histogram(std::string_view name, std::string_view help,
                       const std::vector<double>& bounds, const Labels& labels = {});
  // A gauge family whose samples `fn` computes at each render (cache sizes, open cases by
  // deadline status). `fn` runs on the scraping thread without the registry's lock; an exception
  // from it drops that family from that one render.
  void addGaugeCallback(std::string_view name, std::string_view help,
                        std::function<GaugeSamples()> fn);

  // The whole registry in text format 0.0.4, families sorted by name.
  std::string render() const;

 private:
  struct Family;
  Family& family(std::string_view name, std::string_view help, int type);
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
};

// Escaping of the text format: label values escape \, " and newline; HELP escapes \ and newline.
std::string escapeLabelValue(std::string_view v);
std::string escapeHelp(std::string_view v);

}  // namespace jingban::obs
