// Module hooks of the repository's development command (driver/bin/sparkfn.mjs): inside this
// repository, `import ... from "sparkfn"` loads the TypeScript source, so job scripts and tests
// run against the code being edited, not a stale dist/ build. The installed package resolves
// "sparkfn" through package.json's exports (compiled JavaScript) and never loads this file.
const source = new URL("../index.ts", import.meta.url).href;

export async function resolve(specifier, context, next) {
  if (specifier === "sparkfn") return { url: source, shortCircuit: true };
  return next(specifier, context);
}
