use api_tests::TestApp;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread")]
async fn liveness_and_readiness_report_database_migrations_and_integrations() {
    let app = TestApp::spawn().await;
    let live = app.get("/health/live", None).await;
    assert_eq!(live.status(), StatusCode::OK);

    let ready = app.get("/health/ready", None).await;
    assert_eq!(ready.status(), StatusCode::OK);
    let report: Value = ready.json().await.unwrap();
    assert_eq!(report["status"], "ready");
    assert_eq!(report["database"]["reachable"], true);
    assert_eq!(report["migrations"]["upToDate"], true);
    let smtp = report["integrations"].as_array().unwrap().iter().find(|i| i["name"] == "smtp").unwrap();
    assert_eq!(smtp["status"], "skipped", "unconfigured integrations are reported as skipped");
    assert!(report["circuits"].as_array().unwrap().iter().all(|c| c["state"] == "CLOSED"));
}
