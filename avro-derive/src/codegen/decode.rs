//! `decode`: the fields in schema order, straight-line; records count against the reader's
//! depth bound.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::context::{Gen, local};
use crate::internals::ast::{Data, Field, Style, Variant};

/// The body of `decode`.
pub(crate) fn decode(g: &Gen<'_>) -> TokenStream {
    let r = &g.r;
    let ok = quote!(::core::result::Result::Ok);
    match &g.c.data {
        Data::Record(fields) => record(g, &quote!(Self), Style::Named, fields),
        Data::Transparent(f) => {
            let v = g.via(f.ty);
            let (t, dec) = (&v.ty, &v.decode);
            quote!(#ok(Self(#t::#dec(#r)?)))
        }
        Data::Fixed(..) => quote!(#ok(Self(#r.read_array()?))),
        Data::UnitEnum(variants) => {
            let n = variants.len();
            let ids: Vec<_> = variants.iter().map(|v| v.ident).collect();
            match ids.split_last() {
                Some((last, [])) => quote! {
                    #r.read_enum_index(#n)?;
                    #ok(Self::#last)
                },
                Some((last, rest)) => {
                    let indices = (0..rest.len()).map(Literal::usize_unsuffixed);
                    quote! {
                        #ok(match #r.read_enum_index(#n)? {
                            #(#indices => Self::#rest,)*
                            _ => Self::#last,
                        })
                    }
                }
                None => no_variants(),
            }
        }
        Data::Union(variants) => {
            let n = variants.len();
            let bodies: Vec<TokenStream> = variants.iter().map(|v| branch(g, v)).collect();
            match bodies.split_last() {
                Some((last, [])) => quote! {
                    #r.read_union_index(#n)?;
                    #last
                },
                Some((last, rest)) => {
                    let indices = (0..rest.len()).map(Literal::usize_unsuffixed);
                    quote! {
                        match #r.read_union_index(#n)? {
                            #(#indices => { #rest })*
                            _ => { #last }
                        }
                    }
                }
                None => no_variants(),
            }
        }
    }
}

/// Decodes the branch of variant `v`.
fn branch(g: &Gen<'_>, v: &Variant<'_>) -> TokenStream {
    let id = v.ident;
    match (v.style, v.fields.first()) {
        (Style::Newtype, Some(f)) => {
            let v = g.via(f.ty);
            let (t, dec) = (&v.ty, &v.decode);
            let r = &g.r;
            quote!(::core::result::Result::Ok(Self::#id(#t::#dec(#r)?)))
        }
        _ => record(g, &quote!(Self::#id), v.style, &v.fields),
    }
}

/// Decodes a record into `path { … }` / `path(…)` / `path`.
fn record(g: &Gen<'_>, path: &TokenStream, style: Style, fields: &[Field<'_>]) -> TokenStream {
    let r = &g.r;
    let value = local("value");
    let exprs = fields.iter().map(|f| {
        if f.attrs.skipped() {
            match &f.attrs.skip_default {
                Some(func) => quote!(#func()),
                None => quote!(::core::default::Default::default()),
            }
        } else {
            let v = g.via(f.ty);
            let (t, dec) = (&v.ty, &v.decode);
            quote!(#t::#dec(#r)?)
        }
    });
    let build = match style {
        Style::Unit => quote!(#path),
        Style::Tuple | Style::Newtype => quote!(#path(#(#exprs),*)),
        Style::Named => {
            let members = fields.iter().map(|f| &f.member);
            quote!(#path { #(#members: #exprs),* })
        }
    };
    quote! {
        #r.enter()?;
        let #value = #build;
        #r.leave();
        ::core::result::Result::Ok(#value)
    }
}

/// Never generated: an enum without variants is rejected before code generation.
fn no_variants() -> TokenStream {
    quote!(::core::compile_error!(
        "an enum without variants has no values to decode"
    ))
}
