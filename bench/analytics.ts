/**
 * `pnpm bench:analytics [events]`: what the analytics cost over 5 million usage events (90 days,
 * 50,000 users, 20 courses) in a scratch database (real migrations, dropped at the end). Prints,
 * side by side in one run:
 * - the roll-up job: a first run over the 90 days, then an hourly run (the last 8 days again);
 * - the same event figures (active users per window, the daily series, totals per kind) read from
 *   the raw events with their indexes, and from the roll-ups, for the platform and for one course;
 * - the whole report (roll-ups plus the learning tables) and the overview (raw events, 30 days).
 * It prints figures (medians of 5 runs); it never asserts anything.
 */
import { fileURLToPath } from "node:url";
import { analyticsOverview, analyticsReport, rollUpUsage } from "@sira/domain";
import { createDb, type Db } from "@sira/infra/db";
import { ensureDatabase, migrate } from "@sira/infra/migrator";
import { dropDatabase, withDatabase } from "@sira/infra/testing";
import pg from "pg";

const EVENTS = Number(process.argv[2] ?? 5_000_000);
const USERS = 50_000;
const COURSES = 20;
const DAYS = 90;
const base = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/sira";
const scratch = `sira_bench_analytics_${process.pid}`;
const url = withDatabase(base, scratch);
const migrations = fileURLToPath(new URL("../prisma/migrations", import.meta.url));
const KINDS = [
  "login",
  "lesson_view",
  "lesson_complete",
  "quiz_answer",
  "quiz_submit",
  "flashcard_review",
  "tutor_message",
];

/** Seeds through a plain connection without the app's statement timeout (bulk inserts take long). */
async function seed(db: Db, now: Date): Promise<string[]> {
  const sql = new pg.Client({ connectionString: url });
  await sql.connect();
  try {
    return await seedWith(sql, db, now);
  } finally {
    await sql.end();
  }
}

async function seedWith(sql: pg.Client, db: Db, now: Date): Promise<string[]> {
  await sql.query(
    `
    INSERT INTO users (email, name, preferred_language, country, professional_role, status, created_at)
    SELECT 'learner-' || i || '@example.org', 'Learner ' || i, 'fr', 'SN', 'nurse', 'active',
           $1::timestamptz - (random() * ${DAYS + 30}) * interval '1 day'
      FROM generate_series(1, ${USERS}) i`,
    [now],
  );
  await sql.query(`
    INSERT INTO courses (slug, title_fr, title_en, status, creation_step)
    SELECT 'cours-' || i, 'Cours ' || i, 'Course ' || i, 'published', 'published' FROM generate_series(1, ${COURSES}) i`);
  const courses = (await db.course.findMany({ select: { id: true } })).map((c) => c.id);
  // Sessions of 25 events: a learner (a power law: a few very active, most now and then) on one
  // day in one of their two courses, as a phone session on 2G produces them.
  const perSession = 25;
  const chunk = 250_000;
  await sql.query(
    "CREATE TABLE bench_learners AS SELECT row_number() OVER (ORDER BY created_at)::int AS rn, id FROM users",
  );
  await sql.query("ALTER TABLE bench_learners ADD PRIMARY KEY (rn)");
  for (let done = 0; done < EVENTS; done += chunk) {
    const n = Math.min(chunk, EVENTS - done);
    const started = performance.now();
    await sql.query(
      `
      WITH s AS (
             SELECT 1 + floor(power(random(), 3) * ${USERS})::int AS learner,
                    floor(random() * ${DAYS})::int AS day_back,
                    floor(random() * 2)::int AS second_course
               FROM generate_series(1, ${Math.ceil(n / perSession)}))
      INSERT INTO usage_events (user_id, kind, course_id, quantity, metadata, occurred_at)
      SELECT b.id,
             ($3::text[])[1 + floor(random() * ${KINDS.length})::int],
             ($2::uuid[])[1 + (s.learner + s.second_course * 7) % ${COURSES}],
             1,
             '{"tokens_in": 900, "tokens_out": 250, "cost_micros": 6450}'::jsonb,
             date_trunc('day', $1::timestamptz) - s.day_back * interval '1 day' + random() * interval '1 day'
        FROM s JOIN bench_learners b ON b.rn = s.learner, generate_series(1, ${perSession})`,
      [now, courses, KINDS],
    );
    process.stdout.write(`  seeded ${done + n} events (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  await sql.query("DROP TABLE bench_learners");
  // Planner statistics, as autovacuum keeps them on a live database.
  await sql.query("ANALYZE");
  return courses;
}

async function median(run: () => Promise<unknown>, times = 5): Promise<number> {
  await run(); // warm the cache: both sides are measured warm
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[Math.floor(times / 2)] as number;
}

/** The report's event figures computed from the raw events instead of the roll-ups. */
function rawEventFigures(db: Db, now: Date, courseId: string | null) {
  const to = new Date(Math.floor(now.getTime() / 86_400_000) * 86_400_000);
  const day = (n: number) => new Date(to.getTime() - n * 86_400_000);
  const end = day(-1);
  return Promise.all([
    db.$queryRaw`
      SELECT count(DISTINCT user_id) FILTER (WHERE occurred_at >= ${to})::int AS day,
             count(DISTINCT user_id) FILTER (WHERE occurred_at >= ${day(6)})::int AS week,
             count(DISTINCT user_id)::int AS month
        FROM usage_events WHERE occurred_at >= ${day(29)} AND occurred_at < ${end}
         AND user_id IS NOT NULL AND (${courseId}::uuid IS NULL OR course_id = ${courseId}::uuid)`,
    db.$queryRaw`
      SELECT date_trunc('day', occurred_at) AS day, count(DISTINCT user_id)::int AS users, count(*)::int AS events
        FROM usage_events WHERE occurred_at >= ${day(29)} AND occurred_at < ${end}
         AND (${courseId}::uuid IS NULL OR course_id = ${courseId}::uuid)
       GROUP BY 1`,
    db.$queryRaw`
      SELECT kind, count(*)::int AS events, sum((metadata->>'tokens_in')::numeric)::float8 AS tokens_in
        FROM usage_events WHERE occurred_at >= ${day(29)} AND occurred_at < ${end}
         AND (${courseId}::uuid IS NULL OR course_id = ${courseId}::uuid)
       GROUP BY kind`,
  ]);
}

/** The same figures from the roll-ups, as the report reads them. */
function rolledEventFigures(db: Db, now: Date, courseId: string | null) {
  const to = new Date(Math.floor(now.getTime() / 86_400_000) * 86_400_000);
  const iso = (n: number) => new Date(to.getTime() - n * 86_400_000).toISOString().slice(0, 10);
  return Promise.all([
    db.$queryRaw`
      SELECT count(DISTINCT user_id) FILTER (WHERE day = ${iso(0)}::date)::int AS day,
             count(DISTINCT user_id) FILTER (WHERE day > ${iso(7)}::date)::int AS week,
             count(DISTINCT user_id)::int AS month
        FROM usage_user_days WHERE day > ${iso(30)}::date AND day <= ${iso(0)}::date
         AND (${courseId}::uuid IS NULL OR course_id = ${courseId}::uuid)`,
    db.$queryRaw`
      SELECT day, count(DISTINCT user_id)::int AS users FROM usage_user_days
       WHERE day > ${iso(30)}::date AND day <= ${iso(0)}::date AND (${courseId}::uuid IS NULL OR course_id = ${courseId}::uuid)
       GROUP BY day`,
    db.$queryRaw`
      SELECT kind, sum(events)::int AS events, sum(input_tokens)::float8 AS tokens_in FROM usage_daily
       WHERE day > ${iso(30)}::date AND day <= ${iso(0)}::date AND (${courseId}::uuid IS NULL OR course_id = ${courseId}::uuid)
       GROUP BY kind`,
  ]);
}

async function main(): Promise<void> {
  await ensureDatabase(url);
  const db = createDb({ url });
  const now = new Date();
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  try {
    await migrate(url, migrations);
    process.stdout.write(
      `Seeding ${EVENTS.toLocaleString("en")} events, ${USERS} users, ${COURSES} courses, ${DAYS} days\n`,
    );
    const courses = await seed(db, now);
    const course = courses[0] as string;

    let started = performance.now();
    const first = await rollUpUsage(db, now);
    const firstMs = performance.now() - started;
    started = performance.now();
    const hourly = await rollUpUsage(db, now);
    const hourlyMs = performance.now() - started;
    await db.$executeRawUnsafe("ANALYZE usage_daily, usage_user_days");
    const [daily, userDays] = await Promise.all([db.usageDaily.count(), db.usageUserDay.count()]);
    process.stdout.write(
      `\nRoll-up: first run ${first.days.length} days in ${ms(firstMs)}; hourly run ${hourly.days.length} days in ${ms(hourlyMs)}\n` +
        `  rows: ${daily.toLocaleString("en")} usage_daily, ${userDays.toLocaleString("en")} usage_user_days for ${EVENTS.toLocaleString("en")} events\n`,
    );

    const admin = await db.user.findFirstOrThrow({ select: { id: true } });
    const viewer = { userId: admin.id, role: "admin" as const };
    const rows: [string, number, number][] = [];
    for (const [label, scope] of [
      ["platform", null],
      ["one course", course],
    ] as const) {
      const raw = await median(() => rawEventFigures(db, now, scope));
      const rolled = await median(() => rolledEventFigures(db, now, scope));
      rows.push([`event figures, ${label}`, raw, rolled]);
    }
    process.stdout.write("\nSame figures (30 days: active users, daily series, totals per kind), median of 5:\n");
    process.stdout.write("  what                           raw events   roll-ups   raw / roll-ups\n");
    for (const [label, raw, rolled] of rows) {
      process.stdout.write(
        `  ${label.padEnd(30)} ${ms(raw).padStart(10)} ${ms(rolled).padStart(10)}   ${(raw / rolled).toFixed(1)}×\n`,
      );
    }
    const report = await median(() => analyticsReport(db, viewer, { cohort_weeks: 8 }, { now, lang: "fr" }));
    const scoped = await median(() =>
      analyticsReport(db, viewer, { course_id: course, cohort_weeks: 8 }, { now, lang: "fr" }),
    );
    const overview = await median(() => analyticsOverview(db, { now, lang: "fr" }));
    process.stdout.write(
      `\nWhole answers: report (roll-ups) ${ms(report)}, report for one course ${ms(scoped)}; overview (raw events, 30-day rolling windows) ${ms(overview)}\n`,
    );
  } finally {
    await db.$disconnect();
    if (process.env.BENCH_KEEP_DB) process.stdout.write(`kept ${scratch}\n`);
    else await dropDatabase(base, scratch);
  }
}

await main();
