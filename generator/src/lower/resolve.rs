//! Following `$ref`s: the one resolver of every component kind.
//!
//! A reference names a component, which may itself be a reference: chains
//! are followed to the item at their end, refusing cycles and dangling
//! targets. Schema chains are memoized, so that resolving every link of a
//! long chain of aliases takes linear time, not quadratic.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use openapiv3::{Components, ReferenceOr, Schema};

use super::Lowerer;
use crate::diagnostics::{Result, fragment_token};

/// Schema reference → where its chain ends (or why it does not end).
pub(super) type Memo = RefCell<HashMap<String, std::result::Result<ChainEnd, String>>>;

/// Where a chain of schema references ends.
#[derive(Clone, Debug)]
pub(super) enum ChainEnd {
    /// At a component that is a schema, by key.
    Component(String),
    /// At a schema inside a component (`#/components/schemas/A/items`).
    Nested(String),
}

/// A kind of component that `$ref`s can name.
pub(super) trait Component: Sized + 'static {
    /// The key under `components`.
    const KIND: &'static str;
    fn all(components: &Components) -> &IndexMap<String, ReferenceOr<Self>>;
}

macro_rules! component {
    ($ty:ty, $kind:literal, $field:ident) => {
        impl Component for $ty {
            const KIND: &'static str = $kind;
            fn all(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
                &components.$field
            }
        }
    };
}

component!(openapiv3::Parameter, "parameters", parameters);
component!(openapiv3::Response, "responses", responses);
component!(openapiv3::RequestBody, "requestBodies", request_bodies);
component!(openapiv3::Header, "headers", headers);
component!(
    openapiv3::SecurityScheme,
    "securitySchemes",
    security_schemes
);

const SCHEMAS: &str = "#/components/schemas/";

impl<'a> Lowerer<'a> {
    /// The item `item` is or refers to (through chains), with the key of the
    /// last component on the way.
    pub(super) fn resolve<T: Component>(
        &self,
        item: &'a ReferenceOr<T>,
        pointer: &str,
    ) -> Result<(&'a T, Option<String>)> {
        let prefix = format!("#/components/{}/", T::KIND);
        let mut current = item;
        let mut seen: Vec<String> = Vec::new();
        let mut key = None;
        loop {
            let reference = match current {
                ReferenceOr::Item(value) => return Ok((value, key)),
                ReferenceOr::Reference { reference } => reference,
            };
            let Some(token) = reference.strip_prefix(&prefix) else {
                return Err(self.error(
                    pointer,
                    format!(
                        "unsupported $ref `{reference}`: a {} reference must name one of #/components/{}",
                        T::KIND,
                        T::KIND
                    ),
                ));
            };
            let name = fragment_token(token);
            if seen.contains(&name) {
                seen.push(name);
                return Err(self.error(
                    pointer,
                    format!("$ref cycle with nothing to stand on: {}", seen.join(" -> ")),
                ));
            }
            current = self
                .doc
                .components
                .as_ref()
                .and_then(|c| T::all(c).get(&name))
                .ok_or_else(|| {
                    self.error(
                        pointer,
                        format!("dangling $ref `{reference}`: no such component"),
                    )
                })?;
            seen.push(name.clone());
            key = Some(name);
        }
    }

    /// The schema a schema `$ref` names, through chains, with the key of
    /// the component at the chain's end (or the reference itself, for one
    /// into the inside of a component).
    pub(super) fn resolve_schema_ref(
        &self,
        reference: &str,
        pointer: &str,
    ) -> Result<(&'a Schema, String)> {
        if let Some(schema) = self.nested_refs.get(reference) {
            return Ok((schema, reference.trim_start_matches(SCHEMAS).to_string()));
        }
        let end = self
            .chain_end(reference)
            .map_err(|message| self.error(pointer, message))?;
        let found = match &end {
            ChainEnd::Component(key) => match self.schema_component(key) {
                Some(ReferenceOr::Item(schema)) => Some((schema, key.clone())),
                _ => None,
            },
            ChainEnd::Nested(nested) => self
                .nested_refs
                .get(nested)
                .map(|schema| (schema, nested.trim_start_matches(SCHEMAS).to_string())),
        };
        found.ok_or_else(|| self.error(pointer, format!("dangling $ref `{reference}`")))
    }

    fn schema_component(&self, key: &str) -> Option<&'a ReferenceOr<Schema>> {
        self.doc.components.as_ref()?.schemas.get(key)
    }

    /// The component key a schema reference's chain ends at, memoized for
    /// every reference on the way.
    fn chain_end(&self, reference: &str) -> std::result::Result<ChainEnd, String> {
        if let Some(known) = self.resolved.borrow().get(reference) {
            return known.clone();
        }
        let mut path: Vec<String> = Vec::new();
        let mut on_path: HashSet<String> = HashSet::new();
        let mut current = reference.to_string();
        let outcome = loop {
            if let Some(known) = self.resolved.borrow().get(&current) {
                break known.clone();
            }
            let Some(token) = current.strip_prefix(SCHEMAS) else {
                break Err(format!(
                    "unsupported $ref `{current}`: a schema reference must name one of #/components/schemas"
                ));
            };
            let key = fragment_token(token);
            if !on_path.insert(current.clone()) {
                let mut names: Vec<String> = path
                    .iter()
                    .map(|r| fragment_token(r.trim_start_matches(SCHEMAS)))
                    .collect();
                names.push(key);
                break Err(format!(
                    "$ref cycle with nothing to stand on: {}",
                    names.join(" -> ")
                ));
            }
            path.push(current.clone());
            match self.schema_component(&key) {
                None => match self.not_schemas.get(&current) {
                    Some(why) => {
                        break Err(format!(
                            "$ref `{current}` points at something that is not a schema: {why}"
                        ));
                    }
                    None => break Err(format!("dangling $ref `{current}`: no such schema")),
                },
                Some(ReferenceOr::Item(_)) => break Ok(ChainEnd::Component(key)),
                Some(ReferenceOr::Reference { reference: next }) => {
                    if self.nested_refs.contains_key(next) {
                        break Ok(ChainEnd::Nested(next.clone()));
                    }
                    current = next.clone();
                }
            }
        };
        let mut memo = self.resolved.borrow_mut();
        for link in path {
            memo.insert(link, outcome.clone());
        }
        outcome
    }
}
