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
