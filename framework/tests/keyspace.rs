//! Keyspaces, partitions and states through `KeyspaceRef`: typed state operations, ordering,
//! TTL, observers, listeners, restarts and failures.

#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::time::Duration;

use affinity::keyspace::{AskError, GetError, Keyspace, KeyspaceError};
use affinity::node::{Node, NodeError};
use affinity::partition::{Context, Handler, Handles, Message};
use affinity::state::StateError;
use support::{Add, Counters, Wide};

const LONG: Duration = Duration::from_secs(3600);

#[tokio::test]
async fn asks_update_state_and_scatter_reaches_every_partition() {
    let dir = tempfile::tempdir().unwrap();
    let node = support::start(dir.path(), LONG).await;
    let ks = node.keyspace::<Counters>().unwrap();
    assert_eq!(ks.partitions(), 4);
    for i in 0..20 {
        let key = format!("k{}", i % 5);
        ks.ask(
            &key,
            Add {
                key: key.clone(),
                by: 1,
            },
        )
        .await
        .unwrap()
        .unwrap();
    }
    assert_eq!(
        ks.ask(
            &"k3".to_owned(),
            Add {
                key: "k3".into(),
                by: 10
            }
        )
        .await
        .unwrap(),
        Ok(14)
    );
    // The handler's own refusal comes back as its reply.
    assert_eq!(
        ks.ask(
            &"k3".to_owned(),
            Add {
                key: "k3".into(),
                by: 0
            }
        )
        .await
        .unwrap(),
        Err("adding zero is refused".to_owned())
    );
    // Each partition holds only its own keys; together they hold all five.
    let per_partition = ks.scatter(Count).await.unwrap();
    assert_eq!(per_partition.len(), 4);
    assert_eq!(per_partition.iter().sum::<usize>(), 5);
    node.shutdown().await.unwrap();
}

/// Counts the keys of `counts` in one partition.
#[derive(Clone)]
struct Count;
impl Message for Count {
    type Reply = usize;
}
impl Handles<Count> for Counters {
    fn handle(&mut self, _: Count, ctx: &mut Context<'_>) -> usize {
        ctx.state::<String, i64>("counts")
            .unwrap()
            .range::<std::ops::RangeFull>(.., 1000)
            .unwrap()
            .len()
    }
}

#[tokio::test]
async fn state_operations_follow_their_contracts() {
    let dir = tempfile::tempdir().unwrap();
    let node = support::start(dir.path(), LONG).await;
    let ks = node.keyspace::<Counters>().unwrap();
    let key = "same-partition".to_owned();
    let result = ks
        .call(&key, |_, ctx| -> Result<_, StateError> {
            let mut counts = ctx.state::<String, i64>("counts")?;
            let first = counts.insert(&"b".to_owned(), &2).is_ok();
            let refused = counts.insert(&"b".to_owned(), &3);
            counts.put(&"a".to_owned(), &1)?;
            counts.put(&"c".to_owned(), &3)?;
            let before = ctx.offset();
            let mut counts = ctx.state::<String, i64>("counts")?;
            // An update to the same value writes nothing.
            counts.update(&"a".to_owned(), |v| v)?;
            let unchanged = before;
            let got = counts.get(&"b".to_owned())?;
            let range = counts.range("a".to_owned().."c".to_owned(), 10)?;
            let deleted = counts.delete(&"b".to_owned())?;
            let deleted_again = counts.delete(&"b".to_owned())?;
            let wrong = ctx
                .state::<String, String>("counts")
                .map(|_| ())
                .err()
                .map(|e| e.to_string());
            let unknown = ctx
                .state::<String, i64>("nope")
                .map(|_| ())
                .err()
                .map(|e| e.to_string());
            Ok((
                first,
                matches!(refused, Err(StateError::AlreadyExists)),
                unchanged,
                ctx.offset(),
                got,
                range,
                deleted,
                deleted_again,
                wrong,
                unknown,
            ))
        })
        .await
        .unwrap()
        .unwrap();
    let (first, refused, before_update, after, got, range, deleted, deleted_again, wrong, unknown) =
        result;
    assert!(first);
    assert!(refused);
    // delete wrote once; the no-op update and the second delete wrote nothing.
    assert_eq!(after, before_update + 1);
    assert_eq!(got, Some(2));
    assert_eq!(range, vec![("a".to_owned(), 1), ("b".to_owned(), 2)]);
    assert_eq!((deleted, deleted_again), (Some(2), None));
    assert!(wrong.unwrap().contains("holds"));
    assert!(unknown.unwrap().contains("nope"));
    node.shutdown().await.unwrap();
}

#[tokio::test]
async fn scans_run_in_key_order_for_negative_and_positive_keys() {
    let dir = tempfile::tempdir().unwrap();
    let node = support::start(dir.path(), LONG).await;
    let ks = node.keyspace::<Counters>().unwrap();
    let keys = ks
        .call_partition(0, |_, ctx| {
            let mut wide = ctx.state::<i64, Wide>("wide").unwrap();
            for k in [5i64, -3, 0, 1 << 40, -1 << 40, 2] {
                wide.put(&k, &Wide::sample(k)).unwrap();
            }
            let all: Vec<i64> = wide
                .range(.., 100)
                .unwrap()
                .into_iter()
                .map(|(k, _)| k)
                .collect();
            let some: Vec<i64> = wide
                .range(-3..=2, 100)
                .unwrap()
                .into_iter()
                .map(|(k, _)| k)
                .collect();
            (all, some)
        })
        .await
        .unwrap();
    assert_eq!(keys.0, vec![-1 << 40, -3, 0, 2, 5, 1 << 40]);
    assert_eq!(keys.1, vec![-3, 0, 2]);
    node.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_restart_keeps_data_and_offsets_and_expired_keys_are_gone() {
    let dir = tempfile::tempdir().unwrap();
    let ttl = Duration::from_millis(1500);
    let node = support::start(dir.path(), ttl).await;
    let ks = node.keyspace::<Counters>().unwrap();
    let key = "alice".to_owned();
    let offset = ks
        .call(&key, |_, ctx| {
            ctx.state::<String, i64>("counts")
                .unwrap()
                .put(&"alice".to_owned(), &7)
                .unwrap();
            ctx.state::<String, String>("sessions")
                .unwrap()
                .put(&"alice".to_owned(), &"token".to_owned())
                .unwrap();
            ctx.offset()
        })
        .await
        .unwrap();
    let session = |ks: affinity::keyspace::KeyspaceRef<Counters>| async move {
        ks.call(&"alice".to_owned(), |_, ctx| {
            ctx.state::<String, String>("sessions")
                .unwrap()
                .get(&"alice".to_owned())
                .unwrap()
        })
        .await
        .unwrap()
    };
    assert_eq!(session(ks.clone()).await, Some("token".to_owned()));
    let read = ks.get::<String, String>("sessions", &key).await.unwrap();
    assert_eq!(read, Some("token".to_owned()));
    node.shutdown().await.unwrap();

    tokio::time::sleep(ttl + Duration::from_millis(200)).await;
    let node = support::start(dir.path(), ttl).await;
    let ks = node.keyspace::<Counters>().unwrap();
    let (count, after) = ks
        .call(&key, |_, ctx| {
            (
                ctx.state::<String, i64>("counts")
                    .unwrap()
                    .get(&"alice".to_owned())
                    .unwrap(),
                ctx.offset(),
            )
        })
        .await
        .unwrap();
    assert_eq!(count, Some(7));
    // The restarted partition continues its offsets; the expiry sweep on start wrote one more.
    assert!(after > offset, "{after} > {offset}");
    assert_eq!(session(ks.clone()).await, None);
    // Reads from the store see the same: the data kept, the expired session gone.
    assert_eq!(
        ks.get::<String, i64>("counts", &key).await.unwrap(),
        Some(7)
    );
    assert_eq!(
        ks.get::<String, String>("sessions", &key).await.unwrap(),
        None
    );
    node.shutdown().await.unwrap();
}

#[tokio::test]
async fn observers_see_the_value_then_every_change_and_listeners_see_all_keys() {
    let dir = tempfile::tempdir().unwrap();
    let node = support::start(dir.path(), LONG).await;
    let ks = node.keyspace::<Counters>().unwrap();
    let mut listener = ks.listen::<String, i64>("counts").unwrap();
    let mut observer = ks
        .observe::<String, i64>("counts", &"x".to_owned())
        .await
        .unwrap();
    let first = observer.next().await.unwrap().unwrap();
    assert_eq!(first.value, None);
    for by in 1..=5 {
        ks.ask(
            &"x".to_owned(),
            Add {
                key: "x".into(),
                by,
            },
        )
        .await
        .unwrap()
        .unwrap();
        let seen = tokio::time::timeout(Duration::from_secs(5), observer.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        assert_eq!(seen.value, Some((1..=by).sum::<i64>()));
    }
    ks.ask(
        &"y".to_owned(),
        Add {
            key: "y".into(),
            by: 2,
        },
    )
    .await
    .unwrap()
    .unwrap();
    let mut keys = Vec::new();
    for _ in 0..6 {
        let change = tokio::time::timeout(Duration::from_secs(5), listener.recv())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        keys.push((change.key, change.value));
    }
    // Each partition's changes arrive in order; across partitions there is no order.
    let of = |k: &str| {
        keys.iter()
            .filter(|(key, _)| key == k)
            .map(|(_, v)| v.unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(of("x"), vec![1, 3, 6, 10, 15]);
    assert_eq!(of("y"), vec![2]);
    node.shutdown().await.unwrap();
}

#[derive(Clone)]
struct Boom;
impl Message for Boom {
    type Reply = ();
}
impl Handles<Boom> for Counters {
    fn handle(&mut self, _: Boom, _: &mut Context<'_>) {
        panic!("the handler fails on purpose");
    }
}

#[tokio::test]
async fn a_panicking_handler_fails_one_ask_and_the_partition_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let node = support::start(dir.path(), LONG).await;
    let ks = node.keyspace::<Counters>().unwrap();
    let key = "p".to_owned();
    assert_eq!(ks.ask(&key, Boom).await, Err(AskError::Failed));
    assert_eq!(
        ks.ask(
            &key,
            Add {
                key: key.clone(),
                by: 1
            }
        )
        .await,
        Ok(Ok(1))
    );
    node.shutdown().await.unwrap();
}

#[tokio::test]
async fn declaration_mistakes_are_reported_together_when_the_node_starts() {
    #[derive(Clone)]
    struct Nothing;
    impl Handler for Nothing {}
    let ks = Keyspace::new("bad")
        .partitions(0)
        .state::<String, i64>("a.b")
        .state::<String, i64>("ok")
        .state::<String, i64>("ok")
        .handler(Nothing);
    let mut config = affinity::NodeConfig::default();
    config.http.listen = "127.0.0.1:0".parse().unwrap();
    config.store.backend = affinity::config::StoreBackend::Memory;
    let err = Node::new(config).keyspace(ks).start().await.unwrap_err();
    let NodeError::Keyspace(KeyspaceError::Declaration { name, problems }) = err else {
        panic!("{err}");
    };
    assert_eq!(name, "bad");
    assert_eq!(problems.len(), 3, "{problems:?}");
}

/// The first version of a value type.
#[derive(affinity_avro::Avro, Clone, Debug, PartialEq)]
#[avro(namespace = "test.evolve", name = "Profile")]
struct ProfileV1 {
    name: String,
    visits: i32,
}

/// The next version: `visits` widened to long, a field added with a default.
#[derive(affinity_avro::Avro, Clone, Debug, PartialEq)]
#[avro(namespace = "test.evolve", name = "Profile")]
struct ProfileV2 {
    name: String,
    visits: i64,
    #[avro(default = "\"unknown\"")]
    city: String,
}

#[derive(Clone)]
struct Profiles;
impl Handler for Profiles {}

async fn profiles_node<V>(dir: &std::path::Path) -> affinity::node::RunningNode
where
    V: affinity_avro::Avro + Send + Sync + 'static,
{
    let mut config = affinity::NodeConfig::default();
    config.http.listen = "127.0.0.1:0".parse().unwrap();
    config.node.data_dir = Some(dir.to_owned());
    Node::new(config)
        .keyspace(
            Keyspace::new("profiles")
                .partitions(2)
                .state::<String, V>("by-user")
                .handler(Profiles),
        )
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn values_written_before_the_type_evolved_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let node = profiles_node::<ProfileV1>(dir.path()).await;
    let ks = node.keyspace::<Profiles>().unwrap();
    let key = "ada".to_owned();
    ks.call(&key, |_, ctx| {
        let mut s = ctx.state::<String, ProfileV1>("by-user").unwrap();
        s.put(
            &"ada".to_owned(),
            &ProfileV1 {
                name: "Ada".into(),
                visits: 3,
            },
        )
        .unwrap();
    })
    .await
    .unwrap();
    node.shutdown().await.unwrap();

    // The application is redeployed with the new type; the old value reads through the
    // schema it was written with, and a new write uses the new schema.
    let node = profiles_node::<ProfileV2>(dir.path()).await;
    let ks = node.keyspace::<Profiles>().unwrap();
    let (old, new) = ks
        .call(&key, |_, ctx| {
            let mut s = ctx.state::<String, ProfileV2>("by-user").unwrap();
            let old = s.get(&"ada".to_owned()).unwrap();
            let mut updated = old.clone().unwrap();
            updated.visits += 1;
            s.put(&"ada".to_owned(), &updated).unwrap();
            (old, s.get(&"ada".to_owned()).unwrap())
        })
        .await
        .unwrap();
    assert_eq!(
        old,
        Some(ProfileV2 {
            name: "Ada".into(),
            visits: 3,
            city: "unknown".into()
        })
    );
    assert_eq!(new.map(|p| p.visits), Some(4));
    let read = ks.get::<String, ProfileV2>("by-user", &key).await.unwrap();
    assert_eq!(
        read.map(|p| (p.visits, p.city)),
        Some((4, "unknown".into()))
    );
    let subjects = node
        .registry()
        .versions("profiles-by-user-value")
        .await
        .unwrap();
    assert_eq!(subjects, vec![1, 2]);
    node.shutdown().await.unwrap();
}

#[tokio::test]
async fn tell_queues_without_waiting_and_the_partition_handles_it_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let node = support::start(dir.path(), LONG).await;
    let ks = node.keyspace::<Counters>().unwrap();
    let key = "told".to_owned();
    for _ in 0..50 {
        ks.tell(
            &key,
            Add {
                key: key.clone(),
                by: 2,
            },
        )
        .await
        .unwrap();
    }
    // An ask queued behind the tells is answered after all of them.
    assert_eq!(
        ks.ask(
            &key,
            Add {
                key: key.clone(),
                by: 1
            }
        )
        .await
        .unwrap(),
        Ok(101)
    );
    node.shutdown().await.unwrap();
}

/// A composite key: scans by its leading field.
#[derive(affinity_avro::Avro, Clone, Debug, PartialEq)]
#[avro(namespace = "test.keys")]
struct Visit {
    user: String,
    at: i64,
}

#[derive(Clone)]
struct Visits;
impl Handler for Visits {}

#[tokio::test]
async fn prefix_scans_return_one_users_keys_in_order_and_event_time_drives_ttl() {
    let mut config = affinity::NodeConfig::default();
    config.http.listen = "127.0.0.1:0".parse().unwrap();
    config.store.backend = affinity::config::StoreBackend::Memory;
    let ks = Keyspace::new("visits")
        .state::<Visit, String>("pages")
        .state_with_ttl::<String, String>("recent", Duration::from_secs(60))
        .handler(Visits);
    let node = Node::new(config).keyspace(ks).start().await.unwrap();
    let ks = node.keyspace::<Visits>().unwrap();
    let (ada, recent, stale) = ks
        .call_partition(0, |_, ctx| {
            let mut pages = ctx.state::<Visit, String>("pages").unwrap();
            for (user, at) in [
                ("bob", 1),
                ("ada", 30),
                ("adam", 5),
                ("ada", -2),
                ("ada", 7),
            ] {
                let visit = Visit {
                    user: user.into(),
                    at,
                };
                pages.put(&visit, &format!("{user}@{at}")).unwrap();
            }
            let ada: Vec<String> = pages
                .prefix(&[affinity_avro::Value::String("ada".into())], 10)
                .unwrap()
                .into_iter()
                .map(|(_, page)| page)
                .collect();
            let mut recent = ctx.state::<String, String>("recent").unwrap();
            let now = std::time::SystemTime::now();
            recent
                .put_at(&"fresh".to_owned(), &"x".to_owned(), now)
                .unwrap();
            // Written now, but with an event time two minutes ago: already past its TTL.
            recent
                .put_at(
                    &"stale".to_owned(),
                    &"y".to_owned(),
                    now - Duration::from_secs(120),
                )
                .unwrap();
            (
                ada,
                recent.get(&"fresh".to_owned()).unwrap(),
                recent.get(&"stale".to_owned()).unwrap(),
            )
        })
        .await
        .unwrap();
    // "adam" is not under the prefix "ada": the prefix is the whole first field.
    assert_eq!(ada, vec!["ada@-2", "ada@7", "ada@30"]);
    assert_eq!((recent.as_deref(), stale), (Some("x"), None));
    node.shutdown().await.unwrap();
}

/// `KeyspaceRef::get` reads the store without the partition's mailbox: it answers while the
/// partition is busy, sees every committed write and nothing else, on both stores. (Two
/// workers: the busy partition blocks one.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_reads_committed_values_while_the_partition_is_busy() {
    for backend in [
        affinity::config::StoreBackend::Rocksdb,
        affinity::config::StoreBackend::Memory,
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut config = affinity::NodeConfig::default();
        config.http.listen = "127.0.0.1:0".parse().unwrap();
        config.node.data_dir = Some(dir.path().to_owned());
        config.store.backend = backend;
        let node = Node::new(config)
            .keyspace(support::keyspace(LONG))
            .start()
            .await
            .unwrap();
        let ks = node.keyspace::<Counters>().unwrap();
        let key = "busy".to_owned();
        assert_eq!(ks.get::<String, i64>("counts", &key).await.unwrap(), None);
        let add = |by| Add {
            key: key.clone(),
            by,
        };
        assert_eq!(ks.ask(&key, add(5)).await.unwrap(), Ok(5));
        assert_eq!(
            ks.get::<String, i64>("counts", &key).await.unwrap(),
            Some(5)
        );

        // A job that keeps the key's partition busy for a while, then writes: a read in the
        // meantime answers at once, with the value committed before the job.
        let (started_tx, started) = tokio::sync::oneshot::channel();
        let busy = tokio::spawn({
            let ks = ks.clone();
            let key = key.clone();
            async move {
                ks.call(&key.clone(), move |_, ctx| {
                    let _ = started_tx.send(());
                    std::thread::sleep(Duration::from_millis(800));
                    ctx.state::<String, i64>("counts")
                        .unwrap()
                        .put(&key, &6)
                        .unwrap();
                })
                .await
            }
        });
        started.await.unwrap();
        let asked = std::time::Instant::now();
        let read = ks.get::<String, i64>("counts", &key).await.unwrap();
        let took = asked.elapsed();
        assert_eq!(read, Some(5), "{backend:?}");
        assert!(
            took < Duration::from_millis(400),
            "{backend:?}: the read waited {took:?} for the busy partition"
        );
        busy.await.unwrap().unwrap();
        assert_eq!(
            ks.get::<String, i64>("counts", &key).await.unwrap(),
            Some(6)
        );

        // Mistakes are errors naming what is wrong; nothing is read.
        let unknown = ks.get::<String, i64>("nope", &key).await;
        assert!(
            matches!(&unknown, Err(GetError::State(StateError::UnknownState(n))) if n == "nope"),
            "{unknown:?}"
        );
        let wrong = ks.get::<String, String>("counts", &key).await;
        assert!(
            matches!(&wrong, Err(GetError::State(StateError::WrongType { .. }))),
            "{wrong:?}"
        );
        // The other states are separate.
        assert_eq!(
            ks.get::<String, String>("sessions", &key).await.unwrap(),
            None
        );
        let wide = support::Wide::sample(3);
        ks.call(&3i64, move |_, ctx| {
            ctx.state::<i64, Wide>("wide")
                .unwrap()
                .put(&3, &wide)
                .unwrap();
        })
        .await
        .unwrap();
        assert_eq!(
            ks.get::<i64, Wide>("wide", &3).await.unwrap(),
            Some(support::Wide::sample(3))
        );
        node.shutdown().await.unwrap();
    }
}
