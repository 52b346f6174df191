//! How the API fails: problem+json for every error, the right 4xx for each kind of bad
//! request, security headers and request ids everywhere, metrics and docs, and no 500s
//! for garbage input.

use api_tests::{problem, ProblemExt, TestApp};
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};
use std::io::{Read, Write};

fn header(response: &Response, name: &str) -> Option<String> {
    response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn is_uuid(text: &str) -> bool {
    uuid::Uuid::parse_str(text).is_ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_paths_are_404_and_wrong_methods_are_405_with_allow() {
    let app = TestApp::spawn().await;
    for path in ["/api/nothing-here", "/nothing-here", "/api/users/7/unknown"] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let body = problem(response).await;
        assert_eq!(body["code"], "NOT_FOUND", "{path}");
        assert_eq!(body["status"], 404);
    }

    let response = app.request(Method::PUT, "/api/users", None).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(header(&response, "allow").as_deref(), Some("GET, POST"));
    let body = problem(response).await;
    insta::assert_json_snapshot!("method_not_allowed", body, { ".requestId" => "[request-id]" });

    let response = app.request(Method::PUT, "/api/users/7", None).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(header(&response, "allow").as_deref(), Some("DELETE, GET, PATCH"));
    assert_eq!(problem(response).await["code"], "METHOD_NOT_ALLOWED");

    // Paths that merely resemble a route are not found; the method used is never "not allowed"
    // while the Allow header lists it.
    for path in ["/api/users/", "//api/users", "/api/users/7/"] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(problem(response).await["code"], "NOT_FOUND", "{path}");
    }

    let response = app.get("/api/login", None).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "GET on a POST-only route");
    assert_eq!(header(&response, "allow").as_deref(), Some("POST"));

    // A fixed path beside a parameterised one (`/api/leads/export` next to
    // `/api/leads/{leadId}`): another method there is a 405, not "invalid lead id".
    let admin = app.admin_token().await;
    for (method, path, allow) in [
        (Method::PATCH, "/api/leads/export", "GET"),
        (Method::DELETE, "/api/clients/export", "GET"),
        (Method::PATCH, "/api/tasks/templates", "GET, POST"),
        (Method::OPTIONS, "/api/leads/import", "POST"),
    ] {
        let response = app.request(method.clone(), path, Some(&admin)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert_eq!(header(&response, "allow").as_deref(), Some(allow), "{method} {path}");
        assert_eq!(problem(response).await["code"], "METHOD_NOT_ALLOWED", "{method} {path}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_bodies_get_the_matching_4xx() {
    let (app, admin) = TestApp::with_admin().await;

    app.post_raw("/api/users", &admin, "application/json", r#"{"username": "#)
        .await
        .expect_problem(400, "MALFORMED_REQUEST")
        .await;

    app.post_raw("/api/users", &admin, "text/plain", r#"{"username":"ada","password":"long-enough-pw"}"#)
        .await
        .expect_problem(415, "UNSUPPORTED_MEDIA_TYPE")
        .await;
    let form = app
        .post_raw("/api/users", &admin, "application/x-www-form-urlencoded", "username=ada&password=long-enough-pw")
        .await;
    assert_eq!(form.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let suffixed = app
        .post_raw(
            "/api/users",
            &admin,
            "application/merge-patch+json",
            r#"{"username":"suffix","password":"long-enough-pw"}"#,
        )
        .await;
    assert_eq!(suffixed.status(), StatusCode::CREATED, "+json media types are JSON");

    let huge = format!(r#"{{"username":"big","password":"long-enough-pw","firstName":"{}"}}"#, "a".repeat(1024 * 1024));
    app.post_raw("/api/users", &admin, "application/json", huge).await.expect_problem(413, "PAYLOAD_TOO_LARGE").await;

    let body = app
        .post("/api/users", Some(&admin), &json!({"username": 42, "password": "long-enough-pw"}))
        .await
        .expect_problem(400, "VALIDATION_ERROR")
        .await;
    assert_eq!(body["errors"][0]["field"], "username", "{body}");
    assert_eq!(body["errors"][0]["code"], "type");

    let nested =
        json!({"username": "nested", "password": "long-enough-pw", "customPermissions": {"canManageUsers": "yes"}});
    let nested = app.post("/api/users", Some(&admin), &nested).await;
    assert_eq!(nested.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(nested).await["errors"][0]["field"], "customPermissions.canManageUsers");

    // serde_json reports these as syntax errors though the JSON is valid.
    let created: Value = app.get("/api/users?q=suffix", Some(&admin)).await.json().await.unwrap();
    let role_path = format!("/api/users/{}/role", created[0]["id"]);
    let typed = [
        app.post("/api/users", Some(&admin), &json!({"username": "typed", "password": "long-enough-pw", "role": 5}))
            .await,
        app.post(
            "/api/users",
            Some(&admin),
            &json!({"username": "typed", "password": "long-enough-pw", "role": ["admin"]}),
        )
        .await,
        app.patch(&role_path, Some(&admin), &json!({"role": null})).await,
    ];
    for response in typed {
        let body = response.expect_problem(400, "VALIDATION_ERROR").await;
        assert_eq!(body["errors"][0]["field"], "role", "{body}");
    }

    let body = app
        .post("/api/users", Some(&admin), &json!({"username": "ada"}))
        .await
        .expect_problem(400, "VALIDATION_ERROR")
        .await;
    assert_eq!(body["errors"][0]["field"], "password", "{body}");
    assert_eq!(body["errors"][0]["code"], "required");

    let users: Vec<Value> = app.get("/api/users", Some(&admin)).await.json().await.unwrap();
    let names: Vec<&str> = users.iter().map(|u| u["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["suffix", "admin"], "only the valid request created a user");
}

/// A request without `Content-Length` (chunked) that goes over the limit is refused too.
#[tokio::test(flavor = "multi_thread")]
async fn an_oversized_chunked_body_is_refused() {
    let (app, admin) = TestApp::with_admin().await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let response = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(&address).expect("connect");
        stream.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
        let head = format!(
            "POST /api/users HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {admin}\r\n\
             Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).unwrap();
        let chunk = vec![b' '; 64 * 1024];
        // 1.25 MiB of whitespace; the server may stop reading (and writes then fail) once
        // it has seen enough.
        for _ in 0..20 {
            let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
            framed.extend_from_slice(&chunk);
            framed.extend_from_slice(b"\r\n");
            if stream.write_all(&framed).is_err() {
                break;
            }
        }
        let _ = stream.write_all(b"0\r\n\r\n");
        let mut text = Vec::new();
        let _ = stream.read_to_end(&mut text);
        String::from_utf8_lossy(&text).into_owned()
    })
    .await
    .unwrap();
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains("PAYLOAD_TOO_LARGE"), "{response}");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_error_carries_security_headers_and_a_request_id() {
    let (app, admin) = TestApp::with_admin().await;
    let (_, staff) = app.user_with_role(&admin, "headers_staff", "staff").await;
    let errors = [
        app.get("/api/nothing-here", None).await,
        app.get("/nothing-here", None).await,
        app.request(Method::PUT, "/api/users", None).send().await.unwrap(),
        app.get("/api/users", None).await,
        app.get("/api/users", Some(&staff)).await,
        app.get("/api/users?limit=0", Some(&admin)).await,
        app.get("/api/users/999999", Some(&admin)).await,
        app.post_raw("/api/users", &admin, "application/json", "{").await,
        app.post_raw("/api/users", &admin, "text/plain", "hello").await,
        app.post_raw("/api/users", &admin, "application/json", vec![b' '; 1024 * 1024 + 1]).await,
        app.post("/api/users", Some(&admin), &json!({"username": "admin", "password": "long-enough-pw"})).await,
        app.post("/api/login", None, &json!({"username": "admin", "password": "wrong-password"})).await,
        app.get("/api/users", Some("not-a-jwt")).await,
    ];
    let mut request_ids = std::collections::HashSet::new();
    for response in errors {
        let what = format!("{} {}", response.status(), response.url().path());
        assert!(response.status().is_client_error(), "{what}");
        assert_eq!(header(&response, "x-content-type-options").as_deref(), Some("nosniff"), "{what}");
        assert_eq!(header(&response, "x-frame-options").as_deref(), Some("DENY"), "{what}");
        let csp = header(&response, "content-security-policy").unwrap_or_default();
        assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        assert!(header(&response, "strict-transport-security").is_some_and(|v| v.contains("max-age=")), "{what}");
        let request_id = header(&response, "x-request-id").unwrap_or_default();
        assert!(is_uuid(&request_id), "{what}: generated request id {request_id:?}");
        request_ids.insert(request_id);
        problem(response).await;
    }
    assert_eq!(request_ids.len(), 13, "every request gets its own id");

    let ok = app.get("/health/live", None).await;
    assert_eq!(header(&ok, "x-frame-options").as_deref(), Some("DENY"), "successes too");
    assert!(header(&ok, "x-request-id").is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plain_caller_request_id_is_echoed_and_an_unsafe_one_replaced() {
    let app = TestApp::spawn().await;
    let with_id = |id: &str| app.request(Method::GET, "/api/nothing-here", None).header("x-request-id", id.to_owned());

    let response = with_id("abc-123").send().await.unwrap();
    assert_eq!(header(&response, "x-request-id").as_deref(), Some("abc-123"));
    assert_eq!(problem(response).await["requestId"], "abc-123");

    let success =
        app.request(Method::GET, "/health/live", None).header("x-request-id", "trace.42_A").send().await.unwrap();
    assert_eq!(success.status(), StatusCode::OK);
    assert_eq!(header(&success, "x-request-id").as_deref(), Some("trace.42_A"));

    let too_long = "a".repeat(65);
    for unsafe_id in ["has spaces", too_long.as_str(), "quote\"d", "semi;colon", "new%0Aline", "ünïcode"] {
        let response = with_id(unsafe_id).send().await.unwrap();
        let echoed = header(&response, "x-request-id").unwrap_or_default();
        assert_ne!(echoed, unsafe_id);
        assert!(is_uuid(&echoed), "{unsafe_id:?} was replaced by a generated id, got {echoed:?}");
        assert_eq!(problem(response).await["requestId"], echoed.as_str());
    }
    let longest = "b".repeat(64);
    let response = with_id(&longest).send().await.unwrap();
    assert_eq!(header(&response, "x-request-id").as_deref(), Some(longest.as_str()), "64 characters are fine");
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_label_requests_by_route_pattern() {
    let (app, admin) = TestApp::with_admin().await;
    let (id, _) = app.user_with_role(&admin, "metered", "staff").await;
    assert_eq!(app.get(&format!("/api/users/{id}"), Some(&admin)).await.status(), StatusCode::OK);
    assert_eq!(app.get("/api/users/987654", Some(&admin)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/no-such-route-xyz", None).await.status(), StatusCode::NOT_FOUND);

    let response = app.get("/metrics", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    let counters: Vec<&str> = text.lines().filter(|l| l.starts_with("marketingos_http_requests_total{")).collect();
    assert!(!counters.is_empty(), "{text}");
    let ok = counters
        .iter()
        .find(|l| {
            l.contains(r#"endpoint="/api/users/{id}""#)
                && l.contains(r#"method="GET""#)
                && l.contains(r#"status="200""#)
        })
        .unwrap_or_else(|| panic!("no counter for GET /api/users/{{id}} 200 in {counters:#?}"));
    assert!(ok.ends_with(" 1"), "{ok}");
    assert!(
        counters.iter().any(|l| l.contains(r#"endpoint="/api/users/{id}""#) && l.contains(r#"status="404""#)),
        "{counters:#?}"
    );
    assert!(counters.iter().any(|l| l.contains(r#"endpoint="/api/login""#)), "{counters:#?}");
    for concrete in [format!("/api/users/{id}\""), "/api/users/987654".to_owned(), "no-such-route-xyz".to_owned()] {
        assert!(!text.contains(&concrete), "metrics must not be labelled with the concrete path {concrete}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_docs_serve_swagger_ui_and_an_openapi_3_1_document() {
    let app = TestApp::spawn().await;
    let ui = app.get("/api/docs/", None).await;
    assert_eq!(ui.status(), StatusCode::OK);
    assert!(header(&ui, "content-type").is_some_and(|v| v.starts_with("text/html")));
    let html = ui.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");

    let redirected = app.get("/api/docs", None).await;
    assert_eq!(redirected.status(), StatusCode::OK, "/api/docs leads to the UI");
    assert_eq!(redirected.url().path(), "/api/docs/");

    let doc = app.get("/api/openapi.json", None).await;
    assert_eq!(doc.status(), StatusCode::OK);
    let doc: Value = doc.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
    assert_eq!(doc["info"]["title"], "MarketingOS API");
    assert!(doc["paths"]["/api/users/{id}"]["patch"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearerAuth"].is_object());
}

#[tokio::test(flavor = "multi_thread")]
async fn garbage_input_gets_a_4xx_problem_never_a_500() {
    let (app, admin) = TestApp::with_admin().await;
    let long_unicode_q = format!("/api/users?q={}", "%C3%A9".repeat(101));
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let gets: Vec<String> = vec![
        "/api/users/99999999999999999999".into(),
        "/api/users/2147483648".into(),
        "/api/users/-1".into(),
        "/api/users/0".into(),
        "/api/users/1.5".into(),
        "/api/users/%F0%9F%98%80".into(),
        "/api/users/%00".into(),
        "/api/users?offset=-5".into(),
        "/api/users?offset=99999999999999999999".into(),
        "/api/users?limit=1e3".into(),
        "/api/users?limit=".into(),
        "/api/users?isActive=maybe".into(),
        "/api/users?role=ADMIN".into(),
        "/api/users?role=".into(),
        long_unicode_q,
        "/api/users?q=%00".into(),
        "/api/users?q=a%00b".into(),
        "/api/activity-logs?userId=abc".into(),
        "/api/activity-logs?entityType=%00".into(),
        "/api/activity-logs?entityId=x%00".into(),
        "/api/api-keys?offset=-1".into(),
    ];
    let mut cases: Vec<(String, Response)> = Vec::new();
    for path in gets {
        let response = app.get(&path, Some(&admin)).await;
        cases.push((format!("GET {path}"), response));
    }
    let bodies: Vec<(&str, &str, Vec<u8>)> = vec![
        ("POST", "/api/users", Vec::new()),
        ("POST", "/api/users", b"null".to_vec()),
        ("POST", "/api/users", b"[]".to_vec()),
        ("POST", "/api/users", b"\"user\"".to_vec()),
        ("POST", "/api/users", b"{\"username\": \"\xff\xfe\", \"password\": \"long-enough-pw\"}".to_vec()),
        ("POST", "/api/users", deep.into_bytes()),
        ("POST", "/api/users", br#"{"username":"nul","password":"long-enough-pw","firstName":"a\u0000b"}"#.to_vec()),
        (
            "POST",
            "/api/users",
            br#"{"username":"nul2","password":"long-enough-pw","email":"x\u0000@example.com"}"#.to_vec(),
        ),
        ("POST", "/api/users", br#"{"username":"lone","password":"long-enough-pw","firstName":"\ud800"}"#.to_vec()),
        ("POST", "/api/users", br#"{"username":"dup","username":"dup2","password":"long-enough-pw"}"#.to_vec()),
        (
            "POST",
            "/api/users",
            br#"{"username":"numbers","password":"long-enough-pw","customPermissions":"all"}"#.to_vec(),
        ),
        ("PATCH", "/api/users/abc", b"{}".to_vec()),
        ("PATCH", "/api/users/99999999999999999999", b"{}".to_vec()),
        ("PATCH", "/api/users/1", br#"{"lastName":"\u0000"}"#.to_vec()),
        ("PATCH", "/api/users/1/role", br#"{"role":null}"#.to_vec()),
        ("DELETE", "/api/api-keys/not-a-uuid", Vec::new()),
        ("POST", "/api/api-keys", br#"{"name":"k","expiresAt":"yesterday"}"#.to_vec()),
        ("POST", "/api/api-keys", br#"{"name":"k","expiresAt":"2000-01-01T00:00:00Z"}"#.to_vec()),
        ("POST", "/api/api-keys", br#"{"name":"\u0000"}"#.to_vec()),
        ("POST", "/api/login", br#"{"username":"\u0000","password":"x"}"#.to_vec()),
        ("POST", "/api/auth/forgot-password", br#"{"email":"a\u0000@example.com"}"#.to_vec()),
    ];
    for (method, path, body) in bodies {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let what = format!("{method} {path} {}", String::from_utf8_lossy(&body).chars().take(80).collect::<String>());
        let response = app
            .request(method, path, Some(&admin))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        cases.push((what, response));
    }
    let headers =
        [("authorization", "Bearer ".to_owned() + &"x".repeat(8000)), ("x-api-key", "mos_garbage".to_owned())];
    for (name, value) in headers {
        let response = app.request(Method::GET, "/api/users", None).header(name, value).send().await.unwrap();
        cases.push((format!("GET /api/users with a bogus {name}"), response));
    }

    let mut failures = Vec::new();
    for (what, response) in cases {
        let status = response.status();
        let content_type = header(&response, "content-type").unwrap_or_default();
        let body = response.text().await.unwrap_or_default();
        if !status.is_client_error() || content_type != "application/problem+json" {
            failures.push(format!("{what} → {status} {content_type} {body}"));
        }
    }
    assert!(failures.is_empty(), "garbage must get a 4xx problem:\n{}", failures.join("\n"));

    // Odd but valid text is simply searched for.
    for q in ["%F0%9F%98%80", "%C3%A9t%C3%A9", "%FF%FE", "%27%3B%20DROP%20TABLE%20users%3B--", "%5C"] {
        let response = app.get(&format!("/api/users?q={q}"), Some(&admin)).await;
        assert_eq!(response.status(), StatusCode::OK, "q={q}");
        assert_eq!(response.json::<Vec<Value>>().await.unwrap().len(), 0, "q={q}");
    }
    assert_eq!(
        app.get("/api/users", Some(&admin)).await.json::<Vec<Value>>().await.unwrap().len(),
        1,
        "still just the admin"
    );
}
