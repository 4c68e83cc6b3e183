//! Changes of types: fields, enum values, union variants, kinds.

use std::collections::BTreeMap;

use super::{ChangeKind, Differ, Found, show};
use crate::diagnostics::pointer_token;
use crate::ir::{Api, Enum, EnumLiteral, Field, Presence, Struct, TypeDef, TypeKind, Union};

impl Differ<'_> {
    pub(super) fn types(&mut self) {
        let (old_api, new_api) = (&self.old.api, &self.new.api);
        let old: BTreeMap<&str, &TypeDef> =
            old_api.types.iter().map(|t| (t.name.as_str(), t)).collect();
        let new: BTreeMap<&str, &TypeDef> =
            new_api.types.iter().map(|t| (t.name.as_str(), t)).collect();
        let module = self.module().to_string();
        for (name, def) in &old {
            if !new.contains_key(name) {
                self.push(Found {
                    kind: ChangeKind::Removed,
                    subject: "type",
                    rust_item: format!("{module}::{name}"),
                    pointer: &def.pointer,
                    detail: format!("type `{name}` removed"),
                    breaking: true,
                });
            }
        }
        for (name, def) in &new {
            match old.get(name) {
                None => self.push(Found {
                    kind: ChangeKind::Added,
                    subject: "type",
                    rust_item: format!("{module}::{name}"),
                    pointer: &def.pointer,
                    detail: format!("type `{name}` added"),
                    breaking: false,
                }),
                Some(before) => self.type_def(&module, before, def),
            }
        }
    }

    fn type_def(&mut self, module: &str, before: &TypeDef, after: &TypeDef) {
        let item = format!("{module}::{}", after.name);
        let (old_api, new_api) = (&self.old.api, &self.new.api);
        match (&before.kind, &after.kind) {
            (TypeKind::Struct(a), TypeKind::Struct(b)) => self.fields(&item, before, after, a, b),
            (TypeKind::Enum(a), TypeKind::Enum(b)) if a.wire == b.wire => {
                self.enum_values(&item, before, after, a, b)
            }
            (TypeKind::Union(a), TypeKind::Union(b)) => self.variants(&item, before, after, a, b),
            (TypeKind::Alias(a), TypeKind::Alias(b)) => {
                let (ta, tb) = (show(old_api, a), show(new_api, b));
                if ta != tb {
                    self.push(Found {
                        kind: ChangeKind::Changed,
                        subject: "type",
                        rust_item: item,
                        pointer: &after.pointer,
                        detail: format!("alias `{ta}` → `{tb}`"),
                        breaking: true,
                    });
                }
            }
            (TypeKind::Constrained(a), TypeKind::Constrained(b)) => {
                let (ta, tb) = (show(old_api, &a.inner), show(new_api, &b.inner));
                if ta != tb {
                    self.push(Found {
                        kind: ChangeKind::Changed,
                        subject: "type",
                        rust_item: item,
                        pointer: &after.pointer,
                        detail: format!("checked `{ta}` → `{tb}`"),
                        breaking: true,
                    });
                } else if a.constraints != b.constraints {
                    self.push(Found {
                        kind: ChangeKind::Changed,
                        subject: "type",
                        rust_item: item,
                        pointer: &after.pointer,
                        detail: "constraints changed (values accepted before may now be refused, or the reverse; the Rust API is the same)".into(),
                        breaking: false,
                    });
                }
            }
            (TypeKind::External(a), TypeKind::External(b)) if a == b => {}
            (x, y) => {
                let detail = format!("`{}` was {}, is {}", after.name, kind_word(x), kind_word(y));
                self.push(Found {
                    kind: ChangeKind::Changed,
                    subject: "type",
                    rust_item: item,
                    pointer: &after.pointer,
                    detail,
                    breaking: true,
                });
            }
        }
    }

    /// Structs are `#[non_exhaustive]` and made with `new` (the required
    /// fields) and setters: an optional field can be added without breaking
    /// anyone; a required one changes `new`.
    fn fields(&mut self, item: &str, before: &TypeDef, after: &TypeDef, a: &Struct, b: &Struct) {
        let (old_api, new_api) = (&self.old.api, &self.new.api);
        let old: BTreeMap<&str, &Field> =
            a.fields.iter().map(|f| (f.wire_name.as_str(), f)).collect();
        let new: BTreeMap<&str, &Field> =
            b.fields.iter().map(|f| (f.wire_name.as_str(), f)).collect();
        for (wire, f) in &old {
            if !new.contains_key(wire) {
                let pointer = format!("{}/properties/{}", before.pointer, pointer_token(wire));
                self.push(Found {
                    kind: ChangeKind::Removed,
                    subject: "field",
                    rust_item: format!("{item}::{}", f.rust_name),
                    pointer: &pointer,
                    detail: format!("field `{wire}` removed"),
                    breaking: true,
                });
            }
        }
        for (wire, f) in &new {
            let pointer = format!("{}/properties/{}", after.pointer, pointer_token(wire));
            let rust_item = format!("{item}::{}", f.rust_name);
            match old.get(wire) {
                None => {
                    let required = f.presence.is_required() || f.flatten;
                    let why = if required {
                        "required: `new` takes it"
                    } else {
                        "optional: a new setter, `#[non_exhaustive]` struct"
                    };
                    self.push(Found {
                        kind: ChangeKind::Added,
                        subject: "field",
                        rust_item,
                        pointer: &pointer,
                        detail: format!(
                            "{} field `{wire}: {}` added ({why})",
                            presence_word(f.presence),
                            show(new_api, &f.ty)
                        ),
                        breaking: required,
                    });
                }
                Some(g) => {
                    let (ta, tb) = (show(old_api, &g.ty), show(new_api, &f.ty));
                    if g.presence != f.presence || ta != tb || g.boxed != f.boxed {
                        let detail = format!(
                            "field `{wire}`: {} `{ta}` → {} `{tb}`",
                            presence_word(g.presence),
                            presence_word(f.presence)
                        );
                        self.push(Found {
                            kind: ChangeKind::Changed,
                            subject: "field",
                            rust_item,
                            pointer: &pointer,
                            detail,
                            breaking: true,
                        });
                    }
                }
            }
        }
        let show_additional = |api: &Api, s: &Struct| {
            s.additional
                .as_ref()
                .map_or("none".into(), |t| show(api, t))
        };
        let (xa, xb) = (show_additional(old_api, a), show_additional(new_api, b));
        if xa != xb {
            self.push(Found {
                kind: ChangeKind::Changed,
                subject: "field",
                rust_item: format!("{item}::additional_properties"),
                pointer: &after.pointer,
                detail: format!("additional properties `{xa}` → `{xb}`"),
                breaking: true,
            });
        }
    }

    fn enum_values(&mut self, item: &str, before: &TypeDef, after: &TypeDef, a: &Enum, b: &Enum) {
        let wire = |v: &EnumLiteral| match v {
            EnumLiteral::String(s) => s.clone(),
            EnumLiteral::Integer(n) => n.to_string(),
        };
        let pointer_old = format!("{}/enum", before.pointer);
        let pointer_new = format!("{}/enum", after.pointer);
        for value in &a.values {
            if !b.values.iter().any(|v| v.wire == value.wire) {
                self.push(Found {
                    kind: ChangeKind::Removed,
                    subject: "enum value",
                    rust_item: format!("{item}::{}", value.rust_name),
                    pointer: &pointer_old,
                    detail: format!("value `{}` removed: the variant goes away (decoding it now gives `Unrecognized`)", wire(&value.wire)),
                    breaking: true,
                });
            }
        }
        for value in &b.values {
            if !a.values.iter().any(|v| v.wire == value.wire) {
                self.push(Found {
                    kind: ChangeKind::Added,
                    subject: "enum value",
                    rust_item: format!("{item}::{}", value.rust_name),
                    pointer: &pointer_new,
                    detail: format!(
                        "value `{}` added (#[non_exhaustive]; it used to decode as `Unrecognized`)",
                        wire(&value.wire)
                    ),
                    breaking: false,
                });
            }
        }
    }

    fn variants(&mut self, item: &str, before: &TypeDef, after: &TypeDef, a: &Union, b: &Union) {
        let (old_api, new_api) = (&self.old.api, &self.new.api);
        let old: BTreeMap<&str, String> = a
            .variants
            .iter()
            .map(|v| (v.rust_name.as_str(), show(old_api, &v.ty)))
            .collect();
        let new: BTreeMap<&str, String> = b
            .variants
            .iter()
            .map(|v| (v.rust_name.as_str(), show(new_api, &v.ty)))
            .collect();
        for (name, ty) in &old {
            match new.get(name) {
                None => self.push(Found {
                    kind: ChangeKind::Removed,
                    subject: "variant",
                    rust_item: format!("{item}::{name}"),
                    pointer: &before.pointer,
                    detail: format!("variant `{name}` removed"),
                    breaking: true,
                }),
                Some(t) if t != ty => self.push(Found {
                    kind: ChangeKind::Changed,
                    subject: "variant",
                    rust_item: format!("{item}::{name}"),
                    pointer: &after.pointer,
                    detail: format!("variant `{name}`: `{ty}` → `{t}`"),
                    breaking: true,
                }),
                Some(_) => {}
            }
        }
        for name in new.keys().filter(|n| !old.contains_key(*n)) {
            self.push(Found {
                kind: ChangeKind::Added,
                subject: "variant",
                rust_item: format!("{item}::{name}"),
                pointer: &after.pointer,
                detail: format!("variant `{name}` added (#[non_exhaustive])"),
                breaking: false,
            });
        }
        if a.tag != b.tag {
            self.push(Found {
                kind: ChangeKind::Changed,
                subject: "type",
                rust_item: item.to_string(),
                pointer: &after.pointer,
                detail: format!(
                    "discriminator `{}` → `{}`",
                    a.tag.as_deref().unwrap_or("none"),
                    b.tag.as_deref().unwrap_or("none")
                ),
                breaking: true,
            });
        }
    }
}

fn presence_word(presence: Presence) -> &'static str {
    match presence {
        Presence::Required => "required",
        Presence::RequiredNullable => "required nullable",
        Presence::Optional => "optional",
        Presence::OptionalNullable => "optional nullable",
    }
}

fn kind_word(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "a struct",
        TypeKind::Enum(e) if e.wire == crate::ir::EnumWire::String => "a string enum",
        TypeKind::Enum(_) => "an integer enum",
        TypeKind::Union(_) => "a union",
        TypeKind::Alias(_) => "an alias",
        TypeKind::Constrained(_) => "a checked value",
        TypeKind::External(_) => "a replaced type",
    }
}
