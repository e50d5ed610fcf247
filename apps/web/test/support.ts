/**
 * The learner app as its browser tests and `pnpm bench:web` run it, without vitest: the built app
 * (`next build`, the service worker and the precompressed files, as `pnpm build` makes them) served
 * by server.mjs as production serves it, Debian's Chromium, and a learner signed up through the API
 * and signed in to the app.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Db } from "@sira/infra/db";
import { generate } from "otplib";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { freePort } from "../../../test/e2e/processes.ts";

export { freePort };

const appDir = fileURLToPath(new URL("..", import.meta.url));
const root = fileURLToPath(new URL("../../..", import.meta.url));
const require = createRequire(import.meta.url);

function newest(dir: string): number {
  let at = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", ".next", "test"].includes(entry.name) || entry.name === "sw.js") continue;
    const path = join(dir, entry.name);
    at = Math.max(at, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return at;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Builds the app unless a build newer than its sources (and the contracts it bundles) exists:
 * `.ci/run` and `pnpm build` build it first, so a test run reuses that build. Test files running
 * at once build it once (a lock directory).
 */
export async function ensureWebBuilt(): Promise<void> {
  const buildId = join(appDir, ".next", "BUILD_ID");
  const sw = join(appDir, "public", "sw.js");
  const fresh = () => {
    const sources = Math.max(newest(appDir), newest(join(root, "packages/contracts/src")));
    return (
      existsSync(buildId) &&
      existsSync(sw) &&
      statSync(buildId).mtimeMs > sources &&
      statSync(sw).mtimeMs >= statSync(buildId).mtimeMs
    );
  };
  if (fresh()) return;
  const lock = join(appDir, ".next-build.lock");
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file is building; a lock older than 10 minutes belongs to a dead run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 600_000)
        rmSync(lock, { recursive: true, force: true });
      await sleep(1000);
      if (fresh()) return;
    }
  }
  try {
    if (fresh()) return;
    const env = { ...process.env, NODE_ENV: "production" as const, NEXT_TELEMETRY_DISABLED: "1" };
    execFileSync(process.execPath, [require.resolve("next/dist/bin/next"), "build"], {
      cwd: appDir,
      env,
      stdio: "pipe",
    });
    const tsx = join(root, "node_modules", ".bin", "tsx");
    execFileSync(tsx, ["scripts/build-sw.ts"], { cwd: appDir, env, stdio: "pipe" });
    execFileSync(tsx, ["scripts/budgets.ts"], { cwd: appDir, env, stdio: "pipe" });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface WebApp {
  origin: string;
  stop(): Promise<void>;
  output(): string;
}

/** The built app served by server.mjs (brotli for scripts, as production) on a free loopback port. */
export async function startWeb(apiBase: string, extraEnv: Record<string, string> = {}): Promise<WebApp> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ["server.mjs"], {
    cwd: appDir,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      SIRA_API_URL: apiBase,
      WEB_PORT: String(port),
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the web app exited:\n${out}`);
    try {
      if ((await fetch(`${origin}/offline`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the web app did not start:\n${out}`);
    await sleep(200);
  }
  return {
    origin,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** A mid-range Android phone's screen: 360 px wide. */
export const PHONE = { width: 360, height: 780 };

/** A code as an authenticator app shows it now. */
export function totpNow(secret: string): Promise<string> {
  return generate({ secret });
}

/** Debian's package installs the real binary here; /usr/bin/chromium is its launcher script. */
export function launchChromium(): Promise<Browser> {
  const path = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"].find((p) => existsSync(p));
  if (!path) throw new Error("Chromium is missing: scripts/install-system.sh installs Debian's chromium package");
  return chromium.launch({ executablePath: path, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
}

/** The 8-digit code sign-up emails (the offline outbox keeps every message). */
export async function emailedCode(db: Db, to: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const message = await db.emailOutbox.findFirst({ where: { toAddress: to }, orderBy: { createdAt: "desc" } });
    const code = message && /\b(\d{4}) (\d{4})\b/.exec(message.textBody);
    if (code) return `${code[1]}${code[2]}`;
    if (Date.now() > deadline) throw new Error(`no confirmation email to ${to}`);
    await sleep(200);
  }
}

export interface Learner {
  email: string;
  /** The authenticator's secret (its current step's code is spent by the sign-up). */
  secret: string;
  userId: string;
  accessToken: string;
}

/**
 * A learner signed up through the API (register, then the first authenticator code and the emailed
 * code) and signed in to the app in `context`: the app's /api/auth/confirm sets its cookies there.
 */
export async function signUpLearner(
  db: Db,
  context: BrowserContext,
  origin: string,
  apiBase: string,
): Promise<Learner> {
  const email = `learner.${crypto.randomUUID().slice(0, 8)}@example.org`;
  const res = await fetch(`${apiBase}/api/v1/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      email,
      name: "Fatou Sow",
      preferred_language: "fr",
      country: "SN",
      professional_role: "Sage-femme",
    }),
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
  const { totp } = (await res.json()) as { totp: { secret: string } };
  const confirmed = await context.request.post(`${origin}/api/auth/confirm`, {
    data: { email, code: await totpNow(totp.secret), email_code: await emailedCode(db, email) },
  });
  if (!confirmed.ok()) throw new Error(`confirm: ${confirmed.status()} ${await confirmed.text()}`);
  const session = (await confirmed.json()) as { access_token: string; user: { id: string } };
  return { email, secret: totp.secret, userId: session.user.id, accessToken: session.access_token };
}

/** Waits until the service worker controls the page (installed, precached, activated, claimed). */
export async function serviceWorkerControls(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      (globalThis as unknown as { navigator: { serviceWorker?: { controller: unknown } } }).navigator.serviceWorker
        ?.controller != null,
    undefined,
    { timeout: 120_000 },
  );
}
