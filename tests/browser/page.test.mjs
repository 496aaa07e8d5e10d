// The report's page in a real browser: Debian's chromium, driven by
// playwright-core. The answer cards must be on the first screen on a
// desktop (1400x900) and on a phone (390x844), nothing of them may run
// off the side, the blog's table and the runtime table must fit a phone's
// width, and the page may log no error.
//
//   node tests/browser/page.test.mjs PAGE.html CHROMIUM [SCREENSHOT_DIR]
//
// Run by tests/browser/run.sh under meson test.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";

const [pagePath, chromiumPath, screenshots] = process.argv.slice(2);
const require = createRequire(process.env.BM_PLAYWRIGHT_DIR + "/");
const { chromium } = require("playwright-core");

const VIEWPORTS = [
  { name: "desktop", width: 1400, height: 900 },
  { name: "phone", width: 390, height: 844 },
];
// Chromium as root, on a machine that refuses outside connections.
const ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic",
  "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync"];

let profile, browser;
before(async () => {
  // A fresh profile (--user-data-dir) for every run.
  profile = mkdtempSync(join(tmpdir(), "bm-chromium-"));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath, args: ARGS, headless: true,
  });
});
after(async () => {
  await browser?.close();
  rmSync(profile, { recursive: true, force: true });
});

async function open(viewport) {
  const page = await browser.newPage();
  await page.setViewportSize(viewport);
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(resolve(pagePath)).href);
  return { page, errors };
}

// Everything that sticks out of the viewport's width or of its own box.
const OVERFLOW = (selector) => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll(`${selector}, ${selector} *`)) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 0.5 || box.left < -0.5 ||
        el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible")
      out.push(`${el.tagName.toLowerCase()}.${el.className}: ${Math.round(box.left)}..${Math.round(box.right)} of ${width}`);
  }
  return out;
};

for (const viewport of VIEWPORTS) {
  test(`answer cards at ${viewport.width}x${viewport.height}`, async () => {
    const { page, errors } = await open(viewport);
    if (screenshots)
      await page.screenshot({ path: join(screenshots, `page-${viewport.width}.png`) });
    const cards = page.locator(".card");
    assert.ok(await cards.count() >= 1, "no answer card on the page");
    // The first card (Windows) whole in the first viewport; on a desktop
    // every card.
    const whole = viewport.name === "desktop" ? await cards.count() : 1;
    for (let i = 0; i < whole; i++) {
      const box = await cards.nth(i).boundingBox();
      const title = await cards.nth(i).locator("h2").innerText();
      assert.ok(box.y >= 0 && box.y + box.height <= viewport.height,
        `card "${title}" spans ${Math.round(box.y)}..${Math.round(box.y + box.height)} px, ` +
        `the first viewport ${viewport.height} px`);
    }
    assert.deepEqual(await page.evaluate(OVERFLOW, ".cards"), [], "the cards overflow");
    assert.deepEqual(await page.evaluate(OVERFLOW, "table.main"), [],
      "the blog's table does not fit the width");
    // The runtime table, where the results have runtime listeners.
    assert.deepEqual(await page.evaluate(OVERFLOW, "table.runtimes"), [],
      "the runtime table does not fit the width");
    const scroll = await page.evaluate(() =>
      document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(scroll <= 0, `the page scrolls sideways by ${scroll} px`);
    assert.deepEqual(errors, [], "console errors");
    if (screenshots)  // last: it scrolls the page
      await page.locator("table.main").screenshot({
        path: join(screenshots, `table-${viewport.width}.png`) });
    await page.close();
  });
}

test("the cells page is linked and loads without errors", async () => {
  const { page, errors } = await open(VIEWPORTS[0]);
  const link = page.locator('a[href$="-cells.html"]').first();
  await Promise.all([page.waitForLoadState("load"), link.click()]);
  assert.match(page.url(), /-cells\.html$/);
  assert.ok(await page.locator("table.cells").count() > 0, "no cell grid");
  assert.deepEqual(errors, [], "console errors");
  await page.close();
});
