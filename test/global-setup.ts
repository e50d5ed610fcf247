/** Once per test run: a fresh template database built by the real migrations. */
import { fileURLToPath } from "node:url";
import { buildTemplate, dropRunDatabases } from "@sira/infra/testing";

export default async function setup(): Promise<() => Promise<void>> {
  const base = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  await buildTemplate(base, fileURLToPath(new URL("../prisma/migrations", import.meta.url)));
  return () => dropRunDatabases(base);
}
