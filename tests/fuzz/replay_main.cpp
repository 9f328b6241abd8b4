// Replays every file of the given directories (or the given files) through fuzzOneRequest, in
// name order. A crash, a sanitizer report or a hang aborts the process, so the exit status is the
// verdict; ctest's fuzz_corpus_replay runs it over tests/fuzz/corpus/.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_request.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    fs::path p = argv[i];
    if (fs::is_directory(p)) {
      for (const auto& e : fs::directory_iterator(p))
        if (e.is_regular_file()) files.push_back(e.path());
    } else if (fs::is_regular_file(p)) {
      files.push_back(p);
    } else {
      std::fprintf(stderr, "fuzz_replay: no such file or directory: %s\n", argv[i]);
      return 2;
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: fuzz_replay DIR|FILE...  (nothing to replay)\n");
    return 2;
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Printed before running so that a crash names its input.
    std::fprintf(stderr, "replay %s (%zu bytes)\n", f.string().c_str(), data.size());
    jingban::fuzz::fuzzOneRequest(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  }
  std::printf("fuzz_replay: %zu inputs replayed, none crashed or hung\n", files.size());
  return 0;
}
