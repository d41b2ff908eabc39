//! The graph example end to end: a node on 127.0.0.1, the HTTP API through the native client in
//! both encodings, a live subscription to a component, and renames published by a live client.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use affinity::NodeConfig;
use affinity::node::{Node, RunningNode};
use affinity_client::{Client, ClientError, Encoding};
use example_graph::model::{Component, Rename, Vertex, VertexData};
use futures_util::StreamExt;

async fn start(dir: &std::path::Path) -> RunningNode {
    let mut config = NodeConfig::default();
    config.http.listen = "127.0.0.1:0".parse().unwrap();
    config.node.data_dir = Some(dir.to_owned());
    Node::new(config)
        .keyspace(example_graph::keyspace())
        .router(example_graph::api::router())
        .start()
        .await
        .unwrap()
}

/// The next value of a subscription, within ten seconds.
async fn next(live: &mut affinity_client::Subscription<Component>) -> Option<Component> {
    tokio::time::timeout(Duration::from_secs(10), live.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap()
}

fn name(id: i64) -> VertexData {
    VertexData {
        name: format!("v{id}"),
    }
}

#[tokio::test]
async fn components_follow_connects_and_disconnects_across_partitions() {
    let dir = tempfile::tempdir().unwrap();
    let node = start(dir.path()).await;
    let base = format!("http://{}", node.local_addr());
    let json = Client::builder(&base)
        .encoding(Encoding::Json)
        .build()
        .unwrap();
    let binary = Client::connect(&base).await.unwrap();

    // Eight vertices land in several of the eight partitions.
    let ks = node
        .keyspace::<example_graph::partition::GraphPartition>()
        .unwrap();
    let partitions: std::collections::BTreeSet<u32> =
        (1..=8).map(|id: i64| ks.partition_of(&id)).collect();
    assert!(partitions.len() > 2, "{partitions:?}");
    for id in 1..=8 {
        let client = if id % 2 == 0 { &json } else { &binary };
        let v: Vertex = client
            .put(&format!("/vertex/{id}"), &name(id))
            .await
            .unwrap();
        assert_eq!(
            v,
            Vertex {
                id,
                name: format!("v{id}"),
                edges: vec![],
                component: id
            }
        );
    }

    let mut live = binary
        .subscribe::<i64, Component>("graph", "components", &1)
        .await
        .unwrap();
    assert_eq!(next(&mut live).await.map(|c| c.members), Some(vec![1]));

    // A chain 1-2-…-8, built from the far end: component 1 grows only at the last connect.
    for (a, b) in [(7, 8), (6, 7), (5, 6), (4, 5), (3, 4), (2, 3)] {
        let c: Component = json.post(&format!("/connect/{a}/{b}"), &()).await.unwrap();
        assert_eq!(c.id, a);
        assert_eq!(c.members, (a..=8).collect::<Vec<_>>());
    }
    let c: Component = binary.post("/connect/1/2", &()).await.unwrap();
    assert_eq!(
        c,
        Component {
            id: 1,
            members: (1..=8).collect()
        }
    );
    assert_eq!(
        next(&mut live).await.map(|c| c.members),
        Some((1..=8).collect())
    );
    // The components the chain absorbed are gone; every vertex knows its component.
    assert!(
        binary
            .get_opt::<Component>("/component/2")
            .await
            .unwrap()
            .is_none()
    );
    for id in 1..=8 {
        let v: Vertex = json.get(&format!("/vertex/{id}")).await.unwrap();
        assert_eq!(v.component, 1, "vertex {id}");
    }

    // Cutting the chain in the middle splits it into two components.
    let split: Vec<Component> = json.post("/disconnect/4/5", &()).await.unwrap();
    assert_eq!(
        split,
        vec![
            Component {
                id: 1,
                members: vec![1, 2, 3, 4]
            },
            Component {
                id: 5,
                members: vec![5, 6, 7, 8]
            },
        ]
    );
    assert_eq!(
        next(&mut live).await.map(|c| c.members),
        Some(vec![1, 2, 3, 4])
    );
    let v8: Vertex = binary.get("/vertex/8").await.unwrap();
    assert_eq!(v8.component, 5);

    // Unknown vertices are 404s, and change nothing.
    let missing = json
        .post::<(), Component>("/connect/1/99", &())
        .await
        .unwrap_err();
    assert!(
        matches!(missing, ClientError::Status { status, .. } if status.as_u16() == 404),
        "{missing}"
    );
    assert_eq!(
        json.get::<Component>("/component/1").await.unwrap().members,
        vec![1, 2, 3, 4]
    );

    drop(live);
    binary.shutdown().await;
    node.shutdown().await.unwrap();

    // Everything is still there after a restart.
    let node = start(dir.path()).await;
    let client = Client::connect(&format!("http://{}", node.local_addr()))
        .await
        .unwrap();
    let c: Component = client.get("/component/5").await.unwrap();
    assert_eq!(c.members, vec![5, 6, 7, 8]);
    client.shutdown().await;
    node.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_published_rename_renames_an_existing_vertex_only() {
    let dir = tempfile::tempdir().unwrap();
    let node = start(dir.path()).await;
    let client = Client::connect(&format!("http://{}", node.local_addr()))
        .await
        .unwrap();
    client
        .put::<_, Vertex>("/vertex/1", &name(1))
        .await
        .unwrap();
    client
        .put::<_, Vertex>("/vertex/2", &name(2))
        .await
        .unwrap();
    client
        .post::<(), Component>("/connect/1/2", &())
        .await
        .unwrap();
    let mut live = client
        .subscribe::<i64, Vertex>("graph", "vertices", &2)
        .await
        .unwrap();
    let first = tokio::time::timeout(Duration::from_secs(10), live.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(first.map(|v| v.name), Some("v2".to_owned()));

    let rename = |name: &str| Rename {
        name: name.to_owned(),
    };
    client
        .publish("graph", &2i64, &rename("two"))
        .await
        .unwrap();
    let renamed = tokio::time::timeout(Duration::from_secs(10), live.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        renamed,
        Some(Vertex {
            id: 2,
            name: "two".to_owned(),
            edges: vec![1],
            component: 1
        }),
        "only the name changed"
    );

    // A rename does not create a vertex: refused with the handler's reason.
    match client.publish("graph", &3i64, &rename("three")).await {
        Err(ClientError::Server { message, .. }) => {
            assert!(message.contains("vertex 3 does not exist"), "{message}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(
        client
            .get_opt::<Vertex>("/vertex/3")
            .await
            .unwrap()
            .is_none()
    );
    drop(live);
    client.shutdown().await;
    node.shutdown().await.unwrap();
}
