//! Parameter serialization: every `style` and `explode` OpenAPI defines for path, query,
//! header and cookie parameters (RFC 6570 expansions), with values percent-encoded so that no
//! value can change the route, add a query pair, a header or a cookie.

use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::HeaderValue;
use serde::Serialize;
use serde_json::Value;

use super::{Error, ValidationError};

/// Everything except RFC 3986 unreserved characters (ALPHA / DIGIT / - . _ ~).
pub(crate) const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What `application/x-www-form-urlencoded` leaves alone (space becomes '+' separately).
pub(crate) const NOT_FORM_SAFE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

/// Bytes that are not RFC 6265 `cookie-octet`s (and `%`, so that encoding is reversible).
const NOT_COOKIE_OCTET: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');

/// Path parameter styles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathStyle {
    /// `style: simple` (the default): `a,b`.
    Simple,
    /// `style: label`: `.a.b`.
    Label,
    /// `style: matrix`: `;name=a,b`.
    Matrix,
}

/// Query parameter styles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryStyle {
    /// `style: form` (the default).
    Form,
    /// `style: spaceDelimited`.
    SpaceDelimited,
    /// `style: pipeDelimited`.
    PipeDelimited,
    /// `style: deepObject`.
    DeepObject,
}

fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(|err| Error::InvalidRequest(err.to_string()))
}

/// A scalar as parameter text: strings raw, other scalars in their JSON spelling; nested
/// containers (which OpenAPI leaves undefined) as compact JSON.
pub(crate) fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The value's parts: a scalar, a list, or name/value pairs (nulls left out).
enum Parts {
    Absent,
    Scalar(String),
    List(Vec<String>),
    Pairs(Vec<(String, String)>),
}

fn parts(value: Value) -> Parts {
    match value {
        Value::Null => Parts::Absent,
        Value::Array(items) => Parts::List(
            items
                .iter()
                .filter(|v| !v.is_null())
                .map(scalar_text)
                .collect(),
        ),
        Value::Object(map) => Parts::Pairs(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), scalar_text(v)))
                .collect(),
        ),
        scalar => Parts::Scalar(scalar_text(&scalar)),
    }
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, NOT_UNRESERVED).to_string()
}

/// A path parameter in the default style (`simple`, not exploded): [`path_param`] with
/// [`PathStyle::Simple`].
pub fn path_segment<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<String, Error> {
    path_param(name, value, PathStyle::Simple, false)
}

/// A path parameter expanded per `style` and `explode`, percent-encoded: the result can never
/// add a path segment, a query or a fragment. A simple-style value that would be an empty
/// segment, "." or ".." (which URL parsers resolve away) is rejected with the rule
/// `path segment`.
pub fn path_param<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: PathStyle,
    explode: bool,
) -> Result<String, Error> {
    let expanded = match (parts(to_value(value)?), style) {
        (Parts::Absent, PathStyle::Matrix) => format!(";{}", encode(name)),
        (Parts::Absent, _) => String::new(),
        (Parts::Scalar(text), PathStyle::Simple) => encode(&text),
        (Parts::Scalar(text), PathStyle::Label) => format!(".{}", encode(&text)),
        (Parts::Scalar(text), PathStyle::Matrix) => matrix_pair(name, &text),
        (Parts::List(items), style) => {
            let items: Vec<String> = items.iter().map(|i| encode(i)).collect();
            match (style, explode) {
                (PathStyle::Simple, _) => items.join(","),
                (PathStyle::Label, false) => format!(".{}", items.join(",")),
                (PathStyle::Label, true) => items.iter().map(|i| format!(".{i}")).collect(),
                (PathStyle::Matrix, false) => format!(";{}={}", encode(name), items.join(",")),
                (PathStyle::Matrix, true) => items
                    .iter()
                    .map(|i| format!(";{}={i}", encode(name)))
                    .collect(),
            }
        }
        (Parts::Pairs(pairs), style) => {
            let pairs: Vec<(String, String)> =
                pairs.iter().map(|(k, v)| (encode(k), encode(v))).collect();
            let flat = || {
                pairs
                    .iter()
                    .flat_map(|(k, v)| [k.clone(), v.clone()])
                    .collect::<Vec<_>>()
                    .join(",")
            };
            let assigned = |separator: &str| {
                pairs
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(separator)
            };
            match (style, explode) {
                (PathStyle::Simple, false) => flat(),
                (PathStyle::Simple, true) => assigned(","),
                (PathStyle::Label, false) => format!(".{}", flat()),
                (PathStyle::Label, true) => format!(".{}", assigned(".")),
                (PathStyle::Matrix, false) => format!(";{}={}", encode(name), flat()),
                (PathStyle::Matrix, true) => format!(";{}", assigned(";")),
            }
        }
    };
    if style == PathStyle::Simple && matches!(expanded.as_str(), "" | "." | "..") {
        return Err(ValidationError::new(name, "path segment").into());
    }
    Ok(expanded)
}

fn matrix_pair(name: &str, text: &str) -> String {
    if text.is_empty() {
        format!(";{}", encode(name))
    } else {
        format!(";{}={}", encode(name), encode(text))
    }
}

/// Appends query parameter `name` serialized per OpenAPI `style`/`explode` (the pairs are raw;
/// the client percent-encodes them when it builds the URL).
///
/// `null` (an unset optional parameter) pushes nothing, and so do empty arrays and objects.
/// Scalars push one pair. Arrays push one pair per item when exploded, else one pair joined by
/// ',' / ' ' / '|' for form / spaceDelimited / pipeDelimited. Objects: exploded form pushes one
/// pair per property, unexploded styles push `name=k1,v1,k2,v2` (with the style's delimiter),
/// and deepObject pushes `name[k]=v` (nested: `name[k][k2]=v`, arrays indexed: `name[0]=v`).
pub fn push_query<T: Serialize + ?Sized>(
    query: &mut Vec<(String, String)>,
    name: &str,
    value: &T,
    style: QueryStyle,
    explode: bool,
) -> Result<(), Error> {
    let value = to_value(value)?;
    let delimiter = match style {
        QueryStyle::SpaceDelimited => " ",
        QueryStyle::PipeDelimited => "|",
        QueryStyle::Form | QueryStyle::DeepObject => ",",
    };
    if style == QueryStyle::DeepObject {
        push_deep(query, name.to_owned(), &value);
        return Ok(());
    }
    match parts(value) {
        Parts::Absent => {}
        Parts::Scalar(text) => query.push((name.to_owned(), text)),
        Parts::List(items) if explode => {
            query.extend(items.into_iter().map(|t| (name.to_owned(), t)));
        }
        Parts::List(items) => {
            if !items.is_empty() {
                query.push((name.to_owned(), items.join(delimiter)));
            }
        }
        Parts::Pairs(pairs) if explode => query.extend(pairs),
        Parts::Pairs(pairs) => {
            let flat: Vec<String> = pairs.into_iter().flat_map(|(k, v)| [k, v]).collect();
            if !flat.is_empty() {
                query.push((name.to_owned(), flat.join(delimiter)));
            }
        }
    }
    Ok(())
}

fn push_deep(query: &mut Vec<(String, String)>, name: String, value: &Value) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (k, v) in map {
                push_deep(query, format!("{name}[{k}]"), v);
            }
        }
        // Arrays inside a deep object are undefined by OpenAPI; they are indexed
        // (`name[0]=a&name[1]=b`, `items[0][id]=7`), as qs, Rack, PHP and Stripe read them.
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                push_deep(query, format!("{name}[{i}]"), item);
            }
        }
        scalar => query.push((name, scalar_text(scalar))),
    }
}

/// A header value: visible ASCII, spaces and tabs only. CR, LF, other control bytes and
/// non-ASCII text are refused (without echoing the value), so no value can split a header.
pub fn header_value(name: &str, value: &str) -> Result<HeaderValue, Error> {
    let clean = value
        .bytes()
        .all(|b| b == b'\t' || (b' '..=b'~').contains(&b));
    clean
        .then(|| HeaderValue::from_str(value).ok())
        .flatten()
        .ok_or_else(|| {
            Error::InvalidRequest(format!(
                "the value of header `{name}` has characters a header cannot carry"
            ))
        })
}

/// A header parameter's value in `simple` style; `None` for an unset optional one.
pub fn header_param<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    explode: bool,
) -> Result<Option<HeaderValue>, Error> {
    let text = match parts(to_value(value)?) {
        Parts::Absent => return Ok(None),
        Parts::Scalar(text) => text,
        Parts::List(items) => items.join(","),
        Parts::Pairs(pairs) if explode => pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
        Parts::Pairs(pairs) => pairs
            .into_iter()
            .flat_map(|(k, v)| [k, v])
            .collect::<Vec<_>>()
            .join(","),
    };
    header_value(name, &text).map(Some)
}

/// A cookie parameter's value in `form` style, with every byte that is not an RFC 6265
/// cookie-octet (`;`, `,`, spaces, quotes, controls, non-ASCII, `%`) percent-encoded, so that
/// no value can add a cookie; `None` for an unset optional one.
pub fn cookie_param<T: Serialize + ?Sized>(value: &T) -> Result<Option<String>, Error> {
    let text = match parts(to_value(value)?) {
        Parts::Absent => return Ok(None),
        Parts::Scalar(text) => text,
        Parts::List(items) => items.join(","),
        Parts::Pairs(pairs) => pairs
            .into_iter()
            .flat_map(|(k, v)| [k, v])
            .collect::<Vec<_>>()
            .join(","),
    };
    Ok(Some(cookie_octets(&text)))
}

/// Text as RFC 6265 cookie octets (percent-encoding the rest).
pub(crate) fn cookie_octets(text: &str) -> String {
    utf8_percent_encode(text, NOT_COOKIE_OCTET).to_string()
}

/// A parameter documented with `content` of a JSON media type: its value as compact JSON
/// text (encoded then like any string), `None` for an unset optional one.
pub fn json_text<T: Serialize + ?Sized>(value: &T) -> Result<Option<String>, Error> {
    Ok(match to_value(value)? {
        Value::Null => None,
        value => Some(value.to_string()),
    })
}

/// A parameter value as the text a text body or multipart part carries: strings as they are,
/// other scalars in their JSON spelling, arrays joined with `,`.
pub fn param_text<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    Ok(match to_value(value)? {
        Value::Array(items) => items.iter().map(scalar_text).collect::<Vec<_>>().join(","),
        other => scalar_text(&other),
    })
}

/// Encodes pairs as `application/x-www-form-urlencoded` (space as '+').
pub(crate) fn encode_form(pairs: &[(String, String)]) -> String {
    let encode = |s: &str| {
        utf8_percent_encode(s, NOT_FORM_SAFE)
            .to_string()
            .replace("%20", "+")
    };
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    encoded.join("&")
}

/// How one property of a form body is sent when its `encoding` sets `style` or `explode`
/// (which, by the OpenAPI specification, then override its content type).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormField {
    /// The property's name on the wire.
    pub name: &'static str,
    /// Its `style` (`form` when the encoding gives only `explode`).
    pub style: QueryStyle,
    /// Its `explode`.
    pub explode: bool,
}

/// An object as form pairs: the properties named in `fields` as query parameters of their
/// style; the others one pair per property, arrays repeating the key and nested objects as
/// JSON text (their default content type); nulls are left out.
pub(crate) fn object_pairs<T: Serialize + ?Sized>(
    value: &T,
    fields: &[FormField],
) -> Result<Vec<(String, String)>, Error> {
    let Value::Object(map) = to_value(value)? else {
        return Err(Error::InvalidRequest(
            "a form body must be an object".to_owned(),
        ));
    };
    let mut pairs = Vec::new();
    for (key, value) in map {
        if let Some(field) = fields.iter().find(|field| field.name == key) {
            push_query(&mut pairs, &key, &value, field.style, field.explode)?;
            continue;
        }
        match value {
            Value::Null => {}
            Value::Array(items) => {
                pairs.extend(items.iter().map(|item| (key.clone(), scalar_text(item))));
            }
            other => pairs.push((key, scalar_text(&other))),
        }
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn path(value: Value, style: PathStyle, explode: bool) -> String {
        path_param("id", &value, style, explode).unwrap()
    }

    /// The examples of the OpenAPI 3.0.3 specification's style table.
    #[test]
    fn path_styles_match_the_specification_table() {
        let blue = json!("blue");
        let list = json!(["blue", "black", "brown"]);
        let object = json!({"R": 100, "G": 200, "B": 150});
        use PathStyle::*;
        assert_eq!(path(blue.clone(), Simple, false), "blue");
        assert_eq!(path(list.clone(), Simple, false), "blue,black,brown");
        assert_eq!(path(object.clone(), Simple, false), "R,100,G,200,B,150");
        assert_eq!(path(object.clone(), Simple, true), "R=100,G=200,B=150");
        assert_eq!(path(blue.clone(), Label, false), ".blue");
        assert_eq!(path(list.clone(), Label, false), ".blue,black,brown");
        assert_eq!(path(list.clone(), Label, true), ".blue.black.brown");
        assert_eq!(path(object.clone(), Label, false), ".R,100,G,200,B,150");
        assert_eq!(path(object.clone(), Label, true), ".R=100.G=200.B=150");
        assert_eq!(path(blue, Matrix, false), ";id=blue");
        assert_eq!(path(list.clone(), Matrix, false), ";id=blue,black,brown");
        assert_eq!(path(list, Matrix, true), ";id=blue;id=black;id=brown");
        assert_eq!(path(object.clone(), Matrix, false), ";id=R,100,G,200,B,150");
        assert_eq!(path(object, Matrix, true), ";R=100;G=200;B=150");
        assert_eq!(path(json!(""), Matrix, false), ";id");
    }

    #[test]
    fn path_values_cannot_change_the_route() {
        assert_eq!(
            path(json!("a/b?c#d e%"), PathStyle::Simple, false),
            "a%2Fb%3Fc%23d%20e%25"
        );
        assert_eq!(
            path(json!(["a,b", ";"]), PathStyle::Matrix, true),
            ";id=a%2Cb;id=%3B"
        );
        for bad in ["", ".", ".."] {
            let err = path_param("id", bad, PathStyle::Simple, false).unwrap_err();
            assert!(matches!(err, Error::Validation(v) if v.rule == "path segment"));
        }
    }

    #[test]
    fn cookies_cannot_carry_another_cookie() {
        let value = cookie_param("abc; admin=true").unwrap().unwrap();
        assert_eq!(value, "abc%3B%20admin=true");
        assert_eq!(cookie_param(&None::<String>).unwrap(), None);
    }

    #[test]
    fn header_values_are_visible_ascii() {
        assert!(header_value("X", "ok value\t1").is_ok());
        for bad in ["a\r\nb: c", "\u{fc}n\u{ef}", "nul\0"] {
            let err = header_value("X", bad).unwrap_err().to_string();
            assert!(!err.contains(bad), "{err}");
        }
    }
}
