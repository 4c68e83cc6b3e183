//! Spec descriptions → rustdoc attributes.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// `#[doc]` lines for a description, made safe for rustdoc: fenced blocks
/// become `text` blocks and indentation is dropped, so that no example in a
/// vendor's prose is compiled as a doctest.
pub fn doc_attrs<'s>(parts: impl IntoIterator<Item = Option<&'s str>>) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    for part in parts.into_iter().flatten() {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(String::new());
        }
        let mut in_fence = false;
        for line in part.lines() {
            let trimmed = line.trim_start();
            if let Some(rest) = trimmed.strip_prefix("```") {
                let _ = rest;
                lines.push(if in_fence {
                    "```".to_string()
                } else {
                    "```text".to_string()
                });
                in_fence = !in_fence;
            } else if in_fence {
                lines.push(line.trim_end().to_string());
            } else {
                lines.push(trimmed.trim_end().to_string());
            }
        }
        if in_fence {
            lines.push("```".to_string());
        }
    }
    let attrs = lines.iter().map(|line| {
        let text = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        let text = string_literal(&text);
        quote!(#[doc = #text])
    });
    quote!(#(#attrs)*)
}

/// A string literal token, as `Literal::string` makes it. Text that needs
/// no escape (printable ASCII but `"` and `\`, as most prose is) is
/// lexed as it stands, several times faster than escaping it character by
/// character, which counts for the many lines of documentation.
pub fn string_literal(text: &str) -> Literal {
    let plain = text
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\');
    if plain {
        if let Ok(literal) = format!("\"{text}\"").parse::<Literal>() {
            return literal;
        }
    }
    Literal::string(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_are_those_of_the_escaping_constructor() {
        for text in [
            "",
            " plain prose, with `code` and {braces} and 'quotes'",
            "a \"quote\" and a \\ backslash",
            "tab\tand newline\n",
            "unicode \u{2013} dash and \u{301} combining",
            "nul \0 and del \u{7f}",
        ] {
            assert_eq!(
                string_literal(text).to_string(),
                Literal::string(text).to_string(),
                "{text:?}"
            );
        }
    }
}
