//! The derive's model of the input: which Avro shape the type takes, with its attributes parsed
//! and its Avro names resolved.

use syn::ext::IdentExt;
use syn::{DeriveInput, Expr, Fields, Generics, Ident, Member, Type};

use super::attr;
use super::ctxt::Ctxt;
use super::ty;

/// The type being derived.
pub(crate) struct Container<'a> {
    /// The Rust name.
    pub(crate) ident: &'a Ident,
    /// Its generics.
    pub(crate) generics: &'a Generics,
    /// `#[avro(...)]` on it.
    pub(crate) attrs: attr::Container,
    /// The Avro name: `name` if given, else the Rust name (before any generic suffix).
    pub(crate) name: String,
    /// Its shape.
    pub(crate) data: Data<'a>,
}

/// The Avro shape of the type.
pub(crate) enum Data<'a> {
    /// A struct with named fields, or a unit struct: a record.
    Record(Vec<Field<'a>>),
    /// A newtype: its field's schema and codec.
    Transparent(Field<'a>),
    /// A newtype over `[u8; N]` with `#[avro(fixed)]`: a named fixed of size `N`.
    Fixed(Field<'a>, &'a Expr),
    /// An enum whose variants are all units: an Avro enum.
    UnitEnum(Vec<Variant<'a>>),
    /// An enum with data: a union, one branch per variant.
    Union(Vec<Variant<'a>>),
}

/// How a variant holds its fields.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// `V { a: A }`.
    Named,
    /// `V(A, B)` (or `V()`).
    Tuple,
    /// `V(A)`: in a union, `A`'s schema itself.
    Newtype,
    /// `V`.
    Unit,
}

/// An enum variant.
pub(crate) struct Variant<'a> {
    /// The Rust name.
    pub(crate) ident: &'a Ident,
    /// `#[avro(...)]` on it.
    pub(crate) attrs: attr::Variant,
    /// The Avro name: `rename` if given, else the Rust name.
    pub(crate) name: String,
    /// How it holds its fields.
    pub(crate) style: Style,
    /// Its fields.
    pub(crate) fields: Vec<Field<'a>>,
}

/// A field of a struct or variant.
pub(crate) struct Field<'a> {
    /// How Rust reaches it: `x` or `0`.
    pub(crate) member: Member,
    /// Its Rust type.
    pub(crate) ty: &'a Type,
    /// `#[avro(...)]` on it.
    pub(crate) attrs: attr::Field,
    /// The Avro name: `rename` if given, else the Rust name, else `_0`, `_1`, ….
    pub(crate) name: String,
    /// The Rust name for messages: `x` or `0`.
    pub(crate) rust_name: String,
    /// The field, for spans.
    pub(crate) original: &'a syn::Field,
}

impl<'a> Container<'a> {
    /// Builds the model, recording what cannot be mapped in `cx`; `None` when the input is not
    /// a struct or enum at all.
    pub(crate) fn from_ast(cx: &mut Ctxt, input: &'a DeriveInput) -> Option<Self> {
        let attrs = attr::Container::parse(cx, &input.attrs);
        let name = attrs
            .name
            .as_ref()
            .map_or_else(|| input.ident.unraw().to_string(), syn::LitStr::value);
        let data = match &input.data {
            syn::Data::Struct(s) => struct_data(cx, &input.ident, &s.fields, &attrs),
            syn::Data::Enum(e) => {
                let variants: Vec<Variant<'a>> = e
                    .variants
                    .iter()
                    .map(|v| Variant::from_ast(cx, v))
                    .collect();
                if variants.is_empty() {
                    cx.error_spanned(
                        &input.ident,
                        "an enum without variants has no values to encode; add a variant",
                    );
                }
                if variants.iter().all(|v| v.style == Style::Unit) {
                    Data::UnitEnum(variants)
                } else {
                    Data::Union(variants)
                }
            }
            syn::Data::Union(u) => {
                cx.error_spanned(
                    u.union_token,
                    "#[derive(Avro)] does not support unions: Rust cannot tell which field is \
                     set; use an enum, which maps to an Avro union",
                );
                return None;
            }
        };
        Some(Container {
            ident: &input.ident,
            generics: &input.generics,
            attrs,
            name,
            data,
        })
    }

    /// The type's lifetime parameter, which borrowed fields borrow the input for (a second one
    /// is an error).
    pub(crate) fn lifetime(&self) -> Option<&'a syn::Lifetime> {
        self.generics.lifetimes().next().map(|l| &l.lifetime)
    }

    /// Whether the type has type or const parameters (one schema per instantiation).
    pub(crate) fn is_generic(&self) -> bool {
        self.generics.type_params().next().is_some()
            || self.generics.const_params().next().is_some()
    }
}

fn struct_data<'a>(
    cx: &mut Ctxt,
    ident: &Ident,
    fields: &'a Fields,
    attrs: &attr::Container,
) -> Data<'a> {
    let parsed = fields_from_ast(cx, fields);
    match fields {
        Fields::Named(_) | Fields::Unit => Data::Record(parsed),
        Fields::Unnamed(_) => {
            let mut parsed = parsed;
            match parsed.pop() {
                Some(field) if parsed.is_empty() => {
                    match (attrs.fixed.is_some(), ty::byte_array_len(field.ty)) {
                        (true, Some(len)) => Data::Fixed(field, len),
                        _ => Data::Transparent(field),
                    }
                }
                _ => {
                    cx.error_spanned(
                        ident,
                        "a tuple struct has no field names for an Avro record; name its fields \
                         (a newtype `struct X(T);` is mapped as `T`)",
                    );
                    Data::Record(Vec::new())
                }
            }
        }
    }
}

impl<'a> Variant<'a> {
    fn from_ast(cx: &mut Ctxt, v: &'a syn::Variant) -> Self {
        let attrs = attr::Variant::parse(cx, &v.attrs);
        let name = attrs
            .rename
            .as_ref()
            .map_or_else(|| v.ident.unraw().to_string(), syn::LitStr::value);
        let style = match &v.fields {
            Fields::Named(_) => Style::Named,
            Fields::Unnamed(u) if u.unnamed.len() == 1 => Style::Newtype,
            Fields::Unnamed(_) => Style::Tuple,
            Fields::Unit => Style::Unit,
        };
        Variant {
            ident: &v.ident,
            attrs,
            name,
            style,
            fields: fields_from_ast(cx, &v.fields),
        }
    }
}

fn fields_from_ast<'a>(cx: &mut Ctxt, fields: &'a Fields) -> Vec<Field<'a>> {
    fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let attrs = attr::Field::parse(cx, &f.attrs);
            let (member, rust_name) = match &f.ident {
                Some(id) => (Member::Named(id.clone()), id.unraw().to_string()),
                None => (Member::Unnamed(i.into()), i.to_string()),
            };
            let name = match (&attrs.rename, &f.ident) {
                (Some(r), _) => r.value(),
                (None, Some(_)) => rust_name.clone(),
                (None, None) => format!("_{i}"),
            };
            Field {
                member,
                ty: &f.ty,
                attrs,
                name,
                rust_name,
                original: f,
            }
        })
        .collect()
}

impl Field<'_> {
    /// The field as error messages name it.
    pub(crate) fn describe(&self) -> String {
        format!("field `{}`", self.rust_name)
    }

    /// Whether the field's type is `Option<T>` (a union with null first).
    pub(crate) fn is_option(&self) -> bool {
        ty::option_inner(self.ty).is_some()
    }
}
