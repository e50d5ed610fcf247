/** The user's own account: profile, learning streaks, GDPR export and erasure. */
export { recordLearningActivity } from "./activity.ts";
export { type ErasureReport, eraseAccount, erasedEmail } from "./erase.ts";
export { chargeExport, EXPORT_WINDOW_SECONDS, EXPORTS_PER_WINDOW, exportUserData } from "./export.ts";
export { getProfile, liveUser, toProfile, updateProfile } from "./profile.ts";
export { currentStreak, daysBetween, localDay, nextStreak, type StreakState } from "./streak.ts";
export { COUNTRY_TIMEZONES, countryTimezone, effectiveTimezone, FALLBACK_TIMEZONE } from "./timezones.ts";
