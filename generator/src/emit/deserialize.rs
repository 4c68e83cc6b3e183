//! `Deserialize` of plain structs through `runtime::de::FromMap`: one loop
//! over the keys instead of serde's derive, whose field enum and visitors
//! are about 150 lines of generic code per type that rustc checks whether
//! or not a program decodes the type (40 % of a large API's compile time).
//! Additional properties take the keys no field does. Structs the derive
//! still serves: those with flattened fields, and those the user adds
//! derives or attributes to (which may read serde's attributes).

use proc_macro2::TokenStream;
use quote::quote;

use super::models::default_path;
use super::{Context, SerdeTraits, ident, type_ident};
use crate::ir::{Presence, Struct, TypeDef, TypeId};
use crate::names::NameScope;

/// Whether the struct decodes through `FromMap` rather than the derive.
pub(super) fn uses_from_map(cx: &Context<'_>, id: TypeId, def: &TypeDef, s: &Struct) -> bool {
    let options = &cx.options;
    let customized = options.derives.iter().any(|(on, _)| on.matches(&def.name))
        || options
            .attributes
            .iter()
            .any(|(on, _)| on.matches(&def.name));
    SerdeTraits::of(cx, id).deserialize && !s.fields.iter().any(|f| f.flatten) && !customized
}

/// The `Deserialize` and `FromMap` impls of a struct.
pub(super) fn emit_from_map(
    cx: &Context<'_>,
    id: TypeId,
    def: &TypeDef,
    s: &Struct,
    gate: &TokenStream,
) -> TokenStream {
    let name = type_ident(&def.name);
    let wire_name = def.name.as_str();
    // The locals must not be taken by a field's slot.
    let mut locals = NameScope::default();
    for field in &s.fields {
        locals.reserve(&field.rust_name);
    }
    let map = ident(&locals.claim("map"));
    let key = ident(&locals.claim("key"));
    // Keys no field takes: skipped, or kept in the additional properties.
    let (additional, other_key, additional_value) = match &s.additional {
        None => (None, quote!(runtime::de::skip_value(&mut #map)), None),
        Some(_) => {
            let name = locals.claim("additional_properties");
            let local = ident(&name);
            // Field init shorthand where it can (clippy's `redundant_field_names`).
            let value = if name == "additional_properties" {
                quote!(#local,)
            } else {
                quote!(additional_properties: #local,)
            };
            (
                Some(quote!(let mut #local = std::collections::BTreeMap::new();)),
                quote!(runtime::de::insert_value(&mut #map, &mut #local, #key)),
                Some(value),
            )
        }
    };
    let slots: Vec<_> = s.fields.iter().map(|f| ident(&f.rust_name)).collect();
    let wires: Vec<&str> = s.fields.iter().map(|f| f.wire_name.as_str()).collect();
    let values = s.fields.iter().zip(&slots).map(|(field, slot)| {
        let value = match field.presence {
            Presence::Required | Presence::RequiredNullable => quote!(#slot.required()?),
            Presence::Optional | Presence::OptionalNullable => {
                match default_path(cx, id, def, field) {
                    Some(path) => quote!(#slot.or_else(#path)),
                    None => quote!(#slot.or_default()),
                }
            }
        };
        quote!(#slot: #value,)
    });
    let read = if s.fields.is_empty() && s.additional.is_none() {
        quote! {
            while #map.next_key::<runtime::serde::de::IgnoredAny>()?.is_some() {
                runtime::de::skip_value(&mut #map)?;
            }
        }
    } else {
        quote! {
            #(let mut #slots = runtime::de::Slot::new(#wires);)*
            #additional
            while let Some(#key) = #map.next_key::<runtime::de::Key>()? {
                // One `?` for all arms: each is a branch rustc type-checks
                // and borrow-checks (a sixth of the crate's time with one
                // per arm).
                match #key.as_str() {
                    #(#wires => #slots.read(&mut #map),)*
                    _ => #other_key,
                }?;
            }
        }
    };
    let allow_deprecated = s
        .fields
        .iter()
        .any(|f| f.deprecated.is_some())
        .then(|| quote!(#[allow(deprecated)]));
    quote! {
        #gate
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                runtime::de::from_map(deserializer)
            }
        }

        #gate
        #allow_deprecated
        impl<'de> runtime::de::FromMap<'de> for #name {
            const NAME: &'static str = #wire_name;

            fn from_map<A: runtime::de::MapAccess<'de>>(mut #map: A) -> Result<Self, A::Error> {
                #read
                Ok(Self { #(#values)* #additional_value })
            }
        }
    }
}
