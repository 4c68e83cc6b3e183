//! One uniform view of a schema, whichever way `openapiv3` parsed it.
//!
//! `openapiv3` gives a typed `SchemaKind::Type` for clean schemas and falls
//! back to `SchemaKind::Any` when keywords are mixed (say `type: object` with
//! `allOf`). Lowering reads both through this view so that no keyword is
//! silently dropped.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, ArrayType, IntegerFormat, IntegerType, NumberFormat,
    NumberType, ObjectType, ReferenceOr, Schema, SchemaKind, StringFormat, StringType, Type,
    VariantOrUnknownOrEmpty,
};

use crate::ir::Constraints;

pub struct SchemaView<'s> {
    pub schema: &'s Schema,
    /// `type`, when given.
    pub ty: Option<&'s str>,
    pub format: Option<&'s str>,
    /// `enum` values, `null` excluded.
    pub enumeration: Vec<serde_json::Value>,
    /// Whether `enum` lists `null` among its values.
    pub enum_has_null: bool,
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

/// A format's name as the spec writes it.
fn format_name<T>(
    format: &VariantOrUnknownOrEmpty<T>,
    known: fn(&T) -> &'static str,
) -> Option<&str> {
    match format {
        VariantOrUnknownOrEmpty::Item(item) => Some(known(item)),
        VariantOrUnknownOrEmpty::Unknown(name) => Some(name),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn string_format(format: &StringFormat) -> &'static str {
    match format {
        StringFormat::Date => "date",
        StringFormat::DateTime => "date-time",
        StringFormat::Password => "password",
        StringFormat::Byte => "byte",
        StringFormat::Binary => "binary",
    }
}

fn number_format(format: &NumberFormat) -> &'static str {
    match format {
        NumberFormat::Float => "float",
        NumberFormat::Double => "double",
    }
}

fn integer_format(format: &IntegerFormat) -> &'static str {
    match format {
        IntegerFormat::Int32 => "int32",
        IntegerFormat::Int64 => "int64",
    }
}

impl<'s> SchemaView<'s> {
    pub fn new(schema: &'s Schema) -> Self {
        let mut view = SchemaView {
            schema,
            ty: None,
            format: None,
            enumeration: Vec::new(),
            enum_has_null: false,
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
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => view.string(s),
            SchemaKind::Type(Type::Integer(i)) => view.integer(i),
            SchemaKind::Type(Type::Number(n)) => view.number(n),
            SchemaKind::Type(Type::Boolean(b)) => {
                view.ty = Some("boolean");
                view.set_enum(b.enumeration.iter().map(|v| v.map(serde_json::Value::from)));
            }
            SchemaKind::Type(Type::Object(o)) => view.object(o),
            SchemaKind::Type(Type::Array(a)) => view.array(a),
            SchemaKind::OneOf { one_of } => view.one_of = one_of,
            SchemaKind::AnyOf { any_of } => view.any_of = any_of,
            SchemaKind::AllOf { all_of } => view.all_of = all_of,
            SchemaKind::Not { .. } => view.has_not = true,
            SchemaKind::Any(any) => view.any(any),
        }
        view
    }

    fn set_enum(&mut self, values: impl Iterator<Item = Option<serde_json::Value>>) {
        for value in values {
            match value {
                Some(value) if !value.is_null() => self.enumeration.push(value),
                _ => self.enum_has_null = true,
            }
        }
    }

    fn string(&mut self, s: &'s StringType) {
        self.ty = Some("string");
        self.format = format_name(&s.format, string_format);
        self.set_enum(
            s.enumeration
                .iter()
                .map(|v| v.clone().map(serde_json::Value::String)),
        );
        let c = &mut self.constraints;
        c.pattern = s.pattern.clone();
        c.min_length = s.min_length.map(|n| n as u64);
        c.max_length = s.max_length.map(|n| n as u64);
    }

    fn integer(&mut self, i: &'s IntegerType) {
        self.ty = Some("integer");
        self.format = format_name(&i.format, integer_format);
        self.set_enum(i.enumeration.iter().map(|v| v.map(serde_json::Value::from)));
        let c = &mut self.constraints;
        c.minimum = i.minimum.map(|n| n as f64);
        c.maximum = i.maximum.map(|n| n as f64);
        c.exclusive_minimum = i.exclusive_minimum;
        c.exclusive_maximum = i.exclusive_maximum;
        c.multiple_of = i.multiple_of.map(|n| n as f64);
    }

    fn number(&mut self, n: &'s NumberType) {
        self.ty = Some("number");
        self.format = format_name(&n.format, number_format);
        self.set_enum(
            n.enumeration
                .iter()
                .map(|v| v.and_then(|v| serde_json::Number::from_f64(v).map(Into::into))),
        );
        let c = &mut self.constraints;
        c.minimum = n.minimum;
        c.maximum = n.maximum;
        c.exclusive_minimum = n.exclusive_minimum;
        c.exclusive_maximum = n.exclusive_maximum;
        c.multiple_of = n.multiple_of;
    }

    fn object(&mut self, o: &'s ObjectType) {
        self.ty = Some("object");
        self.properties = Some(&o.properties);
        self.required = &o.required;
        self.additional = o.additional_properties.as_ref();
    }

    fn array(&mut self, a: &'s ArrayType) {
        self.ty = Some("array");
        self.items = a.items.as_ref();
        self.constraints.min_items = a.min_items.map(|n| n as u64);
        self.constraints.max_items = a.max_items.map(|n| n as u64);
    }

    fn any(&mut self, any: &'s AnySchema) {
        self.ty = any.typ.as_deref();
        self.format = any.format.as_deref();
        self.set_enum(any.enumeration.iter().cloned().map(Some));
        if !any.properties.is_empty() {
            self.properties = Some(&any.properties);
            self.ty = self.ty.or(Some("object"));
        }
        self.required = &any.required;
        self.additional = any.additional_properties.as_ref();
        self.items = any.items.as_ref();
        if self.items.is_some() {
            self.ty = self.ty.or(Some("array"));
        }
        self.one_of = &any.one_of;
        self.any_of = &any.any_of;
        self.all_of = &any.all_of;
        self.has_not = any.not.is_some();
        let c = &mut self.constraints;
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

    pub fn nullable(&self) -> bool {
        self.schema.schema_data.nullable || self.enum_has_null
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

    /// Whether the schema only annotates (a description, a title,
    /// `nullable`, `readOnly`, an example, a default): it says nothing about
    /// the shape of the data, as members of an `allOf` often do beside the
    /// one that has the type.
    pub fn is_annotation_only(&self) -> bool {
        self.ty.is_none() && self.has_no_shape() && self.schema.schema_data.discriminator.is_none()
    }

    /// Nothing that shapes a value beside the `type`: no format, values,
    /// properties, items, composition or constraints.
    fn has_no_shape(&self) -> bool {
        self.format.is_none()
            && self.enumeration.is_empty()
            && self.properties.is_none_or(IndexMap::is_empty)
            && self.additional.is_none()
            && self.items.is_none()
            && self.one_of.is_empty()
            && self.any_of.is_empty()
            && self.all_of.is_empty()
            && !self.has_not
            && self.constraints.is_empty()
    }

    /// `anyOf`/`oneOf` alternatives that only list `required` properties
    /// (`anyOf: [{required: [inbound_rules]}, {required: [outbound_rules]}]`:
    /// "at least one of these"), with nothing else: a rule on the object
    /// around it, which adds no shape.
    pub fn is_required_alternatives(&self) -> bool {
        let alternatives: Vec<_> = self.one_of.iter().chain(self.any_of).collect();
        let only_required = |alternative: &&ReferenceOr<Schema>| match alternative {
            ReferenceOr::Item(schema) => {
                let view = SchemaView::new(schema);
                view.is_annotation_only() && !view.required.is_empty()
            }
            ReferenceOr::Reference { .. } => false,
        };
        !alternatives.is_empty()
            && alternatives.iter().all(only_required)
            && self.ty.is_none_or(|t| t == "object")
            && self.properties.is_none_or(IndexMap::is_empty)
            && self.additional.is_none()
            && self.all_of.is_empty()
            && self.enumeration.is_empty()
            && !self.has_not
    }

    /// A scalar `type` and annotations only (`{type: string, readOnly:
    /// true}`): beside another member of that type in an `allOf`, it adds
    /// nothing.
    pub fn is_bare_scalar(&self) -> bool {
        self.ty.is_some_and(|t| !matches!(t, "object" | "array")) && self.has_no_shape()
    }

    /// Whether the schema is a way of saying "null" in a union: `type:
    /// null` (3.1), `enum: [null]`, or `nullable: true` with nothing else
    /// (possibly `type: object` without properties), as in the
    /// `oneOf: [$ref, {nullable: true}]` idiom.
    pub fn is_null_marker(&self) -> bool {
        if self.ty == Some("null") {
            return true;
        }
        if self.enum_has_null && self.enumeration.is_empty() {
            return true;
        }
        let bare = self.is_annotation_only()
            || (self.ty == Some("object")
                && self.properties.is_none_or(IndexMap::is_empty)
                && self.additional.is_none()
                && self.all_of.is_empty()
                && self.one_of.is_empty()
                && self.any_of.is_empty());
        self.schema.schema_data.nullable && bare
    }
}
