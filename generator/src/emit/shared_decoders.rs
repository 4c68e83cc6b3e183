//! Decoders that operations share. Most operations of an API document the
//! same statuses with the same error enum and differ only in the type of
//! their success body; they share one decoder, generic over that type,
//! instead of each having a copy of it. In large APIs those copies were a
//! tenth of the module's items (and as much of the time to generate and
//! compile it).

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use heck::ToSnakeCase;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::Context;
use super::decode::{Read, arms, decoder_ident, error_arg, error_read, success_read};
use crate::features::User;
use crate::ir::{Api, ErrorRef, Operation, StatusMatch};

/// Which operations share which decoder.
#[derive(Debug, Default)]
pub struct SharedDecoders {
    /// Per operation: the decoder it shares, if any.
    of_operation: Vec<Option<usize>>,
    decoders: Vec<Shared>,
}

#[derive(Debug)]
struct Shared {
    name: String,
    /// Generic over the success body (JSON); otherwise the success is empty.
    generic: bool,
    /// The operations using it, by index; their decoders are the same.
    users: Vec<usize>,
}

impl SharedDecoders {
    /// Groups the operations whose decoders would differ only in the
    /// success body's type; a group of one keeps its own decoder.
    pub fn of(api: &Api) -> Self {
        let mut groups: Vec<(bool, Vec<usize>)> = Vec::new();
        let mut by_shape: HashMap<String, usize> = HashMap::new();
        for (index, op) in api.operations.iter().enumerate() {
            let Some((generic, shape)) = shape(op) else {
                continue;
            };
            let group = *by_shape.entry(shape).or_insert_with(|| {
                groups.push((generic, Vec::new()));
                groups.len() - 1
            });
            groups[group].1.push(index);
        }
        // The operations' own decoders keep their names.
        let mut taken: HashSet<String> = api
            .operations
            .iter()
            .map(|op| decoder_ident(op).to_string())
            .collect();
        let mut shared = SharedDecoders {
            of_operation: vec![None; api.operations.len()],
            decoders: Vec::new(),
        };
        for (generic, users) in groups.into_iter().filter(|(_, users)| users.len() > 1) {
            let base = name(api, &api.operations[users[0]], generic);
            let name = (1..)
                .map(|n| match n {
                    1 => base.clone(),
                    n => format!("{base}_{n}"),
                })
                .find(|candidate| taken.insert(candidate.clone()))
                .unwrap_or(base);
            for &user in &users {
                shared.of_operation[user] = Some(shared.decoders.len());
            }
            shared.decoders.push(Shared {
                name,
                generic,
                users,
            });
        }
        shared
    }

    /// Whether the operation uses a shared decoder (and so has none of
    /// its own).
    pub fn is_shared(&self, index: usize) -> bool {
        self.of_operation.get(index).is_some_and(Option::is_some)
    }

    /// The decoder the operation's calls use.
    pub fn decoder(&self, index: usize, op: &Operation) -> Ident {
        match self.of_operation.get(index).copied().flatten() {
            Some(shared) => format_ident!("{}", self.decoders[shared].name),
            None => decoder_ident(op),
        }
    }
}

/// Whether the operation's decoder can be shared (generic over a JSON
/// success body, or with an empty one), and a key that is equal for two
/// operations exactly when their decoders are the same but for that type.
fn shape(op: &Operation) -> Option<(bool, String)> {
    if op.success_type.is_some() || matches!(op.error, Some(ErrorRef::Own(_))) {
        return None;
    }
    let mut successes = op.successes();
    let success = successes.next();
    if successes.next().is_some() {
        return None;
    }
    let generic = match success.map(success_read) {
        None | Some(Read::Empty) => false,
        Some(Read::Json) => true,
        Some(_) => return None,
    };
    let mut key = format!("{:?} {generic} {:?}", success.map(|r| r.status), op.error);
    for error in op.errors() {
        let _ = write!(
            key,
            " {:?} {} {:?} {}",
            error.status,
            error.variant,
            error_read(error),
            error.boxed
        );
    }
    Some((generic, key))
}

/// `decode_json_200_or_api_error`: what the success is, and the error enum.
fn name(api: &Api, op: &Operation, generic: bool) -> String {
    let success = match op.successes().next() {
        None => "empty_2xx".to_string(),
        Some(response) => {
            let status = match response.status {
                StatusMatch::Code(code) => code.to_string(),
                StatusMatch::Range(range) => format!("{range}xx"),
                StatusMatch::Default => "default".to_string(),
            };
            let body = if generic { "json" } else { "empty" };
            format!("{body}_{status}")
        }
    };
    match &op.error {
        Some(ErrorRef::Shared(index)) => format!(
            "decode_{success}_or_{}",
            api.error_enums[*index].name.to_snake_case()
        ),
        _ => format!("decode_{success}"),
    }
}

/// The shared decoders, each on when one of its operations is.
pub fn emit_shared_decoders(cx: &Context<'_>) -> TokenStream {
    let mut out = TokenStream::new();
    for shared in &cx.decoders.decoders {
        let model = &cx.api.operations[shared.users[0]];
        let name = format_ident!("{}", shared.name);
        let error = error_arg(cx, model);
        let arms = arms(cx, model);
        let gate = cx
            .gates
            .used_by(shared.users.iter().map(|&index| User::Operation(index)));
        let doc = users_doc(cx, &shared.users);
        let (generics, success) = match shared.generic {
            true => (quote!(<T: runtime::serde::de::DeserializeOwned>), quote!(T)),
            false => (TokenStream::new(), quote!(())),
        };
        out.extend(quote! {
            #gate
            #[doc = #doc]
            #[inline]
            fn #name #generics(response: runtime::RawResponse) -> runtime::Decoded<#success #error> {
                match response.status_code() {
                    #arms
                }
            }
        });
    }
    out
}

fn users_doc(cx: &Context<'_>, users: &[usize]) -> String {
    let listed: Vec<String> = users
        .iter()
        .take(3)
        .map(|&index| format!("[`Client::{}`]", cx.api.operations[index].rust_name))
        .collect();
    let more = match users.len() {
        n if n > 3 => format!(" and {} more", n - 3),
        _ => String::new(),
    };
    format!(
        " The decoder of the {} operations that document these statuses ({}{more}).",
        users.len(),
        listed.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use crate::pipeline::{ModuleOptions, generate_from_bytes};

    fn module(spec: &str) -> String {
        let path = std::path::Path::new("shared.json");
        generate_from_bytes(path, spec.as_bytes(), &ModuleOptions::default())
            .unwrap()
            .source
    }

    fn op(id: &str, status: &str, body: &str) -> String {
        let content = match body {
            "" => String::new(),
            schema => format!(r#","content":{{"application/json":{{"schema":{schema}}}}}"#),
        };
        format!(
            r#""get":{{"operationId":"{id}","responses":{{"{status}":{{"description":"ok"{content}}}}}}}"#
        )
    }

    #[test]
    fn decoders_that_differ_only_in_the_success_type_are_one_generic_decoder() {
        let spec = format!(
            r#"{{"openapi":"3.0.3","info":{{"title":"t","version":"1"}},"paths":{{
                "/a":{{{}}}, "/b":{{{}}}, "/c":{{{}}}, "/d":{{{}}}, "/e":{{{}}}, "/f":{{{}}}}}}}"#,
            op(
                "list_names",
                "200",
                r#"{"type":"array","items":{"type":"string"}}"#
            ),
            op("count", "200", r#"{"type":"integer"}"#),
            // Its own decoder's name is what the shared one would be called.
            op("json_200", "201", r#"{"type":"string"}"#),
            op("created", "201", r#"{"type":"boolean"}"#),
            op("ping", "204", ""),
            op("pong", "204", ""),
        );
        let source = module(&spec);
        let has = |text: &str| source.contains(text);
        // 200 with JSON: one decoder, generic, named apart from `decode_json_200`.
        assert!(has(
            "fn decode_json_200_2<T: runtime::serde::de::DeserializeOwned>("
        ));
        assert!(has("self.request(), decode_json_200_2)"));
        assert!(!has("fn decode_list_names(") && !has("fn decode_count("));
        // 201 with JSON: shared too (the operation `json_200` among its users).
        assert!(has("fn decode_json_201<T"));
        assert!(!has("fn decode_json_200("));
        // Empty successes: one decoder, not generic.
        assert!(has("fn decode_empty_204(") && !has("fn decode_empty_204<"));
        assert!(!has("fn decode_ping(") && !has("fn decode_pong("));
    }

    #[test]
    fn an_operation_alone_in_its_shape_keeps_its_own_decoder() {
        let spec = format!(
            r#"{{"openapi":"3.0.3","info":{{"title":"t","version":"1"}},"paths":{{
                "/a":{{{}}}, "/b":{{{}}}}}}}"#,
            op("list_names", "200", r#"{"type":"string"}"#),
            op("count", "202", r#"{"type":"integer"}"#),
        );
        let source = module(&spec);
        assert!(source.contains("fn decode_list_names("), "{source}");
        assert!(source.contains("fn decode_count("));
        assert!(!source.contains("decode_json_"));
    }
}
