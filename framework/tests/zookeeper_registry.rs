//! The ZooKeeper schema registry against the real ZooKeeper of `dev/services up`: every
//! client of a cluster gets the same ids, compatibility is enforced at the subject's level
//! (BACKWARD by default), registering is idempotent, and two clients registering at once never
//! give one schema two ids or one id two schemas.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod coordinator_support;
mod services;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use affinity::registry::ZookeeperRegistry;
use affinity_avro::{Compatibility, RegistryError, Schema, SchemaId, SchemaRegistry};
use coordinator_support::{ROOT, bounded, client, connect_string, remove_tree, unique};

const LIMIT: Duration = Duration::from_secs(10);

async fn open(connect: &str, path: &str) -> ZookeeperRegistry {
    bounded(
        "opening the registry",
        ZookeeperRegistry::open(client(connect).await, path, Compatibility::Backward, LIMIT),
    )
    .await
    .unwrap()
}

fn record(fields: &[(&str, &str)]) -> Schema {
    let fields: Vec<String> = fields
        .iter()
        .map(|(name, rest)| format!(r#"{{"name":"{name}",{rest}}}"#))
        .collect();
    Schema::parse(&format!(
        r#"{{"type":"record","name":"User","fields":[{}]}}"#,
        fields.join(",")
    ))
    .unwrap()
}

#[tokio::test]
async fn two_nodes_share_ids_versions_levels_and_the_compatibility_check() {
    let Some(connect) = connect_string() else {
        return;
    };
    let path = format!("{ROOT}/{}/registry", unique("registry"));
    let a = open(&connect, &path).await;
    let b = open(&connect, &path).await;

    let v1 = record(&[("id", r#""type":"long""#)]);
    let id = a.register("users-value", &v1).await.unwrap();
    // b sees a's registration, and registering the same schema gives the same id.
    assert_eq!(*b.schema_by_id(id).await.unwrap(), v1);
    assert_eq!(b.register("users-value", &v1).await.unwrap(), id);
    assert_eq!(b.versions("users-value").await.unwrap(), [1]);
    // The same schema under another subject keeps its id.
    assert_eq!(b.register("other-value", &v1).await.unwrap(), id);

    // BACKWARD: a new field without a default cannot read the old data.
    let bad = record(&[("id", r#""type":"long""#), ("name", r#""type":"string""#)]);
    match a.register("users-value", &bad).await {
        Err(RegistryError::Incompatible(problems)) => assert!(!problems.is_empty()),
        other => panic!("expected Incompatible, got {other:?}"),
    }
    assert!(
        b.test_compatibility("users-value", &bad)
            .await
            .unwrap()
            .is_err()
    );
    let good = record(&[
        ("id", r#""type":"long""#),
        ("name", r#""type":"string","default":"""#),
    ]);
    let id2 = b.register("users-value", &good).await.unwrap();
    assert_ne!(id2, id);
    let latest = a.latest("users-value").await.unwrap();
    assert_eq!((latest.id, latest.version), (id2, 2));

    // A level set through one node holds on the other.
    a.set_compatibility(Some("users-value"), Compatibility::None)
        .await
        .unwrap();
    assert_eq!(
        b.compatibility(Some("users-value")).await.unwrap(),
        Compatibility::None
    );
    assert_eq!(
        b.compatibility(None).await.unwrap(),
        Compatibility::Backward
    );
    let id3 = b.register("users-value", &bad).await.unwrap();

    // Deleting a subject: its versions go, its ids stay readable.
    assert_eq!(a.delete_subject("users-value").await.unwrap(), [1, 2, 3]);
    assert!(matches!(
        b.latest("users-value").await,
        Err(RegistryError::SubjectNotFound(_))
    ));
    assert!(matches!(
        b.delete_subject("users-value").await,
        Err(RegistryError::SubjectNotFound(_))
    ));
    assert_eq!(*b.schema_by_id(id3).await.unwrap(), bad);
    assert_eq!(b.subjects().await.unwrap(), ["other-value"]);
    assert!(matches!(
        a.schema_by_id(SchemaId(9999)).await,
        Err(RegistryError::SchemaNotFound(SchemaId(9999)))
    ));

    // A registry opened later replays the same state.
    let c = open(&connect, &path).await;
    assert_eq!(*c.schema_by_id(id2).await.unwrap(), good);
    assert_eq!(c.subjects().await.unwrap(), ["other-value"]);

    remove_tree(&client(&connect).await, path.trim_end_matches("/registry")).await;
}

#[tokio::test]
async fn concurrent_registrations_from_two_clients_agree_on_every_id() {
    let Some(connect) = connect_string() else {
        return;
    };
    let path = format!("{ROOT}/{}/registry", unique("registry-race"));
    let a = Arc::new(open(&connect, &path).await);
    let b = Arc::new(open(&connect, &path).await);
    // 24 distinct schemas; both clients register all of them at once, in opposite orders,
    // each under a shared subject (compatibility off) and under a subject of its own.
    let schemas: Vec<Schema> = (0..24)
        .map(|i| {
            Schema::parse(&format!(
                r#"{{"type":"fixed","name":"F{i}","size":{}}}"#,
                i + 1
            ))
            .unwrap()
        })
        .collect();
    a.set_compatibility(None, Compatibility::None)
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for (client, name, reverse) in [(Arc::clone(&a), "a", false), (Arc::clone(&b), "b", true)] {
        let mut order: Vec<(usize, Schema)> = schemas.iter().cloned().enumerate().collect();
        if reverse {
            order.reverse();
        }
        for (i, schema) in order {
            let client = Arc::clone(&client);
            tasks.push(tokio::spawn(async move {
                let shared = client.register("shared-value", &schema).await.unwrap();
                let own = client
                    .register(&format!("{name}-value"), &schema)
                    .await
                    .unwrap();
                assert_eq!(shared, own, "one schema, one id, whatever the subject");
                (i, shared)
            }));
        }
    }
    let mut ids: HashMap<usize, SchemaId> = HashMap::new();
    for task in tasks {
        let (i, id) = bounded("a registration", task).await.unwrap();
        if let Some(earlier) = ids.insert(i, id) {
            assert_eq!(earlier, id, "schema {i} got two ids");
        }
    }
    // Distinct schemas got distinct ids, 1..=24, and both clients read each id as its schema.
    let mut all: Vec<u32> = ids.values().map(|id| id.0).collect();
    all.sort();
    assert_eq!(all, (1..=24).collect::<Vec<_>>());
    for (i, id) in &ids {
        assert_eq!(*a.schema_by_id(*id).await.unwrap(), schemas[*i]);
        assert_eq!(*b.schema_by_id(*id).await.unwrap(), schemas[*i]);
    }
    // The shared subject has each schema once.
    assert_eq!(a.versions("shared-value").await.unwrap().len(), 24);
    assert_eq!(
        a.latest("shared-value").await.unwrap(),
        b.latest("shared-value").await.unwrap()
    );

    remove_tree(&client(&connect).await, path.trim_end_matches("/registry")).await;
}
