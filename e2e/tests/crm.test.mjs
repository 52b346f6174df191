// Browser journeys through the CRM pages (leads, pipeline, lead → client conversion,
// clients, campaigns, CSV import and export), against the server `cargo xtask e2e` starts (shared with the other
// journey files, so every name here is this file's own). Screenshots go to e2e/artifacts/.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  BASE,
  api,
  adminToken,
  closeBrowser,
  freshPage,
  openBrowser,
  refusePatches,
  shoot,
  signInToDashboard as signIn,
} from "../support.mjs";

const SELLER = { username: "cora.crm", email: "cora@crm.example", password: "cora-password-1", first: "Cora", last: "Mendes" };
const CREATOR = { username: "milo.maker", email: "milo@crm.example", password: "milo-password-1" };
const LEAD = { name: "Nadia Okafor", company: "Okafor Bakery", email: "nadia@okafor-bakery.example", value: "12000" };

before(async () => {
  await openBrowser("crm");
  const admin = await adminToken();
  await api("POST", "/api/users", admin, {
    username: SELLER.username,
    email: SELLER.email,
    password: SELLER.password,
    firstName: SELLER.first,
    lastName: SELLER.last,
    role: "staff",
  });
  await api("POST", "/api/users", admin, { ...CREATOR, role: "creator" });
});

after(closeBrowser);

async function dismissToasts(page) {
  for (const button of await page.locator("[data-testid=toast] button").all()) {
    await button.click().catch(() => {});
  }
}

const column = (page, stage) => page.locator(`section[data-stage=${stage}]`);
const card = (page, name) => page.locator("[data-testid=pipeline-card]", { hasText: name });

test("(crm-a) a lead is created, worked through the pipeline, converted, and its client found", async () => {
  const page = await freshPage();
  await signIn(page, SELLER.username, SELLER.password);
  const nav = (await page.locator("nav.sidebar a").allInnerTexts()).map((t) => t.trim());
  for (const label of ["Leads", "Clients", "Campaigns"]) assert.ok(nav.includes(label), `${label} in ${nav}`);

  // Create the lead in the dialog; the API's field error appears at the field first.
  await page.click("nav.sidebar >> text=Leads");
  await page.getByRole("heading", { name: "Leads" }).waitFor();
  await page.click("[data-testid=new-lead]");
  const form = page.locator("[data-testid=lead-form]");
  await page.locator("#field-name:focus").waitFor();
  await page.keyboard.type(LEAD.name);
  await page.fill("#field-company", LEAD.company);
  await page.fill("#field-email", "not-an-email");
  await form.locator("button[type=submit]").click();
  await page.locator("#field-email-error").filter({ hasText: /\S/ }).waitFor();
  await page.fill("#field-email", LEAD.email);
  await page.fill("#field-value", LEAD.value);
  await form.locator("button[type=submit]").click();
  await form.waitFor({ state: "detached" });
  await page.locator("[data-testid=toast]", { hasText: `${LEAD.name} has been created` }).waitFor();
  await page.locator("[data-testid=lead-row]", { hasText: LEAD.name }).waitFor();

  // A second lead with the same email (other case) is refused, naming the existing lead.
  await page.click("[data-testid=new-lead]");
  await page.fill("#field-name", "Nadia O. (again)");
  await page.fill("#field-email", LEAD.email.toUpperCase());
  await form.locator("button[type=submit]").click();
  const duplicate = page.locator("[data-testid=duplicate-lead]");
  await duplicate.waitFor();
  assert.match(await duplicate.innerText(), new RegExp(`${LEAD.name} has the same email`));
  assert.equal(await duplicate.getByRole("link", { name: LEAD.name }).count(), 1);
  await shoot(page, "crm-a1-duplicate-lead");
  await page.keyboard.press("Escape");
  await form.waitFor({ state: "detached" });

  // Another lead, so search and sort have something to tell apart.
  await page.click("[data-testid=new-lead]");
  await page.fill("#field-name", "Bruno Almeida");
  await page.fill("#field-company", "Almeida Surf");
  await form.locator("button[type=submit]").click();
  await form.waitFor({ state: "detached" });
  await page.locator("[data-testid=lead-row]", { hasText: "Bruno Almeida" }).waitFor();

  // The search box queries the API as the user types (debounced).
  await page.fill("#lead-search", "okafor");
  await page.locator("[data-testid=page-info]", { hasText: "1–1 of 1" }).waitFor();
  await page.fill("#lead-search", "");
  await page.locator("[data-testid=page-info]", { hasText: "of 2" }).waitFor();

  // Sorting by name is remembered across a reload.
  await page.click("th button[data-sort=name]");
  await page.locator("th[aria-sort=ascending] button[data-sort=name]").waitFor();
  await page.locator("[data-testid=lead-row]").first().filter({ hasText: "Bruno Almeida" }).waitFor();
  await page.reload();
  await page.locator("th[aria-sort=ascending] button[data-sort=name]").waitFor();
  assert.match(await page.locator("[data-testid=lead-row]").first().innerText(), /Bruno Almeida/);
  await dismissToasts(page);
  await shoot(page, "crm-a2-leads-list");

  // Pipeline: drag the card from Prospect to Contacted.
  await page.getByRole("link", { name: "Pipeline" }).click();
  await card(page, LEAD.name).waitFor();
  // The stages sit side by side as styled cards, not as a bare list.
  const layout = await page.locator("[data-testid=pipeline]").evaluate((board) => getComputedStyle(board).display);
  assert.equal(layout, "grid", "the pipeline's stylesheet applies");
  assert.equal(await column(page, "prospect").locator("[data-testid=pipeline-card]", { hasText: LEAD.name }).count(), 1);
  await card(page, LEAD.name).dragTo(column(page, "contacted"));
  await page.locator("[data-testid=toast]", { hasText: `${LEAD.name} moved to Contacted` }).waitFor();
  await column(page, "contacted").locator("[data-testid=pipeline-card]", { hasText: LEAD.name }).waitFor();

  // A move the server refuses is undone, with a notification.
  await refusePatches(page, "**/api/leads/*", "The lead was changed by someone else");
  await card(page, LEAD.name).dragTo(column(page, "proposal"));
  await page.locator("[data-testid=toast]", { hasText: "stays in Contacted" }).waitFor();
  await column(page, "contacted").locator("[data-testid=pipeline-card]", { hasText: LEAD.name }).waitFor();
  assert.equal(await column(page, "proposal").locator("[data-testid=pipeline-card]").count(), 0);
  await page.unroute("**/api/leads/*");

  // The keyboard alternative: the card's "Move to" menu.
  await card(page, LEAD.name).locator("select").selectOption("qualified");
  await page.locator("[data-testid=toast]", { hasText: `${LEAD.name} moved to Qualified` }).waitFor();
  await column(page, "qualified").locator("[data-testid=pipeline-card]", { hasText: LEAD.name }).waitFor();
  await card(page, LEAD.name).dragTo(column(page, "proposal"));
  await column(page, "proposal").locator("[data-testid=pipeline-card]", { hasText: LEAD.name }).waitFor();
  assert.equal(await column(page, "proposal").locator("[data-testid=column-count]").innerText(), "1");
  await dismissToasts(page);
  await shoot(page, "crm-a3-pipeline");

  // The lead's page: the stage changes are on its timeline; log a call.
  await card(page, LEAD.name).getByRole("link", { name: LEAD.name }).click();
  await page.getByRole("heading", { name: LEAD.name }).waitFor();
  const timeline = page.locator("[data-testid=timeline]");
  await timeline.locator("[data-testid=activity]", { hasText: "Stage changed from Qualified to Proposal" }).waitFor();
  const stageChanges = await timeline.locator(".timeline-stage_change").allInnerTexts();
  assert.equal(stageChanges.length, 3, stageChanges.join(" | "));
  assert.match(stageChanges[0], /Qualified to Proposal/, "newest first");
  const log = page.locator("[data-testid=log-activity]");
  await log.locator("#field-type").selectOption("call");
  await log.locator("#field-subject").fill("Intro call");
  await log.locator("#field-description").fill("Wants a spring campaign.");
  await log.locator("button[type=submit]").click();
  await timeline.locator("[data-testid=activity]").first().filter({ hasText: "Intro call" }).waitFor();

  // Convert after a confirmation; the lead then links to its client.
  await page.click("[data-testid=convert-lead]");
  await page.getByRole("alertdialog", { name: "Convert to client" }).waitFor();
  await page.click("[data-testid=confirm]");
  await page.locator("[data-testid=toast]", { hasText: `${LEAD.company} is now a client` }).waitFor();
  await page.locator("[data-testid=lead-stage]", { hasText: "Closed won" }).waitFor();
  await timeline.locator("[data-testid=activity]", { hasText: `Converted to client ${LEAD.company}` }).waitFor();
  assert.equal(await page.locator("[data-testid=convert-lead]").count(), 0);
  await dismissToasts(page);
  await shoot(page, "crm-a4-lead-converted");

  // Find the client by search and open it: its converted lead is listed there.
  await page.click("nav.sidebar >> text=Clients");
  await page.fill("#client-search", "okafor");
  await page.locator("[data-testid=client-row]", { hasText: LEAD.company }).waitFor();
  assert.equal(await page.locator("[data-testid=client-row]").count(), 1);
  const clientCsv = await page.request.get(`${BASE}${await page.locator("[data-testid=export-clients]").getAttribute("href")}`);
  assert.match(await clientCsv.text(), new RegExp(LEAD.company));
  await page.getByRole("link", { name: LEAD.company }).click();
  await page.locator("[data-testid=client-name]", { hasText: LEAD.company }).waitFor();
  await page.locator("[data-testid=client-leads]").getByRole("link", { name: LEAD.name }).waitFor();

  // A campaign for the client: the API's field error first, then saved.
  await page.locator("[data-testid=client-campaigns]").getByRole("button", { name: "New campaign" }).click();
  const campaignForm = page.locator("[data-testid=campaign-form]");
  await campaignForm.locator("#field-name").fill("Spring launch");
  await campaignForm.locator("#field-budget").fill("-5");
  await campaignForm.locator("#field-type").fill("social");
  await campaignForm.locator("button[type=submit]").click();
  await campaignForm.locator("#field-budget-error").filter({ hasText: /\S/ }).waitFor();
  await campaignForm.locator("#field-budget").fill("4500");
  await campaignForm.locator("button[type=submit]").click();
  await campaignForm.waitFor({ state: "detached" });
  await page.locator("[data-testid=client-campaigns]").getByRole("link", { name: "Spring launch" }).waitFor();
  await page.locator("[data-testid=client-documents]").getByRole("button", { name: "Add document" }).click();
  const documentForm = page.locator("[data-testid=document-form]");
  await documentForm.locator("#field-name").fill("Signed proposal");
  await documentForm.locator("#field-objectPath").fill("clients/okafor/proposal.pdf");
  await documentForm.locator("button[type=submit]").click();
  await page.locator("[data-testid=client-documents] li", { hasText: "Signed proposal" }).waitFor();
  await dismissToasts(page);
  await shoot(page, "crm-a5-client");

  // Archiving asks first.
  await page.getByRole("button", { name: "Archive" }).click();
  await page.getByRole("alertdialog", { name: "Archive client" }).waitFor();
  await page.getByRole("alertdialog").getByRole("button", { name: "Cancel" }).click();
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("(crm-d) leads are imported from a CSV file and exported with the list's filters", async () => {
  const page = await freshPage();
  await signIn(page, SELLER.username, SELLER.password);
  await page.goto(`${BASE}/leads`);
  await page.locator("[data-testid=lead-row]").first().waitFor();
  const csv = {
    name: "spring-fair.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(
      "name,email,company,stage\n" +
        "Ivy Fairgoer,ivy@fair.example,Fairground Farms,prospect\n" +
        "Bad Row,not-an-email,,\n" +
        "Omar Fairgoer,omar@fair.example,Fairground Farms,qualified\n",
    ),
  };

  // All or nothing (the default): the bad row stops the import and nothing is saved.
  await page.click("[data-testid=import-leads]");
  const form = page.locator("[data-testid=import-form]");
  await form.locator("button[type=submit]").click();
  await page.locator("#import-file-error").filter({ hasText: /\S/ }).waitFor();
  await page.setInputFiles("#import-file", csv);
  await form.locator("button[type=submit]").click();
  await form.locator("[data-testid=import-progress][data-status=failed]").waitFor();
  assert.match(await form.locator("[data-testid=import-summary]").innerText(), /Nothing was imported: 1 problem found/);
  await form.locator("[data-testid=import-errors]", { hasText: "email" }).waitFor();

  // Skip invalid rows: the two good rows are imported, the bad one is listed.
  await form.getByLabel("Skip the invalid rows").check();
  await form.locator("button[type=submit]").click();
  await form.locator("[data-testid=import-progress][data-status=completed]").waitFor();
  assert.equal(await form.locator("[data-testid=import-summary]").innerText(), "Imported 2 of 3 rows; 1 skipped.");
  assert.equal(await form.locator("progress").getAttribute("value"), "100");
  const errors = await form.locator("[data-testid=import-errors] tbody tr").allInnerTexts();
  assert.equal(errors.length, 1);
  assert.match(errors[0], /email/);
  await shoot(page, "crm-d1-import");
  await form.getByRole("button", { name: "Close" }).click();
  await page.locator("[data-testid=lead-row]", { hasText: "Omar Fairgoer" }).waitFor();

  // The export link carries the current filters.
  await page.fill("#lead-search", "fairground");
  await page.locator("[data-testid=page-info]", { hasText: "1–2 of 2" }).waitFor();
  const href = await page.locator("[data-testid=export-leads]").getAttribute("href");
  assert.match(href, /^\/api\/leads\/export\?.*q=fairground/);
  const exported = await page.request.get(`${BASE}${href}`);
  assert.equal(exported.status(), 200);
  const text = await exported.text();
  assert.match(text, /^name,/);
  assert.match(text, /Ivy Fairgoer/);
  assert.match(text, /Omar Fairgoer/);
  assert.doesNotMatch(text, /Nadia Okafor/);
  assert.deepEqual(page.errors, []);
  await page.close();

  // An admin sees both imports as finished jobs on the background queue.
  const admin = await freshPage();
  await signIn(admin, ADMIN_EMAIL, ADMIN_PASSWORD);
  await admin.goto(`${BASE}/jobs?kind=lead_import`);
  await admin.locator("[data-testid=queue-figures]").waitFor();
  await admin.locator("[data-testid=job-row]").nth(1).waitFor();
  const jobs = await admin.locator("[data-testid=job-row]").allInnerTexts();
  assert.equal(jobs.length, 2, jobs.join("\n"));
  for (const job of jobs) assert.match(job, /Lead import[\s\S]*Succeeded[\s\S]*1 of 3/);
  assert.equal(await admin.locator("#job-kind-filter").inputValue(), "lead_import");
  await shoot(admin, "crm-d2-jobs");
  assert.deepEqual(admin.errors, []);
  await admin.close();
});

test("(crm-b) the CRM pages work on a 375 px wide phone", async () => {
  const page = await freshPage();
  await page.setViewportSize({ width: 375, height: 740 });
  await signIn(page, SELLER.username, SELLER.password);
  await page.goto(`${BASE}/leads`);
  await page.locator("[data-testid=lead-row]", { hasText: LEAD.name }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the leads list is ${overflow}px wider than the screen`);
  await shoot(page, "crm-b1-leads-mobile");
  await page.goto(`${BASE}/leads/pipeline`);
  await card(page, LEAD.name).waitFor();
  await shoot(page, "crm-b2-pipeline-mobile");
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("(crm-c) a user without the CRM permissions sees no CRM navigation and is refused the pages", async () => {
  const page = await freshPage();
  await signIn(page, CREATOR.username, CREATOR.password);
  const nav = (await page.locator("nav.sidebar a").allInnerTexts()).map((t) => t.trim());
  for (const label of ["Leads", "Clients", "Campaigns"]) assert.ok(!nav.includes(label), `${label} in ${nav}`);
  await page.goto(`${BASE}/leads/pipeline`);
  await page.getByText("You cannot see leads").waitFor();
  await page.goto(`${BASE}/clients`);
  await page.getByText("You cannot see clients").waitFor();
  assert.deepEqual(page.errors, []);
  await page.close();
});
