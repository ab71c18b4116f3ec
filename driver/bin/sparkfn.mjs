#!/usr/bin/env node
// The repository's development entry of the `sparkfn` command: runs the TypeScript CLI through
// tsx, with "sparkfn" imports resolved to the source (source-hooks.mjs). The installed package
// runs the compiled dist/driver/bin/sparkfn.js instead.
import { register as registerHooks } from "node:module";
import { register } from "tsx/esm/api";

registerHooks("./source-hooks.mjs", import.meta.url);
register();
const { main } = await import("../cli.ts");
process.exitCode = await main(process.argv);
