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

/// The `impl Avro` for `input`, or every error found in it.
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
    let schema_fn = schema::schema_fn(&g);
    let encode = encode::encode(&g);
    let decode = decode::decode(&g);
    let delta = delta::delta(&g);
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
    })
}
