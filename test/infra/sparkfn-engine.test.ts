import * as path from "node:path";
import { App, Duration, Stack } from "aws-cdk-lib";
import { Architecture } from "aws-cdk-lib/aws-lambda";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { SparkfnEngine } from "../../infra/sparkfn-engine.ts";

interface Statement {
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Sid?: string;
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** The statements of the default policy of a function's role ("Executor" or "Driver"). */
function roleStatements(t: Template, role: "Executor" | "Driver"): Statement[] {
  const policies = Object.entries(t.findResources("AWS::IAM::Policy")).filter(([id]) => id.startsWith(`Engine${role}ServiceRole`));
  expect(policies).toHaveLength(1);
  return (policies[0]![1] as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement;
}

/** What each resource of a statement names in the bucket: "bucket" for the bucket, else the object pattern after it ("/apps/*"). */
function bucketPatterns(statement: Statement): string[] {
  const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
  return resources.map((r) => {
    const join = (r as { "Fn::Join"?: [string, unknown[]] })["Fn::Join"];
    if (!join) {
      expect(JSON.stringify(r)).toMatch(/EngineBucket/);
      return "bucket";
    }
    expect(JSON.stringify(join[1][0])).toMatch(/EngineBucket/);
    return join[1].slice(1).join("");
  });
}

/** Object patterns on which a role is allowed any of `actions`. */
function allowedPatterns(statements: readonly Statement[], actions: readonly string[]): string[] {
  return statements.filter((s) => s.Effect === "Allow" && actionsOf(s).some((a) => actions.includes(a))).flatMap(bucketPatterns);
}

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

  it("versions the bucket and expires what overwrites and deletes replaced after 7 days (scratch after 1)", () => {
    template.hasResourceProperties("AWS::S3::Bucket", {
      VersioningConfiguration: { Status: "Enabled" },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: "apps/", NoncurrentVersionExpiration: { NoncurrentDays: 1 } }),
          Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 7 }, ExpiredObjectDeleteMarker: true, Status: "Enabled" }),
        ]),
      },
    });
  });

  it("expires write attempt files, tagged sparkfn:temporary=true wherever the output lies, after 3 days as app scratch", () => {
    template.hasResourceProperties("AWS::S3::Bucket", {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ TagFilters: [{ Key: "sparkfn:temporary", Value: "true" }], ExpirationInDays: 3, Status: "Enabled", Prefix: Match.absent() }),
        ]),
      },
    });
  });

  it("sizes the executor's /tmp for spills: its memory, 2 GiB at least", () => {
    template.hasResourceProperties("AWS::Lambda::Function", { MemorySize: 3008, EphemeralStorage: { Size: 3008 } });
  });

  it("never allows retention, legal holds or deleting object versions", () => {
    const allowed = roleStatements(template, "Executor").filter((s) => s.Effect === "Allow").flatMap(actionsOf);
    expect(allowed.filter((a) => /Retention|LegalHold|DeleteObjectVersion|^s3:DeleteObject\*$|^s3:\*$|^s3:Put\*$/.test(a))).toEqual([]);
  });

  it("lets the executor write and delete under apps/ only, and write tagged attempt files under _temporary/ folders only", () => {
    const statements = roleStatements(template, "Executor");
    expect(allowedPatterns(statements, ["s3:DeleteObject"])).toEqual(["/apps/*"]);
    expect(allowedPatterns(statements, ["s3:PutObject"]).sort()).toEqual(["/*/_temporary/*", "/apps/*"]);
    expect(allowedPatterns(statements, ["s3:PutObjectTagging"])).toEqual(["/*/_temporary/*"]);
    // Reading stays open: inputs may lie anywhere in the bucket.
    expect(allowedPatterns(statements, ["s3:GetObject*"]).sort()).toEqual(["/*", "bucket"]);
    const deny = statements.find((s) => s.Effect === "Deny")!;
    expect(actionsOf(deny)).toEqual(expect.arrayContaining(["s3:DeleteObject*", "s3:PutObjectTagging"]));
    expect(bucketPatterns(deny)).toEqual(["/runs/*"]);
  });

  it("can leave the bucket unversioned, keeping the scratch and attempt file rules", () => {
    const stack = new Stack(new App(), "Unversioned");
    new SparkfnEngine(stack, "Engine", { versioned: false, executorEphemeralStorageMiB: 4096 });
    const unversioned = Template.fromStack(stack);
    const bucket = Object.values(unversioned.findResources("AWS::S3::Bucket"))[0] as { Properties: { VersioningConfiguration?: unknown; LifecycleConfiguration: { Rules: { Id: string; NoncurrentVersionExpiration?: unknown }[] } } };
    expect(bucket.Properties.VersioningConfiguration).toBeUndefined();
    expect(bucket.Properties.LifecycleConfiguration.Rules.map((r) => r.Id)).toEqual(["expire-app-scratch", "expire-write-attempt-files", "abort-incomplete-uploads"]);
    expect(bucket.Properties.LifecycleConfiguration.Rules.every((r) => r.NoncurrentVersionExpiration === undefined)).toBe(true);
    unversioned.hasResourceProperties("AWS::Lambda::Function", { MemorySize: 2048, EphemeralStorage: { Size: 4096 } });
  }, 120_000);

  it("refuses an ephemeral storage size Lambda does not offer, and a noncurrent version expiration below a day", () => {
    expect(() => new SparkfnEngine(new Stack(new App(), "TinyTmp"), "Engine", { executorEphemeralStorageMiB: 256 })).toThrow(/executorEphemeralStorageMiB is 256; Lambda's \/tmp holds 512 to 10240 MiB/);
    expect(() => new SparkfnEngine(new Stack(new App(), "NoDays"), "Engine", { noncurrentVersionExpirationDays: 0 })).toThrow(/noncurrentVersionExpirationDays is 0; give a whole number of days, 1 or more/);
  });

  it("exports the bucket and function names the driver discovers", () => {
    template.hasOutput("BucketName", {});
    template.hasOutput("ExecutorFunctionName", {});
  });
});

describe("SparkfnEngine with batch jobs", () => {
  let batch: Template;
  let engine: SparkfnEngine;
  beforeAll(() => {
    const app = new App();
    const stack = new Stack(app, "Batch");
    engine = new SparkfnEngine(stack, "Engine", {
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

  it("runs at most 5 drivers at once by default (the event source's maximum concurrency)", () => {
    batch.hasResourceProperties("AWS::Lambda::EventSourceMapping", { ScalingConfig: { MaximumConcurrency: 5 } });
  });

  it("lets the driver read the executor's settings (its timeout sizes the invoke timeout)", () => {
    const statements = roleStatements(batch, "Driver");
    const read = statements.filter((s) => actionsOf(s).includes("lambda:GetFunctionConfiguration"));
    expect(read).toHaveLength(1);
    expect(JSON.stringify(read[0]!.Resource)).toMatch(/ExecutorWarmPool/);
  });

  it("lets the driver write and delete in the bucket (outputs lie anywhere), but never delete versions nor touch run markers", () => {
    const statements = roleStatements(batch, "Driver");
    expect(allowedPatterns(statements, ["s3:PutObject"])).toEqual(["/*"]);
    expect(allowedPatterns(statements, ["s3:DeleteObject"])).toEqual(["/*"]);
    const allowed = statements.filter((s) => s.Effect === "Allow").flatMap(actionsOf);
    expect(allowed.filter((a) => /Retention|LegalHold|DeleteObjectVersion|^s3:DeleteObject\*$|^s3:\*$/.test(a))).toEqual([]);
    const deny = statements.find((s) => s.Effect === "Deny")!;
    expect(actionsOf(deny)).toEqual(expect.arrayContaining(["s3:DeleteObject*", "s3:PutObjectTagging"]));
    expect(bucketPatterns(deny)).toEqual(["/runs/*"]);
  });

  it("raises an alarm as soon as the dead-letter queue holds a message", () => {
    expect(engine.deadLetterAlarm).toBeDefined();
    batch.resourceCountIs("AWS::CloudWatch::Alarm", 1);
    batch.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      ComparisonOperator: "GreaterThanThreshold",
      Threshold: 0,
      EvaluationPeriods: 1,
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [Match.stringLikeRegexp("JobDeadLetterQueue"), "QueueName"] } }],
    });
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
