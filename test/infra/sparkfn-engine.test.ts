import * as path from "node:path";
import { App, Duration, Stack } from "aws-cdk-lib";
import { Architecture } from "aws-cdk-lib/aws-lambda";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { SparkfnEngine } from "../../infra/sparkfn-engine.ts";

let template: Template;
beforeAll(() => {
  const app = new App();
  const stack = new Stack(app, "Test");
  new SparkfnEngine(stack, "Engine", { executorMemoryMiB: 3008 });
  template = Template.fromStack(stack);
}, 120_000);

describe("SparkfnEngine construct", () => {
  it("creates an encrypted, private bucket whose app scratch expires", () => {
    template.resourceCountIs("AWS::S3::Bucket", 1);
    template.hasResourceProperties("AWS::S3::Bucket", {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: "apps/", ExpirationInDays: 3, Status: "Enabled" }),
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
        ]),
      },
    });
  });

  it("denies requests without TLS", () => {
    template.hasResourceProperties("AWS::S3::BucketPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });

  it("creates one Node.js 22 executor function with the configured memory and the bucket in its environment", () => {
    template.resourceCountIs("AWS::Lambda::Function", 1);
    template.hasResourceProperties("AWS::Lambda::Function", {
      Runtime: "nodejs22.x",
      Handler: "index.handler",
      MemorySize: 3008,
      Timeout: 300,
      Environment: { Variables: Match.objectLike({ SPARKFN_BUCKET: { Ref: Match.stringLikeRegexp("EngineBucket") } }) },
    });
  });

  it("grants the executor object access to its own bucket only", () => {
    const policies = template.findResources("AWS::IAM::Policy");
    const statements = Object.values(policies).flatMap(
      (p) => (p as { Properties: { PolicyDocument: { Statement: { Resource: unknown }[] } } }).Properties.PolicyDocument.Statement,
    );
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      const resources = JSON.stringify(statement.Resource);
      expect(resources).toMatch(/EngineBucket/);
      expect(resources).not.toBe('"*"');
    }
  });

  it("exports the bucket and function names the driver discovers", () => {
    template.hasOutput("BucketName", {});
    template.hasOutput("ExecutorFunctionName", {});
  });
});

describe("SparkfnEngine with batch jobs", () => {
  let batch: Template;
  beforeAll(() => {
    const app = new App();
    const stack = new Stack(app, "Batch");
    new SparkfnEngine(stack, "Engine", {
      executorReservedConcurrency: 50,
      executorProvisionedConcurrency: 2,
      architecture: Architecture.ARM_64,
      batch: { jobsModule: path.resolve(import.meta.dirname, "../../examples/jobs/index.ts"), driverTimeout: Duration.minutes(10), batchSize: 5, maxReceiveCount: 4 },
    });
    batch = Template.fromStack(stack);
  }, 180_000);

  it("adds a driver function beside the executor, on the chosen architecture", () => {
    batch.resourceCountIs("AWS::Lambda::Function", 2);
    batch.resourcePropertiesCountIs("AWS::Lambda::Function", { Architectures: ["arm64"], Runtime: "nodejs22.x" }, 2);
    batch.hasResourceProperties("AWS::Lambda::Function", { Timeout: 600, Environment: { Variables: Match.objectLike({ SPARKFN_DEAD_LETTER_QUEUE_URL: Match.anyValue() }) } });
  });

  it("feeds it from a queue with a dead-letter queue, a 6x visibility timeout and partial batch failures", () => {
    batch.resourceCountIs("AWS::SQS::Queue", 2);
    batch.hasResourceProperties("AWS::SQS::Queue", {
      VisibilityTimeout: 3600,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 4 },
    });
    batch.hasResourceProperties("AWS::Lambda::EventSourceMapping", { BatchSize: 5, FunctionResponseTypes: ["ReportBatchItemFailures"] });
  });

  it("sets the executor's reserved concurrency and a provisioned warm pool on an alias the driver invokes", () => {
    batch.hasResourceProperties("AWS::Lambda::Function", { ReservedConcurrentExecutions: 50 });
    batch.hasResourceProperties("AWS::Lambda::Alias", { Name: "warm", ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 } });
  });

  it("lets the driver invoke the executor only, use the bucket, and send to its dead-letter queue", () => {
    const policies = batch.findResources("AWS::IAM::Policy");
    const driverPolicy = Object.entries(policies).find(([id]) => id.includes("Driver"))![1] as { Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } } };
    const statements = driverPolicy.Properties.PolicyDocument.Statement;
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions).toContain("lambda:InvokeFunction");
    expect(actions).toContain("sqs:SendMessage");
    expect(actions.some((a) => a.startsWith("s3:"))).toBe(true);
    // No wildcard resources: every statement names the engine's own function, bucket or queues.
    expect(statements.every((s) => JSON.stringify(s.Resource) !== '"*"')).toBe(true);
    const invoke = statements.find((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).includes("lambda:InvokeFunction"))!;
    expect(JSON.stringify(invoke.Resource)).toMatch(/ExecutorWarmPool/);
  });

  it("exports the queue URLs and the driver's name", () => {
    batch.hasOutput("JobQueueUrl", {});
    batch.hasOutput("JobDeadLetterQueueUrl", {});
    batch.hasOutput("DriverFunctionName", {});
  });

  it("refuses a driver timeout above Lambda's 15 minutes", () => {
    const stack = new Stack(new App(), "TooLong");
    expect(() => new SparkfnEngine(stack, "Engine", { batch: { jobsModule: "x.ts", driverTimeout: Duration.minutes(20) } })).toThrow(/15 minutes at most; run longer jobs with `sparkfn submit`/);
  });
});
