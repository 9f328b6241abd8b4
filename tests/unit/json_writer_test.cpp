// common/json_writer: JSON text without a tree. What it writes parses back to the values given and
// equals nlohmann's dump of the same object when keys are given sorted; a string that is not UTF-8
// throws instead of becoming broken text. common/json_object: a tree built field by field.
#include "common/json_writer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "common/json_object.hpp"

namespace jingban {
namespace {

TEST(JsonWriter, WritesWhatNlohmannWouldDumpForSortedKeys) {
  JsonWriter w;
  w.beginObject();
  w.key("a").num(-9007199254740993LL);
  w.key("b").boolean(false);
  w.key("c").null();
  w.key("d").beginArray().str("中文\"引号\"\\反斜杠\n").beginObject().endObject().endArray();
  w.key("e").str("");
  w.endObject();
  std::string text = w.take();
  nlohmann::json want = {{"a", -9007199254740993LL},
                         {"b", false},
                         {"c", nullptr},
                         {"d", {"中文\"引号\"\\反斜杠\n", nlohmann::json::object()}},
                         {"e", ""}};
  EXPECT_EQ(text, want.dump());
  EXPECT_EQ(nlohmann::json::parse(text), want);
}

TEST(JsonWriter, TakeLeavesAnEmptyWriterForTheNextDocument) {
  JsonWriter w;
  w.beginArray().num(1).endArray();
  EXPECT_EQ(w.take(), "[1]");
  w.beginObject().key("x").str("y").endObject();
  EXPECT_EQ(w.take(), R"({"x":"y"})");
}

TEST(JsonWriter, RefusesMalformedUtf8InValuesAndKeys) {
  {
    JsonWriter w;
    w.beginArray();
    EXPECT_THROW(w.str("\xc3\x28"), std::invalid_argument);  // a broken two-byte sequence
  }
  {
    JsonWriter w;
    w.beginObject();
    EXPECT_THROW(w.key("\xff"), std::invalid_argument);
  }
}

// JsonObject gives the JSON a braced list gives; a key set twice keeps the last value.
TEST(JsonObject, SameAsABracedList) {
  nlohmann::json nested = nlohmann::json::array({1, 2});
  nlohmann::json built = JsonObject()
                             .set("name", "起付线")
                             .set("amount_fen", int64_t{30000})
                             .set("rate", nullptr)
                             .set("list", nested)
                             .set("amount_fen", int64_t{40000})
                             .take();
  nlohmann::json braced = {
      {"name", "起付线"}, {"amount_fen", 40000}, {"rate", nullptr}, {"list", {1, 2}}};
  EXPECT_EQ(built, braced);
  EXPECT_EQ(built.dump(), braced.dump());
  EXPECT_TRUE(JsonObject().take().is_object());
}

}  // namespace
}  // namespace jingban
