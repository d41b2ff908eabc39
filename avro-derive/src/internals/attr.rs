//! Parsing `#[avro(...)]` and doc comments on containers, fields and variants.
//!
//! Each place accepts its own keys; an unknown key, a duplicate key or a malformed value is
//! recorded in the [`Ctxt`] and parsing goes on, so one build reports every mistake.

use syn::meta::ParseNestedMeta;
use syn::{Attribute, Expr, ExprLit, Lit, LitStr, Meta, Token};

use super::ctxt::Ctxt;
use super::json;

/// `#[avro(...)]` on the struct or enum.
#[derive(Default)]
pub(crate) struct Container {
    /// `name = "X"` or `rename = "X"`.
    pub(crate) name: Option<LitStr>,
    /// `namespace = "a.b"`.
    pub(crate) namespace: Option<LitStr>,
    /// `alias = "Old"`, repeatable.
    pub(crate) aliases: Vec<LitStr>,
    /// `doc = "…"`.
    pub(crate) doc: Option<LitStr>,
    /// The `///` comment.
    pub(crate) doc_comment: Option<String>,
    /// `fixed`.
    pub(crate) fixed: Option<syn::Path>,
    /// `crate = "path"`.
    pub(crate) krate: Option<syn::Path>,
    /// Every key given, for "does not apply here" errors.
    pub(crate) keys: Vec<syn::Path>,
}

/// `#[avro(...)]` on a field.
#[derive(Default)]
pub(crate) struct Field {
    /// `rename = "x"`.
    pub(crate) rename: Option<LitStr>,
    /// `alias = "old"`, repeatable.
    pub(crate) aliases: Vec<LitStr>,
    /// `doc = "…"`.
    pub(crate) doc: Option<LitStr>,
    /// The `///` comment.
    pub(crate) doc_comment: Option<String>,
    /// `default = "<JSON>"`.
    pub(crate) default: Option<DefaultJson>,
    /// `skip`.
    pub(crate) skip: Option<syn::Path>,
    /// `skip_default = "path::to::function"`.
    pub(crate) skip_default: Option<syn::ExprPath>,
    /// Every key given.
    pub(crate) keys: Vec<syn::Path>,
}

/// A field's `default`: the literal and the JSON it holds.
pub(crate) struct DefaultJson {
    /// The string literal, for spans.
    pub(crate) lit: LitStr,
    /// The JSON, compacted.
    pub(crate) json: String,
    /// Whether the JSON is `null`.
    pub(crate) is_null: bool,
}

/// `#[avro(...)]` on an enum variant.
#[derive(Default)]
pub(crate) struct Variant {
    /// `rename = "X"`.
    pub(crate) rename: Option<LitStr>,
    /// `alias = "Old"`, repeatable.
    pub(crate) aliases: Vec<LitStr>,
    /// `doc = "…"`.
    pub(crate) doc: Option<LitStr>,
    /// The `///` comment.
    pub(crate) doc_comment: Option<String>,
    /// `default`.
    pub(crate) default: Option<syn::Path>,
    /// Every key given.
    pub(crate) keys: Vec<syn::Path>,
}

const CONTAINER_KEYS: &[&str] = &[
    "namespace",
    "name",
    "rename",
    "alias",
    "doc",
    "fixed",
    "crate",
];
const FIELD_KEYS: &[&str] = &["rename", "alias", "doc", "default", "skip", "skip_default"];
const VARIANT_KEYS: &[&str] = &["rename", "alias", "doc", "default"];

impl Container {
    pub(crate) fn parse(cx: &mut Ctxt, attrs: &[Attribute]) -> Self {
        let mut c = Container {
            doc_comment: doc_comment(attrs),
            ..Container::default()
        };
        each_key(
            cx,
            attrs,
            "struct or enum",
            CONTAINER_KEYS,
            |cx, key, meta| {
                c.keys.push(meta.path.clone());
                match key {
                    "namespace" => set_once(cx, &mut c.namespace, lit_str(meta)?, meta),
                    "name" | "rename" => set_once(cx, &mut c.name, lit_str(meta)?, meta),
                    "alias" => c.aliases.push(lit_str(meta)?),
                    "doc" => set_once(cx, &mut c.doc, lit_str(meta)?, meta),
                    "fixed" => set_once(cx, &mut c.fixed, flag(meta)?, meta),
                    _ => {
                        let lit = lit_str(meta)?;
                        match lit.parse::<syn::Path>() {
                            Ok(p) => set_once(cx, &mut c.krate, p, meta),
                            Err(_) => {
                                cx.error_spanned(&lit, "`crate` must be a path, like \"my::avro\"")
                            }
                        }
                    }
                }
                Ok(())
            },
        );
        c
    }
}

impl Field {
    pub(crate) fn parse(cx: &mut Ctxt, attrs: &[Attribute]) -> Self {
        let mut f = Field {
            doc_comment: doc_comment(attrs),
            ..Field::default()
        };
        each_key(cx, attrs, "field", FIELD_KEYS, |cx, key, meta| {
            f.keys.push(meta.path.clone());
            match key {
                "rename" => set_once(cx, &mut f.rename, lit_str(meta)?, meta),
                "alias" => f.aliases.push(lit_str(meta)?),
                "doc" => set_once(cx, &mut f.doc, lit_str(meta)?, meta),
                "default" => {
                    let lit = lit_str(meta)?;
                    match json::parse_default(&lit.value()) {
                        Ok((json, is_null)) => {
                            let d = DefaultJson { lit, json, is_null };
                            set_once(cx, &mut f.default, d, meta);
                        }
                        Err(message) => cx.error_spanned(&lit, message),
                    }
                }
                "skip" => set_once(cx, &mut f.skip, flag(meta)?, meta),
                _ => {
                    let lit = lit_str(meta)?;
                    match lit.parse::<syn::ExprPath>() {
                        Ok(p) => set_once(cx, &mut f.skip_default, p, meta),
                        Err(_) => cx.error_spanned(
                            &lit,
                            "`skip_default` must be the path of a function, like \"Vec::new\"",
                        ),
                    }
                }
            }
            Ok(())
        });
        f
    }

    /// Whether the field is left out of the schema.
    pub(crate) fn skipped(&self) -> bool {
        self.skip.is_some() || self.skip_default.is_some()
    }

    /// The documentation: `doc` if given, else the `///` comment.
    pub(crate) fn doc(&self) -> Option<String> {
        self.doc
            .as_ref()
            .map(LitStr::value)
            .or_else(|| self.doc_comment.clone())
    }
}

impl Variant {
    pub(crate) fn parse(cx: &mut Ctxt, attrs: &[Attribute]) -> Self {
        let mut v = Variant {
            doc_comment: doc_comment(attrs),
            ..Variant::default()
        };
        each_key(cx, attrs, "variant", VARIANT_KEYS, |cx, key, meta| {
            v.keys.push(meta.path.clone());
            match key {
                "rename" => set_once(cx, &mut v.rename, lit_str(meta)?, meta),
                "alias" => v.aliases.push(lit_str(meta)?),
                "doc" => set_once(cx, &mut v.doc, lit_str(meta)?, meta),
                _ => set_once(cx, &mut v.default, flag(meta)?, meta),
            }
            Ok(())
        });
        v
    }
}

/// The first key in `keys` called `name`, for spans.
pub(crate) fn find_key<'a>(keys: &'a [syn::Path], name: &str) -> Option<&'a syn::Path> {
    keys.iter().find(|k| k.is_ident(name))
}

/// Calls `f` for every key of every `#[avro(...)]` in `attrs` that is in `allowed`; records an
/// error for any other key, and for malformed attributes.
fn each_key(
    cx: &mut Ctxt,
    attrs: &[Attribute],
    place: &str,
    allowed: &[&str],
    mut f: impl FnMut(&mut Ctxt, &str, &ParseNestedMeta<'_>) -> syn::Result<()>,
) {
    for attr in attrs.iter().filter(|a| a.path().is_ident("avro")) {
        if !matches!(attr.meta, Meta::List(_)) {
            cx.error_spanned(attr, "expected `#[avro(...)]`");
            continue;
        }
        let result = attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            if allowed.contains(&key.as_str()) {
                return f(cx, &key, &meta);
            }
            let shown = quote::ToTokens::to_token_stream(&meta.path).to_string();
            cx.error_spanned(
                &meta.path,
                format!(
                    "unknown avro attribute `{}` on a {place}; expected one of: {}",
                    shown.replace(' ', ""),
                    allowed.join(", ")
                ),
            );
            skip_value(&meta)
        });
        if let Err(e) = result {
            cx.push(e);
        }
    }
}

/// Consumes `= value` or `(...)` after an unknown key so that parsing can go on.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let _content;
        syn::parenthesized!(_content in meta.input);
    }
    Ok(())
}

/// `key = "string"`.
fn lit_str(meta: &ParseNestedMeta<'_>) -> syn::Result<LitStr> {
    let key = meta
        .path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_default();
    let message = format!("`{key}` takes a string: {key} = \"…\"");
    if !meta.input.peek(Token![=]) {
        return Err(meta.error(message));
    }
    meta.value()?
        .parse::<LitStr>()
        .map_err(|e| syn::Error::new(e.span(), message))
}

/// A key without a value.
fn flag(meta: &ParseNestedMeta<'_>) -> syn::Result<syn::Path> {
    if meta.input.peek(Token![=]) || meta.input.peek(syn::token::Paren) {
        let key = meta
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        return Err(meta.error(format!("`{key}` takes no value")));
    }
    Ok(meta.path.clone())
}

fn set_once<T>(cx: &mut Ctxt, slot: &mut Option<T>, value: T, meta: &ParseNestedMeta<'_>) {
    if slot.is_some() {
        let key = meta
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        cx.error_spanned(&meta.path, format!("`{key}` is given more than once"));
    } else {
        *slot = Some(value);
    }
}

/// The `///` comment: one leading space per line removed, trailing blanks trimmed; `None` when
/// there is none or it is empty.
pub(crate) fn doc_comment(attrs: &[Attribute]) -> Option<String> {
    let mut lines = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("doc")) {
        if let Meta::NameValue(nv) = &attr.meta
            && let Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) = &nv.value
        {
            lines.push(s.value());
        }
    }
    let text = lines.join("\n");
    let doc = text
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l).trim_end())
        .collect::<Vec<_>>()
        .join("\n");
    let doc = doc.trim();
    (!doc.is_empty()).then(|| doc.to_owned())
}
