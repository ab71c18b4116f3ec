import { defineAccumulatorChecks } from "../support/accumulator-checks.ts";

defineAccumulatorChecks("local[2]");
