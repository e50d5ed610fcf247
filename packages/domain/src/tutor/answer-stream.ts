/**
 * A tutor answer in flight: the worker publishes it to a Redis stream (start, coalesced deltas,
 * done or error) that any number of API streams tail, so a dropped connection resumes the same
 * answer. Each tailing API stream also keeps a "someone listens" key alive; when it lapses for
 * TUTOR_ABANDON_AFTER_MS the worker stops the provider and keeps the partial answer.
 */
import type { ErrorCode, TutorCitation } from "@sira/contracts";
import type { Redis } from "@sira/infra";

export const answerStreamKey = (answerId: string): string => `sira:tutor:answer:${answerId}`;
const listenerKey = (answerId: string): string => `sira:tutor:listen:${answerId}`;

export type TutorEntry =
  | { type: "start"; run: string; attempt?: number }
  | { type: "delta"; text: string }
  | { type: "done"; status: "complete" | "incomplete"; sources: TutorCitation[] }
  | { type: "error"; code: ErrorCode };

/** Says a client is waiting for (or reading) the answer, for the next `ttlMs`. Best effort. */
export async function markListening(redis: Redis, answerId: string, ttlMs: number): Promise<void> {
  await redis.set(listenerKey(answerId), "1", "PX", ttlMs).catch(() => null);
}

/** Whether some client listened within the abandonment window (true when Redis cannot tell). */
export async function someoneListens(redis: Redis, answerId: string): Promise<boolean> {
  try {
    return (await redis.exists(listenerKey(answerId))) === 1;
  } catch {
    return true;
  }
}

/**
 * An AbortSignal that fires once nobody has listened for the abandonment window, checked every
 * `everyMs`. `stop()` ends the watch.
 */
export function watchAbandonment(
  redis: Redis,
  answerId: string,
  everyMs: number,
): { signal: AbortSignal; stop: () => void } {
  const controller = new AbortController();
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    void someoneListens(redis, answerId)
      .then((listens) => {
        if (!listens) controller.abort(new Error("tutor answer abandoned"));
      })
      .finally(() => {
        checking = false;
      });
  }, everyMs);
  timer.unref?.();
  return { signal: controller.signal, stop: () => clearInterval(timer) };
}
