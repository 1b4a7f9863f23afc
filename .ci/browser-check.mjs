// Checks a built site in headless Chromium, the way a reader meets it:
//
//   node browser-check.mjs SITE_DIR [SCREENSHOT_DIR]
//
// With PORT=N the site is served on that port; a site built with
// `--base-url http://127.0.0.1:N/` then also has its 404 page checked where a
// host serves it, at any depth (/a/b/missing), and no subpath check (its
// address is fixed by its base_url).
//
// - axe-core: no violations, at 390 px and 1280 px wide, light and dark;
// - every internal link, asset and #fragment resolves to a file (links to a
//   folder count as broken: file:// shows a listing, not its index.html);
// - served under a subpath (/some/prefix/): stylesheets load and every link
//   stays under the prefix and answers;
// - opened from file://: stylesheets load and links resolve to files;
// - the table of contents folded at 390 px, so the text comes first, and
//   open at 1280 px;
// - embedded frames, videos and objects no wider than their column, in
//   the shape their width and height attributes give;
// - weight: at most 50 KB a page, HTML and everything it loads; no JavaScript;
// - a full-page screenshot of every page at both widths (kept out of git).
//
// Serves the site itself on 127.0.0.1 (a free port) and stops the server at
// the end. Needs NODE_PATH to hold playwright-core and axe-core, and Chromium
// at /usr/bin/chromium (or CHROMIUM=...). Exit code 1 when a check fails.

import { createRequire } from "node:module";
import { createServer } from "node:http";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { extname, join, relative, resolve, sep } from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const site = resolve(process.argv[2] ?? "public");
const shots = process.argv[3] ? resolve(process.argv[3]) : null;
const PREFIX = "/some/prefix/";
const MAX_PAGE_BYTES = 50 * 1024;
const WIDTHS = [390, 1280];
const SCHEMES = ["light", "dark"];

const failures = [];
const fail = (page, message) => failures.push(`${page}: ${message}`);

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : [path];
  });
}
const pages = files(site)
  .filter((f) => f.endsWith(".html"))
  .map((f) => relative(site, f).split(sep).join("/"))
  .sort();
if (pages.length === 0) {
  console.error(`no HTML pages in ${site}`);
  process.exit(1);
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".woff2": "font/woff2",
  ".js": "text/javascript",
};

// A static host: the site at / and again at PREFIX; folders serve their
// index.html; misses get 404.html with status 404.
const server = createServer((request, response) => {
  let path = decodeURIComponent(new URL(request.url, "http://x").pathname);
  if (path.startsWith(PREFIX)) path = "/" + path.slice(PREFIX.length);
  let file = join(site, path);
  if (!file.startsWith(site)) file = join(site, "404.html");
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
  let status = 200;
  if (!existsSync(file)) {
    status = 404;
    file = join(site, "404.html");
  }
  if (!existsSync(file)) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(status, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
  response.end(request.method === "HEAD" ? undefined : readFileSync(file));
});
await new Promise((ready) => server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", ready));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
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

// Ids and names each page defines, for #fragment checks.
const idCache = new Map();
function idsOf(file) {
  if (!idCache.has(file)) {
    const html = readFileSync(file, "utf8");
    const ids = new Set([...html.matchAll(/\s(?:id|name)=["']?([^"'\s>]+)/g)].map((m) => m[1]));
    idCache.set(file, ids);
  }
  return idCache.get(file);
}

/// The file a same-site URL points at, or why it points at none.
function resolveTarget(url, base) {
  const target = new URL(url);
  let path = decodeURIComponent(target.pathname);
  if (base.startsWith("file:")) {
    const file = fileURLToPath(target);
    if (!file.startsWith(site)) return { error: "goes outside the site" };
    if (!existsSync(file)) return { error: "no such file" };
    if (statSync(file).isDirectory()) return { error: "links to a folder (file:// shows a listing)" };
    return { file, hash: target.hash };
  }
  if (!path.startsWith(base)) return { error: `leaves ${base}` };
  path = path.slice(base.length);
  const file = join(site, path);
  if (!existsSync(file)) return { error: "no such file" };
  if (statSync(file).isDirectory()) return { error: "links to a folder (file:// shows a listing)" };
  return { file, hash: target.hash };
}

/// Stylesheets loaded, non-empty, and changing how the page looks.
async function stylesApplied(page) {
  return page.evaluate(() => {
    const sheets = [...document.styleSheets];
    if (sheets.length === 0) return "no stylesheet";
    for (const sheet of sheets) {
      try {
        if (sheet.cssRules.length === 0) return `empty stylesheet ${sheet.href}`;
      } catch {
        // file:// pages may not read their sheets' rules; the computed
        // styles below still tell whether the sheet applied.
      }
    }
    const body = getComputedStyle(document.body);
    return body.margin === "8px" && body.fontFamily === "Times New Roman" ? "styles not applied" : "";
  });
}

/// The frames, videos and objects of the page's text, with the width of
/// the column they are in and the shape their width and height give.
async function embeds(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("main :is(iframe, video, embed, object)")].map((e) => {
      const box = e.getBoundingClientRect();
      const [w, h] = [Number(e.getAttribute("width")), Number(e.getAttribute("height"))];
      return {
        what: `<${e.tagName.toLowerCase()}${e.title ? ` title="${e.title}"` : ""}>`,
        width: Math.round(box.width),
        height: Math.round(box.height),
        column: e.parentElement.clientWidth,
        ratio: w > 0 && h > 0 ? w / h : null,
      };
    }),
  );
}

async function links(page) {
  return page.evaluate(() =>
    // Canonical and alternate links name the published address on purpose.
    [...document.querySelectorAll("a[href], link[href]:not([rel=canonical]):not([rel=alternate]), img[src], script[src], source[src], use[href]")].map((e) => ({
      tag: e.tagName.toLowerCase(),
      url: e.href?.baseVal ?? e.href ?? e.src,
      raw: e.getAttribute("href") ?? e.getAttribute("src"),
    })),
  );
}

function checkLinks(name, found, base, scheme) {
  for (const { tag, url, raw } of found) {
    if (!url || raw.startsWith("mailto:") || raw.startsWith("tel:")) continue;
    if (!url.startsWith(scheme)) continue;
    if (raw.startsWith("/")) fail(name, `root-absolute link ${raw} breaks under a subpath`);
    const target = resolveTarget(url, base);
    if (target.error) {
      fail(name, `${tag} ${raw}: ${target.error}`);
      continue;
    }
    const fragment = decodeURIComponent(target.hash.slice(1));
    if (fragment && fragment !== "top" && target.file.endsWith(".html") && !idsOf(target.file).has(fragment)) {
      fail(name, `${raw}: no id "${fragment}" in ${relative(site, target.file)}`);
    }
  }
}

let checked = 0;
for (const name of pages) {
  // 404.html is served for misses at any depth; check it there too.
  const urls = [`${origin}/${name}`];
  if (name === "404.html" && process.env.PORT) urls.push(`${origin}/a/b/missing`);
  for (const width of WIDTHS) {
    for (const colorScheme of SCHEMES) {
      const context = await browser.newContext({
        viewport: { width, height: 800 },
        isMobile: width < 500,
        colorScheme,
        javaScriptEnabled: true,
      });
      const page = await context.newPage();
      let bytes = 0;
      let scripts = 0;
      page.on("response", async (response) => {
        const body = await response.body().catch(() => Buffer.alloc(0));
        bytes += body.length;
        if (response.request().resourceType() === "script") scripts += body.length;
      });
      for (const url of urls) {
        const label = `${url.slice(origin.length)} at ${width}px ${colorScheme}`;
        const response = await page.goto(url, { waitUntil: "load" });
        const expected = url.endsWith("/missing") ? 404 : 200;
        if (response.status() !== expected) fail(label, `HTTP ${response.status()}`);
        const styles = await stylesApplied(page);
        if (styles) fail(label, styles);
        // Scripts that run (JSON-LD data blocks are not JavaScript).
        const ownScripts = await page.evaluate(
          () => [...document.scripts].filter((s) => !s.type || /javascript|module/.test(s.type)).length,
        );
        await page.addScriptTag({ content: axeSource });
        const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
        for (const v of result.violations) {
          fail(label, `axe ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
        }
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) fail(label, `${overflow}px wider than the viewport`);
        // The contents: folded above the text on a phone, open beside it on a wide screen.
        const contents = await page.evaluate(() => document.querySelector(".toc ol")?.checkVisibility() ?? null);
        if (contents !== null && contents !== width >= 1024) {
          fail(label, contents ? "the table of contents is open above the text" : "the table of contents is not shown");
        }
        for (const embed of await embeds(page)) {
          if (embed.width > embed.column + 0.5) {
            fail(label, `${embed.what} is ${embed.width}px wide in a column of ${embed.column}px`);
          }
          if (embed.ratio && Math.abs(embed.width / embed.height - embed.ratio) > 0.02 * embed.ratio) {
            fail(label, `${embed.what} is ${embed.width}x${embed.height}px, not the shape of its width and height`);
          }
        }
        if (url === urls[0] && width === WIDTHS[1] && colorScheme === "light") {
          checkLinks(name, await links(page), "/", "http");
          if (bytes > MAX_PAGE_BYTES) fail(name, `weighs ${bytes} bytes with what it loads (limit ${MAX_PAGE_BYTES})`);
          if (scripts > 0 || ownScripts > 0) fail(name, "loads JavaScript");
          console.log(`${name}: ${bytes} bytes`);
        }
        if (shots && url === urls[0]) {
          mkdirSync(shots, { recursive: true });
          const file = join(shots, `${name.replaceAll("/", "_")}.${width}.${colorScheme}.png`);
          await page.screenshot({ path: file, fullPage: true });
        }
        checked += 1;
      }
      await context.close();
    }
  }

  // Under a subpath: stylesheets load, every link stays under the prefix and
  // answers. (A site built for a base_url on PORT lives at that root.)
  if (!process.env.PORT) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const url = `${origin}${PREFIX}${name}`;
    await page.goto(url, { waitUntil: "load" });
    const styles = await stylesApplied(page);
    if (styles) fail(`${PREFIX}${name}`, styles);
    checkLinks(`${PREFIX}${name}`, await links(page), PREFIX, "http");
    await context.close();
  }

  // From file://: stylesheets load and links resolve to files.
  {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(pathToFileURL(join(site, name)).href, { waitUntil: "load" });
    const styles = await stylesApplied(page);
    if (styles) fail(`file://${name}`, styles);
    checkLinks(`file://${name}`, await links(page), "file:", "file:");
    await context.close();
  }
}

await browser.close();
server.close();

console.log(`${pages.length} pages, ${checked} page loads with axe at ${WIDTHS.join(" and ")} px, light and dark`);
if (shots) console.log(`screenshots in ${shots}`);
if (failures.length > 0) {
  console.error(`\n${failures.length} problems:\n${failures.map((f) => `  ${f}`).join("\n")}`);
  process.exit(1);
}
console.log("browser checks passed");
