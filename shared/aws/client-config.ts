/**
 * Client settings for every AWS SDK client sparkfn creates, driver and executor alike.
 *
 * sparkfn never names an emulator: when `AWS_ENDPOINT_URL` (or the service-specific
 * `AWS_ENDPOINT_URL_<SERVICE>`) is set, clients talk to that endpoint, and S3 switches to
 * path-style addressing because local endpoints have no per-bucket DNS names.
 */
import { awsTimeouts, requestHandlerSettings, type AwsTimeouts, type RequestHandlerSettings } from "./timeouts.ts";

export type AwsService = "S3" | "LAMBDA" | "CLOUDFORMATION" | "SQS";

export interface AwsClientConfig {
  region: string;
  endpoint?: string;
  forcePathStyle?: boolean;
}

export function endpointFor(service: AwsService, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL;
  return value && value.trim() !== "" ? value.trim() : undefined;
}

export function awsClientConfig(service: AwsService, env: NodeJS.ProcessEnv = process.env): AwsClientConfig {
  const endpoint = endpointFor(service, env);
  // With a custom endpoint there may be no profile at all; us-east-1 is what emulators assume.
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || (endpoint ? "us-east-1" : undefined);
  if (!region) {
    throw new Error(
      "No AWS region configured: set AWS_REGION (e.g. `export AWS_REGION=eu-west-1`), " +
        "or set AWS_ENDPOINT_URL to use a local emulator.",
    );
  }
  const config: AwsClientConfig = { region };
  if (endpoint) {
    config.endpoint = endpoint;
    if (service === "S3") config.forcePathStyle = true;
  }
  return config;
}

/**
 * awsClientConfig plus the connection, request and socket timeouts (./timeouts.ts): what every
 * S3, SQS, CloudFormation and control-plane Lambda client is built with, so none can hang.
 */
export function timedClientConfig(
  service: AwsService,
  env: NodeJS.ProcessEnv = process.env,
  timeouts: AwsTimeouts = awsTimeouts(env),
): AwsClientConfig & { requestHandler: RequestHandlerSettings } {
  return { ...awsClientConfig(service, env), requestHandler: requestHandlerSettings(timeouts) };
}
