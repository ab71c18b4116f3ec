/** The analytics examples (sessionisation, top 3 per group, a monthly pivot) on the executor function in the emulator. */
import { defineAnalyticsExamples } from "../support/analytics-examples.ts";

defineAnalyticsExamples("lambda", ["spark.sql.shuffle.partitions=2", "spark.eventLog.enabled=false", "spark.ui.showConsoleProgress=false"]);
