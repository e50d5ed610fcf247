/**
 * /api/v1/users/me and tRPC `users`: reading and changing one's own profile, `?fields=`, ETags,
 * the audit of changes, the effective time zone and the streak as the profile shows it.
 */
import type { Profile } from "@sira/contracts";
import { recordLearningActivity } from "@sira/domain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";
import { callerAs } from "./trpc-caller.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const ME = "/api/v1/users/me";
const DAY = 86_400_000;

function patch(user: SignedIn, body: unknown, headers: Record<string, string> = {}) {
  return app.request(ME, {
    method: "PATCH",
    headers: { ...user.headers, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

function callerFor(user: SignedIn | null) {
  return callerAs(deps, user);
}

describe("GET /api/v1/users/me", () => {
  it("returns the caller's profile, with the zone derived from the country", async () => {
    const user = await signIn(deps, { name: "Aïssatou Ba", country: "SN", preferredLanguage: "fr" });
    const res = await app.request(ME, { headers: user.headers });
    expect(res.status).toBe(200);
    const row = await deps.db.user.findUniqueOrThrow({ where: { id: user.userId } });
    expect(await res.json()).toEqual({
      id: user.userId,
      email: user.email,
      name: "Aïssatou Ba",
      preferred_language: "fr",
      country: "SN",
      professional_role: "nurse",
      current_level: 1,
      streak_days: 0,
      last_active: null,
      timezone: "Africa/Dakar",
      role: "learner",
      created_at: row.createdAt.toISOString(),
      updated_at: row.updatedAt.toISOString(),
    });
  });

  it("trims to ?fields= and always keeps id", async () => {
    const user = await signIn(deps);
    const res = await app.request(`${ME}?fields=name,streak_days`, { headers: user.headers });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: user.userId, name: "Aminata Traoré", streak_days: 0 });
  });

  it("carries a strong ETag, and If-None-Match gets a 304 until the profile changes", async () => {
    const user = await signIn(deps);
    const first = await app.request(ME, { headers: user.headers });
    const tag = first.headers.get("etag");
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    const again = await app.request(ME, { headers: { ...user.headers, "if-none-match": tag as string } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect((await patch(user, { name: "Awa" })).status).toBe(200);
    const changed = await app.request(ME, { headers: { ...user.headers, "if-none-match": tag as string } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(tag);
  });

  it("shows the streak and last activity that learning recorded, and 0 once the streak is broken", async () => {
    const user = await signIn(deps);
    const now = new Date();
    await recordLearningActivity(deps.db, user.userId, new Date(now.getTime() - DAY));
    await recordLearningActivity(deps.db, user.userId, now);
    const body = (await (await app.request(ME, { headers: user.headers })).json()) as Profile;
    expect(body.streak_days).toBe(2);
    expect(body.last_active).toBe(now.toISOString());

    await deps.db.user.update({
      where: { id: user.userId },
      data: { streakDays: 5, lastActive: new Date(now.getTime() - 3 * DAY) },
    });
    const broken = (await (await app.request(ME, { headers: user.headers })).json()) as Profile;
    expect(broken.streak_days).toBe(0);
  });
});

describe("PATCH /api/v1/users/me", () => {
  it("changes what the user may change and returns the new profile", async () => {
    const user = await signIn(deps, { country: "SN" });
    const res = await patch(user, {
      name: "  Fatou Ndiaye ",
      preferred_language: "en",
      country: "ml",
      professional_role: "community health worker",
      timezone: "africa/lagos",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id: user.userId,
      name: "Fatou Ndiaye",
      preferred_language: "en",
      country: "ML",
      professional_role: "community health worker",
      timezone: "Africa/Lagos",
    });
    const row = await deps.db.user.findUniqueOrThrow({ where: { id: user.userId } });
    expect(row).toMatchObject({
      name: "Fatou Ndiaye",
      preferredLanguage: "en",
      country: "ML",
      professionalRole: "community health worker",
      timezone: "Africa/Lagos",
    });
  });

  it("audits only the fields that changed, before and after, in the same request", async () => {
    const user = await signIn(deps, { name: "Awa", country: "SN" });
    const res = await patch(user, { name: "Awa Diop", country: "SN", preferred_language: "fr" });
    expect(res.status).toBe(200);
    const audits = await deps.db.auditLog.findMany({ where: { action: "user.profile_updated" } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      actorId: user.userId,
      targetType: "user",
      targetId: user.userId,
      before: { name: "Awa" },
      after: { name: "Awa Diop" },
      requestId: res.headers.get("x-request-id"),
    });
  });

  it("changes nothing and audits nothing when the values are already current", async () => {
    const user = await signIn(deps, { name: "Awa" });
    const before = await deps.db.user.findUniqueOrThrow({ where: { id: user.userId } });
    const res = await patch(user, { name: "Awa" });
    expect(res.status).toBe(200);
    const after = await deps.db.user.findUniqueOrThrow({ where: { id: user.userId } });
    expect(after.updatedAt).toEqual(before.updatedAt);
    expect(await deps.db.auditLog.count({ where: { action: "user.profile_updated" } })).toBe(0);
  });

  it("derives the zone from the new country until one is set, and goes back to it on timezone: null", async () => {
    const user = await signIn(deps, { country: "SN" });
    expect(((await (await patch(user, { country: "NG" })).json()) as Profile).timezone).toBe("Africa/Lagos");
    expect(((await (await patch(user, { timezone: "Europe/Paris" })).json()) as Profile).timezone).toBe("Europe/Paris");
    expect(((await (await patch(user, { country: "CM" })).json()) as Profile).timezone).toBe("Europe/Paris");
    const reset = await patch(user, { timezone: null });
    expect(((await reset.json()) as Profile).timezone).toBe("Africa/Douala");
    expect((await deps.db.user.findUniqueOrThrow({ where: { id: user.userId } })).timezone).toBeNull();
  });
});

describe("tRPC users", () => {
  it("users.me returns what GET /users/me returns", async () => {
    const user = await signIn(deps);
    const rest = await (await app.request(ME, { headers: user.headers })).json();
    expect(await (await callerFor(user)).users.me()).toEqual(rest);
  });

  it("users.update changes the profile and audits it", async () => {
    const user = await signIn(deps, { country: "CI" });
    const profile = await (await callerFor(user)).users.update({ professional_role: "pharmacist", timezone: "UTC" });
    expect(profile).toMatchObject({ professional_role: "pharmacist", timezone: "UTC", country: "CI" });
    expect(await deps.db.auditLog.count({ where: { action: "user.profile_updated", actorId: user.userId } })).toBe(1);
  });

  it("serves users.me and users.update over HTTP with the bearer token", async () => {
    const user = await signIn(deps);
    const me = await app.request("/trpc/users.me", { headers: user.headers });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { result: { data: Profile } }).result.data.id).toBe(user.userId);
    const updated = await app.request("/trpc/users.update", {
      method: "POST",
      headers: { ...user.headers, "content-type": "application/json" },
      body: JSON.stringify({ name: "Mariama" }),
    });
    expect(updated.status).toBe(200);
    expect(((await updated.json()) as { result: { data: Profile } }).result.data.name).toBe("Mariama");
  });
});
