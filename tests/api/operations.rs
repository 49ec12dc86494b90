//! Health, readiness, metrics and CORS.

use crate::helpers::{json, problem, spawn_app, spawn_app_with};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn liveness_and_readiness_answer_200_when_the_database_answers() {
    let app = spawn_app().await;
    assert_eq!(json(app.get("/health/live").await).await["status"], "ok");
    assert_eq!(json(app.get("/health/ready").await).await["status"], "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_answers_503_with_retry_after_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.db.close().await;
    let response = app.get("/health/ready").await;
    assert_eq!(response.headers()["retry-after"], "5");
    problem(response, 503).await;
    assert_eq!(app.get("/health/live").await.status(), 200, "the process itself is still alive");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_while_the_database_is_gone_is_a_503_not_a_500() {
    let app = spawn_app().await;
    app.db.close().await;
    let response = app.get("/v1/municipalities").await;
    assert_eq!(response.headers()["retry-after"], "5");
    problem(response, 503).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_by_route_pattern_and_status() {
    let app = spawn_app().await;
    app.get("/v1/municipalities/some-town").await;
    let response = app.get("/metrics").await;
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = response.text().await.unwrap();
    assert!(
        text.contains(r#"http_requests_total{method="GET",route="/v1/municipalities/{municipality}",status="404"} 1"#),
        "{text}"
    );
    assert!(text.contains("http_request_duration_seconds_bucket"));
    assert!(!text.contains("some-town"), "raw paths never become labels");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn made_up_methods_and_paths_do_not_grow_the_metrics() {
    let app = spawn_app().await;
    let lines = |text: &str| text.lines().filter(|l| !l.starts_with('#')).count();
    for i in 0..3 {
        let method = reqwest::Method::from_bytes(format!("MADEUP{i}").as_bytes()).unwrap();
        app.client.request(method, app.url(&format!("/nowhere-{i}"))).send().await.unwrap();
    }
    let after_three = app.get("/metrics").await.text().await.unwrap();
    for i in 3..40 {
        let method = reqwest::Method::from_bytes(format!("MADEUP{i}").as_bytes()).unwrap();
        app.client.request(method, app.url(&format!("/nowhere-{i}"))).send().await.unwrap();
    }
    let after_forty = app.get("/metrics").await.text().await.unwrap();
    assert!(!after_forty.contains("MADEUP"), "{after_forty}");
    assert!(!after_forty.contains("nowhere"), "{after_forty}");
    assert!(after_forty.contains(r#"method="other",route="unmatched",status="#), "{after_forty}");
    // The second /metrics call adds its own series, nothing for the 37 made-up requests.
    let metrics_series = after_forty.lines().filter(|l| l.contains(r#"route="/metrics""#)).count();
    assert!(lines(&after_forty) <= lines(&after_three) + metrics_series, "{after_three}\n---\n{after_forty}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_allowed_origin_gets_cors_headers_and_a_foreign_one_none() {
    let app = spawn_app_with(&[("CORS_ALLOWED_ORIGINS", "https://www.loos-en-gohelle.fr")]).await;
    let allowed = app
        .client
        .get(app.url("/v1/vocabulary"))
        .header("Origin", "https://www.loos-en-gohelle.fr")
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://www.loos-en-gohelle.fr");
    let foreign =
        app.client.get(app.url("/v1/vocabulary")).header("Origin", "https://elsewhere.example").send().await.unwrap();
    assert_eq!(foreign.status(), 200);
    assert!(foreign.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_preflight_from_an_allowed_origin_is_answered() {
    let app = spawn_app_with(&[("CORS_ALLOWED_ORIGINS", "*")]).await;
    let response = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/v1/municipalities"))
        .header("Origin", "https://peer-city.example")
        .header("Access-Control-Request-Method", "GET")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("access-control-allow-methods").is_some());
}
