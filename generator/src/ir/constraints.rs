//! Validation rules of a schema, as the IR keeps them: what is checked
//! before a request is sent.

use super::{IntegerWidth, TypeRef};

/// Validation rules checked before a request is sent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Constraints {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// `pattern` as the spec writes it (ECMA-262), shown in errors.
    pub pattern: Option<String>,
    /// The same pattern in the `regex` crate's syntax, which is checked.
    pub pattern_regex: Option<String>,
    pub minimum: Option<f64>,
    pub exclusive_minimum: bool,
    pub maximum: Option<f64>,
    pub exclusive_maximum: bool,
    pub multiple_of: Option<f64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    /// Rules for each item of an array.
    pub items: Option<Box<Constraints>>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }

    /// The rules a value meets when it meets both `self` and `other` (an
    /// `allOf` of scalars): the tighter of each bound. `None` when one set of
    /// rules cannot say it: two different patterns or `multipleOf`s.
    pub fn intersect(&self, other: &Constraints) -> Option<Constraints> {
        fn one<T: Clone + PartialEq>(a: &Option<T>, b: &Option<T>) -> Result<Option<T>, ()> {
            match (a, b) {
                (Some(a), Some(b)) if a != b => Err(()),
                (Some(a), _) | (None, Some(a)) => Ok(Some(a.clone())),
                (None, None) => Ok(None),
            }
        }
        let tighter = |a: Option<u64>, b: Option<u64>, pick: fn(u64, u64) -> u64| match (a, b) {
            (Some(a), Some(b)) => Some(pick(a, b)),
            (a, b) => a.or(b),
        };
        // A bound and whether it is exclusive; the tighter wins, exclusive on a tie.
        let bound = |a: (Option<f64>, bool), b: (Option<f64>, bool), lower: bool| match (a, b) {
            ((Some(x), xe), (Some(y), ye)) if x == y => (Some(x), xe || ye),
            ((Some(x), xe), (Some(y), ye)) => {
                if (x > y) == lower {
                    (Some(x), xe)
                } else {
                    (Some(y), ye)
                }
            }
            ((Some(x), xe), _) => (Some(x), xe),
            (_, other) => other,
        };
        if self.items.is_some() || other.items.is_some() {
            return None;
        }
        let (minimum, exclusive_minimum) = bound(
            (self.minimum, self.exclusive_minimum),
            (other.minimum, other.exclusive_minimum),
            true,
        );
        let (maximum, exclusive_maximum) = bound(
            (self.maximum, self.exclusive_maximum),
            (other.maximum, other.exclusive_maximum),
            false,
        );
        Some(Constraints {
            min_length: tighter(self.min_length, other.min_length, u64::max),
            max_length: tighter(self.max_length, other.max_length, u64::min),
            pattern: one(&self.pattern, &other.pattern).ok()?,
            pattern_regex: one(&self.pattern_regex, &other.pattern_regex).ok()?,
            minimum,
            exclusive_minimum,
            maximum,
            exclusive_maximum,
            multiple_of: one(&self.multiple_of, &other.multiple_of).ok()?,
            min_items: tighter(self.min_items, other.min_items, u64::max),
            max_items: tighter(self.max_items, other.max_items, u64::min),
            items: None,
        })
    }

    /// The constraints that apply to a value of type `ty`: string rules on
    /// strings (lengths on bytes too), number rules on numbers, item rules on arrays, minus the
    /// bounds the Rust type guarantees already (a `u32` is never below 0, as
    /// schemas generated from Rust often say).
    pub fn for_type(mut self, ty: &TypeRef) -> Constraints {
        // Binary data keeps its lengths, counted in bytes.
        if !matches!(ty, TypeRef::String | TypeRef::Bytes) {
            self.min_length = None;
            self.max_length = None;
        }
        if !matches!(ty, TypeRef::String) {
            self.pattern = None;
            self.pattern_regex = None;
        }
        if !matches!(ty, TypeRef::Integer(_) | TypeRef::Float(_)) {
            self.minimum = None;
            self.maximum = None;
            self.exclusive_minimum = false;
            self.exclusive_maximum = false;
            self.multiple_of = None;
        }
        if let TypeRef::Integer(width) = ty {
            let (low, high) = match width {
                IntegerWidth::I32 => (i32::MIN as f64, i32::MAX as f64),
                IntegerWidth::I64 => (i64::MIN as f64, i64::MAX as f64),
                IntegerWidth::U32 => (0.0, u32::MAX as f64),
                IntegerWidth::U64 => (0.0, u64::MAX as f64),
            };
            if self
                .minimum
                .is_some_and(|min| min < low || (min == low && !self.exclusive_minimum))
            {
                self.minimum = None;
                self.exclusive_minimum = false;
            }
            if self
                .maximum
                .is_some_and(|max| max > high || (max == high && !self.exclusive_maximum))
            {
                self.maximum = None;
                self.exclusive_maximum = false;
            }
        }
        match (ty, self.items.take()) {
            (TypeRef::Array(item), Some(items)) => {
                let items = items.for_type(item);
                self.items = (!items.is_empty()).then(|| Box::new(items));
            }
            (TypeRef::Array(_), None) => {}
            _ => {
                self.min_items = None;
                self.max_items = None;
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{FloatWidth, TypeId};

    fn bounds(minimum: Option<f64>, exclusive_minimum: bool, maximum: Option<f64>) -> Constraints {
        Constraints {
            minimum,
            exclusive_minimum,
            maximum,
            ..Constraints::default()
        }
    }

    #[test]
    fn bounds_the_rust_type_guarantees_are_dropped() {
        let u32_ty = TypeRef::Integer(IntegerWidth::U32);
        // `minimum: 0` on a u32 (as schemars writes it) checks nothing.
        assert!(bounds(Some(0.0), false, None).for_type(&u32_ty).is_empty());
        assert!(
            bounds(None, false, Some(u32::MAX as f64))
                .for_type(&u32_ty)
                .is_empty()
        );
        // Exclusive, or tighter, bounds still do.
        let exclusive = bounds(Some(0.0), true, None).for_type(&u32_ty);
        assert_eq!(exclusive.minimum, Some(0.0));
        assert_eq!(
            bounds(Some(1.0), false, None).for_type(&u32_ty).minimum,
            Some(1.0)
        );
        // The same bound on a signed or float type is a real check.
        let i64_ty = TypeRef::Integer(IntegerWidth::I64);
        assert_eq!(
            bounds(Some(0.0), false, None).for_type(&i64_ty).minimum,
            Some(0.0)
        );
        let f64_ty = TypeRef::Float(FloatWidth::F64);
        assert_eq!(
            bounds(Some(0.0), false, None).for_type(&f64_ty).minimum,
            Some(0.0)
        );
        // Array items are looked at with their own type.
        let items = Constraints {
            items: Some(Box::new(bounds(Some(0.0), false, None))),
            max_items: Some(3),
            ..Constraints::default()
        };
        let array = TypeRef::Array(Box::new(TypeRef::Integer(IntegerWidth::U64)));
        let kept = items.for_type(&array);
        assert_eq!(kept.items, None);
        assert_eq!(kept.max_items, Some(3));
    }

    #[test]
    fn rules_for_another_type_are_dropped() {
        let rules = Constraints {
            max_length: Some(3),
            minimum: Some(1.0),
            max_items: Some(2),
            ..Constraints::default()
        };
        let on_string = rules.clone().for_type(&TypeRef::String);
        assert_eq!(on_string.max_length, Some(3));
        assert_eq!((on_string.minimum, on_string.max_items), (None, None));
        // A named type (an object, an enum) takes none of them.
        assert!(rules.for_type(&TypeRef::Named(TypeId(0))).is_empty());
    }

    #[test]
    fn intersected_constraints_keep_the_tighter_bound_or_say_they_cannot() {
        let low = Constraints {
            minimum: Some(1.0),
            maximum: Some(10.0),
            exclusive_maximum: true,
            ..Constraints::default()
        };
        let high = Constraints {
            minimum: Some(3.0),
            maximum: Some(10.0),
            ..Constraints::default()
        };
        let both = low.intersect(&high).unwrap();
        assert_eq!((both.minimum, both.exclusive_minimum), (Some(3.0), false));
        // On a tie the exclusive bound is the tighter.
        assert_eq!((both.maximum, both.exclusive_maximum), (Some(10.0), true));
        let pattern = |p: &str| Constraints {
            pattern: Some(p.into()),
            ..Constraints::default()
        };
        assert!(pattern("^a").intersect(&pattern("^a")).is_some());
        assert!(pattern("^a").intersect(&pattern("b$")).is_none());
    }
}
