/**
 * Secrets fail closed: the real API, worker and seed processes refuse to start on the public
 * development keys unless NODE_ENV explicitly says development or test, and the API refuses a
 * TOTP keyring that cannot open the stored secrets.
 */

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { enrolAuthenticator } from "@sira/domain";
import { parseConfig } from "@sira/infra/config";
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { freePort, startService, waitFor } from "./processes.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const db = createDb({ url: process.env.DATABASE_URL as string });
beforeEach(() => truncateAll(process.env.DATABASE_URL as string));
afterAll(() => db.$disconnect());

const key = () => randomBytes(32).toString("base64");
const base = () => ({
  DATABASE_URL: process.env.DATABASE_URL as string,
  REDIS_URL: process.env.REDIS_URL as string,
  QUEUE_PREFIX: process.env.QUEUE_PREFIX as string,
});
const secrets = (totpKey = key()) => ({
  JWT_SECRET: randomBytes(32).toString("hex"),
  TOTP_ENCRYPTION_KEYS: `1:${totpKey}`,
  HASH_PEPPER: randomBytes(32).toString("hex"),
});
// An empty value counts as unset: this removes the NODE_ENV=test the test runner sets.
const NO_SECRETS = { NODE_ENV: "", JWT_SECRET: "", TOTP_ENCRYPTION_KEYS: "", HASH_PEPPER: "" };

/** Runs a process to its end (or kills it after `ms`) and returns its exit code and output. */
async function exitOf(
  service: ReturnType<typeof startService>,
  ms = 30_000,
): Promise<{ code: number | null; out: string }> {
  const timer = setTimeout(() => service.child.kill("SIGKILL"), ms);
  const code = await new Promise<number | null>((resolve) => {
    if (service.child.exitCode !== null) resolve(service.child.exitCode);
    else service.child.on("exit", (c) => resolve(c));
  });
  clearTimeout(timer);
  return { code, out: service.output() };
}

/** A service compiles its sources as it starts: on a loaded 2-core machine that can take a while. */
const STARTUP_MS = 120_000;

describe("start-up without secrets", () => {
  it.each(["api", "worker"] as const)(
    "the %s refuses to start when NODE_ENV is unset, naming each secret",
    async (entry) => {
      const { code, out } = await exitOf(
        startService(entry, { ...base(), ...NO_SECRETS, PORT: String(await freePort()) }),
      );
      expect(code).toBe(1);
      expect(out).toMatch(/refusing to start/);
      for (const name of ["JWT_SECRET", "TOTP_ENCRYPTION_KEYS", "HASH_PEPPER"])
        expect(out).toContain(`${name}: required`);
      expect(out).toMatch(/NODE_ENV is unset/);
    },
  );

  it(
    "the API serves in production once the secrets are set",
    async () => {
      const port = await freePort();
      const api = startService("api", {
        ...base(),
        ...NO_SECRETS,
        NODE_ENV: "production",
        PORT: String(port),
        ...secrets(),
      });
      try {
        await waitFor(`http://127.0.0.1:${port}/health`, api, STARTUP_MS);
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        expect(res.status).toBe(200);
      } finally {
        expect(await api.stop()).toBe(0);
      }
    },
    2 * STARTUP_MS,
  );
});

describe("the TOTP keyring", () => {
  it(
    "refuses to start with a key that cannot open the stored secrets, and starts with the right one",
    async () => {
      const right = key();
      const config = parseConfig({ ...base(), NODE_ENV: "production", ...secrets(right) });
      const user = await db.user.create({
        data: {
          email: "keyring@example.org",
          name: "K",
          preferredLanguage: "fr",
          country: "SN",
          professionalRole: "x",
        },
        select: { id: true, email: true },
      });
      await db.$transaction((tx) =>
        enrolAuthenticator(tx, { config } as Parameters<typeof enrolAuthenticator>[1], user),
      );

      const wrong = await exitOf(
        startService("api", { ...base(), NODE_ENV: "production", PORT: String(await freePort()), ...secrets(key()) }),
        STARTUP_MS,
      );
      expect(wrong.code).toBe(1);
      expect(wrong.out).toContain("does not open the secrets sealed with it");

      const port = await freePort();
      const api = startService("api", { ...base(), NODE_ENV: "production", PORT: String(port), ...secrets(right) });
      try {
        await waitFor(`http://127.0.0.1:${port}/health`, api, STARTUP_MS);
        expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
      } finally {
        expect(await api.stop()).toBe(0);
      }
    },
    2 * STARTUP_MS,
  );
});

describe("the demo seed script", () => {
  it("refuses to load the demo accounts in production and writes nothing", async () => {
    const child = spawn(`${root}/node_modules/.bin/tsx`, ["scripts/seed-demo.ts"], {
      cwd: root,
      env: { ...process.env, ...base(), LOG_LEVEL: "info", NODE_ENV: "production", ...secrets() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(1);
    expect(out).toContain("demo data is for development and test only");
    expect(await db.user.count()).toBe(0);
  });
});
