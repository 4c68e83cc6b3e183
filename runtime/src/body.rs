//! Request bodies, encoded by generated code before sending; uploads from memory, a stream or
//! a file.

use std::fmt;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_core::Stream;
use serde::Serialize;

use super::Error;
use super::encode::{FormField, object_pairs};

type ChunkStream = Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send>>;

/// Binary content to send: bytes in memory (sent again as they are on a retry), or a stream
/// read once as it is sent (a call with a streamed body is never retried).
#[derive(Clone)]
pub struct Upload {
    inner: UploadInner,
}

#[derive(Clone)]
enum UploadInner {
    Bytes(Bytes),
    /// Taken by the first attempt.
    Stream {
        stream: Arc<Mutex<Option<ChunkStream>>>,
        length: Option<u64>,
    },
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            UploadInner::Bytes(bytes) => write!(f, "Upload({} bytes)", bytes.len()),
            UploadInner::Stream { length, .. } => write!(f, "Upload(stream, length {length:?})"),
        }
    }
}

impl Upload {
    /// Content from a stream of chunks; `length`, when known, is sent as `Content-Length`
    /// (otherwise the body is sent chunked).
    pub fn from_stream<S>(stream: S, length: Option<u64>) -> Self
    where
        S: Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    {
        Upload {
            inner: UploadInner::Stream {
                stream: Arc::new(Mutex::new(Some(Box::pin(stream)))),
                length,
            },
        }
    }

    /// The content of a file, read as it is sent.
    pub async fn from_file(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let file = tokio::fs::File::open(path).await?;
        let length = file.metadata().await?.len();
        let stream = tokio_util::io::ReaderStream::new(file);
        Ok(Upload::from_stream(stream, Some(length)))
    }

    /// Whether the content can be sent again (bytes in memory).
    pub fn is_repeatable(&self) -> bool {
        matches!(self.inner, UploadInner::Bytes(_))
    }

    /// The length, when known.
    pub fn len(&self) -> Option<u64> {
        match &self.inner {
            UploadInner::Bytes(bytes) => Some(bytes.len() as u64),
            UploadInner::Stream { length, .. } => *length,
        }
    }

    /// Whether the content is known to be empty.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// The content as a reqwest body; a stream can be taken once.
    pub(crate) fn to_reqwest(&self) -> Result<reqwest::Body, Error> {
        match &self.inner {
            UploadInner::Bytes(bytes) => Ok(reqwest::Body::from(bytes.clone())),
            UploadInner::Stream { stream, .. } => {
                let taken = stream
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .take();
                taken.map(reqwest::Body::wrap_stream).ok_or_else(|| {
                    Error::InvalidRequest("a streamed body can be sent only once".to_owned())
                })
            }
        }
    }

    /// The content as a multipart part.
    fn to_part(&self) -> Result<reqwest::multipart::Part, Error> {
        Ok(match (&self.inner, self.len()) {
            (UploadInner::Bytes(bytes), _) => reqwest::multipart::Part::bytes(bytes.to_vec()),
            (UploadInner::Stream { .. }, Some(length)) => {
                reqwest::multipart::Part::stream_with_length(self.to_reqwest()?, length)
            }
            (UploadInner::Stream { .. }, None) => {
                reqwest::multipart::Part::stream(self.to_reqwest()?)
            }
        })
    }
}

impl From<Bytes> for Upload {
    fn from(bytes: Bytes) -> Self {
        Upload {
            inner: UploadInner::Bytes(bytes),
        }
    }
}

impl From<Vec<u8>> for Upload {
    fn from(bytes: Vec<u8>) -> Self {
        Upload::from(Bytes::from(bytes))
    }
}

impl From<&'static [u8]> for Upload {
    fn from(bytes: &'static [u8]) -> Self {
        Upload::from(Bytes::from_static(bytes))
    }
}

impl From<String> for Upload {
    fn from(text: String) -> Self {
        Upload::from(Bytes::from(text))
    }
}

impl From<&'static str> for Upload {
    fn from(text: &'static str) -> Self {
        Upload::from(Bytes::from_static(text.as_bytes()))
    }
}

/// A request body, already encoded.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Body {
    /// Serialized JSON, sent as `application/json`.
    Json(Bytes),
    /// Pairs sent as `application/x-www-form-urlencoded`.
    Form(Vec<(String, String)>),
    /// Text with its media type.
    Text {
        /// The text.
        content: String,
        /// The `Content-Type` value.
        content_type: &'static str,
    },
    /// Binary content with its media type.
    Binary {
        /// The content.
        content: Upload,
        /// The `Content-Type` value.
        content_type: &'static str,
    },
    /// Parts sent as `multipart/form-data`.
    Multipart(Vec<MultipartPart>),
}

impl Body {
    /// `value` as a JSON body.
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<Self, Error> {
        serde_json::to_vec(value)
            .map(|json| Body::Json(Bytes::from(json)))
            .map_err(|err| Error::InvalidRequest(err.to_string()))
    }

    /// `value` (an object) as form pairs: one per property, arrays repeat the key, nested
    /// objects are sent as JSON text, nulls are left out.
    pub fn form<T: Serialize + ?Sized>(value: &T) -> Result<Self, Error> {
        Self::form_with(value, &[])
    }

    /// `value` (an object) as form pairs, the properties named in `fields` serialized in
    /// their style (a `deepObject` as `name[key]=value`), the others as for [`Body::form`].
    pub fn form_with<T: Serialize + ?Sized>(
        value: &T,
        fields: &[FormField],
    ) -> Result<Self, Error> {
        Ok(Body::Form(object_pairs(value, fields)?))
    }

    /// `value` (an object) as multipart text parts, one per pair as for [`Body::form`].
    pub fn multipart<T: Serialize + ?Sized>(value: &T) -> Result<Self, Error> {
        let parts = object_pairs(value, &[])?
            .into_iter()
            .map(|(name, text)| MultipartPart::text(name, text))
            .collect();
        Ok(Body::Multipart(parts))
    }

    /// Whether the body can be sent again on a retry.
    pub fn is_repeatable(&self) -> bool {
        match self {
            Body::Binary { content, .. } => content.is_repeatable(),
            Body::Multipart(parts) => parts.iter().all(|p| p.content.is_repeatable()),
            _ => true,
        }
    }

    /// The bytes of the body when it is in memory (JSON, form, text, binary in memory), for
    /// hooks that sign or log it.
    pub fn as_bytes(&self) -> Option<Bytes> {
        match self {
            Body::Json(json) => Some(json.clone()),
            Body::Form(pairs) => Some(Bytes::from(super::encode::encode_form(pairs))),
            Body::Text { content, .. } => Some(Bytes::from(content.clone())),
            Body::Binary { content, .. } => match &content.inner {
                UploadInner::Bytes(bytes) => Some(bytes.clone()),
                UploadInner::Stream { .. } => None,
            },
            Body::Multipart(_) => None,
        }
    }

    /// The `Content-Type` the body is sent with; `None` for multipart, whose boundary the
    /// HTTP client writes.
    pub(crate) fn content_type(&self) -> Option<&str> {
        match self {
            Body::Json(_) => Some("application/json"),
            Body::Form(_) => Some("application/x-www-form-urlencoded"),
            Body::Text { content_type, .. } | Body::Binary { content_type, .. } => {
                Some(content_type)
            }
            Body::Multipart(_) => None,
        }
    }

    /// Attaches the body to one attempt (rebuilt each time: reqwest consumes it).
    pub(crate) fn attach(
        &self,
        builder: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder, Error> {
        Ok(match self {
            Body::Json(json) => builder.body(json.clone()),
            Body::Form(pairs) => builder.body(super::encode::encode_form(pairs)),
            Body::Text { content, .. } => builder.body(content.clone()),
            Body::Binary { content, .. } => {
                let builder = match content.len() {
                    Some(length) if !content.is_repeatable() => {
                        builder.header(reqwest::header::CONTENT_LENGTH, length)
                    }
                    _ => builder,
                };
                builder.body(content.to_reqwest()?)
            }
            Body::Multipart(parts) => builder.multipart(multipart_form(parts)?),
        })
    }
}

/// One part of a `multipart/form-data` body.
#[derive(Clone, Debug)]
pub struct MultipartPart {
    /// The form field name.
    pub name: String,
    /// The part's content.
    pub content: Upload,
    /// The file name, for file uploads.
    pub file_name: Option<String>,
    /// The part's media type.
    pub content_type: Option<String>,
}

impl MultipartPart {
    /// A text part.
    pub fn text(name: impl Into<String>, text: impl Into<String>) -> Self {
        MultipartPart {
            name: name.into(),
            content: Upload::from(text.into()),
            file_name: None,
            content_type: None,
        }
    }

    /// A file part (`application/octet-stream`, named after the field).
    pub fn file(name: impl Into<String>, content: impl Into<Upload>) -> Self {
        let name = name.into();
        MultipartPart {
            file_name: Some(name.clone()),
            name,
            content: content.into(),
            content_type: Some("application/octet-stream".to_owned()),
        }
    }

    /// A part carrying `value` in its text form (scalars as JSON text, strings as they are).
    pub fn value<T: Serialize + ?Sized>(name: impl Into<String>, value: &T) -> Result<Self, Error> {
        Ok(MultipartPart::text(name, super::encode::param_text(value)?))
    }

    /// A part carrying `value` as JSON (`application/json`).
    pub fn json<T: Serialize + ?Sized>(name: impl Into<String>, value: &T) -> Result<Self, Error> {
        let json =
            serde_json::to_vec(value).map_err(|err| Error::InvalidRequest(err.to_string()))?;
        Ok(MultipartPart {
            name: name.into(),
            content: Upload::from(json),
            file_name: None,
            content_type: Some("application/json".to_owned()),
        })
    }
}

/// Rebuilds the multipart form; reqwest consumes it on every send.
fn multipart_form(parts: &[MultipartPart]) -> Result<reqwest::multipart::Form, Error> {
    let mut form = reqwest::multipart::Form::new();
    for part in parts {
        let mut piece = part.content.to_part()?;
        if let Some(file_name) = &part.file_name {
            piece = piece.file_name(file_name.clone());
        }
        if let Some(content_type) = &part.content_type {
            piece = piece.mime_str(content_type).map_err(|_| {
                Error::InvalidRequest(format!(
                    "invalid content type for multipart part `{}`",
                    part.name
                ))
            })?;
        }
        form = form.part(part.name.clone(), piece);
    }
    Ok(form)
}
