//! Rust names from spec names: deterministic, valid, and collision-free.

use std::collections::{BTreeSet, HashMap};

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be identifiers even as raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Type names the generated module itself uses, and every name of Rust's
/// prelude (a schema called `From` would shadow the trait that
/// `impl From<..>` names); a schema with one of these names gets a `Model`
/// suffix instead of shadowing it.
const RESERVED_TYPES: &[&str] = &[
    // The prelude (2024 edition).
    "Copy",
    "Send",
    "Sized",
    "Sync",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "AsyncFn",
    "AsyncFnMut",
    "AsyncFnOnce",
    "ToOwned",
    "Clone",
    "PartialEq",
    "PartialOrd",
    "Eq",
    "Ord",
    "AsRef",
    "AsMut",
    "Into",
    "From",
    "Iterator",
    "Extend",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "ToString",
    "TryFrom",
    "TryInto",
    "FromIterator",
    "Future",
    "IntoFuture",
    // The module's own (`New`: every type has a `new` constructor, and a
    // constructor named after its type is a clippy lint).
    "New",
    "Client",
    "Error",
    "Secret",
    "Upload",
    "ResponseValue",
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "Some",
    "None",
    "Ok",
    "Err",
    "Default",
    "Self",
    "Value",
    "BTreeMap",
    "Bytes",
    "Nullable",
    "Serialize",
    "Deserialize",
    "Deserializer",
    "Duration",
];

/// Replaces everything that cannot be in an identifier by `_` word breaks,
/// so heck sees the word boundaries (`x-rate-limit`, `a.b`, `@type`).
fn words(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect::<String>()
}

/// The words of a name with no uppercase letter and only ASCII: heck
/// splits such a name at its separators alone and changes no letter, so
/// it needs no case conversion (most wire names are like this, and heck's
/// character-by-character Unicode case mapping is a noticeable share of
/// lowering). `None` for any other name.
fn lowercase_ascii_words(raw: &str) -> Option<impl Iterator<Item = &str>> {
    raw.bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
        .then(|| {
            raw.split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|word| !word.is_empty())
        })
}

/// Whether a name is already what heck's PascalCase makes of it: ASCII
/// letters and digits, an uppercase letter first, and every other uppercase
/// letter after a lowercase one (digits between them aside). heck starts a
/// word at each such letter and lowercases the rest of each word, which
/// changes nothing here; schema names are mostly like this, and converting
/// them character by character was an eighth of lowering a large API.
fn is_plain_pascal(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_uppercase) {
        return false;
    }
    let mut last_letter_lower = false;
    for &b in &bytes[1..] {
        match b {
            b'a'..=b'z' => last_letter_lower = true,
            b'A'..=b'Z' if last_letter_lower => last_letter_lower = false,
            b'0'..=b'9' => {}
            _ => return false,
        }
    }
    true
}

fn to_snake(raw: &str) -> String {
    match lowercase_ascii_words(raw) {
        Some(words) => words.collect::<Vec<_>>().join("_"),
        None => words(raw).to_snake_case(),
    }
}

fn to_pascal(raw: &str) -> String {
    if is_plain_pascal(raw) {
        return raw.to_string();
    }
    match lowercase_ascii_words(raw) {
        Some(words) => {
            let mut out = String::with_capacity(raw.len());
            for word in words {
                out.push(word.as_bytes()[0].to_ascii_uppercase() as char);
                out.push_str(&word[1..]);
            }
            out
        }
        None => words(raw).to_upper_camel_case(),
    }
}

/// A snake_case identifier for fields, parameters and methods.
pub fn snake_ident(raw: &str) -> String {
    let mut name = capped(to_snake(raw));
    if name.is_empty() {
        name = "value".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "n_");
    }
    if NOT_RAW.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// Module names that would clash with a crate's own files or the
/// generated module's submodules.
const RESERVED_MODULES: &[&str] = &[
    "lib", "main", "mod", "build", "runtime", "builder", "mock", "defaults", "tests",
];

/// A module name for a spec file stem: snake_case, not a keyword, not a
/// crate file or submodule name (those get a `_api` suffix).
pub fn module_ident(stem: &str) -> String {
    let mut name = snake_ident(stem);
    if KEYWORDS.contains(&name.as_str())
        || RESERVED_MODULES.contains(&name.as_str())
        || name.ends_with('_')
    {
        name = format!("{}_api", name.trim_end_matches('_'));
    }
    name
}

/// A module name given by the user, checked.
pub fn checked_module_name(name: &str) -> crate::Result<String> {
    let valid = !name.is_empty()
        && name.len() <= MAX_IDENT
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !KEYWORDS.contains(&name)
        && !RESERVED_MODULES.contains(&name)
        && name != "_";
    if valid {
        Ok(name.to_string())
    } else {
        Err(crate::Error::Usage(format!(
            "`{name}` cannot be a module name: use lowercase letters, digits and `_`, not a Rust keyword, and none of {}",
            RESERVED_MODULES.join(", ")
        )))
    }
}

/// Checks a package name as Cargo does: ASCII letters, digits, `-` and
/// `_`, starting with a letter, at most 64 characters, no keyword.
pub fn check_crate_name(name: &str) -> crate::Result<()> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !KEYWORDS.contains(&name.replace('-', "_").as_str())
        && !["test", "std", "core", "alloc", "proc_macro", "proc-macro"].contains(&name);
    if valid {
        Ok(())
    } else {
        Err(crate::Error::Usage(format!(
            "`{}` is not a valid crate name: use ASCII letters, digits, `-` and `_`, starting with a letter, at most 64 characters, and no Rust keyword",
            name.escape_debug()
        )))
    }
}

/// Identifiers are cut to this length (a resource limit: a name of a
/// hundred thousand characters makes rustc take gigabytes).
pub const MAX_IDENT: usize = 64;

/// `name` cut to [`MAX_IDENT`] characters, with a hash of the whole name
/// so that names that share a long prefix stay apart.
fn capped(name: String) -> String {
    if name.len() <= MAX_IDENT {
        return name;
    }
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut end = MAX_IDENT - 9;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    let separator = if name.starts_with(|c: char| c.is_ascii_uppercase()) {
        ""
    } else {
        "_"
    };
    format!(
        "{}{separator}{:08x}",
        name[..end].trim_end_matches('_'),
        hash as u32
    )
}

/// Whether an identifier must be written as a raw identifier (`r#type`).
pub fn needs_raw(ident: &str) -> bool {
    KEYWORDS.contains(&ident)
}

/// A PascalCase identifier for types and variants.
pub fn pascal_ident(raw: &str) -> String {
    let mut name = capped(to_pascal(raw));
    if name.is_empty() {
        name = "Value".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// Whether a type name is one the module itself uses or Rust's prelude
/// gives, which a generated type of that name would shadow.
pub fn is_reserved_type(name: &str) -> bool {
    RESERVED_TYPES.contains(&name)
}

/// A PascalCase type name that avoids the module's own names.
pub fn type_ident(raw: &str) -> String {
    let mut name = pascal_ident(raw);
    if name.starts_with('V') && raw.starts_with(|c: char| c.is_ascii_digit()) {
        name.replace_range(0..1, "Type");
    }
    if is_reserved_type(&name) {
        name.push_str("Model");
    }
    name
}

/// Hands out names unique within one scope, in the order asked for.
#[derive(Default, Debug)]
pub struct NameScope {
    used: BTreeSet<String>,
    /// Per numbered stem (`Body`, `get_`), the number to try first: every
    /// smaller one is taken, and names are never given back, so the search
    /// resumes there (from 2 each time, ten thousand operations all called
    /// `get` took minutes).
    next_number: HashMap<String, usize>,
}

impl NameScope {
    pub fn reserve(&mut self, name: &str) {
        self.used.insert(name.to_string());
    }

    /// Returns `base`, or `base2`, `base3`, ... for later claimants
    /// (`base_2` for snake_case names and names ending in a digit).
    pub fn claim(&mut self, base: &str) -> String {
        if self.used.insert(base.to_string()) {
            return base.to_string();
        }
        // A keyword's escape (`Self_`) goes before the number: `Self_2` is
        // no camel case name (rustc warns), `Self2` is.
        let stem = base.trim_end_matches('_');
        let stem = if stem.is_empty() { base } else { stem };
        let snake = stem.starts_with(|c: char| c.is_ascii_lowercase());
        let separator = if snake || stem.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        let prefix = format!("{stem}{separator}");
        let first = self.next_number.get(&prefix).copied().unwrap_or(2);
        let (number, name) = (first..)
            .map(|n| (n, format!("{prefix}{n}")))
            .find(|(_, candidate)| self.used.insert(candidate.clone()))
            .expect("an unused name exists");
        self.next_number.insert(prefix, number + 1);
        name
    }
}

/// Methods of std traits (clippy's `should_implement_trait` list): a
/// setter named like one reads as that trait's method, so it is prefixed
/// with `with_`.
pub const STD_TRAIT_METHODS: &[&str] = &[
    "add",
    "as_mut",
    "as_ref",
    "bitand",
    "bitor",
    "bitxor",
    "borrow",
    "borrow_mut",
    "clone",
    "cmp",
    "default",
    "deref",
    "deref_mut",
    "div",
    "drop",
    "eq",
    "from_iter",
    "from_str",
    "hash",
    "index",
    "index_mut",
    "into_iter",
    "mul",
    "neg",
    "next",
    "not",
    "rem",
    "shl",
    "shr",
    "sub",
];

/// A setter's name for a member named `name`: `with_<name>` when `name` is
/// a std trait method or in `reserved`.
pub fn setter_base(name: &str, reserved: &[&str]) -> String {
    if STD_TRAIT_METHODS.contains(&name) || reserved.contains(&name) {
        format!("with_{name}")
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_taken_as_they_are_are_what_heck_makes_of_them() {
        for name in ["InstanceDiskAttach", "Ipv4Net", "A1bC", "V1", "Ab12Cd3"] {
            assert!(is_plain_pascal(name), "{name}");
            assert_eq!(heck::ToUpperCamelCase::to_upper_camel_case(name), name);
        }
        // heck changes these (`A1b`, `HttpServer`, ...): they are converted.
        for name in ["A1B", "HTTPServer", "ABc", "aB", "Name_2", "Ünïcode", ""] {
            assert!(!is_plain_pascal(name), "{name}");
        }
    }

    proptest::proptest! {
        #[test]
        fn plain_pascal_names_are_left_as_heck_would_leave_them(name in "[A-Za-z0-9]{1,10}") {
            if is_plain_pascal(&name) {
                proptest::prop_assert_eq!(heck::ToUpperCamelCase::to_upper_camel_case(name.as_str()), name);
            }
        }

        #[test]
        fn pointer_tokens_escape_and_unescape(token in "[a-z~/{}]{0,8}") {
            let escaped = crate::diagnostics::pointer_token(&token);
            proptest::prop_assert!(!escaped.contains('/'));
            proptest::prop_assert_eq!(crate::diagnostics::unescape_token(&escaped), token);
        }
    }

    #[test]
    fn snake_names() {
        assert_eq!(snake_ident("firstName"), "first_name");
        assert_eq!(snake_ident("X-Api-Key"), "x_api_key");
        assert_eq!(snake_ident("2fa"), "n_2fa");
        assert_eq!(snake_ident("self"), "self_");
        assert_eq!(snake_ident("@type"), "type");
        assert!(needs_raw("type"));
        assert_eq!(snake_ident("héllo"), "h_llo");
    }

    #[test]
    fn pascal_names() {
        assert_eq!(pascal_ident("opted-in"), "OptedIn");
        assert_eq!(pascal_ident("1"), "V1");
        assert_eq!(type_ident("200Response"), "Type200response");
        assert_eq!(type_ident("Result"), "ResultModel");
        assert_eq!(type_ident("from"), "FromModel");
        assert_eq!(type_ident("TryFrom"), "TryFromModel");
        assert_eq!(pascal_ident(""), "Value");
    }

    /// The shortcut for lowercase ASCII names gives what heck gives.
    #[test]
    fn the_lowercase_shortcut_agrees_with_heck() {
        let alphabet = ['a', 'z', '0', '9', '_', '-', '.', ' ', '@', '/', 'q'];
        // Every string of up to 4 characters over the alphabet.
        let mut names = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = names
                .iter()
                .filter(|n| n.len() == names.last().map_or(0, |l| l.len()))
                .flat_map(|n| alphabet.iter().map(move |c| format!("{n}{c}")))
                .collect();
            names.extend(longer);
        }
        names.extend(
            [
                "instance_id",
                "x-rate-limit",
                "a..b",
                "v1_2",
                "__x__",
                "9lives",
            ]
            .map(String::from),
        );
        for name in &names {
            assert!(lowercase_ascii_words(name).is_some());
            assert_eq!(to_snake(name), words(name).to_snake_case(), "{name:?}");
            assert_eq!(
                to_pascal(name),
                words(name).to_upper_camel_case(),
                "{name:?}"
            );
        }
        // Anything else goes to heck.
        assert!(lowercase_ascii_words("firstName").is_none());
        assert!(lowercase_ascii_words("héllo").is_none());
    }

    #[test]
    fn scope_suffixes() {
        let mut scope = NameScope::default();
        assert_eq!(scope.claim("Asc"), "Asc");
        assert_eq!(scope.claim("Asc"), "Asc2");
        assert_eq!(scope.claim("V1"), "V1");
        assert_eq!(scope.claim("V1"), "V1_2");
        assert_eq!(scope.claim("Self_"), "Self_");
        assert_eq!(scope.claim("Self_"), "Self2");
        assert_eq!(scope.claim("type_"), "type_");
        assert_eq!(scope.claim("type_"), "type_2");
    }

    #[test]
    fn numbers_skip_names_taken_otherwise_and_many_claimants_are_quick() {
        let mut scope = NameScope::default();
        scope.reserve("get_3");
        assert_eq!(scope.claim("get"), "get");
        assert_eq!(scope.claim("get"), "get_2");
        assert_eq!(scope.claim("get"), "get_4");
        assert_eq!(scope.claim("get_5"), "get_5");
        assert_eq!(scope.claim("get"), "get_6");
        // Fifty thousand operations all called `get` (hostile, or a spec
        // without operationIds): searching from 2 each time is quadratic,
        // over a billion lookups here.
        for n in 7..50_000 {
            assert_eq!(scope.claim("get"), format!("get_{n}"));
        }
    }
}
