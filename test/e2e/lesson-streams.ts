/** A learner's lesson stream on a running API, read frame by frame (SseReader), and its text. */
import { expect } from "vitest";
import { type SignedIn, type SseFrame, SseReader } from "../../apps/api/test/helpers.ts";
import type { CourseFixture } from "../../packages/domain/test/content/fixtures.ts";

/** Opens the course's lesson stream (resuming after `lastEventId` when given); 200 expected. */
export async function openLessonStream(
  base: string,
  learner: SignedIn,
  course: CourseFixture,
  init: { lastEventId?: string; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<SseReader> {
  const res = await fetch(`${base}/api/v1/modules/${course.moduleId}/lessons/${course.lessonUnitId}/stream`, {
    headers: {
      ...learner.headers,
      "accept-language": "fr",
      ...init.headers,
      ...(init.lastEventId !== undefined ? { "last-event-id": init.lastEventId } : {}),
    },
    ...(init.signal ? { signal: init.signal } : {}),
  });
  expect(res.status).toBe(200);
  return new SseReader(res.body);
}

/** The text the frames' deltas carry. */
export const textOf = (frames: SseFrame[]): string =>
  frames
    .filter((f) => f.event === "delta")
    .map((f) => (f.data as { text: string }).text)
    .join("");

/** The text offset an event id counts: lesson ids name their text (`tag:n`), a bare `n` does not. */
export const offsetOf = (id: string | undefined): number => Number((id ?? "").split(":").at(-1));

/** `meta {reset: true}`: the text so far is void, a new text follows. */
export const isReset = (f: SseFrame): boolean => f.event === "meta" && (f.data as { reset?: boolean }).reset === true;
