//! Constraints (`maxLength`, `pattern`, `minimum`, ...) → `runtime::Validate`
//! impls, checked by the client before a request is sent.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{Context, ident, type_ident};
use crate::ir::{Constraints, FloatWidth, Presence, Struct, TypeId, TypeKind, TypeRef, Union};

/// Whether a type reference holds something to check.
pub fn refers_to_validated(cx: &Context<'_>, ty: &TypeRef) -> bool {
    let mut found = false;
    ty.visit_named(&mut |id| found |= cx.api.usage.validated.contains(&id));
    found
}

pub fn emit_validation(cx: &Context<'_>, ids: &[TypeId]) -> TokenStream {
    let mut out = TokenStream::new();
    for &id in ids.iter().filter(|id| cx.api.usage.validated.contains(id)) {
        let def = cx.api.def(id);
        let (body, uses_path, deprecated) = match &def.kind {
            TypeKind::Struct(s) => struct_checks(cx, s),
            TypeKind::Union(u) => union_checks(cx, u),
            // Constrained types have their impl beside them; aliases are
            // checked through the type they name.
            _ => continue,
        };
        let name = type_ident(&def.name);
        let gate = cx.gates.type_gate(id);
        // Constraints that do not apply to the field's type give no check.
        let path = if uses_path {
            quote!(path)
        } else {
            quote!(_path)
        };
        // Checking a deprecated field is not a use of it.
        let allow = deprecated.then(|| quote!(#[allow(deprecated)]));
        out.extend(quote! {
            #gate
            #allow
            impl runtime::Validate for #name {
                fn validate(&self, #path: &str) -> Result<(), runtime::ValidationError> {
                    #body
                }
            }
        });
    }
    out
}

fn struct_checks(cx: &Context<'_>, s: &Struct) -> (TokenStream, bool, bool) {
    let mut checks = Vec::new();
    let mut deprecated = false;
    for field in &s.fields {
        let member = ident(&field.rust_name);
        let wire = &field.wire_name;
        let nested = refers_to_validated(cx, &field.ty);
        if field.flatten {
            if nested {
                checks.push(quote!(runtime::Validate::validate(&self.#member, path)?;));
            }
            continue;
        }
        // Only nested checks: the runtime's impls for `Option`, `Nullable`,
        // `Box`, `Vec` and maps look inside.
        let check = if field.constraints.is_empty() && nested {
            quote!(runtime::Validate::validate(&self.#member, &runtime::join_path(path, #wire))?;)
        } else {
            let inner = checks_for(
                cx,
                &field.ty,
                &field.constraints,
                quote!(value),
                &quote!(&path),
            );
            if inner.is_empty() {
                continue;
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
        };
        deprecated |= field.deprecated.is_some();
        checks.push(check);
    }
    let additional = s
        .additional
        .as_ref()
        .filter(|t| refers_to_validated(cx, t))
        .map(|_| quote! { runtime::Validate::validate(&self.additional_properties, path)?; });
    let uses_path = additional.is_some() || !checks.is_empty();
    (
        quote! { #(#checks)* #additional Ok(()) },
        uses_path,
        deprecated,
    )
}

fn union_checks(cx: &Context<'_>, u: &Union) -> (TokenStream, bool, bool) {
    let uses_path = u.variants.iter().any(|v| refers_to_validated(cx, &v.ty));
    let arms = u.variants.iter().map(|v| {
        let variant = type_ident(&v.rust_name);
        if v.ty == TypeRef::Unit && v.tag_stripped {
            quote!(Self::#variant => Ok(()),)
        } else if refers_to_validated(cx, &v.ty) {
            quote!(Self::#variant(value) => runtime::Validate::validate(value, path),)
        } else {
            quote!(Self::#variant(_) => Ok(()),)
        }
    });
    let catch_all = u.tag.as_ref().map(|_| quote!(_ => Ok(()),));
    (
        quote! { match self { #(#arms)* #catch_all } },
        uses_path,
        false,
    )
}

/// Checks of one value (`value` is an expression of type `&T`, `path` a
/// `&str` expression in scope); empty when there is nothing to check.
pub fn checks_for(
    cx: &Context<'_>,
    ty: &TypeRef,
    constraints: &Constraints,
    value: TokenStream,
    path: &TokenStream,
) -> TokenStream {
    let mut checks = Vec::new();
    let c = constraints;
    if matches!(ty, TypeRef::String) {
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
    if matches!(ty, TypeRef::Bytes) {
        if let Some(n) = c.min_length {
            checks.push(quote!(runtime::check_min_bytes(#path, #value.len(), #n)?;));
        }
        if let Some(n) = c.max_length {
            checks.push(quote!(runtime::check_max_bytes(#path, #value.len(), #n)?;));
        }
    }
    if matches!(ty, TypeRef::Integer(_) | TypeRef::Float(_)) {
        let as_f64 = if matches!(ty, TypeRef::Float(FloatWidth::F64)) {
            quote!(*#value)
        } else {
            quote!(*#value as f64)
        };
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
        let item_checks = checks_for(cx, item, &item_constraints, quote!(item), &quote!(&path));
        if !item_checks.is_empty() {
            checks.push(quote! {
                for (i, item) in #value.iter().enumerate() {
                    let path = format!("{}[{i}]", #path);
                    #item_checks
                }
            });
        }
    } else if refers_to_validated(cx, ty) {
        checks.push(quote!(runtime::Validate::validate(#value, #path)?;));
    }
    quote!(#(#checks)*)
}
