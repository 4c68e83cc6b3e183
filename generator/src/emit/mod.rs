//! Stage 3: IR → Rust tokens, with `quote!`. Nothing here knows about YAML.
//!
//! A module is emitted in sections of fixed size (so many operations, so
//! many types), each a list of complete items: whatever the number of
//! threads that emit them, the sections and so the output are the same.
//! `models`, `enums`, `unions` and `constrained` make the types; `client`
//! the `Client`; `methods` its operation methods; `builders` (with
//! `request`, `decode`, `paging`) the request builders; `shared_decoders`
//! the decoders operations have in common; `operation_types` the
//! per-operation enums; `validate` the checks; `mock` the typed mocks.

mod builders;
mod client;
mod constrained;
mod decode;
mod deserialize;
mod doc_inline;
mod docs;
mod enums;
mod methods;
mod mock;
mod models;
mod operation_types;
mod paging;
mod request;
mod rust_types;
mod shared_decoders;
mod unions;
mod validate;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{Api, TypeId, TypeRef, visit_type_refs};
use crate::names::needs_raw;

pub use docs::clean_text as clean_doc;
pub(crate) use docs::{code, doc_literal, inline_prose};
pub(crate) use rust_types::rust_type;

/// Where the generated module finds the client runtime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuntimeLocation {
    /// The `openapi-rustgen-runtime` crate, by this path (by default
    /// `::openapi_rustgen_runtime`): a build script's module, or a crate
    /// that depends on the runtime crate.
    Crate(String),
    /// A copy of the runtime at this module path (such as
    /// `crate::runtime`), for a crate with no dependency on ours.
    Vendored(String),
}

impl Default for RuntimeLocation {
    fn default() -> Self {
        RuntimeLocation::Crate(DEFAULT_RUNTIME_PATH.to_string())
    }
}

/// The runtime crate's path when it is a dependency under its own name.
pub const DEFAULT_RUNTIME_PATH: &str = "::openapi_rustgen_runtime";

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

/// Whether the module has typed mock servers (`mock` module).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Mocks {
    #[default]
    None,
    /// Always there (the crate using the module enables the runtime's
    /// `mock` feature).
    Always,
    /// Behind this Cargo feature of the generated crate.
    Feature(String),
}

/// Which types an extra derive or attribute goes on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeSelector {
    All,
    Named(String),
}

impl TypeSelector {
    fn matches(&self, name: &str) -> bool {
        match self {
            TypeSelector::All => true,
            TypeSelector::Named(n) => n == name,
        }
    }
}

/// How to emit a module.
#[derive(Clone, Debug, Default)]
pub struct EmitOptions {
    pub runtime: RuntimeLocation,
    pub serde: SerdeDerives,
    /// Extra derives, as paths (`schemars::JsonSchema`).
    pub derives: Vec<(TypeSelector, String)>,
    /// Extra attributes, as written inside `#[...]` (`serde(deny_unknown_fields)`).
    pub attributes: Vec<(TypeSelector, String)>,
    pub mocks: Mocks,
    /// Gate each operation (and the types only it uses) behind a Cargo
    /// feature per tag (`features.rs`), named with this prefix (none when
    /// empty).
    pub tag_features: Option<String>,
}

/// Which optional runtime features the generated module uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Features {
    pub chrono: bool,
    pub uuid: bool,
}

/// Operations per section of methods: each section is one `impl Client`
/// block, so this shapes the output.
pub const OPERATIONS_PER_SECTION: usize = 24;
/// Operations per section of builder impls, and types per section of
/// models: these sections are independent items, so their size only sets
/// how evenly threads share the work (a section's fixed cost is a few
/// microseconds; small ones let even a small API use every core) and how
/// much memory a section's tokens and syntax take at once: models in
/// slices of 4 rather than 12 fault in 150-200 fewer pages and generate
/// 3-8 % quicker (bench/compare.py, BENCHMARKS.md).
pub const BUILDERS_PER_SECTION: usize = 4;
pub const TYPES_PER_SECTION: usize = 4;

/// The parts of a generated module, in file order. Each part is a list of
/// complete items, emitted, checked and formatted on its own (and so in
/// parallel); the module is the parts one after the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    /// Imports and feature checks.
    Prelude,
    /// The `Client` type, its constructors and setters.
    Client,
    /// Operation methods of one chunk of operations (an `impl Client`).
    Methods(usize),
    /// The `builder` module: every request builder type.
    BuilderTypes,
    /// The builders' impls, statics and decoders of one chunk.
    BuilderImpls(usize),
    /// Per-operation success and error enums of one chunk, and the shared
    /// error enums and decoders with the first.
    OperationTypes(usize),
    /// Types of one chunk (by name), and the `defaults` module with the last.
    Models(usize),
    /// `Validate` impls of one chunk of types.
    Validation(usize),
    /// The `mock` module: a typed mock per operation.
    Mocks,
}

/// Every section of a module, in file order.
pub fn sections(api: &Api, options: &EmitOptions) -> Vec<Section> {
    let op_chunks = chunks(api.operations.len(), OPERATIONS_PER_SECTION);
    let builder_chunks = chunks(api.operations.len(), BUILDERS_PER_SECTION);
    let type_chunks = chunks(api.types.len(), TYPES_PER_SECTION);
    let mut sections = vec![Section::Prelude, Section::Client];
    sections.extend((0..op_chunks).map(Section::Methods));
    if op_chunks > 0 {
        sections.push(Section::BuilderTypes);
    }
    sections.extend((0..builder_chunks).map(Section::BuilderImpls));
    sections.extend((0..op_chunks.max(1)).map(Section::OperationTypes));
    sections.extend((0..type_chunks.max(1)).map(Section::Models));
    sections.extend((0..type_chunks).map(Section::Validation));
    if options.mocks != Mocks::None {
        sections.push(Section::Mocks);
    }
    sections
}

impl Section {
    /// About how much work the section is, in operations or types: threads
    /// take the largest sections first, so that no large one is left to run
    /// alone at the end.
    pub fn weight(self, api: &Api) -> usize {
        let ops = api.operations.len();
        match self {
            Section::Prelude | Section::Client | Section::Mocks => 1,
            Section::BuilderTypes => ops / 4,
            Section::Methods(chunk) => range(ops, OPERATIONS_PER_SECTION, chunk).len() / 2,
            // A builder's impls are about twice a type's lines.
            Section::BuilderImpls(chunk) => range(ops, BUILDERS_PER_SECTION, chunk).len() * 2,
            Section::OperationTypes(chunk) => range(ops, OPERATIONS_PER_SECTION, chunk).len() / 4,
            Section::Models(chunk) => range(api.types.len(), TYPES_PER_SECTION, chunk).len(),
            Section::Validation(chunk) => {
                range(api.types.len(), TYPES_PER_SECTION, chunk).len() / 8
            }
        }
    }
}

fn chunks(len: usize, size: usize) -> usize {
    len.div_ceil(size)
}

fn range(len: usize, size: usize, chunk: usize) -> std::ops::Range<usize> {
    (chunk * size).min(len)..((chunk + 1) * size).min(len)
}

/// What every emitter of one module shares: the API, the options, and
/// facts computed once.
pub struct Context<'a> {
    pub api: &'a Api,
    pub options: &'a EmitOptions,
    /// Types in file order (by name).
    pub order: Vec<TypeId>,
    pub features: Features,
    pub gates: crate::features::Gates,
    pub decoders: shared_decoders::SharedDecoders,
}

impl<'a> Context<'a> {
    pub fn new(api: &'a Api, options: &'a EmitOptions) -> Self {
        Context {
            api,
            options,
            order: api.ids_by_name(),
            features: features(api),
            gates: crate::features::Gates::of(api, options.tag_features.as_deref()),
            decoders: shared_decoders::SharedDecoders::of(api),
        }
    }
}

/// Tokens of one section.
pub fn emit_section(cx: &Context<'_>, section: Section) -> Result<TokenStream, String> {
    let api = cx.api;
    let ops = |chunk| range(api.operations.len(), OPERATIONS_PER_SECTION, chunk);
    let types = |chunk| range(cx.order.len(), TYPES_PER_SECTION, chunk);
    Ok(match section {
        Section::Prelude => prelude(cx)?,
        Section::Client => client::emit_client(cx),
        Section::Methods(chunk) => methods::emit_methods(cx, ops(chunk)),
        Section::OperationTypes(chunk) => {
            let mut out = if chunk == 0 {
                let mut shared = operation_types::shared_error_enums(cx);
                shared.extend(shared_decoders::emit_shared_decoders(cx));
                shared
            } else {
                TokenStream::new()
            };
            out.extend(operation_types::emit_operation_types(cx, ops(chunk)));
            out
        }
        Section::Models(chunk) => {
            let range = types(chunk);
            let last = range.end >= cx.order.len();
            models::emit_models(cx, &cx.order[range], last)?
        }
        Section::Validation(chunk) => validate::emit_validation(cx, &cx.order[types(chunk)]),
        Section::BuilderTypes => builders::emit_builder_types(cx),
        Section::BuilderImpls(chunk) => {
            let builders = range(api.operations.len(), BUILDERS_PER_SECTION, chunk);
            builders::emit_builder_impls(cx, builders)
        }
        Section::Mocks => mock::emit_mock_module(cx),
    })
}

/// The imports of the module, and checks that the runtime has the
/// features the module needs.
fn prelude(cx: &Context<'_>) -> Result<TokenStream, String> {
    let (import, checks) = match &cx.options.runtime {
        RuntimeLocation::Crate(path) => {
            let path: syn::Path =
                syn::parse_str(path).map_err(|e| format!("runtime path `{path}`: {e}"))?;
            let mut checks = TokenStream::new();
            if cx.features.chrono {
                checks.extend(quote!(runtime::require_feature!(chrono);));
            }
            if cx.features.uuid {
                checks.extend(quote!(runtime::require_feature!(uuid);));
            }
            if cx.options.mocks == Mocks::Always {
                checks.extend(quote!(runtime::require_feature!(mock);));
            }
            // Public, so that users name errors and settings through the module.
            (quote!(pub use #path as runtime;), checks)
        }
        // A vendored runtime is built with what the module needs.
        RuntimeLocation::Vendored(path) => {
            let path: syn::Path =
                syn::parse_str(path).map_err(|e| format!("runtime path `{path}`: {e}"))?;
            (quote!(pub use #path;), TokenStream::new())
        }
    };
    let serde = serde_imports(cx);
    Ok(quote! {
        #import
        #serde
        #checks
    })
}

/// The serde traits some type derives or implements, imported once; with
/// tag features, each on when a type using it compiles.
fn serde_imports(cx: &Context<'_>) -> TokenStream {
    use crate::features::User;
    use crate::ir::TypeKind;
    // `Deserializer` names the parameter of the `Deserialize` impls that
    // `FromMap` structs get.
    let mut users: [(&str, Vec<User>); 3] = [
        ("Deserialize", Vec::new()),
        ("Deserializer", Vec::new()),
        ("Serialize", Vec::new()),
    ];
    for (index, def) in cx.api.types.iter().enumerate() {
        if matches!(def.kind, TypeKind::Alias(_) | TypeKind::External(_)) {
            continue;
        }
        let id = TypeId(index);
        let traits = SerdeTraits::of(cx, id);
        let from_map = match &def.kind {
            TypeKind::Struct(s) => deserialize::uses_from_map(cx, id, def, s),
            _ => false,
        };
        for (used, (_, users)) in [traits.deserialize, from_map, traits.serialize]
            .into_iter()
            .zip(&mut users)
        {
            if used {
                users.push(User::Type(id));
            }
        }
    }
    // One `use` per gate, the names in the order above.
    let mut imports: Vec<(String, TokenStream, Vec<Ident>)> = Vec::new();
    for (name, users) in users.into_iter().filter(|(_, users)| !users.is_empty()) {
        let gate = cx.gates.used_by(users);
        let key = gate.to_string();
        let name = format_ident!("{name}");
        match imports.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, names)) => names.push(name),
            None => imports.push((key, gate, vec![name])),
        }
    }
    imports
        .into_iter()
        .map(|(_, gate, names)| match names.as_slice() {
            [name] => quote!(#gate use runtime::serde::#name;),
            names => quote!(#gate use runtime::serde::{#(#names),*};),
        })
        .collect()
}

/// Which optional runtime features the generated module needs.
pub fn features(api: &Api) -> Features {
    fn visit(ty: &TypeRef, features: &mut Features) {
        match ty {
            TypeRef::DateTime | TypeRef::Date => features.chrono = true,
            TypeRef::Uuid => features.uuid = true,
            TypeRef::Array(inner) | TypeRef::Map(inner) => visit(inner, features),
            TypeRef::Tuple(items) => items.iter().for_each(|item| visit(item, features)),
            _ => {}
        }
    }
    let mut features = Features::default();
    visit_type_refs(api, &mut |ty| visit(ty, &mut features));
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

/// The serde traits one type derives.
#[derive(Clone, Copy)]
pub(crate) struct SerdeTraits {
    pub serialize: bool,
    pub deserialize: bool,
}

impl SerdeTraits {
    pub fn of(cx: &Context<'_>, id: TypeId) -> SerdeTraits {
        let usage = &cx.api.usage;
        match cx.options.serde {
            // Types no operation uses, and what they contain, get both:
            // nothing tells which one is wanted.
            SerdeDerives::AsUsed => SerdeTraits {
                serialize: usage.encodes(id) || mocked(cx, id),
                deserialize: usage.decodes(id),
            },
            SerdeDerives::Both => SerdeTraits {
                serialize: true,
                deserialize: true,
            },
        }
    }

    /// The traits to derive, for a derive list (`serde_derives` carry
    /// `#[serde(crate)]` separately, see [`serde_crate`]).
    pub fn derives(self) -> Vec<TokenStream> {
        let mut out = Vec::new();
        if self.serialize {
            out.push(quote!(Serialize));
        }
        if self.deserialize {
            out.push(quote!(Deserialize));
        }
        out
    }

    pub fn any(self) -> bool {
        self.serialize || self.deserialize
    }
}

/// With mocks, every received type also encodes (the mock sends it).
fn mocked(cx: &Context<'_>, id: TypeId) -> bool {
    cx.options.mocks != Mocks::None && cx.api.usage.received.contains(&id)
}

/// `#[serde(crate = "runtime::serde")]`: the derives find serde through the
/// runtime, so the user's crate needs no serde dependency of its own.
pub(crate) fn serde_crate() -> TokenStream {
    quote!(#[serde(crate = "runtime::serde")])
}

/// The extra derives and attributes the user asked for on a type.
pub(crate) fn extra_derives(cx: &Context<'_>, name: &str) -> (Vec<TokenStream>, TokenStream) {
    let derives = cx
        .options
        .derives
        .iter()
        .filter(|(selector, _)| selector.matches(name))
        .filter_map(|(_, path)| path.parse::<TokenStream>().ok())
        .collect();
    let mut attributes = TokenStream::new();
    for (_, attribute) in cx
        .options
        .attributes
        .iter()
        .filter(|(s, _)| s.matches(name))
    {
        if let Ok(tokens) = attribute.parse::<TokenStream>() {
            attributes.extend(quote!(#[#tokens]));
        }
    }
    (derives, attributes)
}

/// Validated options: extra derives and attributes must parse as Rust.
pub fn check_options(options: &EmitOptions) -> Result<(), String> {
    for (_, path) in &options.derives {
        syn::parse_str::<syn::Path>(path)
            .map_err(|e| format!("derive `{path}` is not a path: {e}"))?;
    }
    for (_, attribute) in &options.attributes {
        syn::parse_str::<syn::Meta>(attribute)
            .map_err(|e| format!("attribute `{attribute}` is not an attribute: {e}"))?;
    }
    Ok(())
}
