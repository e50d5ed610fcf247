/**
 * Redis stream cleanup (decision 0047): lesson generation streams and tutor answer streams whose
 * writer is done. Each is checked and deleted in one script, atomically: a new run that starts on
 * the same key (DEL, then XADD `start`) between a check and its DEL can never be lost.
 */
import type { Redis } from "@sira/infra";
import { GENERATION_STREAM_TTL_SECONDS } from "../content/generation-stream.ts";
import { answerStreamKey } from "../tutor/answer-stream.ts";

/** `generationStreamKey` (content/cache-key.ts) and `answerStreamKey`, without their id. */
export const STREAM_KEY_PREFIXES = ["sira:gen:", answerStreamKey("")] as const;
/** A finished stream stays this long after its `done` or `error`, for readers resuming late. */
export const FINISHED_STREAM_KEEP_MS = 5 * 60_000;
/** A stream with no expiry and nothing added for this long has no writer left. */
export const UNEXPIRING_STREAM_MAX_IDLE_MS = GENERATION_STREAM_TTL_SECONDS * 1000;

const SCAN_COUNT = 500;

/**
 * KEYS[1] the stream; ARGV: now (ms), keep after a terminal entry (ms), idle limit without TTL (ms).
 * Returns 1 when deleted as finished, 2 when deleted as abandoned without expiry, 0 when kept.
 */
const CHECK_AND_DELETE = `
if redis.call('TYPE', KEYS[1])['ok'] ~= 'stream' then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #last == 0 then
  if ttl == -1 then redis.call('DEL', KEYS[1]) return 2 end
  return 0
end
local age = tonumber(ARGV[1]) - tonumber(string.match(last[1][1], '^(%d+)'))
local fields = last[1][2]
local terminal = false
for i = 1, #fields, 2 do
  if fields[i] == 'e' then
    local ok, entry = pcall(cjson.decode, fields[i + 1])
    if ok and type(entry) == 'table' and (entry.type == 'done' or entry.type == 'error') then terminal = true end
  end
end
if terminal and age > tonumber(ARGV[2]) then redis.call('DEL', KEYS[1]) return 1 end
if ttl == -1 and age > tonumber(ARGV[3]) then redis.call('DEL', KEYS[1]) return 2 end
return 0
`;

export interface StreamCleanupReport {
  /** Streams found under the prefixes. */
  scanned: number;
  /** Ended with `done` or `error` more than FINISHED_STREAM_KEEP_MS ago. */
  finished: number;
  /** Without expiry and untouched for GENERATION_STREAM_TTL_SECONDS. */
  abandoned: number;
}

/** Redis's own clock, the one stream ids are stamped with. */
async function redisNow(redis: Redis): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/**
 * Deletes finished and abandoned generation and tutor streams; keeps every stream still being
 * written (its last entry is not terminal, and it has an expiry or a recent entry). Safe to run
 * twice and alongside writers and readers. `at` stands for Redis's clock (tests).
 */
export async function cleanStreams(redis: Redis, at?: Date): Promise<StreamCleanupReport> {
  const report: StreamCleanupReport = { scanned: 0, finished: 0, abandoned: 0 };
  const now = at ? at.getTime() : await redisNow(redis);
  for (const prefix of STREAM_KEY_PREFIXES) {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", SCAN_COUNT, "TYPE", "stream");
      cursor = next;
      for (const key of keys) {
        report.scanned += 1;
        const outcome = Number(
          await redis.eval(CHECK_AND_DELETE, 1, key, now, FINISHED_STREAM_KEEP_MS, UNEXPIRING_STREAM_MAX_IDLE_MS),
        );
        if (outcome === 1) report.finished += 1;
        else if (outcome === 2) report.abandoned += 1;
      }
    } while (cursor !== "0");
  }
  return report;
}
