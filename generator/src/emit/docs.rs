//! Spec descriptions → rustdoc attributes.

use proc_macro2::TokenStream;
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
        quote!(#[doc = #text])
    });
    quote!(#(#attrs)*)
}
