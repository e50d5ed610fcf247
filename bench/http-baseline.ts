/**
 * The bare baselines of `pnpm bench:http`, one process each (argv[2] is the plan file bench/http.ts
 * wrote): `node:http` answering the health JSON, and `node:http` + a `pg` pool replaying, for each
 * read, the SQL statements (and the data reads from Redis) the API issued for it, then answering
 * the rows as JSON (each statement a named prepared statement, planned once per connection). No
 * framework, no middleware: what the same work costs with nothing around it.
 *
 * With argv[3] = "hono", the same work behind bare Hono on @hono/node-server, as the API is served:
 * one route per path, no middleware. It tells what the framework costs from what the API's own
 * pipeline costs.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createRequire } from "node:module";
import { createAdaptorServer } from "@hono/node-server";
import { Hono } from "hono";
import pg from "pg";

export interface BaselineRoute {
  path: string;
  /** Statements in the order the API ran them, with their parameters. */
  sql: { text: string; params: unknown[] }[];
  /** Redis commands the answer reads (e.g. the dashboard cache), not the limiter's. */
  redis: string[][];
}

export interface BaselinePlan {
  databaseUrl: string;
  redisUrl: string;
  poolMax: number;
  health: string;
  routes: BaselineRoute[];
}

const plan = JSON.parse(readFileSync(process.argv[2] as string, "utf8")) as BaselinePlan;
const pool = new pg.Pool({ connectionString: plan.databaseUrl, max: plan.poolMax });
// ioredis is @sira/infra's dependency: load it from there.
const IORedis = createRequire(new URL("../packages/infra/package.json", import.meta.url))("ioredis");
const redis = new IORedis(plan.redisUrl, { maxRetriesPerRequest: 1 });
const routes = new Map(plan.routes.map((r) => [r.path, r]));
// Prepared once per connection, as the API's reviewed reads are: the strongest baseline, not the weakest.
const names = new Map<string, string>();
const nameOf = (text: string) => names.get(text) ?? names.set(text, `baseline_${names.size}`).get(text);

async function answer(route: BaselineRoute): Promise<string> {
  const results: unknown[] = [];
  for (const command of route.redis) {
    const [name, ...args] = command as [string, ...string[]];
    results.push(await redis.call(name, ...args));
  }
  for (const statement of route.sql) {
    results.push(
      (await pool.query({ name: nameOf(statement.text), text: statement.text, values: statement.params })).rows,
    );
  }
  // A cached JSON text (the dashboard) is sent as is, as the API does.
  if (route.sql.length === 0 && results.length > 0) return String(results.at(-1));
  return JSON.stringify({ items: results });
}

function serveNode(): Server {
  return createServer((req, res) => {
    if (req.url === "/health") {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(plan.health) });
      res.end(plan.health);
      return;
    }
    const route = routes.get(req.url ?? "");
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    answer(route).then(
      (body) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body);
      },
      (error: unknown) => {
        process.stderr.write(`baseline: ${String(error)}\n`);
        res.writeHead(500).end();
      },
    );
  });
}

/** The same answers behind bare Hono, one route per path (its query string picks the plan's route). */
function serveHono(): Server {
  const app = new Hono<{ Bindings: { incoming: IncomingMessage } }>();
  const json = { "content-type": "application/json" };
  app.get("/health", (c) => c.body(plan.health, 200, json));
  for (const pathname of new Set(plan.routes.map((r) => r.path.split("?")[0] as string))) {
    app.get(pathname, async (c) => {
      const route = routes.get(c.env.incoming.url ?? "");
      return route ? c.body(await answer(route), 200, json) : c.notFound();
    });
  }
  return createAdaptorServer({ fetch: app.fetch }) as Server;
}

const server = process.argv[3] === "hono" ? serveHono() : serveNode();
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.send?.({ port: typeof address === "object" && address ? address.port : 0 });
});
process.on("SIGTERM", () => {
  server.close();
  void Promise.allSettled([pool.end(), redis.quit()]).then(() => process.exit(0));
});
