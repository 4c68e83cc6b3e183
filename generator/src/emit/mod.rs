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

/// The runtime as a module inside a self-contained file, after the
/// prelude. Its source is already formatted (CI runs rustfmt on it) and
/// has no string literal that spans lines (a test checks), so it is
/// indented as text rather than parsed and printed again: that would cost
/// more than the rest of a small API's module.
pub fn embedded_runtime() -> String {
    let mut out = String::with_capacity(RUNTIME_SOURCE.len() + RUNTIME_SOURCE.len() / 8);
    out.push_str(
        "/// Support code shared by the client methods: errors, auth, retries,\n\
         /// encoding and validation helpers.\n\
         pub mod runtime {\n",
    );
    for line in RUNTIME_SOURCE.lines() {
        if !line.is_empty() {
            out.push_str("    ");
            out.push_str(line);
        }
        out.push('\n');
    }
    out.push_str("}\n");
    out
}

/// The parts of a generated module, in file order. Each part is emitted,
/// checked and formatted on its own (and so in parallel): token streams
/// cannot cross threads, strings can.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// Imports (and the runtime's, when it is not embedded).
    Prelude,
    /// The `Client` methods of operations `start..end`; the slice that
    /// starts at 0 also has the `Client` type, its constructors and setters.
    Client { start: usize, end: usize },
    /// The per-operation enums and option structs.
    OperationTypes,
    /// The type definitions `start..end`; the last slice also has the
    /// `defaults` module.
    Models { start: usize, end: usize },
    /// The `Validate` impls.
    Validation,
}

/// The sections of a module, in file order, with the client and the models
/// each cut into `slices` slices of about the same amount of output, so
/// that threads can share the work evenly.
pub fn sections(api: &Api, slices: usize) -> Vec<Section> {
    let mut sections = vec![Section::Prelude];
    let operations = slice_bounds(api.operations.iter().map(operation_weight), slices);
    sections.extend(
        operations
            .into_iter()
            .map(|(start, end)| Section::Client { start, end }),
    );
    sections.push(Section::OperationTypes);
    let types = slice_bounds(api.types.iter().map(type_weight), slices);
    sections.extend(
        types
            .into_iter()
            .map(|(start, end)| Section::Models { start, end }),
    );
    sections.push(Section::Validation);
    sections
}

/// Cuts a list into at most `slices` consecutive ranges of about equal
/// total weight: one empty range for an empty list, else no empty range.
fn slice_bounds(weights: impl Iterator<Item = usize>, slices: usize) -> Vec<(usize, usize)> {
    let weights: Vec<usize> = weights.collect();
    let slices = slices.max(1);
    let total: usize = weights.iter().sum();
    let mut bounds = Vec::with_capacity(slices);
    let (mut start, mut sum) = (0, 0);
    for (i, weight) in weights.iter().enumerate() {
        sum += weight;
        // The end of slice k is where the running sum first reaches its share.
        if bounds.len() + 1 < slices && sum * slices >= total * (bounds.len() + 1) {
            bounds.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < weights.len() || bounds.is_empty() {
        bounds.push((start, weights.len()));
    }
    bounds
}

/// About how much output an operation's method makes (in lines).
fn operation_weight(op: &crate::ir::Operation) -> usize {
    let doc_lines = |doc: &Option<String>| doc.as_deref().map_or(0, |d| d.lines().count());
    16 + 3 * op.params.len()
        + 2 * op.responses.len()
        + usize::from(op.body.is_some()) * 3
        + doc_lines(&op.summary)
        + doc_lines(&op.description)
}

/// About how much output a type definition makes (in lines).
fn type_weight(def: &crate::ir::TypeDef) -> usize {
    use crate::ir::TypeKind;
    let doc = def.doc.as_deref().map_or(0, |d| d.lines().count());
    doc + match &def.kind {
        TypeKind::Struct(s) => {
            4 + s
                .fields
                .iter()
                .map(|f| 2 + f.doc.as_deref().map_or(0, |d| d.lines().count()))
                .sum::<usize>()
        }
        TypeKind::StringEnum(values) => 30 + 4 * values.len(),
        TypeKind::IntegerEnum(values) => 30 + 4 * values.len(),
        TypeKind::Union(u) => 12 + 6 * u.variants.len(),
        TypeKind::Alias(_) => 2,
    }
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
            let runtime_import = match runtime {
                // The runtime follows as text, see `embedded_runtime`.
                RuntimeLocation::Embedded => TokenStream::new(),
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

                #runtime_import
            }
        }
        Section::Client { start, end } => client::emit_client(api, start..end),
        Section::OperationTypes => client::emit_operation_types(api),
        Section::Models { start, end } => models::emit_models(api, serde, start..end),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Indenting the runtime as text is only safe while no literal in it
    /// spans lines (indenting would change the literal's value).
    #[test]
    fn the_runtime_has_no_literal_that_spans_lines() {
        fn check(tokens: TokenStream) {
            for token in tokens {
                match token {
                    proc_macro2::TokenTree::Literal(literal) => {
                        let text = literal.to_string();
                        assert!(
                            !text.contains('\n'),
                            "multi-line literal in the runtime: {text}"
                        );
                    }
                    proc_macro2::TokenTree::Group(group) => check(group.stream()),
                    _ => {}
                }
            }
        }
        check(RUNTIME_SOURCE.parse().expect("the runtime lexes"));
    }

    #[test]
    fn slices_cover_the_list_in_order_without_empty_ones() {
        assert_eq!(slice_bounds([].into_iter(), 4), vec![(0, 0)]);
        assert_eq!(slice_bounds([5].into_iter(), 4), vec![(0, 1)]);
        assert_eq!(
            slice_bounds([1, 1, 1, 1].into_iter(), 2),
            vec![(0, 2), (2, 4)]
        );
        // A heavy item ends a slice: the rest share the others.
        assert_eq!(
            slice_bounds([1, 1, 10, 1, 1].into_iter(), 3),
            vec![(0, 3), (3, 4), (4, 5)]
        );
        assert_eq!(
            slice_bounds([10, 1, 1, 1, 1].into_iter(), 2),
            vec![(0, 1), (1, 5)]
        );
        for slices in 1..6 {
            let bounds = slice_bounds((0..17).map(|i| i % 5 + 1), slices);
            assert!(bounds.len() <= slices);
            assert_eq!(bounds.first().unwrap().0, 0);
            assert_eq!(bounds.last().unwrap().1, 17);
            assert!(bounds.windows(2).all(|w| w[0].1 == w[1].0));
            assert!(bounds.iter().all(|(start, end)| start < end));
        }
    }

    #[test]
    fn the_embedded_runtime_is_the_runtime_inside_a_module() {
        let file = syn::parse_file(&embedded_runtime()).expect("parses");
        let [syn::Item::Mod(module)] = &file.items[..] else {
            panic!("one module expected");
        };
        assert_eq!(module.ident, "runtime");
        let inner = &module.content.as_ref().expect("inline module").1;
        let original = syn::parse_file(RUNTIME_SOURCE).expect("parses").items;
        assert_eq!(inner, &original);
    }
}
