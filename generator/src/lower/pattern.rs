//! JSON Schema `pattern`s (ECMA-262 regexes) → the `regex` crate's syntax.
//!
//! The two differ where it matters for validation: in ECMA-262 `\d` and
//! `\w` are ASCII-only, in `regex` they are Unicode-aware; and `regex` has
//! no look-around or backreferences. Classes are rewritten to their ASCII
//! spelling; a pattern `regex` still cannot compile is reported and dropped.

/// The pattern in `regex` syntax, or why it cannot be checked.
pub fn to_rust_regex(pattern: &str) -> Result<String, String> {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(next) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let (outside, inside) = match next {
                    'd' => ("[0-9]", "0-9"),
                    'D' => ("[^0-9]", ""),
                    'w' => ("[A-Za-z0-9_]", "A-Za-z0-9_"),
                    'W' => ("[^A-Za-z0-9_]", ""),
                    _ => ("", ""),
                };
                let replacement = if in_class { inside } else { outside };
                if replacement.is_empty() {
                    out.push('\\');
                    out.push(next);
                } else {
                    out.push_str(replacement);
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    regex::Regex::new(&out).map(|_| out).map_err(|err| {
        let first_line = err.to_string().lines().last().unwrap_or_default().trim().to_string();
        format!("pattern `{pattern}` cannot be checked with the regex crate ({first_line}); it is not validated")
    })
}

#[cfg(test)]
mod tests {
    use super::to_rust_regex;

    #[test]
    fn classes_become_ascii() {
        assert_eq!(
            to_rust_regex(r"^\+[1-9]\d{1,14}$").unwrap(),
            r"^\+[1-9][0-9]{1,14}$"
        );
        assert_eq!(to_rust_regex(r"[\d\-]+").unwrap(), r"[0-9\-]+");
        assert_eq!(to_rust_regex(r"\w+\.\s").unwrap(), r"[A-Za-z0-9_]+\.\s");
        assert_eq!(to_rust_regex(r"\\d").unwrap(), r"\\d");
    }

    #[test]
    fn unsupported_features_are_reported() {
        assert!(to_rust_regex(r"^(?!abc).*$").is_err());
    }
}
