/**
 * Prisma's WASM schema engine, loaded offline. The CLI's native engine is a download
 * this project cannot rely on, so SQL for migrations comes from here (see docs/decisions).
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

const require = createRequire(import.meta.url);

type SchemaSource = { tag: "empty" } | { tag: "schemaDatamodel"; files: { path: string; content: string }[] };

interface WasmSchemaEngine {
  diff(params: {
    from: SchemaSource;
    to: SchemaSource;
    script: boolean;
    exitCode: boolean;
    shadowDatabaseUrl: null;
    filters: { externalTables: string[]; externalEnums: string[] };
  }): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
}

interface WasmRuntime {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, unknown>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
}

let enginePromise: Promise<WasmSchemaEngine> | undefined;

async function loadEngine(schemaText: string): Promise<WasmSchemaEngine> {
  const bgPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const bg = (await import(bgPath)) as Record<string, unknown> & {
    __wbg_set_wasm(exports: Record<string, unknown>): void;
    SchemaEngine: { new: (...args: unknown[]) => Promise<WasmSchemaEngine> };
  };
  const bytes = await readFile(bgPath.replace(/\.js$/, ".wasm"));
  // Node's global WebAssembly is not in TypeScript's ES libs; describe the two calls made here.
  const wasm = (globalThis as unknown as { WebAssembly: WasmRuntime }).WebAssembly;
  const { instance } = await wasm.instantiate(bytes, { "./schema_engine_bg.js": bg });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  // The engine opens a connection at start-up even for datamodel-to-datamodel diffs; it reads nothing from it.
  const connectionString = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString }));
  return bg.SchemaEngine.new({ datamodels: [["schema.prisma", schemaText]] }, () => {}, adapter);
}

function source(schemaText: string | null): SchemaSource {
  return schemaText === null
    ? { tag: "empty" }
    : { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: schemaText }] };
}

/** The SQL that turns a database built from `from` (null = empty) into one built from `to`. */
export async function diffSchemas(from: string | null, to: string | null): Promise<string> {
  enginePromise ??= loadEngine(to ?? from ?? "");
  const engine = await enginePromise;
  const result = await engine.diff({
    from: source(from),
    to: source(to),
    script: true,
    exitCode: true,
    shadowDatabaseUrl: null,
    filters: { externalTables: [], externalEnums: [] },
  });
  return result.stdout ?? "";
}
