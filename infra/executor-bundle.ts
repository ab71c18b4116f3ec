/**
 * How the executor function's code is bundled with esbuild: the one home of these options for
 * both places that bundle it, so the code is the same whichever way it reaches Lambda:
 * - the package build (scripts/build.mjs) prebuilds it into dist/assets/executor/, which the
 *   installed construct deploys as it is (no esbuild run, no lock file at the user's synth);
 * - inside the repository the construct bundles it from source at synth (infra/function-code.ts).
 * No imports: scripts/build.mjs loads the compiled copy of this file with plain node.
 */
export const EXECUTOR_BUNDLE = {
  /** The handler module, relative to the repository root. */
  entry: "executor-fn/handler.ts",
  /** Its exported function. */
  exportName: "handler",
  /** Where the package build writes the bundle (index.js and its source map), relative to dist/. */
  assetDir: "assets/executor",
  format: "cjs",
  target: "node20",
  minify: true,
  sourcemap: true,
  // The emulator's Node runner has no AWS SDK, and pinning our own version keeps
  // AWS and the emulator on the same code: bundle the SDK in (nothing external).
  external: [] as readonly string[],
} as const;
