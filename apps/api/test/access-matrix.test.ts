/**
 * The access matrix: every kind of caller against every kind of catalog object, for the list and
 * the detail endpoints. One table: add a viewer to VIEWERS or an object to OBJECTS and every cell
 * is checked. Hidden means absent from the list and 404 on the detail (never 403).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantGroup, grantUser, makeCourse, makeCurriculum } from "./catalog.fixtures.ts";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

// The matrix sends two requests per cell: more than one client IP may send in a minute.
const { app, deps } = testApp({ RATE_LIMIT_PER_MINUTE: "100000" });
afterAll(closeTestDeps);

const VIEWERS = ["anonymous", "learner", "direct", "group", "owner", "expert", "admin"] as const;
type Viewer = (typeof VIEWERS)[number];
const LABELS: Record<Viewer, string> = {
  anonymous: "anonymous",
  learner: "learner without access",
  direct: "learner with direct access",
  group: "learner with group access",
  owner: "expert owner",
  expert: "expert non-owner",
  admin: "admin",
};

interface World {
  users: Record<Exclude<Viewer, "anonymous">, SignedIn>;
  /** The curriculum the direct and group learners were granted. */
  grant(curriculumId: string): Promise<void>;
}

interface CatalogObject {
  name: string;
  kind: "course" | "curriculum";
  make(world: World): Promise<{ id: string; slug: string }>;
  /** Who finds it in the list endpoint. */
  list: readonly Viewer[];
  /** Who gets a 200 from the detail endpoint (everyone else a 404). */
  detail: readonly Viewer[];
}

const ALL = VIEWERS;
const SIGNED_IN = VIEWERS.filter((v) => v !== "anonymous");
const GRANTED = ["direct", "group", "admin"] as const;

const course = (world: World, input: Parameters<typeof makeCourse>[1]) =>
  makeCourse(deps, { expertId: world.users.owner.userId, ...input });

const OBJECTS: CatalogObject[] = [
  {
    name: "public published course",
    kind: "course",
    make: (w) => course(w, {}),
    list: ALL,
    detail: ALL,
  },
  {
    name: "private course in a private curriculum",
    kind: "course",
    make: async (w) => {
      const c = await course(w, { visibility: "private" });
      await w.grant((await makeCurriculum(deps, [c.id], { visibility: "private" })).id);
      return c;
    },
    list: GRANTED,
    detail: [...GRANTED, "owner"],
  },
  {
    name: "draft course",
    kind: "course",
    make: (w) => course(w, { status: "draft" }),
    list: [],
    detail: ["owner", "admin"],
  },
  {
    name: "archived course, caller not enrolled",
    kind: "course",
    make: (w) => course(w, { status: "archived" }),
    list: [],
    detail: ["owner", "admin"],
  },
  {
    name: "archived course, caller enrolled before archiving",
    kind: "course",
    make: async (w) => {
      const c = await course(w, { status: "archived" });
      await deps.db.userCourseEnrollment.createMany({
        data: Object.values(w.users).map((u) => ({ userId: u.userId, courseId: c.id, completionPct: 30 })),
      });
      return c;
    },
    list: [],
    detail: SIGNED_IN,
  },
  {
    name: "public published curriculum",
    kind: "curriculum",
    make: () => makeCurriculum(deps, []),
    list: ALL,
    detail: ALL,
  },
  {
    name: "private published curriculum",
    kind: "curriculum",
    make: async (w) => {
      const cur = await makeCurriculum(deps, [], { visibility: "private" });
      await w.grant(cur.id);
      return cur;
    },
    list: GRANTED,
    detail: GRANTED,
  },
  {
    name: "draft curriculum",
    kind: "curriculum",
    make: (w) => grantedCurriculum(w, "draft"),
    list: [],
    detail: ["admin"],
  },
  {
    name: "archived curriculum",
    kind: "curriculum",
    make: (w) => grantedCurriculum(w, "archived"),
    list: [],
    detail: ["admin"],
  },
];

/** A curriculum granted to the direct and group learners, then moved to `status`. */
async function grantedCurriculum(world: World, status: "draft" | "archived") {
  const c = await makeCurriculum(deps, []);
  await world.grant(c.id);
  await deps.db.curriculum.update({ where: { id: c.id }, data: { status } });
  return c;
}

const made = new Map<string, { id: string; slug: string }>();
let world: World;

beforeAll(async () => {
  await resetState();
  const users = {
    learner: await signIn(deps),
    direct: await signIn(deps),
    group: await signIn(deps),
    owner: await signIn(deps, { role: "expert" }),
    expert: await signIn(deps, { role: "expert" }),
    admin: await signIn(deps, { role: "admin" }),
  };
  world = {
    users,
    grant: async (curriculumId) => {
      await grantUser(deps, curriculumId, users.direct.userId);
      await grantGroup(deps, curriculumId, [users.group.userId]);
    },
  };
  for (const object of OBJECTS) made.set(object.name, await object.make(world));
});

const headersOf = (viewer: Viewer): Record<string, string> =>
  viewer === "anonymous" ? {} : world.users[viewer].headers;

async function listedIds(kind: CatalogObject["kind"], viewer: Viewer): Promise<string[]> {
  const path = kind === "course" ? "/api/v1/courses?limit=100" : "/api/v1/curricula?limit=100";
  const res = await app.request(path, { headers: headersOf(viewer) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: { id: string }[] }).items.map((i) => i.id);
}

describe.each(OBJECTS)("$name", (object) => {
  it.each(VIEWERS.map((v) => [LABELS[v], v] as const))("as %s", async (_label, viewer) => {
    const target = made.get(object.name) as { id: string; slug: string };
    const listed = (await listedIds(object.kind, viewer)).includes(target.id);
    expect(listed, "listed").toBe(object.list.includes(viewer));

    const detailPath = object.kind === "course" ? `/api/v1/courses/${target.id}` : `/api/v1/curricula/${target.slug}`;
    const res = await app.request(detailPath, { headers: headersOf(viewer) });
    const expected = object.detail.includes(viewer) ? 200 : 404;
    expect(res.status, "detail").toBe(expected);
    if (expected === 404) expect(((await res.json()) as { code: string }).code).toBe("NOT_FOUND");
  });
});
