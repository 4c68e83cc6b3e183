//! The intermediate representation: what the generated module contains, in
//! Rust terms, with every `$ref` resolved and every type named.
//!
//! The IR is plain data. It knows nothing of YAML (the lowering stage builds
//! it) and nothing of `quote` (the emitters read it). Types live in one
//! arena, [`Api::types`], and are referred to by [`TypeId`].

mod constraints;
mod usage;
mod visit;

pub use constraints::Constraints;
pub use usage::Usage;
pub use visit::{remap_type_ids, visit_def_refs, visit_type_refs};

/// One generated module: the types and the client of one spec.
#[derive(Clone, Debug, PartialEq)]
pub struct Api {
    /// Module name (snake_case), usually the spec file stem.
    pub module: String,
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// Servers from `servers`; the first one is the default.
    pub servers: Vec<Server>,
    /// Every named type, indexed by [`TypeId`].
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    pub security_schemes: Vec<SecurityScheme>,
    /// Shared error enums, referred to by [`Operation::error`].
    pub error_enums: Vec<ErrorEnum>,
    /// The header an operation documents for idempotency keys
    /// (`Idempotency-Key` and the like), if any does.
    pub idempotency_header: Option<String>,
    /// Where each type is used, computed once after lowering.
    pub usage: Usage,
}

impl Api {
    /// The definition of a type.
    pub fn def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// The Rust name of a type.
    pub fn name(&self, id: TypeId) -> &str {
        &self.types[id.0].name
    }

    /// Every type id, in the order the module lists them (by name).
    pub fn ids_by_name(&self) -> Vec<TypeId> {
        let mut ids: Vec<TypeId> = (0..self.types.len()).map(TypeId).collect();
        ids.sort_by(|a, b| self.name(*a).cmp(self.name(*b)));
        ids
    }
}

/// A server URL, with its `{variables}` and their defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct Server {
    /// The URL as the spec writes it (variables as `{name}`).
    pub template: String,
    /// The URL with every variable replaced by its default.
    pub url: String,
    pub description: Option<String>,
    pub variables: Vec<ServerVariable>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ServerVariable {
    pub name: String,
    pub rust_name: String,
    pub default: String,
    pub values: Vec<String>,
    pub doc: Option<String>,
}

/// Index of a type in [`Api::types`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// A named Rust type generated from a schema.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    /// PascalCase Rust name, unique in the module.
    pub name: String,
    pub doc: Option<String>,
    /// JSON pointer of the schema in the spec.
    pub pointer: String,
    pub kind: TypeKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    Struct(Struct),
    /// An enum that keeps unknown values.
    Enum(Enum),
    /// `oneOf` / `anyOf`: one variant per alternative.
    Union(Union),
    /// A named alias of another type (e.g. a component that is just an array).
    Alias(TypeRef),
    /// A string or number with constraints of its own, checked whenever a
    /// value is made (a newtype with `TryFrom`).
    Constrained(Constrained),
    /// A schema the user replaced with an existing Rust type (its path).
    External(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// `additionalProperties`: extra keys collected into a map of this type.
    /// Unknown keys are otherwise ignored when decoding, even under
    /// `additionalProperties: false`, so that a server adding a field does
    /// not break clients.
    pub additional: Option<TypeRef>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub rust_name: String,
    /// The exact key on the wire.
    pub wire_name: String,
    pub doc: Option<String>,
    pub ty: TypeRef,
    pub presence: Presence,
    /// `default` from the spec, applied when the key is absent.
    pub default: Option<serde_json::Value>,
    pub constraints: Constraints,
    /// Boxed to break a recursive type.
    pub boxed: bool,
    pub deprecated: Option<Deprecation>,
    /// The field's properties are the object's own (`#[serde(flatten)]`):
    /// the union an object with properties beside `oneOf` also is.
    pub flatten: bool,
}

/// `deprecated: true`, with the spec's hint when it gives one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deprecation {
    pub note: Option<String>,
}

/// How a field may appear on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// Always there, never null: `T`.
    Required,
    /// Always there, may be null: `Option<T>`, serialized as `null`.
    RequiredNullable,
    /// May be absent, never null: `Option<T>`, skipped when `None`.
    Optional,
    /// May be absent or null: `Nullable<T>`, three states.
    OptionalNullable,
}

impl Presence {
    pub fn is_required(self) -> bool {
        matches!(self, Presence::Required | Presence::RequiredNullable)
    }
}

/// An open enum: the listed values, and one variant for any other.
#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    pub values: Vec<EnumValue>,
    pub wire: EnumWire,
}

/// What an enum's values are on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnumWire {
    String,
    Integer,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumValue {
    pub rust_name: String,
    pub wire: EnumLiteral,
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EnumLiteral {
    String(String),
    Integer(i64),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Union {
    pub variants: Vec<UnionVariant>,
    /// The property that selects the variant: `discriminator.propertyName`,
    /// or a required property that is a different one-value string enum in
    /// every variant (a tag the spec implies without saying so).
    pub tag: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UnionVariant {
    pub rust_name: String,
    pub ty: TypeRef,
    /// Boxed to break a recursive type, or because it is much larger than
    /// the other variants.
    pub boxed: bool,
    /// The discriminator values selecting this variant (tagged unions only).
    pub tag_values: Vec<String>,
    /// The variant's type leaves the tag property out (an inline variant
    /// with one tag value): the union writes the tag when encoding and
    /// drops it before decoding the variant. `ty` is `Unit` when nothing
    /// but the tag is left.
    pub tag_stripped: bool,
    pub doc: Option<String>,
}

/// A scalar with constraints of its own.
#[derive(Clone, Debug, PartialEq)]
pub struct Constrained {
    pub inner: TypeRef,
    pub constraints: Constraints,
}

/// A reference to a Rust type.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    String,
    Integer(IntegerWidth),
    Float(FloatWidth),
    Boolean,
    DateTime,
    Date,
    Uuid,
    /// Raw bytes (`format: binary`, octet-stream bodies).
    Bytes,
    /// Any JSON value (`{}`, free-form, or a documented fallback).
    Json,
    /// No content (e.g. a 204 response).
    Unit,
    Named(TypeId),
    Array(Box<TypeRef>),
    Map(Box<TypeRef>),
    /// A fixed-length array of differently typed items (`prefixItems`).
    Tuple(Vec<TypeRef>),
}

impl TypeRef {
    /// The named type this refers to, directly.
    pub fn named(&self) -> Option<TypeId> {
        match self {
            TypeRef::Named(id) => Some(*id),
            _ => None,
        }
    }

    /// Calls `f` on every named type inside (arrays, maps and tuples too).
    pub fn visit_named(&self, f: &mut impl FnMut(TypeId)) {
        match self {
            TypeRef::Named(id) => f(*id),
            TypeRef::Array(inner) | TypeRef::Map(inner) => inner.visit_named(f),
            TypeRef::Tuple(items) => items.iter().for_each(|item| item.visit_named(f)),
            _ => {}
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IntegerWidth {
    I32,
    I64,
    U32,
    U64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FloatWidth {
    F32,
    F64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    /// Idempotent in the sense of RFC 9110 §9.2.2: sending it again is harmless.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// `operationId`, or the synthesized one when the spec has none.
    pub id: String,
    /// snake_case method name on the client.
    pub rust_name: String,
    /// PascalCase name of the request builder.
    pub builder_name: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub tags: Vec<String>,
    pub method: Method,
    /// The path as parsed from the template, e.g. `/apps/{appID}`.
    pub path: Vec<PathPart>,
    /// The path template as the spec writes it.
    pub route: String,
    pub pointer: String,
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    pub responses: Vec<Response>,
    /// Alternatives, each a set of scheme names used together. Empty: no
    /// auth; an empty alternative: anonymous access is allowed.
    pub security: Vec<Vec<String>>,
    /// The operation's error enum (its own, or one several share); `None`
    /// when it documents no error status.
    pub error: Option<ErrorRef>,
    /// Name of the success enum, when several success bodies differ.
    pub success_type: Option<String>,
    /// How the operation pages through a list, when it does.
    pub pagination: Option<Pagination>,
}

/// A piece of a path template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathPart {
    Literal(String),
    /// A `{name}` placeholder.
    Param(String),
}

/// Which enum of documented error bodies an operation returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorRef {
    /// An enum of its own, with this name.
    Own(String),
    /// One of [`Api::error_enums`], by index.
    Shared(usize),
}

/// An enum of error bodies that several operations share.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorEnum {
    pub name: String,
    /// The error responses, the same in every operation that uses it.
    pub responses: Vec<Response>,
    /// Method names of the operations that use it.
    pub users: Vec<String>,
}

impl Operation {
    /// The documented success responses.
    pub fn successes(&self) -> impl Iterator<Item = &Response> {
        self.responses.iter().filter(|r| r.status.is_success())
    }

    /// The documented error responses.
    pub fn errors(&self) -> impl Iterator<Item = &Response> {
        self.responses.iter().filter(|r| !r.status.is_success())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

/// How a parameter value is serialized (`style`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamStyle {
    /// Path and header default: `a,b`.
    Simple,
    /// Path: `.a.b`.
    Label,
    /// Path: `;name=a,b`.
    Matrix,
    /// Query and cookie default.
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    /// A parameter with `content` of a JSON media type: its value as JSON
    /// text, in any location.
    Json,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub wire_name: String,
    pub rust_name: String,
    pub location: ParamLocation,
    pub doc: Option<String>,
    pub ty: TypeRef,
    pub required: bool,
    pub style: ParamStyle,
    pub explode: bool,
    pub constraints: Constraints,
    pub deprecated: bool,
}

/// How a body is put on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MediaKind {
    Json,
    Form,
    Multipart,
    Text(String),
    Binary(String),
    /// `text/event-stream`.
    EventStream,
    /// `application/x-ndjson`, `application/jsonl`, `application/json-seq`.
    JsonLines(String),
}

impl MediaKind {
    /// The media type sent in `Accept`.
    pub fn essence(&self) -> &str {
        match self {
            MediaKind::Json => "application/json",
            MediaKind::Form => "application/x-www-form-urlencoded",
            MediaKind::Multipart => "multipart/form-data",
            MediaKind::Text(t) | MediaKind::Binary(t) | MediaKind::JsonLines(t) => t,
            MediaKind::EventStream => "text/event-stream",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct RequestBody {
    pub ty: TypeRef,
    pub media: MediaKind,
    pub required: bool,
    pub doc: Option<String>,
    /// For multipart bodies: how each field of the struct is sent.
    pub parts: Vec<MultipartField>,
    /// For form bodies: the properties whose `encoding` gives a `style` or
    /// `explode`, sent like query parameters of that style.
    pub form_fields: Vec<FormField>,
}

/// A property of a form body sent in a query parameter style.
#[derive(Clone, Debug, PartialEq)]
pub struct FormField {
    pub wire_name: String,
    pub style: ParamStyle,
    pub explode: bool,
}

/// A field of a multipart body's struct, and how it goes out.
#[derive(Clone, Debug, PartialEq)]
pub struct MultipartField {
    pub rust_name: String,
    pub wire_name: String,
    pub presence: Presence,
    pub encoding: PartEncoding,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartEncoding {
    /// A file part (binary content).
    File,
    /// Text as it is.
    Text,
    /// A scalar or array in its text form.
    Value,
    /// An object as JSON.
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StatusMatch {
    Code(u16),
    /// `2XX` and friends: the first digit.
    Range(u16),
    Default,
}

impl StatusMatch {
    pub fn is_success(self) -> bool {
        match self {
            StatusMatch::Code(c) => (200..300).contains(&c),
            StatusMatch::Range(r) => r == 2,
            StatusMatch::Default => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    pub status: StatusMatch,
    pub doc: Option<String>,
    /// `Unit` when the response has no content.
    pub ty: TypeRef,
    pub media: MediaKind,
    /// Variant name in the success or error enum.
    pub variant: String,
    /// Boxed in its enum, being much larger than the other variants.
    pub boxed: bool,
    /// Header names the response documents (lowercase).
    pub headers: Vec<String>,
}

/// How a list operation pages.
#[derive(Clone, Debug, PartialEq)]
pub struct Pagination {
    /// Where the items of a page are: a field of the success body (`None`:
    /// the body is the array).
    pub items_field: Option<String>,
    pub item: TypeRef,
    pub next: NextPage,
    /// Why the generator thinks the operation pages (for reports).
    pub detected_by: &'static str,
}

/// How the request of the next page is made.
#[derive(Clone, Debug, PartialEq)]
pub enum NextPage {
    /// A token from a field of the page (`next_page`, `next_cursor`, ...),
    /// sent back in a query parameter; no token ends the list.
    Cursor {
        /// The page's field with the token (Rust name).
        response_field: String,
        /// The query parameter that takes it (Rust name).
        param: String,
        token: TypeRef,
        token_presence: Presence,
        /// Later pages send the token and the limit alone (Dropshot says
        /// the other scan parameters must not be repeated).
        reset_others: bool,
    },
    /// The `rel="next"` URL of the `Link` header.
    LinkHeader,
    /// An offset parameter advanced by the number of items received; an
    /// empty (or short, when a limit parameter is set) page ends the list.
    Offset {
        param: String,
        limit: Option<String>,
    },
    /// A page-number parameter advanced by one; an empty page ends it.
    PageNumber { param: String },
}

#[derive(Clone, Debug, PartialEq)]
pub struct SecurityScheme {
    /// Key in `components.securitySchemes`.
    pub name: String,
    /// snake_case name used for the client's setter.
    pub rust_name: String,
    pub doc: Option<String>,
    pub kind: SecurityKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecurityKind {
    Bearer,
    /// OAuth2: a bearer token, with the client credentials flow's token URL
    /// and scopes when the spec documents that flow.
    OAuth2 {
        token_url: Option<String>,
        scopes: Vec<String>,
    },
    Basic,
    ApiKey {
        location: ParamLocation,
        name: String,
    },
}
