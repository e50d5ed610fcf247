/** The zone a learner's days are counted in: their own, else their country's, else UTC. */
import { canonicalTimezone, isCountryCode } from "@sira/contracts";
import { describe, expect, it } from "vitest";
import { COUNTRY_TIMEZONES, countryTimezone, effectiveTimezone } from "../src/users/timezones.ts";

/** The 54 African states plus the African territories with their own ISO code. */
const AFRICA = (
  "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR LY MG MW ML MR MU MA MZ " +
  "NA NE NG RW ST SN SC SL SO ZA SS SD TZ TG TN UG ZM ZW EH RE YT SH"
).split(" ");

describe("country time zones", () => {
  it("cover every African country and the other countries Sira serves most", () => {
    const missing = [...AFRICA, "FR", "BE", "CH", "CA", "US", "GB", "HT"].filter((c) => !(c in COUNTRY_TIMEZONES));
    expect(missing).toEqual([]);
  });

  it("map only real country codes to zones this runtime knows, spelt as it spells them", () => {
    for (const [country, zone] of Object.entries(COUNTRY_TIMEZONES)) {
      expect(isCountryCode(country), country).toBe(true);
      expect(canonicalTimezone(zone), `${country} → ${zone}`).toBe(zone);
    }
  });

  it("derive West African zones and pick the most populous zone of multi-zone countries", () => {
    expect(countryTimezone("SN")).toBe("Africa/Dakar");
    expect(countryTimezone("NG")).toBe("Africa/Lagos");
    expect(countryTimezone("CD")).toBe("Africa/Lubumbashi");
    expect(countryTimezone("US")).toBe("America/New_York");
    expect(countryTimezone("CA")).toBe("America/Toronto");
  });

  it("fall back to UTC for a country without a zone here", () => {
    expect(countryTimezone("AQ")).toBe("UTC");
    expect(countryTimezone("KI")).toBe("UTC");
  });
});

describe("effectiveTimezone", () => {
  it("prefers the zone the user set", () => {
    expect(effectiveTimezone({ timezone: "Europe/Paris", country: "SN" })).toBe("Europe/Paris");
  });

  it("derives the zone from the country when none is set", () => {
    expect(effectiveTimezone({ timezone: null, country: "ML" })).toBe("Africa/Bamako");
  });

  it("ignores a stored zone this runtime does not know (rather than failing every request)", () => {
    expect(effectiveTimezone({ timezone: "Mars/Olympus_Mons", country: "CI" })).toBe("Africa/Abidjan");
  });
});

describe("canonicalTimezone", () => {
  it("accepts IANA names in their proper case, and aliases as given", () => {
    expect(canonicalTimezone("africa/dakar")).toBe("Africa/Dakar");
    expect(canonicalTimezone("UTC")).toBe("UTC");
    expect(canonicalTimezone("utc")).toBe("UTC");
    expect(canonicalTimezone("Asia/Kolkata")).toBe("Asia/Kolkata");
  });

  it("refuses unknown names, offsets and junk", () => {
    for (const bad of [
      "Mars/Olympus_Mons",
      "+01:00",
      "GMT+1:00",
      "",
      "Africa/Dakar; DROP TABLE users",
      "x".repeat(65),
    ]) {
      expect(canonicalTimezone(bad), bad).toBeNull();
    }
  });
});
