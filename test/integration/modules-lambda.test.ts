import { defineModuleChecks } from "../support/module-checks.ts";

defineModuleChecks("lambda");
