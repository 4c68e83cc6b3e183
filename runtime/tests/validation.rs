//! Constraint checks, the `Validate` containers delegate through, and `Nullable` fields.

use std::collections::BTreeMap;

use openapi_rustgen_runtime::{
    Error, Nullable, Validate, ValidationError, check_max_items, check_max_length, check_maximum,
    check_min_items, check_min_length, check_minimum, check_multiple_of, check_pattern, join_path,
};
use serde::{Deserialize, Serialize};

fn rule<T>(result: Result<T, ValidationError>) -> String {
    result.err().map(|e| e.rule).unwrap_or_default()
}

#[test]
fn string_length_checks_count_characters() {
    assert!(check_min_length("f", "éé", 2).is_ok());
    assert_eq!(rule(check_min_length("f", "é", 2)), "minLength = 2");
    assert!(check_max_length("f", "ééé", 3).is_ok());
    assert_eq!(rule(check_max_length("f", "abcd", 3)), "maxLength = 3");
    assert_eq!(
        check_max_length("body.name", "abcd", 3).unwrap_err().field,
        "body.name"
    );
}

#[test]
fn pattern_check_searches_unanchored() {
    assert!(check_pattern("f", "xx-123-yy", "[0-9]+", "[0-9]+").is_ok());
    assert!(check_pattern("f", "abc", "^[a-c]+$", "^[a-c]+$").is_ok());
    assert_eq!(
        rule(check_pattern("f", "abcd", "^[a-c]+$", "^[a-c]+$")),
        "pattern = ^[a-c]+$"
    );
    // Cached patterns keep working.
    assert!(check_pattern("f", "abc", "^[a-c]+$", "^[a-c]+$").is_ok());
    // The error shows the spec's pattern, not the translated regex.
    assert_eq!(
        rule(check_pattern("f", "x", r"^\d$", "^[0-9]$")),
        r"pattern = ^\d$"
    );
    assert_eq!(
        rule(check_pattern("f", "abc", "(unclosed", "(unclosed")),
        "pattern (invalid regex)"
    );
    // An invalid regex keeps failing once cached.
    assert!(check_pattern("f", "abc", "(unclosed", "(unclosed").is_err());
}

#[test]
fn numeric_checks() {
    assert!(check_minimum("f", 1.0, 1.0, false).is_ok());
    assert_eq!(
        rule(check_minimum("f", 1.0, 1.0, true)),
        "exclusiveMinimum = 1"
    );
    assert_eq!(rule(check_minimum("f", 0.5, 1.0, false)), "minimum = 1");
    assert!(check_maximum("f", 2.0, 2.0, false).is_ok());
    assert_eq!(
        rule(check_maximum("f", 2.0, 2.0, true)),
        "exclusiveMaximum = 2"
    );
    assert_eq!(rule(check_maximum("f", 2.5, 2.0, false)), "maximum = 2");
    assert!(check_minimum("f", f64::NAN, 0.0, false).is_err());
    assert!(check_maximum("f", f64::NAN, 0.0, false).is_err());
    assert!(check_multiple_of("f", 10.0, 2.5).is_ok());
    assert!(check_multiple_of("f", 0.3, 0.1).is_ok());
    assert!(check_multiple_of("f", -6.0, 3.0).is_ok());
    assert_eq!(rule(check_multiple_of("f", 7.0, 2.0)), "multipleOf = 2");
    assert!(check_multiple_of("f", 1.0, 0.0).is_err());
    assert!(check_multiple_of("f", f64::NAN, 1.0).is_err());
}

#[test]
fn item_count_checks() {
    assert!(check_min_items("f", 2, 2).is_ok());
    assert_eq!(rule(check_min_items("f", 1, 2)), "minItems = 2");
    assert!(check_max_items("f", 2, 2).is_ok());
    assert_eq!(rule(check_max_items("f", 3, 2)), "maxItems = 2");
}

struct Item {
    name: String,
}

impl Validate for Item {
    fn validate(&self, path: &str) -> Result<(), ValidationError> {
        check_max_length(&join_path(path, "name"), &self.name, 3)
    }
}

fn item(name: &str) -> Item {
    Item { name: name.into() }
}

#[test]
fn containers_delegate_with_paths() {
    let items = vec![item("ok"), item("too long")];
    let err = items.validate("items").unwrap_err();
    assert_eq!(err, ValidationError::new("items[1].name", "maxLength = 3"));
    assert_eq!(err.to_string(), "`items[1].name` violates maxLength = 3");

    assert!(None::<Item>.validate("x").is_ok());
    assert_eq!(
        Some(item("long")).validate("body.item").unwrap_err().field,
        "body.item.name"
    );
    assert_eq!(
        Box::new(item("long")).validate("b").unwrap_err().field,
        "b.name"
    );
    assert!(Nullable::<Item>::Null.validate("n").is_ok());
    assert!(Nullable::<Item>::Absent.validate("n").is_ok());
    assert_eq!(
        Nullable::Value(item("long"))
            .validate("n")
            .unwrap_err()
            .field,
        "n.name"
    );

    let map = BTreeMap::from([
        ("good".to_owned(), item("a")),
        ("bad".to_owned(), item("long")),
    ]);
    assert_eq!(map.validate("tags").unwrap_err().field, "tags.bad.name");
    let nested = Some(vec![Some(item("a")), None, Some(item("long"))]);
    assert_eq!(
        nested.validate("body.list").unwrap_err().field,
        "body.list[2].name"
    );
    // A top-level value has no path prefix.
    assert_eq!(item("long").validate("").unwrap_err().field, "name");
}

#[test]
fn a_validation_error_converts_into_an_error() {
    let err: Error<()> = ValidationError::new("f", "minLength = 1").into();
    assert!(matches!(&err, Error::Validation(v) if v.field == "f"));
    assert_eq!(
        err.to_string(),
        "invalid request: `f` violates minLength = 1"
    );
    assert!(std::error::Error::source(&err).is_some());
    assert_eq!(err.status(), None);
}

// ----- Nullable ---------------------------------------------------------------------------------

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Patch {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    nickname: Nullable<String>,
}

#[test]
fn nullable_serializes_absent_null_and_value() {
    let json = |nickname| serde_json::to_string(&Patch { nickname }).unwrap();
    assert_eq!(json(Nullable::Absent), "{}");
    assert_eq!(json(Nullable::Null), r#"{"nickname":null}"#);
    assert_eq!(json(Nullable::Value("x".into())), r#"{"nickname":"x"}"#);
}

#[test]
fn nullable_deserializes_missing_null_and_value() {
    let parse = |s| serde_json::from_str::<Patch>(s).unwrap().nickname;
    assert_eq!(parse("{}"), Nullable::Absent);
    assert_eq!(parse(r#"{"nickname":null}"#), Nullable::Null);
    assert_eq!(
        parse(r#"{"nickname":"x"}"#),
        Nullable::Value("x".to_owned())
    );
}

#[test]
fn nullable_accessors_and_conversions() {
    let value: Nullable<u8> = 5.into();
    assert_eq!(value.value(), Some(&5));
    assert_eq!(value.as_ref(), Nullable::Value(&5));
    assert_eq!(value.clone().into_value(), Some(5));
    assert!(!value.is_absent() && !value.is_null());
    assert_eq!(Nullable::<u8>::from(None), Nullable::Null);
    assert!(Nullable::<u8>::from(None).is_null());
    assert_eq!(Nullable::<u8>::from(Some(1)), Nullable::Value(1));
    assert!(Nullable::<u8>::default().is_absent());
    assert_eq!(Nullable::<u8>::Null.into_value(), None);
    assert_eq!(
        Nullable::<String>::from("s"),
        Nullable::Value("s".to_owned())
    );
}
