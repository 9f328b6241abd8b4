#include "cli/openapi_command.hpp"

#include <iostream>

#include "cli/args.hpp"
#include "http/api.hpp"

namespace jingban {

namespace {

const cli::CommandSpec kSpec{"openapi",
                             "jingban openapi\n"
                             "  输出接口说明（OpenAPI JSON，与 GET /api/v1/openapi.json 相同）。",
                             {}};

}  // namespace

int runOpenapiCommand(int argc, char** argv) {
  auto args = cli::parseArgs(kSpec, argc, argv);
  if (!args) return cli::usageError(kSpec, args.error());
  if (args->help) return cli::printUsage(kSpec);
  std::cout << openapiJson() << "\n";
  return std::cout.good() ? 0 : 1;
}

}  // namespace jingban
