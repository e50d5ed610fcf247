export {
  BufferedUsageRecorder,
  createUsageRecorder,
  type UsageEventInput,
  type UsageMetadata,
  type UsageRecorder,
} from "./recorder.ts";
