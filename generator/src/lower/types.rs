//! Schemas → Rust types.

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema};

use super::Lowerer;
use super::schema_view::SchemaView;
use crate::diagnostics::Result;
use crate::diagnostics::pointer_token;
use crate::ir::{
    Constraints, EnumValue, Field, FloatWidth, IntegerWidth, Presence, Struct, TypeDef, TypeKind,
    TypeRef, Union, UnionVariant,
};
use crate::names::{NameScope, pascal_ident, snake_ident, type_ident};

/// The name the catch-all variant of an open enum gets.
pub const UNKNOWN_VARIANT: &str = "Unrecognized";

/// String formats that map to `String` on purpose, so no warning is due.
const PLAIN_STRING_FORMATS: &[&str] = &[
    "byte",
    "password",
    "email",
    "idn-email",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "url",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "ip",
    "time",
    "duration",
    "regex",
    "json-pointer",
    "relative-json-pointer",
    "uri-template",
    "phone",
    "html",
    "markdown",
    "partial-time",
    "int64",
    "decimal",
    "date-time-rfc1123",
    "char",
];

/// What a schema becomes: an existing type, or a new named definition.
enum Shape {
    Existing(TypeRef),
    Define(TypeKind),
}

/// Object properties gathered from a schema and everything it `allOf`s.
#[derive(Default)]
struct ObjectParts<'a> {
    properties: IndexMap<String, (&'a ReferenceOr<Box<Schema>>, String)>,
    required: Vec<String>,
    additional: Option<(&'a AdditionalProperties, String)>,
}

impl<'a> Lowerer<'a> {
    /// Claims a Rust name for every component schema up front, so that
    /// references (including recursive ones) can be named before lowering.
    pub(super) fn name_components(&mut self) {
        let Some(components) = &self.doc.components else {
            return;
        };
        for key in components.schemas.keys() {
            let name = self.type_names.claim(&type_ident(key));
            self.component_names.insert(key.clone(), name);
        }
    }

    pub(super) fn lower_components(&mut self) -> Result<()> {
        let doc = self.doc;
        let Some(components) = &doc.components else {
            return Ok(());
        };
        for (key, schema) in &components.schemas {
            let pointer = format!("#/components/schemas/{}", pointer_token(key));
            let name = self.component_names[key].clone();
            let index = self.push_placeholder(&name, &pointer);
            let kind = match schema {
                ReferenceOr::Reference { .. } => {
                    TypeKind::Alias(self.type_of(schema, &name, &pointer)?)
                }
                ReferenceOr::Item(schema) => {
                    self.types[index].doc = SchemaView::new(schema).description();
                    match self.shape(&name, schema, &pointer)? {
                        Shape::Define(kind) => kind,
                        Shape::Existing(ty) => TypeKind::Alias(ty),
                    }
                }
            };
            self.types[index].kind = kind;
        }
        Ok(())
    }

    fn push_placeholder(&mut self, name: &str, pointer: &str) -> usize {
        self.types.push(TypeDef {
            name: name.to_string(),
            doc: None,
            pointer: pointer.to_string(),
            kind: TypeKind::Alias(TypeRef::Json),
        });
        self.types.len() - 1
    }

    /// Follows a schema `$ref` (through chains) to the schema and the
    /// component key it names.
    pub(super) fn resolve_schema_ref(
        &self,
        reference: &str,
        pointer: &str,
    ) -> Result<(&'a Schema, String)> {
        let doc = self.doc;
        let mut seen: Vec<String> = Vec::new();
        let mut reference = reference;
        loop {
            if let Some(schema) = self.nested_refs.get(reference) {
                return Ok((
                    schema,
                    reference
                        .trim_start_matches("#/components/schemas/")
                        .to_string(),
                ));
            }
            let Some(key) = reference.strip_prefix("#/components/schemas/") else {
                return Err(self.error(
                    pointer,
                    format!("unsupported $ref `{reference}`: only local references to #/components/schemas/ are supported for schemas"),
                ));
            };
            let key = super::unescape_pointer(key);
            if seen.contains(&key) {
                seen.push(key);
                return Err(self.error(
                    pointer,
                    format!("$ref cycle with nothing to stand on: {}", seen.join(" -> ")),
                ));
            }
            let target = doc
                .components
                .as_ref()
                .and_then(|c| c.schemas.get(&key))
                .ok_or_else(|| {
                    self.error(
                        pointer,
                        format!("dangling $ref `{reference}`: no such schema"),
                    )
                })?;
            seen.push(key.clone());
            match target {
                ReferenceOr::Item(schema) => return Ok((schema, key)),
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
    }

    /// Whether an occurrence may be `null`: nullable itself, a reference to
    /// a nullable schema, or a `oneOf`/`anyOf` with a null alternative.
    pub(super) fn is_nullable_schema(&self, schema: &'a Schema) -> bool {
        let view = SchemaView::new(schema);
        view.nullable() || view.one_of.iter().chain(view.any_of).any(is_null_schema)
    }

    fn is_nullable_ref(&self, reference: &str) -> bool {
        self.resolve_schema_ref(reference, "")
            .is_ok_and(|(schema, _)| self.is_nullable_schema(schema))
    }

    /// The Rust type of one schema occurrence. Inline schemas that need a
    /// definition are defined under the name `hint`.
    pub(super) fn type_of(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        hint: &str,
        pointer: &str,
    ) -> Result<TypeRef> {
        match schema {
            ReferenceOr::Reference { reference } => self.type_of_ref(reference, pointer),
            ReferenceOr::Item(inline) => self.type_of_inline(inline, hint, pointer),
        }
    }

    pub(super) fn type_of_boxed(
        &mut self,
        schema: &'a ReferenceOr<Box<Schema>>,
        hint: &str,
        pointer: &str,
    ) -> Result<TypeRef> {
        match schema {
            ReferenceOr::Reference { reference } => self.type_of_ref(reference, pointer),
            ReferenceOr::Item(inline) => self.type_of_inline(inline, hint, pointer),
        }
    }

    /// A reference names the component's type (the last one of a chain).
    fn type_of_ref(&mut self, reference: &str, pointer: &str) -> Result<TypeRef> {
        if let Some(schema) = self.nested_refs.get(reference) {
            // Inside a component: typed once, named after its path.
            if let Some(ty) = self.nested_types.get(reference) {
                return Ok(ty.clone());
            }
            let hint = reference
                .trim_start_matches("#/components/schemas/")
                .trim_start_matches("#/components/")
                .trim_start_matches("#/")
                .replace('/', " ");
            let ty = self.type_of_inline(schema, &hint, reference)?;
            self.nested_types.insert(reference.to_string(), ty.clone());
            return Ok(ty);
        }
        let (_, key) = self.resolve_schema_ref(reference, pointer)?;
        let first_key = reference
            .strip_prefix("#/components/schemas/")
            .map(super::unescape_pointer)
            .unwrap_or(key);
        Ok(TypeRef::Named(self.component_names[&first_key].clone()))
    }

    fn type_of_inline(&mut self, schema: &'a Schema, hint: &str, pointer: &str) -> Result<TypeRef> {
        let view = SchemaView::new(schema);
        if !needs_definition(&view) {
            return match self.shape(hint, schema, pointer)? {
                Shape::Existing(ty) => Ok(ty),
                Shape::Define(kind) => {
                    // Defensive: should needs_definition miss a case, the
                    // type still gets its name rather than being lost.
                    let name = self.type_names.claim(&type_ident(hint));
                    self.types.push(TypeDef {
                        name: name.clone(),
                        doc: view.description(),
                        pointer: pointer.to_string(),
                        kind,
                    });
                    Ok(TypeRef::Named(name))
                }
            };
        }
        let name = self.type_names.claim(&type_ident(hint));
        let index = self.push_placeholder(&name, pointer);
        self.types[index].doc = view.description();
        match self.shape(&name, schema, pointer)? {
            Shape::Define(kind) => {
                self.types[index].kind = kind;
                Ok(TypeRef::Named(name))
            }
            Shape::Existing(ty) => {
                // It turned out not to need a type of its own (say, an
                // `allOf` of one reference): drop the placeholder.
                self.types.remove(index);
                Ok(ty)
            }
        }
    }

    fn shape(&mut self, name: &str, schema: &'a Schema, pointer: &str) -> Result<Shape> {
        let view = SchemaView::new(schema);
        if view.has_not {
            self.warn(
                pointer,
                "`not` cannot be expressed as a Rust type; using serde_json::Value",
            );
            return Ok(Shape::Existing(TypeRef::Json));
        }
        if !view.all_of.is_empty() {
            return self.all_of_shape(name, schema, &view, pointer);
        }
        let alternatives: Vec<(usize, &'a ReferenceOr<Schema>)> = if !view.one_of.is_empty() {
            view.one_of
                .iter()
                .enumerate()
                .filter(|(_, s)| !is_null_schema(s))
                .collect()
        } else {
            view.any_of
                .iter()
                .enumerate()
                .filter(|(_, s)| !is_null_schema(s))
                .collect()
        };
        if !alternatives.is_empty() {
            let keyword = if view.one_of.is_empty() {
                "anyOf"
            } else {
                "oneOf"
            };
            if alternatives.len() == 1 && view.properties.is_none() {
                let (i, only) = alternatives[0];
                return Ok(Shape::Existing(self.type_of(
                    only,
                    name,
                    &format!("{pointer}/{keyword}/{i}"),
                )?));
            }
            return self.union_shape(name, schema, &alternatives, keyword, pointer);
        }
        if !view.enumeration.is_empty() {
            match view.ty {
                Some("string") | None if view.enumeration.iter().all(|v| v.is_string()) => {
                    return Ok(Shape::Define(self.string_enum(schema, &view)));
                }
                Some("integer") if view.enumeration.iter().all(|v| v.is_i64()) => {
                    return Ok(Shape::Define(self.integer_enum(schema, &view)));
                }
                _ => {}
            }
        }
        Ok(match view.ty {
            Some("string") => Shape::Existing(self.string_type(&view, pointer)),
            Some("integer") => Shape::Existing(TypeRef::Integer(match view.format.as_deref() {
                Some("int32" | "int16" | "int8") => IntegerWidth::I32,
                Some("uint32" | "uint16" | "uint8") => IntegerWidth::U32,
                Some("uint64" | "uint") => IntegerWidth::U64,
                Some("int64") | None => IntegerWidth::I64,
                Some(other) => {
                    self.warn(
                        pointer,
                        format!("unknown integer format `{other}`; using i64"),
                    );
                    IntegerWidth::I64
                }
            })),
            Some("number") => Shape::Existing(TypeRef::Float(match view.format.as_deref() {
                Some("float") => FloatWidth::F32,
                Some("double") | None => FloatWidth::F64,
                Some(other) => {
                    self.warn(
                        pointer,
                        format!("unknown number format `{other}`; using f64"),
                    );
                    FloatWidth::F64
                }
            })),
            Some("boolean") => Shape::Existing(TypeRef::Boolean),
            Some("array") => {
                let items = match view.items {
                    Some(items) => self.type_of_boxed(
                        items,
                        &format!("{name}Item"),
                        &format!("{pointer}/items"),
                    )?,
                    None => TypeRef::Json,
                };
                Shape::Existing(TypeRef::Array(Box::new(items)))
            }
            Some("object") => {
                let mut parts = ObjectParts::default();
                self.collect_own_properties(&view, pointer, &mut parts);
                self.object_shape(name, parts, pointer)?
            }
            None => Shape::Existing(TypeRef::Json),
            Some(other) => {
                self.warn(
                    pointer,
                    format!("unknown type `{other}`; using serde_json::Value"),
                );
                Shape::Existing(TypeRef::Json)
            }
        })
    }

    fn string_type(&mut self, view: &SchemaView<'a>, pointer: &str) -> TypeRef {
        match view.format.as_deref() {
            None => TypeRef::String,
            Some("date-time") => TypeRef::DateTime,
            Some("date") => TypeRef::Date,
            Some("uuid") => TypeRef::Uuid,
            Some("binary") => TypeRef::Bytes,
            Some(known) if PLAIN_STRING_FORMATS.contains(&known) => TypeRef::String,
            Some(other) => {
                self.warn(
                    pointer,
                    format!("unknown string format `{other}`; using String"),
                );
                TypeRef::String
            }
        }
    }

    fn collect_own_properties(
        &mut self,
        view: &SchemaView<'a>,
        pointer: &str,
        parts: &mut ObjectParts<'a>,
    ) {
        if let Some(properties) = view.properties {
            for (key, property) in properties {
                let at = format!("{pointer}/properties/{}", pointer_token(key));
                // A later allOf part refines an earlier one: last wins.
                parts.properties.insert(key.clone(), (property, at));
            }
        }
        for key in view.required {
            if !parts.required.contains(key) {
                parts.required.push(key.clone());
            }
        }
        if let Some(additional) = view.additional {
            parts.additional = Some((additional, format!("{pointer}/additionalProperties")));
        }
    }

    /// `allOf`: one reference passes through; object parts merge into one
    /// struct; anything else falls back to `serde_json::Value`.
    fn all_of_shape(
        &mut self,
        name: &str,
        schema: &'a Schema,
        view: &SchemaView<'a>,
        pointer: &str,
    ) -> Result<Shape> {
        let parts: Vec<&'a ReferenceOr<Schema>> = view.all_of.iter().collect();
        if parts.len() == 1 && view.properties.is_none() {
            return Ok(Shape::Existing(self.type_of(
                parts[0],
                name,
                &format!("{pointer}/allOf/0"),
            )?));
        }
        let mut object = ObjectParts::default();
        if !self.collect_all_of(schema, pointer, &mut object, 0)? {
            self.warn(
                pointer,
                "allOf mixes objects with non-object schemas; using serde_json::Value",
            );
            return Ok(Shape::Existing(TypeRef::Json));
        }
        self.object_shape(name, object, pointer)
    }

    /// Gathers properties through nested `allOf`s; false when some part is
    /// not an object.
    fn collect_all_of(
        &mut self,
        schema: &'a Schema,
        pointer: &str,
        parts: &mut ObjectParts<'a>,
        depth: usize,
    ) -> Result<bool> {
        if depth > 64 {
            return Err(self.error(pointer, "allOf nests more than 64 levels deep (a cycle?)"));
        }
        let view = SchemaView::new(schema);
        for (i, part) in view.all_of.iter().enumerate() {
            let at = format!("{pointer}/allOf/{i}");
            let (resolved, at) = match part {
                ReferenceOr::Item(schema) => (schema, at),
                ReferenceOr::Reference { reference } => {
                    let (schema, key) = self.resolve_schema_ref(reference, &at)?;
                    (
                        schema,
                        format!("#/components/schemas/{}", pointer_token(&key)),
                    )
                }
            };
            if !self.collect_all_of(resolved, &at, parts, depth + 1)? {
                return Ok(false);
            }
        }
        let is_plain = view.one_of.is_empty() && view.any_of.is_empty() && !view.has_not;
        let object_like = view.is_object()
            || view.additional.is_some()
            || (view.ty.is_none() && view.enumeration.is_empty());
        if !is_plain || !object_like {
            return Ok(false);
        }
        self.collect_own_properties(&view, pointer, parts);
        Ok(true)
    }

    fn object_shape(&mut self, name: &str, parts: ObjectParts<'a>, pointer: &str) -> Result<Shape> {
        let additional = match parts.additional {
            Some((AdditionalProperties::Schema(schema), at)) => {
                Some(self.type_of(schema, &format!("{name}Value"), &at)?)
            }
            Some((AdditionalProperties::Any(true), _)) => Some(TypeRef::Json),
            Some((AdditionalProperties::Any(false), _)) | None => None,
        };
        if parts.properties.is_empty() {
            // A map, or a free-form object.
            let value = additional.unwrap_or(TypeRef::Json);
            return Ok(Shape::Existing(TypeRef::Map(Box::new(value))));
        }
        let mut scope = NameScope::default();
        let mut fields = Vec::new();
        for (key, (property, at)) in parts.properties {
            let rust_name = scope.claim(&snake_ident(&key));
            // Only an inline schema may need a name of its own.
            let hint = match property {
                ReferenceOr::Item(_) => format!("{name}{}", pascal_ident(&key)),
                ReferenceOr::Reference { .. } => String::new(),
            };
            let (inline, nullable) = match property {
                ReferenceOr::Item(schema) => (Some(&**schema), self.is_nullable_schema(schema)),
                ReferenceOr::Reference { reference } => (None, self.is_nullable_ref(reference)),
            };
            let ty = self.type_of_boxed(property, &hint, &at)?;
            let required = parts.required.contains(&key);
            let presence = match (required, nullable) {
                (true, false) => Presence::Required,
                (true, true) => Presence::RequiredNullable,
                (false, false) => Presence::Optional,
                (false, true) => Presence::OptionalNullable,
            };
            let (doc, default, constraints, deprecated) = match inline {
                Some(schema) => {
                    let view = SchemaView::new(schema);
                    (
                        view.description(),
                        schema.schema_data.default.clone(),
                        self.constraints_of(&view, &at).without_type_bounds(&ty),
                        schema.schema_data.deprecated,
                    )
                }
                None => (None, None, Constraints::default(), false),
            };
            fields.push(Field {
                rust_name,
                wire_name: key,
                doc,
                ty,
                presence,
                default,
                constraints,
                boxed: false,
                deprecated,
            });
        }
        let _ = pointer;
        Ok(Shape::Define(TypeKind::Struct(Struct {
            fields,
            additional,
        })))
    }

    /// Constraints of a schema; for arrays, with the item constraints too.
    /// Patterns are translated to the `regex` crate's syntax.
    pub(super) fn constraints_of(&mut self, view: &SchemaView<'a>, pointer: &str) -> Constraints {
        let mut constraints = view.constraints.clone();
        self.translate_pattern(&mut constraints, pointer);
        if let Some(ReferenceOr::Item(items)) = view.items {
            let mut item = SchemaView::new(items).constraints;
            self.translate_pattern(&mut item, &format!("{pointer}/items"));
            if !item.is_empty() {
                constraints.items = Some(Box::new(item));
            }
        }
        constraints
    }

    fn translate_pattern(&mut self, constraints: &mut Constraints, pointer: &str) {
        if let Some(pattern) = &constraints.pattern {
            match super::pattern::to_rust_regex(pattern) {
                Ok(translated) => constraints.pattern_regex = Some(translated),
                Err(message) => {
                    constraints.pattern = None;
                    self.warn(&format!("{pointer}/pattern"), message);
                }
            }
        }
    }

    fn string_enum(&mut self, schema: &'a Schema, view: &SchemaView<'a>) -> TypeKind {
        let names = custom_variant_names(schema, view.enumeration.len());
        let mut scope = NameScope::default();
        scope.reserve(UNKNOWN_VARIANT);
        let values = view
            .enumeration
            .iter()
            .enumerate()
            .map(|(i, value)| {
                let wire = value.as_str().unwrap_or_default().to_string();
                let base = names
                    .as_ref()
                    .map_or_else(|| pascal_ident(&wire), |n| pascal_ident(&n[i]));
                EnumValue {
                    rust_name: scope.claim(&base),
                    wire,
                    doc: None,
                }
            })
            .collect();
        TypeKind::StringEnum(values)
    }

    fn integer_enum(&mut self, schema: &'a Schema, view: &SchemaView<'a>) -> TypeKind {
        let names = custom_variant_names(schema, view.enumeration.len());
        let mut scope = NameScope::default();
        scope.reserve(UNKNOWN_VARIANT);
        let values = view
            .enumeration
            .iter()
            .enumerate()
            .map(|(i, value)| {
                let wire = value.as_i64().unwrap_or_default();
                let base = match &names {
                    Some(n) => pascal_ident(&n[i]),
                    None if wire < 0 => format!("Minus{}", wire.unsigned_abs()),
                    None => format!("V{wire}"),
                };
                EnumValue {
                    rust_name: scope.claim(&base),
                    wire,
                    doc: None,
                }
            })
            .collect();
        TypeKind::IntegerEnum(values)
    }

    fn union_shape(
        &mut self,
        name: &str,
        schema: &'a Schema,
        alternatives: &[(usize, &'a ReferenceOr<Schema>)],
        keyword: &str,
        pointer: &str,
    ) -> Result<Shape> {
        let view = SchemaView::new(schema);
        if view.properties.is_some() {
            self.warn(
                pointer,
                format!(
                    "properties beside {keyword} are not merged into the variants; they are ignored"
                ),
            );
        }
        let tag = self.union_tag(schema, alternatives, keyword, pointer);
        let mut scope = NameScope::default();
        if tag.is_some() {
            scope.reserve(UNKNOWN_VARIANT);
        }
        let mut variants = Vec::new();
        for (n, (i, alternative)) in alternatives.iter().enumerate() {
            let at = format!("{pointer}/{keyword}/{i}");
            let tag_values = tag
                .as_ref()
                .map(|(_, values)| values[n].clone())
                .unwrap_or_default();
            // An inline variant with one tag value is named after it, and
            // its type leaves the tag out: the union carries it.
            if let (ReferenceOr::Item(inline), [value], Some((property, _))) =
                (alternative, tag_values.as_slice(), &tag)
            {
                let rust_name = scope.claim(&pascal_ident(value));
                let hint = format!("{name}{rust_name}");
                let stripped = self.variant_without_tag(inline, property, &hint, &at)?;
                let tag_stripped = stripped.is_some();
                let ty = match stripped {
                    Some(ty) => ty,
                    None => self.type_of(alternative, &hint, &at)?,
                };
                variants.push(UnionVariant {
                    rust_name,
                    ty,
                    boxed: false,
                    tag_values,
                    tag_stripped,
                    doc: SchemaView::new(inline).description(),
                });
                continue;
            }
            let ty = self.type_of(alternative, &format!("{name}Variant{}", n + 1), &at)?;
            let base = match &ty {
                TypeRef::Named(n) => n.clone(),
                other => variant_name_for(other).to_string(),
            };
            let doc = match alternative {
                ReferenceOr::Item(inline) if !matches!(ty, TypeRef::Named(_)) => {
                    SchemaView::new(inline).description()
                }
                _ => None,
            };
            variants.push(UnionVariant {
                rust_name: scope.claim(&base),
                ty,
                boxed: false,
                tag_values,
                tag_stripped: false,
                doc,
            });
        }
        let tag = tag.map(|(property, _)| property);
        Ok(Shape::Define(TypeKind::Union(Union { variants, tag })))
    }

    /// The property that selects a union's variant, with the values that
    /// select each alternative: the `discriminator`, or else the first
    /// property of the first alternative that every alternative requires as
    /// a one-value string enum, each with a different value.
    fn union_tag(
        &mut self,
        schema: &'a Schema,
        alternatives: &[(usize, &'a ReferenceOr<Schema>)],
        keyword: &str,
        pointer: &str,
    ) -> Option<(String, Vec<Vec<String>>)> {
        if let Some(discriminator) = &schema.schema_data.discriminator {
            let property = &discriminator.property_name;
            let mut all = Vec::new();
            for (i, alternative) in alternatives {
                let values = match alternative {
                    ReferenceOr::Reference { reference } => {
                        let component = super::unescape_pointer(
                            reference.rsplit('/').next().unwrap_or_default(),
                        );
                        // Mapping targets are references or bare schema names.
                        let mut values: Vec<String> = discriminator
                            .mapping
                            .iter()
                            .filter(|(_, target)| *target == reference || **target == component)
                            .map(|(value, _)| value.clone())
                            .collect();
                        if values.is_empty() {
                            values.push(component);
                        }
                        values
                    }
                    ReferenceOr::Item(_) => match self.tag_values_in(alternative, property) {
                        Some(values) => values,
                        None => {
                            self.warn(
                                &format!("{pointer}/{keyword}/{i}"),
                                format!("discriminator `{property}`: this inline alternative does not require `{property}` as a string enum, so no value selects it; decoding tries each variant in order instead"),
                            );
                            return None;
                        }
                    },
                };
                all.push(values);
            }
            return Some((property.clone(), all));
        }
        if alternatives.len() < 2 {
            return None;
        }
        let first = match alternatives[0].1 {
            ReferenceOr::Item(schema) => schema,
            ReferenceOr::Reference { reference } => self.resolve_schema_ref(reference, "").ok()?.0,
        };
        for candidate in SchemaView::new(first).properties?.keys() {
            let values: Option<Vec<Vec<String>>> = alternatives
                .iter()
                .map(|(_, alternative)| {
                    self.tag_values_in(alternative, candidate)
                        .filter(|values| values.len() == 1)
                })
                .collect();
            let Some(values) = values else { continue };
            let distinct: std::collections::BTreeSet<&String> =
                values.iter().map(|v| &v[0]).collect();
            if distinct.len() == values.len() {
                return Some((candidate.clone(), values));
            }
        }
        None
    }

    /// The string values an alternative allows for `property`, when it is an
    /// object that requires the property and gives it a string `enum`.
    fn tag_values_in(
        &self,
        alternative: &'a ReferenceOr<Schema>,
        property: &str,
    ) -> Option<Vec<String>> {
        let resolve = |schema: &'a ReferenceOr<Schema>| -> Option<&'a Schema> {
            match schema {
                ReferenceOr::Item(schema) => Some(schema),
                ReferenceOr::Reference { reference } => {
                    self.resolve_schema_ref(reference, "").ok().map(|(s, _)| s)
                }
            }
        };
        let view = SchemaView::new(resolve(alternative)?);
        if !view.required.iter().any(|r| r == property) {
            return None;
        }
        let property = match view.properties?.get(property)? {
            ReferenceOr::Item(schema) => &**schema,
            ReferenceOr::Reference { reference } => self.resolve_schema_ref(reference, "").ok()?.0,
        };
        let property = SchemaView::new(property);
        if property.nullable() || property.enumeration.is_empty() {
            return None;
        }
        property
            .enumeration
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect()
    }

    /// An inline object variant lowered without its tag property; `None`
    /// when the variant is not a plain object (then it keeps the tag).
    fn variant_without_tag(
        &mut self,
        inline: &'a Schema,
        tag: &str,
        hint: &str,
        pointer: &str,
    ) -> Result<Option<TypeRef>> {
        let view = SchemaView::new(inline);
        let plain_object = view.is_object()
            && view.all_of.is_empty()
            && view.one_of.is_empty()
            && view.any_of.is_empty()
            && !view.has_not
            && !view.nullable();
        if !plain_object {
            return Ok(None);
        }
        let mut parts = ObjectParts::default();
        self.collect_own_properties(&view, pointer, &mut parts);
        parts.properties.shift_remove(tag);
        parts.required.retain(|r| r != tag);
        let closed = matches!(
            parts.additional,
            None | Some((AdditionalProperties::Any(false), _))
        );
        if parts.properties.is_empty() && closed {
            return Ok(Some(TypeRef::Unit));
        }
        let name = self.type_names.claim(&type_ident(hint));
        let index = self.push_placeholder(&name, pointer);
        self.types[index].doc = view.description();
        match self.object_shape(&name, parts, pointer)? {
            Shape::Define(kind) => {
                self.types[index].kind = kind;
                Ok(Some(TypeRef::Named(name)))
            }
            Shape::Existing(ty) => {
                self.types.remove(index);
                Ok(Some(ty))
            }
        }
    }
}

/// Whether an inline schema becomes a named type of its own.
fn needs_definition(view: &SchemaView<'_>) -> bool {
    if view.has_not {
        return false;
    }
    let alternatives = view
        .one_of
        .iter()
        .chain(view.any_of)
        .filter(|s| !is_null_schema(s))
        .count();
    if alternatives > 1 || (alternatives == 1 && view.properties.is_some()) {
        return true;
    }
    if alternatives == 1 {
        return false;
    }
    if !view.all_of.is_empty() {
        return view.all_of.len() > 1 || view.properties.is_some();
    }
    if !view.enumeration.is_empty() {
        return match view.ty {
            Some("string") | None => view.enumeration.iter().all(|v| v.is_string()),
            Some("integer") => view.enumeration.iter().all(|v| v.is_i64()),
            _ => false,
        };
    }
    view.properties.is_some_and(|p| !p.is_empty())
}

/// `{type: null}`-like alternatives used to spell nullability (3.0 has no
/// null type, but specs converted from 3.1 write `enum: [null]`).
fn is_null_schema(schema: &ReferenceOr<Schema>) -> bool {
    match schema {
        ReferenceOr::Item(s) => match &s.schema_kind {
            openapiv3::SchemaKind::Any(any) => {
                any.typ.as_deref() == Some("null")
                    || (!any.enumeration.is_empty() && any.enumeration.iter().all(|v| v.is_null()))
            }
            _ => false,
        },
        ReferenceOr::Reference { .. } => false,
    }
}

/// `x-enum-varnames` (or `x-enumNames`) when it names every value.
fn custom_variant_names(schema: &Schema, count: usize) -> Option<Vec<String>> {
    let extensions = &schema.schema_data.extensions;
    let names = extensions
        .get("x-enum-varnames")
        .or_else(|| extensions.get("x-enumNames"))?;
    let names: Vec<String> = names
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_string))
        .collect::<Option<_>>()?;
    (names.len() == count).then_some(names)
}

fn variant_name_for(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::String => "String",
        TypeRef::Integer(_) => "Integer",
        TypeRef::Float(_) => "Number",
        TypeRef::Boolean => "Boolean",
        TypeRef::DateTime => "DateTime",
        TypeRef::Date => "Date",
        TypeRef::Uuid => "Uuid",
        TypeRef::Bytes => "Bytes",
        TypeRef::Json => "Value",
        TypeRef::Unit => "Empty",
        TypeRef::Named(_) => "Named",
        TypeRef::Array(_) => "Array",
        TypeRef::Map(_) => "Map",
    }
}
