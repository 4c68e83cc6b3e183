//! `de::FromMap`: what generated structs decode through instead of serde's derive must
//! accept and refuse what the derive does (checked against a derived twin).

use openapi_rustgen_runtime::de::{self, FromMap, MapAccess};
use openapi_rustgen_runtime::serde::{Deserialize, Deserializer};

/// Written as the generator writes it.
#[derive(Debug, PartialEq)]
struct Pet {
    id: u64,
    name: String,
    tag: Option<String>,
    note: Option<String>,
    size: u32,
}

impl<'de> Deserialize<'de> for Pet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        de::from_map(deserializer)
    }
}

impl<'de> FromMap<'de> for Pet {
    const NAME: &'static str = "Pet";

    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut id = de::Slot::new("id");
        let mut name = de::Slot::new("pet name");
        let mut tag = de::Slot::new("tag");
        let mut note = de::Slot::new("note");
        let mut size = de::Slot::new("size");
        while let Some(key) = map.next_key::<de::Key>()? {
            match key.as_str() {
                "id" => id.read(&mut map)?,
                "pet name" => name.read(&mut map)?,
                "tag" => tag.read(&mut map)?,
                "note" => note.read(&mut map)?,
                "size" => size.read(&mut map)?,
                _ => de::skip_value(&mut map)?,
            }
        }
        Ok(Self {
            id: id.required()?,
            name: name.required()?,
            // A required nullable field.
            tag: tag.required()?,
            note: note.or_default(),
            size: size.or_else(|| 3),
        })
    }
}

/// The same struct, derived.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(crate = "openapi_rustgen_runtime::serde")]
struct DerivedPet {
    id: u64,
    #[serde(rename = "pet name")]
    name: String,
    tag: Option<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default = "three")]
    size: u32,
}

fn three() -> u32 {
    3
}

fn decode(json: &str) -> (Result<Pet, String>, Result<DerivedPet, String>) {
    (
        serde_json::from_str::<Pet>(json).map_err(|e| e.to_string()),
        serde_json::from_str::<DerivedPet>(json).map_err(|e| e.to_string()),
    )
}

fn same_as_derive(json: &str) -> Result<Pet, String> {
    let (ours, derived) = decode(json);
    match (&ours, &derived) {
        (Ok(a), Ok(b)) => {
            assert_eq!(
                (a.id, &a.name, &a.tag, &a.note, a.size),
                (b.id, &b.name, &b.tag, &b.note, b.size)
            )
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "for {json}"),
        _ => panic!("for {json}: ours {ours:?}, derived {derived:?}"),
    }
    ours
}

#[test]
fn a_full_object_decodes() {
    let pet =
        same_as_derive(r#"{"id": 7, "pet name": "Rex", "tag": "dog", "note": "n", "size": 9}"#)
            .unwrap();
    assert_eq!(pet.name, "Rex");
    assert_eq!(pet.size, 9);
}

#[test]
fn absent_fields_take_their_defaults_and_a_required_option_is_none() {
    let pet = same_as_derive(r#"{"id": 7, "pet name": "Rex"}"#).unwrap();
    assert_eq!((pet.tag, pet.note, pet.size), (None, None, 3));
}

#[test]
fn unknown_keys_are_skipped_whatever_their_value() {
    let pet = same_as_derive(
        r#"{"extra": {"deep": [1, {"x": null}]}, "id": 1, "pet name": "a", "more": "s"}"#,
    )
    .unwrap();
    assert_eq!(pet.id, 1);
}

#[test]
fn escaped_keys_are_matched() {
    // `\u006e` is `n`: the key cannot be borrowed from the input.
    let pet = same_as_derive(r#"{"id": 1, "pet \u006eame": "escaped"}"#).unwrap();
    assert_eq!(pet.name, "escaped");
}

#[test]
fn a_missing_required_field_is_named() {
    let error = same_as_derive(r#"{"pet name": "Rex"}"#).unwrap_err();
    assert!(error.contains("missing field `id`"), "{error}");
}

#[test]
fn a_repeated_key_is_refused() {
    let error = same_as_derive(r#"{"id": 1, "pet name": "a", "id": 2}"#).unwrap_err();
    assert!(error.contains("duplicate field `id`"), "{error}");
}

#[test]
fn a_wrong_value_type_is_refused() {
    let error = same_as_derive(r#"{"id": "seven", "pet name": "a"}"#).unwrap_err();
    assert!(error.contains("invalid type"), "{error}");
}

#[test]
fn a_non_object_is_refused_with_the_type_name() {
    let error = serde_json::from_str::<Pet>("42").unwrap_err().to_string();
    assert!(error.contains("struct Pet"), "{error}");
    // The derive reads a struct from an array too; generated clients do not.
    assert!(serde_json::from_str::<DerivedPet>(r#"[1, "a", null, null, 3]"#).is_ok());
    assert!(serde_json::from_str::<Pet>(r#"[1, "a", null, null, 3]"#).is_err());
}

#[test]
fn values_buffered_by_serde_decode_too() {
    // Untagged unions and flattened parents hand a struct serde's buffered `Content`.
    #[derive(Debug, Deserialize)]
    #[serde(crate = "openapi_rustgen_runtime::serde", untagged)]
    enum Either {
        Pet(Pet),
        Number(u64),
    }
    let value: Either = serde_json::from_str(r#"{"id": 5, "pet name": "b"}"#).unwrap();
    assert!(matches!(value, Either::Pet(Pet { id: 5, .. })));
    let value: Either = serde_json::from_str("5").unwrap();
    assert!(matches!(value, Either::Number(5)));
    let pet: Pet = serde_json::from_value(serde_json::json!({"id": 2, "pet name": "c"})).unwrap();
    assert_eq!(pet.id, 2);
}

/// A number decoded and sent back is the same number: serde_json's default parser can miss
/// a float's last bit, so the runtime turns on its `float_roundtrip` feature.
#[test]
fn floats_decode_exactly_and_encode_back_the_same() {
    for text in [
        "0.46000000834465027",
        "-0.11379003524780275",
        "1e-7",
        "123456789.12345679",
    ] {
        let value: f64 = serde_json::from_str(text).unwrap();
        assert_eq!(value, text.parse::<f64>().unwrap(), "{text}");
        let back = serde_json::to_string(&value).unwrap();
        assert_eq!(back.parse::<f64>().unwrap(), value, "{text} -> {back}");
    }
}
