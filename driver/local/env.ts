/**
 * The environment that points AWS tools (the SDK, cdk, cdklocal) at a local,
 * LocalStack-compatible endpoint. Values already set by the user win; an empty value counts as
 * unset, as `${VAR:-default}` does in a shell. The one home of these defaults: `sparkfn local`,
 * `sparkfn deploy --local`, localstack/env.sh (through `sparkfn local env`) and the tests use it.
 */

/** Where the emulator answers unless AWS_ENDPOINT_URL says otherwise. */
export const DEFAULT_ENDPOINT = "http://127.0.0.1:4566";

/** Pinned: the emulator's behaviour is part of what the tests check. */
export const MINISTACK_VERSION = "1.5.33";

/** The variables the local endpoint needs, given the current environment. */
export function emulatorEnv(base: NodeJS.ProcessEnv): Record<string, string> {
  const given = (name: string): string | undefined => base[name] || undefined;
  const endpoint = given("AWS_ENDPOINT_URL") ?? DEFAULT_ENDPOINT;
  const region = given("AWS_REGION") ?? "us-east-1";
  return {
    AWS_ENDPOINT_URL: endpoint,
    // cdklocal otherwise targets s3.localhost.localstack.cloud, which does not resolve offline.
    AWS_ENDPOINT_URL_S3: given("AWS_ENDPOINT_URL_S3") ?? endpoint,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: given("AWS_DEFAULT_REGION") ?? region,
    // Local emulators accept any credentials; these are the conventional dummies.
    AWS_ACCESS_KEY_ID: given("AWS_ACCESS_KEY_ID") ?? "test",
    AWS_SECRET_ACCESS_KEY: given("AWS_SECRET_ACCESS_KEY") ?? "test",
    // Keep the CDK CLI off the network: no version checks, notices or telemetry.
    CDK_DISABLE_VERSION_CHECK: "true",
    CDK_DISABLE_CLI_TELEMETRY: "true",
    // The SDK warns on every start that releases after January 2027 need Node 22; sparkfn's
    // local tools run on Node 20 today, so keep that warning out of demo and test output.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: given("AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED") ?? "true",
  };
}

/** `base` with the local endpoint's variables filled in. */
export function withEmulatorEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...base, ...emulatorEnv(base) };
}

/** `export NAME='value'` lines for a POSIX shell: `eval "$(sparkfn local env)"`. */
export function shellExports(vars: Readonly<Record<string, string>>): string {
  return Object.entries(vars)
    .map(([name, value]) => `export ${name}='${value.replaceAll("'", `'\\''`)}'`)
    .join("\n");
}
