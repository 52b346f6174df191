// Browser journeys through the work pages (tasks, spaces, calendar), against the server
// `cargo xtask e2e` starts. They share that server with journeys.test.mjs, so every user
// and record here has its own name.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  BASE,
  adminToken,
  api,
  closeBrowser,
  freshPage,
  openBrowser,
  refusePatches,
  shoot,
  signInToDashboard,
} from "../support.mjs";

const PLANNER = { username: "wren.work", email: "wren@example.com", password: "wren-password-1", first: "Wren" };

before(async () => {
  await openBrowser("work", { timezoneId: "Europe/Berlin" });
  await api("POST", "/api/users", await adminToken(), {
    username: PLANNER.username,
    email: PLANNER.email,
    password: PLANNER.password,
    firstName: PLANNER.first,
    role: "staff",
  });
});

after(closeBrowser);

async function signedInPage() {
  const page = await freshPage();
  await signInToDashboard(page, PLANNER.username, PLANNER.password);
  return page;
}

/** "2026-11-27T09:00" for a datetime-local input, `days` from today (browser time). */
function localInput(days, hour = 9) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(hour)}:00`;
}

const column = (page, status) => page.locator(`.column[data-status=${status}]`);

test("(w1) a planner files a recurring task in a new space, completes it and gets the next one", async () => {
  const page = await signedInPage();
  await page.click("nav.sidebar >> text=Tasks");
  await page.waitForURL(`${BASE}/tasks`);
  await page.getByText("No tasks here").waitFor();
  await page.getByText("No spaces yet").waitFor();

  // A space, then a sub-space inside it; the tree nests and collapses.
  await page.click("[data-testid=new-space]");
  await page.click("[data-testid=space-form] button[type=submit]");
  await page.locator("#field-name-error").filter({ hasText: /\S/ }).waitFor();
  await page.fill("#field-name", "Wren launch");
  await page.click("[data-testid=space-form] button[type=submit]");
  await page.locator("[data-testid=space-row]", { hasText: "Wren launch" }).waitFor();
  const launchRow = page.locator("[data-testid=space-row]", { hasText: "Wren launch" });
  await launchRow.hover();
  await launchRow.getByRole("button", { name: "New space inside Wren launch" }).click();
  await page.fill("#field-name", "Wren week one");
  await page.click("[data-testid=space-form] button[type=submit]");
  await page.locator("[data-testid=space-row]", { hasText: "Wren week one" }).waitFor();
  await page.getByRole("button", { name: "Show the spaces inside Wren launch" }).click();
  await page.locator("[data-testid=space-row]", { hasText: "Wren week one" }).waitFor({ state: "detached" });
  await page.locator("[data-testid=space-row] .tree-label", { hasText: "Wren launch" }).click();
  assert.match(await page.locator("[data-testid=tasks-scope]").innerText(), /Wren launch/);

  // A weekly task on Mondays and Thursdays; a made-up rule is refused at the rule field first.
  await page.click("[data-testid=new-task]");
  const form = page.locator("[data-testid=task-form]");
  await form.waitFor();
  await page.fill("#field-title", "Wren weekly report");
  await page.fill("#field-dueDate", localInput(1));
  await page.selectOption("#field-repeat", "custom");
  await page.fill("#field-recurrenceRule", "FREQ=SOMETIMES");
  await page.locator("#field-recurrenceRule").blur();
  await page.locator("[data-testid=preview-error]", { hasText: /SOMETIMES/ }).waitFor();
  await form.locator("button[type=submit]").click();
  await page.locator("#field-recurrenceRule-error").filter({ hasText: /\S/ }).waitFor();

  await page.selectOption("#field-repeat", "weekly");
  await form.getByRole("button", { name: "Mon" }).click();
  await form.getByRole("button", { name: "Thu" }).click();
  assert.equal(await page.inputValue("#field-recurrenceRule"), "FREQ=WEEKLY;BYDAY=MO,TH");
  assert.equal(await page.inputValue("#field-recurrenceTimezone"), "Europe/Berlin");
  // The next five occurrences, on Mondays and Thursdays at 09:00 local time.
  const occurrences = page.locator("[data-testid=recurrence-preview] li");
  await occurrences.nth(4).waitFor();
  for (const text of await occurrences.allInnerTexts()) assert.match(text, /^(Mon|Thu) .*09:00$/);
  await shoot(page, "w1-recurring-task-dialog");
  await form.locator("button[type=submit]").click();
  await form.waitFor({ state: "detached" });
  const todo = column(page, "todo");
  await todo.locator("[data-testid=task-card]", { hasText: "Wren weekly report" }).waitFor();

  // A move the API refuses is rolled back, with the problem's detail in a notification.
  await refusePatches(page, "**/api/tasks/*", "Someone else changed this task");
  await todo
    .locator("[data-testid=task-card]", { hasText: "Wren weekly report" })
    .locator("[data-testid=move-select]")
    .selectOption("review");
  await page.locator("[data-testid=toast]", { hasText: "Someone else changed this task" }).waitFor();
  await todo.locator("[data-testid=task-card]", { hasText: "Wren weekly report" }).waitFor();
  assert.equal(await column(page, "review").locator("[data-testid=task-card]").count(), 0);
  await page.unroute("**/api/tasks/*");

  // Drag and drop moves it to In progress.
  await todo
    .locator("[data-testid=task-card]", { hasText: "Wren weekly report" })
    .dragTo(column(page, "in_progress"));
  await column(page, "in_progress").locator("[data-testid=task-card]", { hasText: "Wren weekly report" }).waitFor();
  await page.locator("[data-testid=toast]", { hasText: "moved to In progress" }).waitFor();

  // The keyboard alternative completes it; the next instance appears in To do.
  const card = column(page, "in_progress").locator("[data-testid=task-card]", { hasText: "Wren weekly report" });
  await card.locator("[data-testid=move-select]").selectOption("completed");
  await column(page, "completed").locator("[data-testid=task-card]", { hasText: "Wren weekly report" }).waitFor();
  await todo.locator("[data-testid=task-card]", { hasText: "Wren weekly report" }).waitFor();
  await page.locator("[data-testid=toast]", { hasText: "the next one is scheduled" }).waitFor();
  await shoot(page, "w1-board-next-instance");

  // The drawer of the next instance: its URL survives a reload; checklist and comments work.
  await todo.locator("[data-testid=task-card] .task-title", { hasText: "Wren weekly report" }).click();
  await page.waitForURL(/\/tasks\?task=[0-9a-f-]{36}$/);
  await page.reload();
  const drawer = page.locator("[data-testid=task-drawer]");
  await drawer.locator("[data-testid=drawer-title]", { hasText: "Wren weekly report" }).waitFor();
  assert.match(await drawer.innerText(), /Weekly on Monday and Thursday \(Europe\/Berlin\)/);
  await page.fill("#checklist-new", "Collect the numbers");
  await page.press("#checklist-new", "Enter");
  await drawer.locator("[data-testid=checklist] li", { hasText: "Collect the numbers" }).waitFor();
  await drawer.locator("[data-testid=checklist] input[type=checkbox]").check();
  await drawer.getByText("1 of 1").waitFor();
  await page.fill("#field-comment", "Numbers are in the shared folder.");
  await drawer.getByRole("button", { name: "Comment" }).click();
  await drawer.locator("[data-testid=comments] li", { hasText: "Numbers are in the shared folder." }).waitFor();
  await shoot(page, "w1-task-drawer");
  await page.keyboard.press("Escape");
  await page.waitForURL(`${BASE}/tasks`);

  // The list view filters by status and pages with the total.
  await page.getByRole("button", { name: "List", exact: true }).click();
  await page.locator("[data-testid=page-info]", { hasText: "1–2 of 2" }).waitFor();
  await page.selectOption("[data-testid=filter-status]", "completed");
  await page.locator("[data-testid=page-info]", { hasText: "1–1 of 1" }).waitFor();
  await page.selectOption("[data-testid=filter-status]", "");
  await page.fill("#task-search", "no such words");
  await page.getByText("No tasks found").waitFor();
  await page.fill("#task-search", "weekly");
  await page.locator("[data-testid=page-info]", { hasText: "1–2 of 2" }).waitFor();
  await shoot(page, "w1-task-list");

  // At 375 px the board scrolls sideways and the sidebar hides behind the menu.
  await page.getByRole("button", { name: "Board", exact: true }).click();
  await page.setViewportSize({ width: 375, height: 740 });
  await column(page, "todo").locator("[data-testid=task-card]").first().waitFor();
  await shoot(page, "w1-board-mobile");
  await page.setViewportSize({ width: 1280, height: 800 });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("(w2) a planner creates a weekly call and finds it on the month and week views", async () => {
  const page = await signedInPage();
  await page.click("nav.sidebar >> text=Calendar");
  await page.waitForURL(`${BASE}/calendar`);
  await page.locator("[data-testid=calendar-grid]").waitFor();

  const day = localInput(1).slice(0, 10);
  const cell = page.locator(`.calendar-day[data-date="${day}"]`);
  await cell.getByRole("button", { name: /^New event on / }).click();
  const form = page.locator("[data-testid=event-form]");
  await form.waitFor();
  await page.fill("#field-title", "Wren planning call");
  await page.selectOption("#field-type", "call");
  await page.fill("#field-start", `${day}T10:00`);
  // An end before the start is refused by the API at the end field.
  await page.fill("#field-end", `${day}T09:00`);
  await form.locator("button[type=submit]").click();
  await page.locator("#field-end-error").filter({ hasText: /\S/ }).waitFor();
  await page.fill("#field-end", `${day}T10:30`);
  await page.fill("#field-location", "Room 4");
  await page.fill("#field-attendees", "guest@example.com");
  await form.getByRole("button", { name: "10 minutes before" }).click();
  await page.selectOption("#field-repeat", "weekly");
  await shoot(page, "w2-event-dialog");
  await form.locator("button[type=submit]").click();
  await form.waitFor({ state: "detached" });
  await page.locator("[data-testid=toast]", { hasText: "Wren planning call has been created" }).waitFor();
  await cell.locator("[data-testid=event-chip]", { hasText: "Wren planning call" }).waitFor();
  // Weekly: a week later shows it too (when that day is on this month's grid).
  const weekLater = new Date(`${day}T12:00`);
  weekLater.setDate(weekLater.getDate() + 7);
  const laterDay = `${weekLater.getFullYear()}-${String(weekLater.getMonth() + 1).padStart(2, "0")}-${String(weekLater.getDate()).padStart(2, "0")}`;
  const laterCell = page.locator(`.calendar-day[data-date="${laterDay}"]`);
  if (await laterCell.count()) await laterCell.locator("[data-testid=event-chip]", { hasText: "Wren planning call" }).waitFor();
  await shoot(page, "w2-calendar-month");

  // Week view, then edit the event from its chip.
  await page.getByRole("button", { name: "Week", exact: true }).click();
  if (!(await cell.count())) await page.getByRole("button", { name: "Next" }).click();
  await cell.locator("[data-testid=event-chip]", { hasText: "10:00 Wren planning call" }).click();
  await form.waitFor();
  assert.equal(await page.inputValue("#field-location"), "Room 4");
  assert.equal(await page.inputValue("#field-attendees"), "guest@example.com");
  await page.fill("#field-title", "Wren planning call (moved)");
  await form.locator("button[type=submit]").click();
  await form.waitFor({ state: "detached" });
  await cell.locator("[data-testid=event-chip]", { hasText: "Wren planning call (moved)" }).waitFor();
  await shoot(page, "w2-calendar-week");

  // Deleting asks first, then removes every repetition.
  await cell.locator("[data-testid=event-chip]", { hasText: "Wren planning call (moved)" }).click();
  await form.waitFor();
  await form.getByRole("button", { name: "Delete" }).click();
  await page.click("[data-testid=confirm]");
  await page.locator("[data-testid=toast]", { hasText: "The event has been deleted" }).waitFor();
  await page.locator("[data-testid=event-chip]", { hasText: "Wren planning call" }).first().waitFor({ state: "detached" });
  assert.deepEqual(page.errors, []);
  await page.close();
});
