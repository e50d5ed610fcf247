/**
 * A PostgreSQL server and a Redis server of the test's own, on free loopback ports, so that the
 * fault tests can kill and restart them without touching what other test files use. PostgreSQL is
 * the machine's own binaries (pgvector installed into them) in a temporary data directory; Redis
 * keeps an append-only file, as BullMQ needs in production, so a killed server comes back with its
 * queues.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDatabase, migrate } from "@sira/infra/migrator";
import { freePort } from "@sira/infra/testing";
import pg from "pg";

const migrations = fileURLToPath(new URL("../prisma/migrations", import.meta.url));

/** Polls until `probe` holds; the bound only proves it does not hang. */
async function until(probe: () => Promise<boolean>, what: string, boundMs = 60_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The newest installed PostgreSQL's binaries (PG_BIN_DIR overrides). */
function postgresBinaries(): string {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0]) throw new Error("no PostgreSQL binaries under /usr/lib/postgresql (set PG_BIN_DIR)");
  return join(root, versions[0], "bin");
}

/** initdb and postgres refuse to run as root: as root they run as the `postgres` account. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  if (!uid || !gid) throw new Error("running as root needs a postgres account to run PostgreSQL as");
  return { uid: Number(uid), gid: Number(gid) };
}

export interface OwnPostgres {
  /** The migrated application database. */
  url: string;
  port: number;
  /** Stops the server (fast shutdown: sessions are ended, open transactions roll back). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it for good and removes its data. */
  destroy(): Promise<void>;
}

/** A fresh PostgreSQL cluster on a free port, with a database migrated by the real migrations. */
export async function startPostgres(): Promise<OwnPostgres> {
  const bin = postgresBinaries();
  const user = runAs();
  const dir = await mkdtemp(join(tmpdir(), "sira-pg-"));
  if (user) await chown(dir, user.uid, user.gid);
  const data = join(dir, "data");
  const init = spawnSync(
    join(bin, "initdb"),
    ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
    { ...user, encoding: "utf8" },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  let server: ChildProcess | undefined;
  let output = "";
  const admin = `postgresql://postgres@127.0.0.1:${port}/postgres`;

  async function start(): Promise<void> {
    const child = spawn(
      join(bin, "postgres"),
      [
        "-D",
        data,
        "-p",
        String(port),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "unix_socket_directories=",
        // A process crash keeps every committed write (it is in the kernel); only the machine's would not.
        "-c",
        "fsync=off",
        "-c",
        "full_page_writes=off",
        "-c",
        "max_connections=100",
      ],
      { ...user, stdio: ["ignore", "ignore", "pipe"] },
    );
    child.stderr?.on("data", (d) => {
      output = (output + d).slice(-8000);
    });
    server = child;
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`postgres exited:\n${output}`);
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      await client.end();
      return true;
    }, "PostgreSQL to accept connections");
  }

  async function stop(): Promise<void> {
    const running = server;
    server = undefined;
    if (!running || running.exitCode !== null) return;
    running.kill("SIGINT");
    await once(running, "exit");
  }

  await start();
  const url = `postgresql://postgres@127.0.0.1:${port}/sira`;
  await ensureDatabase(url);
  await migrate(url, migrations);
  return {
    url,
    port,
    start,
    stop,
    destroy: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface OwnRedis {
  url: string;
  /** Kills the server outright (SIGKILL): no chance to save anything it has not written already. */
  kill(): Promise<void>;
  /** Starts it again on the same port, from its append-only file. */
  start(): Promise<void>;
  /** Kills it and removes its files. */
  destroy(): Promise<void>;
}

/** A Redis server on a free port that writes every command to its append-only file before answering. */
export async function startRedis(): Promise<OwnRedis> {
  const dir = await mkdtemp(join(tmpdir(), "sira-redis-"));
  const port = await freePort();
  let server: ChildProcess | undefined;

  async function start(): Promise<void> {
    const child = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--save",
        "",
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--maxmemory-policy",
        "noeviction",
      ],
      { stdio: "ignore" },
    );
    server = child;
    await until(async () => {
      if (child.exitCode !== null) throw new Error("redis-server exited");
      const res = spawnSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" });
      // While it loads its append-only file Redis answers LOADING, not PONG.
      return res.stdout.trim() === "PONG";
    }, "Redis to answer");
  }

  async function kill(): Promise<void> {
    const running = server;
    server = undefined;
    if (!running || running.exitCode !== null) return;
    running.kill("SIGKILL");
    await once(running, "exit");
  }

  await start();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    kill,
    start,
    destroy: async () => {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
