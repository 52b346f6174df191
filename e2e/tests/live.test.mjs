// Live updates (GET /api/events): two users with their own browsers at the same time; a
// change one makes appears on the other's open pipeline and list without a reload.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  api,
  adminToken,
  closeBrowser,
  freshPage,
  openBrowser,
  secondBrowser,
  shoot,
  signInToDashboard as signIn,
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  BASE,
} from "../support.mjs";

const SELLER = { username: "lina.live", email: "lina@live.example", password: "lina-password-1" };
const LEAD = "Live Lead Ltd";
let admin;
let lead;

before(async () => {
  await openBrowser("live");
  admin = await adminToken();
  await api("POST", "/api/users", admin, { ...SELLER, role: "staff" });
  lead = await api("POST", "/api/leads", admin, { name: LEAD });
});

after(closeBrowser);

const card = (page, stage) =>
  page.locator(`section[data-stage=${stage}] [data-testid=pipeline-card]`, { hasText: LEAD });

test("(live-a) a lead moved by one user moves on the other's pipeline, and an edit shows in the list", async () => {
  const watcher = await freshPage();
  await signIn(watcher, ADMIN_EMAIL, ADMIN_PASSWORD);
  await watcher.goto(`${BASE}/leads/pipeline`);
  await card(watcher, "prospect").waitFor();

  const seller = await secondBrowser("live-seller");
  try {
    await signIn(seller.page, SELLER.username, SELLER.password);
    await seller.page.goto(`${BASE}/leads/${lead.id}`);
    await seller.page.selectOption("#lead-stage", "qualified");
    await seller.page.locator("[data-testid=lead-stage]", { hasText: /qualified/i }).waitFor();

    // No reload on the watcher's side: the stream brought the change.
    await card(watcher, "qualified").waitFor({ timeout: 10_000 });
    assert.equal(await card(watcher, "prospect").count(), 0);
    await shoot(watcher, "live-a1-pipeline-moved");

    // The seller's open list shows a rename made elsewhere.
    await seller.page.goto(`${BASE}/leads`);
    await seller.page.locator("[data-testid=lead-row]", { hasText: LEAD }).waitFor();
    await api("PATCH", `/api/leads/${lead.id}`, admin, { name: `${LEAD} (renamed)` });
    await seller.page.locator("[data-testid=lead-row]", { hasText: "(renamed)" }).waitFor({ timeout: 10_000 });
    await shoot(seller.page, "live-a2-list-renamed");
  } finally {
    await seller.close();
  }
  assert.deepEqual(watcher.errors, []);
});

test("(live-b) a lead assigned elsewhere rings the bell at once; the panel opens it and the switches are kept", async () => {
  const seller = await freshPage();
  await signIn(seller, SELLER.username, SELLER.password);
  const bell = seller.locator("[data-testid=bell]");
  await bell.waitFor();
  assert.equal(await seller.locator("[data-testid=bell-badge]").count(), 0, "nothing unread yet");

  const users = await api("GET", "/api/users?q=lina.live", admin);
  const assigned = await api("POST", "/api/leads", admin, { name: "Bell Lead Ltd", assignedToId: users[0].id });
  // No reload: the notification's event updated the badge.
  await seller.locator("[data-testid=bell-badge]", { hasText: "1" }).waitFor({ timeout: 10_000 });
  assert.match(await bell.getAttribute("aria-label"), /1 unread/);

  // Keyboard: Enter opens the panel, Escape closes it and gives the focus back to the bell.
  await bell.focus();
  await seller.keyboard.press("Enter");
  await seller.locator("[data-testid=bell-panel]").waitFor();
  await seller.keyboard.press("Escape");
  assert.equal(await seller.locator("[data-testid=bell-panel]").count(), 0);
  assert.equal(await seller.evaluate(() => document.activeElement?.dataset.testid), "bell");

  await bell.click();
  const item = seller.locator("[data-testid=bell-item]", { hasText: "Lead assigned to you" });
  await item.waitFor();
  await shoot(seller, "live-b1-bell-open");
  await item.click();
  await seller.waitForURL(`${BASE}/leads/${assigned.id}`);
  await seller.locator("[data-testid=bell-badge]").waitFor({ state: "detached", timeout: 10_000 });

  // Owners show by name for staff who may not list users (the staff directory).
  const owned = await api("POST", "/api/leads", admin, { name: "Admin Owned Ltd", assignedToId: 1 });
  await seller.goto(`${BASE}/leads/${owned.id}`);
  await seller.locator("dt", { hasText: "Owner" }).locator("xpath=following-sibling::dd").getByText("admin").waitFor();

  // The notifications page lists it read; the preferences keep a switch turned off.
  await seller.goto(`${BASE}/notifications`);
  await seller.locator("[data-testid=notification-row]", { hasText: "Bell Lead Ltd" }).waitFor();
  await seller.goto(`${BASE}/notifications/preferences`);
  const byMail = seller.getByLabel("A lead is assigned to me: by e-mail");
  await byMail.uncheck();
  await seller.click("[data-testid=save-preferences]");
  await seller.getByText("Preferences saved").waitFor();
  await seller.reload();
  await seller.getByLabel("A lead is assigned to me: by e-mail").waitFor();
  assert.equal(await seller.getByLabel("A lead is assigned to me: by e-mail").isChecked(), false);
  assert.equal(await seller.getByLabel("A lead is assigned to me: in the app").isChecked(), true);
  await seller.locator("[data-testid=push-off]").waitFor();
  await shoot(seller, "live-b2-preferences");
  // The favicon the page links and the icons pushes show are served (no 404 on a cold load).
  assert.equal(await seller.locator('link[rel="icon"]').getAttribute("href"), "/favicon.svg");
  for (const file of ["/favicon.svg", "/icon-192x192.png", "/icon-72x72.png", "/sw.js"]) {
    assert.equal((await seller.request.get(`${BASE}${file}`)).status(), 200, file);
  }
  assert.deepEqual(seller.errors, []);
});
