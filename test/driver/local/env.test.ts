import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { DEFAULT_ENDPOINT, emulatorEnv, shellExports, withEmulatorEnv } from "../../../driver/local/env.ts";

describe("emulatorEnv", () => {
  it("points the AWS tools at 127.0.0.1:4566 with dummy credentials when nothing is set", () => {
    expect(emulatorEnv({})).toEqual({
      AWS_ENDPOINT_URL: "http://127.0.0.1:4566",
      AWS_ENDPOINT_URL_S3: "http://127.0.0.1:4566",
      AWS_REGION: "us-east-1",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      CDK_DISABLE_VERSION_CHECK: "true",
      CDK_DISABLE_CLI_TELEMETRY: "true",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    });
    expect(DEFAULT_ENDPOINT).toBe("http://127.0.0.1:4566");
  });

  it("keeps what the user set; S3's endpoint and the default region follow the endpoint and region", () => {
    const env = emulatorEnv({ AWS_ENDPOINT_URL: "http://localhost:4599", AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "mine" });
    expect(env.AWS_ENDPOINT_URL).toBe("http://localhost:4599");
    expect(env.AWS_ENDPOINT_URL_S3).toBe("http://localhost:4599");
    expect(env.AWS_DEFAULT_REGION).toBe("eu-west-1");
    expect(env.AWS_ACCESS_KEY_ID).toBe("mine");
    expect(emulatorEnv({ AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9000" }).AWS_ENDPOINT_URL_S3).toBe("http://127.0.0.1:9000");
  });

  it("counts an empty value as unset, as ${VAR:-default} does", () => {
    expect(emulatorEnv({ AWS_ENDPOINT_URL: "", AWS_REGION: "" })).toMatchObject({ AWS_ENDPOINT_URL: "http://127.0.0.1:4566", AWS_REGION: "us-east-1" });
  });

  it("withEmulatorEnv keeps the other variables", () => {
    expect(withEmulatorEnv({ PATH: "/bin", AWS_REGION: "ap-south-1" })).toMatchObject({ PATH: "/bin", AWS_REGION: "ap-south-1", AWS_DEFAULT_REGION: "ap-south-1" });
  });
});

describe("shellExports", () => {
  it("gives a POSIX shell the exact values back, quotes and all", () => {
    const vars = { A: "plain", B: "it's $HOME `x` \"q\"", C: "" };
    const out = execFileSync("sh", ["-c", `eval "$1" && printf '%s\\0' "$A" "$B" "$C"`, "sh", shellExports(vars)], { encoding: "utf8", env: {} });
    expect(out.split("\0").slice(0, 3)).toEqual(["plain", "it's $HOME `x` \"q\"", ""]);
  });
});
