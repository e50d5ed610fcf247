/**
 * GET /api/v1/admin/users (tRPC admin.listUsers): the staff directory. Found by the start of the
 * email or of a word of the name, ignoring case and accents, filtered by role and status, paged by
 * name in two statements, erased accounts left out, no credential ever in the answer; refused to
 * anyone but an admin (the shared refusal suite).
 */
import { createAdmin } from "@sira/domain";
import pg from "pg";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { type AdminCaller, describeAdminRefusals } from "./admin-refusals.ts";
import { closeTestDeps, countQueries, jsonSender, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";
import { callerAs } from "./trpc-caller.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "admin-users");
beforeEach(resetState);
afterAll(closeTestDeps);

interface Listed {
  items: Record<string, unknown>[];
  page: number;
  limit: number;
  total: number;
  has_more: boolean;
}

async function list(admin: SignedIn, query = ""): Promise<Listed> {
  const res = await send(admin, "GET", `/api/v1/admin/users${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Listed;
}

const names = (listed: Listed) => listed.items.map((u) => u.name);

describe("GET /api/v1/admin/users", () => {
  it("finds accounts by the start of the email or of a word of the name, ignoring case and accents", async () => {
    const admin = await signIn(deps, { role: "admin", name: "Aminata Sow", email: "aminata.sow@sira.test" });
    await signIn(deps, { role: "expert", name: "Sékou Traoré", email: "s.traore@sira.test" });
    await signIn(deps, { role: "expert", name: "Mariama Ba", email: "mba@sira.test" });
    await signIn(deps, { role: "learner", name: "Fatou Ndiaye", email: "fatou@sira.test" });

    expect(names(await list(admin))).toEqual(["Aminata Sow", "Fatou Ndiaye", "Mariama Ba", "Sékou Traoré"]);
    expect(names(await list(admin, "?search=sekou"))).toEqual(["Sékou Traoré"]);
    expect(names(await list(admin, "?search=TRAO"))).toEqual(["Sékou Traoré"]);
    expect(names(await list(admin, "?search=amin"))).toEqual(["Aminata Sow"]);
    expect(names(await list(admin, "?search=mba%40"))).toEqual(["Mariama Ba"]);
    // The middle of a word is not its start.
    expect(names(await list(admin, "?search=inata"))).toEqual([]);
    // LIKE's wildcards are searched as text.
    expect(names(await list(admin, "?search=%25"))).toEqual([]);
    expect(names(await list(admin, "?role=expert"))).toEqual(["Mariama Ba", "Sékou Traoré"]);
    expect(names(await list(admin, "?role=expert&search=ba"))).toEqual(["Mariama Ba"]);
  });

  it("pages by name, filters by status, and leaves erased accounts out", async () => {
    const admin = await signIn(deps, { role: "admin", name: "Aminata Sow" });
    for (const name of ["Binta Diallo", "Codou Faye", "Dieynaba Sall"]) await signIn(deps, { name });
    const erased = await signIn(deps, { name: "Eva Ndour" });
    await deps.db.user.update({ where: { id: erased.userId }, data: { deletedAt: new Date() } });
    const disabled = await signIn(deps, { name: "Fanta Kane" });
    await send(admin, "POST", `/api/v1/admin/users/${disabled.userId}/disable`);

    const first = await list(admin, "?limit=2");
    expect([names(first), first.total, first.has_more]).toEqual([["Aminata Sow", "Binta Diallo"], 5, true]);
    const last = await list(admin, "?limit=2&page=3");
    expect([names(last), last.has_more]).toEqual([["Fanta Kane"], false]);
    expect(names(await list(admin, "?status=disabled"))).toEqual(["Fanta Kane"]);
    expect(names(await list(admin, "?search=eva"))).toEqual([]);
  });

  it("lists who an account is and its state, never a credential, in two statements whatever the page", async () => {
    const admin = await signIn(deps, { role: "admin", name: "Aminata Sow" });
    const env = {
      db: deps.db,
      config: deps.config,
      logger: deps.logger,
      mailer: deps.mailer,
      denylist: deps.denylist,
      usage: deps.usage,
      meta: { ip: null, userAgent: "vitest", requestId: null, now: new Date() },
    };
    const enrolled = await createAdmin(env, {
      email: "ousmane.diop@sira.test",
      name: "Ousmane Diop",
      country: "SN",
      preferredLanguage: "fr",
    });
    const res = await send(admin, "GET", "/api/v1/admin/users?search=ousmane");
    const text = await res.text();
    const body = JSON.parse(text) as Listed;
    expect(Object.keys(body.items[0] ?? {}).sort()).toEqual(
      [
        "country",
        "created_at",
        "email",
        "email_verified",
        "id",
        "last_active",
        "name",
        "preferred_language",
        "role",
        "status",
      ].sort(),
    );
    expect(body.items[0]).toMatchObject({ name: "Ousmane Diop", role: "admin", status: "pending_mfa" });
    expect(text).not.toContain(enrolled.totp.secret);
    const stored = await deps.db.totpCredential.findMany({ select: { secretCiphertext: true } });
    expect(stored.length).toBe(1);
    for (const row of stored) {
      expect(text).not.toContain(Buffer.from(row.secretCiphertext).toString("base64"));
      expect(text).not.toContain(Buffer.from(row.secretCiphertext).toString("hex"));
    }
    expect(text).not.toMatch(/secret|password|token|hash/i);

    for (let i = 0; i < 25; i++) await signIn(deps, { name: `Apprenant ${i}` });
    const small = await countQueries(deps, () => list(admin, "?limit=2"));
    const large = await countQueries(deps, () => list(admin, "?limit=100&search=apprenant"));
    // Sign-in's session check and the admin's role read, then the page and its count.
    expect(large).toBe(small);
  });

  it("searches through users_directory_trgm_idx", async () => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      // A directory big enough for the planner to prefer the index over a scan.
      await client.query(`INSERT INTO users (email, name, country, professional_role, status)
        SELECT 'u' || g || '@sira.test', 'Nom ' || md5(g::text), 'SN', 'nurse', 'active'
          FROM generate_series(1, 20000) g`);
      await client.query("ANALYZE users");
      const seen: { query: string; params: string }[] = [];
      const listener = (e: { query: string; params: string }) => seen.push(e);
      (deps.db as unknown as { $on(ev: "query", cb: typeof listener): void }).$on("query", listener);
      const admin = await signIn(deps, { role: "admin" });
      await list(admin, "?search=abcdef");
      const sent = seen.find((q) => q.query.includes("count(*)") && q.query.includes("sira_search_normalize"));
      expect(sent).toBeDefined();
      const plan = await client.query(`EXPLAIN ${sent?.query}`, JSON.parse(sent?.params ?? "[]"));
      const text = plan.rows.map((r: { "QUERY PLAN": string }) => r["QUERY PLAN"]).join("\n");
      expect(text).toContain("Bitmap Index Scan on users_directory_trgm_idx");
    } finally {
      await client.end();
    }
  });

  it("answers a bad filter with a 400 naming the field", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const res = await send(admin, "GET", "/api/v1/admin/users?role=owner");
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { code: string; errors: { field: string }[] };
    expect(problem.code).toBe("VALIDATION_FAILED");
    expect(problem.errors.map((e) => e.field)).toEqual(["role"]);
  });

  it("serves the same page over tRPC as admin.listUsers", async () => {
    const admin = await signIn(deps, { role: "admin", name: "Aminata Sow" });
    await signIn(deps, { role: "expert", name: "Mariama Ba" });
    const caller = await callerAs(deps, admin, { lang: "fr" });
    const page = await caller.admin.listUsers({ page: 1, limit: 20, role: "expert" });
    expect(page.items.map((u) => u.name)).toEqual(["Mariama Ba"]);
    expect(page).toMatchObject({ page: 1, limit: 20, total: 1, has_more: false });
  });
});

const ID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

describeAdminRefusals({
  name: "/api/v1/admin/users",
  app,
  deps,
  routes: [
    ["GET", "/api/v1/admin/users", undefined],
    ["GET", "/api/v1/admin/users?search=a&role=admin", undefined],
    ["PUT", `/api/v1/admin/users/${ID}/role`, { role: "admin" }],
  ],
  procedures: [
    ["listUsers", (c: AdminCaller) => c.admin.listUsers({ page: 1, limit: 20 })],
    ["changeUserRole", (c: AdminCaller) => c.admin.changeUserRole({ user_id: ID, role: "admin" })],
  ],
  snapshot: () => Promise.all([deps.db.auditLog.count(), deps.db.user.count({ where: { role: "admin" } })]),
});
