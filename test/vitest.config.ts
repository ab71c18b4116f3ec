import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Inside the repository "sparkfn" is the TypeScript source, as for the development bin
// (driver/bin/source-hooks.mjs); the package's exports name the compiled dist/.
const resolve = { alias: [{ find: /^sparkfn$/, replacement: fileURLToPath(new URL("../driver/index.ts", import.meta.url)) }] };

// Three projects: `unit` needs nothing but Node; `emulator` runs against a real
// LocalStack-compatible endpoint, which its global setup starts (and stops) when needed;
// `spark` compares sparkfn with real Spark (PySpark, installed and started by its global setup).
export default defineConfig({
  test: {
    // Two files at once, whatever the core count (vitest's default is one less than the cores:
    // one on these 2-core machines). The spark and emulator projects spend most of their time
    // waiting on other processes (the Spark JVM, the emulator's Lambda), so unit files run beside them.
    maxWorkers: 2,
    projects: [
      {
        resolve,
        test: {
          name: "unit",
          root: ".",
          include: ["test/**/*.test.ts"],
          exclude: ["test/integration/**", "test/spark/**", "**/node_modules/**"],
          testTimeout: 60_000,
          env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
        },
      },
      {
        resolve,
        test: {
          name: "emulator",
          root: ".",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/setup/emulator.ts"],
          // One deployed stack and one emulator: run these files one after another.
          pool: "forks",
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        resolve,
        test: {
          name: "spark",
          root: ".",
          include: ["test/spark/**/*.test.ts"],
          // Installs PySpark (once) and starts one Spark oracle process for the run.
          globalSetup: ["test/setup/spark.ts"],
          // One oracle answers one query at a time: files run one after another, in one worker
          // thread. A pool of its own kind: vitest 3 runs a pool's single-fork projects after its
          // other files and one after another, so in forks these files would wait for every unit
          // file and the emulator's; in threads they run beside them (they wait on the JVM).
          pool: "threads",
          poolOptions: { threads: { singleThread: true } },
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
