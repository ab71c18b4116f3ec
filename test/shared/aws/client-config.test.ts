import { describe, expect, it } from "vitest";
import { awsClientConfig, endpointFor } from "../../../shared/aws/client-config.ts";

describe("awsClientConfig", () => {
  it("uses AWS_ENDPOINT_URL with path-style S3 and a default region", () => {
    const env = { AWS_ENDPOINT_URL: "http://127.0.0.1:4566" };
    expect(awsClientConfig("S3", env)).toEqual({
      region: "us-east-1",
      endpoint: "http://127.0.0.1:4566",
      forcePathStyle: true,
    });
    expect(awsClientConfig("LAMBDA", env)).toEqual({ region: "us-east-1", endpoint: "http://127.0.0.1:4566" });
  });

  it("prefers the service-specific endpoint and the configured region", () => {
    const env = { AWS_ENDPOINT_URL: "http://a:1", AWS_ENDPOINT_URL_S3: "http://b:2", AWS_REGION: "eu-west-1" };
    expect(endpointFor("S3", env)).toBe("http://b:2");
    expect(awsClientConfig("LAMBDA", env)).toEqual({ region: "eu-west-1", endpoint: "http://a:1" });
  });

  it("talks to AWS itself when no endpoint is set", () => {
    expect(awsClientConfig("S3", { AWS_REGION: "us-west-2" })).toEqual({ region: "us-west-2" });
  });

  it("explains how to fix a missing region", () => {
    expect(() => awsClientConfig("S3", {})).toThrowError(/set AWS_REGION/);
  });
});
