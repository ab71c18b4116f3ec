#!/usr/bin/env node
/**
 * The installed `sparkfn` command (compiled to dist/driver/bin/sparkfn.js). The CLI itself is
 * compiled JavaScript; tsx is registered only so that `sparkfn submit job.ts` can load a
 * user's TypeScript job (plain .js/.mjs jobs need nothing).
 */
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli.ts");
process.exitCode = await main(process.argv);
