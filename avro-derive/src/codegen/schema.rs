//! `write_schema`, `schema` and `MIN_SIZE`.
//!
//! The JSON known at compile time is written as string literals (adjacent pieces merged into
//! one); each field's type writes its own schema through its `Avro` impl, so named types are
//! defined once and referenced after, and recursive types terminate.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Expr, Lit};

use super::context::{Gen, local};
use super::generics::instance_name;
use crate::internals::ast::{Data, Field, Style, Variant};
use crate::internals::json;

/// `MIN_SIZE`: a record's is the sum of its fields', a newtype's its field's, an enum's or
/// union's one byte (the index), a fixed's its size.
pub(crate) fn min_size(g: &Gen<'_>) -> TokenStream {
    match &g.c.data {
        Data::Record(fields) => {
            let sizes: Vec<TokenStream> = fields
                .iter()
                .filter(|f| !f.attrs.skipped())
                .map(|f| {
                    let v = g.via(f.ty);
                    let (t, min) = (&v.ty, &v.min_size);
                    quote!(#t::#min)
                })
                .collect();
            if sizes.is_empty() {
                quote!(0)
            } else {
                quote!(#(#sizes)+*)
            }
        }
        Data::Transparent(f) => {
            let v = g.via(f.ty);
            let (t, min) = (&v.ty, &v.min_size);
            quote!(#t::#min)
        }
        Data::Fixed(_, len) => quote!(#len),
        Data::UnitEnum(_) | Data::Union(_) => quote!(1),
    }
}

/// `schema()`: a newtype shares its field's; any other non-generic type keeps its own in a
/// static; generic types use the trait's default (a cache by `TypeId`).
pub(crate) fn schema_fn(g: &Gen<'_>) -> TokenStream {
    let krate = &g.krate;
    if let Data::Transparent(f) = &g.c.data {
        let t = g.as_avro(f.ty);
        return quote! {
            fn schema() -> &'static #krate::Schema {
                #t::schema()
            }
        };
    }
    if g.c.is_generic() {
        return TokenStream::new();
    }
    let cell = local("SCHEMA");
    quote! {
        fn schema() -> &'static #krate::Schema {
            static #cell: ::std::sync::OnceLock<#krate::Schema> = ::std::sync::OnceLock::new();
            #cell.get_or_init(#krate::build_schema::<Self>)
        }
    }
}

/// The body of `write_schema`.
pub(crate) fn write_schema(g: &Gen<'_>) -> TokenStream {
    let c = g.c;
    let w = &g.w;
    // The type's name: a literal, or for a generic type a local computed first.
    let (prelude, name) = if c.is_generic() {
        let n = local("type_name");
        let value = instance_name(c);
        (quote!(let #n: ::std::string::String = #value;), quote!(&#n))
    } else {
        let n = &c.name;
        (TokenStream::new(), quote!(#n))
    };
    let ns_value = c.attrs.namespace.as_ref().map(syn::LitStr::value);
    let namespace = match &ns_value {
        Some(ns) => quote!(::core::option::Option::Some(#ns)),
        None => quote!(::core::option::Option::None),
    };
    let doc = c
        .attrs
        .doc
        .as_ref()
        .map(syn::LitStr::value)
        .or_else(|| c.attrs.doc_comment.clone());
    let aliases: Vec<String> = c.attrs.aliases.iter().map(syn::LitStr::value).collect();
    let body = match &c.data {
        Data::Record(fields) => {
            let mut j = Json::default();
            header(&mut j, doc.as_deref(), &aliases);
            record_fields(g, &mut j, fields);
            named(g, "record", &name, &namespace, j)
        }
        Data::Fixed(_, len) => {
            let mut j = Json::default();
            header(&mut j, doc.as_deref(), &aliases);
            j.raw(",\"size\":");
            match len {
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Int(n), ..
                }) => j.raw(n.base10_digits()),
                _ => j.code(quote!(#w.raw(&::std::string::ToString::to_string(&(#len)));)),
            }
            named(g, "fixed", &name, &namespace, j)
        }
        Data::Transparent(f) => {
            let v = g.via(f.ty);
            let (t, ws) = (&v.ty, &v.write_schema);
            quote!(#t::#ws(#w);)
        }
        Data::UnitEnum(variants) => {
            let mut j = Json::default();
            header(&mut j, doc.as_deref(), &aliases);
            let symbols: Vec<String> = variants.iter().map(|v| json::string(&v.name)).collect();
            j.raw(&format!(",\"symbols\":[{}]", symbols.join(",")));
            if let Some(d) = variants.iter().find(|v| v.attrs.default.is_some()) {
                j.raw(&format!(",\"default\":{}", json::string(&d.name)));
            }
            named(g, "enum", &name, &namespace, j)
        }
        Data::Union(variants) => {
            // The records of struct and unit variants live in `<namespace>.<Name>`.
            let ns = if c.is_generic() {
                let prefix = ns_value.map(|ns| format!("{ns}.")).unwrap_or_default();
                quote!(::core::option::Option::Some(
                    &::std::format!("{}{}", #prefix, #name)
                ))
            } else {
                let ns = match ns_value {
                    Some(ns) => format!("{ns}.{}", c.name),
                    None => c.name.clone(),
                };
                quote!(::core::option::Option::Some(#ns))
            };
            let branches = variants
                .iter()
                .enumerate()
                .map(|(i, v)| branch(g, i, v, &ns));
            quote! {
                #w.raw("[");
                #(#branches)*
                #w.raw("]");
            }
        }
    };
    quote! {
        #prelude
        #body
    }
}

/// Union branch `i`, after a comma unless it is the first.
fn branch(g: &Gen<'_>, i: usize, v: &Variant<'_>, ns: &TokenStream) -> TokenStream {
    let w = &g.w;
    let comma = if i == 0 {
        quote!()
    } else {
        quote!(#w.raw(",");)
    };
    let code = if v.style == Style::Newtype {
        match v.fields.first() {
            Some(f) => {
                let v = g.via(f.ty);
                let (t, ws) = (&v.ty, &v.write_schema);
                quote!(#t::#ws(#w);)
            }
            None => quote!(),
        }
    } else {
        let doc = v
            .attrs
            .doc
            .as_ref()
            .map(syn::LitStr::value)
            .or_else(|| v.attrs.doc_comment.clone());
        let aliases: Vec<String> = v.attrs.aliases.iter().map(syn::LitStr::value).collect();
        let mut j = Json::default();
        header(&mut j, doc.as_deref(), &aliases);
        record_fields(g, &mut j, &v.fields);
        let name = &v.name;
        named(g, "record", &quote!(#name), ns, j)
    };
    quote! {
        #comma
        #code
    }
}

/// `if w.begin_named(kind, name, namespace) { <rest>; w.end_named(); }`.
fn named(
    g: &Gen<'_>,
    kind: &str,
    name: &TokenStream,
    namespace: &TokenStream,
    rest: Json,
) -> TokenStream {
    let w = &g.w;
    let rest = rest.into_code(w);
    quote! {
        if #w.begin_named(#kind, #name, #namespace) {
            #rest
            #w.end_named();
        }
    }
}

/// `,"doc":…,"aliases":[…]` of a named type.
fn header(j: &mut Json, doc: Option<&str>, aliases: &[String]) {
    if let Some(doc) = doc {
        j.raw(",\"doc\":");
        j.raw(&json::string(doc));
    }
    if !aliases.is_empty() {
        let list: Vec<String> = aliases.iter().map(|a| json::string(a)).collect();
        j.raw(&format!(",\"aliases\":[{}]", list.join(",")));
    }
}

/// `,"fields":[…]`.
fn record_fields(g: &Gen<'_>, j: &mut Json, fields: &[Field<'_>]) {
    let w = &g.w;
    j.raw(",\"fields\":[");
    for (i, f) in fields.iter().filter(|f| !f.attrs.skipped()).enumerate() {
        if i > 0 {
            j.raw(",");
        }
        j.raw("{\"name\":");
        j.raw(&json::string(&f.name));
        if let Some(doc) = f.attrs.doc() {
            j.raw(",\"doc\":");
            j.raw(&json::string(&doc));
        }
        if !f.attrs.aliases.is_empty() {
            let list: Vec<String> = f
                .attrs
                .aliases
                .iter()
                .map(|a| json::string(&a.value()))
                .collect();
            j.raw(&format!(",\"aliases\":[{}]", list.join(",")));
        }
        j.raw(",\"type\":");
        let v = g.via(f.ty);
        let (t, ws) = (&v.ty, &v.write_schema);
        j.code(quote!(#t::#ws(#w);));
        match &f.attrs.default {
            Some(d) => j.raw(&format!(",\"default\":{}", d.json)),
            None if f.is_option() => j.raw(",\"default\":null"),
            None => {}
        }
        j.raw("}");
    }
    j.raw("]");
}

/// Schema JSON being put together: literal text and code that writes more.
#[derive(Default)]
struct Json {
    parts: Vec<Part>,
}

enum Part {
    Raw(String),
    Code(TokenStream),
}

impl Json {
    /// Appends literal JSON, merged with the literal before it.
    fn raw(&mut self, s: &str) {
        match self.parts.last_mut() {
            Some(Part::Raw(text)) => text.push_str(s),
            _ => self.parts.push(Part::Raw(s.to_owned())),
        }
    }

    /// Appends code that writes JSON.
    fn code(&mut self, code: TokenStream) {
        self.parts.push(Part::Code(code));
    }

    fn into_code(self, w: &syn::Ident) -> TokenStream {
        let parts = self.parts.into_iter().map(|part| match part {
            Part::Raw(text) => quote!(#w.raw(#text);),
            Part::Code(code) => code,
        });
        quote!(#(#parts)*)
    }
}
