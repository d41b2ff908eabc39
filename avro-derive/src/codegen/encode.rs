//! `encode`: the fields in schema order, straight-line, through each field type's own `encode`.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::context::{Gen, field_local};
use crate::internals::ast::{Data, Field, Style, Variant};

/// The body of `encode`.
pub(crate) fn encode(g: &Gen<'_>) -> TokenStream {
    let out = &g.out;
    match &g.c.data {
        Data::Record(fields) => {
            let writes: Vec<TokenStream> = fields
                .iter()
                .filter(|f| !f.attrs.skipped())
                .map(|f| {
                    let m = &f.member;
                    let v = g.via(f.ty);
                    let (t, enc) = (&v.ty, &v.encode);
                    quote!(#t::#enc(&self.#m, #out);)
                })
                .collect();
            if writes.is_empty() {
                quote!(let _ = #out;)
            } else {
                quote!(#(#writes)*)
            }
        }
        Data::Transparent(f) => {
            let v = g.via(f.ty);
            let (t, enc) = (&v.ty, &v.encode);
            quote!(#t::#enc(&self.0, #out);)
        }
        Data::Fixed(..) => quote!(#out.extend_from_slice(&self.0);),
        Data::UnitEnum(variants) => {
            let n = variants.len();
            let arms = variants.iter().enumerate().map(|(i, v)| {
                let id = v.ident;
                let index = index_literal(i, n);
                quote!(Self::#id => #index,)
            });
            let index = quote!(match self { #(#arms)* });
            write_index(g, n, &index)
        }
        Data::Union(variants) => {
            let n = variants.len();
            let arms = variants.iter().enumerate().map(|(i, v)| {
                let pattern = pattern(v);
                let index = write_index(g, n, &index_literal(i, n));
                let fields = v
                    .fields
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| !f.attrs.skipped());
                let writes = fields.map(|(j, f)| {
                    let v = g.via(f.ty);
                    let (t, enc) = (&v.ty, &v.encode);
                    let local = field_local(j);
                    quote!(#t::#enc(#local, #out);)
                });
                quote!(#pattern => { #index #(#writes)* })
            });
            quote!(match self { #(#arms)* })
        }
    }
}

/// A pattern for variant `v` binding each field that is encoded to `f0`, `f1`, ….
pub(crate) fn pattern(v: &Variant<'_>) -> TokenStream {
    let id = v.ident;
    let bind = |j: usize, f: &Field<'_>| {
        if f.attrs.skipped() {
            quote!(_)
        } else {
            let local = field_local(j);
            quote!(#local)
        }
    };
    match v.style {
        Style::Unit => quote!(Self::#id),
        Style::Tuple | Style::Newtype => {
            let binds = v.fields.iter().enumerate().map(|(j, f)| bind(j, f));
            quote!(Self::#id(#(#binds),*))
        }
        Style::Named => {
            let binds = v
                .fields
                .iter()
                .enumerate()
                .filter(|(_, f)| !f.attrs.skipped())
                .map(|(j, f)| {
                    let m = &f.member;
                    let b = bind(j, f);
                    quote!(#m: #b)
                });
            let rest = if v.fields.iter().any(|f| f.attrs.skipped()) {
                quote!(..)
            } else {
                quote!()
            };
            quote!(Self::#id { #(#binds,)* #rest })
        }
    }
}

/// The literal for union or symbol index `i` of `n`: the encoded byte itself (`2 * i`, a
/// zig-zag `long` of one byte) when every index fits one byte, else the index.
fn index_literal(i: usize, n: usize) -> Literal {
    if n <= 64 {
        Literal::u8_suffixed((2 * i) as u8)
    } else {
        Literal::i64_suffixed(i as i64)
    }
}

/// Writes an index given as [`index_literal`]s.
fn write_index(g: &Gen<'_>, n: usize, index: &impl quote::ToTokens) -> TokenStream {
    let out = &g.out;
    let krate = &g.krate;
    if n <= 64 {
        quote!(#out.push(#index);)
    } else {
        quote!(#krate::binary::write_long(#out, #index);)
    }
}
