#include "cli/commands.hpp"

int main(int argc, char** argv) { return jingban::runCli(argc, argv); }
