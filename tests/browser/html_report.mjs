// Opens harden's HTML report in a real headless Chromium and checks what a person
// would: the page loads with no console error and no network request, the severity
// filter hides the other rows, the text filter and column sorting work, the plan's SVG
// graph is there when expected; then saves a screenshot.
//
// usage: node html_report.mjs REPORT.html SCREENSHOT.png [--expect-graph N] [--dark DARK.png]
// Exits non-zero with a message on any failure (Chromium missing included).

import { chromium } from "playwright-core";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const [reportPath, shotPath] = args;
const graphIdx = args.indexOf("--expect-graph");
const expectGraph = graphIdx >= 0 ? Number(args[graphIdx + 1]) : 0;
const darkIdx = args.indexOf("--dark");
const darkShot = darkIdx >= 0 ? args[darkIdx + 1] : null;
const docsIdx = args.indexOf("--docs-shot");
const docsShot = docsIdx >= 0 ? args[docsIdx + 1] : null;
if (!reportPath || !shotPath) {
  console.error("usage: node html_report.mjs REPORT.html SCREENSHOT.png [--expect-graph N] [--dark DARK.png]");
  process.exit(2);
}

const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
if (!existsSync(executablePath)) {
  console.error(`Chromium not found at ${executablePath}: run .ci/install-browser (or set CHROMIUM)`);
  process.exit(3);
}

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail ? ": " + detail : ""}`);
  }
}

const profile = mkdtempSync(join(tmpdir(), "harden-chromium-"));
// A fresh profile directory every run (Playwright passes it as --user-data-dir).
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  viewport: { width: 1280, height: 900 },
  colorScheme: "light",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

try {
  const page = context.pages()[0] || (await context.newPage());
  const problems = [];
  const requests = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("request", (r) => {
    if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) requests.push(r.url());
  });

  const url = pathToFileURL(resolve(reportPath)).href;
  await page.goto(url, { waitUntil: "load" });
  check("page title", (await page.title()).endsWith("harden report"));
  check("escaped text stays text", await page.evaluate(() => window.__pwned === undefined));

  const total = await page.locator("tr.finding").count();
  check("findings table has rows", total > 0, `rows=${total}`);

  // Severity toggle: clicking one severity hides the rows of every other severity.
  const sevs = await page.$$eval("tr.finding", (rows) => [...new Set(rows.map((r) => r.dataset.sev))]);
  const target = sevs.includes("high") ? "high" : sevs[0];
  await page.click(`.sev-btn[data-sev="${target}"]`);
  const visible = await page.$$eval("tr.finding", (rows) =>
    rows.filter((r) => !r.hidden && r.offsetParent !== null).map((r) => r.dataset.sev),
  );
  const hiddenCount = total - visible.length;
  check(
    `severity filter shows only ${target}`,
    visible.length > 0 && visible.every((s) => s === target) && (sevs.length === 1 || hiddenCount > 0),
    `visible=${JSON.stringify(visible)}`,
  );
  check("counter reflects filter", (await page.textContent("#shown")).includes(`${visible.length} of ${total}`));
  await page.click('.sev-btn[data-sev="all"]');
  check("all severities again", (await page.locator("tr.finding:visible").count()) === total);

  // Text filter.
  const firstPath = await page.$eval("tr.finding", (r) => r.dataset.path);
  await page.fill("#q", firstPath);
  const afterText = await page.$$eval("tr.finding", (rows) => rows.filter((r) => !r.hidden).map((r) => r.dataset.search));
  check(
    "text filter",
    afterText.length > 0 && afterText.every((s) => s.includes(firstPath.toLowerCase())),
    `${afterText.length} rows for ${firstPath}`,
  );
  await page.fill("#q", "no-such-thing-anywhere-xyz");
  check("empty-state row", await page.isVisible("#no-match"));
  await page.fill("#q", "");

  // Sorting by location, then back by severity.
  await page.click('th[data-key="loc"] button');
  const paths = await page.$$eval("tr.finding", (rows) => rows.map((r) => [r.dataset.path, Number(r.dataset.line)]));
  const sortedOk = paths.every(
    (p, i) => i === 0 || paths[i - 1][0] < p[0] || (paths[i - 1][0] === p[0] && paths[i - 1][1] <= p[1]),
  );
  check("sort by location", sortedOk, JSON.stringify(paths));
  check("aria-sort set", (await page.getAttribute('th[data-key="loc"]', "aria-sort")) === "ascending");
  await page.click('th[data-key="sev"] button');
  const ranks = await page.$$eval("tr.finding", (rows) => rows.map((r) => Number(r.dataset.rank)));
  check("sort by severity", ranks.every((r, i) => i === 0 || ranks[i - 1] <= r));

  // Snippets expand.
  const firstDetails = page.locator("tr.finding details").first();
  await firstDetails.locator("summary").click();
  check("snippet expands", await firstDetails.locator("pre.snip").isVisible());

  // The plan graph: one SVG, or above 30 tasks one per phase in collapsible groups
  // (the first open); open them all to measure.
  const groups = await page.locator("#plan-graph details.phase-graph").count();
  if (expectGraph > 30) {
    check("a large plan is drawn per phase", groups > 1, `groups=${groups}`);
    const open = await page.locator("#plan-graph details.phase-graph[open]").count();
    check("only the first phase starts open", open === 1, `open=${open}`);
    const widest = await page.$$eval("#plan-graph svg", (svgs) => Math.max(...svgs.map((s) => Number(s.getAttribute("width")))));
    check("no phase graph is wider than a screen or two", widest <= 1400, `widest=${widest}`);
  } else if (expectGraph > 0) {
    check("a small plan is one graph", groups === 0, `groups=${groups}`);
  }
  await page.$$eval("#plan-graph details.phase-graph", (ds) => ds.forEach((d) => (d.open = true)));
  const nodes = await page.locator("#plan-graph svg g.node").count();
  if (expectGraph > 0) {
    check("plan graph present", nodes === expectGraph, `nodes=${nodes}, expected ${expectGraph}`);
    const edges = await page.locator("#plan-graph svg path.edge").count();
    check("plan graph has edges", edges > 0, `edges=${edges}`);
    const overlap = await page.$$eval("#plan-graph svg", (svgs) => {
      for (const svg of svgs) {
        const b = [...svg.querySelectorAll("g.node rect.box")].map((r) => r.getBBox());
        for (let i = 0; i < b.length; i++)
          for (let j = i + 1; j < b.length; j++)
            if (b[i].x < b[j].x + b[j].width && b[j].x < b[i].x + b[i].width && b[i].y < b[j].y + b[j].height && b[j].y < b[i].y + b[i].height)
              return `${i}/${j}`;
      }
      return "";
    });
    check("graph boxes do not overlap", overlap === "", overlap);
    const textOverflow = await page.$$eval("#plan-graph svg g.node", (groups) => {
      for (const g of groups) {
        const box = g.querySelector("rect.box").getBBox();
        for (const t of g.querySelectorAll("text")) {
          const tb = t.getBBox();
          if (tb.x + tb.width > box.x + box.width + 1 || tb.y + tb.height > box.y + box.height + 1) return g.dataset.id;
        }
      }
      return "";
    });
    check("graph text stays inside its box", textOverflow === "", textOverflow);
  } else {
    check("no plan graph without a plan", nodes === 0, `nodes=${nodes}`);
  }

  // Reset for the screenshot: collapse nothing, first finding open shows a snippet.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: shotPath, fullPage: true });
  check("screenshot saved", existsSync(shotPath));

  if (docsShot) {
    // The picture for the README: summary, area scores, findings (one opened), the graph;
    // long tables hidden so it stays small.
    await page.setViewportSize({ width: 1180, height: 900 });
    const style = await page.addStyleTag({
      content:
        "table.controls,table.tasks,#notes,footer,nav.toc,tr[data-rule='test/escaping']{display:none!important}",
    });
    await page.screenshot({ path: docsShot, fullPage: true });
    await style.evaluate((n) => n.remove());
    await page.setViewportSize({ width: 1280, height: 900 });
  }
  if (darkShot) {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: darkShot, fullPage: true });
    await page.emulateMedia({ colorScheme: "light" });
  }

  check("no console errors or warnings", problems.length === 0, problems.join(" | "));
  check("no network requests", requests.length === 0, requests.join(" "));
} catch (e) {
  failed++;
  console.log(`FAIL unexpected error: ${e && e.stack ? e.stack : e}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
