//! The in-memory schema registry: ids, versions, compatibility levels and errors with their
//! Confluent codes. The futures are driven by a minimal executor that polls once: the memory
//! registry's futures must be ready at once.

#![allow(clippy::panic)]

use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use affinity_avro::{
    Compatibility, MemoryRegistry, RegistryError, Schema, SchemaError, SchemaId, SchemaRegistry,
};

struct NoWake;

impl Wake for NoWake {
    fn wake(self: Arc<Self>) {}
}

/// Polls `f` once; it must be ready.
fn now<F: Future>(f: F) -> F::Output {
    let waker = Waker::from(Arc::new(NoWake));
    let mut cx = Context::from_waker(&waker);
    let mut f = std::pin::pin!(f);
    match f.as_mut().poll(&mut cx) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("a MemoryRegistry future was not ready at once"),
    }
}

fn schema(json: &str) -> Schema {
    Schema::parse(json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

fn ok<T>(r: Result<T, RegistryError>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// A record `User` with these fields (JSON field objects).
fn user(fields: &str) -> Schema {
    schema(&format!(
        r#"{{"type":"record","name":"User","namespace":"ex","fields":[{fields}]}}"#
    ))
}

const ID: &str = r#"{"name":"id","type":"long"}"#;
const NAME: &str = r#"{"name":"name","type":"string"}"#;
const EMAIL_DEFAULT: &str = r#"{"name":"email","type":["null","string"],"default":null}"#;
const AGE: &str = r#"{"name":"age","type":"int"}"#;

#[test]
fn registering_is_idempotent_and_versions_count_from_one() {
    let registry = MemoryRegistry::new();
    let v1 = user(&format!("{ID},{NAME}"));
    let v2 = user(&format!("{ID},{NAME},{EMAIL_DEFAULT}"));
    assert_eq!(ok(now(registry.register("users-value", &v1))), SchemaId(1));
    assert_eq!(ok(now(registry.register("users-value", &v1))), SchemaId(1));
    assert_eq!(ok(now(registry.versions("users-value"))), [1]);
    assert_eq!(ok(now(registry.register("users-value", &v2))), SchemaId(2));
    // Registering an older version again returns its id, without a new version.
    assert_eq!(ok(now(registry.register("users-value", &v1))), SchemaId(1));
    assert_eq!(ok(now(registry.versions("users-value"))), [1, 2]);

    let latest = ok(now(registry.latest("users-value")));
    assert_eq!((latest.id, latest.version), (SchemaId(2), 2));
    assert_eq!(latest.subject, "users-value");
    assert_eq!(*latest.schema, v2);
    let first = ok(now(registry.version("users-value", 1)));
    assert_eq!((first.id, &*first.schema), (SchemaId(1), &v1));
    assert_eq!(*ok(now(registry.schema_by_id(SchemaId(2)))), v2);

    let found = ok(now(registry.lookup("users-value", &v2)));
    assert_eq!(found.map(|f| (f.id, f.version)), Some((SchemaId(2), 2)));
    let other = user(ID);
    assert_eq!(ok(now(registry.lookup("users-value", &other))), None);
}

#[test]
fn ids_are_global_and_one_schema_has_one_id_across_subjects() {
    let registry = MemoryRegistry::new();
    let key = schema(r#""long""#);
    let value = user(&format!("{ID},{NAME}"));
    assert_eq!(ok(now(registry.register("a-key", &key))), SchemaId(1));
    assert_eq!(ok(now(registry.register("a-value", &value))), SchemaId(2));
    assert_eq!(ok(now(registry.register("b-key", &key))), SchemaId(1));
    assert_eq!(ok(now(registry.register("b-value", &value))), SchemaId(2));
    let b = ok(now(registry.latest("b-key")));
    assert_eq!((b.id, b.version), (SchemaId(1), 1));
    assert_eq!(
        ok(now(registry.subjects())),
        ["a-key", "a-value", "b-key", "b-value"]
    );
    // The same canonical form with a logical type (or a different default) is another schema,
    // as in Confluent's registry: readers fetching it by id need the logical type.
    let timestamp = schema(r#"{"type":"long","logicalType":"timestamp-millis"}"#);
    assert_eq!(timestamp, key, "equal canonical forms");
    assert_eq!(ok(now(registry.register("c-key", &timestamp))), SchemaId(3));
    assert_eq!(
        ok(now(registry.schema_by_id(SchemaId(3)))).to_json(),
        timestamp.to_json()
    );
}

#[test]
fn errors_carry_confluent_codes_and_statuses() {
    let registry = MemoryRegistry::new();
    let v1 = user(&format!("{ID},{NAME}"));
    ok(now(registry.register("s", &v1)));
    let cases: Vec<(RegistryError, u32, u16)> = vec![
        (now(registry.latest("nope")).unwrap_err(), 40401, 404),
        (now(registry.versions("nope")).unwrap_err(), 40401, 404),
        (now(registry.lookup("nope", &v1)).unwrap_err(), 40401, 404),
        (
            now(registry.delete_subject("nope")).unwrap_err(),
            40401,
            404,
        ),
        (now(registry.version("s", 2)).unwrap_err(), 40402, 404),
        (now(registry.version("s", 0)).unwrap_err(), 40402, 404),
        (now(registry.version("nope", 1)).unwrap_err(), 40401, 404),
        (
            now(registry.schema_by_id(SchemaId(7))).unwrap_err(),
            40403,
            404,
        ),
        (
            now(registry.schema_by_id(SchemaId(0))).unwrap_err(),
            40403,
            404,
        ),
        (
            now(registry.register("s", &user(&format!("{ID},{NAME},{AGE}")))).unwrap_err(),
            409,
            409,
        ),
        (
            "SIDEWAYS"
                .parse::<Compatibility>()
                .map_err(RegistryError::from)
                .unwrap_err(),
            42203,
            422,
        ),
        (
            RegistryError::from(SchemaError::Json("eof".into())),
            42201,
            422,
        ),
        (RegistryError::Backend("disk".into()), 50001, 500),
    ];
    for (e, code, status) in cases {
        assert_eq!((e.error_code(), e.http_status()), (code, status), "{e}");
    }
    assert_eq!(
        now(registry.version("s", 3)).unwrap_err().to_string(),
        "version 3 of subject `s` not found"
    );
}

#[test]
fn an_incompatible_schema_is_rejected_with_every_problem_and_changes_nothing() {
    let registry = MemoryRegistry::new();
    ok(now(registry.register("s", &user(&format!("{ID},{NAME}")))));
    let bad = user(&format!(r#"{ID},{AGE},{{"name":"name","type":"int"}}"#));
    let Err(RegistryError::Incompatible(problems)) = now(registry.register("s", &bad)) else {
        panic!("accepted an incompatible schema");
    };
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["User.age", "User.name"]);
    assert!(problems[0].message.contains("no default"), "{problems:?}");
    assert_eq!(ok(now(registry.versions("s"))), [1]);
    assert_eq!(
        ok(now(registry.test_compatibility("s", &bad))),
        Err(problems)
    );
    // No id was used up by the failed registration.
    assert_eq!(
        ok(now(registry.register("t", &schema(r#""int""#)))),
        SchemaId(2)
    );
    // A subject without versions accepts anything.
    assert_eq!(ok(now(registry.test_compatibility("new", &bad))), Ok(()));
}

/// Whether registering `change` after `base` is accepted at `level`.
fn accepted(level: Compatibility, base: &Schema, change: &Schema) -> bool {
    let registry = MemoryRegistry::new();
    ok(now(registry.set_compatibility(Some("s"), level)));
    ok(now(registry.register("s", base)));
    let tested = ok(now(registry.test_compatibility("s", change))).is_ok();
    let registered = match now(registry.register("s", change)) {
        Ok(_) => true,
        Err(RegistryError::Incompatible(_)) => false,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(
        tested, registered,
        "test_compatibility agrees with register"
    );
    registered
}

#[test]
fn each_level_accepts_the_right_evolutions() {
    use Compatibility::*;
    let base = user(&format!("{ID},{NAME}"));
    let add_with_default = user(&format!("{ID},{NAME},{EMAIL_DEFAULT}"));
    let add_without_default = user(&format!("{ID},{NAME},{AGE}"));
    let remove_field = user(ID);
    let widen = user(&format!(r#"{{"name":"id","type":"double"}},{NAME}"#));
    let retype = user(&format!(r#"{ID},{{"name":"name","type":"int"}}"#));
    // (change, [NONE, BACKWARD, FORWARD, FULL]) — the transitive levels agree with one version.
    let table = [
        (&add_with_default, [true, true, true, true]),
        (&add_without_default, [true, false, true, false]),
        (&remove_field, [true, true, false, false]),
        (&widen, [true, true, false, false]),
        (&retype, [true, false, false, false]),
    ];
    for (change, expected) in table {
        for (plain, transitive, want) in [
            (None, None, expected[0]),
            (Backward, BackwardTransitive, expected[1]),
            (Forward, ForwardTransitive, expected[2]),
            (Full, FullTransitive, expected[3]),
        ] {
            assert_eq!(accepted(plain, &base, change), want, "{plain} {change}");
            assert_eq!(
                accepted(transitive, &base, change),
                want,
                "{transitive} {change}"
            );
        }
    }
}

/// Registers `versions` in order at `level`; whether the last is accepted.
fn last_accepted(level: Compatibility, versions: &[Schema]) -> bool {
    let registry = MemoryRegistry::with_compatibility(level);
    let (last, earlier) = versions
        .split_last()
        .unwrap_or_else(|| panic!("no versions"));
    for v in earlier {
        ok(now(registry.register("s", v)));
    }
    now(registry.register("s", last)).is_ok()
}

#[test]
fn transitive_levels_check_every_earlier_version() {
    use Compatibility::*;
    let b_default = r#"{"name":"b","type":"int","default":0}"#;
    let b = r#"{"name":"b","type":"int"}"#;
    // v3 reads v2's data (b is there) but not v1's (b is missing and has no default).
    let backward = [
        user(ID),
        user(&format!("{ID},{b_default}")),
        user(&format!("{ID},{b}")),
    ];
    assert!(last_accepted(Backward, &backward));
    assert!(last_accepted(Full, &backward));
    assert!(!last_accepted(BackwardTransitive, &backward));
    assert!(!last_accepted(FullTransitive, &backward));
    // v2 reads v3's data (b has a default) but v1 does not.
    let forward = [
        user(&format!("{ID},{b}")),
        user(&format!("{ID},{b_default}")),
        user(ID),
    ];
    assert!(last_accepted(Forward, &forward));
    assert!(!last_accepted(ForwardTransitive, &forward));
    // The messages say which version failed.
    let problems = ForwardTransitive
        .check(&forward[2], &forward[..2])
        .unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].message.starts_with("version 1 cannot read"),
        "{problems:?}"
    );
    assert_eq!(problems[0].path, "User.b");
    assert_eq!(FullTransitive.check(&forward[2], &[] as &[Schema]), Ok(()));
}

#[test]
fn levels_are_per_subject_with_a_global_default() {
    let registry = MemoryRegistry::new();
    assert_eq!(
        ok(now(registry.compatibility(None))),
        Compatibility::Backward
    );
    assert_eq!(
        ok(now(registry.compatibility(Some("s")))),
        Compatibility::Backward
    );
    ok(now(registry.set_compatibility(None, Compatibility::None)));
    ok(now(
        registry.set_compatibility(Some("s"), Compatibility::Full)
    ));
    assert_eq!(
        ok(now(registry.compatibility(Some("s")))),
        Compatibility::Full
    );
    assert_eq!(
        ok(now(registry.compatibility(Some("t")))),
        Compatibility::None
    );
    assert_eq!(ok(now(registry.compatibility(None))), Compatibility::None);
    // "t" follows the global NONE, "s" its own FULL.
    let (v1, v2) = (user(ID), user(&format!("{ID},{AGE}")));
    for subject in ["s", "t"] {
        ok(now(registry.register(subject, &v1)));
    }
    assert!(now(registry.register("t", &v2)).is_ok());
    assert!(now(registry.register("s", &v2)).is_err());
}

#[test]
fn deleting_a_subject_keeps_its_ids() {
    let registry = MemoryRegistry::new();
    let (v1, v2) = (user(ID), user(&format!("{ID},{EMAIL_DEFAULT}")));
    ok(now(registry.register("s", &v1)));
    ok(now(registry.register("s", &v2)));
    ok(now(
        registry.set_compatibility(Some("s"), Compatibility::Forward)
    ));
    assert_eq!(ok(now(registry.delete_subject("s"))), [1, 2]);
    assert_eq!(
        now(registry.latest("s")).map(|r| r.id),
        Err(RegistryError::SubjectNotFound("s".into()))
    );
    assert_eq!(ok(now(registry.subjects())), Vec::<String>::new());
    assert_eq!(*ok(now(registry.schema_by_id(SchemaId(2)))), v2);
    assert_eq!(
        ok(now(registry.compatibility(Some("s")))),
        Compatibility::Backward
    );
    // Registering again starts at version 1 with the schema's old id.
    assert_eq!(ok(now(registry.register("s", &v2))), SchemaId(2));
    assert_eq!(ok(now(registry.latest("s"))).version, 1);
}

#[test]
fn the_trait_is_object_safe_and_shareable_across_threads() {
    let registry: Arc<dyn SchemaRegistry> = Arc::new(MemoryRegistry::new());
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let registry = Arc::clone(&registry);
            std::thread::spawn(move || {
                let s = schema(&format!(
                    r#"{{"type":"fixed","name":"F{i}","size":{}}}"#,
                    i + 1
                ));
                ok(now(registry.register(&format!("s{i}"), &s)))
            })
        })
        .collect();
    let mut ids: Vec<u32> = threads
        .into_iter()
        .map(|t| t.join().unwrap_or_else(|_| panic!("thread panicked")).0)
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, [1, 2, 3, 4]);
    assert_eq!(ok(now(registry.subjects())).len(), 4);
}

#[test]
fn compatibility_levels_use_confluent_names() {
    for level in Compatibility::ALL {
        assert_eq!(level.to_string().parse::<Compatibility>(), Ok(level));
    }
    assert_eq!(
        "full_transitive".parse::<Compatibility>(),
        Ok(Compatibility::FullTransitive)
    );
    assert_eq!(
        Compatibility::BackwardTransitive.to_string(),
        "BACKWARD_TRANSITIVE"
    );
    assert_eq!(Compatibility::default(), Compatibility::Backward);
    let e = "FULLY".parse::<Compatibility>().unwrap_err();
    assert!(e.to_string().contains("FULLY"), "{e}");
}
