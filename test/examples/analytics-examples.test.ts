/** The analytics examples (sessionisation, top 3 per group, a monthly pivot) on local[2]. */
import { defineAnalyticsExamples } from "../support/analytics-examples.ts";

defineAnalyticsExamples("local[2]");
