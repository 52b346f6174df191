// Smoke test of the TypeScript types generated from openapi/openapi.json.
//
// `cargo xtask test` writes the types to sdk-out/ts/schema.d.ts (openapi-typescript),
// type-checks and compiles this file with tsc (so a breaking change of the document
// fails the build), starts the server on a fresh database and runs dist/smoke.js with:
//
//   MARKETINGOS_BASE_URL        e.g. http://127.0.0.1:41234
//   MARKETINGOS_ADMIN_USERNAME  the bootstrap admin (default: admin)
//   MARKETINGOS_ADMIN_PASSWORD  its password
//
// It signs in, creates a user, pages through the users list (limit/offset,
// X-Total-Count) and checks that a duplicate username surfaces as a typed Problem with
// code CONFLICT. Prints one line per step and exits non-zero on the first failure.

import createClient from "openapi-fetch";
import type { components, paths } from "../../sdk-out/ts/schema.js";

// The two Node globals used here (no @types/node dependency).
declare const process: { env: Record<string, string | undefined>; exit(code: number): never };

type Problem = components["schemas"]["Problem"];
type ErrorCode = components["schemas"]["ErrorCode"];
type Role = components["schemas"]["Role"];
type User = components["schemas"]["User"];

class SmokeFailure extends Error {}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) {
    throw new SmokeFailure(message);
  }
}

function env(name: string, fallback?: string): string {
  const value = process.env[name] ?? fallback;
  check(value !== undefined && value !== "", `${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  const baseUrl = env("MARKETINGOS_BASE_URL");
  const username = env("MARKETINGOS_ADMIN_USERNAME", "admin");
  const password = env("MARKETINGOS_ADMIN_PASSWORD");

  const anonymous = createClient<paths>({ baseUrl });
  const signedIn = await anonymous.POST("/api/login", { body: { username, password } });
  check(signedIn.data !== undefined, `login answered ${signedIn.response.status}: ${JSON.stringify(signedIn.error)}`);
  const session = signedIn.data;
  const adminRole: Role = "admin";
  check(session.user.role === adminRole, `signed in as ${session.user.role}, not admin`);
  console.log(`ts-sdk: signed in as ${session.user.username} (id ${session.user.id})`);

  const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${session.accessToken}` } });
  const newName = `sdk-ts-${Math.random().toString(36).slice(2, 14)}`;
  const body = {
    username: newName,
    password: "typescript-smoke-password",
    email: `${newName}@example.com`,
    role: "staff" as Role,
  };
  const created = await client.POST("/api/users", { body });
  check(created.data !== undefined, `create user answered ${created.response.status}: ${JSON.stringify(created.error)}`);
  const user: User = created.data;
  check(created.response.status === 201, `create user answered ${created.response.status}, expected 201`);
  check(user.username === newName && user.role === "staff", `created ${JSON.stringify(user)}`);
  console.log(`ts-sdk: created user ${user.username} (id ${user.id})`);

  const first = await client.GET("/api/users", { params: { query: { limit: 1, offset: 0 } } });
  check(first.data !== undefined, `list users answered ${first.response.status}`);
  const total = Number(first.response.headers.get("x-total-count"));
  check(Number.isInteger(total) && total >= 2, `X-Total-Count is ${total}, expected at least the admin and the new user`);
  check(first.data.length === 1, `limit=1 returned ${first.data.length} users`);
  const second = await client.GET("/api/users", { params: { query: { limit: 1, offset: 1 } } });
  check(second.data !== undefined && second.data.length === 1, `offset=1 returned ${JSON.stringify(second.data)}`);
  check(first.data[0]?.id !== second.data[0]?.id, "offset=1 returned the same user as offset=0");
  const everyone = await client.GET("/api/users", { params: { query: { limit: 200, offset: 0 } } });
  check(everyone.data !== undefined, `limit=200 answered ${everyone.response.status}`);
  check(
    everyone.data.some((u) => u.id === user.id),
    "the new user is not in the list",
  );
  console.log(`ts-sdk: listed users with limit/offset, X-Total-Count = ${total}`);

  const duplicate = await client.POST("/api/users", { body });
  check(duplicate.response.status === 409, `duplicate username answered ${duplicate.response.status}, expected 409`);
  check(duplicate.error !== undefined, "the 409 answer has no error body");
  const problem: Problem = duplicate.error;
  const expected: ErrorCode = "CONFLICT";
  check(problem.code === expected, `the 409 problem has code ${problem.code}, expected CONFLICT`);
  console.log(`ts-sdk: duplicate username -> 409 Problem code=${problem.code} (${problem.detail})`);

  console.log("ts-sdk: OK");
}

main().catch((error: unknown) => {
  const text = error instanceof SmokeFailure ? error.message : String(error);
  console.error(`ts-sdk: FAILED: ${text}`);
  process.exit(1);
});
