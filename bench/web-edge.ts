/**
 * `pnpm bench:web`: the learner app over EDGE (240 kbit/s down, 200 up, 840 ms round trip: Chrome's
 * network emulation through the DevTools protocol) on a phone-sized Chromium. A scratch database
 * (real migrations, dropped at the end) gets a free course whose document the real worker indexes;
 * the real API and worker run as child processes and the built app is served as production serves
 * it (server.mjs). A learner signs up through the API and signs in to the app; their lesson is
 * written once, so its page is server-rendered. Each run (BENCH_WEB_RUNS, default 3) uses a fresh
 * phone: the lesson page's largest contentful paint on a first visit (empty cache, no service
 * worker), then on a repeat visit served by the service worker; plus the catalog's HTML + CSS and
 * the JavaScript of the catalog, lesson, quiz and tutor pages, compressed as received. Prints the
 * figures against the budgets; never asserts.
 *
 * The emulation adds its latency once per request, not per connection: the TCP and TLS handshakes
 * a real first visit pays (two more round trips with TLS 1.3) are printed as an extra line.
 */
import { fileURLToPath } from "node:url";
import { startSession, tokenPair } from "@sira/domain";
import { createRedis, parseConfig } from "@sira/infra";
import { createDb } from "@sira/infra/db";
import { ensureDatabase, migrate } from "@sira/infra/migrator";
import { dropDatabase, withDatabase } from "@sira/infra/testing";
import { indexDocument, makeCourse } from "../apps/web/test/course.ts";
import {
  BUDGETS,
  EDGE,
  kb,
  keptByServiceWorker,
  throttle,
  type Visit,
  visit,
  watchLcp,
} from "../apps/web/test/edge.ts";
import { ensureWebBuilt, launchChromium, PHONE, signUpLearner, startWeb } from "../apps/web/test/support.ts";
import { type Stack, startStack } from "../test/e2e/processes.ts";

const base = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/sira";
const scratch = `sira_bench_web_${process.pid}`;
const url = withDatabase(base, scratch);
const runs = Number(process.env.BENCH_WEB_RUNS ?? 3);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const ms = (n: number | null) => (n === null ? "n/a" : `${n} ms`);
const total = (v: Visit) => Object.values(v.bytes).reduce((a, b) => a + b, 0);

async function main(): Promise<void> {
  await ensureDatabase(url);
  await migrate(url, fileURLToPath(new URL("../prisma/migrations", import.meta.url)));
  Object.assign(process.env, {
    DATABASE_URL: url,
    QUEUE_PREFIX: scratch,
    STORAGE_DIR: `/tmp/${scratch}`,
    JWT_SECRET: process.env.JWT_SECRET ?? "bench-web-secret-bench-web-secret-0123",
  });
  const config = parseConfig({ ...process.env, LOG_LEVEL: "silent" });
  const db = createDb({ url, poolMax: 2 });
  const redis = createRedis(config.REDIS_URL);
  let stack: Stack | undefined;
  const closers: (() => Promise<unknown>)[] = [];
  try {
    process.stdout.write("building the app if needed…\n");
    await ensureWebBuilt();
    stack = await startStack({ RATE_LIMIT_PER_MINUTE: "100000" });
    const admin = await db.user.create({
      data: {
        email: "admin@bench.sira",
        name: "Admin",
        country: "SN",
        professionalRole: "admin",
        role: "admin",
        status: "active",
      },
    });
    const meta = { ip: null, userAgent: "bench", requestId: null, now: new Date() };
    const pair = await tokenPair(
      { config, meta },
      admin,
      await startSession(db, admin.id, meta, config.REFRESH_TOKEN_TTL_DAYS),
    );
    const course = await makeCourse(db, "paludisme-bench");
    await indexDocument(stack.base, { headers: { authorization: `Bearer ${pair.access_token}` } }, course.id);
    const web = await startWeb(stack.base);
    closers.push(() => web.stop());
    const browser = await launchChromium();
    closers.push(() => browser.close());

    const signedIn = await browser.newContext({ baseURL: web.origin });
    const learner = await signUpLearner(db, signedIn, web.origin, stack.base);
    const auth = { authorization: `Bearer ${learner.accessToken}` };
    await fetch(`${stack.base}/api/v1/courses/${course.id}/enroll`, { method: "POST", headers: auth });
    const module1 = course.modules[0];
    const lesson = `/modules/${module1?.id}/lessons/${module1?.units[0]?.id}`;
    await (await fetch(`${stack.base}/api/v1${lesson}/stream`, { headers: auth })).text();

    const phone = async () => {
      const context = await browser.newContext({ viewport: PHONE, locale: "fr-FR", baseURL: web.origin });
      await context.addCookies(await signedIn.cookies());
      await watchLcp(context);
      const page = await context.newPage();
      return { context, page, cdp: await throttle(page) };
    };

    process.stdout.write(
      `\nEDGE: ${(EDGE.downloadThroughput * 8) / 1000} kbit/s down, ${(EDGE.uploadThroughput * 8) / 1000} kbit/s up, ${EDGE.latency} ms per request; ${PHONE.width}x${PHONE.height}, ${runs} runs\n`,
    );
    const firsts: number[] = [];
    const repeats: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const { context, page, cdp } = await phone();
      const first = await visit(page, cdp, lesson);
      await keptByServiceWorker(page, lesson);
      const repeat = await visit(page, cdp, lesson);
      if (first.lcpMs !== null) firsts.push(first.lcpMs);
      if (repeat.lcpMs !== null) repeats.push(repeat.lcpMs);
      process.stdout.write(
        `  run ${run}: lesson first visit LCP ${ms(first.lcpMs)} on ${first.lcpElement} (HTML ${kb(first.bytes.Document)}, JS ${kb(first.bytes.Script)}, ${kb(total(first))} in ${first.requests} requests); ` +
          `repeat visit LCP ${ms(repeat.lcpMs)} (${repeat.fromServiceWorker} answers from the service worker, ${kb(total(repeat))} from the network)\n`,
      );
      await context.close();
    }
    const handshakes = 2 * EDGE.latency;
    process.stdout.write(
      `lesson page, first visit:  LCP median ${median(firsts)} ms (budget ${BUDGETS.firstVisitLcpMs} ms); with the TCP and TLS 1.3 handshakes the emulation leaves out: ~${median(firsts) + handshakes} ms\n` +
        `lesson page, repeat visit: LCP median ${median(repeats)} ms through the service worker (budget ${BUDGETS.repeatVisitLcpMs} ms)\n`,
    );

    const pages: [string, string][] = [
      ["catalog", "/courses"],
      ["lesson", lesson],
      ["quiz", `/modules/${module1?.id}/quiz`],
      ["tutor", `/tutor?course=${course.id}`],
    ];
    process.stdout.write("first-visit bytes, compressed as received (headers included):\n");
    for (const [name, path] of pages) {
      const { context, page, cdp } = await phone();
      const seen = await visit(page, cdp, path);
      const htmlCss = (seen.bytes.Document ?? 0) + (seen.bytes.Stylesheet ?? 0);
      process.stdout.write(
        `  ${name.padEnd(8)} HTML + CSS ${kb(htmlCss).padStart(9)}${name === "catalog" ? ` (budget ${kb(BUDGETS.catalogHtmlCssBytes)})` : ""}   JS ${kb(seen.bytes.Script).padStart(9)} (budget ${kb(BUDGETS.pageJsBytes)})   LCP ${ms(seen.lcpMs)} on ${seen.lcpElement}\n`,
      );
      await context.close();
    }
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await stack?.stop();
    await db.$disconnect();
    redis.disconnect();
    await dropDatabase(base, scratch);
  }
}

await main();
