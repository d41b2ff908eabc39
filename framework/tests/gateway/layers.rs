//! The middleware a client meets: body limits, CORS and gzip.

use affinity::gateway::AVRO_BINARY;
use affinity_avro::to_vec;
use http_body_util::BodyExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::{ServiceBuilder, ServiceExt};
use tower_http::decompression::DecompressionLayer;

use crate::support::{Server, Setup, Vertex, WAIT, app};

fn big_vertex() -> Vertex {
    Vertex {
        id: 1,
        edges: (0..1000).collect(),
        label: None,
    }
}

fn small_limit() -> Setup {
    let mut setup = Setup::default();
    setup.config.body_limit = 1024;
    setup
}

#[tokio::test]
async fn bodies_over_the_limit_are_413() {
    let server = Server::start(app(&small_limit())).await;
    let body = to_vec(&big_vertex());
    assert!(body.len() > 1024);
    let reply = server
        .call("PUT", "/vertex", &[("content-type", AVRO_BINARY)], body)
        .await;
    assert_eq!(reply.status, 413);
    assert_eq!(
        reply.error(),
        (
            "payload_too_large".into(),
            "request body is larger than the limit of 1024 bytes".into()
        )
    );
    // Just under the limit is fine.
    let fits = Vertex {
        id: 1,
        edges: (0..10).collect(),
        label: Some("x".repeat(990)),
    };
    let body = to_vec(&fits);
    assert!(body.len() <= 1024);
    let reply = server
        .call("PUT", "/vertex", &[("content-type", AVRO_BINARY)], body)
        .await;
    assert_eq!(reply.status, 200);
}

/// A chunked body declares no length: it is cut off when read past the limit.
#[tokio::test]
async fn chunked_bodies_over_the_limit_are_413() {
    let server = Server::start(app(&small_limit())).await;
    let body = to_vec(&big_vertex());
    let mut request = format!(
        "PUT /vertex HTTP/1.1\r\nHost: {}\r\nContent-Type: {AVRO_BINARY}\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        server.addr
    )
    .into_bytes();
    for chunk in body.chunks(300) {
        request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend_from_slice(chunk);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
        stream.write_all(&request).await.unwrap();
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response).await;
        String::from_utf8_lossy(&response).into_owned()
    };
    let response = tokio::time::timeout(WAIT, exchange).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 413 "), "{response}");
    assert!(
        response.ends_with(
            r#"{"code":"payload_too_large","error":"request body is larger than the limit of 1024 bytes"}"#
        ) || response.ends_with(
            r#"{"error":"request body is larger than the limit of 1024 bytes","code":"payload_too_large"}"#
        ),
        "{response}"
    );
}

#[tokio::test]
async fn cors_preflight_and_simple_requests() {
    let mut setup = Setup::default();
    setup.config.cors_origins = vec!["http://app.example".into()];
    let server = Server::start(app(&setup)).await;
    let preflight = |origin: &'static str| {
        server.request(
            "OPTIONS",
            "/vertex",
            &[
                ("origin", origin),
                ("access-control-request-method", "PUT"),
                (
                    "access-control-request-headers",
                    "content-type, affinity-schema-id",
                ),
            ],
            "",
        )
    };
    let reply = server.send(preflight("http://app.example")).await;
    assert!(reply.status.is_success(), "{}", reply.status);
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("http://app.example")
    );
    let methods = reply
        .header("access-control-allow-methods")
        .unwrap()
        .to_lowercase();
    assert!(methods.contains("put"), "{methods}");
    let headers = reply
        .header("access-control-allow-headers")
        .unwrap()
        .to_lowercase();
    assert!(
        headers.contains("affinity-schema-id") && headers.contains("content-type"),
        "{headers}"
    );
    assert_eq!(reply.header("access-control-max-age"), Some("3600"));

    let reply = server.send(preflight("http://evil.example")).await;
    assert_eq!(reply.header("access-control-allow-origin"), None);

    let reply = server
        .call("GET", "/vertex/1", &[("origin", "http://app.example")], "")
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("http://app.example")
    );
    let exposed = reply
        .header("access-control-expose-headers")
        .unwrap()
        .to_lowercase();
    assert!(
        exposed.contains("affinity-schema-id") && exposed.contains("retry-after"),
        "{exposed}"
    );
}

#[tokio::test]
async fn cors_any_origin_and_none_by_default() {
    let mut setup = Setup::default();
    setup.config.cors_origins = vec!["*".into()];
    let server = Server::start(app(&setup)).await;
    let reply = server
        .call(
            "GET",
            "/vertex/1",
            &[("origin", "http://localhost:5173")],
            "",
        )
        .await;
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));

    let server = Server::start(app(&Setup::default())).await;
    let reply = server
        .call(
            "OPTIONS",
            "/vertex",
            &[
                ("origin", "http://localhost:5173"),
                ("access-control-request-method", "PUT"),
            ],
            "",
        )
        .await;
    assert_eq!(reply.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn gzip_when_asked() {
    let server = Server::start(app(&Setup::default())).await;
    let reply = server
        .call("GET", "/vertex/500", &[("accept-encoding", "gzip")], "")
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-encoding"), Some("gzip"));
    assert_eq!(&reply.body[..2], &[0x1f, 0x8b]);
    let plain = server.call("GET", "/vertex/500", &[], "").await;
    assert_eq!(plain.header("content-encoding"), None);
    assert!(
        reply.body.len() < plain.body.len(),
        "{} vs {}",
        reply.body.len(),
        plain.body.len()
    );

    // Decompressed, it is the same JSON.
    let client = ServiceBuilder::new()
        .layer(DecompressionLayer::new())
        .service(server.client());
    let request = server.request("GET", "/vertex/500", &[], "");
    let exchange = async {
        let response = client.oneshot(request).await.unwrap();
        response.into_body().collect().await.unwrap().to_bytes()
    };
    let body = tokio::time::timeout(WAIT, exchange).await.unwrap();
    assert_eq!(body, plain.body);
}
