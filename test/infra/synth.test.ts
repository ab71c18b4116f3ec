import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

it("`cdk synth` works with no credentials and no endpoint", async () => {
  const out = await mkdtemp(path.join(tmpdir(), "sparkfn-synth-"));
  try {
    // Only PATH and HOME: no AWS variables, no emulator.
    const env = { PATH: process.env.PATH!, HOME: out, CDK_DISABLE_VERSION_CHECK: "true", CDK_DISABLE_CLI_TELEMETRY: "true" };
    execFileSync(path.join(root, "node_modules/.bin/cdk"), ["synth", "--quiet", "--no-notices", "--output", out], {
      cwd: path.join(root, "infra"),
      env,
      stdio: "pipe",
    });
    const template = JSON.parse(await readFile(path.join(out, "Sparkfn.template.json"), "utf8")) as {
      Resources: Record<string, { Type: string }>;
      Outputs: Record<string, unknown>;
    };
    const types = Object.values(template.Resources).map((r) => r.Type);
    expect(types).toEqual(expect.arrayContaining(["AWS::S3::Bucket", "AWS::Lambda::Function", "AWS::S3::BucketPolicy"]));
    expect(Object.keys(template.Outputs)).toEqual(expect.arrayContaining(["BucketName", "ExecutorFunctionName"]));
    // A real deploy never lets tasks inject faults.
    expect(JSON.stringify(template)).not.toContain("SPARKFN_ALLOW_FAULT_INJECTION");
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}, 120_000);
