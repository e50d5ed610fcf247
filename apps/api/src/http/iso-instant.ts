/** ISO-8601 instants on the wire (`?since=`, `X-Offline-Queued-At`), checked as the contracts check them. */
import { z } from "zod";

const isoInstant = z.iso.datetime({ offset: true });

/** The instant, or null unless it is a real ISO-8601 date-time with an offset (so no 30 February). */
export function parseIsoInstant(value: string): Date | null {
  const trimmed = value.trim();
  return isoInstant.safeParse(trimmed).success ? new Date(trimmed) : null;
}
