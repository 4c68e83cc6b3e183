//! Open enums: a variant per listed value, and `Unrecognized` for any other
//! (kept as it came, sent back unchanged). One emitter for string and
//! integer enums.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs::doc_attrs;
use super::{Context, SerdeTraits, extra_derives, serde_crate, type_ident};
use crate::ir::{Enum, EnumLiteral, EnumWire, TypeDef, TypeId};
use crate::lower::UNKNOWN_VARIANT;

/// How one kind of enum spells its values.
struct Wire {
    /// The Rust type of a value (`String`, `i64`).
    ty: TokenStream,
    /// The serde `from`/`into` type name.
    serde_ty: &'static str,
}

impl Wire {
    fn of(wire: EnumWire) -> Wire {
        match wire {
            EnumWire::String => Wire {
                ty: quote!(String),
                serde_ty: "String",
            },
            EnumWire::Integer => Wire {
                ty: quote!(i64),
                serde_ty: "i64",
            },
        }
    }
}

fn literal(value: &EnumLiteral) -> Literal {
    match value {
        EnumLiteral::String(s) => Literal::string(s),
        EnumLiteral::Integer(n) => Literal::i64_unsuffixed(*n),
    }
}

pub fn emit_enum(
    cx: &Context<'_>,
    id: TypeId,
    def: &TypeDef,
    e: &Enum,
    gate: &TokenStream,
) -> TokenStream {
    let serde = SerdeTraits::of(cx, id);
    let name = type_ident(&def.name);
    let doc = doc_attrs([def.doc.as_deref()]);
    let unknown = format_ident!("{}", UNKNOWN_VARIANT);
    let wire = Wire::of(e.wire);
    let wire_ty = &wire.ty;
    let variants = e.values.iter().map(|v| {
        let variant = format_ident!("{}", v.rust_name);
        let text = match &v.wire {
            EnumLiteral::String(s) => super::docs::code(s),
            EnumLiteral::Integer(n) => format!("`{n}`"),
        };
        let doc = doc_attrs([Some(text.as_str()), v.doc.as_deref()]);
        quote!(#doc #variant,)
    });
    let to_wire = e.values.iter().map(|v| {
        let variant = format_ident!("{}", v.rust_name);
        let value = literal(&v.wire);
        quote!(Self::#variant => #value,)
    });
    let from_wire = e.values.iter().map(|v| {
        let variant = format_ident!("{}", v.rust_name);
        let value = literal(&v.wire);
        quote!(#value => Self::#variant,)
    });
    let mut derives = vec![quote!(Clone)];
    if e.wire == EnumWire::Integer {
        derives.push(quote!(Copy));
    }
    derives.extend([quote!(Debug), quote!(PartialEq), quote!(Eq), quote!(Hash)]);
    derives.extend(serde.derives());
    let (extra, attributes) = extra_derives(cx, &def.name);
    derives.extend(extra);
    let serde_attrs = serde.any().then(|| {
        let crate_attr = serde_crate();
        let from = wire.serde_ty;
        quote!(#crate_attr #[serde(from = #from, into = #from)])
    });
    let (accessor, from_match, into_body, display) = match e.wire {
        EnumWire::String => (
            quote! {
                /// The value on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(#to_wire)*
                        Self::#unknown(value) => value,
                    }
                }
            },
            quote! {
                match value.as_str() {
                    #(#from_wire)*
                    _ => Self::#unknown(value),
                }
            },
            quote! {
                match value {
                    #name::#unknown(value) => value,
                    known => known.as_str().to_string(),
                }
            },
            quote!(f.write_str(self.as_str())),
        ),
        EnumWire::Integer => (
            quote! {
                /// The value on the wire.
                pub fn value(self) -> i64 {
                    match self {
                        #(#to_wire)*
                        Self::#unknown(value) => value,
                    }
                }
            },
            quote! {
                match value {
                    #(#from_wire)*
                    _ => Self::#unknown(value),
                }
            },
            quote!(value.value()),
            quote!(write!(f, "{}", self.value())),
        ),
    };
    quote! {
        #doc
        #gate
        #[derive(#(#derives),*)]
        #serde_attrs
        #attributes
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this client does not know; kept as sent.
            #unknown(#wire_ty),
        }

        #gate
        impl #name {
            #accessor
        }

        #gate
        impl From<#wire_ty> for #name {
            fn from(value: #wire_ty) -> Self {
                #from_match
            }
        }

        #gate
        impl From<#name> for #wire_ty {
            fn from(value: #name) -> Self {
                #into_body
            }
        }

        #gate
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                #display
            }
        }
    }
}
