// End to end: `explainer serve` and a real browser.
//
//   node serve-e2e.mjs EXPLAINER_BINARY SITE_DIR
//
// Copies SITE_DIR (content/ and templates/) to a temporary folder, starts
// `serve --port 0` there, opens a page in headless Chromium, then, without
// the test ever reloading the page:
// - edits the page's Markdown and waits for the new text to appear;
// - scrolls down, edits again, and checks the scroll position survived;
// - changes the stylesheet and waits for the new style, with no reload;
// - breaks the front matter and waits for the error overlay, with the
//   file, line, source line and caret, readable (axe's color-contrast);
// - restores the exact earlier text (a build that writes nothing) and
//   waits for the overlay to go, there and on a page opened after;
// - opens a missing page: the site's 404 page, with its stylesheet;
// - breaks it again, fixes it and waits for the overlay to go and the
//   fixed text to show.
// Needs NODE_PATH to hold playwright-core, and Chromium at /usr/bin/chromium.

import { createRequire } from "node:module";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");

const binary = resolve(process.argv[2]);
const source = resolve(process.argv[3]);
const work = mkdtempSync(join(tmpdir(), "explainer-e2e-"));
cpSync(join(source, "content"), join(work, "content"), { recursive: true });
cpSync(join(source, "templates"), join(work, "templates"), { recursive: true });

const server = spawn(binary, ["serve", "--port", "0"], { cwd: work, stdio: ["ignore", "pipe", "pipe"] });
let log = "";
server.stdout.on("data", (d) => (log += d));
server.stderr.on("data", (d) => (log += d));
const url = await new Promise((found, failed) => {
  const timer = setTimeout(() => failed(new Error(`serve did not start:\n${log}`)), 30000);
  server.stdout.on("data", () => {
    const match = log.match(/serving the site at (http:\/\/\S+)/);
    if (match) {
      clearTimeout(timer);
      found(match[1]);
    }
  });
});

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const steps = [];
let failed = false;
async function step(name, action) {
  const started = Date.now();
  try {
    await action();
    steps.push(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    failed = true;
    steps.push(`FAIL ${name}: ${error.message}`);
  }
}

try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 600 } });
  let loads = 0;
  page.on("load", () => (loads += 1));
  const file = join(work, "content", "rare-earths.md");
  const original = readFileSync(file, "utf8");
  await page.goto(`${url}rare-earths/index.html`);
  const waitForText = (text) => page.waitForFunction((t) => document.body.innerText.includes(t), text, { timeout: 10000 });

  await step("an edit shows up without the test reloading", async () => {
    appendFileSync(file, "\nA sentence added while the page was open.\n");
    await waitForText("A sentence added while the page was open.");
  });

  await step("a reload keeps the scroll position", async () => {
    await page.evaluate(() => window.scrollTo(0, 400));
    const before = await page.evaluate(() => window.scrollY);
    appendFileSync(file, "\nA second sentence.\n");
    await waitForText("A second sentence.");
    await page.waitForFunction((y) => Math.abs(window.scrollY - y) < 5, before, { timeout: 5000 });
  });

  await step("a stylesheet change applies without a reload", async () => {
    const loadsBefore = loads;
    appendFileSync(join(work, "templates", "style.css"), "\nbody { outline: 3px solid rgb(1, 2, 3); }\n");
    await page.waitForFunction(() => getComputedStyle(document.body).outlineColor === "rgb(1, 2, 3)", null, { timeout: 10000 });
    if (loads !== loadsBefore) throw new Error("the page reloaded");
  });

  let lastGood = "";
  await step("a broken save shows the error overlay", async () => {
    lastGood = readFileSync(file, "utf8");
    writeFileSync(file, "+++\ntitle = \n+++\n");
    await page.waitForSelector("#explainer-build-errors", { timeout: 10000 });
    const text = await page.locator("#explainer-build-errors pre").textContent();
    if (!text.includes("content/rare-earths.md:2:")) throw new Error(`overlay says: ${text}`);
    if (!text.includes("2 | title = ") || !text.includes("^")) throw new Error(`no source line and caret: ${text}`);
  });

  await step("the overlay is readable over any theme (axe: color-contrast)", async () => {
    await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
    const result = await page.evaluate(() => axe.run("#explainer-build-errors", { runOnly: ["color-contrast"] }));
    if (result.violations.length) throw new Error(JSON.stringify(result.violations.map((v) => v.nodes.map((n) => n.failureSummary))));
    if (result.passes.length === 0) throw new Error("axe checked no text in the overlay");
  });

  await step("undoing the mistake (the exact earlier text) clears the overlay everywhere", async () => {
    // The same text as the last good build: nothing to write, and still the overlay goes.
    writeFileSync(file, lastGood);
    await page.waitForFunction(() => !document.getElementById("explainer-build-errors"), null, { timeout: 10000 });
    const other = await browser.newPage();
    await other.goto(`${url}no/such/page`);
    await other.waitForTimeout(500);
    if (await other.$("#explainer-build-errors")) throw new Error("a page opened after shows the old error");
    await other.close();
  });

  await step("a missing page is the site's 404 page, styled as it will be when hosted", async () => {
    const missing = await browser.newPage();
    const response = await missing.goto(`${url}some/missing/page/`);
    if (response.status() !== 404) throw new Error(`status ${response.status()}`);
    const styled = await missing.evaluate(() =>
      [...document.styleSheets].some((sheet) => { try { return sheet.cssRules.length > 0; } catch { return false; } }));
    if (!styled) throw new Error("the 404 page's stylesheet did not load");
    await missing.close();
  });

  await step("a save breaking it again shows the overlay again", async () => {
    writeFileSync(file, "+++\ntitle = \n+++\n");
    await page.waitForSelector("#explainer-build-errors", { timeout: 10000 });
  });

  await step("the next good save removes the overlay and shows the page", async () => {
    writeFileSync(file, original + "\nFixed and back.\n");
    await waitForText("Fixed and back.");
    if (await page.$("#explainer-build-errors")) throw new Error("the overlay is still there");
  });
} finally {
  await browser.close();
  server.kill("SIGINT");
  await new Promise((done) => server.on("exit", done));
  rmSync(work, { recursive: true, force: true });
}

console.log(steps.join("\n"));
if (failed) {
  console.error(`\nserve log:\n${log}`);
  process.exit(1);
}
console.log("serve end-to-end checks passed");
