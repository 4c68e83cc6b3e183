//! Object schemas and `allOf` → structs (or maps).

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema};

use super::Lowerer;
use super::schema_view::SchemaView;
use super::types::Shape;
use crate::diagnostics::{Result, pointer_token};
use crate::ir::{Constraints, Deprecation, Field, Presence, Struct, TypeKind, TypeRef};
use crate::names::{NameScope, pascal_ident, snake_ident};

/// Deeper `allOf` nesting than this is refused (it is a cycle in practice).
const MAX_ALL_OF_DEPTH: usize = 64;

/// Object properties gathered from a schema and everything it `allOf`s.
#[derive(Default)]
pub(super) struct ObjectParts<'a> {
    pub properties: IndexMap<String, (&'a ReferenceOr<Box<Schema>>, String)>,
    pub required: Vec<String>,
    pub additional: Option<(&'a AdditionalProperties, String)>,
    /// A union the object also is (properties written beside `oneOf`).
    pub flattened: Option<TypeRef>,
}

/// What an `allOf` becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum AllOfPlan {
    /// One member has the type, the others only annotate: that member's type.
    PassThrough(usize),
    /// Every member is an object: one struct with all their properties.
    Merge,
    /// Every member is a plain scalar of one type: that type, with every
    /// member's constraints.
    Scalar,
    /// Members of different kinds: any JSON value, with a warning.
    Fallback,
    /// Nothing but annotations (`allOf: [{}, {description: ..}]`): any JSON
    /// value, as the schema says.
    AnyValue,
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

    /// Decided without lowering anything (see `needs_definition`).
    pub(super) fn all_of_plan(&self, view: &SchemaView<'a>) -> AllOfPlan {
        let own_shape = view.properties.is_some_and(|p| !p.is_empty())
            || view.additional.is_some()
            || view.ty.is_some_and(|t| t != "object");
        let typed: Vec<usize> = view
            .all_of
            .iter()
            .enumerate()
            .filter(|(_, member)| match member {
                ReferenceOr::Item(schema) => !SchemaView::new(schema).is_annotation_only(),
                ReferenceOr::Reference { .. } => true,
            })
            .map(|(i, _)| i)
            .collect();
        if !own_shape && view.one_of.is_empty() && view.any_of.is_empty() {
            match typed.as_slice() {
                [only] => return AllOfPlan::PassThrough(*only),
                [] => return AllOfPlan::AnyValue,
                _ => {}
            }
        }
        let typed = self.without_bare_scalars(view, typed);
        if let [only] = typed.as_slice() {
            if !own_shape || self.narrows_its_member(view, &view.all_of[*only]) {
                return AllOfPlan::PassThrough(*only);
            }
        }
        if self.mergeable(view, 0) && self.union_members(view, 0) <= 1 {
            AllOfPlan::Merge
        } else if self.scalar_members(view, 0).is_some() {
            AllOfPlan::Scalar
        } else {
            AllOfPlan::Fallback
        }
    }

    /// The typed members, less inline `{type: string}`-only ones when every
    /// member has that same scalar type (`allOf: [$ref: Id, {type: string,
    /// readOnly: true}]`: the reference is the type).
    fn without_bare_scalars(&self, view: &SchemaView<'a>, typed: Vec<usize>) -> Vec<usize> {
        if typed.len() < 2 {
            return typed;
        }
        let member_view = |i: usize| -> Option<SchemaView<'a>> {
            match &view.all_of[i] {
                ReferenceOr::Item(schema) => Some(SchemaView::new(schema)),
                ReferenceOr::Reference { reference } => self
                    .resolve_schema_ref(reference, "")
                    .ok()
                    .map(|(s, _)| SchemaView::new(s)),
            }
        };
        let views: Vec<Option<SchemaView<'a>>> = typed.iter().map(|&i| member_view(i)).collect();
        let first_ty = views.first().and_then(|v| v.as_ref()).and_then(|v| v.ty);
        let same_scalar = first_ty.is_some_and(|t| !matches!(t, "object" | "array"))
            && views
                .iter()
                .all(|v| v.as_ref().is_some_and(|v| v.ty == first_ty));
        if !same_scalar {
            return typed;
        }
        let kept: Vec<usize> = typed
            .iter()
            .zip(&views)
            .filter(|(i, v)| {
                !(matches!(view.all_of[**i], ReferenceOr::Item(_))
                    && v.as_ref().is_some_and(SchemaView::is_bare_scalar))
            })
            .map(|(i, _)| *i)
            .collect();
        if kept.is_empty() { typed } else { kept }
    }

    /// `{type: integer, enum: [1], allOf: [$ref: Kinds]}` (Discord's tags): a
    /// scalar that only narrows the scalar it `allOf`s to some of its values
    /// (no other constraint of its own) is that member's type, which decodes
    /// every value the narrowed schema allows.
    fn narrows_its_member(&self, view: &SchemaView<'a>, member: &ReferenceOr<Schema>) -> bool {
        let Some(ty) = view.ty.filter(|t| *t != "object" && *t != "array") else {
            return false;
        };
        let own_parts = view.properties.is_some_and(|p| !p.is_empty())
            || view.additional.is_some()
            || !view.one_of.is_empty()
            || !view.any_of.is_empty()
            || !view.constraints.is_empty();
        if own_parts {
            return false;
        }
        let schema = match member {
            ReferenceOr::Item(schema) => schema,
            ReferenceOr::Reference { reference } => match self.resolve_schema_ref(reference, "") {
                Ok((schema, _)) => schema,
                Err(_) => return false,
            },
        };
        SchemaView::new(schema).ty == Some(ty)
    }

    /// An `allOf` of plain scalars of one type (`[{type: string, minLength:
    /// 36}, $ref: Uuid]`, members that are such `allOf`s themselves
    /// included), when the schema adds nothing but constraints and all the
    /// constraints can be said as one set: the member that gives the type
    /// (with the format, if one has it) and that set.
    fn scalar_members(
        &self,
        view: &SchemaView<'a>,
        depth: usize,
    ) -> Option<(SchemaView<'a>, Constraints)> {
        let own_parts = view.properties.is_some_and(|p| !p.is_empty())
            || view.additional.is_some()
            || !view.one_of.is_empty()
            || !view.any_of.is_empty()
            || !view.enumeration.is_empty()
            || view.has_not
            || view.ty.is_some_and(|t| matches!(t, "object" | "array"));
        if own_parts || depth > MAX_ALL_OF_DEPTH {
            return None;
        }
        let mut base: Option<SchemaView<'a>> = None;
        let mut constraints = view.constraints.clone();
        for member in view.all_of {
            let schema = match member {
                ReferenceOr::Item(schema) => schema,
                ReferenceOr::Reference { reference } => {
                    self.resolve_schema_ref(reference, "").ok()?.0
                }
            };
            let member = SchemaView::new(schema);
            if member.is_annotation_only() {
                continue;
            }
            let (member, rules) = if member.all_of.is_empty() {
                let plain = member.enumeration.is_empty()
                    && member.one_of.is_empty()
                    && member.any_of.is_empty()
                    && !member.has_not
                    && member.items.is_none()
                    && member.properties.is_none_or(IndexMap::is_empty)
                    && member.additional.is_none();
                if !plain || member.ty.is_some_and(|t| matches!(t, "object" | "array")) {
                    return None;
                }
                if member.ty.is_none() {
                    // Constraints alone (`{maxLength: 16}`, DigitalOcean's labels).
                    constraints = constraints.intersect(&member.constraints)?;
                    continue;
                }
                let rules = member.constraints.clone();
                (member, rules)
            } else {
                self.scalar_members(&member, depth + 1)?
            };
            constraints = constraints.intersect(&rules)?;
            base = match base {
                None => Some(member),
                Some(known) if known.ty != member.ty => return None,
                Some(known) => match (known.format, member.format) {
                    (Some(a), Some(b)) if a != b => return None,
                    (None, Some(_)) => Some(member),
                    _ => Some(known),
                },
            };
        }
        let base = base?;
        if view.ty.is_some_and(|t| Some(t) != base.ty) {
            return None;
        }
        Some((base, constraints))
    }

    /// The type and constraints of an `AllOfPlan::Scalar` schema.
    pub(super) fn scalar_all_of(
        &mut self,
        view: &SchemaView<'a>,
        pointer: &str,
    ) -> Option<(TypeRef, Constraints)> {
        let (base, constraints) = self.scalar_members(view, 0)?;
        Some((self.scalar_type(&base, pointer), constraints))
    }

    /// Whether a schema and everything it `allOf`s are objects.
    fn mergeable(&self, view: &SchemaView<'a>, depth: usize) -> bool {
        if depth > MAX_ALL_OF_DEPTH {
            return false;
        }
        let members_ok = view.all_of.iter().all(|member| {
            let schema = match member {
                ReferenceOr::Item(schema) => schema,
                ReferenceOr::Reference { reference } => {
                    match self.resolve_schema_ref(reference, "") {
                        Ok((schema, _)) => schema,
                        Err(_) => return false,
                    }
                }
            };
            let member = SchemaView::new(schema);
            member.is_annotation_only()
                || member.is_required_alternatives()
                || self.is_union_member(&member)
                || self.mergeable(&member, depth + 1)
        });
        let plain = view.one_of.is_empty() && view.any_of.is_empty() && !view.has_not;
        let object_like = view.is_object()
            || view.additional.is_some()
            || (view.ty.is_none() && view.enumeration.is_empty());
        members_ok && plain && object_like
    }

    /// An `allOf` member that is a union of objects and nothing else
    /// (`{oneOf: [$ref: A, $ref: B]}` beside the object's own members,
    /// Cloudflare's configs): the merged struct is one of them too.
    fn is_union_member(&self, view: &SchemaView<'a>) -> bool {
        let mut alternatives = view
            .one_of
            .iter()
            .chain(view.any_of)
            .filter(|a| !self.is_null_alternative(a))
            .peekable();
        let plain = view.ty.is_none_or(|t| t == "object")
            && view.properties.is_none_or(IndexMap::is_empty)
            && view.additional.is_none()
            && view.all_of.is_empty()
            && view.enumeration.is_empty()
            && !view.has_not
            && !view.is_required_alternatives();
        plain
            && alternatives.peek().is_some()
            && alternatives.all(|alternative| match alternative {
                ReferenceOr::Item(schema) => self.mergeable(&SchemaView::new(schema), 1),
                ReferenceOr::Reference { reference } => self
                    .resolve_schema_ref(reference, "")
                    .is_ok_and(|(schema, _)| self.mergeable(&SchemaView::new(schema), 1)),
            })
    }

    /// How many union members (see `is_union_member`) an `allOf` holds,
    /// nested ones included: a struct flattens one union in, not two.
    fn union_members(&self, view: &SchemaView<'a>, depth: usize) -> usize {
        if depth > MAX_ALL_OF_DEPTH {
            return usize::MAX;
        }
        view.all_of
            .iter()
            .filter_map(|member| match member {
                ReferenceOr::Item(schema) => Some(schema),
                ReferenceOr::Reference { reference } => self
                    .resolve_schema_ref(reference, "")
                    .ok()
                    .map(|(schema, _)| schema),
            })
            .map(|schema| {
                let member = SchemaView::new(schema);
                if self.is_union_member(&member) {
                    1
                } else {
                    self.union_members(&member, depth + 1)
                }
            })
            .fold(0, usize::saturating_add)
    }

    /// `allOf`: a typed member with annotations passes through; object
    /// members merge into one struct; anything else falls back to
    /// `serde_json::Value`.
    pub(super) fn all_of_shape(
        &mut self,
        name: &str,
        view: &SchemaView<'a>,
        pointer: &str,
    ) -> Result<Shape> {
        match self.all_of_plan(view) {
            AllOfPlan::PassThrough(i) => Ok(Shape::Existing(self.type_of(
                &view.all_of[i],
                name,
                &format!("{pointer}/allOf/{i}"),
            )?)),
            AllOfPlan::AnyValue => Ok(Shape::Existing(TypeRef::Json)),
            AllOfPlan::Fallback => {
                self.warn(
                    pointer,
                    "allOf mixes objects with non-object schemas; using serde_json::Value",
                );
                Ok(Shape::Existing(TypeRef::Json))
            }
            AllOfPlan::Scalar => match self.scalar_all_of(view, pointer) {
                Some((ty, _)) => Ok(Shape::Existing(ty)),
                None => Ok(Shape::Existing(TypeRef::Json)),
            },
            AllOfPlan::Merge => {
                let mut parts = ObjectParts::default();
                self.collect_all_of(name, view.schema, pointer, &mut parts, 0)?;
                self.object_shape(name, parts, pointer)
            }
        }
    }

    /// Gathers properties through nested `allOf`s (checked mergeable).
    fn collect_all_of(
        &mut self,
        name: &str,
        schema: &'a Schema,
        pointer: &str,
        parts: &mut ObjectParts<'a>,
        depth: usize,
    ) -> Result<()> {
        if depth > MAX_ALL_OF_DEPTH {
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
            let member = SchemaView::new(resolved);
            if self.is_union_member(&member) {
                // Checked by `union_members`: this is the only one.
                parts.flattened = Some(self.type_of(
                    part,
                    &format!("{name}Variant"),
                    &format!("{pointer}/allOf/{i}"),
                )?);
                continue;
            }
            if member.is_required_alternatives() {
                self.warn(
                    &at,
                    "alternatives that only list `required` properties (at least one of them) are not checked by the client",
                );
                continue;
            }
            self.collect_all_of(name, resolved, &at, parts, depth + 1)?;
        }
        self.collect_own_properties(&view, pointer, parts);
        Ok(())
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
                parts.required.push(key.clone());
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
        scope.reserve("additional_properties");
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
