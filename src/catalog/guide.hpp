// 办事指南: an item's service guide as a self-contained, printable HTML page, and the item as the
// public JSON shows it. Both are for citizens: the cataloguer's notes are never in them.
#pragma once

#include <string>

#include "catalog/catalog.hpp"

namespace jingban {

std::string guideHtml(const Region& region, const Item& item);
// The item as GET /api/v1/regions/{region}/items/{code} shows it to anyone: what the guide says,
// in JSON, with the form schema. No `note` of the item, its steps or its materials.
nlohmann::json publicItemJson(const Item& item, const Region& region);
// How the guide words a limit: the seed's text, or 未载明 for an unstated limit.
std::string limitDisplay(const TimeLimit& t);
std::string htmlEscape(const std::string& s);

}  // namespace jingban
