//! ZooKeeper as the coordinator will use it, against the real server of `dev/services up`
//! (`SERVICES_ZOOKEEPER_CONNECT`) through `zookeeper-client`: ephemeral-sequential membership
//! nodes, a child watch that sees them join, a node watch that sees one leave when its session
//! closes, and an ephemeral node that disappears when its session expires without a goodbye
//! (a paused or partitioned node). Skipped with a notice when the server is not configured —
//! except under `CI=true`, where that fails.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::future::Future;
use std::time::{Duration, Instant};

use zookeeper_client as zk;

mod services;

/// The longest any single wait here may take.
const WAIT: Duration = Duration::from_secs(15);

fn connect_string() -> Option<String> {
    services::require(&["SERVICES_ZOOKEEPER_CONNECT"], "the ZooKeeper test")
        .map(|mut v| v.remove(0))
}

async fn bounded<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(WAIT, future)
        .await
        .unwrap_or_else(|_| panic!("{what}: nothing within {WAIT:?}"))
}

async fn client(connect: &str, session: Duration) -> zk::Client {
    bounded(
        "connecting to ZooKeeper",
        zk::Client::connector()
            .with_session_timeout(session)
            .connect(connect),
    )
    .await
    .unwrap_or_else(|e| panic!("connecting to ZooKeeper at {connect}: {e} (dev/services status?)"))
}

/// A fresh persistent node for this test run.
async fn fresh_root(client: &zk::Client, name: &str) -> String {
    let root = format!("/{}", services::unique(&format!("affinity-test-{name}")));
    let persistent = zk::CreateMode::Persistent.with_acls(zk::Acls::anyone_all());
    client.create(&root, b"", &persistent).await.unwrap();
    root
}

/// Deletes `root` and its children.
async fn remove(client: &zk::Client, root: &str) {
    for child in client.list_children(root).await.unwrap() {
        match client.delete(&format!("{root}/{child}"), None).await {
            Ok(()) | Err(zk::Error::NoNode) => {}
            Err(e) => panic!("{e}"),
        }
    }
    client.delete(root, None).await.unwrap();
}

#[tokio::test]
async fn members_join_in_sequence_and_leave_when_their_session_closes() {
    let Some(connect) = connect_string() else {
        return;
    };
    let observer = client(&connect, Duration::from_secs(10)).await;
    let root = fresh_root(&observer, "members").await;
    let (children, joined) = observer.list_and_watch_children(&root).await.unwrap();
    assert!(children.is_empty());

    let member = client(&connect, Duration::from_secs(4)).await;
    let ephemeral = zk::CreateMode::EphemeralSequential.with_acls(zk::Acls::anyone_all());
    let prefix = format!("{root}/member-");
    let (_, first) = member
        .create(&prefix, b"127.0.0.1:7001", &ephemeral)
        .await
        .unwrap();
    let (_, second) = member
        .create(&prefix, b"127.0.0.1:7002", &ephemeral)
        .await
        .unwrap();
    assert!(first.into_i64() < second.into_i64());

    let event = bounded("the child watch", joined.changed()).await;
    assert_eq!(event.event_type, zk::EventType::NodeChildrenChanged);
    assert_eq!(event.path, root);
    let mut children = observer.list_children(&root).await.unwrap();
    children.sort();
    assert_eq!(
        children,
        [format!("member-{first}"), format!("member-{second}")]
    );
    let first_path = format!("{root}/member-{first}");
    let (data, stat, left) = observer.get_and_watch_data(&first_path).await.unwrap();
    assert_eq!(data, b"127.0.0.1:7001");
    assert_eq!(stat.ephemeral_owner, member.session_id().0);

    // Closing the member's session removes its ephemeral nodes at once.
    drop(member);
    let event = bounded("the node watch", left.changed()).await;
    assert_eq!(event.event_type, zk::EventType::NodeDeleted);
    assert_eq!(event.path, first_path);
    assert_eq!(
        observer.list_children(&root).await.unwrap(),
        Vec::<String>::new()
    );

    remove(&observer, &root).await;
}

#[tokio::test]
async fn an_ephemeral_node_outlives_a_silent_session_only_until_it_expires() {
    let Some(connect) = connect_string() else {
        return;
    };
    let observer = client(&connect, Duration::from_secs(10)).await;
    let root = fresh_root(&observer, "expiry").await;

    let session = Duration::from_secs(2);
    let member = bounded(
        "connecting to ZooKeeper",
        zk::Client::connector()
            .with_session_timeout(session)
            .with_detached()
            .connect(&connect),
    )
    .await
    .unwrap();
    let ephemeral = zk::CreateMode::EphemeralSequential.with_acls(zk::Acls::anyone_all());
    let (_, sequence) = member
        .create(&format!("{root}/member-"), b"", &ephemeral)
        .await
        .unwrap();
    let path = format!("{root}/member-{sequence}");
    let (stat, gone) = observer.check_and_watch_stat(&path).await.unwrap();
    assert!(stat.is_some());

    // The member goes silent without closing its session, like a paused process.
    let silent_since = Instant::now();
    let _session = member.into_session();
    let event = bounded("the session expiry", gone.changed()).await;
    let after = silent_since.elapsed();
    assert_eq!(event.event_type, zk::EventType::NodeDeleted);
    assert_eq!(event.path, path);
    // Not before the server gave up on the session, and not much later than its timeout.
    assert!(
        after >= session / 2,
        "the node went after {after:?}, the session timeout is {session:?}"
    );
    assert!(
        after <= session + Duration::from_secs(4),
        "the node went after {after:?}, the session timeout is {session:?}"
    );

    remove(&observer, &root).await;
}
