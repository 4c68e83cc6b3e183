//! An operation's decoder: maps the statuses it documents onto its success
//! body (or success enum) and its error enum.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::{Context, rust_type, type_ident};
use crate::ir::{ErrorRef, MediaKind, Operation, Response, StatusMatch, TypeRef};

pub fn decoder_ident(op: &Operation) -> proc_macro2::Ident {
    format_ident!("decode_{}", op.rust_name)
}

/// The type `send()` resolves to.
pub fn success_type(cx: &Context<'_>, op: &Operation) -> TokenStream {
    if let Some(name) = &op.success_type {
        let name = type_ident(name);
        return quote!(#name);
    }
    match op.successes().next() {
        None => quote!(()),
        Some(response) => match &response.media {
            MediaKind::EventStream => {
                let data = rust_type(cx.api, &response.ty);
                quote!(runtime::EventStream<#data>)
            }
            MediaKind::JsonLines(_) => {
                let item = match &response.ty {
                    TypeRef::Array(item) => rust_type(cx.api, item),
                    ty => rust_type(cx.api, ty),
                };
                quote!(runtime::JsonLines<#item>)
            }
            _ => rust_type(cx.api, &response.ty),
        },
    }
}

/// The type of the events' data when `send()` resolves to an event stream.
pub fn event_data_type(cx: &Context<'_>, op: &Operation) -> Option<TokenStream> {
    let response = op
        .successes()
        .next()
        .filter(|_| op.success_type.is_none())?;
    (response.media == MediaKind::EventStream).then(|| rust_type(cx.api, &response.ty))
}

/// The operation's error enum, or `None` when it documents no error response.
fn error_enum(cx: &Context<'_>, op: &Operation) -> Option<proc_macro2::Ident> {
    match &op.error {
        Some(ErrorRef::Own(name)) => Some(type_ident(name)),
        Some(ErrorRef::Shared(index)) => Some(type_ident(&cx.api.error_enums[*index].name)),
        None => None,
    }
}

/// The error enum as the last generic argument of the runtime's call, stream
/// and decoder types (`, E`), or nothing for an operation that documents no
/// error response: those types default it to `Infallible`.
pub fn error_arg(cx: &Context<'_>, op: &Operation) -> TokenStream {
    match error_enum(cx, op) {
        Some(name) => quote!(, #name),
        None => TokenStream::new(),
    }
}

/// The error a call resolves to: `runtime::Error<E>`, or `runtime::Error`
/// (whose `E` defaults to `Infallible`) without an error enum.
pub fn call_error(cx: &Context<'_>, op: &Operation) -> TokenStream {
    match error_enum(cx, op) {
        Some(name) => quote!(runtime::Error<#name>),
        None => quote!(runtime::Error),
    }
}

pub fn emit_decoder(cx: &Context<'_>, op: &Operation) -> TokenStream {
    let name = decoder_ident(op);
    let success = success_type(cx, op);
    let error = error_arg(cx, op);
    let arms = arms(cx, op);
    quote! {
        #[inline]
        fn #name(response: runtime::RawResponse) -> runtime::Decoded<#success #error> {
            match response.status_code() {
                #arms
            }
        }
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

pub(super) fn arms(cx: &Context<'_>, op: &Operation) -> TokenStream {
    // Exact codes before ranges before `default`, as the spec requires.
    let mut responses: Vec<&Response> = op.responses.iter().collect();
    responses.sort_by_key(|r| match r.status {
        StatusMatch::Code(_) => 0,
        StatusMatch::Range(_) => 1,
        StatusMatch::Default => 2,
    });
    // Error responses are there only where the operation has an error enum.
    let error = error_enum(cx, op);
    let mut arms = Vec::new();
    for response in responses
        .iter()
        .filter(|r| r.status != StatusMatch::Default)
    {
        let pattern = status_pattern(response.status);
        if response.status.is_success() {
            let value = success_value(op, response);
            arms.push(quote!(#pattern => #value,));
        } else {
            let value = error_value(response, error.as_ref());
            arms.push(quote!(#pattern => Err(#value),));
        }
    }
    // With no documented success, any 2xx is one (with nothing to decode).
    if op.successes().next().is_none() {
        arms.push(quote!(200..=299 => response.empty(),));
    }
    match responses.iter().find(|r| r.status == StatusMatch::Default) {
        Some(default) => {
            let value = error_value(default, error.as_ref());
            arms.push(quote!(_ => Err(#value),));
        }
        None => arms.push(quote!(_ => Err(response.unexpected()),)),
    }
    quote!(#(#arms)*)
}

/// How a response's body is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Read {
    Empty,
    TextEventStream,
    EventStream,
    JsonLines,
    Bytes,
    TextOrJson,
    Text,
    Json,
}

/// How a success body is read (with no success enum to wrap it in).
pub(super) fn success_read(response: &Response) -> Read {
    match (&response.media, &response.ty) {
        (_, TypeRef::Unit) => Read::Empty,
        (MediaKind::EventStream, TypeRef::String) => Read::TextEventStream,
        (MediaKind::EventStream, _) => Read::EventStream,
        (MediaKind::JsonLines(_), _) => Read::JsonLines,
        (_, TypeRef::Bytes) | (MediaKind::Binary(_), _) => Read::Bytes,
        (MediaKind::Text(any), TypeRef::String) if any == "*/*" => Read::TextOrJson,
        (MediaKind::Text(_), TypeRef::String) => Read::Text,
        _ => Read::Json,
    }
}

/// How an error body is read.
pub(super) fn error_read(response: &Response) -> Read {
    match (&response.media, &response.ty) {
        (_, TypeRef::Unit) => Read::Empty,
        (_, TypeRef::Bytes) | (MediaKind::Binary(_), _) => Read::Bytes,
        (MediaKind::Text(_) | MediaKind::EventStream, TypeRef::String) => Read::Text,
        _ => Read::Json,
    }
}

fn success_value(op: &Operation, response: &Response) -> TokenStream {
    let Some(enum_name) = &op.success_type else {
        return match success_read(response) {
            Read::Empty => quote!(response.empty()),
            Read::TextEventStream => quote!(response.text_event_stream()),
            Read::EventStream => quote!(response.event_stream()),
            Read::JsonLines => quote!(response.json_lines()),
            Read::Bytes => quote!(response.bytes()),
            Read::TextOrJson => quote!(response.text_or_json()),
            Read::Text => quote!(response.text()),
            Read::Json => quote!(response.json()),
        };
    };
    let enum_name = type_ident(enum_name);
    let variant = format_ident!("{}", response.variant);
    let wrap = if response.boxed {
        quote!(|body| #enum_name::#variant(Box::new(body)))
    } else {
        quote!(#enum_name::#variant)
    };
    match (&response.media, &response.ty) {
        (_, TypeRef::Unit) => quote!(response.empty_as(#enum_name::#variant(()))),
        (_, TypeRef::Bytes) | (MediaKind::Binary(_), _) => quote!(response.bytes_as(#wrap)),
        (MediaKind::Text(_), TypeRef::String) => quote!(response.text_as(#wrap)),
        _ => quote!(response.json_as(#wrap)),
    }
}

fn error_value(response: &Response, error: Option<&proc_macro2::Ident>) -> TokenStream {
    // Lowering gives every operation with an error response its enum.
    let Some(error) = error else {
        return quote!(response.unexpected());
    };
    let variant = format_ident!("{}", response.variant);
    let wrap = if response.boxed {
        quote!(|body| #error::#variant(Box::new(body)))
    } else {
        quote!(#error::#variant)
    };
    match error_read(response) {
        Read::Empty => quote!(response.api_error_empty(#error::#variant(()))),
        Read::Bytes => quote!(response.api_error_bytes(#wrap)),
        Read::Text => quote!(response.api_error_text(#wrap)),
        _ => quote!(response.api_error(#wrap)),
    }
}
