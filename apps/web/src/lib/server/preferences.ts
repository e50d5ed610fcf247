/** The learner's "save data" choice: a cookie (set on the profile page), or the browser's Save-Data hint. */
import { cookies, headers } from "next/headers";

export const SAVE_DATA_COOKIE = "sira_save_data";

export async function saveData(): Promise<boolean> {
  const stored = (await cookies()).get(SAVE_DATA_COOKIE)?.value;
  if (stored === "1" || stored === "0") return stored === "1";
  return (await headers()).get("save-data") === "on";
}
