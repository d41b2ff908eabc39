//! Deltas (`write_delta`, `write_field_delta`, `apply_delta`) of records, byte for byte the
//! format of `affinity_avro::delta`: a bitmap of `ceil(n / 8)` bytes, bit `i` (byte `i / 8`,
//! bit `i % 8` from the least significant) set iff field `i` changed, then each changed field's
//! nested delta (a record) or full encoding (anything else) — which is what each field type's
//! own `write_field_delta` writes.
//!
//! Newtypes delegate to their field; enums, unions and fixed keep the trait's defaults (the
//! new value in full).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::context::{Gen, local};
use crate::internals::ast::{Data, Field};

/// The delta methods, or nothing where the trait's defaults are right.
pub(crate) fn delta(g: &Gen<'_>) -> TokenStream {
    match &g.c.data {
        Data::Record(fields) => {
            let fields: Vec<&Field<'_>> = fields.iter().filter(|f| !f.attrs.skipped()).collect();
            record(g, &fields)
        }
        Data::Transparent(f) => transparent(g, f),
        Data::Fixed(..) | Data::UnitEnum(_) | Data::Union(_) => TokenStream::new(),
    }
}

fn transparent(g: &Gen<'_>, f: &Field<'_>) -> TokenStream {
    let Gen {
        krate,
        out,
        r,
        old,
        new,
        ..
    } = g;
    let t = g.as_avro(f.ty);
    quote! {
        fn write_delta(#old: &Self, #new: &Self, #out: &mut ::std::vec::Vec<u8>) {
            #t::write_delta(&#old.0, &#new.0, #out);
        }

        fn write_field_delta(#old: &Self, #new: &Self, #out: &mut ::std::vec::Vec<u8>) -> bool {
            #t::write_field_delta(&#old.0, &#new.0, #out)
        }

        fn apply_delta(
            &mut self,
            #r: &mut #krate::binary::Reader<'_>,
        ) -> ::core::result::Result<(), #krate::DecodeError> {
            #t::apply_delta(&mut self.0, #r)
        }
    }
}

fn record(g: &Gen<'_>, fields: &[&Field<'_>]) -> TokenStream {
    let Gen {
        krate,
        out,
        r,
        old,
        new,
        ..
    } = g;
    let n = fields.len();
    let bytes = n.div_ceil(8);
    let start = local("start");
    let bits = local("bits");
    let extra = local("extra");
    let changed = local("changed");
    let byte_local = local("byte");
    let ok = quote!(::core::result::Result::Ok);
    if n == 0 {
        // An empty bitmap, nothing else: the delta is empty and never "changed".
        return quote! {
            fn write_delta(#old: &Self, #new: &Self, #out: &mut ::std::vec::Vec<u8>) {
                let _ = (#old, #new, #out);
            }

            fn write_field_delta(#old: &Self, #new: &Self, #out: &mut ::std::vec::Vec<u8>) -> bool {
                let _ = (#old, #new, #out);
                false
            }

            fn apply_delta(
                &mut self,
                #r: &mut #krate::binary::Reader<'_>,
            ) -> ::core::result::Result<(), #krate::DecodeError> {
                #r.enter()?;
                #r.leave();
                #ok(())
            }
        };
    }
    let writes = fields.iter().enumerate().map(|(i, f)| {
        let m = &f.member;
        let t = g.as_avro(f.ty);
        let index = if i < 8 {
            quote!(#start)
        } else {
            let byte = Literal::usize_unsuffixed(i / 8);
            quote!(#start + #byte)
        };
        let bit = Literal::u8_unsuffixed(1 << (i % 8));
        quote! {
            if #t::write_field_delta(&#old.#m, &#new.#m, #out) {
                #out[#index] |= #bit;
            }
        }
    });
    let applies = fields.iter().enumerate().map(|(i, f)| {
        let m = &f.member;
        let t = g.as_avro(f.ty);
        let byte = Literal::usize_unsuffixed(i / 8);
        let bit = Literal::u8_unsuffixed(1 << (i % 8));
        quote! {
            if #bits[#byte] & #bit != 0 {
                #t::apply_delta(&mut self.#m, #r)?;
            }
        }
    });
    // Bits past the last field, in the last byte.
    let check = if n.is_multiple_of(8) {
        TokenStream::new()
    } else {
        let last = Literal::usize_unsuffixed(bytes - 1);
        let mask = Literal::u8_unsuffixed(!((1u8 << (n % 8)) - 1));
        let message = format!("bit {{}} is set, but record `{}` has {n} fields", g.c.name);
        let first_bit = (bytes - 1) * 8;
        let position = if first_bit == 0 {
            quote!(#extra.trailing_zeros() as usize)
        } else {
            quote!(#first_bit + #extra.trailing_zeros() as usize)
        };
        quote! {
            let #extra = #bits[#last] & #mask;
            if #extra != 0 {
                return ::core::result::Result::Err(#krate::DecodeError::InvalidDelta(
                    ::std::format!(#message, #position),
                ));
            }
        }
    };
    let bytes_lit = Literal::usize_unsuffixed(bytes);
    quote! {
        fn write_delta(#old: &Self, #new: &Self, #out: &mut ::std::vec::Vec<u8>) {
            let #start = #out.len();
            #out.extend_from_slice(&[0u8; #bytes_lit]);
            #(#writes)*
        }

        fn write_field_delta(#old: &Self, #new: &Self, #out: &mut ::std::vec::Vec<u8>) -> bool {
            let #start = #out.len();
            <Self as #krate::Avro>::write_delta(#old, #new, #out);
            let #changed = #out[#start..#start + #bytes_lit]
                .iter()
                .any(|#byte_local| *#byte_local != 0);
            if !#changed {
                #out.truncate(#start);
            }
            #changed
        }

        fn apply_delta(
            &mut self,
            #r: &mut #krate::binary::Reader<'_>,
        ) -> ::core::result::Result<(), #krate::DecodeError> {
            #r.enter()?;
            let #bits: [u8; #bytes_lit] = #r.read_array()?;
            #check
            #(#applies)*
            #r.leave();
            #ok(())
        }
    }
}
