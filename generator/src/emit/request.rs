//! A request builder's `request`: checks the values, then fills a
//! `runtime::Request` with the path, query, headers, cookies and body.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use proc_macro2::TokenStream;
use quote::quote;

use super::builders::operation_static;
use super::rust_types::holds_bytes;
use super::validate::{checks_for, refers_to_validated};
use super::{Context, ident};
use crate::ir::{
    FormField, MediaKind, MultipartField, Operation, Param, ParamLocation, ParamStyle,
    PartEncoding, PathPart, Presence, TypeRef,
};

/// What a path literal keeps as it is: RFC 3986 `pchar`s and `/`.
const NOT_PATH_SAFE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'^')
    .add(b'|')
    .add(b'\\')
    .add(b'[')
    .add(b']');

pub fn request_fn(cx: &Context<'_>, op: &Operation, next_url: bool) -> TokenStream {
    let checks = param_checks(cx, op);
    let body_check = op
        .body
        .as_ref()
        .filter(|b| refers_to_validated(cx, &b.ty))
        .map(|_| quote!(runtime::Validate::validate(&self.body, "body")?;));
    let path = path_expression(cx, op);
    let operation = operation_static(op);
    let mut fills: Vec<TokenStream> = op
        .params
        .iter()
        .filter_map(|param| param_fill(cx, param))
        .collect();
    if let Some(body) = body_fill(op) {
        fills.push(body);
    }
    let binding = if fills.is_empty() && !next_url {
        quote!(let request)
    } else {
        quote!(let mut request)
    };
    let next = next_url.then(|| {
        quote! {
            if let Some(url) = self.next_url {
                request.url = Some(url);
            }
        }
    });
    quote! {
        #[inline]
        fn request(self) -> Result<runtime::Request, runtime::Error> {
            #(#checks)*
            #body_check
            #binding = runtime::Request::new(&#operation, #path);
            #(#fills)*
            #next
            Ok(request)
        }
    }
}

/// The constraint checks of the parameters.
fn param_checks(cx: &Context<'_>, op: &Operation) -> Vec<TokenStream> {
    op.params
        .iter()
        .filter_map(|param| {
            let name = ident(&param.rust_name);
            let wire = &param.wire_name;
            // Only the type's own checks: the runtime's impl for `Option`
            // looks inside.
            if param.constraints.is_empty() && refers_to_validated(cx, &param.ty) {
                return Some(quote!(runtime::Validate::validate(&self.#name, #wire)?;));
            }
            let inner = checks_for(
                cx,
                &param.ty,
                &param.constraints,
                quote!(value),
                &quote!(#wire),
            );
            if inner.is_empty() {
                return None;
            }
            Some(if param.required {
                quote! { { let value = &self.#name; #inner } }
            } else {
                quote! { if let Some(value) = &self.#name { #inner } }
            })
        })
        .collect()
}

/// The path, each parameter expanded per its style and percent-encoded.
fn path_expression(cx: &Context<'_>, op: &Operation) -> TokenStream {
    let pieces: Vec<TokenStream> = op
        .path
        .iter()
        .map(|part| match part {
            PathPart::Literal(text) => {
                let text = utf8_percent_encode(text, NOT_PATH_SAFE).to_string();
                quote!(#text)
            }
            PathPart::Param(name) => {
                let param = op
                    .params
                    .iter()
                    .find(|p| p.location == ParamLocation::Path && p.wire_name == *name);
                match param {
                    Some(param) => {
                        let style = match param.style {
                            ParamStyle::Label => quote!(runtime::PathStyle::Label),
                            ParamStyle::Matrix => quote!(runtime::PathStyle::Matrix),
                            _ => quote!(runtime::PathStyle::Simple),
                        };
                        let explode = param.explode;
                        let value = param_value(cx, param);
                        if param.style == ParamStyle::Simple && !explode {
                            // The default style, the common case.
                            quote!(&runtime::path_segment(#name, #value)?)
                        } else {
                            quote!(&runtime::path_param(#name, #value, #style, #explode)?)
                        }
                    }
                    // Lowering declares every placeholder.
                    None => quote!(""),
                }
            }
        })
        .collect();
    match pieces.as_slice() {
        [] => quote!(""),
        [only] => quote!(#only),
        _ => quote!([#(#pieces),*].concat()),
    }
}

/// A reference to the parameter's value as the runtime encodes it: the
/// field (bytes as the text they are), or for a JSON-content parameter its
/// JSON text.
fn param_value(cx: &Context<'_>, param: &Param) -> TokenStream {
    let field = ident(&param.rust_name);
    let value = match holds_bytes(cx.api, &param.ty) {
        true => quote!(&runtime::BinaryAsText(&self.#field)),
        false => quote!(&self.#field),
    };
    match param.style {
        ParamStyle::Json => quote!(&runtime::json_text(#value)?),
        _ => value,
    }
}

/// The statement that adds one query, header or cookie parameter.
fn param_fill(cx: &Context<'_>, param: &Param) -> Option<TokenStream> {
    let wire = &param.wire_name;
    let explode = param.explode;
    let value = param_value(cx, param);
    Some(match param.location {
        ParamLocation::Path => return None,
        ParamLocation::Query
            if matches!(param.style, ParamStyle::Json)
                || (param.style == ParamStyle::Form && explode) =>
        {
            quote!(request.query(#wire, #value)?;)
        }
        ParamLocation::Query => {
            let style = query_style(param.style);
            quote!(request.query_styled(#wire, #value, #style, #explode)?;)
        }
        ParamLocation::Header => quote!(request.header(#wire, #value, #explode)?;),
        ParamLocation::Cookie => quote!(request.cookie(#wire, #value)?;),
    })
}

fn query_style(style: ParamStyle) -> TokenStream {
    match style {
        ParamStyle::SpaceDelimited => quote!(runtime::QueryStyle::SpaceDelimited),
        ParamStyle::PipeDelimited => quote!(runtime::QueryStyle::PipeDelimited),
        ParamStyle::DeepObject => quote!(runtime::QueryStyle::DeepObject),
        _ => quote!(runtime::QueryStyle::Form),
    }
}

/// A form body, its properties with an `encoding` style in theirs.
fn form_fill(fields: &[FormField]) -> TokenStream {
    if fields.is_empty() {
        return quote!(request.form_body(&body)?;);
    }
    let fields = fields.iter().map(|field| {
        let name = &field.wire_name;
        let style = query_style(field.style);
        let explode = field.explode;
        quote!(runtime::FormField { name: #name, style: #style, explode: #explode })
    });
    quote!(request.form_body_with(&body, &[#(#fields),*])?;)
}

/// The statements that set the body, per its media type. `request`
/// consumes the builder, so the body is moved, not copied.
fn body_fill(op: &Operation) -> Option<TokenStream> {
    let body = op.body.as_ref()?;
    let set = match &body.media {
        MediaKind::Json => quote!(request.json_body(&body)?;),
        MediaKind::Form => form_fill(&body.form_fields),
        MediaKind::Multipart if !body.parts.is_empty() => {
            let parts = multipart_parts(&body.parts);
            quote! {
                let mut parts = Vec::new();
                #(#parts)*
                request.body(runtime::Body::Multipart(parts));
            }
        }
        MediaKind::Multipart => quote!(request.body(runtime::Body::multipart(&body)?);),
        MediaKind::Text(content_type) => {
            let content = if body.ty == TypeRef::String {
                quote!(body)
            } else {
                quote!(runtime::param_text(&body)?)
            };
            quote!(request.body(runtime::Body::Text { content: #content, content_type: #content_type });)
        }
        MediaKind::Binary(content_type) if body.ty == TypeRef::Bytes => {
            quote!(request.body(runtime::Body::Binary { content: body, content_type: #content_type });)
        }
        MediaKind::Binary(content_type) | MediaKind::JsonLines(content_type) => {
            quote!(request.encoded_body(&body, #content_type)?;)
        }
        MediaKind::EventStream => quote!(request.encoded_body(&body, "text/event-stream")?;),
    };
    Some(if body.required {
        quote! {
            let body = self.body;
            #set
        }
    } else {
        quote! {
            if let Some(body) = self.body {
                #set
            }
        }
    })
}

/// One push per field of a multipart body's struct.
fn multipart_parts(fields: &[MultipartField]) -> Vec<TokenStream> {
    fields
        .iter()
        .map(|field| {
            let member = ident(&field.rust_name);
            let wire = &field.wire_name;
            let part = match field.encoding {
                PartEncoding::File => {
                    quote!(parts.push(runtime::MultipartPart::file(#wire, value));)
                }
                PartEncoding::Text => {
                    quote!(parts.push(runtime::MultipartPart::text(#wire, value));)
                }
                PartEncoding::Value => {
                    quote!(parts.push(runtime::MultipartPart::value(#wire, &value)?);)
                }
                PartEncoding::Json => {
                    quote!(parts.push(runtime::MultipartPart::json(#wire, &value)?);)
                }
            };
            match field.presence {
                Presence::Required => quote! { { let value = body.#member; #part } },
                Presence::Optional | Presence::RequiredNullable => {
                    quote! { if let Some(value) = body.#member { #part } }
                }
                Presence::OptionalNullable => {
                    quote! { if let runtime::Nullable::Value(value) = body.#member { #part } }
                }
            }
        })
        .collect()
}
