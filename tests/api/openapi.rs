use api_tests::TestApp;
use reqwest::StatusCode;

const COMMITTED: &str = include_str!("../../openapi/openapi.json");

#[test]
fn committed_spec_matches_the_routes() {
    let generated = server::openapi::to_json(&server::openapi::document());
    assert!(
        generated.trim_end() == COMMITTED.trim_end(),
        "openapi/openapi.json is out of date with the routes: run `cargo xtask openapi` and commit the result"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn served_spec_is_the_committed_one() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/openapi.json", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let served: serde_json::Value = response.json().await.unwrap();
    let committed: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
    assert_eq!(served, committed);
    assert_eq!(served["openapi"], "3.1.0");
}
