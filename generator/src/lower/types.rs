//! Schemas → Rust types: the dispatch, references, scalars and arrays.
//! Objects and `allOf` are in `objects.rs`, unions in `unions.rs`, enums in
//! `enums.rs`.

use openapiv3::{ReferenceOr, Schema};

use super::Lowerer;
use super::schema_view::SchemaView;
use crate::diagnostics::{Result, fragment_token, pointer_child, pointer_token};
use crate::ir::{Constrained, Constraints, FloatWidth, IntegerWidth, TypeId, TypeKind, TypeRef};
use crate::names::type_ident;

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
    "int32",
    "decimal",
    "double",
    "float",
    "date-time-rfc1123",
    "char",
];

/// What a schema becomes: an existing type, or a new named definition.
pub(super) enum Shape {
    Existing(TypeRef),
    Define(TypeKind),
}

impl<'a> Lowerer<'a> {
    /// Claims a Rust name for every component schema up front, so that
    /// references (including recursive ones) can be named before lowering.
    pub(super) fn name_components(&mut self) {
        let Some(components) = &self.doc.components else {
            return;
        };
        for key in components.schemas.keys() {
            let pointer = format!("#/components/schemas/{}", pointer_token(key));
            let name = self.type_names.claim(&type_ident(key));
            let id = self.reserve_named(name, &pointer);
            self.component_ids.insert(key.clone(), id);
        }
    }

    pub(super) fn lower_components(&mut self) -> Result<()> {
        let doc = self.doc;
        let Some(components) = &doc.components else {
            return Ok(());
        };
        let mut errors = crate::diagnostics::Errors::default();
        for (key, schema) in &components.schemas {
            if errors.full() {
                break;
            }
            let lowered = self.lower_component(key, schema);
            errors.note(lowered);
        }
        errors.finish()
    }

    /// One entry of `components/schemas`.
    fn lower_component(&mut self, key: &str, schema: &'a ReferenceOr<Schema>) -> Result<()> {
        let pointer = format!("#/components/schemas/{}", pointer_token(key));
        let id = self.component_ids[key];
        if let Some(path) = self.options.replacements.get(key) {
            self.define(id, None, TypeKind::External(path.clone()));
            return Ok(());
        }
        let name = self.types[id.0]
            .as_ref()
            .map(|d| d.name.clone())
            .unwrap_or_default();
        match schema {
            ReferenceOr::Reference { .. } => {
                let ty = self.type_of(schema, &name, &pointer)?;
                self.define(id, None, TypeKind::Alias(ty));
            }
            ReferenceOr::Item(schema) => {
                let view = SchemaView::new(schema);
                let kind = match self.shape(&name, schema, &pointer)? {
                    Shape::Define(kind) => kind,
                    Shape::Existing(ty) => self.component_alias(&view, ty, &pointer),
                };
                self.define(id, view.description(), kind);
            }
        }
        Ok(())
    }

    /// A component that is another type: an alias, or, when it has
    /// constraints of its own, a type that checks them.
    fn component_alias(&mut self, view: &SchemaView<'a>, ty: TypeRef, pointer: &str) -> TypeKind {
        let constraints = self.constraints_of(view, pointer).for_type(&ty);
        let checkable = matches!(
            ty,
            TypeRef::String | TypeRef::Integer(_) | TypeRef::Float(_) | TypeRef::Array(_)
        );
        if constraints.is_empty() {
            return TypeKind::Alias(ty);
        }
        if !checkable {
            let message = match ty {
                // Binary lengths are checked where a property or parameter states them.
                TypeRef::Bytes => {
                    "the constraints of this binary component are not checked (only where a property or parameter states them)"
                }
                _ => "the constraints of this component are not checked",
            };
            self.warn(pointer, message);
            return TypeKind::Alias(ty);
        }
        TypeKind::Constrained(Constrained {
            inner: ty,
            constraints,
        })
    }

    /// Whether an occurrence may be `null`: nullable itself, a reference to
    /// a nullable schema, or a `oneOf`/`anyOf` with a null alternative.
    pub(super) fn is_nullable_schema(&self, schema: &'a Schema) -> bool {
        let view = SchemaView::new(schema);
        view.nullable()
            || view
                .one_of
                .iter()
                .chain(view.any_of)
                .any(|s| self.is_null_alternative(s))
            || self.all_of_nullable(&view)
    }

    /// `allOf` members that only annotate may carry `nullable: true`.
    fn all_of_nullable(&self, view: &SchemaView<'a>) -> bool {
        view.all_of.iter().any(|member| match member {
            ReferenceOr::Item(schema) => {
                let member = SchemaView::new(schema);
                member.is_annotation_only() && member.nullable()
            }
            ReferenceOr::Reference { .. } => false,
        })
    }

    pub(super) fn is_nullable_ref(&self, reference: &str) -> bool {
        self.resolve_schema_ref(reference, "")
            .is_ok_and(|(schema, _)| self.is_nullable_schema(schema))
    }

    /// Whether a union alternative stands for `null`.
    pub(super) fn is_null_alternative(&self, schema: &ReferenceOr<Schema>) -> bool {
        match schema {
            ReferenceOr::Item(schema) => SchemaView::new(schema).is_null_marker(),
            ReferenceOr::Reference { .. } => false,
        }
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
            ReferenceOr::Item(inline) => self.type_of_item(inline, hint, pointer),
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
            ReferenceOr::Item(inline) => self.type_of_item(inline, hint, pointer),
        }
    }

    /// An inline schema; one that a `$ref` elsewhere points at is typed
    /// once, for both.
    fn type_of_item(&mut self, schema: &'a Schema, hint: &str, pointer: &str) -> Result<TypeRef> {
        match self.nested_at.get(pointer) {
            Some(&reference) => self.nested_type(reference, hint, pointer),
            None => self.type_of_inline(schema, hint, pointer),
        }
    }

    /// A reference names the component's type (the first of a chain, which
    /// is an alias of the next).
    fn type_of_ref(&mut self, reference: &str, pointer: &str) -> Result<TypeRef> {
        if self.nested_refs.contains_key(reference) {
            // Inside a component or elsewhere: named after its place.
            let hint = crate::diagnostics::fragment_pointer(reference)
                .unwrap_or_default()
                .trim_start_matches("/components/schemas/")
                .trim_start_matches("/components/")
                .trim_start_matches('/')
                .split('/')
                .map(crate::diagnostics::unescape_token)
                .collect::<Vec<_>>()
                .join(" ");
            return self.nested_type(reference, &hint, pointer);
        }
        // Refuses dangling references and cycles, with the pointer.
        self.resolve_schema_ref(reference, pointer)?;
        let key = reference
            .strip_prefix("#/components/schemas/")
            .map(fragment_token)
            .unwrap_or_default();
        match self.component_ids.get(&key) {
            Some(id) => Ok(TypeRef::Named(*id)),
            None => Err(self.error(pointer, format!("dangling $ref `{reference}`"))),
        }
    }

    /// The type of the schema a reference into a component (or elsewhere)
    /// names: made once, under `hint`, whichever way it is reached first.
    fn nested_type(&mut self, reference: &str, hint: &str, pointer: &str) -> Result<TypeRef> {
        if let Some(ty) = self.nested_types.get(reference) {
            return Ok(ty.clone());
        }
        let Some(schema) = self.nested_refs.get(reference) else {
            return Err(self.error(pointer, format!("dangling $ref `{reference}`")));
        };
        if !self.nested_in_progress.insert(reference.to_string()) {
            return Err(self.error(
                pointer,
                format!(
                    "$ref cycle with nothing to stand on: `{reference}` contains itself with no type in between"
                ),
            ));
        }
        let view = SchemaView::new(schema);
        let container = view.items.is_some()
            || matches!(
                view.additional,
                Some(openapiv3::AdditionalProperties::Schema(_))
            );
        let ty = if container || self.needs_definition(&view) {
            // Named before its parts, as a component is: a reference back
            // to it from inside is then the type itself (a cycle that
            // `recursion.rs` boxes), not endless inlining. A list or map
            // is named too (an alias), as a cycle may go through it.
            let id = self.reserve(hint, reference);
            self.nested_types
                .insert(reference.to_string(), TypeRef::Named(id));
            self.define_reserved(id, schema, reference)
        } else {
            self.type_of_inline(schema, hint, reference)
        };
        self.nested_in_progress.remove(reference);
        let ty = ty?;
        self.nested_types.insert(reference.to_string(), ty.clone());
        Ok(ty)
    }

    fn type_of_inline(&mut self, schema: &'a Schema, hint: &str, pointer: &str) -> Result<TypeRef> {
        let view = SchemaView::new(schema);
        if !self.needs_definition(&view) {
            return match self.shape(hint, schema, pointer)? {
                Shape::Existing(ty) => Ok(ty),
                Shape::Define(kind) => {
                    let id = self.reserve(hint, pointer);
                    self.define(id, view.description(), kind);
                    Ok(TypeRef::Named(id))
                }
            };
        }
        // Named before its parts, so that they are named after it.
        let id = self.reserve(hint, pointer);
        self.define_reserved(id, schema, pointer)
    }

    /// Lowers `schema` as the definition of the type reserved as `id`.
    fn define_reserved(
        &mut self,
        id: TypeId,
        schema: &'a Schema,
        pointer: &str,
    ) -> Result<TypeRef> {
        let view = SchemaView::new(schema);
        let name = self.types[id.0]
            .as_ref()
            .map(|d| d.name.clone())
            .unwrap_or_default();
        let kind = match self.shape(&name, schema, pointer)? {
            Shape::Define(kind) => kind,
            Shape::Existing(ty) => TypeKind::Alias(ty),
        };
        self.define(id, view.description(), kind);
        Ok(TypeRef::Named(id))
    }

    /// Whether an inline schema becomes a named type of its own (decided
    /// before lowering it, so that it is named before its parts).
    fn needs_definition(&self, view: &SchemaView<'a>) -> bool {
        if view.has_not {
            return false;
        }
        let alternatives = view
            .one_of
            .iter()
            .chain(view.any_of)
            .filter(|s| !self.is_null_alternative(s))
            .count();
        if alternatives > 0 {
            return alternatives > 1 || view.properties.is_some_and(|p| !p.is_empty());
        }
        if !view.all_of.is_empty() {
            return self.all_of_plan(view) == super::all_of::AllOfPlan::Merge;
        }
        if !view.enumeration.is_empty() {
            return super::enums::enum_wire(view).is_some();
        }
        view.properties.is_some_and(|p| !p.is_empty())
    }

    pub(super) fn shape(&mut self, name: &str, schema: &'a Schema, pointer: &str) -> Result<Shape> {
        let view = SchemaView::new(schema);
        if view.has_not {
            return Ok(self.not_shape(&view, pointer));
        }
        if !view.all_of.is_empty() {
            return self.all_of_shape(name, &view, pointer);
        }
        if !view.one_of.is_empty() || !view.any_of.is_empty() {
            return self.union_or_single(name, schema, &view, pointer);
        }
        if !view.enumeration.is_empty() {
            if let Some(wire) = super::enums::enum_wire(&view) {
                return Ok(Shape::Define(self.enum_kind(schema, &view, wire, pointer)));
            }
        }
        Ok(match view.ty {
            Some("string") => Shape::Existing(self.string_type(&view, pointer)),
            Some("integer") => Shape::Existing(self.integer_type(&view, pointer)),
            Some("number") => Shape::Existing(self.number_type(&view, pointer)),
            Some("boolean") => Shape::Existing(TypeRef::Boolean),
            Some("array") => Shape::Existing(self.array_type(name, &view, pointer)?),
            Some("object") => self.object_schema_shape(name, &view, pointer)?,
            Some("null") => Shape::Existing(TypeRef::Unit),
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

    /// `not`: nothing the client builds or decodes depends on it, so the
    /// rest of the schema is its type; a schema that is only `not` is any
    /// value.
    fn not_shape(&mut self, view: &SchemaView<'a>, pointer: &str) -> Shape {
        let ty = self.scalar_type(view, pointer);
        self.warn(
            &format!("{pointer}/not"),
            "`not` is not checked by the client: the value is typed without it",
        );
        Shape::Existing(ty)
    }

    /// A string, integer, number or boolean schema's type (any JSON value
    /// for other types).
    pub(super) fn scalar_type(&mut self, view: &SchemaView<'a>, pointer: &str) -> TypeRef {
        match view.ty {
            Some("string") => self.string_type(view, pointer),
            Some("integer") => self.integer_type(view, pointer),
            Some("number") => self.number_type(view, pointer),
            Some("boolean") => TypeRef::Boolean,
            _ => TypeRef::Json,
        }
    }

    fn string_type(&mut self, view: &SchemaView<'a>, pointer: &str) -> TypeRef {
        match view.format {
            None => TypeRef::String,
            Some("date-time") => TypeRef::DateTime,
            Some("date") => TypeRef::Date,
            Some("uuid") => TypeRef::Uuid,
            Some("binary") => TypeRef::Bytes,
            Some(known) if PLAIN_STRING_FORMATS.contains(&known) => TypeRef::String,
            Some(other) => {
                self.warn(
                    &format!("{pointer}/format"),
                    format!("unknown string format `{other}`; using String"),
                );
                TypeRef::String
            }
        }
    }

    fn integer_type(&mut self, view: &SchemaView<'a>, pointer: &str) -> TypeRef {
        TypeRef::Integer(match view.format {
            Some("int32" | "int16" | "int8") => IntegerWidth::I32,
            Some("uint32" | "uint16" | "uint8") => IntegerWidth::U32,
            Some("uint64" | "uint") => IntegerWidth::U64,
            Some("int64") | None => IntegerWidth::I64,
            Some(other) => {
                self.warn(
                    &format!("{pointer}/format"),
                    format!("unknown integer format `{other}`; using i64"),
                );
                IntegerWidth::I64
            }
        })
    }

    fn number_type(&mut self, view: &SchemaView<'a>, pointer: &str) -> TypeRef {
        TypeRef::Float(match view.format {
            Some("float") => FloatWidth::F32,
            Some("double" | "decimal") | None => FloatWidth::F64,
            Some("int32" | "int64" | "integer") => FloatWidth::F64,
            Some(other) => {
                self.warn(
                    &format!("{pointer}/format"),
                    format!("unknown number format `{other}`; using f64"),
                );
                FloatWidth::F64
            }
        })
    }

    fn array_type(&mut self, name: &str, view: &SchemaView<'a>, pointer: &str) -> Result<TypeRef> {
        let item_name = [name, "Item"].concat();
        let at = pointer_child(pointer, "items");
        let items = match view.items {
            Some(items) => self.type_of_boxed(items, &item_name, &at)?,
            None => TypeRef::Json,
        };
        let items = self.named_if_deep(items, &item_name, &at);
        Ok(TypeRef::Array(Box::new(items)))
    }

    /// The element type of an array or map, given a name (an alias) when
    /// it is itself arrays and maps a few levels deep: some specs nest them
    /// without end, and no type should be too complex to read (clippy's
    /// `type_complexity`).
    pub(super) fn named_if_deep(&mut self, element: TypeRef, name: &str, pointer: &str) -> TypeRef {
        if container_depth(&element) < MAX_ANONYMOUS_NESTING {
            return element;
        }
        let id = self.reserve(name, pointer);
        self.define(id, None, TypeKind::Alias(element));
        TypeRef::Named(id)
    }

    /// Constraints of a schema; for arrays, with the item constraints too.
    /// Patterns are translated to the `regex` crate's syntax; contradictory
    /// or meaningless bounds are reported and left out.
    pub(super) fn constraints_of(&mut self, view: &SchemaView<'a>, pointer: &str) -> Constraints {
        let merged = (!view.all_of.is_empty()
            && self.all_of_plan(view) == super::all_of::AllOfPlan::Scalar)
            .then(|| self.scalar_all_of(view, pointer))
            .flatten();
        let mut constraints = merged.map_or_else(|| view.constraints.clone(), |(_, c)| c);
        self.check_constraints(&mut constraints, pointer);
        if let Some(ReferenceOr::Item(items)) = view.items {
            let mut item = SchemaView::new(items).constraints;
            self.check_constraints(&mut item, &format!("{pointer}/items"));
            if !item.is_empty() {
                constraints.items = Some(Box::new(item));
            }
        }
        constraints
    }

    fn check_constraints(&mut self, c: &mut Constraints, pointer: &str) {
        if let Some(pattern) = &c.pattern {
            let checked = self
                .patterns
                .entry(pattern.clone())
                .or_insert_with(|| super::pattern::to_rust_regex(pattern));
            match checked {
                Ok(translated) => c.pattern_regex = Some(translated.clone()),
                Err(message) => {
                    let message = message.clone();
                    c.pattern = None;
                    self.warn(&format!("{pointer}/pattern"), message);
                }
            }
        }
        if c.multiple_of.is_some_and(|m| !(m > 0.0 && m.is_finite())) {
            self.warn(
                &format!("{pointer}/multipleOf"),
                "`multipleOf` must be greater than 0; it is not checked",
            );
            c.multiple_of = None;
        }
        let contradicts = |low: Option<f64>, high: Option<f64>| matches!((low, high), (Some(l), Some(h)) if l > h);
        if contradicts(c.minimum, c.maximum) {
            self.warn(
                pointer,
                "`minimum` is greater than `maximum`: no value fits; the bounds are not checked",
            );
            (c.minimum, c.maximum) = (None, None);
        }
        if contradicts(
            c.min_length.map(|n| n as f64),
            c.max_length.map(|n| n as f64),
        ) {
            self.warn(
                pointer,
                "`minLength` is greater than `maxLength`: no value fits; the lengths are not checked",
            );
            (c.min_length, c.max_length) = (None, None);
        }
        if contradicts(c.min_items.map(|n| n as f64), c.max_items.map(|n| n as f64)) {
            self.warn(
                pointer,
                "`minItems` is greater than `maxItems`: no value fits; the counts are not checked",
            );
            (c.min_items, c.max_items) = (None, None);
        }
    }
}

/// Levels of arrays and maps an item type may have before it is named.
const MAX_ANONYMOUS_NESTING: usize = 2;

/// How many arrays and maps `ty` is made of, nested.
fn container_depth(ty: &TypeRef) -> usize {
    match ty {
        TypeRef::Array(inner) | TypeRef::Map(inner) => 1 + container_depth(inner),
        _ => 0,
    }
}
