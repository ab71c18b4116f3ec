/** The job registry a deployment bundles into the driver function (esbuild alias `sparkfn-jobs`). */
declare module "sparkfn-jobs" {
  export const jobs: import("./message.ts").JobRegistry;
}
