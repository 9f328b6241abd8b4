// 办事指南: an item's service guide as a self-contained, printable HTML page.
#pragma once

#include <string>

#include "catalog/catalog.hpp"

namespace jingban {

std::string guideHtml(const Region& region, const Item& item);
std::string htmlEscape(const std::string& s);

}  // namespace jingban
