/**
 * The time zone a learner's calendar days are counted in: the zone they set, else one derived from
 * their country. Countries spanning several zones get the zone where most of their people live.
 */
import { canonicalTimezone } from "@sira/contracts";

export const FALLBACK_TIMEZONE = "UTC";

/** ISO 3166-1 alpha-2 → IANA zone. Every African country, then Sira's other frequent countries. */
export const COUNTRY_TIMEZONES: Readonly<Record<string, string>> = {
  // West Africa first: Sira's learners.
  SN: "Africa/Dakar",
  ML: "Africa/Bamako",
  CI: "Africa/Abidjan",
  BF: "Africa/Ouagadougou",
  NE: "Africa/Niamey",
  GN: "Africa/Conakry",
  BJ: "Africa/Porto-Novo",
  TG: "Africa/Lome",
  GH: "Africa/Accra",
  NG: "Africa/Lagos",
  MR: "Africa/Nouakchott",
  GM: "Africa/Banjul",
  GW: "Africa/Bissau",
  SL: "Africa/Freetown",
  LR: "Africa/Monrovia",
  CV: "Atlantic/Cape_Verde",
  // Central Africa.
  CM: "Africa/Douala",
  TD: "Africa/Ndjamena",
  CF: "Africa/Bangui",
  GA: "Africa/Libreville",
  CG: "Africa/Brazzaville",
  // Two zones: Kinshasa (UTC+1, west) and Lubumbashi (UTC+2). The eastern provinces (Kasaï, Katanga,
  // the Kivus, Ituri, Tshopo…) hold roughly 60 % of the population, so the east wins.
  CD: "Africa/Lubumbashi",
  GQ: "Africa/Malabo",
  ST: "Africa/Sao_Tome",
  AO: "Africa/Luanda",
  BI: "Africa/Bujumbura",
  RW: "Africa/Kigali",
  // North Africa.
  MA: "Africa/Casablanca",
  DZ: "Africa/Algiers",
  TN: "Africa/Tunis",
  LY: "Africa/Tripoli",
  EG: "Africa/Cairo",
  SD: "Africa/Khartoum",
  SS: "Africa/Juba",
  EH: "Africa/El_Aaiun",
  // East Africa and the Horn.
  ET: "Africa/Addis_Ababa",
  ER: "Africa/Asmara",
  DJ: "Africa/Djibouti",
  SO: "Africa/Mogadishu",
  KE: "Africa/Nairobi",
  UG: "Africa/Kampala",
  TZ: "Africa/Dar_es_Salaam",
  // Southern Africa and the Indian Ocean.
  MZ: "Africa/Maputo",
  MW: "Africa/Blantyre",
  ZM: "Africa/Lusaka",
  ZW: "Africa/Harare",
  BW: "Africa/Gaborone",
  NA: "Africa/Windhoek",
  ZA: "Africa/Johannesburg",
  LS: "Africa/Maseru",
  SZ: "Africa/Mbabane",
  MG: "Indian/Antananarivo",
  MU: "Indian/Mauritius",
  SC: "Indian/Mahe",
  KM: "Indian/Comoro",
  YT: "Indian/Mayotte",
  RE: "Indian/Reunion",
  SH: "Atlantic/St_Helena",
  // French-speaking countries and territories outside Africa.
  FR: "Europe/Paris",
  BE: "Europe/Brussels",
  CH: "Europe/Zurich",
  LU: "Europe/Luxembourg",
  MC: "Europe/Monaco",
  HT: "America/Port-au-Prince",
  GP: "America/Guadeloupe",
  MQ: "America/Martinique",
  GF: "America/Cayenne",
  PM: "America/Miquelon",
  PF: "Pacific/Tahiti",
  NC: "Pacific/Noumea",
  WF: "Pacific/Wallis",
  LB: "Asia/Beirut",
  // Six zones; Eastern (Ontario and Québec) has most Canadians, francophones included.
  CA: "America/Toronto",
  // Six zones; Eastern holds the largest share of the population.
  US: "America/New_York",
  GB: "Europe/London",
  // Diaspora and partner countries. Spain and Portugal: the mainland, not the Canaries or Azores.
  DE: "Europe/Berlin",
  IT: "Europe/Rome",
  ES: "Europe/Madrid",
  PT: "Europe/Lisbon",
  NL: "Europe/Amsterdam",
  IE: "Europe/Dublin",
  // Several zones; Brasília time covers the south-east, where most Brazilians live.
  BR: "America/Sao_Paulo",
  CN: "Asia/Shanghai",
  IN: "Asia/Kolkata",
  AE: "Asia/Dubai",
  SA: "Asia/Riyadh",
  QA: "Asia/Qatar",
  TR: "Europe/Istanbul",
  // Eleven zones; Moscow time covers European Russia, where most Russians live.
  RU: "Europe/Moscow",
};

/** The zone derived from a country, or UTC for a country without one here. */
export function countryTimezone(country: string): string {
  return COUNTRY_TIMEZONES[country.toUpperCase()] ?? FALLBACK_TIMEZONE;
}

/** The zone the user's days are counted in: their own if set (and known to this runtime), else their country's. */
export function effectiveTimezone(user: { timezone: string | null; country: string }): string {
  const own = user.timezone ? canonicalTimezone(user.timezone) : null;
  return own ?? countryTimezone(user.country);
}
