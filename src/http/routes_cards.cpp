// A person's 社会保障卡 (every card with its status and dates, and the
// 《云南省金融社保卡新发卡通知单》 of an instant card as a printable page) and 退役士兵补缴
// records, read by staff of the region or the applicant themself (register_access.hpp); and the
// accounting vouchers of a 待遇支付 run, read by staff of the region.
#include "catalog/guide.hpp"
#include "http/api.hpp"
#include "http/json_io.hpp"
#include "http/register_access.hpp"
#include "registers/extras.hpp"
#include "validate/identity.hpp"

namespace jingban {

using nlohmann::json;

namespace {

// The person of the path, checked and authorised; nullopt with the error answered.
std::optional<std::string> personOf(ApiDeps& d, const HttpRequest& req, const Params& p,
                                    Responder& res) {
  auto id = checkId(IdKind::kCitizen, p.at("id_no"));
  if (!id) {
    res(errorResponse(id.error()));
    return std::nullopt;
  }
  if (!staffOrApplicant(d, req, p.at("region"), *id, res)) return std::nullopt;
  return *id;
}

Result<json> historyOf(ApiDeps& d, const char* kind, const std::string& region,
                       const std::string& key) {
  auto h = d.store->registers().entryHistory(kind, region, key);
  if (!h) return std::unexpected(h.error());
  return entryHistoryJson(*h);
}

std::string noticeHtml(const json& n) {
  auto v = [&n](const char* k) { return htmlEscape(n.value(k, std::string())); };
  std::string bank = n.value("bank", std::string()).empty() ? "指定的合作银行网点" : v("bank");
  return "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" +
         v("title") +
         "</title><style>body{font-family:'Noto Serif CJK SC',serif;max-width:170mm;margin:20mm "
         "auto}h1{text-align:center;font-size:20pt}table{border-collapse:collapse;width:100%}"
         "th,td{border:1px solid #000;padding:6px 10px;text-align:left}th{width:30%}"
         "@media print{body{margin:0 auto}}</style></head><body>\n<h1>" +
         v("title") + "</h1>\n<p>通知单编号：" + v("number") +
         "</p>\n<table>\n<tr><th scope=\"row\">姓名</th><td>" + v("name") +
         "</td></tr>\n<tr><th scope=\"row\">公民身份号码</th><td>" +
         htmlEscape(maskId(n.value("id_no", std::string()))) +
         "</td></tr>\n<tr><th scope=\"row\">办理网点</th><td>" + bank +
         "</td></tr>\n<tr><th scope=\"row\">办件编号</th><td>" + v("case_no") +
         "</td></tr>\n<tr><th scope=\"row\">出具日期</th><td>" + v("issued_on") +
         "</td></tr>\n</table>\n<p>" + v("instructions") + "</p>\n<p style=\"text-align:right\">" +
         v("agency") + "</p>\n</body></html>\n";
}

}  // namespace

void addCardRoutes(Router& R, ApiDeps& d) {
  if (!d.store) return;

  R.add("GET", "/api/v1/regions/{region}/persons/{id_no}/cards",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          auto id = personOf(d, req, p, res);
          if (!id) return;
          const std::string& region = p.at("region");
          auto e = d.store->registers().entry(kCardKind, region, *id);
          if (!e) return res(errorResponse(e.error()));
          json card = nullptr, history = json::array();
          if (*e) {
            card = (*e)->data;
            card["status"] = (*e)->status;
            if (!card.contains("notice")) card["notice"] = nullptr;
            auto h = historyOf(d, kCardKind, region, *id);
            if (!h) return res(errorResponse(h.error()));
            history = std::move(*h);
          }
          res(ok({{"region", region}, {"id_no", *id}, {"card", card}, {"history", history}}));
        });

  R.add("GET", "/api/v1/regions/{region}/persons/{id_no}/cards/notice.html",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          auto id = personOf(d, req, p, res);
          if (!id) return;
          auto e = d.store->registers().entry(kCardKind, p.at("region"), *id);
          if (!e) return res(errorResponse(e.error()));
          if (!*e || (*e)->status != kCardAtBank || !(*e)->data.contains("notice"))
            return res(errorResponse({ErrorCode::kNotFound, "no_card_notice",
                                      "该参保人没有待办理的《云南省金融社保卡新发卡通知单》"}));
          HttpResponse r{200, "text/html; charset=utf-8", noticeHtml((*e)->data["notice"])};
          res(std::move(r));
        });

  R.add("GET", "/api/v1/regions/{region}/persons/{id_no}/back-payments",
        [&d](HttpRequest&& req, const Params& p, Responder res) {
          auto id = personOf(d, req, p, res);
          if (!id) return;
          const std::string& region = p.at("region");
          auto list = ownedEntries(d, kBackPaymentKind, region, *id);
          if (!list) return res(errorResponse(list.error()));
          json out = json::array();
          int64_t months = 0;
          for (const auto& e : *list) {
            json j = e.data;
            j["number"] = e.key;
            j["status"] = e.status;
            auto h = historyOf(d, kBackPaymentKind, region, e.key);
            if (!h) return res(errorResponse(h.error()));
            j["history"] = std::move(*h);
            months += e.data.value("months", int64_t{0});
            out.push_back(std::move(j));
          }
          res(ok({{"region", region},
                  {"id_no", *id},
                  {"back_payments", std::move(out)},
                  {"months_total", months}}));
        });

  R.add(
      "GET", "/api/v1/regions/{region}/benefit-runs/{case_no}/vouchers",
      [&d](HttpRequest&& req, const Params& p, Responder res) {
        const std::string& region = p.at("region");
        if (!registerReader(d, req, region, res)) return;
        const std::string& case_no = p.at("case_no");
        if (case_no.size() > 40)
          return res(errorResponse({ErrorCode::kNotFound, "no_voucher", "未找到该办件的会计凭证"}));
        auto list = ownedEntries(d, kVoucherKind, region, case_no);
        if (!list) return res(errorResponse(list.error()));
        json out = json::array();
        for (const auto& e : *list) {
          json j = e.data;
          j["number"] = e.key;
          j["status"] = e.status;
          auto h = historyOf(d, kVoucherKind, region, e.key);
          if (!h) return res(errorResponse(h.error()));
          j["history"] = std::move(*h);
          out.push_back(std::move(j));
        }
        res(ok({{"region", region}, {"case_no", case_no}, {"vouchers", std::move(out)}}));
      });
}

}  // namespace jingban
