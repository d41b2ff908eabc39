//! Large request bodies: a server that refuses one from its head (`413`) and closes is reported
//! as that answer every time; bodies accepted with or without `100 Continue` arrive whole.
//!
//! The servers are raw TCP, so that what they read, answer and close is exactly scripted.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use affinity_avro::Avro;
use affinity_client::{Client, ClientError, Encoding};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

const WAIT: Duration = Duration::from_secs(20);
const LIMIT: usize = 2 << 20;

/// The request body and the answer of the accepting servers.
#[derive(Avro, Clone, Debug, PartialEq)]
#[avro(namespace = "test")]
struct Blob {
    /// Bytes the server read (in answers); padding (in requests).
    len: i64,
    /// In answers: the request's `Expect` header, or `none`.
    note: String,
}

fn blob(len: usize) -> Blob {
    Blob {
        len: 0,
        note: "x".repeat(len),
    }
}

/// What a scripted server does with a request.
#[derive(Clone, Copy, Debug)]
enum Script {
    /// Answers `413` from the head when `Content-Length` is over [`LIMIT`], then closes without
    /// reading the body (as hyper's server does behind a body limit); otherwise as `Continue`.
    Refuse,
    /// Sends `100 Continue` when asked to, reads the body, answers what it read.
    Continue,
    /// Never sends `100 Continue`: reads the body (whenever it comes) and answers.
    Ignore,
}

struct Server {
    url: String,
    task: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(script: Script) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(connection(stream, script));
        }
    });
    Server { url, task }
}

/// One connection: requests until the client closes or the script closes.
async fn connection(mut stream: TcpStream, script: Script) {
    let mut buffer = Vec::new();
    loop {
        let Some(head_end) = read_head(&mut stream, &mut buffer).await else {
            return;
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
        buffer.drain(..head_end);
        let length = header(&head, "content-length").map_or(0, |v| v.parse::<usize>().unwrap());
        let expect = header(&head, "expect").unwrap_or("none").to_owned();
        if matches!(script, Script::Refuse) && length > LIMIT {
            let body = format!(
                r#"{{"error":"the body is over the limit of {LIMIT} bytes","code":"payload_too_large"}}"#
            );
            let answer = format!(
                "HTTP/1.1 413 Payload Too Large\r\ncontent-type: application/json\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes()).await;
            // Closed with the body unread: the kernel resets the connection.
            return;
        }
        if matches!(script, Script::Refuse | Script::Continue)
            && expect == "100-continue"
            && stream
                .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                .await
                .is_err()
        {
            return;
        }
        while buffer.len() < length {
            let mut chunk = vec![0u8; 64 << 10];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        buffer.drain(..length);
        let body = format!(r#"{{"len":{length},"note":"{expect}"}}"#);
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        if stream.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// Reads until the end of a request head; its length with the blank line.
async fn read_head(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<usize> {
    loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            return Some(at + 4);
        }
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}

fn header<'h>(head: &'h str, name: &str) -> Option<&'h str> {
    head.lines().find_map(|line| {
        let (n, v) = line.split_once(':')?;
        (n.trim() == name).then(|| v.trim())
    })
}

fn client(server: &Server) -> Client {
    Client::builder(&server.url)
        .encoding(Encoding::Json)
        .build()
        .unwrap()
}

async fn put(client: &Client, body: &Blob) -> Result<Blob, ClientError> {
    tokio::time::timeout(WAIT, client.put::<Blob, Blob>("/blob", body))
        .await
        .expect("the put answers in time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_413_from_the_head_is_reported_every_time() {
    let server = serve(Script::Refuse).await;
    let client = client(&server);
    let big = blob(3 << 20);
    let mut outcomes = Vec::new();
    for _ in 0..40 {
        outcomes.push(match put(&client, &big).await {
            Err(ClientError::Status { status, code, .. }) => format!("{status} {code:?}"),
            other => format!("{other:?}"),
        });
    }
    let expected = r#"413 Payload Too Large Some("payload_too_large")"#;
    assert!(
        outcomes.iter().all(|o| o == expected),
        "every attempt is a 413: {outcomes:#?}"
    );
    // The connection the refusal closed is not reused: the next call works.
    let small = put(&client, &blob(10)).await.unwrap();
    assert_eq!(small.note, "none", "a small body is sent at once");
}

#[tokio::test]
async fn a_large_body_waits_for_100_continue_then_arrives_whole() {
    let server = serve(Script::Continue).await;
    let client = client(&server);
    let big = blob(1 << 20);
    let started = Instant::now();
    let answer = put(&client, &big).await.unwrap();
    assert_eq!(answer.note, "100-continue");
    assert!(answer.len > 1 << 20, "the whole body arrived: {answer:?}");
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "sent on 100 Continue, not after the fallback wait: {:?}",
        started.elapsed()
    );
    // Bodies up to the threshold (64 KiB by default) go with the head.
    let answer = put(&client, &blob(60 << 10)).await.unwrap();
    assert_eq!(answer.note, "none");
    // The threshold is the builder's.
    let eager = Client::builder(&server.url)
        .encoding(Encoding::Json)
        .expect_continue_over(usize::MAX)
        .build()
        .unwrap();
    let answer = put(&eager, &big).await.unwrap();
    assert_eq!(answer.note, "none");
}

#[tokio::test]
async fn a_server_that_never_sends_100_continue_still_gets_the_body() {
    let server = serve(Script::Ignore).await;
    let client = client(&server);
    let started = Instant::now();
    let answer = put(&client, &blob(200 << 10)).await.unwrap();
    assert_eq!(answer.note, "100-continue");
    assert!(answer.len > 200 << 10, "the whole body arrived: {answer:?}");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(5),
        "sent after about a second: {waited:?}"
    );
}
