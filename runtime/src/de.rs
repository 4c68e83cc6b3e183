//! Decoding of generated structs, shared instead of derived.
//!
//! serde's derive writes, for every struct, a field enum with its own visitor, a sequence
//! visitor and a map visitor: about 150 lines of generic code per type, which rustc checks
//! whether or not a program decodes the type (on a 300-operation API, 40 % of the crate's
//! compile time). A generated struct implements [`FromMap`] instead (one loop over its
//! keys) and gets [`serde::Deserialize`] through [`from_map`]; the visitors are here, once.
//! What it accepts is what the derive accepts from a self-describing format: a map, unknown
//! keys ignored, a repeated key an error, a missing `Option` field `None`, any other missing
//! required field an error (see [`Slot`]). Unlike the derive, it does not read a struct from
//! a sequence (JSON APIs never send one so).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, IgnoredAny, Visitor};

pub use serde::de::MapAccess;

/// A struct decoded from a map, key by key (implemented by generated code).
pub trait FromMap<'de>: Sized {
    /// The type's name, for error messages.
    const NAME: &'static str;

    /// Reads every entry of `map` and builds the value.
    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// [`serde::Deserialize::deserialize`] of a [`FromMap`] type.
pub fn from_map<'de, T: FromMap<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    // The field list only helps formats that are not self-describing, which
    // generated clients do not read.
    deserializer.deserialize_struct(T::NAME, &[], StructVisitor(PhantomData))
}

struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: FromMap<'de>> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(map)
    }
}

/// A map key, borrowed from the input where the format allows (JSON without escapes).
#[derive(Clone, Debug)]
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(key)))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key.to_owned())))
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key)))
    }

    // Read as text; bytes that are not UTF-8 name no field, so they are skipped like any
    // unknown key.
    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Key<'de>, E> {
        Ok(Key(String::from_utf8_lossy(key).into_owned().into()))
    }

    fn visit_u64<E: de::Error>(self, key: u64) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key.to_string())))
    }
}

/// A field's value while its struct is read: empty until the key is met.
#[derive(Debug)]
pub struct Slot<T> {
    name: &'static str,
    value: Option<T>,
}

impl<T> Slot<T> {
    /// An empty slot for the field whose wire name is `name`.
    pub fn new(name: &'static str) -> Self {
        Slot { name, value: None }
    }

    /// Reads the value of the current entry of `map`; a second value for the field is an
    /// error (as with serde's derive: parsers disagree on which of two would win).
    pub fn read<'de, A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error>
    where
        T: de::Deserialize<'de>,
    {
        if self.value.is_some() {
            return Err(de::Error::duplicate_field(self.name));
        }
        self.value = Some(map.next_value()?);
        Ok(())
    }

    /// The value of a required field, or what serde's derive makes of its absence: `None`
    /// for an `Option`, an error naming the field for anything else.
    pub fn required<'de, E: de::Error>(self) -> Result<T, E>
    where
        T: de::Deserialize<'de>,
    {
        match self.value {
            Some(value) => Ok(value),
            None => T::deserialize(Missing(self.name, PhantomData)),
        }
    }

    /// The value, or `T::default()` when the field was absent.
    pub fn or_default(self) -> T
    where
        T: Default,
    {
        self.value.unwrap_or_default()
    }

    /// The value, or `default()` when the field was absent.
    pub fn or_else(self, default: impl FnOnce() -> T) -> T {
        self.value.unwrap_or_else(default)
    }
}

/// Reads the value of a key no field takes into the type's additional properties (a later
/// value of the same key replaces an earlier one, as with serde's `flatten`).
pub fn insert_value<'de, A: MapAccess<'de>, V: de::Deserialize<'de>>(
    map: &mut A,
    additional: &mut BTreeMap<String, V>,
    key: Key<'de>,
) -> Result<(), A::Error> {
    additional.insert(key.0.into_owned(), map.next_value()?);
    Ok(())
}

/// Reads and drops the value of a key the type does not know.
pub fn skip_value<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

/// The value of an absent field: `None` to an `Option`, "missing field" to anything else.
struct Missing<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}
