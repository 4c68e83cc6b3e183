//! Type definitions → structs, open enums, unions and aliases.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::SerdeDerives;
use super::docs::doc_attrs;
use super::{ident, rust_type, type_ident};
use crate::ir::{
    Api, EnumValue, Field, Presence, Struct, TypeDef, TypeKind, TypeRef, Union, Usage,
};
use crate::lower::UNKNOWN_VARIANT;

/// The type definitions with index in `range` (so that slices can be
/// emitted in parallel); the `defaults` module comes with the last slice.
pub fn emit_models(api: &Api, serde: SerdeDerives, range: std::ops::Range<usize>) -> TokenStream {
    let usage = &api.usage;
    let last = range.end >= api.types.len();
    // Moved into the output, not interpolated: `quote!` would copy them.
    let mut out = TokenStream::new();
    out.extend(
        api.types[range.start..range.end.min(api.types.len())]
            .iter()
            .map(|def| emit_type(api, def, usage, serde_traits(usage, &def.name, serde))),
    );
    let defaults = if last {
        default_functions(api, usage)
    } else {
        Vec::new()
    };
    let defaults_module = if defaults.is_empty() {
        quote!()
    } else {
        quote! {
            /// Values the spec gives as `default`, filled in when a field is absent.
            mod defaults {
                #[allow(unused_imports)]
                use super::*;
                #(#defaults)*
            }
        }
    };
    out.extend(defaults_module);
    out
}

/// Whether a field's absent value is filled with its default on decoding:
/// optional fields of types the client does not send (decoding one and
/// sending it back must not turn "absent, the server decides" into an
/// explicit value).
fn fills_default(def: &TypeDef, field: &Field, usage: &Usage) -> bool {
    field.presence == Presence::Optional
        && field.default.is_some()
        && !usage.sent.contains(&def.name)
}

fn default_functions(api: &Api, usage: &Usage) -> Vec<TokenStream> {
    let mut functions = Vec::new();
    for def in &api.types {
        let TypeKind::Struct(s) = &def.kind else {
            continue;
        };
        for field in s.fields.iter().filter(|f| fills_default(def, f, usage)) {
            if let Some((_, function)) =
                default_function(api, def, field, field.default.as_ref().expect("checked"))
            {
                functions.push(function);
            }
        }
    }
    functions
}

/// The serde traits one type derives.
#[derive(Clone, Copy)]
struct SerdeTraits {
    serialize: bool,
    deserialize: bool,
}

impl SerdeTraits {
    /// `Serialize, Deserialize` (or one of them), for a derive list.
    fn derives(self) -> TokenStream {
        match (self.serialize, self.deserialize) {
            (true, true) => quote!(Serialize, Deserialize),
            (true, false) => quote!(Serialize),
            (false, true) => quote!(Deserialize),
            (false, false) => quote!(),
        }
    }
}

fn serde_traits(usage: &Usage, name: &str, serde: SerdeDerives) -> SerdeTraits {
    match serde {
        // Types no operation uses, and what they contain, get both:
        // nothing tells which one is wanted.
        SerdeDerives::AsUsed => SerdeTraits {
            serialize: usage.encodes(name),
            deserialize: usage.decodes(name),
        },
        SerdeDerives::Both => SerdeTraits {
            serialize: true,
            deserialize: true,
        },
    }
}

fn emit_type(api: &Api, def: &TypeDef, usage: &Usage, serde: SerdeTraits) -> TokenStream {
    let name = type_ident(&def.name);
    let doc = doc_attrs([def.doc.as_deref()]);
    match &def.kind {
        TypeKind::Struct(s) => emit_struct(api, def, s, usage, serde),
        TypeKind::StringEnum(values) => emit_string_enum(def, values, serde),
        TypeKind::IntegerEnum(values) => emit_integer_enum(def, values, serde),
        TypeKind::Union(u) => emit_union(def, u, serde),
        TypeKind::Alias(ty) => {
            let ty = rust_type(ty);
            quote! {
                #doc
                pub type #name = #ty;
            }
        }
    }
}

fn field_type(field: &Field) -> TokenStream {
    let mut ty = rust_type(&field.ty);
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    match field.presence {
        Presence::Required => ty,
        Presence::RequiredNullable | Presence::Optional => quote!(Option<#ty>),
        Presence::OptionalNullable => quote!(runtime::Nullable<#ty>),
    }
}

fn emit_struct(
    api: &Api,
    def: &TypeDef,
    s: &Struct,
    usage: &Usage,
    serde: SerdeTraits,
) -> TokenStream {
    let serde_derives = serde.derives();
    let response_only = usage.is_response_only(&def.name);
    let name = type_ident(&def.name);
    let doc = doc_attrs([def.doc.as_deref()]);
    let all_optional = s.fields.iter().all(|f| f.presence != Presence::Required);
    let fields = s.fields.iter().map(|field| {
        let field_name = ident(&field.rust_name);
        let ty = field_type(field);
        let mut serde_args = Vec::new();
        // serde strips `r#` itself, so only a real difference needs a rename.
        if field.rust_name != field.wire_name {
            let wire = &field.wire_name;
            serde_args.push(quote!(rename = #wire));
        }
        let default_fn = field
            .default
            .as_ref()
            .filter(|_| fills_default(def, field, usage))
            .and_then(|value| default_function(api, def, field, value));
        // `default` matters to decoding, `skip_serializing_if` to encoding:
        // each only where the type derives that direction.
        let optional = matches!(
            field.presence,
            Presence::Optional | Presence::OptionalNullable
        );
        if optional && serde.deserialize {
            match default_fn {
                Some((fn_name, _)) => {
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
        let serde_attr = if serde_args.is_empty() {
            quote!()
        } else {
            quote!(#[serde(#(#serde_args),*)])
        };
        let mut notes = Vec::new();
        if let Some(default) = &field.default {
            notes.push(format!("Default: `{default}`."));
        }
        if field.presence == Presence::OptionalNullable {
            notes.push("`Absent` leaves it out, `Null` sends `null`.".to_string());
        }
        let notes = notes.join(" ");
        let doc = doc_attrs([field.doc.as_deref(), Some(notes.as_str())]);
        let deprecated = if field.deprecated {
            quote!(#[deprecated])
        } else {
            quote!()
        };
        quote! {
            #doc
            #deprecated
            #serde_attr
            pub #field_name: #ty,
        }
    });
    let additional = s.additional.as_ref().map(|value| {
        let value = rust_type(value);
        quote! {
            /// Properties not listed in the schema.
            #[serde(flatten)]
            pub additional_properties: std::collections::BTreeMap<String, #value>,
        }
    });
    let derive_default = if all_optional {
        quote!(Default,)
    } else {
        quote!()
    };
    let allow_deprecated = if s.fields.iter().any(|f| f.deprecated) {
        quote!(#[allow(deprecated)])
    } else {
        quote!()
    };
    // Response-only types may gain fields in a later spec without breaking
    // anyone: nobody outside builds them with a struct literal.
    let non_exhaustive = if response_only {
        quote!(#[non_exhaustive])
    } else {
        quote!()
    };
    quote! {
        #doc
        #allow_deprecated
        #[derive(Clone, Debug, #derive_default PartialEq, #serde_derives)]
        #non_exhaustive
        pub struct #name {
            #(#fields)*
            #additional
        }
    }
}

/// A function returning a field's `default`, or `None` when the value does
/// not fit the field's type (the doc still shows it).
fn default_function(
    api: &Api,
    def: &TypeDef,
    field: &Field,
    value: &serde_json::Value,
) -> Option<(String, TokenStream)> {
    let mut ty = rust_type(&field.ty);
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    let expr = default_expr(api, &field.ty, value)?;
    let expr = if field.boxed {
        quote!(Box::new(#expr))
    } else {
        expr
    };
    let fn_name = format!(
        "{}_{}",
        heck::ToSnakeCase::to_snake_case(def.name.as_str()),
        field.rust_name.trim_start_matches("r#")
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

fn default_expr(api: &Api, ty: &TypeRef, value: &serde_json::Value) -> Option<TokenStream> {
    use serde_json::Value as J;
    Some(match (ty, value) {
        (TypeRef::String, J::String(s)) => quote!(#s.to_string()),
        (TypeRef::Boolean, J::Bool(b)) => quote!(#b),
        (TypeRef::Integer(_), J::Number(n)) => {
            let literal = Literal::i64_unsuffixed(n.as_i64()?);
            quote!(#literal)
        }
        (TypeRef::Float(_), J::Number(n)) => {
            let literal = Literal::f64_unsuffixed(n.as_f64()?);
            quote!(#literal)
        }
        (TypeRef::Named(name), J::String(s)) => {
            let def = api.types.iter().find(|t| &t.name == name)?;
            let TypeKind::StringEnum(values) = &def.kind else {
                return None;
            };
            let variant = values.iter().find(|v| &v.wire == s)?;
            let ty = type_ident(name);
            let variant = format_ident!("{}", variant.rust_name);
            quote!(#ty::#variant)
        }
        (TypeRef::Named(name), J::Number(n)) => {
            let def = api.types.iter().find(|t| &t.name == name)?;
            let TypeKind::IntegerEnum(values) = &def.kind else {
                return None;
            };
            let variant = values.iter().find(|v| Some(v.wire) == n.as_i64())?;
            let ty = type_ident(name);
            let variant = format_ident!("{}", variant.rust_name);
            quote!(#ty::#variant)
        }
        (TypeRef::Array(_), J::Array(items)) if items.is_empty() => quote!(Vec::new()),
        _ => return None,
    })
}

fn emit_string_enum(
    def: &TypeDef,
    values: &[EnumValue<String>],
    serde: SerdeTraits,
) -> TokenStream {
    let serde_derives = serde.derives();
    let name = type_ident(&def.name);
    let doc = doc_attrs([def.doc.as_deref()]);
    let unknown = format_ident!("{}", UNKNOWN_VARIANT);
    let variants = values.iter().map(|v| {
        let variant = format_ident!("{}", v.rust_name);
        let wire_doc = format!(" `{}`", v.wire);
        quote!(#[doc = #wire_doc] #variant,)
    });
    let to_wire = values.iter().map(|v| {
        let variant = format_ident!("{}", v.rust_name);
        let wire = &v.wire;
        quote!(Self::#variant => #wire,)
    });
    let from_wire = values.iter().map(|v| {
        let variant = format_ident!("{}", v.rust_name);
        let wire = &v.wire;
        quote!(#wire => Self::#variant,)
    });
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, Eq, Hash, #serde_derives)]
        #[serde(from = "String", into = "String")]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this client does not know; kept as sent.
            #unknown(String),
        }

        impl #name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::#unknown(value) => value,
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#from_wire)*
                    _ => Self::#unknown(value),
                }
            }
        }

        impl From<#name> for String {
            fn from(value: #name) -> Self {
                match value {
                    #name::#unknown(value) => value,
                    known => known.as_str().to_string(),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

fn emit_integer_enum(def: &TypeDef, values: &[EnumValue<i64>], serde: SerdeTraits) -> TokenStream {
    let serde_derives = serde.derives();
    let name = type_ident(&def.name);
    let doc = doc_attrs([def.doc.as_deref()]);
    let unknown = format_ident!("{}", UNKNOWN_VARIANT);
    let variants = values.iter().map(|v| {
        let variant = format_ident!("{}", v.rust_name);
        let wire_doc = format!(" `{}`", v.wire);
        quote!(#[doc = #wire_doc] #variant,)
    });
    let to_wire = values.iter().map(|v| {
        let variant = format_ident!("{}", v.rust_name);
        let wire = Literal::i64_unsuffixed(v.wire);
        quote!(Self::#variant => #wire,)
    });
    let from_wire = values.iter().map(|v| {
        let variant = format_ident!("{}", v.rust_name);
        let wire = Literal::i64_unsuffixed(v.wire);
        quote!(#wire => Self::#variant,)
    });
    quote! {
        #doc
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, #serde_derives)]
        #[serde(from = "i64", into = "i64")]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this client does not know; kept as sent.
            #unknown(i64),
        }

        impl #name {
            /// The value on the wire.
            pub fn value(self) -> i64 {
                match self {
                    #(#to_wire)*
                    Self::#unknown(value) => value,
                }
            }
        }

        impl From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #(#from_wire)*
                    _ => Self::#unknown(value),
                }
            }
        }

        impl From<#name> for i64 {
            fn from(value: #name) -> Self {
                value.value()
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.value())
            }
        }
    }
}

fn emit_union(def: &TypeDef, union: &Union, serde: SerdeTraits) -> TokenStream {
    let name = type_ident(&def.name);
    let doc = doc_attrs([def.doc.as_deref()]);
    let variant_decls = union.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.rust_name);
        let tag_doc = match (&union.tag, v.tag_values.as_slice()) {
            (Some(tag), [value]) => Some(format!("`{tag}`: `{value}`.")),
            (Some(tag), values) if !values.is_empty() => Some(format!(
                "`{tag}`: {}.",
                values
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            _ => None,
        };
        let doc = doc_attrs([v.doc.as_deref(), tag_doc.as_deref()]);
        if v.ty == TypeRef::Unit {
            return quote!(#doc #variant,);
        }
        let mut ty = rust_type(&v.ty);
        if v.boxed {
            ty = quote!(Box<#ty>);
        }
        quote!(#doc #variant(#ty),)
    });
    let Some(tag) = &union.tag else {
        let serde_derives = serde.derives();
        return quote! {
            #doc
            #[derive(Clone, Debug, PartialEq, #serde_derives)]
            #[serde(untagged)]
            #[non_exhaustive]
            pub enum #name {
                #(#variant_decls)*
            }
        };
    };
    // Tagged: decode by the tag; an unknown tag is kept as raw JSON
    // instead of failing, and encodes back unchanged.
    let unknown = format_ident!("{}", UNKNOWN_VARIANT);
    let decode_arms = union.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.rust_name);
        let values = &v.tag_values;
        let value = if v.ty == TypeRef::Unit {
            quote!(Ok(Self::#variant))
        } else {
            let wrap = if v.boxed {
                quote!(|inner| Self::#variant(Box::new(inner)))
            } else {
                quote!(Self::#variant)
            };
            if v.tag_stripped {
                quote!(runtime::decode_without_tag(value, #tag).map(#wrap))
            } else {
                quote!(serde_json::from_value(value).map(#wrap).map_err(serde::de::Error::custom))
            }
        };
        quote!(Some(#(#values)|*) => #value,)
    });
    let encode_arms = union.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.rust_name);
        match (v.tag_stripped, v.tag_values.first()) {
            (true, Some(value)) if v.ty == TypeRef::Unit => {
                quote!(Self::#variant => runtime::encode_with_tag(serializer, #tag, #value, &()),)
            }
            (true, Some(value)) => {
                quote!(Self::#variant(inner) => runtime::encode_with_tag(serializer, #tag, #value, inner),)
            }
            _ => quote!(Self::#variant(inner) => inner.serialize(serializer),),
        }
    });
    let serialize_impl = serde.serialize.then(|| {
        quote! {
            impl Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    match self {
                        #(#encode_arms)*
                        Self::#unknown(value) => value.serialize(serializer),
                    }
                }
            }
        }
    });
    let deserialize_impl = serde.deserialize.then(|| {
        quote! {
            impl<'de> Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = serde_json::Value::deserialize(deserializer)?;
                    match value.get(#tag).and_then(serde_json::Value::as_str) {
                        #(#decode_arms)*
                        _ => Ok(Self::#unknown(value)),
                    }
                }
            }
        }
    });
    let tag_doc = format!("Selected by the `{tag}` property.");
    let doc = doc_attrs([def.doc.as_deref(), Some(tag_doc.as_str())]);
    let unknown_doc = format!(" A `{tag}` value this client does not know; kept as sent.");
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_decls)*
            #[doc = #unknown_doc]
            #unknown(serde_json::Value),
        }

        #serialize_impl
        #deserialize_impl
    }
}
