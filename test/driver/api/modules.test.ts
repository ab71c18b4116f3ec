import { defineModuleChecks } from "../../support/module-checks.ts";

defineModuleChecks("local[2]");
