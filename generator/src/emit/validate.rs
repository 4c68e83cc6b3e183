//! Constraints (`maxLength`, `pattern`, `minimum`, ...) → `runtime::Validate`
//! impls, checked by the client before a request is sent.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{ident, type_ident};
use crate::ir::{Api, Constraints, Presence, TypeKind, TypeRef, refers_to};

pub fn emit_validation(api: &Api) -> TokenStream {
    let set = &api.usage.validated;
    let impls = api.types.iter().filter(|d| set.contains(&d.name)).filter_map(|def| {
        let name = type_ident(&def.name);
        let uses_path;
        let body = match &def.kind {
            TypeKind::Struct(s) => {
                let checks: Vec<TokenStream> = s.fields.iter().map(|field| {
                    let member = ident(&field.rust_name);
                    let wire = &field.wire_name;
                    // Only nested checks: the runtime's impls for `Option`,
                    // `Nullable`, `Box`, `Vec` and maps look inside.
                    if field.constraints.is_empty() && refers_to(&field.ty, set) {
                        return quote! {
                            runtime::Validate::validate(&self.#member, &runtime::join_path(path, #wire))?;
                        };
                    }
                    let inner = checks_for(&field.ty, &field.constraints, quote!(value), &quote!(&path), set);
                    if inner.is_empty() {
                        return quote!();
                    }
                    let with_path = quote! {
                        let path = runtime::join_path(path, #wire);
                        #inner
                    };
                    match field.presence {
                        Presence::Required => quote! { { let value = &self.#member; #with_path } },
                        Presence::Optional | Presence::RequiredNullable => {
                            quote! { if let Some(value) = &self.#member { #with_path } }
                        }
                        Presence::OptionalNullable => {
                            quote! { if let runtime::Nullable::Value(value) = &self.#member { #with_path } }
                        }
                    }
                }).collect();
                let additional = s.additional.as_ref().filter(|t| refers_to(t, set)).map(|_| {
                    quote! { runtime::Validate::validate(&self.additional_properties, path)?; }
                });
                uses_path = additional.is_some() || checks.iter().any(|c| !c.is_empty());
                quote! { #(#checks)* #additional Ok(()) }
            }
            TypeKind::Union(u) => {
                uses_path = u.variants.iter().any(|v| refers_to(&v.ty, set));
                let arms = u.variants.iter().map(|v| {
                    let variant = type_ident(&v.rust_name);
                    if v.ty == TypeRef::Unit {
                        quote!(Self::#variant => Ok(()),)
                    } else if refers_to(&v.ty, set) {
                        quote!(Self::#variant(value) => runtime::Validate::validate(value, path),)
                    } else {
                        quote!(Self::#variant(_) => Ok(()),)
                    }
                });
                let catch_all = u.tag.as_ref().map(|_| quote!(_ => Ok(()),));
                quote! { match self { #(#arms)* #catch_all } }
            }
            // Aliases are checked through the type they name.
            TypeKind::Alias(_) | TypeKind::StringEnum(_) | TypeKind::IntegerEnum(_) => return None,
        };
        // Constraints that do not apply to the field's type give no check.
        let path = if uses_path { quote!(path) } else { quote!(_path) };
        Some(quote! {
            impl runtime::Validate for #name {
                fn validate(&self, #path: &str) -> Result<(), runtime::ValidationError> {
                    #body
                }
            }
        })
    });
    let mut out = TokenStream::new();
    out.extend(impls);
    out
}

/// Checks of one value (`value` is an expression of type `&T`, `path` a
/// `String` in scope); empty when there is nothing to check.
pub fn checks_for(
    ty: &TypeRef,
    constraints: &Constraints,
    value: TokenStream,
    path: &TokenStream,
    set: &BTreeSet<String>,
) -> TokenStream {
    let mut checks = Vec::new();
    let c = constraints;
    let is_text = matches!(ty, TypeRef::String);
    let is_number = matches!(ty, TypeRef::Integer(_) | TypeRef::Float(_));
    if is_text {
        if let Some(n) = c.min_length {
            checks.push(quote!(runtime::check_min_length(#path, #value, #n)?;));
        }
        if let Some(n) = c.max_length {
            checks.push(quote!(runtime::check_max_length(#path, #value, #n)?;));
        }
        if let (Some(pattern), Some(regex)) = (&c.pattern, &c.pattern_regex) {
            checks.push(quote!(runtime::check_pattern(#path, #value, #pattern, #regex)?;));
        }
    }
    let as_f64 = if matches!(ty, TypeRef::Float(crate::ir::FloatWidth::F64)) {
        quote!(*#value)
    } else {
        quote!(*#value as f64)
    };
    if is_number {
        if let Some(min) = c.minimum {
            let min = Literal::f64_suffixed(min);
            let exclusive = c.exclusive_minimum;
            checks.push(quote!(runtime::check_minimum(#path, #as_f64, #min, #exclusive)?;));
        }
        if let Some(max) = c.maximum {
            let max = Literal::f64_suffixed(max);
            let exclusive = c.exclusive_maximum;
            checks.push(quote!(runtime::check_maximum(#path, #as_f64, #max, #exclusive)?;));
        }
        if let Some(factor) = c.multiple_of {
            let factor = Literal::f64_suffixed(factor);
            checks.push(quote!(runtime::check_multiple_of(#path, #as_f64, #factor)?;));
        }
    }
    if let TypeRef::Array(item) = ty {
        if let Some(n) = c.min_items {
            checks.push(quote!(runtime::check_min_items(#path, #value.len(), #n)?;));
        }
        if let Some(n) = c.max_items {
            checks.push(quote!(runtime::check_max_items(#path, #value.len(), #n)?;));
        }
        let item_constraints = c.items.as_deref().cloned().unwrap_or_default();
        let item_checks = checks_for(item, &item_constraints, quote!(item), &quote!(&path), set);
        if !item_checks.is_empty() {
            checks.push(quote! {
                for (i, item) in #value.iter().enumerate() {
                    let path = format!("{}[{i}]", #path);
                    #item_checks
                }
            });
        }
    } else if refers_to(ty, set) {
        checks.push(quote!(runtime::Validate::validate(#value, #path)?;));
    }
    quote!(#(#checks)*)
}
