//! What every part of the generated code shares: the path of the crate, the model, and the
//! names of the generated functions' locals.

use proc_macro2::{Span, TokenStream, TokenTree};
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
    /// The type's lifetime parameter: set, the derive implements `AvroBorrow<'a>` instead of
    /// `Avro`.
    pub(crate) borrow: Option<&'a syn::Lifetime>,
}

/// How generated code reaches a field type's codec: the trait-qualified type and the names of
/// the trait's items.
pub(crate) struct Via {
    /// `<T as Avro>` or `<T as AvroBorrow<'a>>`.
    pub(crate) ty: TokenStream,
    /// `MIN_SIZE` / `BORROW_MIN_SIZE`.
    pub(crate) min_size: Ident,
    /// `write_schema` / `write_borrow_schema`.
    pub(crate) write_schema: Ident,
    /// `encode` / `encode_borrow`.
    pub(crate) encode: Ident,
    /// `decode` / `decode_borrow`.
    pub(crate) decode: Ident,
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
            borrow: c.lifetime(),
        }
    }

    /// How to reach `ty`'s codec: through `AvroBorrow<'a>` when the type has a lifetime and
    /// `ty` mentions it, else through `Avro` (so owned field types, hand-written `Avro` impls
    /// included, work in borrowed types too).
    pub(crate) fn via(&self, ty: &syn::Type) -> Via {
        let krate = &self.krate;
        let id = |s: &str| Ident::new(s, Span::call_site());
        match self.borrow {
            Some(lt) if mentions(ty.to_token_stream(), &lt.ident) => Via {
                ty: quote!(<#ty as #krate::AvroBorrow<#lt>>),
                min_size: id("BORROW_MIN_SIZE"),
                write_schema: id("write_borrow_schema"),
                encode: id("encode_borrow"),
                decode: id("decode_borrow"),
            },
            _ => Via {
                ty: self.as_avro(ty),
                min_size: id("MIN_SIZE"),
                write_schema: id("write_schema"),
                encode: id("encode"),
                decode: id("decode"),
            },
        }
    }

    /// `<ty as Avro>`.
    pub(crate) fn as_avro(&self, ty: &syn::Type) -> TokenStream {
        let krate = &self.krate;
        quote!(<#ty as #krate::Avro>)
    }
}

/// Whether `tokens` mention the lifetime `'name`.
fn mentions(tokens: TokenStream, name: &Ident) -> bool {
    let mut after_quote = false;
    for tt in tokens {
        match tt {
            TokenTree::Punct(p) => after_quote = p.as_char() == '\'',
            TokenTree::Ident(i) => {
                if after_quote && &i == name {
                    return true;
                }
                after_quote = false;
            }
            TokenTree::Group(g) => {
                if mentions(g.stream(), name) {
                    return true;
                }
                after_quote = false;
            }
            TokenTree::Literal(_) => after_quote = false,
        }
    }
    false
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
