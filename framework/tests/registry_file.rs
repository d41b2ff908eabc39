//! `FileRegistry`: what survives a restart, a crash and damage to its journal, and concurrent
//! writers.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use affinity::registry::{FileRegistry, FileRegistryError};
use affinity_avro::{Compatibility, RegistryError, Schema, SchemaId, SchemaRegistry};
use tempfile::TempDir;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A record schema `name` with `fields` long fields `f0…` (the later ones with defaults, so
/// each is a BACKWARD-compatible evolution of the one before).
fn record(name: &str, fields: usize) -> Schema {
    let fields: Vec<String> = (0..fields)
        .map(|i| {
            if i == 0 {
                r#"{"name":"f0","type":"long"}"#.to_owned()
            } else {
                format!(r#"{{"name":"f{i}","type":"long","default":{i}}}"#)
            }
        })
        .collect();
    Schema::parse(&format!(
        r#"{{"type":"record","name":"{name}","namespace":"test","fields":[{}]}}"#,
        fields.join(",")
    ))
    .unwrap()
}

fn journal_len(registry: &FileRegistry) -> u64 {
    fs::metadata(registry.journal_path()).unwrap().len()
}

/// Everything a user can read back, to compare two registries.
async fn dump(registry: &dyn SchemaRegistry) -> Vec<String> {
    let mut out = vec![format!(
        "global {}",
        registry.compatibility(None).await.unwrap()
    )];
    for subject in registry.subjects().await.unwrap() {
        let level = registry.compatibility(Some(&subject)).await.unwrap();
        out.push(format!("{subject} level {level}"));
        for v in registry.versions(&subject).await.unwrap() {
            let r = registry.version(&subject, v).await.unwrap();
            out.push(format!("{subject} v{v} id {} {}", r.id, r.schema.to_json()));
        }
    }
    out
}

#[tokio::test]
async fn everything_survives_reopening() -> TestResult {
    let dir = TempDir::new()?;
    let path = dir.path().join("registry");
    let before;
    {
        let registry = FileRegistry::open(&path)?;
        assert_eq!(
            registry.register("a-value", &record("A", 1)).await?,
            SchemaId(1)
        );
        assert_eq!(
            registry.register("a-value", &record("A", 2)).await?,
            SchemaId(2)
        );
        // The same schema under another subject keeps its id.
        assert_eq!(
            registry.register("b-value", &record("A", 1)).await?,
            SchemaId(1)
        );
        assert_eq!(
            registry
                .register("c-key", &Schema::parse(r#""string""#)?)
                .await?,
            SchemaId(3)
        );
        registry
            .set_compatibility(Some("b-value"), Compatibility::Full)
            .await?;
        registry
            .set_compatibility(None, Compatibility::Forward)
            .await?;
        registry
            .set_compatibility(Some("gone"), Compatibility::None)
            .await?;
        assert_eq!(
            registry
                .register("gone", &Schema::parse(r#""int""#)?)
                .await?,
            SchemaId(4)
        );
        assert_eq!(registry.delete_subject("gone").await?, vec![1]);
        before = dump(&registry).await;
    }
    let registry = FileRegistry::open(&path)?;
    assert_eq!(dump(&registry).await, before);
    assert_eq!(registry.compatibility(None).await?, Compatibility::Forward);
    assert_eq!(
        registry.compatibility(Some("b-value")).await?,
        Compatibility::Full
    );
    // The deleted subject's level went with it; its schema id still resolves.
    assert_eq!(
        registry.compatibility(Some("gone")).await?,
        Compatibility::Forward
    );
    assert_eq!(
        *registry.schema_by_id(SchemaId(4)).await?,
        Schema::parse(r#""int""#)?
    );
    assert!(matches!(
        registry.versions("gone").await,
        Err(RegistryError::SubjectNotFound(_))
    ));
    // Ids continue after the last one; none is reused.
    assert_eq!(
        registry
            .register("d-value", &Schema::parse(r#""bytes""#)?)
            .await?,
        SchemaId(5)
    );
    let latest = registry.latest("a-value").await?;
    assert_eq!((latest.version, latest.id), (2, SchemaId(2)));
    Ok(())
}

#[tokio::test]
async fn no_op_and_failed_writes_leave_the_journal_alone() -> TestResult {
    let dir = TempDir::new()?;
    let registry = FileRegistry::open(dir.path())?;
    registry.register("t-value", &record("T", 2)).await?;
    let len = journal_len(&registry);

    // Idempotent registration: same id, no new version, nothing written.
    assert_eq!(
        registry.register("t-value", &record("T", 2)).await?,
        SchemaId(1)
    );
    assert_eq!(registry.versions("t-value").await?, vec![1]);
    // Incompatible under BACKWARD: a new field without a default.
    let incompatible = Schema::parse(
        r#"{"type":"record","name":"T","namespace":"test","fields":[
            {"name":"f0","type":"long"},{"name":"f1","type":"long","default":1},{"name":"x","type":"int"}]}"#,
    )?;
    let err = registry
        .register("t-value", &incompatible)
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::Incompatible(_)), "{err}");
    assert_eq!(err.error_code(), 409);
    // Deleting an unknown subject.
    assert!(matches!(
        registry.delete_subject("nope").await,
        Err(RegistryError::SubjectNotFound(_))
    ));
    assert_eq!(journal_len(&registry), len);
    drop(registry);
    let registry = FileRegistry::open(dir.path())?;
    assert_eq!(registry.versions("t-value").await?, vec![1]);
    assert_eq!(registry.subjects().await?, vec!["t-value".to_owned()]);
    Ok(())
}

#[tokio::test]
async fn replay_does_not_recheck_compatibility() -> TestResult {
    // v2 was accepted while the subject's level was NONE; the level is FULL afterwards. A
    // replay that re-checked would drop v2 (and renumber everything after it).
    let dir = TempDir::new()?;
    let v1 = Schema::parse(r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#)?;
    let v2 =
        Schema::parse(r#"{"type":"record","name":"R","fields":[{"name":"b","type":"string"}]}"#)?;
    {
        let registry = FileRegistry::open(dir.path())?;
        registry.register("r", &v1).await?;
        registry
            .set_compatibility(Some("r"), Compatibility::None)
            .await?;
        registry.register("r", &v2).await?;
        registry
            .set_compatibility(Some("r"), Compatibility::Full)
            .await?;
        assert!(registry.test_compatibility("r", &v1).await?.is_err());
    }
    let registry = FileRegistry::open(dir.path())?;
    assert_eq!(registry.versions("r").await?, vec![1, 2]);
    assert_eq!(registry.latest("r").await?.id, SchemaId(2));
    assert_eq!(
        registry.compatibility(Some("r")).await?,
        Compatibility::Full
    );
    // The level is in force again after the replay.
    let v3 = Schema::parse(r#"{"type":"record","name":"R","fields":[{"name":"c","type":"int"}]}"#)?;
    assert!(matches!(
        registry.register("r", &v3).await,
        Err(RegistryError::Incompatible(_))
    ));
    Ok(())
}

#[tokio::test]
async fn the_configured_default_level_applies_until_one_is_set() -> TestResult {
    let dir = TempDir::new()?;
    {
        let registry = FileRegistry::open_with_compatibility(dir.path(), Compatibility::Full)?;
        assert_eq!(registry.compatibility(None).await?, Compatibility::Full);
        assert_eq!(
            registry.compatibility(Some("any")).await?,
            Compatibility::Full
        );
    }
    let registry = FileRegistry::open(dir.path())?;
    assert_eq!(registry.compatibility(None).await?, Compatibility::Backward);
    registry
        .set_compatibility(None, Compatibility::None)
        .await?;
    drop(registry);
    let registry = FileRegistry::open_with_compatibility(dir.path(), Compatibility::Full)?;
    assert_eq!(registry.compatibility(None).await?, Compatibility::None);
    Ok(())
}

/// A `tracing` writer that keeps what is logged.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// Opens `dir`, returning the registry and what was logged.
fn open_logged(dir: &Path) -> (Result<FileRegistry, FileRegistryError>, String) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let result = tracing::subscriber::with_default(subscriber, || FileRegistry::open(dir));
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    (result, log)
}

/// Three registrations; returns the journal's length after the second and after the third.
async fn three_registrations(dir: &Path) -> (u64, u64) {
    let registry = FileRegistry::open(dir).unwrap();
    registry.register("s", &record("S", 1)).await.unwrap();
    registry.register("s", &record("S", 2)).await.unwrap();
    let after_two = journal_len(&registry);
    registry.register("s", &record("S", 3)).await.unwrap();
    (after_two, journal_len(&registry))
}

#[tokio::test]
async fn a_torn_tail_is_truncated_with_a_warning() -> TestResult {
    let probe = TempDir::new()?;
    let (after_two, after_three) = three_registrations(probe.path()).await;
    // Cut the last record anywhere: inside its header, at the header's end, inside its payload.
    for cut in [
        after_two + 1,
        after_two + 11,
        after_two + 12,
        after_three - 1,
    ] {
        let dir = TempDir::new()?;
        three_registrations(dir.path()).await;
        let journal = dir.path().join("schemas.journal");
        OpenOptions::new()
            .write(true)
            .open(&journal)?
            .set_len(cut)?;

        let (registry, log) = open_logged(dir.path());
        let registry = registry?;
        assert!(
            log.contains("WARN") && log.contains("torn tail"),
            "cut {cut}: {log}"
        );
        assert!(log.contains(&format!("offset={after_two}")), "{log}");
        assert_eq!(registry.versions("s").await?, vec![1, 2], "cut {cut}");
        assert_eq!(fs::metadata(&journal)?.len(), after_two, "truncated");
        // The lost registration never happened: the next one takes its id, and survives.
        assert_eq!(registry.register("s", &record("S", 4)).await?, SchemaId(3));
        drop(registry);
        let registry = FileRegistry::open(dir.path())?;
        assert_eq!(
            registry.latest("s").await?.schema.to_json(),
            record("S", 4).to_json()
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_garbled_last_record_or_zero_fill_is_a_torn_tail() -> TestResult {
    let dir = TempDir::new()?;
    let (after_two, after_three) = three_registrations(dir.path()).await;
    let journal = dir.path().join("schemas.journal");
    let mut bytes = fs::read(&journal)?;
    bytes[after_three as usize - 3] ^= 0x55;
    fs::write(&journal, &bytes)?;
    let (registry, log) = open_logged(dir.path());
    assert_eq!(registry?.versions("s").await?, vec![1, 2]);
    assert!(log.contains("torn tail"), "{log}");
    assert_eq!(fs::metadata(&journal)?.len(), after_two);

    // Zeros after the last record (a file system that grew the file before writing it).
    let dir = TempDir::new()?;
    let (_, after_three) = three_registrations(dir.path()).await;
    let journal = dir.path().join("schemas.journal");
    OpenOptions::new()
        .append(true)
        .open(&journal)?
        .write_all(&[0u8; 100])?;
    let (registry, log) = open_logged(dir.path());
    assert_eq!(registry?.versions("s").await?, vec![1, 2, 3]);
    assert!(log.contains("torn tail"), "{log}");
    assert_eq!(fs::metadata(&journal)?.len(), after_three);
    Ok(())
}

#[tokio::test]
async fn a_corrupt_record_in_the_middle_is_an_error_naming_file_and_offset() -> TestResult {
    let dir = TempDir::new()?;
    three_registrations(dir.path()).await;
    let journal = dir.path().join("schemas.journal");
    let original = fs::read(&journal)?;

    // A flipped bit in the first record's payload (the header is 8 bytes of magic + 12).
    let mut bytes = original.clone();
    bytes[8 + 12 + 5] ^= 0x01;
    fs::write(&journal, &bytes)?;
    let err = FileRegistry::open(dir.path()).unwrap_err();
    match &err {
        FileRegistryError::Corrupt { path, offset, .. } => {
            assert_eq!(path, &journal);
            assert_eq!(*offset, 8);
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("schemas.journal") && message.contains("offset 8"),
        "{message}"
    );
    // Nothing was truncated or rewritten.
    assert_eq!(fs::read(&journal)?, bytes);

    // A damaged length in the second record's header.
    let mut bytes = original.clone();
    let second = 8 + 12 + u32::from_le_bytes(original[8..12].try_into()?) as usize;
    bytes[second] ^= 0x40;
    fs::write(&journal, &bytes)?;
    match FileRegistry::open(dir.path()) {
        Err(FileRegistryError::Corrupt { offset, reason, .. }) => {
            assert_eq!(offset, second as u64);
            assert!(reason.contains("header"), "{reason}");
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    Ok(())
}

#[tokio::test]
async fn a_foreign_file_is_not_a_journal() -> TestResult {
    let dir = TempDir::new()?;
    fs::write(dir.path().join("schemas.journal"), b"{\"not\": \"ours\"}")?;
    assert!(matches!(
        FileRegistry::open(dir.path()),
        Err(FileRegistryError::NotAJournal { .. })
    ));
    // A path that cannot be a directory.
    let file = dir.path().join("file");
    fs::write(&file, b"x")?;
    assert!(matches!(
        FileRegistry::open(&file),
        Err(FileRegistryError::Io { .. })
    ));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_registrations_get_distinct_consistent_ids() -> TestResult {
    let dir = TempDir::new()?;
    // No compatibility checks: each task's subject gets unrelated schemas.
    let registry = Arc::new(FileRegistry::open_with_compatibility(
        dir.path(),
        Compatibility::None,
    )?);
    let mut tasks = Vec::new();
    for task in 0..8 {
        let registry = Arc::clone(&registry);
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in 0..20 {
                // Each task registers its own schemas under its own subject, plus schemas every
                // task registers under a shared subject (which must get one id each).
                let own = Schema::parse(&format!(
                    r#"{{"type":"fixed","name":"F{task}_{i}","size":4}}"#
                ))
                .unwrap();
                let shared = Schema::parse(&format!(
                    r#"{{"type":"enum","name":"E{i}","symbols":["A"]}}"#
                ))
                .unwrap();
                let own_id = registry
                    .register(&format!("own-{task}"), &own)
                    .await
                    .unwrap();
                let shared_id = registry
                    .register(&format!("shared-{i}"), &shared)
                    .await
                    .unwrap();
                ids.push((format!("F{task}_{i}"), own_id));
                ids.push((format!("E{i}"), shared_id));
            }
            ids
        }));
    }
    let mut by_name = std::collections::HashMap::new();
    for task in tasks {
        for (name, id) in task.await? {
            let previous = by_name.insert(name.clone(), id);
            assert!(
                previous.is_none() || previous == Some(id),
                "{name}: {previous:?} vs {id}"
            );
        }
    }
    // 160 own schemas + 20 shared ones, ids 1..=180 each used once.
    let mut ids: Vec<u32> = by_name.values().map(|id| id.0).collect();
    ids.sort_unstable();
    assert_eq!(ids, (1..=180).collect::<Vec<_>>());
    for i in 0..20 {
        assert_eq!(registry.versions(&format!("shared-{i}")).await?, vec![1]);
    }
    let before = dump(registry.as_ref()).await;
    drop(registry);
    let reopened = FileRegistry::open_with_compatibility(dir.path(), Compatibility::None)?;
    assert_eq!(dump(&reopened).await, before);
    Ok(())
}

#[test]
fn works_without_an_async_runtime() -> TestResult {
    // Outside tokio, writes run inline; the futures are ready at once.
    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match f.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(v) => v,
            std::task::Poll::Pending => panic!("not ready"),
        }
    }
    let dir = TempDir::new()?;
    let registry = FileRegistry::open(dir.path())?;
    assert_eq!(
        block_on(registry.register("x", &Schema::parse(r#""int""#)?))?,
        SchemaId(1)
    );
    drop(registry);
    let registry = FileRegistry::open(dir.path())?;
    assert_eq!(block_on(registry.latest("x"))?.id, SchemaId(1));
    Ok(())
}
