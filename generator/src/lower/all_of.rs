//! `allOf`: what it becomes (`AllOfPlan`: a member passed through, one
//! merged struct, one scalar, or any value), decided by walks over its
//! members, and the merge of object members into one struct.
//!
//! Members form a DAG, not a tree: a schema may be reached through several
//! members (`allOf: [$ref: A, $ref: B]` where both `allOf` `C`), and a walk
//! that follows every path is exponential in the nesting (a spec listing
//! the same `$ref` eight times, ten levels deep, is a billion paths). Every
//! walk therefore enters each schema once (`Walk`): a schema seen before
//! adds nothing new to a merge, a constraint set or a count of unions, and
//! one entered again before its walk is done is a cycle.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema};

use super::Lowerer;
use super::objects::ObjectParts;
use super::schema_view::SchemaView;
use super::types::Shape;
use crate::diagnostics::{Result, pointer_token};
use crate::ir::{Constraints, TypeRef};

/// Deeper `allOf` nesting than this is not merged (and keeps the walks'
/// recursion bounded).
const MAX_ALL_OF_DEPTH: usize = 64;

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
    /// Members that make no one struct or scalar: any JSON value, with a
    /// warning that says why.
    Fallback(Unmergeable),
    /// Nothing but annotations (`allOf: [{}, {description: ..}]`): any JSON
    /// value, as the schema says.
    AnyValue,
}

/// Why an `allOf` is no struct and no scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Unmergeable {
    /// Objects beside scalars, arrays or unions of non-objects.
    MixedKinds,
    /// Two unions of objects: a struct flattens one in, not two.
    SeveralUnions,
    /// Members deeper than `MAX_ALL_OF_DEPTH`.
    TooDeep,
    /// A member that `allOf`s the schema it is a member of.
    Cycle,
}

impl Unmergeable {
    fn message(self) -> String {
        let why = match self {
            Unmergeable::MixedKinds => "allOf mixes objects with non-object schemas".to_string(),
            Unmergeable::SeveralUnions => {
                "allOf takes in more than one oneOf/anyOf of objects, and a struct can flatten only one".to_string()
            }
            Unmergeable::TooDeep => format!("allOf nests more than {MAX_ALL_OF_DEPTH} levels deep"),
            Unmergeable::Cycle => "allOf includes itself through its members".to_string(),
        };
        format!("{why}; using serde_json::Value")
    }
}

/// The schemas one walk over `allOf` members has entered, with what the
/// walk found in each.
struct Walk<T> {
    /// `None` while inside the schema's own walk.
    entered: HashMap<*const Schema, Option<T>>,
    /// Why the walk stopped short somewhere, if it did.
    stopped: Option<Unmergeable>,
}

/// What a walk knows of a schema it reaches.
enum Reached<T> {
    /// Not entered before: walk it, then tell `Walk::done`.
    First,
    /// Walked before, with this result.
    Again(T),
    /// Reached from inside its own walk: an `allOf` cycle.
    Cycle,
}

impl<T: Copy> Walk<T> {
    /// A walk inside `root`: reaching it again is a cycle.
    fn from(root: &Schema) -> Self {
        let mut walk = Walk {
            entered: HashMap::new(),
            stopped: None,
        };
        walk.reach(root);
        walk
    }

    fn reach(&mut self, schema: &Schema) -> Reached<T> {
        match self.entered.entry(std::ptr::from_ref(schema)) {
            Entry::Vacant(entry) => {
                entry.insert(None);
                Reached::First
            }
            Entry::Occupied(entry) => match entry.get() {
                Some(result) => Reached::Again(*result),
                None => {
                    self.stop(Unmergeable::Cycle);
                    Reached::Cycle
                }
            },
        }
    }

    /// Notes why the walk went no further, the first reason kept.
    fn stop(&mut self, why: Unmergeable) {
        self.stopped.get_or_insert(why);
    }

    /// Whether `depth` is past the deepest a walk goes (and notes it).
    fn too_deep(&mut self, depth: usize) -> bool {
        let deep = depth > MAX_ALL_OF_DEPTH;
        if deep {
            self.stop(Unmergeable::TooDeep);
        }
        deep
    }

    fn done(&mut self, schema: &Schema, result: T) {
        self.entered
            .insert(std::ptr::from_ref(schema), Some(result));
    }
}

impl<'a> Lowerer<'a> {
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
        let mut walk = Walk::from(view.schema);
        let mergeable = self.mergeable_in(view.schema, &mut walk, 0);
        if mergeable && self.union_members(view) <= 1 {
            AllOfPlan::Merge
        } else if self.scalar_members(view).is_some() {
            AllOfPlan::Scalar
        } else if mergeable {
            AllOfPlan::Fallback(Unmergeable::SeveralUnions)
        } else {
            AllOfPlan::Fallback(walk.stopped.unwrap_or(Unmergeable::MixedKinds))
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
            self.member_schema(&view.all_of[i]).map(SchemaView::new)
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
        self.member_schema(member)
            .is_some_and(|schema| SchemaView::new(schema).ty == Some(ty))
    }

    /// An `allOf` of plain scalars of one type (`[{type: string, minLength:
    /// 36}, $ref: Uuid]`, members that are such `allOf`s themselves
    /// included), when the schema adds nothing but constraints and all the
    /// constraints can be said as one set: the member that gives the type
    /// (with the format, if one has it) and that set.
    fn scalar_members(&self, view: &SchemaView<'a>) -> Option<(SchemaView<'a>, Constraints)> {
        self.scalar_members_in(view, &mut Walk::from(view.schema), 0)
    }

    fn scalar_members_in(
        &self,
        view: &SchemaView<'a>,
        walk: &mut Walk<()>,
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
            let schema = self.member_schema(member)?;
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
                match walk.reach(schema) {
                    // Its type and constraints are in already.
                    Reached::Again(()) => continue,
                    Reached::Cycle => return None,
                    Reached::First => {}
                }
                let found = self.scalar_members_in(&member, walk, depth + 1)?;
                walk.done(schema, ());
                found
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
        let (base, constraints) = self.scalar_members(view)?;
        Some((self.scalar_type(&base, pointer), constraints))
    }

    /// Whether a schema and everything it `allOf`s are objects, each schema
    /// of the walk checked once.
    fn mergeable_in(&self, schema: &'a Schema, walk: &mut Walk<bool>, depth: usize) -> bool {
        let view = SchemaView::new(schema);
        let plain = view.one_of.is_empty() && view.any_of.is_empty() && !view.has_not;
        let object_like = view.is_object()
            || view.additional.is_some()
            || (view.ty.is_none() && view.enumeration.is_empty());
        if !plain || !object_like || walk.too_deep(depth) {
            return false;
        }
        view.all_of.iter().all(|member| {
            let Some(schema) = self.member_schema(member) else {
                return false;
            };
            let member = SchemaView::new(schema);
            if member.is_annotation_only()
                || member.is_required_alternatives()
                || self.union_member_in(&member, walk, depth + 1)
            {
                return true;
            }
            self.mergeable_once(schema, walk, depth + 1)
        })
    }

    /// `mergeable_in` of a schema the walk reaches, walked the first time
    /// only; a cycle is not mergeable.
    fn mergeable_once(&self, schema: &'a Schema, walk: &mut Walk<bool>, depth: usize) -> bool {
        match walk.reach(schema) {
            Reached::Again(known) => known,
            Reached::Cycle => false,
            Reached::First => {
                let merges = self.mergeable_in(schema, walk, depth);
                walk.done(schema, merges);
                merges
            }
        }
    }

    /// An `allOf` member that is a union of objects and nothing else
    /// (`{oneOf: [$ref: A, $ref: B]}` beside the object's own members,
    /// Cloudflare's configs): the merged struct is one of them too.
    fn is_union_member(&self, view: &SchemaView<'a>) -> bool {
        self.union_member_in(view, &mut Walk::from(view.schema), 0)
    }

    /// `is_union_member`, within a walk of `mergeable`s.
    fn union_member_in(&self, view: &SchemaView<'a>, walk: &mut Walk<bool>, depth: usize) -> bool {
        let plain = view.ty.is_none_or(|t| t == "object")
            && view.properties.is_none_or(IndexMap::is_empty)
            && view.additional.is_none()
            && view.all_of.is_empty()
            && view.enumeration.is_empty()
            && !view.has_not
            && !view.is_required_alternatives();
        let mut alternatives = view
            .one_of
            .iter()
            .chain(view.any_of)
            .filter(|a| !self.is_null_alternative(a))
            .peekable();
        plain
            && alternatives.peek().is_some()
            && !walk.too_deep(depth)
            && alternatives.all(|alternative| {
                self.member_schema(alternative)
                    .is_some_and(|schema| self.mergeable_once(schema, walk, depth + 1))
            })
    }

    /// How many union members (see `is_union_member`) an `allOf` holds,
    /// nested ones included: a struct flattens one union in, not two.
    fn union_members(&self, view: &SchemaView<'a>) -> usize {
        self.union_members_in(view, &mut Walk::from(view.schema), 0)
    }

    fn union_members_in(&self, view: &SchemaView<'a>, walk: &mut Walk<()>, depth: usize) -> usize {
        if walk.too_deep(depth) {
            return usize::MAX;
        }
        let mut count = 0_usize;
        for member in view.all_of {
            let Some(schema) = self.member_schema(member) else {
                continue;
            };
            match walk.reach(schema) {
                // Counted already: one union, however many ways it is reached.
                Reached::Again(()) => continue,
                Reached::Cycle => return usize::MAX,
                Reached::First => {}
            }
            let member = SchemaView::new(schema);
            let unions = if self.is_union_member(&member) {
                1
            } else {
                self.union_members_in(&member, walk, depth + 1)
            };
            walk.done(schema, ());
            count = count.saturating_add(unions);
        }
        count
    }

    /// The schema an `allOf` member or union alternative is, its reference
    /// followed; `None` when the reference leads nowhere.
    fn member_schema(&self, member: &'a ReferenceOr<Schema>) -> Option<&'a Schema> {
        match member {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => self
                .resolve_schema_ref(reference, "")
                .ok()
                .map(|(schema, _)| schema),
        }
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
            AllOfPlan::Fallback(why) => {
                self.warn(pointer, why.message());
                Ok(Shape::Existing(TypeRef::Json))
            }
            AllOfPlan::Scalar => match self.scalar_all_of(view, pointer) {
                Some((ty, _)) => Ok(Shape::Existing(ty)),
                None => Ok(Shape::Existing(TypeRef::Json)),
            },
            AllOfPlan::Merge => {
                let mut parts = ObjectParts::default();
                let mut walk = Walk::from(view.schema);
                self.collect_all_of(name, view.schema, pointer, &mut parts, &mut walk, 0)?;
                self.object_shape(name, parts, pointer)
            }
        }
    }

    /// Gathers properties through nested `allOf`s (checked mergeable), each
    /// schema once: the first path to a shared one sets where its
    /// properties stand.
    fn collect_all_of(
        &mut self,
        name: &str,
        schema: &'a Schema,
        pointer: &str,
        parts: &mut ObjectParts<'a>,
        walk: &mut Walk<()>,
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
            match walk.reach(resolved) {
                Reached::Again(()) => continue,
                Reached::Cycle => return Err(self.error(&at, "allOf includes itself")),
                Reached::First => {}
            }
            let member = SchemaView::new(resolved);
            if self.is_union_member(&member) {
                // Checked by `union_members`: this is the only one.
                parts.flattened = Some(self.type_of(
                    part,
                    &format!("{name}Variant"),
                    &format!("{pointer}/allOf/{i}"),
                )?);
                walk.done(resolved, ());
                continue;
            }
            if member.is_required_alternatives() {
                self.warn(
                    &at,
                    "alternatives that only list `required` properties (at least one of them) are not checked by the client",
                );
                walk.done(resolved, ());
                continue;
            }
            self.collect_all_of(name, resolved, &at, parts, walk, depth + 1)?;
            walk.done(resolved, ());
        }
        self.collect_own_properties(&view, pointer, parts);
        Ok(())
    }
}
