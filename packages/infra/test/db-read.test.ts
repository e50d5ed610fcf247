/**
 * readRows, the path of reviewed hot reads: the statement is prepared once per connection and run
 * again by name, a transaction's reads see its own writes, every statement reaches query listeners
 * alongside Prisma's, and rows come back as the ORM's raw path gives them. readRowsAfter: its
 * transaction-local settings hold for its query and for nothing after it, even when the query fails.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createDb, onQuery, Prisma, readRows, readRowsAfter } from "../src/db.ts";

const db = createDb({ url: process.env.DATABASE_URL as string, poolMax: 1, logQueries: true });
afterAll(() => db.$disconnect());

const probe = (n: number) =>
  Prisma.sql`SELECT ${n}::int AS n, now() AS at, '{"a":[1]}'::json AS doc, ARRAY['x','y'] AS list`;

describe("readRows", () => {
  it("prepares a statement once per connection and reuses it by name", async () => {
    const text = probe(1).text;
    const before = await readRows<{ count: number }>(
      db,
      Prisma.sql`SELECT count(*)::int AS count FROM pg_prepared_statements WHERE statement = ${text}`,
    );
    await readRows(db, probe(1));
    await readRows(db, probe(2));
    const prepared = await readRows<{ name: string; count: number }>(
      db,
      Prisma.sql`SELECT name, count(*) OVER ()::int AS count FROM pg_prepared_statements WHERE statement = ${text}`,
    );
    expect(before[0]?.count).toBe(0);
    expect(prepared).toHaveLength(1); // one pool connection, two calls, one prepared statement
    expect(prepared[0]?.name).toMatch(/^sira_[0-9a-f]{20}$/);
  });

  it("gives the same values as Prisma's raw path: numbers, Dates, parsed JSON, arrays", async () => {
    const [viaPool] = await readRows<Record<string, unknown>>(db, probe(7));
    const [viaPrisma] = await db.$queryRaw<Record<string, unknown>[]>(probe(7));
    expect(viaPool?.n).toBe(7);
    expect(viaPool?.at).toBeInstanceOf(Date);
    expect({ ...viaPool, at: null }).toEqual({ ...viaPrisma, at: null });
  });

  it("runs on the transaction's connection inside one, so it reads that transaction's writes", async () => {
    const slug = `read-rows-${Date.now()}`;
    const seen = await db
      .$transaction(async (tx) => {
        await tx.taxonomyCategory.create({ data: { type: "domain", slug, labelFr: slug, labelEn: slug } });
        const rows = await readRows<{ slug: string }>(
          tx,
          Prisma.sql`SELECT slug FROM taxonomy_categories WHERE slug = ${slug}`,
        );
        throw Object.assign(new Error("roll back"), { rows });
      })
      .catch((error: { rows?: { slug: string }[] }) => error.rows);
    expect(seen).toEqual([{ slug }]);
    expect(await db.taxonomyCategory.count({ where: { slug } })).toBe(0);
  });

  it("tells query listeners about its statements and Prisma's, until they stop listening", async () => {
    const heard: string[] = [];
    const stop = onQuery(db, (e) => heard.push(e.query));
    await readRows(db, probe(3));
    await db.taxonomyCategory.count();
    stop();
    await readRows(db, probe(4));
    expect(heard).toHaveLength(2);
    expect(heard[0]).toBe(probe(3).text);
    expect(heard[1]).toMatch(/taxonomy_categories/);
  });
});

describe("readRowsAfter", () => {
  const sortOff = Prisma.sql`SELECT set_config('enable_sort', 'off', true)`;
  const sortSetting = Prisma.sql`SELECT current_setting('enable_sort') AS value`;

  it("runs the setup and the query in one transaction, whose settings end with it", async () => {
    // One pool connection: every read below runs on the same backend.
    expect(await readRowsAfter(db, sortOff, sortSetting)).toEqual([{ value: "off" }]);
    // A transaction-local setting reverts only when its transaction ends: this one has.
    expect(await readRows(db, sortSetting)).toEqual([{ value: "on" }]);
  });

  it("rolls back when the query fails, and the connection serves the next read", async () => {
    await expect(readRowsAfter(db, sortOff, Prisma.sql`SELECT 1 / ${0}::int AS n`)).rejects.toThrow(/division by zero/);
    expect(await readRows(db, sortSetting)).toEqual([{ value: "on" }]);
    expect(await readRowsAfter(db, sortOff, sortSetting)).toEqual([{ value: "off" }]);
  });

  it("tells query listeners about the setup and the query", async () => {
    const heard: string[] = [];
    const stop = onQuery(db, (e) => heard.push(e.query));
    await readRowsAfter(db, sortOff, sortSetting);
    stop();
    expect(heard).toEqual([sortOff.text, sortSetting.text]);
  });
});
