"""Schemathesis hooks for `cargo xtask test` (loaded through SCHEMATHESIS_HOOKS).

The run authenticates as one admin. The admin endpoints for a user by id
(PATCH/DELETE /api/users/{id}, PATCH /api/users/{id}/role) may legitimately demote or
deactivate that admin once the run has created a second admin, after which every
later request is answered 401/403 and the rest of the run tests nothing. Cases that
target the run's own account through those endpoints are therefore not generated;
every other id, including the accounts the run creates, is still exercised.
"""

import os

import schemathesis

PROTECTED_USER_ID = os.environ.get("MARKETINGOS_PROTECTED_USER_ID", "1")


@schemathesis.hook
def filter_case(context, case):
    if not case.operation.path.startswith("/api/users/{id}"):
        return True
    return str((case.path_parameters or {}).get("id")) != PROTECTED_USER_ID
