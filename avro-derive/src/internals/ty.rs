//! What the derive can tell from a field's type by its syntax: the types no `Avro` impl can
//! ever exist for (with a message saying what to use instead), `Option`, `[u8; N]`, and which
//! Avro type a union branch is for the "union repeats a type" check.
//!
//! Types are recognised by the last segment of their path (`Option`, `std::option::Option`).
//! Anything not recognised is left to rustc's `T: Avro` check.

use quote::ToTokens;
use syn::{Expr, GenericArgument, Lifetime, PathArguments, Type};

/// The first part of `ty` that has no Avro type, with the message for it. `what` names the
/// field ("field `x`"); `lt` is the type's lifetime parameter, if it has one (then `&'a str`,
/// `&'a [u8]`, `Cow<'a, str>` and `Cow<'a, [u8]>` borrow from the input).
pub(crate) fn unsupported(ty: &Type, what: &str, lt: Option<&Lifetime>) -> Option<syn::Error> {
    let err = |t: &dyn ToTokens, message: String| {
        Some(syn::Error::new_spanned(t, format!("{what}: {message}")))
    };
    match ty {
        Type::Group(g) => unsupported(&g.elem, what, lt),
        Type::Paren(p) => unsupported(&p.elem, what, lt),
        Type::Reference(r) => match lt {
            None => err(
                ty,
                "a reference needs a lifetime parameter on the type: `struct S<'a> { x: &'a str }` \
                 decodes borrowing from the input; or use the owned type (`String` for `&str`)"
                    .into(),
            ),
            Some(l)
                if r.mutability.is_none()
                    && r.lifetime.as_ref() == Some(l)
                    && is_borrowable(&r.elem) =>
            {
                None
            }
            Some(l) => err(
                ty,
                format!(
                    "only `&{l} str` (string) and `&{l} [u8]` (bytes) borrow from the input; \
                     use `Cow<{l}, str>` or an owned type"
                ),
            ),
        },
        Type::Ptr(_) => err(
            ty,
            "raw pointers have no Avro type; store the data itself".into(),
        ),
        Type::Tuple(t) if !t.elems.is_empty() => err(
            ty,
            "tuples have no Avro type; use a struct with named fields (a record)".into(),
        ),
        Type::Array(a) => {
            if is_ident(&a.elem, "u8") {
                None
            } else {
                err(
                    ty,
                    "of arrays only `[u8; N]` has an Avro type (fixed); use `Vec<T>` (array)"
                        .into(),
                )
            }
        }
        Type::Path(p) if p.qself.is_none() => {
            let seg = p.path.segments.last()?;
            let args = type_args(&seg.arguments);
            match (seg.ident.to_string().as_str(), args.as_slice()) {
                ("u64" | "usize", []) => err(
                    ty,
                    format!(
                        "no Avro type holds all values of `{}`; use `i64` (long), or `u32` \
                         (long) when the values fit",
                        seg.ident
                    ),
                ),
                ("u128" | "i128", []) => err(
                    ty,
                    format!(
                        "no Avro type holds all values of `{}`; use `i64` (long), or \
                         `[u8; 16]` (fixed) for the raw bytes",
                        seg.ident
                    ),
                ),
                ("isize", []) => err(
                    ty,
                    "`isize` has a platform-dependent width; use `i64` (long) or `i32` (int)"
                        .into(),
                ),
                ("u8", []) => err(
                    ty,
                    "`u8` alone has no Avro type (`Vec<u8>` is bytes and `[u8; N]` is fixed); \
                     use `u16` or `i32` (int)"
                        .into(),
                ),
                ("char", []) => err(ty, "`char` has no Avro type; use `String`".into()),
                ("Option", [inner]) => {
                    if option_inner(strip_box(inner)).is_some() {
                        err(
                            ty,
                            "`Option<Option<T>>` would be a union inside a union, which Avro \
                             forbids; use one `Option`, or an enum with data"
                                .into(),
                        )
                    } else {
                        unsupported(inner, what, lt)
                    }
                }
                ("Vec", [inner]) if is_ident(inner, "u8") => None,
                ("Vec" | "Box", [inner]) => unsupported(inner, what, lt),
                ("Cow", [inner]) => match (lt, cow_lifetime(&seg.arguments)) {
                    (Some(l), Some(c)) if l == c && is_borrowable(inner) => None,
                    (None, _) => err(
                        ty,
                        "`Cow` needs a lifetime parameter on the type: `struct S<'a> { x: \
                         Cow<'a, str> }` decodes borrowing from the input; or use `String`"
                            .into(),
                    ),
                    (Some(l), _) => err(
                        ty,
                        format!(
                            "only `Cow<{l}, str>` and `Cow<{l}, [u8]>` borrow from the input; \
                             use an owned type"
                        ),
                    ),
                },
                ("HashMap" | "BTreeMap", [key, value, ..]) => {
                    if is_ident(key, "String")
                        || (lt.is_some() && is_string_key(key) && unsupported(key, what, lt).is_none())
                    {
                        unsupported(value, what, lt)
                    } else {
                        err(
                            key,
                            "Avro map keys are strings; use `String` as the key type (or \
                             `&'a str` / `Cow<'a, str>` in a type with a lifetime), or a `Vec` \
                             of records"
                                .into(),
                        )
                    }
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Whether `ty` is `str` or `[u8]`, what a reference or `Cow` may borrow.
fn is_borrowable(ty: &Type) -> bool {
    match ty {
        Type::Group(g) => is_borrowable(&g.elem),
        Type::Paren(p) => is_borrowable(&p.elem),
        Type::Slice(s) => is_ident(&s.elem, "u8"),
        _ => is_ident(ty, "str"),
    }
}

/// Whether a map key type is a borrowed string: `&str` or `Cow<str>` (lifetimes checked apart).
fn is_string_key(ty: &Type) -> bool {
    match ty {
        Type::Group(g) => is_string_key(&g.elem),
        Type::Paren(p) => is_string_key(&p.elem),
        Type::Reference(r) => is_ident(&r.elem, "str"),
        Type::Path(p) if p.qself.is_none() => p.path.segments.last().is_some_and(|seg| {
            seg.ident == "Cow"
                && matches!(type_args(&seg.arguments).as_slice(), [inner] if is_ident(inner, "str"))
        }),
        _ => false,
    }
}

/// The lifetime argument of `Cow<'a, T>`.
fn cow_lifetime(args: &PathArguments) -> Option<&Lifetime> {
    match args {
        PathArguments::AngleBracketed(a) => a.args.iter().find_map(|a| match a {
            GenericArgument::Lifetime(l) => Some(l),
            _ => None,
        }),
        _ => None,
    }
}

/// The `T` of `Option<T>`.
pub(crate) fn option_inner(ty: &Type) -> Option<&Type> {
    match ty {
        Type::Group(g) => option_inner(&g.elem),
        Type::Paren(p) => option_inner(&p.elem),
        Type::Path(p) if p.qself.is_none() => {
            let seg = p.path.segments.last()?;
            match type_args(&seg.arguments).as_slice() {
                [inner] if seg.ident == "Option" => Some(inner),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `ty` without `Box`es around it (a `Box` has its content's schema).
pub(crate) fn strip_box(ty: &Type) -> &Type {
    match ty {
        Type::Group(g) => strip_box(&g.elem),
        Type::Paren(p) => strip_box(&p.elem),
        Type::Path(p) if p.qself.is_none() => {
            let Some(seg) = p.path.segments.last() else {
                return ty;
            };
            match type_args(&seg.arguments).as_slice() {
                [inner] if seg.ident == "Box" => strip_box(inner),
                _ => ty,
            }
        }
        _ => ty,
    }
}

/// The `N` of `[u8; N]`.
pub(crate) fn byte_array_len(ty: &Type) -> Option<&Expr> {
    match ty {
        Type::Group(g) => byte_array_len(&g.elem),
        Type::Paren(p) => byte_array_len(&p.elem),
        Type::Array(a) if is_ident(&a.elem, "u8") => Some(&a.len),
        _ => None,
    }
}

/// What a union branch holding `ty` is keyed by in Avro's "no type twice in a union" rule, as
/// far as the syntax tells: the Avro type for the types whose schema is known, else the type's
/// tokens. The second value says whether it is an Avro type name (`long`) or Rust tokens.
pub(crate) fn union_key(ty: &Type) -> (String, bool) {
    let ty = strip_box(ty);
    let avro = match ty {
        Type::Tuple(t) if t.elems.is_empty() => Some("null"),
        Type::Path(p) if p.qself.is_none() => p.path.segments.last().and_then(|seg| {
            let args = type_args(&seg.arguments);
            Some(match (seg.ident.to_string().as_str(), args.as_slice()) {
                ("bool", []) => "boolean",
                ("i8" | "i16" | "i32" | "u16", []) => "int",
                ("i64" | "u32" | "SystemTime", []) => "long",
                ("f32", []) => "float",
                ("f64", []) => "double",
                ("String" | "Uuid", []) => "string",
                ("Vec", [inner]) if is_ident(inner, "u8") => "bytes",
                ("Vec", [_]) => "array",
                ("HashMap" | "BTreeMap", [_, _, ..]) => "map",
                _ => return None,
            })
        }),
        _ => None,
    };
    match avro {
        Some(name) => (name.to_owned(), true),
        None => (ty.to_token_stream().to_string(), false),
    }
}

/// The type arguments of a path segment (`<K, V>`), lifetimes and constants left out.
fn type_args(args: &PathArguments) -> Vec<&Type> {
    match args {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether `ty` is the single identifier `name` (or a path ending in it, without arguments).
fn is_ident(ty: &Type, name: &str) -> bool {
    match ty {
        Type::Group(g) => is_ident(&g.elem, name),
        Type::Paren(p) => is_ident(&p.elem, name),
        Type::Path(p) if p.qself.is_none() => p
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == name && s.arguments.is_empty()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(s: &str) -> Type {
        syn::parse_str(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn message(s: &str) -> Option<String> {
        unsupported(&ty(s), "field `x`", None).map(|e| e.to_string())
    }

    fn borrowed_message(s: &str) -> Option<String> {
        let lt: Lifetime = syn::parse_str("'a").unwrap_or_else(|e| panic!("{e}"));
        unsupported(&ty(s), "field `x`", Some(&lt)).map(|e| e.to_string())
    }

    #[test]
    fn borrowed_types_pass_with_the_types_lifetime_only() {
        for s in [
            "&'a str",
            "&'a [u8]",
            "Cow<'a, str>",
            "std::borrow::Cow<'a, [u8]>",
            "Option<Vec<&'a str>>",
            "HashMap<&'a str, &'a str>",
            "BTreeMap<Cow<'a, str>, Vec<&'a [u8]>>",
            "HashMap<String, i64>",
        ] {
            assert_eq!(borrowed_message(s), None, "{s}");
            assert!(
                s.ends_with("i64>") || message(s).is_some(),
                "{s} without a lifetime"
            );
        }
        for (s, part) in [
            ("&'b str", "only `&'a str`"),
            ("&'a mut str", "only `&'a str`"),
            ("&'a String", "only `&'a str`"),
            ("Cow<'a, String>", "only `Cow<'a, str>`"),
            ("Cow<'b, str>", "only `Cow<'a, str>`"),
            ("HashMap<&'b str, i64>", "map keys"),
            ("HashMap<&'a [u8], i64>", "map keys"),
            ("Vec<&'a u64>", "only `&'a str`"),
        ] {
            let m = borrowed_message(s).unwrap_or_default();
            assert!(m.contains(part), "{s}: {m}");
        }
    }

    #[test]
    fn supported_types_pass() {
        for s in [
            "i64",
            "Vec<u8>",
            "[u8; 16]",
            "Option<Box<Tree>>",
            "std::collections::HashMap<String, Vec<i32>>",
            "BTreeMap<String, Option<String>>",
            "()",
            "MyType<u64>",
            "Vec<[u8; 4]>",
        ] {
            assert_eq!(message(s), None, "{s}");
        }
    }

    #[test]
    fn unsupported_types_are_found_inside_containers() {
        for (s, part) in [
            ("u64", "`u64`"),
            ("Option<usize>", "`usize`"),
            ("Vec<u128>", "`u128`"),
            ("Vec<Option<u8>>", "`u8` alone"),
            ("&'static str", "needs a lifetime parameter"),
            ("Cow<'static, str>", "needs a lifetime parameter"),
            ("*const i32", "raw pointers"),
            ("(i32, i64)", "tuples"),
            ("[i32; 4]", "`[u8; N]`"),
            ("HashMap<i64, String>", "map keys are strings"),
            ("BTreeMap<String, char>", "`char`"),
            ("Option<Box<Option<i64>>>", "union inside a union"),
        ] {
            let m = message(s).unwrap_or_default();
            assert!(m.starts_with("field `x`: ") && m.contains(part), "{s}: {m}");
        }
    }

    #[test]
    fn union_keys_name_the_avro_type_where_known() {
        assert_eq!(union_key(&ty("Box<u32>")), ("long".to_owned(), true));
        assert_eq!(union_key(&ty("std::time::SystemTime")).0, "long");
        assert_eq!(union_key(&ty("Vec<u8>")).0, "bytes");
        assert_eq!(union_key(&ty("Vec<String>")).0, "array");
        assert_eq!(union_key(&ty("Point")), ("Point".to_owned(), false));
    }
}
