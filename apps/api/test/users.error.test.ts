/**
 * What bad input to /users/me gets: a 400 naming the fields, in the request's language, with the
 * database unchanged. Unknown fields are refused by name (no mass assignment).
 */
import type { Problem } from "@sira/contracts";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const ME = "/api/v1/users/me";

function send(method: string, user: SignedIn, body: unknown, headers: Record<string, string> = {}) {
  return app.request(ME, {
    method,
    headers: { ...user.headers, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function problem(res: Response): Promise<Problem> {
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  return (await res.json()) as Problem;
}

const row = (id: string) => deps.db.user.findUniqueOrThrow({ where: { id } });

describe("PATCH /users/me refuses fields a user may not set", () => {
  const forbidden: Record<string, unknown> = {
    role: "admin",
    streak_days: 365,
    email: "someone-else@example.org",
    current_level: 4,
    status: "active",
    deleted_at: null,
    id: "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b",
  };

  for (const [field, value] of Object.entries(forbidden)) {
    it(`refuses ${field} by name, even next to an allowed field, and changes nothing`, async () => {
      const user = await signIn(deps, { name: "Awa" });
      const before = await row(user.userId);
      const res = await send("PATCH", user, { name: "Hacker", [field]: value }, { "accept-language": "en" });
      expect(res.status).toBe(400);
      const body = await problem(res);
      expect(body.code).toBe("VALIDATION_FAILED");
      expect(body.errors).toEqual([{ field, code: "unrecognized_keys", message: "Field not allowed." }]);
      expect(await row(user.userId)).toEqual(before);
      expect(await deps.db.auditLog.count({ where: { action: "user.profile_updated" } })).toBe(0);
    });
  }

  it("names every unknown field at once, in French by default", async () => {
    const user = await signIn(deps);
    const body = await problem(await send("PATCH", user, { role: "admin", streak_days: 99 }));
    expect(body.detail).toBe("La requête contient des données invalides.");
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { field: "role", code: "unrecognized_keys", message: "Champ non autorisé." },
        { field: "streak_days", code: "unrecognized_keys", message: "Champ non autorisé." },
      ]),
    );
  });
});

describe("PATCH /users/me validates each field", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["an unknown country", { country: "ZZ" }, "country"],
    ["a country that is not alpha-2", { country: "SEN" }, "country"],
    ["an unknown time zone", { timezone: "Mars/Olympus_Mons" }, "timezone"],
    ["a UTC offset instead of a zone", { timezone: "+01:00" }, "timezone"],
    ["an unsupported language", { preferred_language: "de" }, "preferred_language"],
    ["an empty name", { name: "   " }, "name"],
    ["a name over 120 characters", { name: "A".repeat(121) }, "name"],
    ["an empty professional role", { professional_role: "" }, "professional_role"],
    ["a name of the wrong type", { name: 42 }, "name"],
    ["a name with a right-to-left override", { name: "Awa \u202Egnp.exe" }, "name"],
    ["a name with a line break", { name: "Awa\nDiallo" }, "name"],
    ["a name of only invisible characters", { name: "\u200B\u2060" }, "name"],
    ["a professional role with a tab", { professional_role: "nurse\tadmin" }, "professional_role"],
  ];

  it("says why a name is refused, in French too", async () => {
    const user = await signIn(deps);
    const res = await send("PATCH", user, { name: "Awa \u202Egnp.exe" }, { "accept-language": "fr" });
    expect((await problem(res)).errors).toEqual([
      {
        field: "name",
        code: "custom",
        message: "Les caractères de contrôle et d'inversion du sens du texte ne sont pas acceptés.",
      },
    ]);
  });

  it("takes names as people write them: accents, other scripts, apostrophes, right-to-left marks", async () => {
    const user = await signIn(deps);
    for (const name of ["Aïssatou N'Diaye-Touré", "Ṣọlá Àdìgún", "مريم\u200F سيسي", "李小龙"]) {
      const res = await send("PATCH", user, { name });
      expect([name, res.status]).toEqual([name, 200]);
      expect((await row(user.userId)).name).toBe(name);
    }
  });

  for (const [what, body, field] of cases) {
    it(`refuses ${what}: 400 naming ${field}`, async () => {
      const user = await signIn(deps);
      const before = await row(user.userId);
      const res = await send("PATCH", user, body);
      expect(res.status).toBe(400);
      const problemBody = await problem(res);
      expect(problemBody.code).toBe("VALIDATION_FAILED");
      expect(problemBody.errors?.map((e) => e.field)).toEqual([field]);
      expect(await row(user.userId)).toEqual(before);
    });
  }

  it("refuses an empty change", async () => {
    const user = await signIn(deps);
    const res = await send("PATCH", user, {});
    expect(res.status).toBe(400);
    expect((await problem(res)).code).toBe("VALIDATION_FAILED");
  });

  it("refuses a body that is not JSON", async () => {
    const user = await signIn(deps);
    const res = await send("PATCH", user, "{name: oops");
    expect(res.status).toBe(400);
    expect((await problem(res)).code).toBe("MALFORMED_JSON");
  });

  it("refuses a body that is not an object", async () => {
    const user = await signIn(deps);
    const res = await send("PATCH", user, ["name"]);
    expect(res.status).toBe(400);
    expect((await problem(res)).code).toBe("VALIDATION_FAILED");
  });
});

describe("problem details follow the request's language", () => {
  it("answers in French by default, in English when asked, and in the user's own language otherwise", async () => {
    const fr = await signIn(deps, { preferredLanguage: "fr" });
    const en = await signIn(deps, { preferredLanguage: "en" });
    const invalid = { country: "ZZ" };

    const inFrench = await send("PATCH", fr, invalid);
    expect(inFrench.headers.get("content-language")).toBe("fr");
    expect((await problem(inFrench)).detail).toBe("La requête contient des données invalides.");

    const asked = await send("PATCH", fr, invalid, { "accept-language": "en-GB, fr;q=0.5" });
    expect(asked.headers.get("content-language")).toBe("en");
    expect((await problem(asked)).detail).toBe("The request contains invalid data.");

    const own = await send("PATCH", en, invalid);
    expect(own.headers.get("content-language")).toBe("en");
    expect((await problem(own)).detail).toBe("The request contains invalid data.");
  });
});

describe("GET /users/me?fields=", () => {
  it("refuses unknown field names, naming each and listing the allowed ones", async () => {
    const user = await signIn(deps);
    const res = await app.request(`${ME}?fields=name,totp_secret,password`, {
      headers: { ...user.headers, "accept-language": "en" },
    });
    expect(res.status).toBe(400);
    const body = await problem(res);
    expect(body.code).toBe("UNKNOWN_FIELDS");
    expect(body.errors?.map((e) => e.message)).toEqual(["totp_secret", "password"]);
    expect(body.detail).toContain("Allowed: id, email, name");
  });
});

describe("DELETE /users/me requires an explicit confirmation", () => {
  const refusals: [string, unknown, string][] = [
    ["an empty JSON body", undefined, "MALFORMED_JSON"],
    ["an empty object", {}, "VALIDATION_FAILED"],
    ["the wrong word", { confirm: "yes" }, "VALIDATION_FAILED"],
    ["the word in lower case", { confirm: "delete" }, "VALIDATION_FAILED"],
    ["an extra field", { confirm: "DELETE", user_id: "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b" }, "VALIDATION_FAILED"],
  ];

  for (const [what, body, code] of refusals) {
    it(`refuses ${what} with a 400 ${code} and erases nothing`, async () => {
      const user = await signIn(deps);
      const res = await app.request(ME, {
        method: "DELETE",
        headers: { ...user.headers, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      expect(res.status).toBe(400);
      expect((await problem(res)).code).toBe(code);
      expect(await row(user.userId)).toMatchObject({ email: user.email, deletedAt: null, status: "active" });
      expect((await app.request(ME, { headers: user.headers })).status).toBe(200);
    });
  }
});

describe("DELETE /users/me without a JSON body at all", () => {
  it("is refused with a 400 naming confirm, and erases nothing", async () => {
    const user = await signIn(deps);
    const res = await app.request(ME, { method: "DELETE", headers: user.headers });
    expect(res.status).toBe(400);
    const body = await problem(res);
    expect(body.code).toBe("VALIDATION_FAILED");
    expect(body.errors?.map((e) => e.field)).toEqual(["confirm"]);
    expect(await row(user.userId)).toMatchObject({ email: user.email, deletedAt: null, status: "active" });
  });
});

describe("tRPC users errors", () => {
  it("users.update refuses an unknown field with VALIDATION_FAILED naming it", async () => {
    const user = await signIn(deps, { name: "Awa" });
    const res = await app.request("/trpc/users.update", {
      method: "POST",
      headers: { ...user.headers, "content-type": "application/json", "accept-language": "en" },
      body: JSON.stringify({ name: "X", role: "admin" }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: { message: string; data: { code: string; errors: { field: string; code: string }[] } };
    };
    expect(body.error.data.code).toBe("VALIDATION_FAILED");
    expect(body.error.message).toBe("The request contains invalid data.");
    expect(body.error.data.errors).toEqual([expect.objectContaining({ field: "role", code: "unrecognized_keys" })]);
    expect((await row(user.userId)).name).toBe("Awa");
  });

  it("users.erase refuses a missing confirmation", async () => {
    const user = await signIn(deps);
    const res = await app.request("/trpc/users.erase", {
      method: "POST",
      headers: { ...user.headers, "content-type": "application/json" },
      body: JSON.stringify({ confirm: "oui" }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { data: { code: string } } }).error.data.code).toBe("VALIDATION_FAILED");
    expect((await row(user.userId)).deletedAt).toBeNull();
  });
});
