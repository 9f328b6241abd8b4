// `jingban import-residents --db FILE --region R FILE.csv [--start-month YYYY-MM]`: the batch
// enrolment of 城乡居民 from a CSV file of any size (the HTTP endpoint is capped by the body
// limit).
#pragma once

namespace jingban {

// argv[1] is "import-residents". Prints the report {batch_id, accepted, rejected:[…]} as JSON on
// standard output. Exit 0 when the batch was applied (rows may have been rejected), 1 when
// nothing was applied (unreadable file, wrong header, storage failure), 2 on a usage error.
int runImportCommand(int argc, char** argv);

}  // namespace jingban
