//! Type definitions → structs (with a constructor and setters), aliases,
//! and the `defaults` module; enums, unions and constrained scalars have
//! modules of their own.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs::doc_attrs;
use super::rust_types::maybe_boxed;
use super::{Context, SerdeTraits, extra_derives, ident, rust_type, serde_crate, type_ident};
use crate::ir::{EnumLiteral, Field, Presence, Struct, TypeDef, TypeId, TypeKind, TypeRef};
use crate::names::NameScope;

/// Method names a struct has besides its setters (and trait methods a
/// setter must not shadow).
const STRUCT_METHODS: &[&str] = &[
    "new",
    "clone",
    "eq",
    "ne",
    "fmt",
    "hash",
    "serialize",
    "deserialize",
    "default",
    "validate",
    "into",
    "from",
    "to_owned",
    "to_string",
];

/// The type definitions `ids`; the last chunk also has the `defaults` module.
pub fn emit_models(cx: &Context<'_>, ids: &[TypeId], last: bool) -> Result<TokenStream, String> {
    let mut out = TokenStream::new();
    for &id in ids {
        out.extend(emit_type(cx, id));
    }
    if last {
        out.extend(defaults_module(cx));
    }
    Ok(out)
}

fn emit_type(cx: &Context<'_>, id: TypeId) -> TokenStream {
    let def = cx.api.def(id);
    // With features per tag, every item of the type carries its gate.
    let gate = cx.gates.type_gate(id);
    match &def.kind {
        TypeKind::Struct(s) => emit_struct(cx, id, def, s, &gate),
        TypeKind::Enum(e) => super::enums::emit_enum(cx, id, def, e, &gate),
        TypeKind::Union(u) => super::unions::emit_union(cx, id, def, u, &gate),
        TypeKind::Constrained(c) => super::constrained::emit_constrained(cx, id, def, c, &gate),
        TypeKind::Alias(ty) => {
            let name = type_ident(&def.name);
            let doc = doc_attrs([def.doc.as_deref()]);
            let ty = rust_type(cx.api, ty);
            quote! {
                #doc
                #gate
                pub type #name = #ty;
            }
        }
        TypeKind::External(_) => TokenStream::new(),
    }
}

fn field_type(cx: &Context<'_>, field: &Field) -> TokenStream {
    let ty = maybe_boxed(rust_type(cx.api, &field.ty), field.boxed);
    match field.presence {
        Presence::Required => ty,
        Presence::RequiredNullable | Presence::Optional => quote!(Option<#ty>),
        Presence::OptionalNullable => quote!(runtime::Nullable<#ty>),
    }
}

/// Whether a field's absent value is filled with its default on decoding:
/// optional fields of types the client does not send (decoding one and
/// sending it back must not turn "absent, the server decides" into an
/// explicit value).
fn fills_default(cx: &Context<'_>, id: TypeId, field: &Field) -> bool {
    field.presence == Presence::Optional
        && field.default.is_some()
        && !cx.api.usage.sent.contains(&id)
}

fn deprecated_attr(field: &Field) -> TokenStream {
    match &field.deprecated {
        None => TokenStream::new(),
        Some(d) => match &d.note {
            Some(note) => {
                let note = super::docs::clean_text(note);
                quote!(#[deprecated(note = #note)])
            }
            None => quote!(#[deprecated]),
        },
    }
}

fn emit_struct(
    cx: &Context<'_>,
    id: TypeId,
    def: &TypeDef,
    s: &Struct,
    gate: &TokenStream,
) -> TokenStream {
    let from_map = super::deserialize::uses_from_map(cx, id, def, s);
    // What the derive does; `FromMap` does the rest.
    let serde = SerdeTraits {
        deserialize: SerdeTraits::of(cx, id).deserialize && !from_map,
        ..SerdeTraits::of(cx, id)
    };
    let name = type_ident(&def.name);
    let doc = doc_attrs([def.doc.as_deref()]);
    let fields = s
        .fields
        .iter()
        .map(|field| struct_field(cx, id, def, field, serde));
    let additional = s.additional.as_ref().map(|value| {
        let value = rust_type(cx.api, value);
        let flatten = serde.any().then(|| quote!(#[serde(flatten)]));
        quote! {
            /// Properties not listed in the schema.
            #flatten
            pub additional_properties: std::collections::BTreeMap<String, #value>,
        }
    });
    let defaultable = s
        .fields
        .iter()
        .all(|f| f.presence != Presence::Required && !f.flatten);
    let mut derives = vec![quote!(Clone), quote!(Debug)];
    if defaultable {
        derives.push(quote!(Default));
    }
    derives.push(quote!(PartialEq));
    derives.extend(serde.derives());
    let (extra, attributes) = extra_derives(cx, &def.name);
    derives.extend(extra);
    let serde_crate = serde.any().then(serde_crate);
    let any_deprecated = s.fields.iter().any(|f| f.deprecated.is_some());
    let allow_deprecated = any_deprecated.then(|| quote!(#[allow(deprecated)]));
    let constructor = constructor(cx, def, s, defaultable);
    let deserialize = from_map.then(|| super::deserialize::emit_from_map(cx, id, def, s, gate));
    // `non_exhaustive`: a field the spec adds later breaks no struct literal
    // (there are none outside this crate); values are made with `new` and
    // the setters.
    quote! {
        #doc
        #gate
        #allow_deprecated
        #[derive(#(#derives),*)]
        #serde_crate
        #attributes
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #additional
        }

        #gate
        #allow_deprecated
        impl #name {
            #constructor
        }

        #deserialize
    }
}

fn struct_field(
    cx: &Context<'_>,
    id: TypeId,
    def: &TypeDef,
    field: &Field,
    serde: SerdeTraits,
) -> TokenStream {
    let field_name = ident(&field.rust_name);
    let ty = field_type(cx, field);
    let mut serde_args = Vec::new();
    if field.flatten {
        serde_args.push(quote!(flatten));
    } else if field.rust_name != field.wire_name && serde.any() {
        // Raw identifiers (`r#type`) keep their name on the wire: only a
        // real difference needs a rename.
        let wire = &field.wire_name;
        serde_args.push(quote!(rename = #wire));
    }
    let optional = matches!(
        field.presence,
        Presence::Optional | Presence::OptionalNullable
    );
    // `default` matters to decoding, `skip_serializing_if` to encoding:
    // each only where the type derives that direction.
    if optional && serde.deserialize {
        match default_function_name(cx, id, def, field) {
            Some(fn_name) => {
                let path = format!("defaults::{fn_name}");
                serde_args.push(quote!(default = #path));
            }
            None => serde_args.push(quote!(default)),
        }
    }
    if optional && serde.serialize {
        let is_absent = if field.presence == Presence::Optional {
            "Option::is_none"
        } else {
            "runtime::Nullable::is_absent"
        };
        serde_args.push(quote!(skip_serializing_if = #is_absent));
    }
    if serde.serialize && !field.flatten {
        serde_args.extend(super::rust_types::serialize_with(cx.api, &field.ty));
    }
    let serde_attr = (!serde_args.is_empty()).then(|| quote!(#[serde(#(#serde_args),*)]));
    let mut notes = Vec::new();
    if let Some(default) = &field.default {
        notes.push(format!(
            "Default: {}.",
            super::docs::code(&default.to_string())
        ));
    }
    if field.presence == Presence::OptionalNullable {
        notes.push("`Absent` leaves it out, `Null` sends `null`.".to_string());
    }
    let notes = notes.join(" ");
    let doc = doc_attrs([field.doc.as_deref(), Some(notes.as_str())]);
    let deprecated = deprecated_attr(field);
    quote! {
        #doc
        #deprecated
        #serde_attr
        pub #field_name: #ty,
    }
}

/// The function of `defaults` that fills the field when it is absent.
fn default_function_name(
    cx: &Context<'_>,
    id: TypeId,
    def: &TypeDef,
    field: &Field,
) -> Option<String> {
    let value = field
        .default
        .as_ref()
        .filter(|_| fills_default(cx, id, field))?;
    default_function(cx, def, field, value).map(|(name, _)| name)
}

/// `defaults::name`, the path of [`default_function_name`].
pub(super) fn default_path(
    cx: &Context<'_>,
    id: TypeId,
    def: &TypeDef,
    field: &Field,
) -> Option<TokenStream> {
    let name = format_ident!("{}", default_function_name(cx, id, def, field)?);
    Some(quote!(defaults::#name))
}

/// The arity past which clippy's `too_many_arguments` fires.
pub(super) const CLIPPY_MAX_ARGUMENTS: usize = 7;

/// `new` from the required fields, and a setter per optional field.
fn constructor(cx: &Context<'_>, def: &TypeDef, s: &Struct, defaultable: bool) -> TokenStream {
    let mut methods = NameScope::default();
    for reserved in STRUCT_METHODS {
        methods.reserve(reserved);
    }
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for field in &s.fields {
        let name = ident(&field.rust_name);
        let inner = maybe_boxed(rust_type(cx.api, &field.ty), false);
        let wrap = |value: TokenStream| {
            if field.boxed {
                quote!(Box::new(#value))
            } else {
                value
            }
        };
        match field.presence {
            Presence::Required => {
                args.push(quote!(#name: impl Into<#inner>));
                let value = wrap(quote!(#name.into()));
                inits.push(quote!(#name: #value,));
            }
            Presence::RequiredNullable => {
                args.push(quote!(#name: impl Into<Option<#inner>>));
                let value = if field.boxed {
                    quote!(#name.into().map(Box::new))
                } else {
                    quote!(#name.into())
                };
                inits.push(quote!(#name: #value,));
            }
            Presence::Optional => inits.push(quote!(#name: None,)),
            Presence::OptionalNullable => inits.push(quote!(#name: runtime::Nullable::Absent,)),
        }
    }
    if s.additional.is_some() {
        inits.push(quote!(additional_properties: std::collections::BTreeMap::new(),));
    }
    let type_name = &def.name;
    let has_optional = s.fields.iter().any(|f| !f.presence.is_required());
    let new_doc = match (args.is_empty(), has_optional) {
        (true, _) => format!(
            " A `{type_name}` with every field left out (set them with the methods named after them)."
        ),
        (false, true) => format!(
            " A `{type_name}` from its required fields; the optional ones are left out (set them with the methods named after them)."
        ),
        (false, false) => format!(" A `{type_name}` from its fields."),
    };
    let body = if defaultable && args.is_empty() {
        quote!(Self::default())
    } else {
        quote!(Self { #(#inits)* })
    };
    // A required field is an argument of `new` and a public field: a
    // setter would only repeat them.
    let setters = s
        .fields
        .iter()
        .filter(|field| !field.presence.is_required())
        .map(|field| setter(cx, &mut methods, field));
    // The spec requires that many fields: each is an argument, in the
    // order the schema lists them.
    let allow_arity =
        (args.len() > CLIPPY_MAX_ARGUMENTS).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let new_doc = super::docs::doc_literal(&new_doc);
    quote! {
        #[doc = #new_doc]
        #allow_arity
        pub fn new(#(#args),*) -> Self {
            #body
        }

        #(#setters)*
    }
}

/// The setter of an optional field: `Some` of the value, or for a nullable
/// one anything that converts into `runtime::Nullable`.
fn setter(cx: &Context<'_>, methods: &mut NameScope, field: &Field) -> TokenStream {
    let name = ident(&field.rust_name);
    let base = field.rust_name.as_str();
    let wanted = crate::names::setter_base(base, STRUCT_METHODS);
    let setter_name = methods.claim(&wanted);
    let setter = ident(&setter_name);
    let inner = rust_type(cx.api, &field.ty);
    let nullable = field.presence == Presence::OptionalNullable;
    let (arg, value) = match (nullable, field.boxed) {
        (false, false) => (quote!(impl Into<#inner>), quote!(Some(value.into()))),
        (false, true) => (
            quote!(impl Into<#inner>),
            quote!(Some(Box::new(value.into()))),
        ),
        (true, false) => (
            quote!(impl Into<runtime::Nullable<#inner>>),
            quote!(value.into()),
        ),
        (true, true) => (
            quote!(impl Into<runtime::Nullable<#inner>>),
            quote!(match value.into() {
                runtime::Nullable::Value(v) => runtime::Nullable::Value(Box::new(v)),
                runtime::Nullable::Null => runtime::Nullable::Null,
                runtime::Nullable::Absent => runtime::Nullable::Absent,
            }),
        ),
    };
    let doc = super::docs::doc_literal(&format!(" Sets `{}`.", field.rust_name));
    let deprecated = deprecated_attr(field);
    // A field that can only be present (`()`, a `null` schema) is set
    // without an argument.
    if field.ty == TypeRef::Unit && !nullable {
        return quote! {
            #[doc = #doc]
            #deprecated
            pub fn #setter(mut self) -> Self {
                self.#name = Some(());
                self
            }
        };
    }
    quote! {
        #[doc = #doc]
        #deprecated
        pub fn #setter(mut self, value: #arg) -> Self {
            self.#name = #value;
            self
        }
    }
}

fn defaults_module(cx: &Context<'_>) -> TokenStream {
    let mut functions = Vec::new();
    // Only defaults of model or runtime types need the parent's names.
    let mut naming_parent = Vec::new();
    for &id in &cx.order {
        let def = cx.api.def(id);
        let TypeKind::Struct(s) = &def.kind else {
            continue;
        };
        if !SerdeTraits::of(cx, id).deserialize {
            continue;
        }
        let gate = cx.gates.type_gate(id);
        for field in s.fields.iter().filter(|f| fills_default(cx, id, f)) {
            if let Some((_, function)) = field
                .default
                .as_ref()
                .and_then(|v| default_function(cx, def, field, v))
            {
                if !is_prelude_type(&field.ty) {
                    naming_parent.push(crate::features::User::Type(id));
                }
                functions.push(quote!(#gate #function));
            }
        }
    }
    if functions.is_empty() {
        return TokenStream::new();
    }
    let uses = (!naming_parent.is_empty()).then(|| {
        let gate = cx.gates.used_by(naming_parent);
        quote!(
            #gate
            use super::*;
        )
    });
    quote! {
        /// Values the spec gives as `default`, filled in when a field is absent.
        mod defaults {
            #uses
            #(#functions)*
        }
    }
}

/// Whether the Rust type is spelled with prelude names only (no model, no
/// `runtime::` path), so that it needs nothing imported.
fn is_prelude_type(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::String
        | TypeRef::Integer(_)
        | TypeRef::Float(_)
        | TypeRef::Boolean
        | TypeRef::Unit => true,
        TypeRef::Array(inner) | TypeRef::Map(inner) => is_prelude_type(inner),
        TypeRef::Tuple(items) => items.iter().all(is_prelude_type),
        _ => false,
    }
}

/// A function returning a field's `default`, or `None` when the value does
/// not fit the field's type (the doc still shows it).
fn default_function(
    cx: &Context<'_>,
    def: &TypeDef,
    field: &Field,
    value: &serde_json::Value,
) -> Option<(String, TokenStream)> {
    let ty = maybe_boxed(rust_type(cx.api, &field.ty), field.boxed);
    let expr = default_expr(cx, &field.ty, value)?;
    let expr = if field.boxed {
        quote!(Box::new(#expr))
    } else {
        expr
    };
    let fn_name = format!(
        "{}_{}",
        heck::ToSnakeCase::to_snake_case(def.name.as_str()),
        field.rust_name
    );
    let fn_ident = format_ident!("{}", fn_name);
    Some((
        fn_name,
        quote! {
            pub(super) fn #fn_ident() -> Option<#ty> {
                Some(#expr)
            }
        },
    ))
}

fn default_expr(cx: &Context<'_>, ty: &TypeRef, value: &serde_json::Value) -> Option<TokenStream> {
    use serde_json::Value as J;
    Some(match (ty, value) {
        (TypeRef::String, J::String(s)) => {
            let s = super::docs::string_literal(s);
            quote!(#s.to_string())
        }
        (TypeRef::Boolean, J::Bool(b)) => quote!(#b),
        (TypeRef::Integer(width), J::Number(n)) => {
            let n = n.as_i64()?;
            let fits = match width {
                crate::ir::IntegerWidth::I32 => i32::try_from(n).is_ok(),
                crate::ir::IntegerWidth::U32 => u32::try_from(n).is_ok(),
                crate::ir::IntegerWidth::U64 => n >= 0,
                crate::ir::IntegerWidth::I64 => true,
            };
            if !fits {
                return None;
            }
            let literal = Literal::i64_unsuffixed(n);
            quote!(#literal)
        }
        (TypeRef::Float(_), J::Number(n)) => {
            let literal = Literal::f64_unsuffixed(n.as_f64()?);
            quote!(#literal)
        }
        (TypeRef::Named(id), value) => {
            let def = cx.api.def(*id);
            let TypeKind::Enum(e) = &def.kind else {
                return None;
            };
            let variant = e.values.iter().find(|v| match (&v.wire, value) {
                (EnumLiteral::String(w), J::String(s)) => w == s,
                (EnumLiteral::Integer(w), J::Number(n)) => Some(*w) == n.as_i64(),
                _ => false,
            })?;
            let ty = type_ident(&def.name);
            let variant = format_ident!("{}", variant.rust_name);
            quote!(#ty::#variant)
        }
        (TypeRef::Array(_), J::Array(items)) if items.is_empty() => quote!(Vec::new()),
        _ => return None,
    })
}
