/**
 * `sparkfn/cdk`: the CDK constructs for a user's own CDK app (aws-cdk-lib and constructs are
 * peer dependencies: install them beside sparkfn).
 */
export { SparkfnEngine, type SparkfnEngineProps, type SparkfnBatchProps } from "./sparkfn-engine.ts";
export { SparkfnStack, stackFromContext, type SparkfnStackProps, type ContextDefaults } from "./sparkfn-stack.ts";
export { SparkfnConstructError } from "./errors.ts";
