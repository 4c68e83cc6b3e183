//! Stage 3: IR → Rust tokens, with `quote!`.
//!
//! `models` turns type definitions into structs and enums, `client` turns
//! operations into the `Client` methods. Nothing here knows about YAML.

mod client;
mod docs;
mod models;
mod validate;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{Api, FloatWidth, IntegerWidth, TypeRef};
use crate::names::needs_raw;

/// Where the generated module finds the client runtime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuntimeLocation {
    /// Inside the module, as `pub mod runtime { ... }`: one self-contained file.
    Embedded,
    /// A module the caller provides at this path (e.g. `crate::runtime`),
    /// imported with `use`, so that several generated modules share one copy.
    Import(String),
}

/// Which serde traits the generated types derive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SerdeDerives {
    /// Only what the API needs: `Serialize` on types the client sends,
    /// `Deserialize` on types it receives, both on types it does both with
    /// (and on types no operation uses). Half the serde code of `Both` for
    /// a typical API, so the crate compiles faster.
    #[default]
    AsUsed,
    /// Both traits on every type (to store or forward responses as JSON).
    Both,
}

/// Which optional crates the generated code uses, for a Cargo.toml.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Features {
    pub chrono: bool,
    pub uuid: bool,
}

/// The runtime's source, shipped inside the generator.
pub const RUNTIME_SOURCE: &str = include_str!("../../runtime/client_runtime.rs");

/// The parts of a generated module, in file order. Each part is emitted,
/// checked and formatted on its own (and so in parallel): token streams
/// cannot cross threads, strings can.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// Imports and the runtime (embedded or imported).
    Prelude,
    /// Part `part` (from 0) of `of` slices of the `Client` and its methods.
    Client { part: usize, of: usize },
    /// The per-operation enums and option structs.
    OperationTypes,
    /// Part `part` (from 0) of `of` equal slices of the models; the last
    /// one also has the `defaults` module.
    Models { part: usize, of: usize },
    /// The `Validate` impls.
    Validation,
}

/// The sections of a module, in file order, with the models cut into
/// `model_parts` slices (so that threads can share the work evenly).
pub fn sections(model_parts: usize) -> Vec<Section> {
    let of = model_parts.max(1);
    let mut sections = vec![Section::Prelude];
    sections.extend((0..of).map(|part| Section::Client { part, of }));
    sections.push(Section::OperationTypes);
    sections.extend((0..of).map(|part| Section::Models { part, of }));
    sections.push(Section::Validation);
    sections
}

/// Tokens of one section of the module.
pub fn emit_section(
    api: &Api,
    runtime: &RuntimeLocation,
    serde: SerdeDerives,
    section: Section,
) -> Result<TokenStream, String> {
    Ok(match section {
        Section::Prelude => {
            let runtime_items = match runtime {
                RuntimeLocation::Embedded => {
                    let file = syn::parse_file(RUNTIME_SOURCE)
                        .map_err(|e| format!("runtime source: {e}"))?;
                    let items = file.items;
                    quote! {
                        /// Support code shared by the client methods: errors, auth,
                        /// retries, encoding and validation helpers.
                        pub mod runtime {
                            #(#items)*
                        }
                    }
                }
                RuntimeLocation::Import(path) => {
                    let path: syn::Path =
                        syn::parse_str(path).map_err(|e| format!("runtime path `{path}`: {e}"))?;
                    quote! {
                        #[allow(unused_imports)]
                        use #path;
                    }
                }
            };
            quote! {
                #[allow(unused_imports)]
                use serde::{Deserialize, Serialize};

                #runtime_items
            }
        }
        Section::Client { part, of } => client::emit_client(api, part, of),
        Section::OperationTypes => client::emit_operation_types(api),
        Section::Models { part, of } => {
            let count = api.types.len();
            let range = count * part / of..count * (part + 1) / of;
            models::emit_models(api, serde, range)
        }
        Section::Validation => validate::emit_validation(api),
    })
}

/// Which optional crates the generated module needs.
pub fn features(api: &Api) -> Features {
    features_of(api)
}

fn features_of(api: &Api) -> Features {
    fn visit(ty: &TypeRef, features: &mut Features) {
        match ty {
            TypeRef::DateTime | TypeRef::Date => features.chrono = true,
            TypeRef::Uuid => features.uuid = true,
            TypeRef::Array(inner) | TypeRef::Map(inner) => visit(inner, features),
            _ => {}
        }
    }
    let mut features = Features::default();
    crate::ir::visit_type_refs(api, &mut |ty| visit(ty, &mut features));
    features
}

/// An identifier, raw where the name is a keyword.
pub(crate) fn ident(name: &str) -> Ident {
    if needs_raw(name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

pub(crate) fn type_ident(name: &str) -> Ident {
    format_ident!("{}", name)
}

/// The Rust spelling of a type reference.
pub(crate) fn rust_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Integer(IntegerWidth::I32) => quote!(i32),
        TypeRef::Integer(IntegerWidth::I64) => quote!(i64),
        TypeRef::Integer(IntegerWidth::U32) => quote!(u32),
        TypeRef::Integer(IntegerWidth::U64) => quote!(u64),
        TypeRef::Float(FloatWidth::F32) => quote!(f32),
        TypeRef::Float(FloatWidth::F64) => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        TypeRef::Date => quote!(chrono::NaiveDate),
        TypeRef::Uuid => quote!(uuid::Uuid),
        TypeRef::Bytes => quote!(runtime::Bytes),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::Unit => quote!(()),
        TypeRef::Named(name) => {
            let name = type_ident(name);
            quote!(#name)
        }
        TypeRef::Array(inner) => {
            let inner = rust_type(inner);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(inner);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
    }
}

/// Types that are `Copy` and so passed by value.
pub(crate) fn is_copy(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::Integer(_)
            | TypeRef::Float(_)
            | TypeRef::Boolean
            | TypeRef::DateTime
            | TypeRef::Date
            | TypeRef::Uuid
            | TypeRef::Unit
    )
}
