// `jingban openapi`: prints the API description (the same text as GET /api/v1/openapi.json), so
// that the browser UI's build generates its TypeScript client without starting a server.
#pragma once

namespace jingban {

// argv[1] is "openapi". Exit 0 after printing the JSON, 2 on a usage error.
int runOpenapiCommand(int argc, char** argv);

}  // namespace jingban
