/**
 * What the console's browser tests share: staff accounts enrolled as `pnpm admin:create` does, the
 * built console served by `next start`, and Debian's Chromium driven by playwright-core with every
 * console error and failed request recorded, axe-core injected, and screenshots written (to
 * docs/screenshots only with UPDATE_SCREENSHOTS=1).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createAdmin } from "@sira/domain";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import { freePort } from "../../../test/e2e/processes.ts";
import { codeAt } from "../../../test/totp-code.ts";
import { testDeps } from "../../api/test/helpers.ts";

export { codeAt };

const appDir = fileURLToPath(new URL("..", import.meta.url));
const root = fileURLToPath(new URL("../../..", import.meta.url));
const require = createRequire(import.meta.url);

export interface Staff {
  email: string;
  userId: string;
  secret: string;
  accessToken: string;
}

/**
 * An administrator as `pnpm admin:create` makes one, who confirms the authenticator with the
 * current code; `role: "expert"` then has an admin change the role, as the API allows. The browser
 * signs in with the next step's code (the API accepts ±1 step, each step once).
 */
export async function enrolStaff(
  base: string,
  email: string,
  name: string,
  as?: { role: "expert"; admin: Staff },
): Promise<Staff> {
  const deps = testDeps();
  const meta = { ip: null, userAgent: "admin:create", requestId: null, now: new Date() };
  const env = {
    db: deps.db,
    config: deps.config,
    logger: deps.logger,
    mailer: deps.mailer,
    denylist: deps.denylist,
    meta,
    usage: deps.usage,
  };
  const enrolment = await createAdmin(env, { email, name, country: "SN", preferredLanguage: "fr" });
  const secret = enrolment.totp.secret;
  const res = await fetch(`${base}/api/v1/auth/totp/confirm`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, code: await codeAt(secret) }),
  });
  expect(res.status).toBe(200);
  const tokens = (await res.json()) as { access_token: string; user: { id: string } };
  const staff = { email, userId: tokens.user.id, secret, accessToken: tokens.access_token };
  if (as) {
    const promoted = await fetch(`${base}/api/v1/admin/users/${staff.userId}/role`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${as.admin.accessToken}` },
      body: JSON.stringify({ role: as.role }),
    });
    expect(promoted.status).toBe(200);
  }
  return staff;
}

// ── The built console ───────────────────────────────────────────────────────────────────────────

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === ".next" || entry.name === "test") continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds the console unless a build newer than its sources (and the contracts it bundles) exists:
 * `.ci/run` and `pnpm build` build it first, so a test run reuses that build.
 */
export function ensureBuilt(): void {
  const buildId = join(appDir, ".next", "BUILD_ID");
  const sources = Math.max(newestSource(appDir), newestSource(join(root, "packages/contracts/src")));
  if (existsSync(buildId) && statSync(buildId).mtimeMs > sources) return;
  execFileSync(process.execPath, [require.resolve("next/dist/bin/next"), "build"], {
    cwd: appDir,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: "pipe",
  });
}

export interface Console {
  origin: string;
  stop(): Promise<void>;
  output(): string;
}

/** `next start` on a free loopback port, talking to the API at `apiBase`. */
export async function startConsole(apiBase: string, port: number): Promise<Console> {
  const origin = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    process.execPath,
    [require.resolve("next/dist/bin/next"), "start", "--hostname", "127.0.0.1", "--port", String(port)],
    {
      cwd: appDir,
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", SIRA_API_URL: apiBase },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
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
    if (child.exitCode !== null) throw new Error(`the console exited:\n${out}`);
    try {
      if ((await fetch(`${origin}/sign-in`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the console did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
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

export { freePort };

// ── The browser ─────────────────────────────────────────────────────────────────────────────────

/** Debian's package installs the real binary here; /usr/bin/chromium is its launcher script. */
function chromiumPath(): string {
  for (const path of ["/usr/lib/chromium/chromium", "/usr/bin/chromium"]) if (existsSync(path)) return path;
  throw new Error("Chromium is missing: scripts/install-system.sh installs Debian's chromium package");
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ["--no-sandbox", "--disable-dev-shm-usage"] });
}

/** Problems the page ran into: console errors, failed requests and error answers. */
export interface Watch {
  problems: string[];
  /** Answers the next step expects to fail (e.g. a 404 an expert must get). */
  expect(pattern: RegExp, status: number): void;
}

export async function openPage(browser: Browser, origin: string, viewport = { width: 1280, height: 900 }) {
  const context: BrowserContext = await browser.newContext({ viewport, locale: "fr-FR", baseURL: origin });
  const page: Page = await context.newPage();
  const expected: { pattern: RegExp; status: number }[] = [];
  const watch: Watch = {
    problems: [],
    expect: (pattern, status) => expected.push({ pattern, status }),
  };
  const allowed = (url: string, status: number) => expected.some((e) => e.pattern.test(url) && e.status === status);
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    // Chromium logs every error answer as a console error; expected ones are judged by their answer below.
    if (/Failed to load resource: the server responded with a status of (\d+)/.test(message.text())) {
      const status = Number(/status of (\d+)/.exec(message.text())?.[1]);
      if (allowed(message.location().url, status)) return;
    }
    watch.problems.push(`console error: ${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => watch.problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => {
    const reason = request.failure()?.errorText ?? "";
    // Navigating away cancels the page's pending reads (and the router's prefetches): not a failure.
    if (reason === "net::ERR_ABORTED") return;
    watch.problems.push(`request failed: ${request.method()} ${request.url()} ${reason}`);
  });
  page.on("response", (response) => {
    const status = response.status();
    if (status >= 400 && !allowed(response.url(), status)) {
      watch.problems.push(`error answer: ${status} ${response.request().method()} ${response.url()}`);
    }
  });
  return { context, page, watch };
}

const AXE = require.resolve("axe-core/axe.min.js");

/** axe-core's serious and critical violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<string[]> {
  // After a client-side navigation Next sets the new page's <title> a moment after its content; a
  // page that never gets one still fails below (document-title).
  await page.waitForFunction(() => document.title.trim() !== "", undefined, { timeout: 5_000 }).catch(() => undefined);
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            context: Document,
            options: object,
          ): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }));
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.targets.join(", ")})`);
}

/**
 * Where screenshots go: the git-ignored apps/admin/test/screenshots on every run, and the
 * committed docs/screenshots (listed in the README) only when UPDATE_SCREENSHOTS=1 asks for it.
 */
export const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === "1" ? join(root, "docs", "screenshots") : join(appDir, "test", "screenshots");

/** Writes admin-<name>.png to SCREENSHOTS. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `admin-${name}.png`), fullPage: true, animations: "disabled" });
}
