//! What changed in the generated Rust API between two versions of a spec,
//! each change classified as breaking or not for users of the generated
//! crate (the policy is in the README, "Spec review").
//!
//! Both versions are lowered to the IR and the IRs are compared, so the
//! report speaks of Rust items (`cinnox::Client::update_external_contact`,
//! `cinnox::ExternalContactRequest::level`) and points at the spec lines.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diagnostics::{Result, line_of, pointer_token};
use crate::ir::{
    Api, Field, Operation, Param, Presence, SecurityScheme, TypeDef, TypeKind, TypeRef, Usage,
};

/// One version of a spec: its IR and its text (for line numbers).
pub struct Side {
    pub file: PathBuf,
    pub text: String,
    pub api: Api,
}

impl Side {
    /// Loads and lowers spec text; `file` names it in the report.
    pub fn from_text(file: &Path, module: &str, text: &str) -> Result<Side> {
        let loaded = crate::load::parse(file, text.as_bytes())?;
        let (api, _) = crate::lower::lower(&loaded, module)?;
        Ok(Side {
            file: file.to_path_buf(),
            text: text.to_string(),
            api,
        })
    }

    /// A side with nothing in it, for a spec that is added or removed.
    pub fn empty(file: &Path, module: &str) -> Side {
        let api = Api {
            module: module.to_string(),
            title: String::new(),
            version: String::new(),
            description: None,
            servers: Vec::new(),
            types: Vec::new(),
            operations: Vec::new(),
            security_schemes: Vec::new(),
            usage: Usage::default(),
        };
        Side {
            file: file.to_path_buf(),
            text: String::new(),
            api,
        }
    }

    fn locate(&self, pointer: &str) -> Location {
        Location {
            file: self.file.display().to_string(),
            line: line_of(&self.text, pointer),
            pointer: pointer.to_string(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    /// 1-based line of the node (or of its nearest ancestor found).
    pub line: Option<usize>,
    pub pointer: String,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.file),
            None => write!(f, "{} ({})", self.file, self.pointer),
        }
    }
}

/// One change of the generated API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    /// What changed: `operation`, `parameter`, `request body`, `response`,
    /// `error response`, `type`, `field`, `enum value`, `variant`, `credential`.
    pub subject: &'static str,
    /// The generated Rust item affected.
    pub rust_item: String,
    pub location: Location,
    pub detail: String,
    pub breaking: bool,
}

/// All changes between two sides, in a stable order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    pub old: String,
    pub new: String,
    pub breaking: usize,
    pub non_breaking: usize,
    pub changes: Vec<Change>,
}

pub fn compare(old: &Side, new: &Side) -> Report {
    let mut changes = Vec::new();
    let mut differ = Differ {
        old,
        new,
        changes: &mut changes,
        old_usage: old.api.usage.clone(),
        new_usage: new.api.usage.clone(),
    };
    differ.operations();
    differ.types();
    differ.credentials();
    let breaking = changes.iter().filter(|c| c.breaking).count();
    Report {
        old: old.file.display().to_string(),
        new: new.file.display().to_string(),
        breaking,
        non_breaking: changes.len() - breaking,
        changes,
    }
}

struct Differ<'a> {
    old: &'a Side,
    new: &'a Side,
    changes: &'a mut Vec<Change>,
    old_usage: Usage,
    new_usage: Usage,
}

impl Differ<'_> {
    fn push(
        &mut self,
        kind: ChangeKind,
        subject: &'static str,
        rust_item: String,
        pointer: &str,
        detail: String,
        breaking: bool,
    ) {
        // Removals point into the old spec, everything else into the new one.
        let location = match kind {
            ChangeKind::Removed => self.old.locate(pointer),
            _ => self.new.locate(pointer),
        };
        self.changes.push(Change {
            kind,
            subject,
            rust_item,
            location,
            detail,
            breaking,
        });
    }

    fn module(&self) -> &str {
        if self.new.api.module.is_empty() {
            &self.old.api.module
        } else {
            &self.new.api.module
        }
    }

    fn operations(&mut self) {
        let old = by_key(&self.old.api.operations, |o| o.id.as_str());
        let new = by_key(&self.new.api.operations, |o| o.id.as_str());
        let module = self.module().to_string();
        for (id, op) in &old {
            if !new.contains_key(id) {
                let item = format!("{module}::Client::{}", op.rust_name);
                self.push(
                    ChangeKind::Removed,
                    "operation",
                    item,
                    &op.pointer,
                    format!("`{} {}` removed", op.method.as_str(), op.path),
                    true,
                );
            }
        }
        for (id, op) in &new {
            match old.get(id) {
                None => {
                    let item = format!("{module}::Client::{}", op.rust_name);
                    self.push(
                        ChangeKind::Added,
                        "operation",
                        item,
                        &op.pointer,
                        format!("`{} {}` added", op.method.as_str(), op.path),
                        false,
                    );
                }
                Some(before) => self.operation(before, op),
            }
        }
    }

    fn operation(&mut self, before: &Operation, after: &Operation) {
        let method = format!("{}::Client::{}", self.module(), after.rust_name);
        if (before.method, &before.path) != (after.method, &after.path) {
            let detail = format!(
                "route `{} {}` → `{} {}` (same Rust signature)",
                before.method.as_str(),
                before.path,
                after.method.as_str(),
                after.path
            );
            self.push(
                ChangeKind::Changed,
                "operation",
                method.clone(),
                &after.pointer,
                detail,
                false,
            );
        }
        let key = |p: &Param| (p.location, p.wire_name.clone());
        let old_params: BTreeMap<_, &Param> = before.params.iter().map(|p| (key(p), p)).collect();
        let new_params: BTreeMap<_, &Param> = after.params.iter().map(|p| (key(p), p)).collect();
        for (k, p) in &old_params {
            if !new_params.contains_key(k) {
                self.push(
                    ChangeKind::Removed,
                    "parameter",
                    format!("{method}({})", p.rust_name),
                    &format!("{}/parameters", before.pointer),
                    format!(
                        "parameter `{}` removed: the argument goes away",
                        p.wire_name
                    ),
                    true,
                );
            }
        }
        for (k, p) in &new_params {
            let item = format!("{method}({})", p.rust_name);
            let pointer = format!("{}/parameters", after.pointer);
            match old_params.get(k) {
                None => {
                    let detail = if p.required {
                        format!("required parameter `{}` added: a new argument", p.wire_name)
                    } else {
                        format!(
                            "optional parameter `{}` added: a new argument (or options field)",
                            p.wire_name
                        )
                    };
                    self.push(ChangeKind::Added, "parameter", item, &pointer, detail, true);
                }
                Some(q) => {
                    if q.required != p.required {
                        let detail = format!(
                            "parameter `{}` {} required",
                            p.wire_name,
                            if p.required { "became" } else { "is no longer" }
                        );
                        self.push(
                            ChangeKind::Changed,
                            "parameter",
                            item.clone(),
                            &pointer,
                            detail,
                            true,
                        );
                    }
                    if q.ty != p.ty {
                        let detail = format!(
                            "parameter `{}` type `{}` → `{}`",
                            p.wire_name,
                            show(&q.ty),
                            show(&p.ty)
                        );
                        self.push(
                            ChangeKind::Changed,
                            "parameter",
                            item,
                            &pointer,
                            detail,
                            true,
                        );
                    }
                }
            }
        }
        let body_pointer = format!("{}/requestBody", after.pointer);
        match (&before.body, &after.body) {
            (None, Some(b)) => self.push(
                ChangeKind::Added,
                "request body",
                format!("{method}(body)"),
                &body_pointer,
                format!("request body `{}` added: a new argument", show(&b.ty)),
                true,
            ),
            (Some(b), None) => self.push(
                ChangeKind::Removed,
                "request body",
                format!("{method}(body)"),
                &format!("{}/requestBody", before.pointer),
                format!("request body `{}` removed", show(&b.ty)),
                true,
            ),
            (Some(a), Some(b)) => {
                if a.ty != b.ty || a.required != b.required {
                    let detail = format!(
                        "request body `{}{}` → `{}{}`",
                        show(&a.ty),
                        if a.required { "" } else { " (optional)" },
                        show(&b.ty),
                        if b.required { "" } else { " (optional)" }
                    );
                    self.push(
                        ChangeKind::Changed,
                        "request body",
                        format!("{method}(body)"),
                        &body_pointer,
                        detail,
                        true,
                    );
                }
            }
            (None, None) => {}
        }
        self.responses(&method, before, after);
    }

    fn responses(&mut self, method: &str, before: &Operation, after: &Operation) {
        let success = |op: &Operation| -> Vec<TypeRef> {
            op.responses
                .iter()
                .filter(|r| r.status.is_success())
                .map(|r| r.ty.clone())
                .collect()
        };
        let (old_success, new_success) = (success(before), success(after));
        let old_shape = (before.success_type.is_some(), old_success.first().cloned());
        let new_shape = (after.success_type.is_some(), new_success.first().cloned());
        let success_changed = old_shape.0 != new_shape.0
            || old_success.len() != new_success.len()
            || old_success.iter().zip(&new_success).any(|(a, b)| a != b);
        if success_changed {
            let detail = format!(
                "success result `{}` → `{}`",
                result_shape(before, &old_success),
                result_shape(after, &new_success)
            );
            self.push(
                ChangeKind::Changed,
                "response",
                method.to_string(),
                &format!("{}/responses", after.pointer),
                detail,
                true,
            );
        }
        let errors = |op: &Operation| -> BTreeMap<String, TypeRef> {
            op.responses
                .iter()
                .filter(|r| !r.status.is_success())
                .map(|r| (r.variant.clone(), r.ty.clone()))
                .collect()
        };
        let (old_errors, new_errors) = (errors(before), errors(after));
        let error_enum = format!("{}::{}", self.module(), after.error_type);
        for (variant, ty) in &old_errors {
            match new_errors.get(variant) {
                None => self.push(
                    ChangeKind::Removed,
                    "error response",
                    format!("{error_enum}::{variant}"),
                    &format!("{}/responses", before.pointer),
                    format!("documented error `{variant}` removed"),
                    true,
                ),
                Some(new_ty) if ty != new_ty => self.push(
                    ChangeKind::Changed,
                    "error response",
                    format!("{error_enum}::{variant}"),
                    &format!("{}/responses", after.pointer),
                    format!("error body `{}` → `{}`", show(ty), show(new_ty)),
                    true,
                ),
                Some(_) => {}
            }
        }
        for variant in new_errors.keys().filter(|v| !old_errors.contains_key(*v)) {
            // The error enums are #[non_exhaustive]: a new variant breaks no match.
            self.push(
                ChangeKind::Added,
                "error response",
                format!("{error_enum}::{variant}"),
                &format!("{}/responses", after.pointer),
                format!("documented error `{variant}` added"),
                false,
            );
        }
    }

    fn types(&mut self) {
        let old = by_key(&self.old.api.types, |t| t.name.as_str());
        let new = by_key(&self.new.api.types, |t| t.name.as_str());
        let module = self.module().to_string();
        for (name, def) in &old {
            if !new.contains_key(name) {
                self.push(
                    ChangeKind::Removed,
                    "type",
                    format!("{module}::{name}"),
                    &def.pointer,
                    format!("type `{name}` removed"),
                    true,
                );
            }
        }
        for (name, def) in &new {
            match old.get(name) {
                None => self.push(
                    ChangeKind::Added,
                    "type",
                    format!("{module}::{name}"),
                    &def.pointer,
                    format!("type `{name}` added"),
                    false,
                ),
                Some(before) => self.type_def(&module, before, def),
            }
        }
    }

    fn type_def(&mut self, module: &str, before: &TypeDef, after: &TypeDef) {
        let item = format!("{module}::{}", after.name);
        match (&before.kind, &after.kind) {
            (TypeKind::Struct(a), TypeKind::Struct(b)) => {
                let old_fields: BTreeMap<&str, &Field> =
                    a.fields.iter().map(|f| (f.wire_name.as_str(), f)).collect();
                let new_fields: BTreeMap<&str, &Field> =
                    b.fields.iter().map(|f| (f.wire_name.as_str(), f)).collect();
                let response_only = self.old_usage.is_response_only(&before.name)
                    && self.new_usage.is_response_only(&after.name);
                for (wire, f) in &old_fields {
                    if !new_fields.contains_key(wire) {
                        let pointer =
                            format!("{}/properties/{}", before.pointer, pointer_token(wire));
                        self.push(
                            ChangeKind::Removed,
                            "field",
                            format!("{item}::{}", f.rust_name),
                            &pointer,
                            format!("field `{wire}` removed"),
                            true,
                        );
                    }
                }
                for (wire, f) in &new_fields {
                    let pointer = format!("{}/properties/{}", after.pointer, pointer_token(wire));
                    let field_item = format!("{item}::{}", f.rust_name);
                    match old_fields.get(wire) {
                        None => {
                            // Response-only structs are #[non_exhaustive]; any
                            // other struct may be built with a literal.
                            let (breaking, why) = if response_only {
                                (false, "response-only type, #[non_exhaustive]")
                            } else if f.presence == Presence::Required {
                                (true, "required: every value of the type needs it")
                            } else {
                                (true, "struct literals of this type must now name it")
                            };
                            self.push(
                                ChangeKind::Added,
                                "field",
                                field_item,
                                &pointer,
                                format!(
                                    "{} field `{wire}: {}` added ({why})",
                                    presence_word(f.presence),
                                    show(&f.ty)
                                ),
                                breaking,
                            );
                        }
                        Some(g) => {
                            if g.presence != f.presence || g.ty != f.ty || g.boxed != f.boxed {
                                let detail = format!(
                                    "field `{wire}`: {} `{}` → {} `{}`",
                                    presence_word(g.presence),
                                    show(&g.ty),
                                    presence_word(f.presence),
                                    show(&f.ty)
                                );
                                self.push(
                                    ChangeKind::Changed,
                                    "field",
                                    field_item,
                                    &pointer,
                                    detail,
                                    true,
                                );
                            }
                        }
                    }
                }
                if a.additional != b.additional {
                    let detail = format!(
                        "additional properties `{}` → `{}`",
                        a.additional.as_ref().map_or("none".into(), show),
                        b.additional.as_ref().map_or("none".into(), show)
                    );
                    self.push(
                        ChangeKind::Changed,
                        "field",
                        format!("{item}::additional_properties"),
                        &after.pointer,
                        detail,
                        true,
                    );
                }
            }
            (TypeKind::StringEnum(a), TypeKind::StringEnum(b)) => {
                let a: Vec<(String, String)> = a
                    .iter()
                    .map(|v| (v.wire.clone(), v.rust_name.clone()))
                    .collect();
                let b: Vec<(String, String)> = b
                    .iter()
                    .map(|v| (v.wire.clone(), v.rust_name.clone()))
                    .collect();
                self.enum_values(&item, before, after, &a, &b);
            }
            (TypeKind::IntegerEnum(a), TypeKind::IntegerEnum(b)) => {
                let a: Vec<(String, String)> = a
                    .iter()
                    .map(|v| (v.wire.to_string(), v.rust_name.clone()))
                    .collect();
                let b: Vec<(String, String)> = b
                    .iter()
                    .map(|v| (v.wire.to_string(), v.rust_name.clone()))
                    .collect();
                self.enum_values(&item, before, after, &a, &b);
            }
            (TypeKind::Union(a), TypeKind::Union(b)) => {
                let old: BTreeMap<&str, &TypeRef> = a
                    .variants
                    .iter()
                    .map(|v| (v.rust_name.as_str(), &v.ty))
                    .collect();
                let new: BTreeMap<&str, &TypeRef> = b
                    .variants
                    .iter()
                    .map(|v| (v.rust_name.as_str(), &v.ty))
                    .collect();
                for (name, ty) in &old {
                    match new.get(name) {
                        None => self.push(
                            ChangeKind::Removed,
                            "variant",
                            format!("{item}::{name}"),
                            &before.pointer,
                            format!("variant `{name}` removed"),
                            true,
                        ),
                        Some(t) if t != ty => self.push(
                            ChangeKind::Changed,
                            "variant",
                            format!("{item}::{name}"),
                            &after.pointer,
                            format!("variant `{name}`: `{}` → `{}`", show(ty), show(t)),
                            true,
                        ),
                        Some(_) => {}
                    }
                }
                for name in new.keys().filter(|n| !old.contains_key(*n)) {
                    self.push(
                        ChangeKind::Added,
                        "variant",
                        format!("{item}::{name}"),
                        &after.pointer,
                        format!("variant `{name}` added (#[non_exhaustive])"),
                        false,
                    );
                }
                if a.tag != b.tag {
                    self.push(
                        ChangeKind::Changed,
                        "type",
                        item.clone(),
                        &after.pointer,
                        format!("discriminator `{:?}` → `{:?}`", a.tag, b.tag),
                        true,
                    );
                }
            }
            (TypeKind::Alias(a), TypeKind::Alias(b)) if a == b => {}
            (x, y) => {
                let detail = format!("`{}` was {}, is {}", after.name, kind_word(x), kind_word(y));
                self.push(
                    ChangeKind::Changed,
                    "type",
                    item,
                    &after.pointer,
                    detail,
                    true,
                );
            }
        }
    }

    fn enum_values(
        &mut self,
        item: &str,
        before: &TypeDef,
        after: &TypeDef,
        a: &[(String, String)],
        b: &[(String, String)],
    ) {
        let pointer_old = format!("{}/enum", before.pointer);
        let pointer_new = format!("{}/enum", after.pointer);
        for (wire, rust) in a {
            if !b.iter().any(|(w, _)| w == wire) {
                self.push(ChangeKind::Removed, "enum value", format!("{item}::{rust}"), &pointer_old, format!("value `{wire}` removed: the variant goes away (decoding it now gives `Unrecognized`)"), true);
            }
        }
        for (wire, rust) in b {
            if !a.iter().any(|(w, _)| w == wire) {
                self.push(ChangeKind::Added, "enum value", format!("{item}::{rust}"), &pointer_new, format!("value `{wire}` added (#[non_exhaustive]; it used to decode as `Unrecognized`)"), false);
            }
        }
    }

    fn credentials(&mut self) {
        let module = self.module().to_string();
        let (old, new) = (
            &self.old.api.security_schemes,
            &self.new.api.security_schemes,
        );
        // A scheme that changed kind counts as removed and added.
        let missing = |from: &[SecurityScheme], to: &[SecurityScheme]| -> Vec<SecurityScheme> {
            from.iter()
                .filter(|scheme| {
                    !to.iter()
                        .any(|s| s.name == scheme.name && s.kind == scheme.kind)
                })
                .cloned()
                .collect()
        };
        let removed = missing(old, new);
        let added = missing(new, old);
        for (schemes, kind, what, breaking) in [
            (
                removed,
                ChangeKind::Removed,
                "removed or changed kind",
                true,
            ),
            (added, ChangeKind::Added, "added", false),
        ] {
            for scheme in schemes {
                let pointer = format!(
                    "#/components/securitySchemes/{}",
                    pointer_token(&scheme.name)
                );
                self.push(
                    kind,
                    "credential",
                    format!("{module}::Client::with_{}", scheme.rust_name),
                    &pointer,
                    format!("security scheme `{}` {what}", scheme.name),
                    breaking,
                );
            }
        }
    }
}

/// Items indexed by a key, so that both sides are matched the same way.
fn by_key<'i, T, K: Ord>(items: &'i [T], key: impl Fn(&'i T) -> K) -> BTreeMap<K, &'i T> {
    items.iter().map(|item| (key(item), item)).collect()
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
        TypeKind::StringEnum(_) => "a string enum",
        TypeKind::IntegerEnum(_) => "an integer enum",
        TypeKind::Union(_) => "a union",
        TypeKind::Alias(_) => "an alias",
    }
}

fn result_shape(op: &Operation, success: &[TypeRef]) -> String {
    match &op.success_type {
        Some(name) => name.clone(),
        None => success.first().map_or("()".to_string(), show),
    }
}

/// A type reference as Rust spells it, for messages.
pub fn show(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Integer(w) => format!("{w:?}").to_lowercase(),
        TypeRef::Float(w) => format!("{w:?}").to_lowercase(),
        TypeRef::Boolean => "bool".into(),
        TypeRef::DateTime => "DateTime<Utc>".into(),
        TypeRef::Date => "NaiveDate".into(),
        TypeRef::Uuid => "Uuid".into(),
        TypeRef::Bytes => "Bytes".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::Unit => "()".into(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::Array(inner) => format!("Vec<{}>", show(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", show(inner)),
    }
}

/// The reports as Markdown, fit for a pull-request comment.
pub fn to_markdown(reports: &[Report]) -> String {
    let breaking: usize = reports.iter().map(|r| r.breaking).sum();
    let total: usize = reports.iter().map(|r| r.changes.len()).sum();
    let mut out = String::from("## Changes to the generated Rust API\n\n");
    if total == 0 {
        out.push_str("No change to the generated Rust API.\n");
        return out;
    }
    out.push_str(&format!(
        "**{breaking} breaking**, {} non-breaking (policy: README, \"Spec review\").\n",
        total - breaking
    ));
    for report in reports.iter().filter(|r| !r.changes.is_empty()) {
        let name = if report.old == report.new {
            format!("`{}`", report.new)
        } else {
            format!("`{}` → `{}`", report.old, report.new)
        };
        out.push_str(&format!(
            "\n### {name}: {} breaking, {} non-breaking\n\n",
            report.breaking, report.non_breaking
        ));
        out.push_str("| impact | change | Rust item | spec |\n|---|---|---|---|\n");
        let mut ordered: Vec<&Change> = report.changes.iter().collect();
        ordered.sort_by_key(|c| !c.breaking);
        for change in ordered {
            let impact = if change.breaking {
                "**breaking**"
            } else {
                "non-breaking"
            };
            let detail = change.detail.replace('|', "\\|");
            out.push_str(&format!(
                "| {impact} | {detail} | `{}` | `{}` |\n",
                change.rust_item, change.location
            ));
        }
    }
    out
}
