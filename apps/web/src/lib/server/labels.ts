/** The raw texts of message namespaces, for client components (see lib/labels.ts). */
import { getMessages } from "next-intl/server";
import type { Labels } from "@/lib/labels";

export async function labelsFor(...namespaces: string[]): Promise<Labels> {
  const messages = (await getMessages()) as Record<string, Record<string, unknown>>;
  const out: Labels = {};
  for (const ns of namespaces) {
    for (const [key, value] of Object.entries(messages[ns] ?? {})) if (typeof value === "string") out[key] = value;
  }
  return out;
}
