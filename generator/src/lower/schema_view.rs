//! One uniform view of a schema, whichever way `openapiv3` parsed it.
//!
//! `openapiv3` gives a typed `SchemaKind::Type` for clean schemas and falls
//! back to `SchemaKind::Any` when keywords are mixed (say `type: object` with
//! `allOf`). Lowering reads both through this view so that no keyword is
//! silently dropped.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty,
};

use crate::ir::Constraints;

pub struct SchemaView<'s> {
    pub schema: &'s Schema,
    /// `type`, when given.
    pub ty: Option<&'s str>,
    pub format: Option<String>,
    /// `enum` values, `null` excluded.
    pub enumeration: Vec<serde_json::Value>,
    pub properties: Option<&'s IndexMap<String, ReferenceOr<Box<Schema>>>>,
    pub required: &'s [String],
    pub additional: Option<&'s AdditionalProperties>,
    pub items: Option<&'s ReferenceOr<Box<Schema>>>,
    pub one_of: &'s [ReferenceOr<Schema>],
    pub any_of: &'s [ReferenceOr<Schema>],
    pub all_of: &'s [ReferenceOr<Schema>],
    pub has_not: bool,
    pub constraints: Constraints,
}

fn format_name<T: std::fmt::Debug>(format: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(item) => Some(known_format_name(&format!("{item:?}"))),
        VariantOrUnknownOrEmpty::Unknown(name) => Some(name.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

/// Maps `openapiv3`'s format variant names back to the spec's spelling.
fn known_format_name(debug: &str) -> String {
    match debug {
        "DateTime" => "date-time".to_string(),
        other => other.to_ascii_lowercase(),
    }
}

impl<'s> SchemaView<'s> {
    pub fn new(schema: &'s Schema) -> Self {
        let mut view = SchemaView {
            schema,
            ty: None,
            format: None,
            enumeration: Vec::new(),
            properties: None,
            required: &[],
            additional: None,
            items: None,
            one_of: &[],
            any_of: &[],
            all_of: &[],
            has_not: false,
            constraints: Constraints::default(),
        };
        let c = &mut view.constraints;
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                view.ty = Some("string");
                view.format = format_name(&s.format);
                view.enumeration = s
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|v| serde_json::Value::String(v.clone()))
                    .collect();
                c.pattern = s.pattern.clone();
                c.min_length = s.min_length.map(|n| n as u64);
                c.max_length = s.max_length.map(|n| n as u64);
            }
            SchemaKind::Type(Type::Integer(i)) => {
                view.ty = Some("integer");
                view.format = format_name(&i.format);
                view.enumeration = i
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|v| (*v).into())
                    .collect();
                c.minimum = i.minimum.map(|n| n as f64);
                c.maximum = i.maximum.map(|n| n as f64);
                c.exclusive_minimum = i.exclusive_minimum;
                c.exclusive_maximum = i.exclusive_maximum;
                c.multiple_of = i.multiple_of.map(|n| n as f64);
            }
            SchemaKind::Type(Type::Number(n)) => {
                view.ty = Some("number");
                view.format = format_name(&n.format);
                view.enumeration = n
                    .enumeration
                    .iter()
                    .flatten()
                    .filter_map(|v| serde_json::Number::from_f64(*v).map(Into::into))
                    .collect();
                c.minimum = n.minimum;
                c.maximum = n.maximum;
                c.exclusive_minimum = n.exclusive_minimum;
                c.exclusive_maximum = n.exclusive_maximum;
                c.multiple_of = n.multiple_of;
            }
            SchemaKind::Type(Type::Boolean(b)) => {
                view.ty = Some("boolean");
                view.enumeration = b
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|v| (*v).into())
                    .collect();
            }
            SchemaKind::Type(Type::Object(o)) => {
                view.ty = Some("object");
                view.properties = Some(&o.properties);
                view.required = &o.required;
                view.additional = o.additional_properties.as_ref();
            }
            SchemaKind::Type(Type::Array(a)) => {
                view.ty = Some("array");
                view.items = a.items.as_ref();
                c.min_items = a.min_items.map(|n| n as u64);
                c.max_items = a.max_items.map(|n| n as u64);
            }
            SchemaKind::OneOf { one_of } => view.one_of = one_of,
            SchemaKind::AnyOf { any_of } => view.any_of = any_of,
            SchemaKind::AllOf { all_of } => view.all_of = all_of,
            SchemaKind::Not { .. } => view.has_not = true,
            SchemaKind::Any(any) => {
                view.ty = any.typ.as_deref();
                view.format = any.format.clone();
                view.enumeration = any
                    .enumeration
                    .iter()
                    .filter(|v| !v.is_null())
                    .cloned()
                    .collect();
                if !any.properties.is_empty() {
                    view.properties = Some(&any.properties);
                    if view.ty.is_none() {
                        view.ty = Some("object");
                    }
                }
                view.required = &any.required;
                view.additional = any.additional_properties.as_ref();
                view.items = any.items.as_ref();
                if view.items.is_some() && view.ty.is_none() {
                    view.ty = Some("array");
                }
                view.one_of = &any.one_of;
                view.any_of = &any.any_of;
                view.all_of = &any.all_of;
                view.has_not = any.not.is_some();
                c.pattern = any.pattern.clone();
                c.min_length = any.min_length.map(|n| n as u64);
                c.max_length = any.max_length.map(|n| n as u64);
                c.minimum = any.minimum;
                c.maximum = any.maximum;
                c.exclusive_minimum = any.exclusive_minimum.unwrap_or(false);
                c.exclusive_maximum = any.exclusive_maximum.unwrap_or(false);
                c.multiple_of = any.multiple_of;
                c.min_items = any.min_items.map(|n| n as u64);
                c.max_items = any.max_items.map(|n| n as u64);
            }
        }
        view
    }

    pub fn nullable(&self) -> bool {
        self.schema.schema_data.nullable
    }

    pub fn description(&self) -> Option<String> {
        let data = &self.schema.schema_data;
        match (&data.title, &data.description) {
            (_, Some(d)) if !d.trim().is_empty() => Some(d.trim().to_string()),
            (Some(t), _) if !t.trim().is_empty() => Some(t.trim().to_string()),
            _ => None,
        }
    }

    /// True for object schemas: properties, or `type: object`.
    pub fn is_object(&self) -> bool {
        self.ty == Some("object") || self.properties.is_some()
    }
}
