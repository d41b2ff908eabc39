//! `#[derive(Avro)]` (work in progress).
use proc_macro::TokenStream;

/// Derives `affinity_avro::Avro`.
#[proc_macro_derive(Avro, attributes(avro))]
pub fn derive_avro(input: TokenStream) -> TokenStream {
    let _ = input;
    TokenStream::new()
}
