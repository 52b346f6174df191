// What every journey file (e2e/tests/*.test.mjs) shares: the server `cargo xtask e2e`
// started (E2E_BASE_URL, E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, E2E_DATABASE_URL), a JSON
// client for setting up data through the API, Debian's Chromium through playwright-core,
// and page helpers. Each file runs in its own process, so each has its own browser.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const BASE = process.env.E2E_BASE_URL;
export const ADMIN_EMAIL = process.env.E2E_ADMIN_EMAIL;
export const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD;
export const DATABASE_URL = process.env.E2E_DATABASE_URL;
const CHROMIUM = process.env.E2E_CHROMIUM || "/usr/bin/chromium";
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "artifacts");

let context;
let userDataDir;

/** A JSON API call that throws on any non-2xx answer (setup, not the thing under test). */
export async function api(method, path, token, body) {
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** The admin's access token. */
export async function adminToken() {
  const session = await api("POST", "/api/login", null, { username: ADMIN_EMAIL, password: ADMIN_PASSWORD });
  return session.accessToken;
}

/** Starts this file's headless Chromium (extra playwright context options, e.g. timezoneId). */
export async function openBrowser(name, options = {}) {
  assert.ok(
    BASE && ADMIN_EMAIL && ADMIN_PASSWORD && DATABASE_URL,
    "run through `cargo xtask e2e` (E2E_* variables are missing)",
  );
  mkdirSync(ARTIFACTS, { recursive: true });
  userDataDir = mkdtempSync(join(tmpdir(), `mos-e2e-${name}-`));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
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
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  context.setDefaultTimeout(20_000);
  return context;
}

export async function closeBrowser() {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
}

/** A second browser with its own cookies, for a second user at the same time; `close()` ends it. */
export async function secondBrowser(name) {
  const dir = mkdtempSync(join(tmpdir(), `mos-e2e-${name}-`));
  const other = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
    viewport: { width: 1280, height: 800 },
  });
  other.setDefaultTimeout(20_000);
  const page = await other.newPage();
  return {
    page,
    close: async () => {
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh page with no session; browser errors are collected in `page.errors`. */
export async function freshPage() {
  await context.clearCookies();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && !/status of 40[0-9]/.test(message.text())) errors.push(message.text());
  });
  page.errors = errors;
  return page;
}

/** Submits the sign-in form (without waiting for what follows). */
export async function signIn(page, username, password) {
  await page.goto(`${BASE}/login`);
  await page.fill("#field-username", username);
  await page.fill("#field-password", password);
  await page.click("button[type=submit]");
}

/** Signs in and waits for the dashboard. */
export async function signInToDashboard(page, username, password) {
  await signIn(page, username, password);
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
}

/** Answers every PATCH to `pattern` with a 409 problem saying `detail` (a write the server refuses). */
export async function refusePatches(page, pattern, detail) {
  await page.route(pattern, (route) =>
    route.request().method() === "PATCH"
      ? route.fulfill({
          status: 409,
          contentType: "application/problem+json",
          body: JSON.stringify({
            type: "urn:marketingos:problem:conflict",
            title: "Conflict with existing data",
            status: 409,
            detail,
            code: "CONFLICT",
            errors: [],
            requestId: "e2e",
            message: detail,
          }),
        })
      : route.continue(),
  );
}

export async function shoot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
