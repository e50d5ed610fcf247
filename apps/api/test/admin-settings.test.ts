/**
 * /api/v1/admin/settings and tRPC `admin.settings`: every registered key with its value, default
 * and source; values checked by their key's schema (400 naming `value`, 404 for unknown keys);
 * reset to default; one audit row per real change.
 */
import { PLATFORM_SETTING_KEYS, type PlatformSetting, type Problem } from "@sira/contracts";
import { getSetting } from "@sira/domain";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, countQueries, jsonSender, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";
import { callerAs } from "./trpc-caller.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const BASE = "/api/v1/admin/settings";
const send = jsonSender(app, "settings-test");

async function list(admin: SignedIn): Promise<Record<string, PlatformSetting>> {
  const body = (await (await send(admin, "GET", BASE)).json()) as { items: PlatformSetting[] };
  return Object.fromEntries(body.items.map((s) => [s.key, s]));
}

describe("GET /admin/settings", () => {
  it("returns every key with its default when nothing is stored, in one SQL statement after the role read", async () => {
    const admin = await signIn(deps, { role: "admin" });
    let settings: Record<string, PlatformSetting> = {};
    const queries = await countQueries(deps, async () => {
      settings = await list(admin);
    });
    expect(queries).toBe(1 + 1); // the caller's role from the database (decision 0029), then the settings
    expect(Object.keys(settings).sort()).toEqual([...PLATFORM_SETTING_KEYS].sort());
    expect(settings["tutor.free_daily_messages"]).toEqual({
      key: "tutor.free_daily_messages",
      value: 5,
      default: 5,
      source: "default",
      description: "AI tutor messages per day for learners without a subscription",
      updated_at: null,
      updated_by: null,
    });
    expect(settings["marketplace.commission_pct"]?.value).toBe(30);
    expect(settings["platform.default_language"]?.value).toBe("fr");
  });
});

describe("PUT and DELETE /admin/settings/{key}", () => {
  it("stores a valid value, audits it with the request id, and getSetting reads it typed", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const res = await send(admin, "PUT", `${BASE}/tutor.free_daily_messages`, { value: 12 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as PlatformSetting;
    expect(body).toMatchObject({
      key: "tutor.free_daily_messages",
      value: 12,
      source: "stored",
      updated_by: admin.userId,
    });
    expect(body.updated_at).not.toBeNull();
    const audits = await deps.db.auditLog.findMany({ where: { action: "setting.updated" } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      actorId: admin.userId,
      targetType: "platform_setting",
      targetId: "tutor.free_daily_messages",
      requestId: res.headers.get("x-request-id"),
      before: { value: 5, source: "default" },
      after: { value: 12, source: "stored" },
    });
    const value: number = await getSetting(deps.db, "tutor.free_daily_messages");
    expect(value).toBe(12);
    expect((await list(admin))["tutor.free_daily_messages"]?.source).toBe("stored");

    // The same value again changes and audits nothing.
    expect((await send(admin, "PUT", `${BASE}/tutor.free_daily_messages`, { value: 12 })).status).toBe(200);
    expect(await deps.db.auditLog.count({ where: { action: "setting.updated" } })).toBe(1);
  });

  it("resets to the default, auditing the old value, and a second reset is a no-op", async () => {
    const admin = await signIn(deps, { role: "admin" });
    await send(admin, "PUT", `${BASE}/platform.default_language`, { value: "en" });
    expect(await getSetting(deps.db, "platform.default_language")).toBe("en");
    const res = await send(admin, "DELETE", `${BASE}/platform.default_language`);
    expect(await res.json()).toMatchObject({ value: "fr", source: "default", updated_at: null });
    const audits = await deps.db.auditLog.findMany({ where: { action: "setting.reset" } });
    expect(audits.map((a) => [a.requestId, a.before, a.after])).toEqual([
      [res.headers.get("x-request-id"), { value: "en", source: "stored" }, { value: "fr", source: "default" }],
    ]);
    expect(await getSetting(deps.db, "platform.default_language")).toBe("fr");
    expect((await send(admin, "DELETE", `${BASE}/platform.default_language`)).status).toBe(200);
    expect(await deps.db.auditLog.count({ where: { action: "setting.reset" } })).toBe(1);
  });

  const invalid: [string, unknown][] = [
    ["tutor.free_daily_messages", 1001],
    ["tutor.free_daily_messages", -1],
    ["tutor.free_daily_messages", 2.5],
    ["tutor.free_daily_messages", "5"],
    ["marketplace.commission_pct", 101],
    ["platform.default_language", "de"],
    ["uploads.max_mb", 0],
  ];
  for (const [key, value] of invalid) {
    it(`refuses ${JSON.stringify(value)} for ${key} with a 400 naming value, storing nothing`, async () => {
      const admin = await signIn(deps, { role: "admin" });
      const res = await send(admin, "PUT", `${BASE}/${key}`, { value });
      expect(res.status).toBe(400);
      const p = (await res.json()) as Problem;
      expect(p.code).toBe("VALIDATION_FAILED");
      expect(p.errors?.map((e) => e.field)).toEqual(["value"]);
      expect(await deps.db.platformSetting.count()).toBe(0);
      expect(await deps.db.auditLog.count()).toBe(0);
    });
  }

  it("refuses a missing value and extra keys, naming them", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const missing = (await (await send(admin, "PUT", `${BASE}/uploads.max_mb`, {})).json()) as Problem;
    expect(missing.errors?.map((e) => e.field)).toEqual(["value"]);
    const extra = (await (
      await send(admin, "PUT", `${BASE}/uploads.max_mb`, { value: 10, key: "x" })
    ).json()) as Problem;
    expect(extra.errors?.map((e) => e.field)).toEqual(["key"]);
    expect(await deps.db.platformSetting.count()).toBe(0);
  });

  it("answers 404 for an unknown key, in the request's language", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const put = await send(admin, "PUT", `${BASE}/tutor.unknown`, { value: 1 });
    expect(put.status).toBe(404);
    expect(((await put.json()) as Problem).detail).toBe('There is no setting named "tutor.unknown".');
    const del = await send(admin, "DELETE", `${BASE}/nope`, undefined, "fr");
    expect(del.status).toBe(404);
    expect(((await del.json()) as Problem).detail).toBe("Aucun réglage ne s'appelle « nope ».");
  });

  it("falls back to the default when a stored value no longer fits its schema", async () => {
    const admin = await signIn(deps, { role: "admin" });
    await deps.db.platformSetting.create({ data: { key: "marketplace.commission_pct", value: "beaucoup" } });
    expect(await getSetting(deps.db, "marketplace.commission_pct")).toBe(30);
    expect((await list(admin))["marketplace.commission_pct"]).toMatchObject({ value: 30, source: "default" });
  });
});

describe("tRPC admin.settings", () => {
  it("lists, updates with the key's schema, and resets", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const caller = await callerAs(deps, admin, { lang: "en", requestId: "trpc-settings-0001" });
    expect((await caller.admin.settings.list()).items).toHaveLength(PLATFORM_SETTING_KEYS.length);
    expect(await caller.admin.settings.update({ key: "uploads.max_mb", value: 50 })).toMatchObject({ value: 50 });
    const bad = await caller.admin.settings.update({ key: "uploads.max_mb", value: 500 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(TRPCError);
    expect((bad as TRPCError).code).toBe("BAD_REQUEST");
    const unknown = await caller.admin.settings.update({ key: "nope", value: 1 }).catch((e: unknown) => e);
    expect((unknown as TRPCError).code).toBe("NOT_FOUND");
    expect(await caller.admin.settings.reset({ key: "uploads.max_mb" })).toMatchObject({
      value: 25,
      source: "default",
    });
    const rows = await deps.db.auditLog.findMany({ where: { targetId: "uploads.max_mb" } });
    expect(rows.map((r) => r.action).sort()).toEqual(["setting.reset", "setting.updated"]);
    expect(rows.every((r) => r.requestId === "trpc-settings-0001")).toBe(true);
  });
});
