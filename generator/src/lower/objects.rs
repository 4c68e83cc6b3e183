//! Object schemas → structs (or maps): their properties gathered, their
//! fields named and typed. `allOf` merges into them from `all_of.rs`.

use indexmap::{IndexMap, IndexSet};
use openapiv3::{AdditionalProperties, ReferenceOr, Schema};

use super::Lowerer;
use super::schema_view::SchemaView;
use super::types::Shape;
use crate::diagnostics::{Result, pointer_token};
use crate::ir::{Constraints, Deprecation, Field, Presence, Struct, TypeKind, TypeRef};
use crate::names::{NameScope, pascal_ident, snake_ident};

/// Object properties gathered from a schema and everything it `allOf`s.
#[derive(Default)]
pub(super) struct ObjectParts<'a> {
    pub properties: IndexMap<String, (&'a ReferenceOr<Box<Schema>>, String)>,
    /// Looked up for each property (a `Vec` made 40,000 of them quadratic).
    pub required: IndexSet<String>,
    pub additional: Option<(&'a AdditionalProperties, String)>,
    /// A union the object also is (properties written beside `oneOf`).
    pub flattened: Option<TypeRef>,
}

impl<'a> Lowerer<'a> {
    /// `type: object` (or properties without a type).
    pub(super) fn object_schema_shape(
        &mut self,
        name: &str,
        view: &SchemaView<'a>,
        pointer: &str,
    ) -> Result<Shape> {
        let mut parts = ObjectParts::default();
        self.collect_own_properties(view, pointer, &mut parts);
        self.object_shape(name, parts, pointer)
    }

    pub(super) fn collect_own_properties(
        &mut self,
        view: &SchemaView<'a>,
        pointer: &str,
        parts: &mut ObjectParts<'a>,
    ) {
        if let Some(properties) = view.properties {
            for (key, property) in properties {
                let at = [pointer, "/properties/", &pointer_token(key)].concat();
                // A later allOf part refines an earlier one: last wins.
                parts.properties.insert(key.clone(), (property, at));
            }
        }
        for key in view.required {
            if !parts.required.contains(key) {
                parts.required.insert(key.clone());
            }
        }
        if let Some(additional) = view.additional {
            parts.additional = Some((additional, format!("{pointer}/additionalProperties")));
        }
    }

    pub(super) fn object_shape(
        &mut self,
        name: &str,
        parts: ObjectParts<'a>,
        pointer: &str,
    ) -> Result<Shape> {
        let additional = match parts.additional {
            Some((AdditionalProperties::Schema(schema), at)) => {
                let value = self.type_of(schema, &format!("{name}Value"), &at)?;
                Some(self.named_if_deep(value, &format!("{name}Value"), &at))
            }
            Some((AdditionalProperties::Any(true), _)) => Some(TypeRef::Json),
            Some((AdditionalProperties::Any(false), _)) | None => None,
        };
        if parts.properties.is_empty() && parts.flattened.is_none() {
            // A map, or a free-form object.
            let value = additional.unwrap_or(TypeRef::Json);
            return Ok(Shape::Existing(TypeRef::Map(Box::new(value))));
        }
        for key in &parts.required {
            if !parts.properties.contains_key(key)
                && parts.flattened.is_none()
                && additional.is_none()
            {
                self.warn(
                    pointer,
                    format!("`required` names `{key}`, which is not a property; it is ignored"),
                );
            }
        }
        let mut scope = NameScope::default();
        if additional.is_some() {
            // The field that keeps the other keys.
            scope.reserve("additional_properties");
        }
        let mut fields = Vec::new();
        for (key, (property, at)) in parts.properties {
            let required = parts.required.contains(&key);
            fields.push(self.field(name, &mut scope, key, property, &at, required)?);
        }
        if let Some(union) = parts.flattened {
            fields.push(Field {
                rust_name: scope.claim("variant"),
                wire_name: String::new(),
                doc: Some("The alternative the object is, with its own properties.".into()),
                ty: union,
                presence: Presence::Required,
                default: None,
                constraints: Constraints::default(),
                boxed: false,
                deprecated: None,
                flatten: true,
            });
        }
        Ok(Shape::Define(TypeKind::Struct(Struct {
            fields,
            additional,
        })))
    }

    fn field(
        &mut self,
        owner: &str,
        scope: &mut NameScope,
        key: String,
        property: &'a ReferenceOr<Box<Schema>>,
        at: &str,
        required: bool,
    ) -> Result<Field> {
        let rust_name = scope.claim(&snake_ident(&key));
        // Only an inline schema may need a name of its own.
        let hint = match property {
            ReferenceOr::Item(_) => format!("{owner}{}", pascal_ident(&key)),
            ReferenceOr::Reference { .. } => String::new(),
        };
        let (inline, nullable) = match property {
            ReferenceOr::Item(schema) => (Some(&**schema), self.is_nullable_schema(schema)),
            ReferenceOr::Reference { reference } => (None, self.is_nullable_ref(reference)),
        };
        let ty = self.type_of_boxed(property, &hint, at)?;
        // `required` holds in one direction only for these (OpenAPI 3.0:
        // responses only for `readOnly`, requests only for `writeOnly`), and
        // one type serves both: optional, so that a request need not carry a
        // server-set `id` and a response without the `password` decodes.
        let one_way = inline
            .filter(|_| required)
            .and_then(|s| one_way_note(&s.schema_data));
        let required = required && one_way.is_none();
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
                    self.constraints_of(&view, at).for_type(&ty),
                    deprecation(schema),
                )
            }
            None => (None, None, Constraints::default(), None),
        };
        let doc = match one_way {
            Some(note) => Some(match doc {
                Some(doc) => format!("{doc}\n\n{note}"),
                None => note.to_string(),
            }),
            None => doc,
        };
        Ok(Field {
            rust_name,
            wire_name: key,
            doc,
            ty,
            presence,
            default,
            constraints,
            boxed: false,
            deprecated,
            flatten: false,
        })
    }
}

/// Why a required `readOnly` or `writeOnly` property's field is optional.
fn one_way_note(data: &openapiv3::SchemaData) -> Option<&'static str> {
    if data.read_only {
        Some("Set by the server: in every response, left out of requests unless set (`readOnly`).")
    } else if data.write_only {
        Some("Required in requests; responses leave it out (`writeOnly`).")
    } else {
        None
    }
}

/// `deprecated: true`, with the hint the spec gives (`x-deprecated-reason`
/// and its kin, or a description that starts with "Deprecated").
pub(super) fn deprecation(schema: &Schema) -> Option<Deprecation> {
    let data = &schema.schema_data;
    if !data.deprecated {
        return None;
    }
    let from_extension = [
        "x-deprecated-reason",
        "x-deprecation-reason",
        "x-deprecated-message",
        "x-deprecation-message",
        "x-deprecated",
    ]
    .iter()
    .find_map(|key| data.extensions.get(*key)?.as_str().map(str::to_string));
    let from_description = data.description.as_deref().and_then(|d| {
        let first = d.lines().next()?.trim();
        first
            .to_ascii_lowercase()
            .starts_with("deprecated")
            .then(|| first.to_string())
    });
    Some(Deprecation {
        note: from_extension.or(from_description),
    })
}
