//! Changes of operations: the client method, its builder's parameters, the
//! body, the success result and the documented errors.

use std::collections::BTreeMap;

use super::{ChangeKind, Differ, Found, show};
use crate::ir::{Api, ErrorRef, Operation, Param, Response};

impl Differ<'_> {
    pub(super) fn operations(&mut self) {
        let (old_api, new_api) = (&self.old.api, &self.new.api);
        let old: BTreeMap<&str, &Operation> = old_api
            .operations
            .iter()
            .map(|o| (o.id.as_str(), o))
            .collect();
        let new: BTreeMap<&str, &Operation> = new_api
            .operations
            .iter()
            .map(|o| (o.id.as_str(), o))
            .collect();
        let module = self.module().to_string();
        for (id, op) in &old {
            if !new.contains_key(id) {
                self.push(Found {
                    kind: ChangeKind::Removed,
                    subject: "operation",
                    rust_item: format!("{module}::Client::{}", op.rust_name),
                    pointer: &op.pointer,
                    detail: format!("`{} {}` removed", op.method.as_str(), op.route),
                    breaking: true,
                });
            }
        }
        for (id, op) in &new {
            match old.get(id) {
                None => self.push(Found {
                    kind: ChangeKind::Added,
                    subject: "operation",
                    rust_item: format!("{module}::Client::{}", op.rust_name),
                    pointer: &op.pointer,
                    detail: format!("`{} {}` added", op.method.as_str(), op.route),
                    breaking: false,
                }),
                Some(before) => self.operation(before, op),
            }
        }
    }

    fn operation(&mut self, before: &Operation, after: &Operation) {
        let method = format!("{}::Client::{}", self.module(), after.rust_name);
        if (before.method, &before.route) != (after.method, &after.route) {
            let detail = format!(
                "route `{} {}` → `{} {}` (same Rust signature)",
                before.method.as_str(),
                before.route,
                after.method.as_str(),
                after.route
            );
            self.push(Found {
                kind: ChangeKind::Changed,
                subject: "operation",
                rust_item: method.clone(),
                pointer: &after.pointer,
                detail,
                breaking: false,
            });
        }
        self.params(&method, before, after);
        self.body(&method, before, after);
        self.success(&method, before, after);
        self.errors(before, after);
    }

    fn params(&mut self, method: &str, before: &Operation, after: &Operation) {
        let key = |p: &Param| (p.location, p.wire_name.clone());
        let old: BTreeMap<_, &Param> = before.params.iter().map(|p| (key(p), p)).collect();
        let new: BTreeMap<_, &Param> = after.params.iter().map(|p| (key(p), p)).collect();
        let (old_api, new_api) = (&self.old.api, &self.new.api);
        for (k, p) in &old {
            if !new.contains_key(k) {
                let what = if p.required {
                    "the argument goes away"
                } else {
                    "its builder setter goes away"
                };
                self.push(Found {
                    kind: ChangeKind::Removed,
                    subject: "parameter",
                    rust_item: format!("{method}({})", p.rust_name),
                    pointer: &format!("{}/parameters", before.pointer),
                    detail: format!("parameter `{}` removed: {what}", p.wire_name),
                    breaking: true,
                });
            }
        }
        let pointer = format!("{}/parameters", after.pointer);
        for (k, p) in &new {
            let rust_item = format!("{method}({})", p.rust_name);
            let Some(q) = old.get(k) else {
                let (detail, breaking) = if p.required {
                    (
                        format!("required parameter `{}` added: a new argument", p.wire_name),
                        true,
                    )
                } else {
                    (
                        format!(
                            "optional parameter `{}` added: a new builder setter",
                            p.wire_name
                        ),
                        false,
                    )
                };
                self.push(Found {
                    kind: ChangeKind::Added,
                    subject: "parameter",
                    rust_item,
                    pointer: &pointer,
                    detail,
                    breaking,
                });
                continue;
            };
            if q.required != p.required {
                let detail = format!(
                    "parameter `{}` {} (it moves {} the method's arguments)",
                    p.wire_name,
                    if p.required {
                        "became required"
                    } else {
                        "is no longer required"
                    },
                    if p.required { "into" } else { "out of" }
                );
                self.push(Found {
                    kind: ChangeKind::Changed,
                    subject: "parameter",
                    rust_item: rust_item.clone(),
                    pointer: &pointer,
                    detail,
                    breaking: true,
                });
            }
            let (a, b) = (show(old_api, &q.ty), show(new_api, &p.ty));
            if a != b {
                let detail = format!("parameter `{}` type `{a}` → `{b}`", p.wire_name);
                self.push(Found {
                    kind: ChangeKind::Changed,
                    subject: "parameter",
                    rust_item,
                    pointer: &pointer,
                    detail,
                    breaking: true,
                });
            }
        }
    }

    fn body(&mut self, method: &str, before: &Operation, after: &Operation) {
        let (old_api, new_api) = (&self.old.api, &self.new.api);
        let rust_item = format!("{method}(body)");
        let pointer = format!("{}/requestBody", after.pointer);
        let found = match (&before.body, &after.body) {
            (None, Some(b)) => Some(Found {
                kind: ChangeKind::Added,
                subject: "request body",
                rust_item,
                pointer: &pointer,
                detail: if b.required {
                    format!(
                        "required request body `{}` added: a new argument",
                        show(new_api, &b.ty)
                    )
                } else {
                    format!(
                        "optional request body `{}` added: a new builder setter",
                        show(new_api, &b.ty)
                    )
                },
                breaking: b.required,
            }),
            (Some(b), None) => Some(Found {
                kind: ChangeKind::Removed,
                subject: "request body",
                rust_item,
                pointer: &pointer,
                detail: format!("request body `{}` removed", show(old_api, &b.ty)),
                breaking: true,
            }),
            (Some(a), Some(b)) => {
                let (ta, tb) = (show(old_api, &a.ty), show(new_api, &b.ty));
                (ta != tb || a.required != b.required).then(|| Found {
                    kind: ChangeKind::Changed,
                    subject: "request body",
                    rust_item,
                    pointer: &pointer,
                    detail: format!(
                        "request body `{ta}{}` → `{tb}{}`",
                        if a.required { "" } else { " (optional)" },
                        if b.required { "" } else { " (optional)" }
                    ),
                    breaking: true,
                })
            }
            (None, None) => None,
        };
        if let Some(found) = found {
            let pointer = found.pointer.to_string();
            self.push(Found {
                pointer: &pointer,
                ..found
            });
        }
    }

    fn success(&mut self, method: &str, before: &Operation, after: &Operation) {
        let shape = |api: &Api, op: &Operation| -> String {
            match &op.success_type {
                Some(name) => {
                    let variants: Vec<String> = op
                        .successes()
                        .map(|r| format!("{}({})", r.variant, show(api, &r.ty)))
                        .collect();
                    format!("{name} {{ {} }}", variants.join(", "))
                }
                None => op
                    .successes()
                    .next()
                    .map_or("()".to_string(), |r| show(api, &r.ty)),
            }
        };
        let (a, b) = (shape(&self.old.api, before), shape(&self.new.api, after));
        if a != b {
            self.push(Found {
                kind: ChangeKind::Changed,
                subject: "response",
                rust_item: method.to_string(),
                pointer: &format!("{}/responses", after.pointer),
                detail: format!("success result `{a}` → `{b}`"),
                breaking: true,
            });
        }
    }

    fn errors(&mut self, before: &Operation, after: &Operation) {
        let module = self.module().to_string();
        let (old_name, new_name) = (
            error_name(&self.old.api, before),
            error_name(&self.new.api, after),
        );
        if let (Some(a), Some(b)) = (&old_name, &new_name) {
            if a != b {
                self.push(Found {
                    kind: ChangeKind::Changed,
                    subject: "error response",
                    rust_item: format!("{module}::Client::{}", after.rust_name),
                    pointer: &format!("{}/responses", after.pointer),
                    detail: format!("error type `{a}` → `{b}` (code that names it changes)"),
                    breaking: true,
                });
            }
        }
        let errors = |api: &Api, op: &Operation| -> BTreeMap<String, String> {
            op.errors()
                .map(|r: &Response| (r.variant.clone(), show(api, &r.ty)))
                .collect()
        };
        let (old, new) = (errors(&self.old.api, before), errors(&self.new.api, after));
        let error_enum = format!("{module}::{}", new_name.or(old_name).unwrap_or_default());
        let pointer = format!("{}/responses", after.pointer);
        for (variant, ty) in &old {
            match new.get(variant) {
                None => self.push(Found {
                    kind: ChangeKind::Removed,
                    subject: "error response",
                    rust_item: format!("{error_enum}::{variant}"),
                    pointer: &format!("{}/responses", before.pointer),
                    detail: format!("documented error `{variant}` removed"),
                    breaking: true,
                }),
                Some(new_ty) if ty != new_ty => self.push(Found {
                    kind: ChangeKind::Changed,
                    subject: "error response",
                    rust_item: format!("{error_enum}::{variant}"),
                    pointer: &pointer,
                    detail: format!("error body `{ty}` → `{new_ty}`"),
                    breaking: true,
                }),
                Some(_) => {}
            }
        }
        for variant in new.keys().filter(|v| !old.contains_key(*v)) {
            // The error enums are #[non_exhaustive]: a new variant breaks no match.
            self.push(Found {
                kind: ChangeKind::Added,
                subject: "error response",
                rust_item: format!("{error_enum}::{variant}"),
                pointer: &pointer,
                detail: format!("documented error `{variant}` added (#[non_exhaustive])"),
                breaking: false,
            });
        }
    }
}

fn error_name(api: &Api, op: &Operation) -> Option<String> {
    match &op.error {
        Some(ErrorRef::Own(name)) => Some(name.clone()),
        Some(ErrorRef::Shared(i)) => Some(api.error_enums[*i].name.clone()),
        None => None,
    }
}
