/**
 * Streak arithmetic in the learner's calendar: local days across DST (New York), zones on either
 * side of midnight (Lagos UTC+1 vs Dakar UTC+0), year boundaries, and late offline replays.
 * Property-style cases come from a seeded generator, so every run checks the same thousands.
 */
import { describe, expect, it } from "vitest";
import { prng } from "../../algorithms/test/random.ts";
import { currentStreak, daysBetween, localDay, nextStreak } from "../src/users/streak.ts";

const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const ZONES = ["Africa/Dakar", "Africa/Lagos", "America/New_York", "Europe/Paris", "Pacific/Kiritimati", "UTC"];

describe("localDay", () => {
  it("is the calendar date in the zone, not in UTC", () => {
    const lateEvening = at("2026-03-10T23:30:00Z");
    expect(localDay(lateEvening, "Africa/Dakar")).toBe("2026-03-10");
    expect(localDay(lateEvening, "Africa/Lagos")).toBe("2026-03-11");
    expect(localDay(at("2026-03-11T03:59:00Z"), "America/New_York")).toBe("2026-03-10");
    expect(localDay(at("2026-03-11T04:00:00Z"), "America/New_York")).toBe("2026-03-11");
  });

  it("crosses the year in each zone at its own midnight", () => {
    const newYearUtc = at("2026-12-31T23:30:00Z");
    expect(localDay(newYearUtc, "UTC")).toBe("2026-12-31");
    expect(localDay(newYearUtc, "Africa/Lagos")).toBe("2027-01-01");
    expect(localDay(newYearUtc, "America/New_York")).toBe("2026-12-31");
  });

  it("agrees with the zone's UTC offset across the New York DST changes", () => {
    // 2026: DST starts 8 March (UTC-5 → UTC-4), ends 1 November (UTC-4 → UTC-5).
    expect(localDay(at("2026-03-08T04:59:00Z"), "America/New_York")).toBe("2026-03-07");
    expect(localDay(at("2026-03-08T05:00:00Z"), "America/New_York")).toBe("2026-03-08");
    expect(localDay(at("2026-03-09T03:59:00Z"), "America/New_York")).toBe("2026-03-08"); // a 23-hour day
    expect(localDay(at("2026-03-09T04:00:00Z"), "America/New_York")).toBe("2026-03-09");
    expect(localDay(at("2026-11-02T04:59:00Z"), "America/New_York")).toBe("2026-11-01"); // a 25-hour day
    expect(localDay(at("2026-11-02T05:00:00Z"), "America/New_York")).toBe("2026-11-02");
  });

  it("never goes backwards as time moves forward (property)", () => {
    const random = prng(42);
    for (let i = 0; i < 2_000; i++) {
      const zone = ZONES[Math.floor(random() * ZONES.length)] as string;
      const t = Date.UTC(2025, 0, 1) + random() * 3 * 365 * DAY;
      const later = t + random() * 3 * DAY;
      expect(daysBetween(localDay(new Date(t), zone), localDay(new Date(later), zone))).toBeGreaterThanOrEqual(0);
    }
  });
});

describe("daysBetween", () => {
  it("counts calendar days, including across months, years and leap days", () => {
    expect(daysBetween("2026-03-10", "2026-03-11")).toBe(1);
    expect(daysBetween("2026-12-31", "2027-01-01")).toBe(1);
    expect(daysBetween("2028-02-28", "2028-03-01")).toBe(2);
    expect(daysBetween("2026-03-11", "2026-03-10")).toBe(-1);
    expect(daysBetween("2026-01-01", "2026-01-01")).toBe(0);
  });
});

describe("nextStreak", () => {
  const dakar = "Africa/Dakar";

  it("starts at 1 on the first activity", () => {
    const first = at("2026-03-10T09:00:00Z");
    expect(nextStreak(0, null, first, dakar)).toEqual({ streakDays: 1, lastActive: first });
  });

  it("keeps the streak on the same local day, but never below 1", () => {
    const morning = at("2026-03-10T08:00:00Z");
    const evening = at("2026-03-10T21:00:00Z");
    expect(nextStreak(4, morning, evening, dakar)).toEqual({ streakDays: 4, lastActive: evening });
    expect(nextStreak(0, morning, evening, dakar)).toEqual({ streakDays: 1, lastActive: evening });
  });

  it("adds one on the next local day, however few hours later", () => {
    const lastNight = at("2026-03-10T23:50:00Z");
    const justAfterMidnight = at("2026-03-11T00:10:00Z");
    expect(nextStreak(4, lastNight, justAfterMidnight, dakar)).toEqual({
      streakDays: 5,
      lastActive: justAfterMidnight,
    });
  });

  it("resets to 1 after a missed local day, however few hours later", () => {
    const early = at("2026-03-10T00:05:00Z");
    const twoDaysLater = at("2026-03-12T00:01:00Z");
    expect(nextStreak(9, early, twoDaysLater, dakar)).toEqual({ streakDays: 1, lastActive: twoDaysLater });
  });

  it("counts midnight where the learner lives: the same instants mean different things in Lagos and Dakar", () => {
    // 22:30 and 23:30 UTC: the same day in Dakar (UTC+0); 23:30 and 00:30 in Lagos (UTC+1).
    const first = at("2026-03-10T22:30:00Z");
    const second = at("2026-03-10T23:30:00Z");
    expect(nextStreak(3, first, second, "Africa/Dakar").streakDays).toBe(3);
    expect(nextStreak(3, first, second, "Africa/Lagos").streakDays).toBe(4);
  });

  it("treats the 23-hour and 25-hour DST days in New York as one day each", () => {
    const ny = "America/New_York";
    // 7 March 23:30 EST → 8 March 23:30 EDT: only 23 hours apart, still the next day.
    expect(nextStreak(2, at("2026-03-08T04:30:00Z"), at("2026-03-09T03:30:00Z"), ny).streakDays).toBe(3);
    // 1 November 00:10 EDT → 1 November 23:50 EST: 24h40m apart, still the same day.
    expect(nextStreak(2, at("2026-11-01T04:10:00Z"), at("2026-11-02T04:50:00Z"), ny).streakDays).toBe(2);
    // 31 October 23:50 EDT → 2 November 00:10 EST: 25h20m apart, but 1 November was missed: reset.
    expect(nextStreak(2, at("2026-11-01T03:50:00Z"), at("2026-11-02T05:10:00Z"), ny).streakDays).toBe(1);
  });

  it("continues across the new year", () => {
    const newYearsEve = at("2026-12-31T20:00:00Z");
    const newYearsDay = at("2027-01-01T10:00:00Z");
    expect(nextStreak(30, newYearsEve, newYearsDay, dakar)).toEqual({ streakDays: 31, lastActive: newYearsDay });
  });

  describe("a late offline replay (at < lastActive)", () => {
    const last = at("2026-03-12T10:00:00Z"); // the run of 3 days is 10, 11 and 12 March

    it("never moves lastActive back, and leaves a streak it lands inside alone", () => {
      expect(nextStreak(3, last, at("2026-03-12T07:00:00Z"), dakar)).toEqual({ streakDays: 3, lastActive: last });
      expect(nextStreak(3, last, at("2026-03-11T07:00:00Z"), dakar)).toEqual({ streakDays: 3, lastActive: last });
      expect(nextStreak(3, last, at("2026-03-10T07:00:00Z"), dakar)).toEqual({ streakDays: 3, lastActive: last });
    });

    it("extends the run by the day just before it", () => {
      expect(nextStreak(3, last, at("2026-03-09T18:00:00Z"), dakar)).toEqual({ streakDays: 4, lastActive: last });
    });

    it("neither breaks nor extends the streak for an older, unconnected day", () => {
      expect(nextStreak(3, last, at("2026-03-08T18:00:00Z"), dakar)).toEqual({ streakDays: 3, lastActive: last });
      expect(nextStreak(3, last, at("2025-12-01T18:00:00Z"), dakar)).toEqual({ streakDays: 3, lastActive: last });
    });

    it("fills the gap that broke a streak once the missing day arrives", () => {
      // Monday was learnt offline, Tuesday online first: Tuesday restarted at 1, Monday then joins it.
      const sunday = at("2026-03-08T09:00:00Z");
      const monday = at("2026-03-09T09:00:00Z");
      const tuesday = at("2026-03-10T09:00:00Z");
      const afterTuesday = nextStreak(1, sunday, tuesday, dakar);
      expect(afterTuesday.streakDays).toBe(1);
      expect(nextStreak(afterTuesday.streakDays, afterTuesday.lastActive, monday, dakar)).toEqual({
        streakDays: 2,
        lastActive: tuesday,
      });
    });
  });

  it("matches a day-by-day model for any activity in time order (property)", () => {
    const random = prng(7);
    for (let run = 0; run < 300; run++) {
      const zone = ZONES[Math.floor(random() * ZONES.length)] as string;
      let t = Date.UTC(2026, 0, 1) + random() * 365 * DAY;
      let state: { streakDays: number; lastActive: Date | null } = { streakDays: 0, lastActive: null };
      const days = new Set<string>();
      for (let step = 0; step < 25; step++) {
        t += random() < 0.3 ? random() * 6 * HOUR : random() * 2.5 * DAY;
        const when = new Date(t);
        days.add(localDay(when, zone));
        state = nextStreak(state.streakDays, state.lastActive, when, zone);
        // The model: count consecutive active local days backwards from today's.
        let expected = 0;
        let day = localDay(when, zone);
        while (days.has(day)) {
          expected++;
          day = new Date(Date.parse(`${day}T12:00:00Z`) - DAY).toISOString().slice(0, 10);
        }
        expect(state).toEqual({ streakDays: expected, lastActive: when });
      }
    }
  });

  it("never lowers lastActive nor the streak for events in any order (property)", () => {
    const random = prng(99);
    for (let run = 0; run < 300; run++) {
      const zone = ZONES[Math.floor(random() * ZONES.length)] as string;
      const base = Date.UTC(2026, 5, 1);
      let state: { streakDays: number; lastActive: Date | null } = { streakDays: 0, lastActive: null };
      const days = new Set<string>();
      for (let step = 0; step < 20; step++) {
        const when = new Date(base + random() * 12 * DAY);
        days.add(localDay(when, zone));
        const next = nextStreak(state.streakDays, state.lastActive, when, zone);
        const latest = Math.max(state.lastActive?.getTime() ?? 0, when.getTime());
        expect(next.lastActive.getTime()).toBe(latest);
        if (state.lastActive && when < state.lastActive)
          expect(next.streakDays).toBeGreaterThanOrEqual(state.streakDays);
        // Whatever the order, the streak never claims a day the learner did not learn on.
        let day = localDay(next.lastActive, zone);
        for (let i = 0; i < next.streakDays; i++) {
          expect(days.has(day)).toBe(true);
          day = new Date(Date.parse(`${day}T12:00:00Z`) - DAY).toISOString().slice(0, 10);
        }
        state = next;
      }
    }
  });
});

describe("currentStreak", () => {
  const lagos = "Africa/Lagos";
  const last = at("2026-03-10T20:00:00Z"); // 21:00 in Lagos, 10 March

  it("shows the stored streak while it can still continue (today or yesterday)", () => {
    expect(currentStreak(5, last, at("2026-03-10T22:00:00Z"), lagos)).toBe(5);
    expect(currentStreak(5, last, at("2026-03-11T22:59:00Z"), lagos)).toBe(5); // 23:59 on 11 March in Lagos
  });

  it("shows 0 once a whole local day has passed without learning", () => {
    expect(currentStreak(5, last, at("2026-03-11T23:00:00Z"), lagos)).toBe(0); // 00:00 on 12 March in Lagos
    expect(currentStreak(5, last, at("2026-03-11T23:00:00Z"), "Africa/Dakar")).toBe(5); // still 11 March there
  });

  it("is 0 before any activity", () => {
    expect(currentStreak(0, null, at("2026-03-10T10:00:00Z"), lagos)).toBe(0);
  });
});
