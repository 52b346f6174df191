//! Every documented route is guarded: a table maps each OpenAPI operation to what it
//! requires, the table must cover exactly the documented operations, and each
//! requirement is checked over HTTP for anonymous callers and for users of all nine roles.

use api_tests::{problem, token_of, ProblemExt, TestApp};
use domain::identity::permissions::{Access, PermissionOverrides};
use domain::{Permission, Role, Scope};
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Requirement {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user, whatever their role.
    Authenticated,
    /// A signed-in user holding this permission flag.
    Permission(Permission),
    /// A signed-in user holding this flag with write access: a view-only scope is refused.
    Write(Permission),
    /// Reads for holders of this flag (narrowed to their scope) and for client-portal users
    /// linked to a client (narrowed to that client, see tests/api/clients.rs); everyone
    /// else, unlinked portal users included, is refused.
    ScopedRead(Permission),
    /// A signed-in staff-side user: client-portal roles (`client`, `prospective_client`)
    /// are refused (`StaffOnly`, `domain::work::tasks::may_use_tasks`).
    StaffOnly,
}

use Requirement as Req;

/// What each documented operation requires, by requirement. A new route must be added here.
const GUARDS: &[(Requirement, &[&str])] = &[
    (
        Req::Public,
        &[
            "POST /api/register",
            "POST /api/register/confirm",
            "POST /api/login",
            "POST /api/logout",
            "GET /api/user",
            "POST /api/auth/refresh",
            "POST /api/auth/forgot-password",
            "POST /api/auth/reset-password",
            "POST /api/user/email/confirm",
            "GET /api/calendar/feed/{token}",
            "GET /health",
            "GET /health/live",
            "GET /health/ready",
            "GET /api/push/vapid-public-key",
        ],
    ),
    (
        Req::Authenticated,
        &[
            "PATCH /api/user/profile",
            "POST /api/user/password",
            "GET /api/events",
            "GET /api/notifications",
            "GET /api/notifications/unread-count",
            "PATCH /api/notifications/{id}/read",
            "PATCH /api/notifications/read-all",
            "DELETE /api/notifications/{id}",
            "POST /api/notifications/test",
            "POST /api/notifications/check-tasks",
            "GET /api/notifications/preferences",
            "PUT /api/notifications/preferences",
            "GET /api/user/notification-preferences",
            "PUT /api/user/notification-preferences",
            "POST /api/push/subscribe",
            "POST /api/push/unsubscribe",
        ],
    ),
    (
        Req::Permission(Permission::ManageUsers),
        &[
            "GET /api/users",
            "POST /api/users",
            "GET /api/users/{id}",
            "PATCH /api/users/{id}",
            "DELETE /api/users/{id}",
            "PATCH /api/users/{id}/role",
        ],
    ),
    (
        Req::Permission(Permission::ManageSettings),
        &[
            "GET /api/api-keys",
            "POST /api/api-keys",
            "DELETE /api/api-keys/{id}",
            "GET /api/activity-logs",
            "POST /api/calendar/sync",
            "GET /api/jobs",
            "GET /api/jobs/summary",
            "POST /api/jobs/{id}/retry",
            "POST /api/jobs/{id}/cancel",
            "GET /api/outbox",
            "GET /api/outbox/{id}",
            "GET /api/webhooks",
            "POST /api/webhooks",
            "GET /api/webhooks/{id}",
            "PATCH /api/webhooks/{id}",
            "DELETE /api/webhooks/{id}",
            "POST /api/webhooks/{id}/rotate-secret",
            "POST /api/webhooks/{id}/test",
            "GET /api/webhooks/{id}/deliveries",
            "POST /api/webhooks/{id}/deliveries/{deliveryId}/redeliver",
        ],
    ),
    (
        Req::StaffOnly,
        &[
            "GET /api/users/directory",
            "GET /api/tasks",
            "POST /api/tasks",
            "GET /api/tasks/{id}",
            "PATCH /api/tasks/{id}",
            "DELETE /api/tasks/{id}",
            "GET /api/tasks/recurrence-preview",
            "GET /api/tasks/templates",
            "POST /api/tasks/templates",
            "GET /api/tasks/templates/{templateId}",
            "PATCH /api/tasks/templates/{templateId}",
            "DELETE /api/tasks/templates/{templateId}",
            "POST /api/tasks/templates/{templateId}/tasks",
            "GET /api/tasks/{taskId}/comments",
            "POST /api/tasks/{taskId}/comments",
            "GET /api/task-spaces",
            "POST /api/task-spaces",
            "PATCH /api/task-spaces/{id}",
            "DELETE /api/task-spaces/{id}",
            "GET /api/task-spaces/{id}/tasks",
            "GET /api/calendar/events",
            "POST /api/calendar/events",
            "GET /api/calendar/events/{eventId}",
            "PATCH /api/calendar/events/{eventId}",
            "DELETE /api/calendar/events/{eventId}",
            "GET /api/calendar/tasks",
            "POST /api/calendar/feed-token",
            "DELETE /api/calendar/feed-token",
        ],
    ),
    (
        Req::ScopedRead(Permission::ManageClients),
        &[
            "GET /api/clients",
            "GET /api/clients/{id}",
            "GET /api/clients/{clientId}/documents",
            "GET /api/clients/export",
        ],
    ),
    (
        Req::Write(Permission::ManageClients),
        &[
            "POST /api/clients",
            "PATCH /api/clients/{id}",
            "DELETE /api/clients/{id}",
            "POST /api/clients/{clientId}/documents",
            "DELETE /api/clients/{clientId}/documents/{documentId}",
        ],
    ),
    (Req::ScopedRead(Permission::ManageCampaigns), &["GET /api/campaigns", "GET /api/campaigns/{id}"]),
    (
        Req::Write(Permission::ManageCampaigns),
        &["POST /api/campaigns", "PATCH /api/campaigns/{id}", "DELETE /api/campaigns/{id}"],
    ),
    (
        Req::Permission(Permission::ManageLeads),
        &[
            "GET /api/leads",
            "POST /api/leads",
            "GET /api/leads/{id}",
            "PATCH /api/leads/{id}",
            "DELETE /api/leads/{id}",
            "GET /api/leads/{leadId}/activities",
            "POST /api/leads/{leadId}/activities",
            "POST /api/leads/{id}/convert",
            "GET /api/leads/export",
            "POST /api/leads/import",
            "GET /api/leads/imports/{importId}",
        ],
    ),
];

/// Each operation of `GUARDS` with its requirement.
fn guards() -> impl Iterator<Item = (&'static str, Requirement)> {
    GUARDS.iter().flat_map(|(requirement, operations)| operations.iter().map(move |op| (*op, *requirement)))
}

const HTTP_METHODS: [&str; 8] = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

/// Every documented operation as "METHOD /path/template", with the security that applies
/// to it: its own `security` member, else the document's default.
fn documented_operations() -> Vec<(String, Option<Value>)> {
    let doc = server::openapi::document();
    let default_security = doc.security.as_ref().map(|security| serde_json::to_value(security).expect("serializes"));
    let mut operations = Vec::new();
    for (path, item) in &doc.paths.paths {
        let item = serde_json::to_value(item).expect("path item serializes");
        for (method, operation) in item.as_object().expect("path item is an object") {
            if HTTP_METHODS.contains(&method.as_str()) {
                let security = operation.get("security").cloned().or_else(|| default_security.clone());
                operations.push((format!("{} {path}", method.to_ascii_uppercase()), security));
            }
        }
    }
    operations
}

fn requirement(operation: &str) -> Requirement {
    guards()
        .find(|(op, _)| *op == operation)
        .map(|(_, req)| req)
        .unwrap_or_else(|| panic!("{operation} is missing from GUARDS"))
}

fn has_by_default(role: Role, permission: Permission) -> bool {
    Access::new(role, PermissionOverrides::default()).has(permission)
}

fn may_write_by_default(role: Role, permission: Permission) -> bool {
    Access::new(role, PermissionOverrides::default()).scope(permission).is_some_and(|scope| scope != Scope::ViewOnly)
}

/// Roles the table says are refused an operation (for the flag-guarded kinds).
fn denied(requirement: Requirement, role: Role) -> Option<(Permission, bool)> {
    match requirement {
        Req::Permission(p) | Req::ScopedRead(p) => Some((p, !has_by_default(role, p))),
        Req::Write(p) => Some((p, !may_write_by_default(role, p))),
        _ => None,
    }
}

/// Real values for path parameters, so a guard cannot pass by the path failing to parse.
/// `fixtures` holds further (path prefix, placeholder, value) triples.
fn concrete(template: &str, user_id: i64, api_key_id: &str, fixtures: &[(&str, &str, String)]) -> String {
    if let Some((_, placeholder, value)) = fixtures.iter().find(|(prefix, _, _)| template.starts_with(prefix)) {
        template.replace(placeholder, value)
    } else if template.starts_with("/api/users/{id}") {
        template.replace("{id}", &user_id.to_string())
    } else if template.starts_with("/api/api-keys/{id}") {
        template.replace("{id}", api_key_id)
    } else {
        assert!(!template.contains('{'), "no value for the path parameter of {template}; add one in concrete()");
        template.to_owned()
    }
}

/// Sends the operation; writes carry `{}` (guards run before the body is parsed).
async fn send(app: &TestApp, operation: &str, path: &str, token: Option<&str>) -> Response {
    let (method, _) = operation.split_once(' ').expect("METHOD /path");
    let method = Method::from_bytes(method.as_bytes()).expect("method");
    let writes = matches!(method, Method::POST | Method::PUT | Method::PATCH);
    let mut request = app.request(method, path, token);
    if writes {
        request = request.json(&json!({}));
    }
    request.send().await.expect("request")
}

#[test]
fn the_guard_table_covers_exactly_the_documented_operations() {
    let documented: BTreeSet<String> = documented_operations().into_iter().map(|(op, _)| op).collect();
    let listed: Vec<&str> = guards().map(|(op, _)| op).collect();
    let table: BTreeSet<String> = listed.iter().map(|op| (*op).to_owned()).collect();
    assert_eq!(table.len(), listed.len(), "GUARDS lists an operation twice");

    let unguarded: Vec<&String> = documented.difference(&table).collect();
    assert!(unguarded.is_empty(), "documented operations missing from GUARDS (say what they require): {unguarded:?}");
    let stale: Vec<&String> = table.difference(&documented).collect();
    assert!(stale.is_empty(), "GUARDS entries that are not documented operations: {stale:?}");
}

#[test]
fn the_documented_security_matches_the_guards() {
    for (operation, security) in documented_operations() {
        let alternatives = security.as_ref().and_then(Value::as_array).cloned().unwrap_or_default();
        let anonymous_allowed =
            alternatives.is_empty() || alternatives.iter().any(|alt| alt.as_object().is_some_and(|o| o.is_empty()));
        match requirement(&operation) {
            Req::Public => assert!(anonymous_allowed, "{operation} is public but documents required credentials"),
            Req::Authenticated | Req::Permission(_) | Req::Write(_) | Req::ScopedRead(_) | Req::StaffOnly => {
                assert!(!anonymous_allowed, "{operation} requires sign-in but its OpenAPI security allows anonymous")
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_guarded_operation_refuses_anonymous_callers_and_roles_without_the_permission() {
    let (app, admin) = TestApp::with_admin().await;

    let mut tokens: Vec<(Role, String)> = vec![(Role::Admin, admin.clone())];
    for role in Role::ALL.into_iter().filter(|r| *r != Role::Admin) {
        let (_, token) = app.user_with_role(&admin, &format!("rbac_{}", role.as_str()), role.as_str()).await;
        tokens.push((role, token));
    }
    // Targets for `{id}`: a user nobody signs in as (it may get deactivated) and a real key.
    let target = app
        .post(
            "/api/users",
            Some(&admin),
            &json!({"username": "rbac_target", "password": "a-long-enough-password", "email": "target@example.com"}),
        )
        .await;
    assert_eq!(target.status(), StatusCode::CREATED);
    let target_id = target.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let key = app.post("/api/api-keys", Some(&admin), &json!({"name": "rbac"})).await;
    assert_eq!(key.status(), StatusCode::CREATED);
    let key_id = key.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let space = app.post("/api/task-spaces", Some(&admin), &json!({"name": "rbac"})).await;
    assert_eq!(space.status(), StatusCode::CREATED);
    let space_id = space.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let task = app.post("/api/tasks", Some(&admin), &json!({"title": "rbac", "spaceId": space_id})).await;
    assert_eq!(task.status(), StatusCode::CREATED);
    let task_id = task.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let client = app.post("/api/clients", Some(&admin), &json!({"name": "rbac client"})).await;
    assert_eq!(client.status(), StatusCode::CREATED);
    let client_id = client.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let document = app
        .post(
            &format!("/api/clients/{client_id}/documents"),
            Some(&admin),
            &json!({"name": "brief", "objectPath": "/objects/brief.pdf"}),
        )
        .await;
    assert_eq!(document.status(), StatusCode::CREATED);
    let document_id = document.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let campaign = app
        .post("/api/campaigns", Some(&admin), &json!({"clientId": client_id, "name": "rbac", "type": "social"}))
        .await;
    assert_eq!(campaign.status(), StatusCode::CREATED);
    let campaign_id = campaign.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let lead = app.post("/api/leads", Some(&admin), &json!({"name": "rbac lead"})).await;
    assert_eq!(lead.status(), StatusCode::CREATED);
    let lead_id = lead.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let event = app
        .post(
            "/api/calendar/events",
            Some(&admin),
            &json!({"title": "rbac", "start": "2026-12-01T10:00:00Z", "end": "2026-12-01T11:00:00Z"}),
        )
        .await;
    assert_eq!(event.status(), StatusCode::CREATED);
    let event_id = event.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let template = app.post("/api/tasks/templates", Some(&admin), &json!({"name": "rbac", "title": "rbac"})).await;
    assert_eq!(template.status(), StatusCode::CREATED);
    let template_id = template.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let fixtures = [
        (
            "/api/clients/{clientId}/documents/{documentId}",
            "{clientId}/documents/{documentId}",
            format!("{client_id}/documents/{document_id}"),
        ),
        ("/api/clients/{clientId}", "{clientId}", client_id.clone()),
        ("/api/clients/{id}", "{id}", client_id),
        ("/api/campaigns/{id}", "{id}", campaign_id),
        ("/api/leads/{leadId}", "{leadId}", lead_id.clone()),
        ("/api/leads/{id}", "{id}", lead_id),
        ("/api/tasks/{id}", "{id}", task_id.clone()),
        ("/api/tasks/{taskId}", "{taskId}", task_id),
        ("/api/task-spaces/{id}", "{id}", space_id),
        // Nobody's job: allowed callers get 404, which still proves the guard let them in.
        ("/api/leads/imports/{importId}", "{importId}", uuid::Uuid::new_v4().to_string()),
        ("/api/jobs/{id}", "{id}", "9000000000".to_owned()),
        ("/api/outbox/{id}", "{id}", uuid::Uuid::new_v4().to_string()),
        ("/api/notifications/{id}", "{id}", uuid::Uuid::new_v4().to_string()),
        (
            "/api/webhooks/{id}/deliveries/{deliveryId}",
            "{id}/deliveries/{deliveryId}",
            format!("{}/deliveries/1", uuid::Uuid::new_v4()),
        ),
        ("/api/webhooks/{id}", "{id}", uuid::Uuid::new_v4().to_string()),
        ("/api/calendar/events/{eventId}", "{eventId}", event_id),
        ("/api/tasks/templates/{templateId}", "{templateId}", template_id),
        ("/api/calendar/feed/{token}", "{token}", "unknown-feed-token".to_owned()),
    ];

    let operations: Vec<String> = documented_operations().into_iter().map(|(op, _)| op).collect();
    let mut checked_denials = 0;
    let mut staff_only_denials = 0;
    // Refusals first: they must not change anything, so the allowed calls below still find
    // every fixture as it was.
    for operation in &operations {
        let template = operation.split_once(' ').unwrap().1;
        let path = concrete(template, target_id, &key_id, &fixtures);
        let requirement = requirement(operation);
        if requirement == Req::Public {
            continue;
        }

        let anonymous = send(&app, operation, &path, None).await;
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "anonymous {operation}");
        assert_eq!(problem(anonymous).await["code"], "AUTHENTICATION_ERROR", "anonymous {operation}");

        if requirement == Req::StaffOnly {
            for (role, token) in tokens.iter().filter(|(role, _)| !domain::work::tasks::may_use_tasks(*role)) {
                let response = send(&app, operation, &path, Some(token)).await;
                assert_eq!(response.status(), StatusCode::FORBIDDEN, "{role} calling {operation}");
                let body = problem(response).await;
                assert_eq!(body["code"], "FORBIDDEN", "{role} calling {operation}");
                assert!(body["detail"].as_str().unwrap().contains("staff"), "the refusal says why: {body}");
                staff_only_denials += 1;
            }
            continue;
        }
        let Some((permission, _)) = denied(requirement, Role::Admin) else { continue };
        for (role, token) in tokens.iter().filter(|(role, _)| denied(requirement, *role).is_some_and(|(_, no)| no)) {
            let response = send(&app, operation, &path, Some(token)).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{role} calling {operation}");
            let body = problem(response).await;
            assert_eq!(body["code"], "FORBIDDEN", "{role} calling {operation}");
            assert!(
                body["detail"].as_str().unwrap().contains(permission.as_str()),
                "the refusal names {}: {body}",
                permission.as_str()
            );
            checked_denials += 1;
        }
    }
    // 6 canManageUsers and 4 canManageSettings routes, each refused to the 8 non-admins.
    // Every role the table refuses was refused: among them, the 6 canManageUsers and 4
    // canManageSettings routes for the 8 non-admins.
    let expected: usize = guards()
        .map(|(_, req)| Role::ALL.into_iter().filter(|role| denied(req, *role).is_some_and(|(_, no)| no)).count())
        .sum();
    assert_eq!(checked_denials, expected, "every refused role was refused every flag-guarded route");
    assert!(checked_denials >= 10 * 8 + 21, "admin-only and CRM routes were all checked");
    // Every staff-only route (tasks, task spaces, calendar), each refused to client and
    // prospective_client.
    let staff_only = guards().filter(|(_, req)| *req == Req::StaffOnly).count();
    assert!(staff_only >= 12, "the task routes are staff-only");
    assert_eq!(staff_only_denials, staff_only * 2, "client-portal roles were refused every staff-only route");

    for operation in &operations {
        let template = operation.split_once(' ').unwrap().1;
        let path = concrete(template, target_id, &key_id, &fixtures);
        let allowed: Vec<&(Role, String)> = match requirement(operation) {
            Req::Public => {
                let response = send(&app, operation, &path, None).await;
                let status = response.status();
                // Refresh answers 401 when no refresh token is sent: that is its own check, not a guard.
                if operation == "POST /api/auth/refresh" {
                    assert_eq!(status, StatusCode::UNAUTHORIZED);
                    let body = problem(response).await;
                    assert!(body["detail"].as_str().unwrap().contains("refresh token"), "{body}");
                } else {
                    assert!(
                        status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                        "public {operation} refused an anonymous caller with {status}"
                    );
                }
                continue;
            }
            Req::Authenticated => tokens.iter().collect(),
            Req::StaffOnly => tokens.iter().filter(|(role, _)| domain::work::tasks::may_use_tasks(*role)).collect(),
            Req::Write(permission) => {
                tokens.iter().filter(|(role, _)| may_write_by_default(*role, permission)).collect()
            }
            Req::Permission(permission) | Req::ScopedRead(permission) => {
                tokens.iter().filter(|(role, _)| has_by_default(*role, permission)).collect()
            }
        };
        assert!(!allowed.is_empty(), "some role may call {operation}");
        for (role, token) in allowed {
            let status = send(&app, operation, &path, Some(token)).await.status();
            assert!(
                status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                "{role} may call {operation} but got {status}"
            );
            assert!(!status.is_server_error(), "{role} calling {operation} got {status}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_custom_permission_grants_and_revokes_access_at_once() {
    let (app, admin) = TestApp::with_admin().await;
    let (staff_id, staff) = app.user_with_role(&admin, "custom_staff", "staff").await;

    app.get("/api/users", Some(&staff)).await.expect_problem(403, "FORBIDDEN").await;

    let grant = app
        .patch(&format!("/api/users/{staff_id}"), Some(&admin), &json!({"customPermissions": {"canManageUsers": true}}))
        .await;
    assert_eq!(grant.status(), StatusCode::OK);
    assert_eq!(grant.json::<Value>().await.unwrap()["customPermissions"], json!({"canManageUsers": true}));

    let listed = app.get("/api/users", Some(&staff)).await;
    assert_eq!(listed.status(), StatusCode::OK, "the grant applies to the token already issued");
    let users: Vec<Value> = listed.json().await.unwrap();
    assert!(users.iter().any(|u| u["username"] == "admin"));
    let me: Value = app.get("/api/user", Some(&staff)).await.json().await.unwrap();
    assert_eq!(me["permissions"]["canManageUsers"], true);
    assert_eq!(me["permissions"]["canManageSettings"], false);

    let revoke = app
        .patch(
            &format!("/api/users/{staff_id}"),
            Some(&admin),
            &json!({"customPermissions": {"canManageUsers": false}}),
        )
        .await;
    assert_eq!(revoke.status(), StatusCode::OK);
    let after = app.get("/api/users", Some(&staff)).await;
    assert_eq!(after.status(), StatusCode::FORBIDDEN, "the revocation applies at once");
    assert_eq!(problem(after).await["code"], "FORBIDDEN");

    // A `false` override also takes away a flag the role has by default.
    let revoke_default = app
        .patch(
            &format!("/api/users/{staff_id}"),
            Some(&admin),
            &json!({"customPermissions": {"canManageLeads": false}}),
        )
        .await;
    assert_eq!(revoke_default.status(), StatusCode::OK);
    let me: Value = app.get("/api/user", Some(&staff)).await.json().await.unwrap();
    assert_eq!(me["permissions"]["canManageLeads"], false);
    assert_eq!(me["permissions"]["canManageClients"], true, "other role defaults stay");
    assert_eq!(me["permissions"]["canManageUsers"], false);

    // A fresh sign-in sees the same.
    let session = app.login("custom_staff", "a-long-enough-password").await;
    assert_eq!(session["user"]["permissions"]["canManageLeads"], false);
    assert_eq!(app.get("/api/users", Some(&token_of(&session))).await.status(), StatusCode::FORBIDDEN);
}
