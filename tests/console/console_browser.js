// Drives the console in headless Chromium (playwright-core) against a running relay, at a
// desktop and at a phone's size. Usage: node console_browser.js SETTINGS.json, where the
// settings name the relay URL, its admin token, the npm directory with playwright-core, the
// screenshot directory and, per size, the event to post and the dead letter to replay.
// Prints one line per step; exits 0 when every step passed, 1 otherwise.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");

const settings = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const { chromium } = require(path.join(settings.npm, "node_modules", "playwright-core"));

const STEP_TIMEOUT = 10000;
setTimeout(() => {
  console.error("console_browser.js: gave up after 240 s");
  process.exit(1);
}, 240000).unref();

function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
}

const shots = [];
async function screenshot(page, size, name) {
  const file = path.join(settings.screenshots, `${size}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  shots.push(file);
}

// The page must not scroll sideways (tables scroll inside their own box).
async function noSidewaysScroll(page, where) {
  const [scrollWidth, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  check(scrollWidth <= width, `${where}: the page is ${scrollWidth} px wide in a ${width} px window`);
}

async function show(page, size, name) {
  await page.click(`#nav a[data-page="${name}"]`);
  await page.waitForSelector(`#page-${name}:not([hidden])`);
}

async function filter(page, form, fields) {
  for (const [name, value] of Object.entries(fields)) {
    const field = page.locator(`${form} [name="${name}"]`);
    if ((await field.evaluate((node) => node.tagName)) === "SELECT") await field.selectOption(value);
    else await field.fill(value);
  }
  await page.click(`${form} button[type=submit]`);
}

// Rows of a table whose text contains `text`: the table is emptied and the filter form sent
// again, and the row awaited for a second each time, until one appears or STEP_TIMEOUT
// passes. Emptying first means a row found is the new answer's, not the previous filter's.
async function rowAppears(page, form, fields, table, text) {
  const deadline = Date.now() + STEP_TIMEOUT;
  const rows = page.locator(`${table} tbody tr`, { hasText: text });
  for (;;) {
    await page.locator(`${table} tbody`).evaluate((body) => body.replaceChildren());
    await filter(page, form, fields);
    try {
      await rows.first().waitFor({ timeout: 1000 });
      return rows;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for a row with ${text} in ${table}`);
    }
  }
}

async function postEvent(event) {
  const answer = await fetch(`${settings.url}/events`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(event),
  });
  check(answer.status === 202, `POST /events answered ${answer.status}`);
}

// Debian's Chromium with a new empty profile, kept off the network.
async function launch(profile, viewport) {
  return chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport,
  });
}

// The status column of the attempts table.
async function attemptStatuses(page) {
  return page.$$eval("#attempts-table tbody tr td:nth-child(3)", (cells) => cells.map((cell) => cell.textContent));
}

async function run(size) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "relay-console-chromium-"));
  const context = await launch(profile, { width: size.width, height: size.height });
  const page = await context.newPage();
  const errors = [];
  try {
    page.setDefaultTimeout(STEP_TIMEOUT);
    page.on("dialog", (dialog) => dialog.accept());
    page.on("pageerror", (error) => errors.push(String(error)));
    // Chromium logs every answer >= 400 as "Failed to load resource"; those are expected here.
    page.on("console", (message) => {
      if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) errors.push(message.text());
    });
    const step = (text) => console.log(`[${size.name}] ${text}`);

    await page.goto(`${settings.url}/ui`);
    await page.waitForSelector("#login:not([hidden])");
    await page.fill("#login-token", "not-the-token");
    await page.click("#login-form button[type=submit]");
    await page.waitForSelector("#login-error:has-text('Wrong admin token')");
    await screenshot(page, size.name, "login");
    step("a wrong token is refused");
    await page.fill("#login-token", settings.token);
    await page.click("#login-form button[type=submit]");
    await page.waitForSelector("#app:not([hidden])");
    await page.waitForSelector("#overview-tiles .tile");
    const overview = await page.evaluate(() => fetch("/admin/overview").then((r) => r.status));
    if (overview === 200) {
      await page.waitForSelector("#chart-events svg polyline", { state: "attached" });
      await page.waitForSelector("#chart-deliveries svg polyline", { state: "attached" });
      await page.waitForSelector("#overview-destinations tbody tr:has-text('webhook')");
    } else {
      await page.waitForSelector("#overview-note:not([hidden])");
    }
    await noSidewaysScroll(page, "overview");
    await screenshot(page, size.name, "overview");
    step(overview === 200 ? "logged in; overview shown with its charts and destinations"
                          : "logged in; overview shown (no /admin/overview: backlog only)");

    await postEvent(size.event);
    await show(page, size.name, "deliveries");
    const id = size.event.id;
    await rowAppears(page, "#deliveries-filter", {}, "#deliveries-table", id);
    // (A route added from the console on the other size may send the event elsewhere too.)
    let rows = await rowAppears(page, "#deliveries-filter", { event_id: id, destination: "webhook", status: "delivered" },
                                "#deliveries-table", id);
    check((await page.locator("#deliveries-table tbody tr").count()) === 1, "the filter leaves one delivery");
    await rows.first().click();
    await page.waitForSelector("#attempts-table tbody tr");
    check(JSON.stringify(await attemptStatuses(page)) === '["200"]', "one attempt, answered 200");
    step(`delivery of ${id} appeared, filtered, its attempts shown`);

    rows = await rowAppears(page, "#deliveries-filter", { event_id: size.dead, status: "dead" }, "#deliveries-table", size.dead);
    await rows.first().click();
    await page.waitForSelector("#delivery-detail h3:has-text('dead')");
    check(JSON.stringify(await attemptStatuses(page)) === '["503","503"]', "two attempts, answered 503");
    check((await page.textContent("#delivery-body")).includes("taskArn"), "the dead letter's body is shown");
    await noSidewaysScroll(page, "deliveries");
    await screenshot(page, size.name, "deliveries");
    step(`dead letter ${size.dead}: attempts and body shown`);

    await show(page, size.name, "dead");
    rows = await rowAppears(page, "#dead-filter", { event_id: size.dead }, "#dead-table", size.dead);
    await noSidewaysScroll(page, "dead letters");
    await screenshot(page, size.name, "dead-letters");
    await rows.first().locator("button", { hasText: "Replay" }).click();
    await page.waitForSelector("#dead-message:has-text('Replayed 1 dead letter')");
    await show(page, size.name, "deliveries");
    await rowAppears(page, "#deliveries-filter", { event_id: size.dead, status: "delivered" }, "#deliveries-table", size.dead);
    step(`dead letter ${size.dead} replayed and delivered`);

    await show(page, size.name, "config");
    const registry = await page.evaluate(() => fetch("/admin/destinations").then((r) => r.status));
    if (registry === 404) {
      await page.waitForSelector("#config-note:not([hidden])");
      step("SKIPPED adding a destination and a route: this relay has no registry API (/admin/destinations answers 404)");
    } else {
      await addDestinationAndRoute(page, size, step);
    }
    await page.fill("#test-form [name=destination]", "webhook");
    await page.click("#test-form button[type=submit]");
    await page.waitForSelector("#test-result:has-text('took the test event')");
    await noSidewaysScroll(page, "routes and destinations");
    await screenshot(page, size.name, "config");
    step("test event sent to webhook");

    await show(page, size.name, "pattern");
    const tryPattern = async (pattern, verdict) => {
      await page.fill("#pattern-form [name=pattern]", JSON.stringify(pattern));
      await page.fill("#pattern-form [name=event]", JSON.stringify(size.event));
      await page.click("#pattern-form button[type=submit]");
      await page.waitForSelector(`#pattern-result.${verdict}`);
      return page.textContent("#pattern-result");
    };
    await tryPattern({ source: ["aws.ecs"], "detail-type": ["ECS Task State Change"] }, "match");
    await tryPattern({ source: ["aws.ec2"] }, "nomatch");
    const refused = await tryPattern({ source: [{ prefx: "aws" }] }, "invalid");
    check(refused.includes("source[0]") && refused.includes("prefx"), `relay's message for the bad pattern: ${refused}`);
    await noSidewaysScroll(page, "pattern tester");
    await screenshot(page, size.name, "pattern");
    step(`pattern tester: match, no match, invalid (${refused.trim().split("\n").pop()})`);

    const withoutCsrf = await page.evaluate(() =>
      fetch("/admin/dlq/replay?all=true", { method: "POST", credentials: "same-origin" }).then((r) => r.status));
    check(withoutCsrf === 403, `a POST with the cookie but no X-CSRF-Token answered ${withoutCsrf}`);
    step("a POST without X-CSRF-Token is refused (403)");

    await page.click("#logout");
    await page.waitForSelector("#login:not([hidden])");
    const afterLogout = await page.evaluate(() => fetch("/admin/deliveries").then((r) => r.status));
    check(afterLogout === 401, `after logging out /admin/deliveries answered ${afterLogout}`);
    check(errors.length === 0, `no script errors in the page: ${errors.join("; ")}`);
    step("logged out");
  } catch (error) {
    // What the page showed when the step failed.
    await page.screenshot({ path: path.join(settings.screenshots, `${size.name}-failed.png`), fullPage: true });
    const shown = await page.$$eval(".message, .error, .note, .result", (nodes) =>
      nodes.filter((node) => node.textContent.trim()).map((node) => `${node.id}: ${node.textContent.trim()}`));
    console.error(`[${size.name}] the page showed: ${shown.join(" | ")}; script errors: ${errors.join("; ")}`);
    throw error;
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

// Adds a destination and a route to it from the console and sees an event reach it
// (needs the registry API).
async function addDestinationAndRoute(page, size, step) {
  const name = `ui-hook-${size.name}`;
  const put = async (kind, entry, spec) => {
    await page.selectOption("#entry-form [name=kind]", kind);
    await page.fill("#entry-form [name=name]", entry);
    await page.fill("#entry-form [name=spec]", JSON.stringify(spec));
    await page.click("#entry-form button[type=submit]");
    await page.waitForSelector(`#entry-problems li:has-text('Saved ${entry}')`);
  };
  await put("destinations", name, settings.destination);
  await put("routes", `ui-route-${size.name}`, { ...settings.route, destinations: [name] });
  await page.waitForSelector(`#destinations-table tr[data-name="${name}"]`);
  const event = { ...size.event, id: `${size.event.id}-registry` };
  await postEvent(event);
  await show(page, size.name, "deliveries");
  await rowAppears(page, "#deliveries-filter", { event_id: event.id, destination: name, status: "delivered" },
                   "#deliveries-table", event.id);
  await show(page, size.name, "config");
  step(`added destination ${name} and a route to it; an event reached it`);
}

// A screenshot is not blank: a real PNG of some size with more than a few colours
// (counted by the browser from the decoded image).
async function checkScreenshots(context) {
  const page = await context.newPage();
  for (const file of shots) {
    const png = fs.readFileSync(file);
    check(png.length > 3000 && png.subarray(1, 4).toString() === "PNG", `${file} is a PNG of some size`);
    const colours = await page.evaluate(async (data) => {
      const image = new Image();
      image.src = `data:image/png;base64,${data}`;
      await image.decode();
      const canvas = document.createElement("canvas");
      canvas.width = image.width;
      canvas.height = image.height;
      const context2d = canvas.getContext("2d");
      context2d.drawImage(image, 0, 0);
      const pixels = context2d.getImageData(0, 0, image.width, image.height).data;
      const seen = new Set();
      for (let i = 0; i < pixels.length && seen.size < 50; i += 4 * 7) seen.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
      return seen.size;
    }, png.toString("base64"));
    check(colours >= 5, `${file} has ${colours} colours`);
  }
  console.log(`${shots.length} screenshots in ${settings.screenshots}, none blank`);
}

(async () => {
  fs.rmSync(settings.screenshots, { recursive: true, force: true });  // none left from an earlier run
  fs.mkdirSync(settings.screenshots, { recursive: true });
  for (const size of settings.sizes) await run(size);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "relay-console-chromium-"));
  const context = await launch(profile, { width: 800, height: 600 });
  try {
    await checkScreenshots(context);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
})().then(() => process.exit(0), (error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
});
