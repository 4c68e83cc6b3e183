//! Operations → the `Client` and its async methods, plus the per-operation
//! success and error enums.

use std::collections::BTreeSet;

use proc_macro2::{Delimiter, Group, Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs::doc_attrs;
use super::validate::checks_for;
use super::{ident, is_copy, rust_type, type_ident};
use crate::ir::{
    Api, MediaKind, Method, Operation, Param, ParamLocation, QueryStyle, Response, SecurityKind,
    SecurityScheme, StatusMatch, TypeRef,
};

/// The methods of the operations in `range`, in an `impl Client` block.
/// The slice that starts at 0 also has the `Client` type, its constructors
/// and setters; the other slices' blocks are continued into it as text
/// (`format::join_impl_parts`), so the file has one `impl Client`.
pub fn emit_client(api: &Api, range: std::ops::Range<usize>) -> TokenStream {
    let validated = &api.usage.validated;
    let first = range.start == 0;
    let methods = api.operations[range]
        .iter()
        .map(|op| operation_method(api, op, validated));
    if !first {
        let mut body = TokenStream::new();
        body.extend(methods);
        if body.is_empty() {
            return body;
        }
        let body = Group::new(Delimiter::Brace, body);
        return quote! {
            #[allow(clippy::result_large_err)]
            impl Client #body
        };
    }
    // Constants only for schemes some operation uses (the setters exist
    // for every scheme, so credentials can be set either way).
    let used = |scheme: &&SecurityScheme| {
        api.operations.iter().any(|op| {
            op.security
                .iter()
                .flatten()
                .any(|name| *name == scheme.name)
        })
    };
    let scheme_consts = api.security_schemes.iter().filter(used).map(scheme_const);
    let setters = api.security_schemes.iter().map(credential_setter);

    let title = format!(" Client for {} (API version {}).", api.title, api.version);
    let description = doc_attrs([api.description.as_deref()]);
    let (default_url, constructors) = match api.servers.first() {
        Some(url) => {
            let url_doc = format!(" The first server the spec lists: `{url}`.");
            (
                quote! {
                    #[doc = #url_doc]
                    pub const DEFAULT_BASE_URL: &'static str = #url;
                },
                quote! {
                    /// A client for [`Self::DEFAULT_BASE_URL`].
                    pub fn new() -> Self {
                        Self::with_base_url(Self::DEFAULT_BASE_URL)
                    }
                },
            )
        }
        None => (quote!(), quote!()),
    };
    let default_impl = if api.servers.is_empty() {
        quote!()
    } else {
        quote! {
            impl Default for Client {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    };
    let description = if api
        .description
        .as_deref()
        .is_some_and(|d| !d.trim().is_empty())
    {
        quote!(#[doc = ""] #description)
    } else {
        quote!()
    };
    // The methods are moved into the `impl` block's group, not
    // interpolated: `quote!` would copy every one of them.
    let mut body = quote! {
        #default_url
        #constructors

        /// A client for another base URL (a test server, a region, a proxy).
        pub fn with_base_url(base_url: impl Into<String>) -> Self {
            Self { core: runtime::ClientCore::new(base_url) }
        }

        /// Sends requests through this `reqwest::Client` (proxies, TLS, pools).
        pub fn with_http_client(mut self, http: reqwest::Client) -> Self {
            self.core.set_http_client(http);
            self
        }

        /// Gives up on an attempt after this long.
        pub fn with_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.core.set_timeout(Some(timeout));
            self
        }

        /// Replaces the retry policy (see [`runtime::RetryPolicy`]).
        pub fn with_retry_policy(mut self, retry: runtime::RetryPolicy) -> Self {
            self.core.set_retry_policy(retry);
            self
        }

        /// The base URL requests go to.
        pub fn base_url(&self) -> &str {
            self.core.base_url()
        }
    };
    body.extend(setters);
    body.extend(methods);
    let body = Group::new(Delimiter::Brace, body);
    quote! {
        #[doc = #title]
        #description
        #[derive(Clone, Debug)]
        pub struct Client {
            core: runtime::ClientCore,
        }

        #default_impl

        #(#scheme_consts)*

        // Errors keep the response's status, headers and body, which makes
        // them larger than clippy likes; boxing would cost every caller.
        #[allow(clippy::result_large_err)]
        impl Client #body
    }
}

/// The error enums (shared ones first), success enums and option structs
/// of the operations.
pub fn emit_operation_types(api: &Api) -> TokenStream {
    let mut out = TokenStream::new();
    out.extend(shared_error_enums(api));
    out.extend(api.operations.iter().map(operation_enums));
    out
}

fn scheme_const_ident(scheme: &SecurityScheme) -> proc_macro2::Ident {
    format_ident!(
        "{}_SCHEME",
        heck::ToShoutySnakeCase::to_shouty_snake_case(scheme.rust_name.as_str())
    )
}

fn scheme_const(scheme: &SecurityScheme) -> TokenStream {
    let const_name = scheme_const_ident(scheme);
    let name = &scheme.name;
    let kind = match &scheme.kind {
        SecurityKind::Bearer => quote!(runtime::SchemeKind::Bearer),
        SecurityKind::Basic => quote!(runtime::SchemeKind::Basic),
        SecurityKind::ApiKey { location, name } => {
            let location = match location {
                ParamLocation::Query => quote!(runtime::ApiKeyLocation::Query),
                ParamLocation::Cookie => quote!(runtime::ApiKeyLocation::Cookie),
                ParamLocation::Header | ParamLocation::Path => {
                    quote!(runtime::ApiKeyLocation::Header)
                }
            };
            quote!(runtime::SchemeKind::ApiKey { location: #location, name: #name })
        }
    };
    let doc = format!(" The `{name}` security scheme.");
    quote! {
        #[doc = #doc]
        const #const_name: runtime::SecurityScheme = runtime::SecurityScheme { name: #name, kind: #kind };
    }
}

fn credential_setter(scheme: &SecurityScheme) -> TokenStream {
    let setter = format_ident!("with_{}", scheme.rust_name);
    let name = &scheme.name;
    let (what, params, credential) = match &scheme.kind {
        SecurityKind::Bearer => (
            "a bearer token, sent as `Authorization: Bearer <token>`".to_string(),
            quote!(token: impl Into<runtime::Secret>),
            quote!(runtime::Credential::Bearer(token.into())),
        ),
        SecurityKind::Basic => (
            "HTTP basic credentials".to_string(),
            quote!(username: impl Into<String>, password: impl Into<runtime::Secret>),
            quote!(runtime::Credential::Basic {
                username: username.into(),
                password: password.into()
            }),
        ),
        SecurityKind::ApiKey {
            location,
            name: key_name,
        } => (
            format!(
                "an API key, sent in the `{key_name}` {}",
                match location {
                    ParamLocation::Query => "query parameter",
                    ParamLocation::Cookie => "cookie",
                    _ => "header",
                }
            ),
            quote!(key: impl Into<runtime::Secret>),
            quote!(runtime::Credential::ApiKey(key.into())),
        ),
    };
    let summary = format!(" Sets the `{name}` credential: {what}.");
    let doc = doc_attrs([scheme.doc.as_deref()]);
    quote! {
        #[doc = #summary]
        #[doc = ""]
        #doc
        pub fn #setter(mut self, #params) -> Self {
            self.core.set_credential(#name, #credential);
            self
        }
    }
}

/// The argument type of a parameter.
fn param_arg_type(ty: &TypeRef, required: bool) -> TokenStream {
    let inner = match ty {
        TypeRef::String => quote!(&str),
        ty if is_copy(ty) => rust_type(ty),
        TypeRef::Named(_) => {
            let t = rust_type(ty);
            quote!(&#t)
        }
        TypeRef::Array(item) => {
            let item = rust_type(item);
            quote!(&[#item])
        }
        ty => {
            let t = rust_type(ty);
            quote!(&#t)
        }
    };
    if required {
        inner
    } else {
        quote!(Option<#inner>)
    }
}

fn success_type(op: &Operation) -> TokenStream {
    match &op.success_type {
        Some(name) => {
            let name = type_ident(name);
            quote!(#name)
        }
        None => op
            .responses
            .iter()
            .find(|r| r.status.is_success())
            .map(|r| rust_type(&r.ty))
            .unwrap_or(quote!(())),
    }
}

fn has_errors(op: &Operation) -> bool {
    op.responses.iter().any(|r| !r.status.is_success())
}

fn error_type(op: &Operation) -> TokenStream {
    if has_errors(op) {
        let name = type_ident(&op.error_type);
        quote!(#name)
    } else {
        quote!(std::convert::Infallible)
    }
}

fn operation_method(api: &Api, op: &Operation, validated: &BTreeSet<String>) -> TokenStream {
    let method_name = ident(&op.rust_name);
    let route = format!("`{} {}`", op.method.as_str(), op.path);
    let doc = doc_attrs([
        op.summary.as_deref(),
        op.description.as_deref(),
        Some(route.as_str()),
    ]);
    let deprecated = if op.deprecated {
        quote!(#[deprecated])
    } else {
        quote!()
    };

    // Required parameters first, in spec order, then the body, then the
    // optional ones, so that calls read in order of importance.
    let mut ordered: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    ordered.extend(op.params.iter().filter(|p| !p.required));
    let mut args: Vec<TokenStream> = Vec::new();
    let mut arg_docs: Vec<String> = Vec::new();
    for param in ordered.iter().filter(|p| p.required) {
        let name = ident(&param.rust_name);
        let ty = param_arg_type(&param.ty, true);
        args.push(quote!(#name: #ty));
        arg_docs.push(param_doc(param));
    }
    if let Some(body) = &op.body {
        let ty = match &body.ty {
            TypeRef::Bytes => quote!(runtime::Bytes),
            TypeRef::String => quote!(&str),
            other => {
                let t = rust_type(other);
                quote!(&#t)
            }
        };
        let ty = if body.required {
            ty
        } else {
            quote!(Option<#ty>)
        };
        args.push(quote!(body: #ty));
        arg_docs.push(format!(
            "- `body`: {}",
            body.doc.as_deref().unwrap_or("the request body").trim()
        ));
    }
    // Optional parameters: positional `Option`s, or one options struct
    // whose fields are bound to the same local names.
    let mut option_bindings = Vec::new();
    match &op.options_type {
        Some(options) => {
            let options = type_ident(options);
            args.push(quote!(options: &#options));
            arg_docs.push(format!(
                "- `options`: the optional parameters, see [`{options}`]"
            ));
            for param in ordered.iter().filter(|p| !p.required) {
                let name = ident(&param.rust_name);
                let ty = param_arg_type(&param.ty, false);
                let access = match &param.ty {
                    TypeRef::String | TypeRef::Array(_) => quote!(options.#name.as_deref()),
                    ty if is_copy(ty) => quote!(options.#name),
                    _ => quote!(options.#name.as_ref()),
                };
                option_bindings.push(quote!(let #name: #ty = #access;));
            }
        }
        None => {
            for param in ordered.iter().filter(|p| !p.required) {
                let name = ident(&param.rust_name);
                let ty = param_arg_type(&param.ty, false);
                args.push(quote!(#name: #ty));
                arg_docs.push(param_doc(param));
            }
        }
    }
    // The argument list is its own paragraph, after a blank doc line.
    let arg_doc = if arg_docs.is_empty() {
        TokenStream::new()
    } else {
        let text = format!("Arguments:\n{}", arg_docs.join("\n"));
        let list = doc_attrs([Some(text.as_str())]);
        quote!(#[doc = ""] #list)
    };

    let validation = param_validation(op, validated);
    let validation = quote!(#(#option_bindings)* #validation);
    let path = path_expression(op);
    let query = query_statements(op);
    let headers = header_statements(op);
    let body = body_expression(api, op, validated);
    let operation_id = &op.id;
    let http_method = method_tokens(op.method);
    let security = security_tokens(api, op);
    let accept = accept_header(op);
    let success = success_type(op);
    let error = error_type(op);
    let arms = response_arms(op);
    let validate_body = body.0;
    let body_value = body.1;
    // Only what differs from `Request::new`'s empty defaults is spelled out.
    let (query_setup, query_field) = query;
    let (header_setup, header_field) = headers;
    let mut fields = Vec::new();
    fields.extend(query_field);
    fields.extend(header_field);
    if op.body.is_some() {
        fields.push(quote!(body: #body_value,));
    }
    if !op.security.is_empty() {
        fields.push(quote!(security: #security,));
    }
    if let Some(accept) = accept {
        fields.push(quote!(accept: Some(#accept),));
    }

    quote! {
        #doc
        #arg_doc
        #deprecated
        pub async fn #method_name(&self, #(#args),*) -> Result<#success, runtime::Error<#error>> {
            #validation
            #validate_body
            #query_setup
            #header_setup
            let request = runtime::Request {
                #(#fields)*
                ..runtime::Request::new(#operation_id, #http_method, #path)
            };
            let response = self.core.execute(request).await?;
            match response.status.as_u16() {
                #arms
            }
        }
    }
}

fn param_doc(param: &Param) -> String {
    let description = param
        .doc
        .as_deref()
        .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "));
    let location = match param.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    };
    match description {
        Some(d) if !d.is_empty() => format!(
            "- `{}` ({location} `{}`): {d}",
            param.rust_name, param.wire_name
        ),
        _ => format!("- `{}` ({location} `{}`)", param.rust_name, param.wire_name),
    }
}

fn method_tokens(method: Method) -> TokenStream {
    let name = format_ident!("{}", method.as_str());
    quote!(runtime::Method::#name)
}

/// Constraint checks of the parameters.
fn param_validation(op: &Operation, validated: &BTreeSet<String>) -> TokenStream {
    let checks = op.params.iter().map(|param| {
        let name = ident(&param.rust_name);
        let wire = &param.wire_name;
        let inner = checks_for(
            &param.ty,
            &param.constraints,
            quote!(value),
            &quote!(#wire),
            validated,
        );
        if inner.is_empty() {
            return quote!();
        }
        let value = if is_copy(&param.ty) {
            quote!(&#name)
        } else {
            quote!(#name)
        };
        if param.required {
            quote! { { let value = #value; #inner } }
        } else {
            quote! { if let Some(value) = &#name { #inner } }
        }
    });
    quote!(#(#checks)*)
}

/// A value as text for a path segment or a header.
fn text_of(param: &Param) -> TokenStream {
    let name = ident(&param.rust_name);
    match &param.ty {
        TypeRef::String => quote!(#name),
        TypeRef::Integer(_) | TypeRef::Float(_) | TypeRef::Boolean | TypeRef::Uuid => {
            quote!(&#name.to_string())
        }
        // Enums, unions, dates and arrays: their serde form is the wire text.
        _ => quote!(&runtime::param_text(&#name)?),
    }
}

/// The path, with each parameter percent-encoded as one segment.
fn path_expression(op: &Operation) -> TokenStream {
    let mut pieces: Vec<TokenStream> = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let literal = &rest[..start];
        if !literal.is_empty() {
            pieces.push(quote!(#literal));
        }
        let name = &rest[start + 1..start + len];
        if let Some(param) = op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.wire_name == name)
        {
            let ident = ident(&param.rust_name);
            let value = match &param.ty {
                TypeRef::String
                | TypeRef::Integer(_)
                | TypeRef::Float(_)
                | TypeRef::Boolean
                | TypeRef::Uuid => quote!(&#ident),
                _ => quote!(&runtime::param_text(&#ident)?),
            };
            pieces.push(quote!(&runtime::path_segment(#name, #value)?));
        }
        rest = &rest[start + len + 1..];
    }
    if !rest.is_empty() {
        pieces.push(quote!(#rest));
    }
    match pieces.as_slice() {
        [] => quote!(""),
        [only] => quote!(#only),
        _ => quote!([#(#pieces),*].concat()),
    }
}

/// Statements filling `query`, and the `query` field (both empty when the
/// operation has no query parameter). `None`s serialize to nothing.
fn query_statements(op: &Operation) -> (TokenStream, Option<TokenStream>) {
    let pushes: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .map(|param| {
            let name = ident(&param.rust_name);
            let wire = &param.wire_name;
            let value = if is_copy(&param.ty) || !param.required {
                quote!(&#name)
            } else {
                quote!(#name)
            };
            if param.style == QueryStyle::Form && param.explode {
                return quote!(runtime::push_form(&mut query, #wire, #value)?;);
            }
            let style = match param.style {
                QueryStyle::Form => quote!(runtime::QueryStyle::Form),
                QueryStyle::SpaceDelimited => quote!(runtime::QueryStyle::SpaceDelimited),
                QueryStyle::PipeDelimited => quote!(runtime::QueryStyle::PipeDelimited),
                QueryStyle::DeepObject => quote!(runtime::QueryStyle::DeepObject),
            };
            let explode = param.explode;
            quote!(runtime::push_query(&mut query, #wire, #value, #style, #explode)?;)
        })
        .collect();
    if pushes.is_empty() {
        return (quote!(), None);
    }
    (
        quote! {
            let mut query = Vec::new();
            #(#pushes)*
        },
        Some(quote!(query,)),
    )
}

/// Statements filling `headers`, and the `headers` field.
fn header_statements(op: &Operation) -> (TokenStream, Option<TokenStream>) {
    let inserts: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| matches!(p.location, ParamLocation::Header | ParamLocation::Cookie))
        .map(|param| {
            let name = ident(&param.rust_name);
            let wire = &param.wire_name;
            let text = text_of(param);
            let insert = if param.location == ParamLocation::Header {
                let lower = wire.to_ascii_lowercase();
                quote!(headers.insert(#lower, runtime::header_value(#wire, #text)?);)
            } else {
                quote!(headers.append("cookie", runtime::header_value(#wire, &format!("{}={}", #wire, #text))?);)
            };
            if param.required {
                insert
            } else {
                quote!(if let Some(#name) = #name { #insert })
            }
        })
        .collect();
    if inserts.is_empty() {
        return (quote!(), None);
    }
    (
        quote! {
            let mut headers = runtime::HeaderMap::new();
            #(#inserts)*
        },
        Some(quote!(headers,)),
    )
}

/// The body's validation statement and the `Option<runtime::Body>` value.
fn body_expression(
    api: &Api,
    op: &Operation,
    validated: &BTreeSet<String>,
) -> (TokenStream, TokenStream) {
    let Some(body) = &op.body else {
        return (quote!(), quote!(None));
    };
    let validate = match &body.ty {
        ty @ TypeRef::Named(_)
            if checks_for(
                ty,
                &Default::default(),
                quote!(body),
                &quote!("body"),
                validated,
            )
            .is_empty() =>
        {
            quote!()
        }
        TypeRef::Named(_) | TypeRef::Array(_) | TypeRef::Map(_) => {
            if checks_for(
                &body.ty,
                &Default::default(),
                quote!(body),
                &quote!("body"),
                validated,
            )
            .is_empty()
            {
                quote!()
            } else if body.required {
                quote!(runtime::Validate::validate(body, "body")?;)
            } else {
                quote!(if let Some(body) = body {
                    runtime::Validate::validate(body, "body")?;
                })
            }
        }
        _ => quote!(),
    };
    let encode = match &body.media {
        MediaKind::Json => quote!(runtime::Body::json(body)?),
        MediaKind::Form => quote!(runtime::Body::form(body)?),
        MediaKind::Multipart => match multipart_parts(api, &body.ty) {
            Some(parts) => parts,
            None => quote!(runtime::Body::multipart(body)?),
        },
        MediaKind::Text(content_type) => match body.ty {
            TypeRef::String => {
                quote!(runtime::Body::Text { content: body.to_string(), content_type: #content_type })
            }
            _ => {
                quote!(runtime::Body::Text { content: runtime::param_text(body)?, content_type: #content_type })
            }
        },
        MediaKind::Binary(content_type) => match body.ty {
            TypeRef::Bytes => {
                quote!(runtime::Body::Binary { content: body, content_type: #content_type })
            }
            _ => {
                quote!(runtime::Body::Binary { content: runtime::Bytes::from(serde_json::to_vec(body).map_err(|e| runtime::Error::Encode(e.to_string()))?), content_type: #content_type })
            }
        },
    };
    let fallible = match &body.media {
        MediaKind::Text(_) => body.ty != TypeRef::String,
        MediaKind::Binary(_) => body.ty != TypeRef::Bytes,
        MediaKind::Json | MediaKind::Form | MediaKind::Multipart => true,
    };
    let value = if body.required {
        quote!(Some(#encode))
    } else if fallible {
        quote!(match body { Some(body) => Some(#encode), None => None })
    } else {
        quote!(body.map(|body| #encode))
    };

    (validate, value)
}

/// A multipart body built field by field from its struct, so that binary
/// fields go out as file parts and the rest as text parts.
fn multipart_parts(api: &Api, ty: &TypeRef) -> Option<TokenStream> {
    let TypeRef::Named(name) = ty else {
        return None;
    };
    let def = api.types.iter().find(|t| &t.name == name)?;
    let crate::ir::TypeKind::Struct(s) = &def.kind else {
        return None;
    };
    let pushes = s.fields.iter().map(|field| {
        let member = ident(&field.rust_name);
        let wire = &field.wire_name;
        let part = match &field.ty {
            TypeRef::Bytes => quote! {
                parts.push(runtime::MultipartPart { name: #wire.to_string(), content: value.clone(), file_name: Some(#wire.to_string()), content_type: Some("application/octet-stream".to_string()) });
            },
            TypeRef::String => quote! {
                parts.push(runtime::MultipartPart { name: #wire.to_string(), content: runtime::Bytes::from(value.clone()), file_name: None, content_type: None });
            },
            _ => quote! {
                parts.push(runtime::MultipartPart { name: #wire.to_string(), content: runtime::Bytes::from(runtime::param_text(value)?), file_name: None, content_type: None });
            },
        };
        match field.presence {
            crate::ir::Presence::Required => quote! { { let value = &body.#member; #part } },
            crate::ir::Presence::Optional | crate::ir::Presence::RequiredNullable => quote! { if let Some(value) = &body.#member { #part } },
            crate::ir::Presence::OptionalNullable => quote! { if let runtime::Nullable::Value(value) = &body.#member { #part } },
        }
    });
    Some(quote! {{
        let mut parts = Vec::new();
        #(#pushes)*
        runtime::Body::Multipart(parts)
    }})
}

fn security_tokens(api: &Api, op: &Operation) -> TokenStream {
    let alternatives = op.security.iter().map(|alternative| {
        let schemes = alternative.iter().filter_map(|name| {
            let scheme = api.security_schemes.iter().find(|s| &s.name == name)?;
            let c = scheme_const_ident(scheme);
            Some(quote!(&#c))
        });
        quote!(&[#(#schemes),*])
    });
    quote!(&[#(#alternatives),*])
}

fn accept_header(op: &Operation) -> Option<String> {
    let mut kinds: Vec<String> = Vec::new();
    for response in &op.responses {
        if response.ty == TypeRef::Unit {
            continue;
        }
        let media = match &response.media {
            MediaKind::Json => "application/json".to_string(),
            MediaKind::Text(t) | MediaKind::Binary(t) => t.clone(),
            MediaKind::Form => "application/x-www-form-urlencoded".to_string(),
            MediaKind::Multipart => "multipart/form-data".to_string(),
        };
        if !kinds.contains(&media) {
            kinds.push(media);
        }
    }
    (!kinds.is_empty()).then(|| kinds.join(", "))
}

/// Decodes a response body of one documented status.
fn decode(response: &Response) -> TokenStream {
    match (&response.ty, &response.media) {
        (TypeRef::Unit, _) => quote!(()),
        (TypeRef::Bytes, _) | (_, MediaKind::Binary(_)) if response.ty == TypeRef::Bytes => {
            quote!(response.bytes())
        }
        (TypeRef::String, MediaKind::Text(_)) => quote!(response.text()?),
        _ => quote!(response.json()?),
    }
}

fn status_pattern(status: StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote!(#code)
        }
        StatusMatch::Range(range) => {
            let low = Literal::u16_unsuffixed(range * 100);
            let high = Literal::u16_unsuffixed(range * 100 + 99);
            quote!(#low..=#high)
        }
        StatusMatch::Default => quote!(_),
    }
}

fn response_arms(op: &Operation) -> TokenStream {
    // Exact codes before ranges before `default`, as the spec requires.
    let mut responses: Vec<&Response> = op.responses.iter().collect();
    responses.sort_by_key(|r| match r.status {
        StatusMatch::Code(_) => 0,
        StatusMatch::Range(_) => 1,
        StatusMatch::Default => 2,
    });
    // The shared enum's own (shorter) name, where there is one: the same type.
    let error_name = type_ident(op.error_shared.as_deref().unwrap_or(&op.error_type));
    let mut arms = Vec::new();
    for response in responses
        .iter()
        .filter(|r| r.status != StatusMatch::Default)
    {
        let pattern = status_pattern(response.status);
        let value = decode(response);
        let variant = format_ident!("{}", response.variant);
        if response.status.is_success() {
            let value = match &op.success_type {
                Some(name) => {
                    let name = type_ident(name);
                    quote!(#name::#variant(#value))
                }
                None => value,
            };
            arms.push(quote!(#pattern => Ok(#value),));
        } else {
            arms.push(error_arm(&pattern, response, &error_name, &value));
        }
    }
    // With no documented success, any 2xx is one (with nothing to decode).
    if !op.responses.iter().any(|r| r.status.is_success()) {
        arms.push(quote!(200..=299 => Ok(()),));
    }
    match responses.iter().find(|r| r.status == StatusMatch::Default) {
        Some(default) => {
            let value = decode(default);
            arms.push(error_arm(&quote!(_), default, &error_name, &value));
        }
        None => arms.push(quote!(_ => Err(response.into_unexpected()),)),
    }
    quote!(#(#arms)*)
}

/// One arm mapping a documented error status to its variant.
fn error_arm(
    pattern: &TokenStream,
    response: &Response,
    error_name: &proc_macro2::Ident,
    value: &TokenStream,
) -> TokenStream {
    let variant = format_ident!("{}", response.variant);
    match (&response.ty, &response.media) {
        (TypeRef::Unit, _) => {
            quote!(#pattern => Err(response.into_api_error(#error_name::#variant(()))),)
        }
        // Decoding and wrapping in one call keeps the arm on one line.
        (_, MediaKind::Json | MediaKind::Form | MediaKind::Multipart) => {
            quote!(#pattern => Err(response.json_error(#error_name::#variant)),)
        }
        _ => quote! {
            #pattern => {
                let body = #value;
                Err(response.into_api_error(#error_name::#variant(body)))
            }
        },
    }
}

/// The success enum (several success bodies) and the error enum.
fn operation_enums(op: &Operation) -> TokenStream {
    let method = &op.rust_name;
    let success = op.success_type.as_ref().map(|name| {
        let name = type_ident(name);
        let variants = op
            .responses
            .iter()
            .filter(|r| r.status.is_success())
            .map(response_variant);
        let doc =
            format!(" Success bodies of [`Client::{method}`], one variant per documented status.");
        quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, PartialEq)]
            #[non_exhaustive]
            pub enum #name {
                #(#variants)*
            }
        }
    });
    let error = has_errors(op).then(|| {
        let name = type_ident(&op.error_type);
        if let Some(shared) = &op.error_shared {
            let shared = type_ident(shared);
            let doc =
                format!(" Error bodies of [`Client::{method}`] (the same as other operations').");
            return quote! {
                #[doc = #doc]
                pub type #name = #shared;
            };
        }
        let doc =
            format!(" Error bodies of [`Client::{method}`], one variant per documented status.");
        error_enum(op, &name, &doc)
    });
    let options = op.options_type.as_ref().map(|name| {
        let name = type_ident(name);
        let fields = op.params.iter().filter(|p| !p.required).map(|param| {
            let field = ident(&param.rust_name);
            let ty = rust_type(&param.ty);
            let text = param_doc(param);
            let doc = doc_attrs([Some(text.trim_start_matches("- "))]);
            quote! {
                #doc
                pub #field: Option<#ty>,
            }
        });
        let doc =
            format!(" Optional parameters of [`Client::{method}`]; `Default` leaves them all out.");
        quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, Default, PartialEq)]
            pub struct #name {
                #(#fields)*
            }
        }
    });
    quote!(#success #error #options)
}

fn error_enum(op: &Operation, name: &proc_macro2::Ident, doc: &str) -> TokenStream {
    let variants = op
        .responses
        .iter()
        .filter(|r| !r.status.is_success())
        .map(response_variant);
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// The error enums several operations share, each defined once.
fn shared_error_enums(api: &Api) -> Vec<TokenStream> {
    let mut seen = BTreeSet::new();
    let mut enums = Vec::new();
    for op in &api.operations {
        let Some(shared) = &op.error_shared else {
            continue;
        };
        if !seen.insert(shared.as_str()) {
            continue;
        }
        let users = api
            .operations
            .iter()
            .filter(|o| o.error_shared.as_ref() == Some(shared))
            .count();
        let doc = format!(
            " Error bodies of {users} operations with the same documented error responses (the first is [`Client::{}`]), one variant per status.",
            op.rust_name
        );
        enums.push(error_enum(op, &type_ident(shared), &doc));
    }
    enums
}

fn response_variant(response: &Response) -> TokenStream {
    let variant = format_ident!("{}", response.variant);
    let ty = rust_type(&response.ty);
    let status = match response.status {
        StatusMatch::Code(code) => code.to_string(),
        StatusMatch::Range(range) => format!("{range}XX"),
        StatusMatch::Default => "default".to_string(),
    };
    let doc = doc_attrs([Some(
        format!(
            "`{status}`: {}",
            response.doc.as_deref().unwrap_or("").trim()
        )
        .as_str(),
    )]);
    quote! {
        #doc
        #variant(#ty),
    }
}
