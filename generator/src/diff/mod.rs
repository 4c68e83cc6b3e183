//! What changed in the generated Rust API between two versions of a spec,
//! each change classified as breaking or not for users of the generated
//! crate (the policy is in the README, "Breaking-change policy").
//!
//! Both versions are lowered to the IR and the IRs are compared, so the
//! report speaks of Rust items (`cinnox::Client::update_external_contact`,
//! `cinnox::ExternalContactRequest::level`) and points at the spec lines.

mod markdown;
mod operations;
mod types;

pub use markdown::to_markdown;

use std::path::Path;

use serde::Serialize;

use crate::diagnostics::{Location, Result};
use crate::ir::{Api, TypeRef, Usage};
use crate::load::LoadedSpec;

/// One version of a spec: its IR and what locates its nodes.
pub struct Side {
    pub api: Api,
    loaded: Option<LoadedSpec>,
}

impl Side {
    /// Loads and lowers spec text; `file` names it in the report.
    pub fn from_text(file: &Path, module: &str, text: &str) -> Result<Side> {
        let loaded = crate::load::parse(file, text.as_bytes())?;
        Side::from_loaded(loaded, module)
    }

    /// Loads and lowers a spec file (and the files it refers to).
    pub fn from_file(file: &Path, module: &str) -> Result<Side> {
        let loaded = crate::load::load(file)?;
        Side::from_loaded(loaded, module)
    }

    fn from_loaded(loaded: LoadedSpec, module: &str) -> Result<Side> {
        let (api, _) =
            crate::lower::lower(&loaded, module).map_err(|err| loaded.locate_error(err))?;
        Ok(Side {
            api,
            loaded: Some(loaded),
        })
    }

    /// A side with nothing in it, for a spec that is added or removed.
    pub fn empty(module: &str) -> Side {
        let api = Api {
            module: module.to_string(),
            title: String::new(),
            version: String::new(),
            description: None,
            servers: Vec::new(),
            types: Vec::new(),
            operations: Vec::new(),
            security_schemes: Vec::new(),
            error_enums: Vec::new(),
            idempotency_header: None,
            usage: Usage::default(),
        };
        Side { api, loaded: None }
    }

    /// The file this side was read from (the root document).
    pub fn file(&self) -> String {
        self.loaded
            .as_ref()
            .map(|l| l.path.display().to_string())
            .unwrap_or_default()
    }

    /// Where a pointer of this side is, without its line yet (see
    /// `Differ::locate_all`).
    fn place(&self, pointer: &str) -> Location {
        Location {
            file: self
                .loaded
                .as_ref()
                .map(|l| l.path.clone())
                .unwrap_or_default(),
            line_col: None,
            pointer: Some(pointer.to_string()),
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
    let mut differ = Differ {
        old,
        new,
        changes: Vec::new(),
    };
    differ.operations();
    differ.types();
    differ.credentials();
    differ.locate_all();
    let changes = differ.changes;
    let breaking = changes.iter().filter(|c| c.breaking).count();
    Report {
        old: old.file(),
        new: new.file(),
        breaking,
        non_breaking: changes.len() - breaking,
        changes,
    }
}

/// One change, before it is located.
struct Found<'s> {
    kind: ChangeKind,
    subject: &'static str,
    rust_item: String,
    pointer: &'s str,
    detail: String,
    breaking: bool,
}

struct Differ<'a> {
    old: &'a Side,
    new: &'a Side,
    changes: Vec<Change>,
}

impl Differ<'_> {
    /// Gives every change its file and line, each side's files read into
    /// lines once for all of them.
    fn locate_all(&mut self) {
        let mut old = self.old.loaded.as_ref().map(|l| l.locator());
        let mut new = self.new.loaded.as_ref().map(|l| l.locator());
        for change in &mut self.changes {
            let side = match change.kind {
                ChangeKind::Removed => &mut old,
                _ => &mut new,
            };
            if let Some(locator) = side {
                locator.locate(&mut change.location);
            }
        }
    }

    fn push(&mut self, found: Found<'_>) {
        // Removals point into the old spec, everything else into the new one.
        let location = match found.kind {
            ChangeKind::Removed => self.old.place(found.pointer),
            _ => self.new.place(found.pointer),
        };
        self.changes.push(Change {
            kind: found.kind,
            subject: found.subject,
            rust_item: found.rust_item,
            location,
            detail: found.detail,
            breaking: found.breaking,
        });
    }

    fn module(&self) -> &str {
        if self.new.api.module.is_empty() {
            &self.old.api.module
        } else {
            &self.new.api.module
        }
    }

    fn credentials(&mut self) {
        let module = self.module().to_string();
        let (old, new) = (
            &self.old.api.security_schemes,
            &self.new.api.security_schemes,
        );
        // A scheme that changed kind counts as removed and added.
        let missing = |from: &[crate::ir::SecurityScheme],
                       to: &[crate::ir::SecurityScheme]|
         -> Vec<crate::ir::SecurityScheme> {
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
                    crate::diagnostics::pointer_token(&scheme.name)
                );
                self.push(Found {
                    kind,
                    subject: "credential",
                    rust_item: format!("{module}::Client::with_{}", scheme.rust_name),
                    pointer: &pointer,
                    detail: format!("security scheme `{}` {what}", scheme.name),
                    breaking,
                });
            }
        }
    }
}

/// A type reference as Rust spells it, for messages and for comparing the
/// two sides (whose type ids differ).
pub fn show(api: &Api, ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Integer(w) => match w {
            crate::ir::IntegerWidth::I32 => "i32",
            crate::ir::IntegerWidth::I64 => "i64",
            crate::ir::IntegerWidth::U32 => "u32",
            crate::ir::IntegerWidth::U64 => "u64",
        }
        .into(),
        TypeRef::Float(crate::ir::FloatWidth::F32) => "f32".into(),
        TypeRef::Float(crate::ir::FloatWidth::F64) => "f64".into(),
        TypeRef::Boolean => "bool".into(),
        TypeRef::DateTime => "DateTime<Utc>".into(),
        TypeRef::Date => "NaiveDate".into(),
        TypeRef::Uuid => "Uuid".into(),
        TypeRef::Bytes => "Bytes".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::Unit => "()".into(),
        TypeRef::Named(id) => api.name(*id).to_string(),
        TypeRef::Array(inner) => format!("Vec<{}>", show(api, inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", show(api, inner)),
        TypeRef::Tuple(items) => format!(
            "({})",
            items
                .iter()
                .map(|i| show(api, i))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
