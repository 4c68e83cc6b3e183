//! The Rust spelling of IR type references.

use proc_macro2::TokenStream;
use quote::quote;

use super::type_ident;
use crate::ir::{Api, FloatWidth, IntegerWidth, TypeId, TypeKind, TypeRef};

/// The Rust type of a type reference.
pub(crate) fn rust_type(api: &Api, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Integer(IntegerWidth::I32) => quote!(i32),
        TypeRef::Integer(IntegerWidth::I64) => quote!(i64),
        TypeRef::Integer(IntegerWidth::U32) => quote!(u32),
        TypeRef::Integer(IntegerWidth::U64) => quote!(u64),
        TypeRef::Float(FloatWidth::F32) => quote!(f32),
        TypeRef::Float(FloatWidth::F64) => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::DateTime => quote!(runtime::chrono::DateTime<runtime::chrono::Utc>),
        TypeRef::Date => quote!(runtime::chrono::NaiveDate),
        TypeRef::Uuid => quote!(runtime::uuid::Uuid),
        TypeRef::Bytes => quote!(runtime::Bytes),
        TypeRef::Json => quote!(runtime::serde_json::Value),
        TypeRef::Unit => quote!(()),
        TypeRef::Named(id) => type_name_of(api, *id),
        TypeRef::Array(inner) => {
            let inner = rust_type(api, inner);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(api, inner);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Tuple(items) => {
            let items = items.iter().map(|item| rust_type(api, item));
            quote!((#(#items,)*))
        }
    }
}

/// Whether the Rust type of `ty` holds `runtime::Bytes` where JSON writes it
/// (itself, in lists and maps, behind aliases): such fields and variants
/// serialize through `runtime::binary_as_text`, since `Bytes` alone writes
/// an array of numbers where the spec says string. (Named structs and
/// unions see to their own fields; tuples of bytes are left as they are.)
pub(crate) fn holds_bytes(api: &Api, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Bytes => true,
        TypeRef::Array(inner) | TypeRef::Map(inner) => holds_bytes(api, inner),
        TypeRef::Named(id) => match &api.def(*id).kind {
            TypeKind::Alias(inner) => holds_bytes(api, inner),
            _ => false,
        },
        _ => false,
    }
}

/// The `serialize_with` a field or variant of this type needs, if any.
pub(crate) fn serialize_with(api: &Api, ty: &TypeRef) -> Option<TokenStream> {
    holds_bytes(api, ty).then(|| quote!(serialize_with = "runtime::binary_as_text"))
}

/// A named type's path: its name, or the user's type that replaces it.
pub(crate) fn type_name_of(api: &Api, id: TypeId) -> TokenStream {
    let def = api.def(id);
    match &def.kind {
        TypeKind::External(path) => path.parse().unwrap_or_else(|_| {
            let name = type_ident(&def.name);
            quote!(#name)
        }),
        _ => {
            let name = type_ident(&def.name);
            quote!(#name)
        }
    }
}

/// A type wrapped in `Box` when `boxed`.
pub(crate) fn maybe_boxed(ty: TokenStream, boxed: bool) -> TokenStream {
    if boxed { quote!(Box<#ty>) } else { ty }
}
