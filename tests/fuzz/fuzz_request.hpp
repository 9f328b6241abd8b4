// The in-process fuzz target over the HTTP edge, the router and the API: raw bytes are parsed the
// way the server parses a connection and every request is answered by the real Api on a real
// SQLite file. Used by the libFuzzer binary (scripts/fuzz.sh) and the corpus replay (ctest).
#pragma once

#include <cstddef>
#include <cstdint>

namespace jingban::fuzz {

// One input: one or more pipelined HTTP/1.1 requests, as one keep-alive connection would carry
// them. Placeholders in the target, the Authorization and Idempotency-Key headers and the body are
// filled in after parsing (Content-Length counts them as written):
//   {{TOKEN:username}}  a session token of that demo account (signed in through the API once)
//   {{CASE}}            the case number of the latest case submitted in this input, else in the
//                       process (so that mutated action requests reach a real case)
//   {{QUERY_CODE}}      the query code (查询码) of that submission, when the API returns one
// Aborts (a finding) when a handler throws, a request gets no answer within the timeout, an answer
// twice, a 500 "internal", a status outside 100..599 or a JSON answer that does not parse.
// Always returns 0.
int fuzzOneRequest(const uint8_t* data, size_t size);

}  // namespace jingban::fuzz
