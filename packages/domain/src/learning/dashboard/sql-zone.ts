/**
 * A learner's time zone as PostgreSQL must be given it. The profile keeps any zone ICU knows, as
 * typed: ICU's three-letter ids among them. PostgreSQL refuses some (CAT, Central Africa: a 500)
 * and reads others as fixed abbreviations (IST: Israel, not India). ICU's resolved zone is a
 * region name PostgreSQL knows, and means the same day boundaries the streak counts in.
 */
export function sqlTimeZone(zone: string): string {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return "UTC";
  }
}
