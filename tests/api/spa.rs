//! The web app under STATIC_DIR: files with cache headers, the SPA fallback for client
//! routes, and API/health misses that stay problem+json.

use api_tests::{header, problem, TestApp};
use reqwest::{Method, StatusCode};
use std::path::PathBuf;

const INDEX: &str = "<!doctype html><title>MarketingOS test index</title>";
const ASSET: &str = "assets/app-0123456789ab.css";

struct StaticDir(PathBuf);

impl StaticDir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("mos-spa-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        std::fs::write(dir.join("index.html"), INDEX).unwrap();
        std::fs::write(dir.join(ASSET), "body{color:red}").unwrap();
        std::fs::write(dir.join("robots.txt"), "User-agent: *\n").unwrap();
        StaticDir(dir)
    }

    /// A fresh folder and the app serving it (the folder lives as long as the first).
    async fn served() -> (Self, TestApp) {
        let dir = StaticDir::new();
        let app = TestApp::spawn_with(&[("STATIC_DIR", dir.0.to_str().unwrap())]).await;
        (dir, app)
    }
}

impl Drop for StaticDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn serves_the_web_app_with_an_spa_fallback_and_cache_headers() {
    let (_dir, app) = StaticDir::served().await;

    for path in ["/", "/users", "/reset-password?token=abc", "/deep/client/route"] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(header(&response, "content-type").starts_with("text/html"), "{path}");
        assert_eq!(header(&response, "cache-control"), "no-cache", "{path}");
        assert!(header(&response, "content-security-policy").contains("script-src 'self'"), "{path}");
        assert_eq!(response.text().await.unwrap(), INDEX, "{path}");
    }

    let asset = app.get(&format!("/{ASSET}"), None).await;
    assert_eq!(asset.status(), StatusCode::OK);
    assert!(header(&asset, "content-type").starts_with("text/css"));
    assert_eq!(header(&asset, "cache-control"), "public, max-age=31536000, immutable");
    assert_eq!(asset.text().await.unwrap(), "body{color:red}");

    let plain = app.get("/robots.txt", None).await;
    assert_eq!(plain.status(), StatusCode::OK);
    assert_eq!(header(&plain, "cache-control"), "no-cache", "unhashed files are revalidated");

    // A missing asset is not answered with the app.
    let missing = app.get("/assets/missing-0123456789ab.js", None).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    problem(missing).await;
    // Escapes from the folder never reach other files.
    for path in ["/assets/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd", "/%2e%2e/Cargo.toml"] {
        let escape = app.get(path, None).await;
        let body = escape.text().await.unwrap();
        assert!(!body.contains("root:") && !body.contains("[package]"), "{path}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn api_health_and_unsafe_misses_stay_problem_json() {
    let (_dir, app) = StaticDir::served().await;

    for path in ["/api/unknown", "/api", "/health/unknown", "/metrics/unknown"] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let body = problem(response).await;
        assert_eq!(body["code"], "NOT_FOUND", "{path}");
    }

    let post = app.request(Method::POST, "/users", None).send().await.unwrap();
    assert_eq!(post.status(), StatusCode::NOT_FOUND, "only GET and HEAD reach the app");
    problem(post).await;

    // The API itself is unaffected.
    let user = app.get("/api/user", None).await;
    assert_eq!(user.status(), StatusCode::OK);
    assert_eq!(user.text().await.unwrap(), "null");
}
