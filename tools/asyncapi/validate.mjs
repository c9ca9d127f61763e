// Validates AsyncAPI documents with the reference parser (@asyncapi/parser, pinned in
// package.json and package-lock.json; installed by `make test`).
// Usage: node validate.mjs <document.json>...; prints one JSON line per diagnostic
// ({file, severity, code, message, path}; severity 0 is an error) and exits 1 when any
// document has an error, 0 otherwise.
import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs <document.json>...");
  process.exit(2);
}
const parser = new Parser();
let failed = false;
for (const file of files) {
  const { document, diagnostics } = await parser.parse(readFileSync(file, "utf8"));
  for (const d of diagnostics) {
    console.log(
      JSON.stringify({ file, severity: d.severity, code: d.code, message: d.message, path: d.path }),
    );
  }
  if (!document || diagnostics.some((d) => d.severity === 0)) failed = true;
}
process.exit(failed ? 1 : 0);
