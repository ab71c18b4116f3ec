import { defineAccumulatorChecks } from "../support/accumulator-checks.ts";

defineAccumulatorChecks("lambda");
