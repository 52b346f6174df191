// The list state of the web app kit in the URL: search, filters, sort and page are the
// address's query, so back and forward step through filter changes, typing a search does
// not add history entries, a shared link opens the same rows, and an answer that arrives
// after the next request started does not replace that request's rows. Its own records
// (Lumen …), beside the other journey files' on the same server.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ADMIN_EMAIL, ADMIN_PASSWORD, BASE, adminToken, api, closeBrowser, freshPage, openBrowser, shoot, signInToDashboard } from "../support.mjs";

before(async () => {
  await openBrowser("lists");
  const admin = await adminToken();
  await api("POST", "/api/leads", admin, { name: "Lumen Alpha", stage: "prospect" });
  await api("POST", "/api/leads", admin, { name: "Lumen Beta", stage: "qualified" });
  await api("POST", "/api/leads", admin, { name: "Lumen Gamma", stage: "qualified" });
});

after(closeBrowser);

const info = (page) => page.locator("[data-testid=page-info]");
const names = async (page) =>
  (await page.locator("[data-testid=lead-row] td[data-label=Name] a").allInnerTexts()).map((t) => t.trim());

test("(l1) a list's search, filters and sort live in its address", async () => {
  const page = await freshPage();
  await signInToDashboard(page, ADMIN_EMAIL, ADMIN_PASSWORD);

  // Typing replaces the history entry (here the unfiltered list's); a filter adds one.
  await page.goto(`${BASE}/leads`);
  await page.locator("[data-testid=lead-row]").first().waitFor();
  await page.fill("#lead-search", "lumen");
  await page.waitForURL(`${BASE}/leads?q=lumen`);
  await info(page).filter({ hasText: "1–3 of 3" }).waitFor();
  await page.getByLabel("Stage").selectOption("qualified");
  await page.waitForURL(`${BASE}/leads?q=lumen&stage=qualified`);
  await info(page).filter({ hasText: "1–2 of 2" }).waitFor();
  await page.click("th button[data-sort=name]");
  await page.waitForURL(`${BASE}/leads?q=lumen&stage=qualified&sort=name`);
  await page.click("th button[data-sort=name]");
  await page.waitForURL(`${BASE}/leads?q=lumen&stage=qualified&sort=-name`);
  await page.locator("[data-testid=lead-row]", { hasText: "Lumen Gamma" }).first().waitFor();
  assert.deepEqual(await names(page), ["Lumen Gamma", "Lumen Beta"]);
  await shoot(page, "l1-leads-in-the-url");

  // Back and forward step through the filter changes, controls included.
  await page.goBack();
  await page.waitForURL(`${BASE}/leads?q=lumen&stage=qualified&sort=name`);
  await page.locator("th[aria-sort=ascending] button[data-sort=name]").waitFor();
  await page.goBack();
  await page.goBack();
  await page.waitForURL(`${BASE}/leads?q=lumen`);
  await info(page).filter({ hasText: "1–3 of 3" }).waitFor();
  assert.equal(await page.getByLabel("Stage").inputValue(), "");
  assert.equal(await page.inputValue("#lead-search"), "lumen");
  await page.goBack();
  await page.waitForURL(`${BASE}/`);
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  await page.goForward();
  await page.waitForURL(`${BASE}/leads?q=lumen`);
  await page.goForward();
  await page.waitForURL(`${BASE}/leads?q=lumen&stage=qualified`);
  await info(page).filter({ hasText: "1–2 of 2" }).waitFor();

  // A shared link opens with its filters; a value the API does not know is left out.
  await page.goto(`${BASE}/leads?q=lumen&stage=sold&sort=-name`);
  await info(page).filter({ hasText: "1–3 of 3" }).waitFor();
  assert.deepEqual(await names(page), ["Lumen Gamma", "Lumen Beta", "Lumen Alpha"]);
  assert.equal(await page.inputValue("#lead-search"), "lumen");

  // An answer that arrives after the next request started does not replace its rows.
  await page.route("**/api/leads?*", async (route) => {
    const url = route.request().url();
    if (url.includes("q=lumen") && !url.includes("stage=")) await new Promise((r) => setTimeout(r, 700));
    await route.continue();
  });
  await page.goto(`${BASE}/leads`);
  await page.locator("[data-testid=lead-row]").first().waitFor();
  await page.fill("#lead-search", "lumen");
  await page.waitForURL(`${BASE}/leads?q=lumen`);
  await page.getByLabel("Stage").selectOption("prospect");
  await page.waitForURL(`${BASE}/leads?q=lumen&stage=prospect`);
  await info(page).filter({ hasText: "1–1 of 1" }).waitFor();
  await page.waitForTimeout(1000);
  assert.deepEqual(await names(page), ["Lumen Alpha"]);
  await page.unroute("**/api/leads?*");
  assert.deepEqual(page.errors, []);
  await page.close();
});
