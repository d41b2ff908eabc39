//! Checks that span several attributes or fields: names, attributes that do not apply to the
//! shape at hand, types that have no Avro mapping, duplicates. Every problem is recorded; none
//! stops the others from being found.

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::ToTokens;

use super::ast::{Container, Data, Field, Style, Variant};
use super::attr::find_key;
use super::ctxt::Ctxt;
use super::name::{invalid_dotted, invalid_name, is_dotted, is_name, is_primitive, primitive_name};
use super::ty;

/// Records every problem of `c` in `cx`.
pub(crate) fn check(cx: &mut Ctxt, c: &Container<'_>) {
    for lt in c.generics.lifetimes().skip(1) {
        cx.error_spanned(
            lt,
            "a type deriving `Avro` takes at most one lifetime parameter, the input's that \
             `&'a str`, `&'a [u8]` and `Cow<'a, str>` fields borrow from",
        );
    }
    let lt = c.lifetime();
    container_names(cx, c);
    if let Some(fixed) = &c.attrs.fixed
        && !matches!(c.data, Data::Fixed(..))
    {
        cx.error_spanned(
            fixed,
            "`#[avro(fixed)]` needs a newtype over `[u8; N]`, like `struct Hash([u8; 32]);`",
        );
    }
    match &c.data {
        Data::Record(fields) => record_fields(cx, fields, lt),
        Data::Transparent(field) => {
            for (k, key) in keys_among(
                &c.attrs.keys,
                &["name", "rename", "namespace", "alias", "doc"],
            ) {
                cx.error_spanned(
                    k,
                    format!(
                        "`{key}` does not apply to a newtype, which has its field's schema; \
                         only a newtype over `[u8; N]` with `#[avro(fixed)]` is named"
                    ),
                );
            }
            newtype_field(cx, field, lt);
        }
        Data::Fixed(field, _) => newtype_field(cx, field, lt),
        Data::UnitEnum(variants) => unit_variants(cx, variants),
        Data::Union(variants) => {
            for (k, key) in keys_among(&c.attrs.keys, &["alias", "doc"]) {
                cx.error_spanned(
                    k,
                    format!(
                        "`{key}` does not apply to an enum with data: it maps to an Avro \
                         union, which has no name or doc; put it on the variants"
                    ),
                );
            }
            union_variants(cx, variants, lt);
        }
    }
}

fn container_names(cx: &mut Ctxt, c: &Container<'_>) {
    let at = match &c.attrs.name {
        Some(lit) => lit.to_token_stream(),
        None => c.ident.to_token_stream(),
    };
    if !is_name(&c.name) {
        let mut message = invalid_name("name", &c.name);
        if c.attrs.name.is_none() {
            message.push_str("; give one with #[avro(name = \"...\")]");
        }
        cx.error_spanned(at, message);
    } else if is_primitive(&c.name) && !matches!(c.data, Data::Transparent(_) | Data::Union(_)) {
        // A newtype and a union have no name of their own.
        cx.error_spanned(at, primitive_name(&c.name));
    }
    if let Some(ns) = &c.attrs.namespace
        && !is_dotted(&ns.value())
    {
        cx.error_spanned(ns, invalid_dotted("namespace", &ns.value()));
    }
    for alias in &c.attrs.aliases {
        if !is_dotted(&alias.value()) {
            cx.error_spanned(alias, invalid_dotted("alias", &alias.value()));
        }
    }
}

/// Where to point at a field: its `rename`, else its name, else its type.
fn field_at(f: &Field<'_>) -> TokenStream {
    match (&f.attrs.rename, &f.original.ident) {
        (Some(r), _) => r.to_token_stream(),
        (None, Some(id)) => id.to_token_stream(),
        (None, None) => f.ty.to_token_stream(),
    }
}

/// The fields of a record (a struct, or a struct or tuple variant).
fn record_fields(cx: &mut Ctxt, fields: &[Field<'_>], lt: Option<&syn::Lifetime>) {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for f in fields {
        if f.attrs.skipped() {
            skipped_field(cx, f);
            continue;
        }
        if let Some(e) = ty::unsupported(f.ty, &f.describe(), lt) {
            cx.push(e);
        }
        if !is_name(&f.name) {
            let mut message = invalid_name("field name", &f.name);
            if f.attrs.rename.is_none() {
                message.push_str("; give one with #[avro(rename = \"...\")]");
            }
            cx.error_spanned(field_at(f), message);
        }
        for alias in &f.attrs.aliases {
            if !is_name(&alias.value()) {
                cx.error_spanned(alias, invalid_name("field alias", &alias.value()));
            }
        }
        if let Some(d) = &f.attrs.default
            && f.is_option()
            && !d.is_null
        {
            cx.error_spanned(
                &d.lit,
                "the default of an `Option` field must be \"null\": Avro takes a union's \
                     default from its first branch, which is null",
            );
        }
        if let Some(first) = seen.insert(&f.name, &f.rust_name) {
            cx.error_spanned(
                field_at(f),
                format!(
                    "fields `{first}` and `{}` both have the Avro name `{}`; rename one",
                    f.rust_name, f.name
                ),
            );
        }
    }
}

fn skipped_field(cx: &mut Ctxt, f: &Field<'_>) {
    for (k, key) in keys_among(&f.attrs.keys, &["rename", "alias", "doc"]) {
        cx.error_spanned(
            k,
            format!("`{key}` has no effect on a skipped field, which is not in the schema"),
        );
    }
    if let Some(k) = find_key(&f.attrs.keys, "default") {
        cx.error_spanned(
            k,
            "a skipped field is not in the schema, so it has no schema default; give its Rust \
             value with `skip_default = \"path::to::function\"`",
        );
    }
}

/// The single field of a newtype struct or newtype variant.
fn newtype_field(cx: &mut Ctxt, f: &Field<'_>, lt: Option<&syn::Lifetime>) {
    for key in &f.attrs.keys {
        let name = key.to_token_stream().to_string();
        cx.error_spanned(
            key,
            format!(
                "`{name}` does not apply to the field of a newtype, whose schema is the field's \
                 own"
            ),
        );
    }
    if let Some(e) = ty::unsupported(f.ty, "the newtype's field", lt) {
        cx.push(e);
    }
}

fn unit_variants(cx: &mut Ctxt, variants: &[Variant<'_>]) {
    let mut seen: HashMap<&str, String> = HashMap::new();
    let mut default: Option<&Variant<'_>> = None;
    for v in variants {
        variant_name(cx, v, "enum symbol");
        for (k, key) in keys_among(&v.attrs.keys, &["alias", "doc"]) {
            cx.error_spanned(
                k,
                format!(
                    "`{key}` does not apply to a variant of an enum of unit variants: Avro \
                     enum symbols have no {key}"
                ),
            );
        }
        if let Some(k) = &v.attrs.default {
            match default {
                Some(first) => cx.error_spanned(
                    k,
                    format!(
                        "only one variant can be the default; `{}` already is",
                        first.ident
                    ),
                ),
                None => default = Some(v),
            }
        }
        if let Some(first) = seen.insert(&v.name, v.ident.to_string()) {
            cx.error_spanned(
                variant_at(v),
                format!(
                    "variants `{first}` and `{}` both have the Avro symbol `{}`; rename one",
                    v.ident, v.name
                ),
            );
        }
    }
}

fn union_variants(cx: &mut Ctxt, variants: &[Variant<'_>], lt: Option<&syn::Lifetime>) {
    let mut records: HashMap<&str, String> = HashMap::new();
    let mut branches: HashMap<String, String> = HashMap::new();
    for v in variants {
        if let Some(k) = &v.attrs.default {
            cx.error_spanned(
                k,
                "`default` applies to enums of unit variants only (the Avro enum's default \
                 symbol); an enum with data is a union",
            );
        }
        if v.style != Style::Newtype {
            variant_name(cx, v, "record name");
            record_fields(cx, &v.fields, lt);
            if let Some(first) = records.insert(&v.name, v.ident.to_string()) {
                cx.error_spanned(
                    variant_at(v),
                    format!(
                        "variants `{first}` and `{}` both have the Avro record name `{}`; rename \
                         one",
                        v.ident, v.name
                    ),
                );
            }
            continue;
        }
        for (k, key) in keys_among(&v.attrs.keys, &["rename", "alias", "doc"]) {
            cx.error_spanned(
                k,
                format!(
                    "`{key}` does not apply to a newtype variant: its union branch is its \
                     field type's own schema"
                ),
            );
        }
        let Some(field) = v.fields.first() else {
            continue;
        };
        let what = format!("variant `{}`", v.ident);
        for key in &field.attrs.keys {
            let name = key.to_token_stream().to_string();
            cx.error_spanned(
                key,
                format!("`{name}` does not apply to the field of a newtype variant"),
            );
        }
        if let Some(e) = ty::unsupported(field.ty, &what, lt) {
            cx.push(e);
            continue;
        }
        if ty::option_inner(ty::strip_box(field.ty)).is_some() {
            cx.error_spanned(
                field.ty,
                format!(
                    "{what}: an `Option` in an enum with data would be a union inside a union, \
                     which Avro forbids; add a unit variant for the `None` case"
                ),
            );
            continue;
        }
        let (key, is_avro) = ty::union_key(field.ty);
        let held = if is_avro {
            format!("an Avro `{key}`")
        } else {
            format!("`{key}`")
        };
        if let Some(first) = branches.insert(key, v.ident.to_string()) {
            cx.error_spanned(
                field.ty,
                format!(
                    "variants `{first}` and `{}` both hold {held}; an Avro union may hold each \
                     type only once",
                    v.ident
                ),
            );
        }
    }
}

fn variant_at(v: &Variant<'_>) -> TokenStream {
    match &v.attrs.rename {
        Some(r) => r.to_token_stream(),
        None => v.ident.to_token_stream(),
    }
}

fn variant_name(cx: &mut Ctxt, v: &Variant<'_>, what: &str) {
    if !is_name(&v.name) {
        let mut message = invalid_name(what, &v.name);
        if v.attrs.rename.is_none() {
            message.push_str("; give one with #[avro(rename = \"...\")]");
        }
        cx.error_spanned(variant_at(v), message);
    } else if what == "record name" && is_primitive(&v.name) {
        cx.error_spanned(variant_at(v), primitive_name(&v.name));
    }
    for alias in &v.attrs.aliases {
        if !is_dotted(&alias.value()) {
            cx.error_spanned(alias, invalid_dotted("alias", &alias.value()));
        }
    }
}

/// The keys among `keys` whose name is in `names`, in source order, each name once.
fn keys_among<'k>(keys: &'k [syn::Path], names: &[&str]) -> Vec<(&'k syn::Path, String)> {
    let mut found: Vec<(&syn::Path, String)> = Vec::new();
    for k in keys {
        let Some(name) = k.get_ident().map(ToString::to_string) else {
            continue;
        };
        if names.contains(&name.as_str()) && !found.iter().any(|(_, n)| *n == name) {
            found.push((k, name));
        }
    }
    found
}
