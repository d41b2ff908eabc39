//! `#[derive(Avro)]` for [affinity-avro]: the Avro schema of a Rust type and a direct binary
//! codec for it, generated at compile time. Use it through `affinity_avro::Avro` (feature
//! `derive`); the attributes are described on [`macro@Avro`].
//!
//! The crate is organised like `serde_derive`: `internals` parses the input into a model
//! (attributes, shapes, names) and checks it, collecting every error with its span;
//! `codegen` writes the schema, encode, decode and delta code from the model.
//!
//! [affinity-avro]: https://docs.rs/affinity-avro

mod codegen;
mod internals;

use proc_macro::TokenStream;

/// Derives `affinity_avro::Avro`: a schema, `encode`/`decode` and deltas (and, for a type with a
/// lifetime, `affinity_avro::AvroBorrow` instead).
///
/// ```
/// use affinity_avro::{Avro, from_slice, to_vec};
///
/// /// A point on the map.
/// #[derive(Avro, Debug, PartialEq)]
/// #[avro(namespace = "com.example")]
/// struct Point {
///     x: i64,
///     #[avro(rename = "why", alias = "y_old")]
///     y: i64,
///     label: Option<String>,
/// }
///
/// assert_eq!(
///     Point::schema().canonical_form(),
///     r#"{"name":"com.example.Point","type":"record","fields":[{"name":"x","type":"long"},{"name":"why","type":"long"},{"name":"label","type":["null","string"]}]}"#
/// );
/// let p = Point { x: 1, y: -1, label: None };
/// assert_eq!(to_vec(&p), [2, 1, 0]);
/// assert_eq!(from_slice::<Point>(&[2, 1, 0]), Ok(p));
/// ```
///
/// # Shapes
///
/// | Rust | Avro |
/// |---|---|
/// | `struct S { a: A, b: B }`, `struct S;` | record `S` with fields `a`, `b` (in order) |
/// | `struct Id(i64);` (newtype) | transparent: `i64`'s schema, encoding and delta |
/// | `#[avro(fixed)] struct Hash([u8; 32]);` | fixed `Hash` of size 32 |
/// | `enum E { A, B }` (unit variants only) | enum `E` with symbols `A`, `B` |
/// | `enum E { V { .. }, U, N(T), P(A, B) }` | union: record `V`, empty record `U`, `T`'s schema, record `P` with fields `_0`, `_1` |
///
/// Field types map through their own `Avro` impls, so nested derived types, `Option<T>`
/// (`["null", T]`), `Vec<T>`, `HashMap`/`BTreeMap<String, T>`, `Box<T>`, `String`, the
/// numbers, `Vec<u8>` (bytes), `[u8; N]` (fixed), `SystemTime` and the logical types of the
/// core all work, and types may be recursive (`struct Tree { kids: Vec<Tree> }`,
/// `struct List { next: Option<Box<List>> }`).
///
/// The records of an enum's struct and unit variants are named after the variant, in the
/// namespace `<enum's namespace>.<enum's name>`, so two enums may both have a `Circle`.
/// Two newtype variants may not hold the same type (a union holds each type once).
///
/// A generic type gets `T: Avro` bounds, and each instantiation is its own named type: the
/// name is followed by `_` and the Rust names of the type arguments without their paths
/// (`Page<Item>` is `Page_Item`, `Pair<i64, String>` is `Pair_i64_String`).
///
/// A type without a namespace is in the null namespace. Referred to a second time from inside
/// a namespaced type, it is written by its simple name, which affinity-avro and Apache Avro's
/// Java parser resolve through the null namespace but stricter parsers reject: give types that
/// are shared between namespaced types a namespace too.
///
/// # Container attributes
///
/// - `#[avro(namespace = "a.b")]`: the namespace.
/// - `#[avro(name = "X")]` (or `rename`): the Avro name instead of the Rust name.
/// - `#[avro(alias = "Old")]`, repeatable: aliases, for reading data written under old names.
/// - `#[avro(doc = "…")]`: the schema's `doc`; by default the type's `///` comment.
/// - `#[avro(fixed)]`: on a newtype over `[u8; N]`, a named fixed instead of `affinity.FixedN`.
/// - `#[avro(crate = "path::to::affinity_avro")]`: where the generated code finds the crate,
///   when it is re-exported (by default `::affinity_avro`).
///
/// An enum with data is a union, which has no name: `alias` and `doc` are errors there.
///
/// # Field attributes
///
/// - `#[avro(rename = "x")]`: the field's Avro name.
/// - `#[avro(alias = "old")]`, repeatable: earlier names of the field.
/// - `#[avro(doc = "…")]`: the field's `doc`; by default its `///` comment.
/// - `#[avro(default = "<JSON>")]`: the field's schema default, JSON checked at compile time
///   (whether it fits the field's type is checked when the schema is built). A reader uses it
///   when the writer's schema lacks the field.
/// - `Option<T>` fields get `"default": null` without asking (a `default` given must be
///   `"null"`), so adding an optional field to a type is a compatible change: old data reads
///   as `None`.
/// - `#[avro(skip)]`: the field is not in the schema; decoding sets it to
///   `Default::default()`, and deltas leave it as it is.
/// - `#[avro(skip_default = "path::to::function")]`: skipped, and decoding sets it to
///   `function()` instead.
///
/// # Variant attributes
///
/// - `#[avro(rename = "X")]`: the symbol (unit enums) or record name (enums with data).
/// - `#[avro(alias = "Old")]`, `#[avro(doc = "…")]`: on the record of a struct, tuple or unit
///   variant of an enum with data.
/// - `#[avro(default)]`: on one variant of a unit enum, the enum's `default` symbol, which a
///   reader uses for a symbol it does not know.
///
/// # Borrowed decoding
///
/// A type with one lifetime parameter implements `affinity_avro::AvroBorrow<'a>` instead of
/// `Avro`: its `&'a str` (string), `&'a [u8]` (bytes), `Cow<'a, str>` and `Cow<'a, [u8]>`
/// fields — also inside `Option`, `Vec`, `Box` and maps, whose keys may be `&'a str` or
/// `Cow<'a, str>` — point into the input of `affinity_avro::from_slice_borrowed`, as serde's
/// borrowed fields do. Its schema and encoding are those of the same type with owned fields.
/// Field types that do not mention the lifetime go through their `Avro` impls. Borrowed types
/// have no deltas, JSON or schema resolution; use the owned type for those.
///
/// ```
/// use affinity_avro::{Avro, AvroBorrow, from_slice_borrowed, to_vec};
///
/// #[derive(Avro)]
/// struct Event { kind: String, tags: Vec<String>, at: i64 }
///
/// #[derive(Avro, Debug, PartialEq)]
/// #[avro(name = "Event")]
/// struct EventRef<'a> { kind: &'a str, tags: Vec<&'a str>, at: i64 }
///
/// let bytes = to_vec(&Event { kind: "click".into(), tags: vec!["ui".into()], at: 7 });
/// let e: EventRef<'_> = from_slice_borrowed(&bytes).unwrap();
/// assert_eq!(e, EventRef { kind: "click", tags: vec!["ui"], at: 7 });
/// assert_eq!(EventRef::borrowed_schema().fingerprint(), Event::fingerprint());
/// ```
///
/// # Compile errors
///
/// Names are checked against Avro's `[A-Za-z_][A-Za-z0-9_]*`, duplicate names after renaming
/// are errors, and a field type with no Avro mapping — `u64`, `usize`, `u128`, `i128`,
/// `isize`, `u8` or `char` alone, tuples, references other than the borrowed ones above (and
/// any reference in a type without a lifetime), a second lifetime parameter, raw pointers, maps
/// whose key is not a string, `Option<Option<T>>`, arrays other than `[u8; N]` — is an error
/// naming the field and what to use instead. Other types without an `Avro` impl fail rustc's `T: Avro` check.
///
/// # Codec and deltas
///
/// `encode` and `decode` are straight-line, field by field in schema order, allocating nothing
/// beyond the output and the values. Records' deltas are generated to match
/// `affinity_avro::delta` byte for byte: a bitmap of changed fields, then each changed
/// field's nested delta (records) or new value (anything else).
#[proc_macro_derive(Avro, attributes(avro))]
pub fn derive_avro(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    codegen::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
