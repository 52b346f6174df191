// Browser journeys through the web app, against a real server started by `cargo xtask e2e`
// (E2E_BASE_URL, E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, E2E_DATABASE_URL). Chromium is Debian's, driven by
// playwright-core; every journey saves a screenshot under e2e/artifacts/.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  BASE,
  DATABASE_URL,
  adminToken,
  api,
  closeBrowser,
  freshPage,
  openBrowser,
  shoot,
  signIn,
  signInToDashboard,
} from "../support.mjs";

const STAFF = { username: "sam.staff", email: "sam@example.com", password: "sam-password-1", first: "Sam", last: "Rivera" };
const CLIENT = { username: "clara.client", email: "clara@example.com", password: "clara-password-1" };
const FORGETFUL = { username: "rita.reset", email: "rita@example.com", password: "rita-password-1" };

let context;

before(async () => {
  context = await openBrowser("chromium");
  // The client-role user comes from the API, as an integrator would create it.
  await api("POST", "/api/users", await adminToken(), {
    username: CLIENT.username,
    email: CLIENT.email,
    password: CLIENT.password,
    role: "client",
    clientId: "client-42",
  });
});

after(closeBrowser);

async function navLabels(page) {
  return (await page.locator("nav.sidebar a").allInnerTexts()).map((t) => t.trim());
}

test("(a) a wrong password shows the error message", async () => {
  const page = await freshPage();
  await signIn(page, ADMIN_EMAIL, "not-the-password");
  const error = page.locator("[data-testid=form-error]");
  await error.waitFor();
  assert.match(await error.innerText(), /invalid username or password/i);
  assert.equal(new URL(page.url()).pathname, "/login");
  await shoot(page, "a-login-error");
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("(b) the admin creates a staff user in the users dialog, then signs out", async () => {
  const page = await freshPage();
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  assert.deepEqual(await navLabels(page), ["Dashboard", "Leads", "Clients", "Campaigns", "Tasks", "Calendar", "Users", "API keys", "Background jobs", "Outbox", "Webhooks", "My profile"]);

  await page.click("nav.sidebar >> text=Users");
  await page.locator("[data-testid=user-row]").first().waitFor();
  await page.click("[data-testid=new-user]");
  const form = page.locator("[data-testid=user-form]");
  await form.waitFor();
  await page.fill("#field-username", STAFF.username);
  await page.fill("#field-email", STAFF.email);
  await page.fill("#field-firstName", STAFF.first);
  await page.fill("#field-lastName", STAFF.last);
  await page.selectOption("#field-role", "staff");

  // The API's field-level validation message appears under the field.
  await page.fill("#field-password", "short");
  await form.locator("button[type=submit]").click();
  const passwordError = page.locator("#field-password-error");
  await passwordError.filter({ hasText: /\S/ }).waitFor();
  assert.ok((await passwordError.innerText()).length > 0);

  await page.fill("#field-password", STAFF.password);
  await form.locator("button[type=submit]").click();
  await form.waitFor({ state: "detached" });
  await page.locator("[data-testid=toast]", { hasText: `${STAFF.username} has been created` }).waitFor();
  await page.locator("[data-testid=user-row]", { hasText: STAFF.username }).waitFor();
  // Other journey files (run earlier on the same server) add users of their own.
  const everyone = await page.locator("[data-testid=page-info]").innerText();
  assert.match(everyone, /^1–(\d+) of \1$/);
  assert.ok(Number(everyone.split(" of ")[1]) >= 3, everyone);
  assert.deepEqual(
    (await page.locator("nav.pagination button").allInnerTexts()).map((t) => t.trim()),
    ["Previous", "Next"],
  );
  // The search box filters through the API.
  await page.fill("#user-search", "clara");
  await page.click("form[role=search] button[type=submit]");
  await page.locator("[data-testid=page-info]", { hasText: "1–1 of 1" }).waitFor();
  await page.fill("#user-search", "");
  await page.click("form[role=search] button[type=submit]");
  await page.locator("[data-testid=page-info]", { hasText: everyone }).waitFor();
  // The validation toast has done its job; keep the success one for the screenshot.
  await page.locator("[data-testid=toast]", { hasText: "Invalid" }).getByRole("button", { name: "Dismiss" }).click();
  await shoot(page, "b-users-admin");

  await page.click("[data-testid=logout]");
  await page.waitForURL(`${BASE}/login`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("(c) a staff user does not see admin-only navigation", async () => {
  const page = await freshPage();
  await signIn(page, STAFF.username, STAFF.password);
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  const labels = await navLabels(page);
  assert.deepEqual(labels, ["Dashboard", "Leads", "Clients", "Campaigns", "Tasks", "Calendar", "My profile"]);
  assert.ok(!labels.includes("Users") && !labels.includes("API keys"));
  await shoot(page, "c-staff-dashboard");

  // The theme toggle switches to the other theme and remembers it.
  const before = await page.evaluate(() => document.documentElement.dataset.theme ?? "system");
  await page.locator("[data-testid=theme-toggle]").click();
  const after = await page.evaluate(() => document.documentElement.dataset.theme);
  assert.ok(after === "dark" || after === "light");
  assert.notEqual(after, before);

  // On a 375 px wide phone the sidebar hides behind the menu button.
  await page.setViewportSize({ width: 375, height: 740 });
  assert.equal(await page.locator("nav.sidebar").isVisible(), false);
  await page.getByRole("button", { name: "Menu" }).click();
  await page.locator("nav.sidebar").waitFor();
  await shoot(page, "c-staff-mobile");
  await page.setViewportSize({ width: 1280, height: 800 });

  // Typing the address does not help either (and the SPA fallback serves the route).
  await page.goto(`${BASE}/users`);
  await page.getByText("You cannot manage users").waitFor();
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("(d) a client-role user sees only the client portal", async () => {
  const page = await freshPage();
  await signIn(page, CLIENT.username, CLIENT.password);
  await page.waitForURL(`${BASE}/portal`);
  await page.getByRole("heading", { name: "Client portal" }).waitFor();
  assert.deepEqual(await navLabels(page), ["Client portal", "My profile"]);

  // The staff dashboard address leads back to the portal.
  await page.goto(`${BASE}/`);
  await page.waitForURL(`${BASE}/portal`);
  await shoot(page, "d-client-portal");
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("(e) the admin creates an API key, sees it once, and revokes it", async () => {
  const page = await freshPage();
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  await page.click("nav.sidebar >> text=API keys");
  await page.getByText("No API keys yet").waitFor();

  // A blank name is refused by the API with a field error.
  await page.click("text=Create key");
  await page.locator("#field-name-error").filter({ hasText: /\S/ }).waitFor();

  await page.fill("#field-name", "reporting");
  await page.click("text=Create key");
  const secret = page.locator("[data-testid=new-key] code");
  await secret.waitFor();
  assert.match(await secret.innerText(), /^mos_/);
  await page.locator("td", { hasText: "reporting" }).waitFor();
  await shoot(page, "e-api-key-created");

  // An expired access cookie is renewed with the refresh cookie, on reload and on a call.
  const accessCookie = async () => (await context.cookies(BASE)).find((c) => c.name === "mos_access")?.value;
  await context.clearCookies({ name: "mos_access" });
  assert.equal(await accessCookie(), undefined);
  await page.reload();
  await page.locator("td", { hasText: "reporting" }).waitFor();
  assert.ok(await accessCookie(), "the session was refreshed");
  await context.clearCookies({ name: "mos_access" });
  await page.getByRole("button", { name: "Revoke" }).click();
  await page.click("[data-testid=confirm]");
  await page.locator("[data-testid=toast]", { hasText: "has been revoked" }).waitFor();
  await page.locator("td", { hasText: "Revoked" }).waitFor();
  assert.ok(await accessCookie(), "the write refreshed the session and was retried");
  assert.deepEqual(page.errors, []);
  await page.close();
});

/**
 * The newest email to `address`, as its recipient would read it (SMTP is not configured in
 * tests). A job writes it just after the answer, so this waits for it (up to 10 s).
 */
async function latestEmailTo(address) {
  for (let tries = 0; tries < 100; tries++) {
    const body = execFileSync(
      "psql",
      [DATABASE_URL, "-XtAc", `SELECT body_text FROM email_outbox WHERE to_address = '${address}' ORDER BY created_at DESC LIMIT 1`],
      { encoding: "utf8" },
    );
    if (body.trim()) return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no email to ${address}`);
}

test("(f) a forgotten password is reset through the emailed link, which works once", async () => {
  const session = await api("POST", "/api/login", null, { username: ADMIN_EMAIL, password: ADMIN_PASSWORD });
  await api("POST", "/api/users", session.accessToken, { ...FORGETFUL, role: "staff" });
  const page = await freshPage();
  await page.goto(`${BASE}/login`);
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await page.fill("#field-email", FORGETFUL.email);
  await page.click("button[type=submit]");
  await page.locator(".alert-success").waitFor();

  const link = (await latestEmailTo(FORGETFUL.email)).match(/https?:\/\/\S+\/reset-password\?token=[\w-]+/);
  assert.ok(link, "the reset email carries a link to the reset page");
  const resetPath = new URL(link[0]).pathname + new URL(link[0]).search;

  await page.goto(`${BASE}${resetPath}`);
  const newPassword = "rita-new-password-2";
  await page.fill("#field-password", newPassword);
  await page.fill("#field-confirm", "something-else-entirely");
  await page.click("button[type=submit]");
  assert.match(await page.locator("#field-confirm-error").innerText(), /do not match/i);
  await page.fill("#field-confirm", newPassword);
  await page.click("button[type=submit]");
  await page.locator(".alert-success", { hasText: "Your password has been changed" }).waitFor();
  await shoot(page, "f-password-reset");

  await page.getByRole("link", { name: "Sign in" }).click();
  await page.fill("#field-username", FORGETFUL.username);
  await page.fill("#field-password", newPassword);
  await page.click("button[type=submit]");
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();

  // The link is single-use.
  await context.clearCookies();
  await page.goto(`${BASE}${resetPath}`);
  await page.fill("#field-password", "yet-another-password-3");
  await page.fill("#field-confirm", "yet-another-password-3");
  await page.click("button[type=submit]");
  assert.match(await page.locator("[data-testid=form-error]").innerText(), /invalid, already used or expired/i);
  assert.deepEqual(page.errors, []);
  await page.close();

  // Without SMTP the mail is kept: an admin reads it in the outbox.
  const admin = await freshPage();
  await signInToDashboard(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
  await admin.goto(`${BASE}/outbox?q=${encodeURIComponent(FORGETFUL.email)}`);
  const row = admin.locator("[data-testid=outbox-row]", { hasText: "Reset your MarketingOS password" });
  await row.waitFor();
  assert.match(await row.innerText(), /Kept \(no SMTP\)/);
  await row.getByRole("button", { name: `Read the mail to ${FORGETFUL.email}` }).click();
  const text = admin.locator("[data-testid=mail-text]");
  await text.waitFor();
  assert.match(await text.innerText(), /\/reset-password\?token=/);
  await shoot(admin, "f-outbox");
  await admin.keyboard.press("Escape");
  await text.waitFor({ state: "detached" });
  assert.deepEqual(admin.errors, []);
  await admin.close();
});

test("(g) the admin adds a webhook endpoint, sees its secret once, turns it off and deletes it", async () => {
  const page = await freshPage();
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  await page.click("nav.sidebar >> text=Webhooks");
  await page.getByText("No webhook endpoints yet").waitFor();

  await page.click("text=Add endpoint");
  // A loopback address is refused at its field (WEBHOOK_ALLOWED_HOSTS is not set here).
  await page.fill("#field-url", "http://127.0.0.1:9/hooks");
  await page.click("[data-testid=webhook-form] >> button[type=submit]");
  await page.locator("#field-url-error").filter({ hasText: /public address/ }).waitFor();
  // A public address; nothing in the journeys syncs calendars, so nothing is sent to it.
  await page.fill("#field-url", "https://93.184.216.34/hooks");
  await page.fill("#field-eventTypes", "calendar.sync");
  await page.click("[data-testid=webhook-form] >> button[type=submit]");
  const secret = page.locator("[data-testid=webhook-secret] code");
  await secret.waitFor();
  assert.match(await secret.innerText(), /^whsec_[0-9a-f]{64}$/);
  await page.locator("[data-testid=webhook-row]", { hasText: "calendar.sync" }).waitFor();
  await shoot(page, "g-webhook-created");

  await page.getByRole("button", { name: "Turn off" }).click();
  await page.locator("[data-testid=webhook-row] .status", { hasText: "Off" }).waitFor();
  await page.getByRole("button", { name: "Deliveries" }).click();
  await page.getByText("Nothing has been sent to this endpoint yet.").waitFor();
  await page.getByRole("button", { name: "Close" }).click();
  await page.getByRole("button", { name: "Delete" }).click();
  await page.click("[data-testid=confirm]");
  await page.getByText("No webhook endpoints yet").waitFor();
  assert.deepEqual(page.errors, []);
  await page.close();
});
