/**
 * Platform settings: a typed registry (contracts' PLATFORM_SETTINGS, one zod schema and default
 * per key) over the `platform_settings` rows. A key without a row, or whose stored value no longer
 * fits its schema, takes its default.
 */
import {
  AppError,
  isPlatformSettingKey,
  PLATFORM_SETTING_KEYS,
  PLATFORM_SETTINGS,
  type PlatformSetting,
  type PlatformSettingKey,
  type PlatformSettingValue,
} from "@sira/contracts";
import type { Db, Prisma, Transaction, Tx } from "@sira/infra/db";
import { writeAudit } from "../../audit.ts";
import type { CatalogAdminMeta } from "../curricula/common.ts";

interface StoredRow {
  key: string;
  value: unknown;
  updatedAt: Date;
  updatedById: string | null;
}

/** The stored value when it still fits the key's schema, else undefined. */
function validStored<K extends PlatformSettingKey>(key: K, value: unknown): PlatformSettingValue<K> | undefined {
  const parsed = PLATFORM_SETTINGS[key].schema.safeParse(value);
  return parsed.success ? (parsed.data as PlatformSettingValue<K>) : undefined;
}

function toSetting(key: PlatformSettingKey, row: StoredRow | null): PlatformSetting {
  const def = PLATFORM_SETTINGS[key];
  const stored = row ? validStored(key, row.value) : undefined;
  return {
    key,
    value: stored ?? def.default,
    default: def.default,
    source: stored === undefined ? "default" : "stored",
    description: def.description,
    updated_at: stored === undefined || !row ? null : row.updatedAt.toISOString(),
    updated_by: stored === undefined || !row ? null : row.updatedById,
  };
}

/** A setting's current value, typed by key: `getSetting(db, "tutor.free_daily_messages")` is a number. */
export async function getSetting<K extends PlatformSettingKey>(db: Tx, key: K): Promise<PlatformSettingValue<K>> {
  const row = await db.platformSetting.findUnique({ where: { key }, select: { value: true } });
  return (row ? validStored(key, row.value) : undefined) ?? (PLATFORM_SETTINGS[key].default as PlatformSettingValue<K>);
}

/** Every registered setting with its value, default, source and last change: one statement. */
export async function listPlatformSettings(db: Tx): Promise<PlatformSetting[]> {
  const rows = await db.platformSetting.findMany({ where: { key: { in: PLATFORM_SETTING_KEYS } } });
  const byKey = new Map(rows.map((r) => [r.key, r]));
  return PLATFORM_SETTING_KEYS.map((key) => toSetting(key, byKey.get(key) ?? null));
}

function knownKey(key: string): PlatformSettingKey {
  if (!isPlatformSettingKey(key)) {
    throw new AppError("NOT_FOUND", {
      details: { en: `There is no setting named "${key}".`, fr: `Aucun réglage ne s'appelle « ${key} ».` },
    });
  }
  return key;
}

async function lockedRow(tx: Transaction, key: string): Promise<StoredRow | null> {
  const rows = await tx.$queryRaw<{ key: string; value: unknown; updatedAt: Date; updatedById: string | null }[]>`
    SELECT key, value, updated_at AS "updatedAt", updated_by AS "updatedById"
    FROM platform_settings WHERE key = ${key} FOR UPDATE`;
  return rows[0] ?? null;
}

/**
 * Stores a setting's value after checking it with the key's schema (unknown key → 404, invalid
 * value → 400 naming `value`). Storing the value already stored changes and audits nothing.
 */
export async function updatePlatformSetting(
  db: Db,
  rawKey: string,
  value: unknown,
  meta: CatalogAdminMeta,
): Promise<PlatformSetting> {
  const key = knownKey(rawKey);
  const parsed = PLATFORM_SETTINGS[key].schema.safeParse(value);
  if (!parsed.success) {
    throw new AppError("VALIDATION_FAILED", {
      fieldErrors: parsed.error.issues.map((i) => ({
        field: ["value", ...i.path.map(String)].join("."),
        code: i.code,
        message: i.message,
      })),
    });
  }
  const next = parsed.data as Prisma.InputJsonValue;
  return db.$transaction(async (tx) => {
    const row = await lockedRow(tx, key);
    const current = toSetting(key, row);
    if (current.source === "stored" && JSON.stringify(current.value) === JSON.stringify(next)) return current;
    const saved = await tx.platformSetting.upsert({
      where: { key },
      create: { key, value: next, updatedById: meta.actorId },
      update: { value: next, updatedById: meta.actorId },
    });
    await writeAudit(tx, {
      actorId: meta.actorId,
      action: "setting.updated",
      targetType: "platform_setting",
      targetId: key,
      before: { value: current.value, source: current.source },
      after: { value: next, source: "stored" },
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return toSetting(key, saved);
  });
}

/** Removes the stored value so the default applies again; with nothing stored, a no-op. */
export async function resetPlatformSetting(db: Db, rawKey: string, meta: CatalogAdminMeta): Promise<PlatformSetting> {
  const key = knownKey(rawKey);
  return db.$transaction(async (tx) => {
    const row = await lockedRow(tx, key);
    if (!row) return toSetting(key, null);
    const before = toSetting(key, row);
    await tx.platformSetting.delete({ where: { key } });
    await writeAudit(tx, {
      actorId: meta.actorId,
      action: "setting.reset",
      targetType: "platform_setting",
      targetId: key,
      before: { value: row.value as Prisma.InputJsonValue, source: before.source },
      after: { value: PLATFORM_SETTINGS[key].default, source: "default" },
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return toSetting(key, null);
  });
}
