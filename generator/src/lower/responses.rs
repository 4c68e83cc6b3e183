//! Responses of an operation, and the media types the client speaks.

use indexmap::IndexMap;
use openapiv3::{MediaType, ReferenceOr, StatusCode};

use super::Lowerer;
use crate::diagnostics::{Result, pointer_child, pointer_token};
use crate::ir::{MediaKind, Response, StatusMatch, TypeRef};
use crate::names::{NameScope, pascal_ident};

impl<'a> Lowerer<'a> {
    /// Picks the media type the client speaks: JSON first, then the others
    /// in a fixed order of preference (streams first for responses, where a
    /// spec offering one means it). The rest are reported.
    pub(super) fn choose_media(
        &mut self,
        content: &'a IndexMap<String, MediaType>,
        pointer: &str,
        response: bool,
    ) -> Option<(&'a MediaType, MediaKind, String)> {
        let mut candidates: Vec<(u8, &'a String, &'a MediaType, MediaKind)> = content
            .iter()
            .map(|(name, media)| {
                let (rank, kind) = classify_media(name, response);
                (rank, name, media, kind)
            })
            .collect();
        candidates.sort_by_key(|(rank, ..)| *rank);
        let (_, name, media, kind) = candidates.first()?.clone();
        if candidates.len() > 1 {
            // Quoted: a media type may be any text, the empty one too.
            let others: Vec<String> = candidates[1..]
                .iter()
                .map(|(_, n, ..)| format!("`{n}`"))
                .collect();
            self.warn(
                pointer,
                format!(
                    "several media types; the client uses `{name}` and not {}",
                    others.join(", ")
                ),
            );
        }
        Some((media, kind, pointer_child(pointer, &pointer_token(name))))
    }

    pub(super) fn lower_responses(
        &mut self,
        operation: &'a openapiv3::Operation,
        type_base: &str,
        pointer: &str,
    ) -> Result<Vec<Response>> {
        let mut entries: Vec<(StatusMatch, &'a ReferenceOr<openapiv3::Response>, String)> =
            Vec::new();
        for (status, response) in &operation.responses.responses {
            let (status, key) = match status {
                StatusCode::Code(code) => (StatusMatch::Code(*code), code.to_string()),
                StatusCode::Range(range) => (StatusMatch::Range(*range), format!("{range}XX")),
            };
            entries.push((status, response, format!("{pointer}/responses/{key}")));
        }
        if let Some(default) = &operation.responses.default {
            entries.push((
                StatusMatch::Default,
                default,
                format!("{pointer}/responses/default"),
            ));
        }
        let success_count = entries.iter().filter(|(s, ..)| s.is_success()).count();
        let mut variants = NameScope::default();
        let mut responses = Vec::new();
        for (status, response, at) in entries {
            let (response, _) = self.resolve(response, &at)?;
            let variant = variants.claim(&status_variant(status));
            let hint = if status.is_success() && success_count == 1 {
                format!("{type_base}Response")
            } else {
                format!("{type_base}{variant}")
            };
            let (ty, media) =
                match self.choose_media(&response.content, &pointer_child(&at, "content"), true) {
                    None => (TypeRef::Unit, MediaKind::Json),
                    Some((media_type, kind, media_pointer)) => {
                        let ty = match &media_type.schema {
                            Some(schema) => self.type_of(
                                schema,
                                &hint,
                                &pointer_child(&media_pointer, "schema"),
                            )?,
                            None => default_type_for(&kind),
                        };
                        (ty, kind)
                    }
                };
            let any_media = response.content.len() == 1 && response.content.contains_key("*/*");
            let (media, ty) = match (media, ty) {
                // A string of any media type is most often sent raw (`text/plain`), so it is
                // asked for as `*/*` and decoded by the response's own `Content-Type`.
                (MediaKind::Json, TypeRef::String) if any_media => {
                    (MediaKind::Text("*/*".into()), TypeRef::String)
                }
                (MediaKind::Json | MediaKind::Text(_), TypeRef::Bytes) => (
                    MediaKind::Binary("application/octet-stream".into()),
                    TypeRef::Bytes,
                ),
                // A binary media type is bytes whatever its schema says
                // (`image/png` with `type: string`).
                (MediaKind::Binary(media), _) => (MediaKind::Binary(media), TypeRef::Bytes),
                (media, ty) => (media, ty),
            };
            responses.push(Response {
                status,
                doc: Some(response.description.clone()).filter(|d| !d.trim().is_empty()),
                ty,
                media,
                variant,
                boxed: false,
                headers: response
                    .headers
                    .keys()
                    .map(|h| h.to_ascii_lowercase())
                    .collect(),
            });
        }
        if let Some(success) = default_as_success(&responses) {
            responses.push(success);
        }
        Ok(responses)
    }
}

/// An operation documented with `default` alone ("every status"): its
/// success is that response too, a `2XX` with its body, which would be
/// dropped otherwise. Beside documented error statuses, `default` is read
/// as the other errors (Intercom: 401, 404 and "default: Unexpected
/// error"); and a default of no content or of any value at all (`schema:
/// {}`, Dropshot's for a websocket upgrade) says nothing of a success body.
fn default_as_success(responses: &[Response]) -> Option<Response> {
    let [default] = responses else {
        return None;
    };
    if default.status != StatusMatch::Default || matches!(default.ty, TypeRef::Unit | TypeRef::Json)
    {
        return None;
    }
    Some(Response {
        status: StatusMatch::Range(2),
        variant: status_variant(StatusMatch::Range(2)),
        ..default.clone()
    })
}

/// Orders media types by preference and says how each is encoded.
pub(super) fn classify_media(name: &str, response: bool) -> (u8, MediaKind) {
    let essence = name
        .split(';')
        .next()
        .unwrap_or(name)
        .trim()
        .to_ascii_lowercase();
    let stream_rank = if response { 0 } else { 5 };
    match essence.as_str() {
        "application/json" => (1, MediaKind::Json),
        "text/event-stream" => (stream_rank, MediaKind::EventStream),
        "application/x-ndjson"
        | "application/jsonl"
        | "application/json-seq"
        | "application/x-jsonlines"
        | "application/jsonlines" => (stream_rank, MediaKind::JsonLines(essence)),
        _ if essence.ends_with("+json") || essence.ends_with("/json") => (2, MediaKind::Json),
        "application/x-www-form-urlencoded" => (3, MediaKind::Form),
        "multipart/form-data" => (4, MediaKind::Multipart),
        _ if essence.starts_with("text/") => (6, MediaKind::Text(essence)),
        "*/*" => (7, MediaKind::Json),
        _ => (8, MediaKind::Binary(essence)),
    }
}

pub(super) fn default_type_for(kind: &MediaKind) -> TypeRef {
    match kind {
        MediaKind::Json | MediaKind::Form | MediaKind::Multipart | MediaKind::JsonLines(_) => {
            TypeRef::Json
        }
        MediaKind::Text(_) | MediaKind::EventStream => TypeRef::String,
        MediaKind::Binary(_) => TypeRef::Bytes,
    }
}

/// The variant name of a status in the success or error enum.
fn status_variant(status: StatusMatch) -> String {
    match status {
        StatusMatch::Default => "Default".to_string(),
        StatusMatch::Range(range) => format!("Status{range}xx"),
        StatusMatch::Code(code) => match reason_phrase(code) {
            Some(reason) => pascal_ident(reason),
            None => format!("Status{code}"),
        },
    }
}

/// Canonical reason phrases (RFC 9110 and common extensions).
fn reason_phrase(code: u16) -> Option<&'static str> {
    Some(match code {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "Non Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi Status",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        414 => "Uri Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "Im A Teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "Http Version Not Supported",
        507 => "Insufficient Storage",
        _ => return None,
    })
}
