/**
 * The first screen on 2G: the catalog, the dashboard and the learner's enrollments, each with its
 * default query, fit together in one initial TCP window (RFC 6928: 10 × 1,460 = 14,600 bytes) for
 * a learner enrolled in 10 of 20 catalog courses, in both codings phones negotiate (gzip: OkHttp's
 * default; brotli). Counted twice: the bodies, and every byte the server writes on an HTTP/1.1
 * socket (status line, headers and body), which is what the window really carries. Bytes are
 * deterministic, so this is a budget, not a timing. The learner's state is built through the
 * enrollment and progress routes (first-screen.world.ts, shared with `pnpm bench:payload`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FIRST_SCREEN_CATALOG,
  FIRST_SCREEN_ENROLLED,
  FIRST_SCREEN_PATHS,
  firstScreenLearner,
  INITIAL_WINDOW_BYTES,
  seedFirstScreenCatalog,
  wireBytes,
} from "./first-screen.world.ts";
import { closeTestDeps, listen, resetState, testApp } from "./helpers.ts";

const { app, deps } = testApp({ RATE_LIMIT_PER_MINUTE: "100000" });
afterAll(closeTestDeps);

let headers: Record<string, string>;
let base: string;
beforeAll(async () => {
  await resetState();
  const courses = await seedFirstScreenCatalog(deps.db);
  ({ headers } = await firstScreenLearner(deps.db, deps.config, (path, init) => app.request(path, init), courses));
  base = await listen(app);
});

/** What the state check reads of the three answers. */
interface Lists {
  items?: unknown[];
  courses?: unknown[];
}

describe("first screen", () => {
  it("shows the whole state: 20 catalog courses, 10 enrollments, 10 dashboard courses", async () => {
    const [catalog, dashboard, enrollments] = await Promise.all(
      FIRST_SCREEN_PATHS.map(async (p) => (await (await app.request(p, { headers })).json()) as Lists),
    );
    expect(catalog?.items).toHaveLength(FIRST_SCREEN_CATALOG);
    expect(dashboard?.courses).toHaveLength(FIRST_SCREEN_ENROLLED);
    expect(enrollments?.items).toHaveLength(FIRST_SCREEN_ENROLLED);
  });

  for (const encoding of ["gzip", "br"] as const) {
    it(`fits one initial TCP window with ${encoding}, headers included`, async () => {
      const sizes: Record<string, { wire: number; body: number }> = {};
      for (const path of FIRST_SCREEN_PATHS) {
        const { wire, body, head } = await wireBytes(base, path, { ...headers, "accept-encoding": encoding });
        expect(head, path).toMatch(/^HTTP\/1\.1 200 /);
        expect(head.toLowerCase(), path).toContain(`content-encoding: ${encoding}`);
        sizes[path] = { wire, body };
      }
      const bodies = Object.values(sizes).reduce((sum, s) => sum + s.body, 0);
      const wire = Object.values(sizes).reduce((sum, s) => sum + s.wire, 0);
      expect(bodies, JSON.stringify(sizes)).toBeLessThanOrEqual(INITIAL_WINDOW_BYTES);
      expect(wire, JSON.stringify(sizes)).toBeLessThanOrEqual(INITIAL_WINDOW_BYTES);
    });
  }
});
