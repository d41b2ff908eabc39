//! `ApiError` as a client sees it: statuses, bodies, `Retry-After`, and the request timeout.

use std::time::{Duration, Instant};

use crate::support::{Server, Setup, app};

#[tokio::test]
async fn api_errors_map_to_statuses_with_json_bodies() {
    let server = Server::start(app(&Setup::default())).await;
    let cases = [
        ("bad_request", 400, "id must be positive"),
        ("not_found", 404, "not found"),
        ("conflict", 409, "vertex 7 exists"),
        (
            "unavailable",
            503,
            "temporarily unavailable; retry after 3 s",
        ),
        ("timeout", 504, "the request timed out"),
        ("internal", 500, "internal error"),
    ];
    for (kind, status, message) in cases {
        let reply = server.call("GET", &format!("/error/{kind}"), &[], "").await;
        assert_eq!(reply.status, status, "{kind}");
        assert_eq!(
            reply.error(),
            (kind.to_owned(), message.to_owned()),
            "{kind}"
        );
    }
    // Errors are JSON whatever the request accepts.
    let reply = server
        .call(
            "GET",
            "/error/not_found",
            &[("accept", "application/vnd.apache.avro+binary")],
            "",
        )
        .await;
    assert_eq!(reply.error().0, "not_found");
}

#[tokio::test]
async fn unavailable_says_when_to_retry() {
    let server = Server::start(app(&Setup::default())).await;
    let reply = server.call("GET", "/error/unavailable", &[], "").await;
    assert_eq!(reply.status, 503);
    assert_eq!(reply.header("retry-after"), Some("3"));
    let reply = server.call("GET", "/error/conflict", &[], "").await;
    assert_eq!(reply.header("retry-after"), None);
}

#[tokio::test]
async fn internal_errors_leak_nothing() {
    let server = Server::start(app(&Setup::default())).await;
    let reply = server.call("GET", "/error/internal", &[], "").await;
    assert_eq!(reply.status, 500);
    assert!(!reply.text().contains("secret"), "{}", reply.text());
    assert!(!reply.text().contains("/var/lib"), "{}", reply.text());
}

#[tokio::test]
async fn slow_requests_time_out_with_504() {
    let mut setup = Setup::default();
    setup.config.request_timeout = Duration::from_millis(200);
    let server = Server::start(app(&setup)).await;
    let started = Instant::now();
    let reply = server.call("GET", "/slow", &[], "").await;
    assert_eq!(reply.status, 504);
    assert_eq!(
        reply.error(),
        ("timeout".into(), "the request timed out".into())
    );
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(200) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
    // Fast requests on the same server are unaffected.
    assert_eq!(server.call("GET", "/vertex/1", &[], "").await.status, 200);
}
