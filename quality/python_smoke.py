"""Smoke test of the Python SDK generated from openapi/openapi.json.

`cargo xtask test` generates the client into sdk-out/python (openapi-python-client,
package `marketingos_client`), starts the server on a fresh database and runs this
script with PYTHONPATH=sdk-out/python and:

    MARKETINGOS_BASE_URL        e.g. http://127.0.0.1:41234
    MARKETINGOS_ADMIN_USERNAME  the bootstrap admin (default: admin)
    MARKETINGOS_ADMIN_PASSWORD  its password

It signs in, creates a user, pages through the users list (limit/offset, X-Total-Count)
and checks that a duplicate username surfaces as a typed Problem with code CONFLICT.
Prints one line per step and exits non-zero on the first failure.
"""

import os
import sys
import uuid

from marketingos_client import AuthenticatedClient, Client
from marketingos_client.api.auth import login
from marketingos_client.api.users import create_user, list_users
from marketingos_client.models import CreateUserRequest, ErrorCode, LoginRequest, Problem, Role, User


class SmokeFailure(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def main() -> None:
    base_url = os.environ["MARKETINGOS_BASE_URL"]
    username = os.environ.get("MARKETINGOS_ADMIN_USERNAME", "admin")
    password = os.environ["MARKETINGOS_ADMIN_PASSWORD"]

    anonymous = Client(base_url=base_url, raise_on_unexpected_status=True)
    signed_in = login.sync_detailed(client=anonymous, body=LoginRequest(username=username, password=password))
    check(signed_in.status_code == 200, f"login answered {signed_in.status_code}: {signed_in.content!r}")
    session = signed_in.parsed
    check(not isinstance(session, Problem) and session is not None, f"login did not return a session: {session!r}")
    check(session.user.role == Role.ADMIN, f"signed in as {session.user.role!r}, not admin")
    print(f"python-sdk: signed in as {session.user.username} (id {session.user.id})")

    client = AuthenticatedClient(base_url=base_url, token=session.access_token, raise_on_unexpected_status=True)
    new_name = f"sdk-py-{uuid.uuid4().hex[:12]}"
    request = CreateUserRequest(
        username=new_name,
        password="python-smoke-password",
        email=f"{new_name}@example.com",
        role=Role.STAFF,
    )
    created = create_user.sync_detailed(client=client, body=request)
    check(created.status_code == 201, f"create user answered {created.status_code}: {created.content!r}")
    user = created.parsed
    check(isinstance(user, User), f"create user did not return a User: {user!r}")
    check(user.username == new_name and user.role == Role.STAFF, f"created {user!r}")
    print(f"python-sdk: created user {user.username} (id {user.id})")

    first = list_users.sync_detailed(client=client, limit=1, offset=0)
    check(first.status_code == 200, f"list users answered {first.status_code}")
    total = int(first.headers["x-total-count"])
    check(total >= 2, f"X-Total-Count is {total}, expected at least the admin and the new user")
    check(isinstance(first.parsed, list) and len(first.parsed) == 1, f"limit=1 returned {first.parsed!r}")
    second = list_users.sync_detailed(client=client, limit=1, offset=1)
    check(isinstance(second.parsed, list) and len(second.parsed) == 1, f"offset=1 returned {second.parsed!r}")
    check(first.parsed[0].id != second.parsed[0].id, "offset=1 returned the same user as offset=0")
    everyone = list_users.sync_detailed(client=client, limit=200, offset=0)
    check(isinstance(everyone.parsed, list), f"limit=200 returned {everyone.parsed!r}")
    check(any(u.id == user.id for u in everyone.parsed), "the new user is not in the list")
    print(f"python-sdk: listed users with limit/offset, X-Total-Count = {total}")

    duplicate = create_user.sync_detailed(client=client, body=request)
    check(duplicate.status_code == 409, f"duplicate username answered {duplicate.status_code}, expected 409")
    problem = duplicate.parsed
    check(isinstance(problem, Problem), f"the 409 body is not a Problem: {problem!r}")
    check(problem.code == ErrorCode.CONFLICT, f"the 409 problem has code {problem.code!r}, expected CONFLICT")
    print(f"python-sdk: duplicate username -> 409 Problem code={problem.code.value} ({problem.detail})")

    print("python-sdk: OK")


if __name__ == "__main__":
    try:
        main()
    except SmokeFailure as failure:
        print(f"python-sdk: FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
    except Exception as error:  # an SDK error (unexpected status, bad body) is a failure too
        print(f"python-sdk: FAILED: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
