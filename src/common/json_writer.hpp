// JSON text written straight into a string, without building a tree: the answers and rows made on
// every action (an action's outcome, a case row's state) cost a tree's allocations otherwise.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace jingban {

// RapidJSON's writer underneath (Debian rapidjson-dev). Keys are written in the order given: a
// writer whose text must equal nlohmann's dump() of the same object writes them sorted (std::map
// order). Strings must be valid UTF-8 (validated at the edge): anything else throws
// std::invalid_argument, as nlohmann's dump() throws on it. The caller writes a well-formed
// structure (a key before each member, begin and end paired): RapidJSON checks that only in debug
// builds, and the tests of each writer compare its text with a parse. Control characters come out
// as \u00XX with upper-case hex digits (nlohmann writes lower case); everything else matches.
class JsonWriter {
 public:
  JsonWriter();
  ~JsonWriter();
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  JsonWriter& beginObject();
  JsonWriter& endObject();
  JsonWriter& beginArray();
  JsonWriter& endArray();
  JsonWriter& key(std::string_view k);
  JsonWriter& str(std::string_view s);
  JsonWriter& num(int64_t n);
  JsonWriter& boolean(bool b);
  JsonWriter& null();

  // The text written so far (the writer is empty afterwards).
  std::string take();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace jingban
