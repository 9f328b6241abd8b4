#include "common/json_writer.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>

namespace jingban {

namespace {
using Writer = rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>,
                                 rapidjson::CrtAllocator, rapidjson::kWriteValidateEncodingFlag>;
}  // namespace

struct JsonWriter::Impl {
  rapidjson::StringBuffer buf;
  Writer w{buf};
  Impl() { buf.Reserve(1024); }
};

JsonWriter::JsonWriter() : impl_(std::make_unique<Impl>()) {}
JsonWriter::~JsonWriter() = default;

namespace {
void check(bool ok) {
  if (!ok) throw std::invalid_argument("JSON text: invalid UTF-8");
}
rapidjson::SizeType size(std::string_view s) {
  if (s.size() > UINT32_MAX) throw std::invalid_argument("JSON text: string too long");
  return static_cast<rapidjson::SizeType>(s.size());
}
}  // namespace

JsonWriter& JsonWriter::beginObject() {
  check(impl_->w.StartObject());
  return *this;
}
JsonWriter& JsonWriter::endObject() {
  check(impl_->w.EndObject());
  return *this;
}
JsonWriter& JsonWriter::beginArray() {
  check(impl_->w.StartArray());
  return *this;
}
JsonWriter& JsonWriter::endArray() {
  check(impl_->w.EndArray());
  return *this;
}
JsonWriter& JsonWriter::key(std::string_view k) {
  check(impl_->w.Key(k.data(), size(k)));
  return *this;
}
JsonWriter& JsonWriter::str(std::string_view s) {
  check(impl_->w.String(s.data(), size(s)));
  return *this;
}
JsonWriter& JsonWriter::num(int64_t n) {
  check(impl_->w.Int64(n));
  return *this;
}
JsonWriter& JsonWriter::boolean(bool b) {
  check(impl_->w.Bool(b));
  return *this;
}
JsonWriter& JsonWriter::null() {
  check(impl_->w.Null());
  return *this;
}
std::string JsonWriter::take() {
  std::string out(impl_->buf.GetString(), impl_->buf.GetSize());
  impl_->buf.Clear();
  impl_->w.Reset(impl_->buf);
  return out;
}

}  // namespace jingban
