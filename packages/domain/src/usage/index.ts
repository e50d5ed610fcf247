export { type AiUsage, aiUsageSince } from "./ai-usage.ts";
export {
  BufferedUsageRecorder,
  createUsageRecorder,
  type UsageEventInput,
  type UsageMetadata,
  type UsageRecorder,
  type UsageSink,
} from "./recorder.ts";
export { daysToRoll, isoDay, REROLL_DAYS, type RollupReport, rollUpDay, rollUpUsage, utcDay } from "./rollup.ts";
