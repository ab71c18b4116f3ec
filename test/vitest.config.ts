import { defineConfig } from "vitest/config";

// Two projects: `unit` needs nothing but Node; `emulator` runs against a real
// LocalStack-compatible endpoint, which its global setup starts (and stops) when needed.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          root: ".",
          include: ["test/**/*.test.ts"],
          exclude: ["test/integration/**", "**/node_modules/**"],
          testTimeout: 60_000,
          env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
        },
      },
      {
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
    ],
  },
});
