//! What every part of the generated code shares: the path of the crate, the model, and the
//! names of the generated functions' locals.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::Ident;

use crate::internals::ast::Container;

/// The context of one expansion.
pub(crate) struct Gen<'a> {
    /// The type being derived.
    pub(crate) c: &'a Container<'a>,
    /// `::affinity_avro`, or the `crate` attribute's path.
    pub(crate) krate: TokenStream,
    /// The `SchemaWriter` parameter.
    pub(crate) w: Ident,
    /// The output buffer parameter.
    pub(crate) out: Ident,
    /// The `Reader` parameter.
    pub(crate) r: Ident,
    /// The old value of a delta.
    pub(crate) old: Ident,
    /// The new value of a delta.
    pub(crate) new: Ident,
}

impl<'a> Gen<'a> {
    pub(crate) fn new(c: &'a Container<'a>) -> Self {
        let krate = match &c.attrs.krate {
            Some(path) => path.to_token_stream(),
            None => quote!(::affinity_avro),
        };
        Gen {
            c,
            krate,
            w: local("w"),
            out: local("out"),
            r: local("r"),
            old: local("old"),
            new: local("new"),
        }
    }

    /// `<ty as Avro>`.
    pub(crate) fn as_avro(&self, ty: &syn::Type) -> TokenStream {
        let krate = &self.krate;
        quote!(<#ty as #krate::Avro>)
    }
}

/// A local variable of the generated code: `__name`, with mixed-site hygiene so that no local
/// of the user's can capture it. (Hygiene does not keep a pattern from naming a constant in
/// scope, hence the prefix no constant is likely to have.)
pub(crate) fn local(name: &str) -> Ident {
    Ident::new(&format!("__{name}"), Span::mixed_site())
}

/// The local holding field `i` while a value is taken apart or built.
pub(crate) fn field_local(i: usize) -> Ident {
    local(&format!("f{i}"))
}
