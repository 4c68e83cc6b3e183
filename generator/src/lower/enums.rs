//! `enum` schemas → open enums (the listed values, and one variant that
//! keeps any other).

use std::collections::HashSet;

use openapiv3::Schema;

use super::Lowerer;
use super::schema_view::SchemaView;
use crate::ir::{Enum, EnumLiteral, EnumValue, EnumWire, TypeKind};
use crate::names::{NameScope, pascal_ident};

/// The name the catch-all variant of an open enum gets.
pub const UNKNOWN_VARIANT: &str = "Unrecognized";

/// Whether a schema's `enum` makes a string or an integer enum; `None` for
/// other values (which are typed by the schema's `type` alone).
pub(super) fn enum_wire(view: &SchemaView<'_>) -> Option<EnumWire> {
    match view.ty {
        Some("string") | None if view.enumeration.iter().all(|v| v.is_string()) => {
            Some(EnumWire::String)
        }
        // Numbers past 64 bits (read as floats) are warned about and left out
        // when the enum is lowered.
        Some("integer") if view.enumeration.iter().all(serde_json::Value::is_number) => {
            Some(EnumWire::Integer)
        }
        _ => None,
    }
}

impl<'a> Lowerer<'a> {
    pub(super) fn enum_kind(
        &mut self,
        schema: &'a Schema,
        view: &SchemaView<'a>,
        wire: EnumWire,
        pointer: &str,
    ) -> TypeKind {
        let names = custom_variant_names(schema, view.enumeration.len());
        let mut scope = NameScope::default();
        scope.reserve(UNKNOWN_VARIANT);
        let mut values: Vec<EnumValue> = Vec::new();
        // Looked up, not searched: a list of 100,000 values was quadratic.
        let mut listed: HashSet<EnumLiteral> = HashSet::new();
        for (i, value) in view.enumeration.iter().enumerate() {
            let literal = match (wire, value) {
                (EnumWire::String, serde_json::Value::String(s)) => EnumLiteral::String(s.clone()),
                (EnumWire::Integer, value) => match value.as_i64() {
                    Some(n) => EnumLiteral::Integer(n),
                    None => {
                        self.warn(
                            &format!("{pointer}/enum/{i}"),
                            format!("enum value {value} does not fit in an i64, which the client decodes integer enums into; it is left out"),
                        );
                        continue;
                    }
                },
                _ => continue,
            };
            if !listed.insert(literal.clone()) {
                self.warn(
                    &format!("{pointer}/enum/{i}"),
                    "a repeated enum value; listed once",
                );
                continue;
            }
            let base = match (&names, &literal) {
                (Some(n), _) => pascal_ident(&n[i]),
                (None, EnumLiteral::String(s)) => pascal_ident(s),
                (None, EnumLiteral::Integer(n)) if *n < 0 => format!("Minus{}", n.unsigned_abs()),
                (None, EnumLiteral::Integer(n)) => format!("V{n}"),
            };
            values.push(EnumValue {
                rust_name: scope.claim(&base),
                wire: literal,
                doc: None,
            });
        }
        TypeKind::Enum(Enum { values, wire })
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
