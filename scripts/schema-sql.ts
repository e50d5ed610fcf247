/** Prints the SQL that builds prisma/schema.prisma on an empty database. */
import { readFile } from "node:fs/promises";
import { diffSchemas } from "./lib/schema-engine.ts";

const schema = await readFile(new URL("../prisma/schema.prisma", import.meta.url), "utf8");
process.stdout.write(await diffSchemas(null, schema), () => process.exit(0));
