// Operator endpoints: GET /metrics (Prometheus text format 0.0.4).
#include "http/api.hpp"
#include "obs/metrics.hpp"

namespace jingban {

void addOpsRoutes(Router& R, ApiDeps& d) {
  // Only when the caller keeps metrics (serve does; tests of other things and the fuzzer do not).
  // Like /healthz it needs no sign-in: it holds counts only, no personal data; keep the port off
  // the public network or filter /metrics at the proxy.
  if (!d.metrics) return;
  obs::Metrics* metrics = d.metrics;
  R.add("GET", "/metrics", [metrics](HttpRequest&&, const Params&, Responder res) {
    res({200, "text/plain; version=0.0.4; charset=utf-8", metrics->render()});
  });
}

}  // namespace jingban
