import * as path from "node:path";
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { SparkfnConstructError } from "../../infra/errors.ts";
import { SparkfnStack, stackFromContext } from "../../infra/sparkfn-stack.ts";

const root = path.resolve(import.meta.dirname, "../..");

describe("SparkfnStack", () => {
  it("holds one engine named Sparkfn by default, without batch jobs unless asked", () => {
    const stack = new SparkfnStack(new App());
    expect(stack.stackName).toBe("Sparkfn");
    const template = Template.fromStack(stack);
    template.resourceCountIs("AWS::Lambda::Function", 1);
    template.resourceCountIs("AWS::SQS::Queue", 0);
    template.hasOutput("BucketName", {});
  }, 60_000);

  it("refuses a jobs module that does not exist, naming it", () => {
    const attempt = () => new SparkfnStack(new App(), "Missing", { engine: { batch: { jobsModule: "no/such/jobs.ts" } } });
    expect(attempt).toThrow(SparkfnConstructError);
    expect(attempt).toThrow(/batch\.jobsModule "no\/such\/jobs\.ts" \(.*no\/such\/jobs\.ts\) does not exist/);
  }, 60_000);
});

describe("stackFromContext (the keys of `cdk deploy -c key=value`)", () => {
  it("passes every key through to the stack and its engine", () => {
    const context = {
      stackName: "SparkfnCtx",
      executorMemoryMiB: "4096",
      executorTimeoutSeconds: "60",
      destroyBucket: "true",
      allowFaultInjection: "true",
      jobsModule: "examples/jobs/index.ts",
      driverTimeoutSeconds: "120",
      driverBatchSize: "7",
    };
    const stack = stackFromContext(new App({ context }), { baseDir: root });
    expect(stack.stackName).toBe("SparkfnCtx");
    const template = Template.fromStack(stack);
    template.hasResourceProperties("AWS::Lambda::Function", {
      MemorySize: 4096,
      Timeout: 60,
      Environment: { Variables: Match.objectLike({ SPARKFN_ALLOW_FAULT_INJECTION: "1" }) },
    });
    template.hasResourceProperties("AWS::Lambda::Function", { Timeout: 120, Environment: { Variables: Match.objectLike({ SPARKFN_DRIVER_TIMEOUT_MS: "120000" }) } });
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", { BatchSize: 7 });
    template.hasResource("AWS::S3::Bucket", { DeletionPolicy: "Delete" });
  }, 120_000);

  it("without a jobs module (context or default) has no batch driver; keeps the bucket, no fault injection", () => {
    const none = Template.fromStack(stackFromContext(new App()));
    none.resourceCountIs("AWS::Lambda::Function", 1);
    none.resourcePropertiesCountIs("AWS::Lambda::Function", { Environment: { Variables: Match.objectLike({ SPARKFN_ALLOW_FAULT_INJECTION: Match.anyValue() }) } }, 0);
    none.hasResource("AWS::S3::Bucket", { DeletionPolicy: "Retain" });
  }, 60_000);

  it.each([
    ["executorMemoryMiB", "lots"],
    ["executorTimeoutSeconds", "-5"],
    ["driverBatchSize", "2.5"],
    ["driverTimeoutSeconds", ""],
  ])("refuses %s=%j with the key and an example", (key, value) => {
    const attempt = () => stackFromContext(new App({ context: { [key]: value } }), { jobsModule: "examples/jobs/index.ts", baseDir: root });
    expect(attempt).toThrow(SparkfnConstructError);
    expect(attempt).toThrow(`CDK context ${key}=${JSON.stringify(value)} is not a positive whole number; pass e.g. -c ${key}=60.`);
  });
});
