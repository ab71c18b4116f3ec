import { App, Stack } from "aws-cdk-lib";
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
