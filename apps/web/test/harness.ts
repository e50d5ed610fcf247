/**
 * What the learner app's browser tests share. The page watching, axe-core, TOTP codes and the
 * browser are the admin console's (apps/admin/test/harness.ts): one way to drive Debian's Chromium.
 * Here: a phone-sized page, 44 px targets and screenshots (web-*.png); the app, its build and
 * learners come from support.ts (which `pnpm bench:web` uses too).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
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

/**
 * Where screenshots go, as for the console: the git-ignored apps/web/test/screenshots on every run,
 * and the committed docs/screenshots (listed in the README) only when UPDATE_SCREENSHOTS=1.
 */
const SCREENSHOTS =
  process.env.UPDATE_SCREENSHOTS === "1"
    ? join(root, "docs", "screenshots")
    : fileURLToPath(new URL("./screenshots", import.meta.url));

/**
 * What every page a learner test visits must pass: no serious or critical axe-core violation, the
 * 360 px width, 44 px touch targets. A screenshot of it is written.
 */
export async function checkPhonePage(page: Page, name: string): Promise<void> {
  expect(await axeViolations(page), name).toEqual([]);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${name} fits 360 px`).toBeLessThanOrEqual(PHONE.width);
  expect(await smallTargets(page), `${name}: touch targets of 44 px`).toEqual([]);
  await screenshot(page, name);
}

/** Writes web-<name>.png, 360 px wide, to SCREENSHOTS. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `web-${name}.png`), fullPage: true, animations: "disabled" });
}

/**
 * Controls smaller than 44 × 44 px. Links inside running text are exempt (as WCAG exempts inline
 * targets), and citation markers draw a 44 px hit area around themselves (.cite::after).
 */
export async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<unknown> } }).document;
    const out: string[] = [];
    for (const node of Array.from(doc.querySelectorAll("a[href], button, input, select, textarea, summary"))) {
      const el = node as {
        closest(s: string): unknown;
        getBoundingClientRect(): { width: number; height: number };
        tagName: string;
        textContent: string | null;
        type?: string;
      };
      if (el.closest(".prose p, .prose li, .sr-only, .cite") || el.type === "hidden") continue;
      const { width, height } = el.getBoundingClientRect();
      if (width === 0 && height === 0) continue;
      // A radio or checkbox counts with its label, which is the tap target.
      const box =
        (el.type === "radio" || el.type === "checkbox") && el.closest("label")
          ? (el.closest("label") as typeof el).getBoundingClientRect()
          : { width, height };
      if (box.height < 44 || box.width < 44)
        out.push(
          `${el.tagName.toLowerCase()} "${(el.textContent ?? "").trim().slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`,
        );
    }
    return out;
  });
}
