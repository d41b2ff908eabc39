//! Generic types: `T: Avro` bounds, and an Avro name per instantiation.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Generics, parse_quote};

use super::context::local;
use crate::internals::ast::Container;

/// `generics` with `T: Avro` added for every type parameter.
pub(crate) fn with_avro_bounds(generics: &Generics, krate: &TokenStream) -> Generics {
    let mut g = generics.clone();
    let params: Vec<_> = g.type_params().map(|p| p.ident.clone()).collect();
    let where_clause = g.make_where_clause();
    for p in params {
        where_clause.predicates.push(parse_quote!(#p: #krate::Avro));
    }
    g
}

/// Code evaluating to the Avro name of a generic type's instantiation, a `String`: the base
/// name, then `_` and each type argument's Rust name without its path (`Page_Item`,
/// `Pair_i64_String`, `Buf_16`), so that two instantiations in one schema are two named types.
pub(crate) fn instance_name(c: &Container<'_>) -> TokenStream {
    let base = &c.name;
    let name = local("name");
    let push = local("push_type_name");
    let parts = c.generics.params.iter().filter_map(|p| match p {
        syn::GenericParam::Type(t) => {
            let id = &t.ident;
            Some(quote!(#push(&mut #name, ::core::any::type_name::<#id>());))
        }
        syn::GenericParam::Const(k) => {
            let id = &k.ident;
            Some(quote!(#push(&mut #name, &::std::string::ToString::to_string(&#id));))
        }
        syn::GenericParam::Lifetime(_) => None,
    });
    let (ty, is_ident, rest, start, end, word, tail, ch) = (
        local("ty"),
        local("is_ident"),
        local("rest"),
        local("start"),
        local("end"),
        local("word"),
        local("tail"),
        local("c"),
    );
    quote! {{
        /// Appends `_` and each identifier of `ty` that is not a path prefix.
        fn #push(#name: &mut ::std::string::String, #ty: &str) {
            let #is_ident = |#ch: char| #ch.is_ascii_alphanumeric() || #ch == '_';
            let mut #rest = #ty;
            while let ::core::option::Option::Some(#start) = #rest.find(#is_ident) {
                #rest = &#rest[#start..];
                let #end = #rest.find(|#ch: char| !#is_ident(#ch)).unwrap_or(#rest.len());
                let (#word, #tail) = #rest.split_at(#end);
                if !#tail.starts_with("::") {
                    #name.push('_');
                    #name.push_str(#word);
                }
                #rest = #tail;
            }
        }
        let mut #name = ::std::string::String::from(#base);
        #(#parts)*
        #name
    }}
}
