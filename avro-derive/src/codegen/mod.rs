//! Generating the `Avro` implementation from the checked model.

mod context;
mod decode;
mod delta;
mod encode;
mod generics;
mod schema;

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::internals::ast::Container;
use crate::internals::check;
use crate::internals::ctxt::Ctxt;

pub(crate) use context::Gen;

/// The `impl Avro` and `impl AvroBorrow` for `input` (only the latter for a type with a
/// lifetime), or every error found in it.
pub(crate) fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let mut cx = Ctxt::default();
    let container = Container::from_ast(&mut cx, input);
    if let Some(c) = &container {
        check::check(&mut cx, c);
    }
    cx.check()?;
    let Some(c) = container else {
        return Ok(TokenStream::new());
    };
    let g = Gen::new(&c);
    let Gen {
        krate, w, out, r, ..
    } = &g;
    let ident = c.ident;
    let generics = generics::with_avro_bounds(c.generics, krate);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let min_size = schema::min_size(&g);
    let write_schema = schema::write_schema(&g);
    let encode = encode::encode(&g);
    let decode = decode::decode(&g);
    if let Some(lt) = g.borrow {
        // A type with a lifetime borrows from its input: `AvroBorrow<'a>` only.
        return Ok(quote! {
            #[automatically_derived]
            impl #impl_generics #krate::AvroBorrow<#lt> for #ident #ty_generics #where_clause {
                const BORROW_MIN_SIZE: usize = #min_size;

                fn write_borrow_schema(#w: &mut #krate::SchemaWriter) {
                    #write_schema
                }

                #[inline]
                fn encode_borrow(&self, #out: &mut ::std::vec::Vec<u8>) {
                    #encode
                }

                #[inline]
                fn decode_borrow(
                    #r: &mut #krate::binary::Reader<#lt>,
                ) -> ::core::result::Result<Self, #krate::DecodeError> {
                    #decode
                }
            }
        });
    }
    let schema_fn = schema::schema_fn(&g);
    let delta = delta::delta(&g);
    // An owned type also implements `AvroBorrow`, through `Avro`, so that it nests in
    // containers of borrowed types (`HashMap<&'a str, Owned>`).
    let borrow_lt: syn::Lifetime = syn::parse_quote!('__avro_de);
    let mut borrow_generics = generics.clone();
    borrow_generics.params.insert(
        0,
        syn::GenericParam::Lifetime(syn::LifetimeParam::new(borrow_lt.clone())),
    );
    let (borrow_impl_generics, _, _) = borrow_generics.split_for_impl();
    Ok(quote! {
        #[automatically_derived]
        impl #impl_generics #krate::Avro for #ident #ty_generics #where_clause {
            const MIN_SIZE: usize = #min_size;

            fn write_schema(#w: &mut #krate::SchemaWriter) {
                #write_schema
            }

            #schema_fn

            #[inline]
            fn encode(&self, #out: &mut ::std::vec::Vec<u8>) {
                #encode
            }

            #[inline]
            fn decode(
                #r: &mut #krate::binary::Reader<'_>,
            ) -> ::core::result::Result<Self, #krate::DecodeError> {
                #decode
            }

            #delta
        }

        #[automatically_derived]
        impl #borrow_impl_generics #krate::AvroBorrow<#borrow_lt> for #ident #ty_generics #where_clause {
            const BORROW_MIN_SIZE: usize = <Self as #krate::Avro>::MIN_SIZE;

            fn write_borrow_schema(#w: &mut #krate::SchemaWriter) {
                <Self as #krate::Avro>::write_schema(#w);
            }

            #[inline]
            fn encode_borrow(&self, #out: &mut ::std::vec::Vec<u8>) {
                <Self as #krate::Avro>::encode(self, #out);
            }

            #[inline]
            fn decode_borrow(
                #r: &mut #krate::binary::Reader<#borrow_lt>,
            ) -> ::core::result::Result<Self, #krate::DecodeError> {
                <Self as #krate::Avro>::decode(#r)
            }
        }
    })
}
