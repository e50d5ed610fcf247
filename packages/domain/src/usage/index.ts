export {
  BufferedUsageRecorder,
  createUsageRecorder,
  type UsageEventInput,
  type UsageMetadata,
  type UsageRecorder,
  type UsageSink,
} from "./recorder.ts";
