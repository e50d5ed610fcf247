/**
 * What the learner app's browser tests share. The page watching, axe-core, TOTP codes and the
 * browser are the admin console's (apps/admin/test/harness.ts): one way to drive Debian's Chromium.
 * Here: a phone-sized page and screenshots in docs/screenshots/web-*.png; the app, its build and
 * learners come from support.ts (which `pnpm bench:web` uses too).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { axeViolations, codeAt, launchBrowser, openPage, type Watch } from "../../admin/test/harness.ts";
import { PHONE } from "./support.ts";

export * from "./support.ts";
export { axeViolations, codeAt, launchBrowser, openPage, type Watch };

const root = fileURLToPath(new URL("../../..", import.meta.url));

export async function openPhone(
  browser: Browser,
  origin: string,
): Promise<{ context: BrowserContext; page: Page; watch: Watch }> {
  return openPage(browser, origin, PHONE);
}

const SCREENSHOTS = join(root, "docs", "screenshots");

/** Writes docs/screenshots/web-<name>.png, 360 px wide (listed in the README). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `web-${name}.png`), fullPage: true, animations: "disabled" });
}
