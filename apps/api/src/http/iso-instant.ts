/** ISO-8601 instants on the wire (`?since=`, `X-Offline-Queued-At`), checked as the contracts check them. */
import { requestInstantSchema } from "@sira/contracts";

const isoInstant = requestInstantSchema({ offset: true });

/** The instant, or null unless it is a real ISO-8601 date-time with an offset (so no 30 February) in the request years. */
export function parseIsoInstant(value: string): Date | null {
  const trimmed = value.trim();
  return isoInstant.safeParse(trimmed).success ? new Date(trimmed) : null;
}
