// Lints the server's OpenAPI description (`jingban openapi`) with Redocly's `recommended` rules
// (@redocly/openapi-core, the library behind `redocly lint`): every error and warning is printed
// with its location; exit 1 when there is any. A ctest entry (openapi_lint) runs this.
// The binary: $JINGBAN_BIN, else ../build/jingban.
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createConfig, lintFromString } from "@redocly/openapi-core";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const binary = process.env.JINGBAN_BIN || join(web, "..", "build", "jingban");
const source = execFileSync(binary, ["openapi"], { encoding: "utf8" });
const config = await createConfig({ extends: ["recommended"] });
const problems = await lintFromString({ source, absoluteRef: "openapi.json", config });
for (const p of problems) {
  const where = p.location.map((l) => l.pointer).join(", ");
  console.log(`${p.severity}: ${p.ruleId}: ${p.message} (${where})`);
}
const errors = problems.filter((p) => p.severity === "error").length;
console.log(`openapi lint: ${errors} error(s), ${problems.length - errors} warning(s)`);
process.exit(problems.length ? 1 : 0);
