// Dev helper: screenshots of a report's top and sections, for looking at the design.
// usage: node shots.mjs REPORT.html OUTDIR [dark]
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
const [html, outDir, scheme] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), "harden-shots-"));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true,
  viewport: { width: 1280, height: 900 }, colorScheme: scheme === "dark" ? "dark" : "light",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = ctx.pages()[0] || (await ctx.newPage());
await page.goto(pathToFileURL(resolve(html)).href);
const sw = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
console.log("scrollWidth/clientWidth", sw);
await page.screenshot({ path: join(outDir, "top.png") });
for (const id of ["status", "findings", "plan"]) {
  const el = page.locator("#" + id);
  if (await el.count()) await el.screenshot({ path: join(outDir, id + ".png") });
}
await ctx.close();
rmSync(profile, { recursive: true, force: true });
