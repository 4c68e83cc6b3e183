//! `oneOf` / `anyOf` → unions, tagged where a property selects the variant.

use std::collections::BTreeSet;

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};

use super::Lowerer;
use super::enums::UNKNOWN_VARIANT;
use super::objects::ObjectParts;
use super::schema_view::SchemaView;
use super::types::Shape;
use crate::diagnostics::{Result, fragment_token};
use crate::ir::{TypeKind, TypeRef, Union, UnionVariant};
use crate::names::{NameScope, pascal_ident};

/// A union's alternatives: (index in the keyword's list, schema).
type Alternatives<'a> = Vec<(usize, &'a ReferenceOr<Schema>)>;

impl<'a> Lowerer<'a> {
    /// `oneOf`/`anyOf`: one alternative (besides null) is that type; several
    /// make a union; properties beside them make a struct that also is the
    /// union.
    pub(super) fn union_or_single(
        &mut self,
        name: &str,
        schema: &'a Schema,
        view: &SchemaView<'a>,
        pointer: &str,
    ) -> Result<Shape> {
        let (keyword, list) = if view.one_of.is_empty() {
            ("anyOf", view.any_of)
        } else {
            ("oneOf", view.one_of)
        };
        let alternatives: Alternatives<'a> = list
            .iter()
            .enumerate()
            .filter(|(_, s)| !self.is_null_alternative(s))
            .collect();
        let has_properties = view.properties.is_some_and(|p| !p.is_empty());
        if alternatives.is_empty() {
            return Ok(Shape::Existing(TypeRef::Unit));
        }
        if !has_properties && alternatives.len() == 1 {
            let (i, only) = alternatives[0];
            let at = format!("{pointer}/{keyword}/{i}");
            return Ok(Shape::Existing(self.type_of(only, name, &at)?));
        }
        if !has_properties {
            return self.union_shape(name, schema, &alternatives, keyword, pointer);
        }
        // Properties beside the alternatives: the object has them, and is one
        // of the alternatives too.
        let union_name = format!("{name}Variant");
        let union = if alternatives.len() == 1 {
            let (i, only) = alternatives[0];
            self.type_of(only, &union_name, &format!("{pointer}/{keyword}/{i}"))?
        } else {
            let id = self.reserve(&union_name, pointer);
            let reserved = self.types[id.0]
                .as_ref()
                .map(|d| d.name.clone())
                .unwrap_or_default();
            let kind = match self.union_shape(&reserved, schema, &alternatives, keyword, pointer)? {
                Shape::Define(kind) => kind,
                Shape::Existing(ty) => TypeKind::Alias(ty),
            };
            self.define(id, None, kind);
            TypeRef::Named(id)
        };
        let mut parts = ObjectParts::default();
        self.collect_own_properties(view, pointer, &mut parts);
        parts.flattened = Some(union);
        self.object_shape(name, parts, pointer)
    }

    fn union_shape(
        &mut self,
        name: &str,
        schema: &'a Schema,
        alternatives: &Alternatives<'a>,
        keyword: &str,
        pointer: &str,
    ) -> Result<Shape> {
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
            // An inline alternative with a `title` is named after it.
            let titled = match alternative {
                ReferenceOr::Item(inline) => inline
                    .schema_data
                    .title
                    .as_deref()
                    .map(pascal_ident)
                    .filter(|title| !title.is_empty()),
                ReferenceOr::Reference { .. } => None,
            };
            let hint = match &titled {
                Some(title) => format!("{name}{title}"),
                None => format!("{name}Variant{}", n + 1),
            };
            let ty = self.type_of(alternative, &hint, &at)?;
            let base = match (&ty, titled) {
                (_, Some(title)) => title,
                (TypeRef::Named(id), None) => self.types[id.0]
                    .as_ref()
                    .map(|d| d.name.clone())
                    .unwrap_or_default(),
                (other, _) => variant_name_for(other).to_string(),
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
        alternatives: &Alternatives<'a>,
        keyword: &str,
        pointer: &str,
    ) -> Option<(String, Vec<Vec<String>>)> {
        if let Some(discriminator) = &schema.schema_data.discriminator {
            return self.discriminator_tag(discriminator, alternatives, keyword, pointer);
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
            let distinct: BTreeSet<&String> = values.iter().map(|v| &v[0]).collect();
            if distinct.len() == values.len() {
                return Some((candidate.clone(), values));
            }
        }
        None
    }

    fn discriminator_tag(
        &mut self,
        discriminator: &openapiv3::Discriminator,
        alternatives: &Alternatives<'a>,
        keyword: &str,
        pointer: &str,
    ) -> Option<(String, Vec<Vec<String>>)> {
        let property = &discriminator.property_name;
        let mut all = Vec::new();
        for (i, alternative) in alternatives {
            let values = match alternative {
                ReferenceOr::Reference { reference } => {
                    let component =
                        fragment_token(reference.rsplit('/').next().unwrap_or_default());
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
        let distinct: BTreeSet<&String> = all.iter().flatten().collect();
        if distinct.len() < all.iter().map(Vec::len).sum() {
            self.warn(
                &format!("{pointer}/discriminator"),
                format!("discriminator `{property}`: one value selects several alternatives; decoding tries each variant in order instead"),
            );
            return None;
        }
        Some((property.clone(), all))
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
        if parts.properties.is_empty() {
            // Only a map is left: no struct to name.
            return match self.object_shape(hint, parts, pointer)? {
                Shape::Existing(ty) => Ok(Some(ty)),
                Shape::Define(kind) => {
                    let id = self.reserve(hint, pointer);
                    self.define(id, view.description(), kind);
                    Ok(Some(TypeRef::Named(id)))
                }
            };
        }
        let id = self.reserve(hint, pointer);
        let name = self.types[id.0]
            .as_ref()
            .map(|d| d.name.clone())
            .unwrap_or_default();
        let kind = match self.object_shape(&name, parts, pointer)? {
            Shape::Define(kind) => kind,
            Shape::Existing(ty) => TypeKind::Alias(ty),
        };
        self.define(id, view.description(), kind);
        Ok(Some(TypeRef::Named(id)))
    }
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
        TypeRef::Tuple(_) => "Tuple",
    }
}
