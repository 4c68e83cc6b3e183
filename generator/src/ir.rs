//! The intermediate representation: what the generated module contains, in
//! Rust terms, with every `$ref` resolved and every type named.
//!
//! The IR is plain data. It knows nothing of YAML (the lowering stage builds
//! it) and nothing of `quote` (the emitters read it).

use std::collections::BTreeMap;

/// One generated module: the types and the client of one spec.
#[derive(Clone, Debug, PartialEq)]
pub struct Api {
    /// Module name (snake_case), usually the spec file stem.
    pub module: String,
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// Base URLs from `servers`, first one is the default.
    pub servers: Vec<String>,
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    pub security_schemes: Vec<SecurityScheme>,
    /// Where each type is used, computed once after lowering.
    pub usage: Usage,
}

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
    /// A string enum that keeps unknown values.
    StringEnum(Vec<EnumValue<String>>),
    /// An integer enum that keeps unknown values.
    IntegerEnum(Vec<EnumValue<i64>>),
    /// `oneOf` / `anyOf`: one variant per alternative.
    Union(Union),
    /// A named alias of another type (e.g. a component that is just an array).
    Alias(TypeRef),
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
    pub deprecated: bool,
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

#[derive(Clone, Debug, PartialEq)]
pub struct EnumValue<T> {
    pub rust_name: String,
    pub wire: T,
    pub doc: Option<String>,
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
    /// Boxed to break a recursive type.
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
    Named(String),
    Array(Box<TypeRef>),
    Map(Box<TypeRef>),
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

/// Validation rules checked before a request is sent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Constraints {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// `pattern` as the spec writes it (ECMA-262), shown in errors.
    pub pattern: Option<String>,
    /// The same pattern in the `regex` crate's syntax, which is checked.
    pub pattern_regex: Option<String>,
    pub minimum: Option<f64>,
    pub exclusive_minimum: bool,
    pub maximum: Option<f64>,
    pub exclusive_maximum: bool,
    pub multiple_of: Option<f64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    /// Rules for each item of an array.
    pub items: Option<Box<Constraints>>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }

    /// Drops the bounds that the Rust type already guarantees (a `u32` is
    /// never below 0, as schemas generated from Rust often say), so that no
    /// check is generated for them.
    pub fn without_type_bounds(mut self, ty: &TypeRef) -> Constraints {
        if let TypeRef::Integer(width) = ty {
            let (low, high) = match width {
                IntegerWidth::I32 => (i32::MIN as f64, i32::MAX as f64),
                IntegerWidth::I64 => (i64::MIN as f64, i64::MAX as f64),
                IntegerWidth::U32 => (0.0, u32::MAX as f64),
                IntegerWidth::U64 => (0.0, u64::MAX as f64),
            };
            if self
                .minimum
                .is_some_and(|min| min < low || (min == low && !self.exclusive_minimum))
            {
                self.minimum = None;
                self.exclusive_minimum = false;
            }
            if self
                .maximum
                .is_some_and(|max| max > high || (max == high && !self.exclusive_maximum))
            {
                self.maximum = None;
                self.exclusive_maximum = false;
            }
        }
        if let (TypeRef::Array(item), Some(items)) = (ty, self.items.take()) {
            let items = items.without_type_bounds(item);
            self.items = (!items.is_empty()).then(|| Box::new(items));
        }
        self
    }
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
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub method: Method,
    /// Path template as written in the spec, e.g. `/apps/{appID}`.
    pub path: String,
    pub pointer: String,
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    pub responses: Vec<Response>,
    /// Alternatives, each a set of scheme names used together. Empty: no
    /// auth; an empty alternative: anonymous access is allowed.
    pub security: Vec<Vec<String>>,
    /// Name of the per-operation error enum.
    pub error_type: String,
    /// The enum `error_type` is an alias of, when other operations have
    /// the same error responses.
    pub error_shared: Option<String>,
    /// Name of the per-operation success enum, when several success bodies differ.
    pub success_type: Option<String>,
    /// Name of the struct holding the optional parameters, when there are
    /// too many arguments to pass them one by one.
    pub options_type: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryStyle {
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub wire_name: String,
    pub rust_name: String,
    pub location: ParamLocation,
    pub doc: Option<String>,
    pub ty: TypeRef,
    pub required: bool,
    pub style: QueryStyle,
    pub explode: bool,
    pub constraints: Constraints,
}

/// How a body is put on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MediaKind {
    Json,
    Form,
    Multipart,
    Text(String),
    Binary(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct RequestBody {
    pub ty: TypeRef,
    pub media: MediaKind,
    pub required: bool,
    pub doc: Option<String>,
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
    Basic,
    ApiKey {
        location: ParamLocation,
        name: String,
    },
}

/// Types referenced by name, for lookups while emitting.
pub fn type_index(api: &Api) -> BTreeMap<&str, &TypeDef> {
    api.types.iter().map(|t| (t.name.as_str(), t)).collect()
}

/// Calls `f` on every type reference in the API (not recursing into them).
pub fn visit_type_refs(api: &Api, f: &mut impl FnMut(&TypeRef)) {
    for def in &api.types {
        match &def.kind {
            TypeKind::Struct(s) => {
                s.fields.iter().for_each(|field| f(&field.ty));
                s.additional.iter().for_each(&mut *f);
            }
            TypeKind::Union(u) => u.variants.iter().for_each(|v| f(&v.ty)),
            TypeKind::Alias(ty) => f(ty),
            TypeKind::StringEnum(_) | TypeKind::IntegerEnum(_) => {}
        }
    }
    for operation in &api.operations {
        operation.params.iter().for_each(|p| f(&p.ty));
        operation.body.iter().for_each(|b| f(&b.ty));
        operation.responses.iter().for_each(|r| f(&r.ty));
    }
}

/// Where a named type is used: in what the client sends, in what it
/// receives, or both. Decides which types may grow without breaking users.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Reachable from a request body or a parameter.
    pub sent: std::collections::BTreeSet<String>,
    /// Reachable from a response body.
    pub received: std::collections::BTreeSet<String>,
    /// Reachable from a type that no operation uses (which may be used
    /// either way, so it and everything in it must encode and decode).
    pub unattached: std::collections::BTreeSet<String>,
    /// Types with something to check before sending (a constraint of
    /// their own or in a type they contain); only types that are encoded:
    /// nothing validates what a server returns.
    pub validated: std::collections::BTreeSet<String>,
}

impl Usage {
    pub fn of(api: &Api) -> Usage {
        let index = type_index(api);
        let mut usage = Usage::default();
        for operation in &api.operations {
            for param in &operation.params {
                reach(&param.ty, &index, &mut usage.sent);
            }
            if let Some(body) = &operation.body {
                reach(&body.ty, &index, &mut usage.sent);
            }
            for response in &operation.responses {
                reach(&response.ty, &index, &mut usage.received);
            }
        }
        for def in &api.types {
            if !usage.sent.contains(&def.name) && !usage.received.contains(&def.name) {
                reach(
                    &TypeRef::Named(def.name.clone()),
                    &index,
                    &mut usage.unattached,
                );
            }
        }
        usage.validated = usage.validated_types(api);
        usage
    }

    fn validated_types(&self, api: &Api) -> std::collections::BTreeSet<String> {
        let mut set = std::collections::BTreeSet::new();
        // Grows until no more type qualifies: one round per level of nesting.
        loop {
            let before = set.len();
            for def in api.types.iter().filter(|d| self.encodes(&d.name)) {
                if set.contains(&def.name) {
                    continue;
                }
                let needs = match &def.kind {
                    TypeKind::Struct(s) => {
                        s.fields
                            .iter()
                            .any(|f| !f.constraints.is_empty() || refers_to(&f.ty, &set))
                            || s.additional.as_ref().is_some_and(|t| refers_to(t, &set))
                    }
                    TypeKind::Union(u) => u.variants.iter().any(|v| refers_to(&v.ty, &set)),
                    TypeKind::Alias(ty) => refers_to(ty, &set),
                    TypeKind::StringEnum(_) | TypeKind::IntegerEnum(_) => false,
                };
                if needs {
                    set.insert(def.name.clone());
                }
            }
            if set.len() == before {
                return set;
            }
        }
    }

    /// Whether values of the type are encoded: sent, or possibly (unattached).
    pub fn encodes(&self, name: &str) -> bool {
        self.sent.contains(name) || self.unattached.contains(name)
    }

    /// Whether values of the type are decoded: received, or possibly (unattached).
    pub fn decodes(&self, name: &str) -> bool {
        self.received.contains(name) || self.unattached.contains(name)
    }

    /// Types only ever decoded from responses: users read them but do not
    /// build them, so they can gain fields without breaking anyone.
    pub fn is_response_only(&self, name: &str) -> bool {
        self.received.contains(name) && !self.sent.contains(name)
    }
}

/// Whether `ty` is one of the named types in `set`, or an array or map of one.
pub fn refers_to(ty: &TypeRef, set: &std::collections::BTreeSet<String>) -> bool {
    match ty {
        TypeRef::Named(name) => set.contains(name),
        TypeRef::Array(inner) | TypeRef::Map(inner) => refers_to(inner, set),
        _ => false,
    }
}

fn reach(
    ty: &TypeRef,
    index: &BTreeMap<&str, &TypeDef>,
    seen: &mut std::collections::BTreeSet<String>,
) {
    match ty {
        TypeRef::Array(inner) | TypeRef::Map(inner) => reach(inner, index, seen),
        TypeRef::Named(name) => {
            if !seen.insert(name.clone()) {
                return;
            }
            let Some(def) = index.get(name.as_str()) else {
                return;
            };
            match &def.kind {
                TypeKind::Struct(s) => {
                    for field in &s.fields {
                        reach(&field.ty, index, seen);
                    }
                    if let Some(additional) = &s.additional {
                        reach(additional, index, seen);
                    }
                }
                TypeKind::Union(u) => u.variants.iter().for_each(|v| reach(&v.ty, index, seen)),
                TypeKind::Alias(inner) => reach(inner, index, seen),
                TypeKind::StringEnum(_) | TypeKind::IntegerEnum(_) => {}
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounds(minimum: Option<f64>, exclusive_minimum: bool, maximum: Option<f64>) -> Constraints {
        Constraints {
            minimum,
            exclusive_minimum,
            maximum,
            ..Constraints::default()
        }
    }

    #[test]
    fn bounds_the_rust_type_guarantees_are_dropped() {
        let u32_ty = TypeRef::Integer(IntegerWidth::U32);
        // `minimum: 0` on a u32 (as schemars writes it) checks nothing.
        assert!(
            bounds(Some(0.0), false, None)
                .without_type_bounds(&u32_ty)
                .is_empty()
        );
        assert!(
            bounds(None, false, Some(u32::MAX as f64))
                .without_type_bounds(&u32_ty)
                .is_empty()
        );
        // Exclusive, or tighter, bounds still do.
        let exclusive = bounds(Some(0.0), true, None).without_type_bounds(&u32_ty);
        assert_eq!(exclusive.minimum, Some(0.0));
        assert_eq!(
            bounds(Some(1.0), false, None)
                .without_type_bounds(&u32_ty)
                .minimum,
            Some(1.0)
        );
        // The same bound on a signed or float type is a real check.
        let i64_ty = TypeRef::Integer(IntegerWidth::I64);
        assert_eq!(
            bounds(Some(0.0), false, None)
                .without_type_bounds(&i64_ty)
                .minimum,
            Some(0.0)
        );
        let f64_ty = TypeRef::Float(FloatWidth::F64);
        assert_eq!(
            bounds(Some(0.0), false, None)
                .without_type_bounds(&f64_ty)
                .minimum,
            Some(0.0)
        );
        // Array items are looked at with their own type.
        let items = Constraints {
            items: Some(Box::new(bounds(Some(0.0), false, None))),
            max_items: Some(3),
            ..Constraints::default()
        };
        let array = TypeRef::Array(Box::new(TypeRef::Integer(IntegerWidth::U64)));
        let kept = items.without_type_bounds(&array);
        assert_eq!(kept.items, None);
        assert_eq!(kept.max_items, Some(3));
    }
}
