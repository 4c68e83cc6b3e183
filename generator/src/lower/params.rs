//! Parameters and request bodies of an operation.

use indexmap::IndexMap;
use openapiv3::{Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr};

use super::Lowerer;
use super::schema_view::SchemaView;
use crate::diagnostics::Result;
use crate::ir::{
    Constraints, FormField, MediaKind, MultipartField, Param, ParamLocation, ParamStyle,
    PartEncoding, PathPart, RequestBody, TypeKind, TypeRef,
};
use crate::names::{NameScope, pascal_ident, snake_ident};

/// Names a request builder has besides its parameters.
const BUILDER_MEMBERS: &[&str] = &[
    "client",
    "body",
    "send",
    "send_stream",
    "into_future",
    "request",
    "new",
    "pages",
    "items",
    "clone",
    "fmt",
];

/// Headers a parameter may not set: the spec says `Accept`, `Content-Type`
/// and `Authorization` parameters are ignored, and the HTTP stack owns the
/// framing headers.
const IGNORED_HEADERS: &[(&str, &str)] = &[
    (
        "accept",
        "the spec says an `Accept` header parameter is ignored (the client sends the documented response types)",
    ),
    (
        "content-type",
        "the spec says a `Content-Type` header parameter is ignored (the body's media type is sent)",
    ),
    (
        "authorization",
        "the spec says an `Authorization` header parameter is ignored (credentials come from the security schemes)",
    ),
    (
        "content-length",
        "the HTTP client sets `Content-Length` itself",
    ),
    (
        "transfer-encoding",
        "the HTTP client sets `Transfer-Encoding` itself",
    ),
    ("connection", "the HTTP client manages `Connection` itself"),
    ("host", "the HTTP client sets `Host` from the base URL"),
    ("te", "the HTTP client manages `TE` itself"),
    ("trailer", "the HTTP client manages `Trailer` itself"),
    ("upgrade", "the HTTP client manages `Upgrade` itself"),
    ("keep-alive", "the HTTP client manages `Keep-Alive` itself"),
    (
        "proxy-connection",
        "the HTTP client manages `Proxy-Connection` itself",
    ),
];

impl<'a> Lowerer<'a> {
    /// Path-level and operation-level parameters (the latter override the
    /// former by name and location), less those the client cannot send.
    pub(super) fn lower_params(
        &mut self,
        item: &'a PathItem,
        operation: &'a openapiv3::Operation,
        path: &[PathPart],
        type_base: &str,
        pointer: &str,
    ) -> Result<Vec<Param>> {
        let mut merged: IndexMap<(String, ParamLocation), (&'a Parameter, String)> =
            IndexMap::new();
        let item_pointer = pointer
            .rsplit_once('/')
            .map(|(p, _)| p.to_string())
            .unwrap_or_default();
        for (parameters, base) in [
            (&item.parameters, item_pointer),
            (&operation.parameters, pointer.to_string()),
        ] {
            for (i, parameter) in parameters.iter().enumerate() {
                let at = format!("{base}/parameters/{i}");
                let (parameter, _) = self.resolve(parameter, &at)?;
                let data = parameter.parameter_data_ref();
                merged.insert((data.name.clone(), location_of(parameter)), (parameter, at));
            }
        }
        let mut names = NameScope::default();
        for member in BUILDER_MEMBERS {
            names.reserve(member);
        }
        let mut params = Vec::new();
        for ((_, location), (parameter, at)) in merged {
            if let Some(param) =
                self.lower_param(parameter, location, type_base, &at, &mut names, path)?
            {
                params.push(param);
            }
        }
        self.add_missing_path_params(path, &mut params, &mut names, pointer);
        Ok(params)
    }

    fn lower_param(
        &mut self,
        parameter: &'a Parameter,
        location: ParamLocation,
        type_base: &str,
        pointer: &str,
        names: &mut NameScope,
        path: &[PathPart],
    ) -> Result<Option<Param>> {
        let data = parameter.parameter_data_ref();
        if let Some(why) = self.unusable(location, &data.name, path) {
            self.warn(
                pointer,
                format!(
                    "parameter `{}` {why}; it is left out of the client",
                    data.name
                ),
            );
            return Ok(None);
        }
        let hint = format!("{type_base}{}", pascal_ident(&data.name));
        let (ty, constraints) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                let at = format!("{pointer}/schema");
                let ty = self.type_of(schema, &hint, &at)?;
                let constraints = match schema {
                    ReferenceOr::Item(schema) => self
                        .constraints_of(&SchemaView::new(schema), &at)
                        .for_type(&ty),
                    ReferenceOr::Reference { .. } => Constraints::default(),
                };
                (ty, constraints)
            }
            // A parameter carried as serialized content: its schema.
            ParameterSchemaOrContent::Content(content) => {
                match content.iter().next().and_then(|(_, m)| m.schema.as_ref()) {
                    Some(schema) => (
                        self.type_of(schema, &hint, &format!("{pointer}/content"))?,
                        Constraints::default(),
                    ),
                    None => (TypeRef::String, Constraints::default()),
                }
            }
        };
        let (style, explode) = match &data.format {
            // Sent in its media type, not in a style: JSON text.
            ParameterSchemaOrContent::Content(content) if has_json_media(content) => {
                (ParamStyle::Json, false)
            }
            _ => style_of(parameter),
        };
        Ok(Some(Param {
            wire_name: data.name.clone(),
            // The name is the builder's setter too.
            rust_name: names.claim(&crate::names::setter_base(&snake_ident(&data.name), &[])),
            location,
            doc: data.description.clone(),
            ty,
            required: data.required || location == ParamLocation::Path,
            style,
            explode,
            constraints,
            deprecated: data.deprecated.unwrap_or(false),
        }))
    }

    /// Why the client cannot send a parameter, if it cannot.
    fn unusable(&self, location: ParamLocation, name: &str, path: &[PathPart]) -> Option<String> {
        match location {
            ParamLocation::Path => (!path
                .iter()
                .any(|p| matches!(p, PathPart::Param(n) if n == name)))
            .then(|| "is not a placeholder of the path".to_string()),
            ParamLocation::Header => {
                if !is_token(name) {
                    return Some("is not a valid header name".into());
                }
                let lower = name.to_ascii_lowercase();
                IGNORED_HEADERS
                    .iter()
                    .find(|(header, _)| *header == lower)
                    .map(|(_, why)| {
                        format!("is a header the client does not take from parameters: {why}")
                    })
            }
            ParamLocation::Cookie => {
                (!is_token(name)).then(|| "is not a valid cookie name".to_string())
            }
            ParamLocation::Query => None,
        }
    }

    /// A path placeholder without a declared parameter still needs a value:
    /// it becomes a `String` argument named after it, with a warning.
    fn add_missing_path_params(
        &mut self,
        path: &[PathPart],
        params: &mut Vec<Param>,
        names: &mut NameScope,
        pointer: &str,
    ) {
        for part in path {
            let PathPart::Param(placeholder) = part else {
                continue;
            };
            let declared = params
                .iter()
                .any(|p| p.location == ParamLocation::Path && p.wire_name == *placeholder);
            if declared {
                continue;
            }
            self.warn(pointer, format!("path placeholder `{{{placeholder}}}` has no path parameter; it becomes a `String` argument"));
            params.push(Param {
                wire_name: placeholder.to_string(),
                rust_name: names.claim(&snake_ident(placeholder)),
                location: ParamLocation::Path,
                doc: None,
                ty: TypeRef::String,
                required: true,
                style: ParamStyle::Simple,
                explode: false,
                constraints: Constraints::default(),
                deprecated: false,
            });
        }
    }

    pub(super) fn lower_body(
        &mut self,
        operation: &'a openapiv3::Operation,
        type_base: &str,
        pointer: &str,
    ) -> Result<Option<RequestBody>> {
        let Some(body) = &operation.request_body else {
            return Ok(None);
        };
        let at = format!("{pointer}/requestBody");
        let (body, _) = self.resolve(body, &at)?;
        let Some((media_type, kind, media_pointer)) =
            self.choose_media(&body.content, &format!("{at}/content"), false)
        else {
            return Ok(None);
        };
        let ty = match &media_type.schema {
            Some(schema) => self.type_of(
                schema,
                &format!("{type_base}Request"),
                &format!("{media_pointer}/schema"),
            )?,
            None => super::responses::default_type_for(&kind),
        };
        // Binary content goes out as bytes, whatever the media type says;
        // streams of records are sent as the bytes the caller encoded.
        let (kind, ty) = match (kind, ty) {
            (MediaKind::Text(media) | MediaKind::JsonLines(media), TypeRef::Bytes) => {
                (MediaKind::Binary(media), TypeRef::Bytes)
            }
            (MediaKind::Json, TypeRef::Bytes) => (
                MediaKind::Binary("application/octet-stream".into()),
                TypeRef::Bytes,
            ),
            (MediaKind::JsonLines(media), _) => {
                self.warn(
                    &media_pointer,
                    format!("a `{media}` request body is sent as the bytes the caller encodes"),
                );
                (MediaKind::Binary(media), TypeRef::Bytes)
            }
            (MediaKind::EventStream, _) => (
                MediaKind::Binary("text/event-stream".into()),
                TypeRef::Bytes,
            ),
            // A binary media type is bytes whatever its schema says
            // (`image/png` with `type: string`).
            (MediaKind::Binary(media), _) => (MediaKind::Binary(media), TypeRef::Bytes),
            (kind, ty) => (kind, ty),
        };
        let parts = match kind {
            MediaKind::Multipart => self.multipart_fields(&ty),
            _ => Vec::new(),
        };
        let form_fields = match kind {
            MediaKind::Form => self.form_fields(media_type, &ty, &media_pointer),
            _ => Vec::new(),
        };
        Ok(Some(RequestBody {
            ty,
            media: kind,
            required: body.required,
            doc: body.description.clone(),
            parts,
            form_fields,
        }))
    }

    /// The properties of a form body whose `encoding` sets `style` or
    /// `explode`: the OpenAPI specification serializes those like query
    /// parameters of that style and ignores their content type. The others
    /// keep the defaults (arrays repeat the key, objects go as JSON).
    fn form_fields(
        &mut self,
        media: &openapiv3::MediaType,
        ty: &TypeRef,
        media_pointer: &str,
    ) -> Vec<FormField> {
        let properties = self.struct_wire_names(ty);
        let mut fields = Vec::new();
        for (name, encoding) in &media.encoding {
            let at = format!(
                "{media_pointer}/encoding/{}",
                crate::diagnostics::pointer_token(name)
            );
            if properties.as_ref().is_some_and(|p| !p.contains(name)) {
                self.warn(
                    &at,
                    format!(
                        "the encoding of `{name}` names no property of the body; it is ignored"
                    ),
                );
                continue;
            }
            let style = match &encoding.style {
                Some(style) => query_style(style),
                None if encoding.explode => ParamStyle::Form,
                None => continue,
            };
            if style == ParamStyle::Form && !encoding.explode {
                // openapiv3 reads an absent `explode` as false.
                self.warn(
                    &at,
                    format!("`{name}` is sent with `explode: false` (`a,b`): an absent `explode` cannot be told from `false` here; write `explode: true` for the default of `style: form`"),
                );
            }
            fields.push(FormField {
                wire_name: name.clone(),
                style,
                explode: encoding.explode,
            });
        }
        fields
    }

    /// The wire names of a body struct's fields; `None` when the body is not
    /// a struct (or has a catch-all map), so any property may appear.
    fn struct_wire_names(&self, ty: &TypeRef) -> Option<Vec<String>> {
        let def = self.types.get(ty.named()?.0)?.as_ref()?;
        let TypeKind::Struct(s) = &def.kind else {
            return None;
        };
        if s.additional.is_some() || s.fields.iter().any(|f| f.flatten) {
            return None;
        }
        Some(s.fields.iter().map(|f| f.wire_name.clone()).collect())
    }

    /// How each field of a multipart body's struct is sent.
    fn multipart_fields(&self, ty: &TypeRef) -> Vec<MultipartField> {
        let Some(id) = ty.named() else {
            return Vec::new();
        };
        let Some(Some(def)) = self.types.get(id.0) else {
            return Vec::new();
        };
        let TypeKind::Struct(s) = &def.kind else {
            return Vec::new();
        };
        s.fields
            .iter()
            .filter(|f| !f.flatten)
            .map(|field| MultipartField {
                rust_name: field.rust_name.clone(),
                wire_name: field.wire_name.clone(),
                presence: field.presence,
                encoding: match &field.ty {
                    TypeRef::Bytes => PartEncoding::File,
                    TypeRef::String => PartEncoding::Text,
                    TypeRef::Map(_) | TypeRef::Json => PartEncoding::Json,
                    TypeRef::Named(inner) => match self.types.get(inner.0) {
                        Some(Some(def))
                            if matches!(def.kind, TypeKind::Struct(_) | TypeKind::Union(_)) =>
                        {
                            PartEncoding::Json
                        }
                        _ => PartEncoding::Value,
                    },
                    _ => PartEncoding::Value,
                },
            })
            .collect()
    }
}

fn location_of(parameter: &Parameter) -> ParamLocation {
    match parameter {
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    }
}

/// Whether a parameter's `content` is JSON, by the rule request bodies use.
fn has_json_media(content: &IndexMap<String, openapiv3::MediaType>) -> bool {
    content
        .keys()
        .next()
        .is_some_and(|media| super::responses::classify_media(media, false).1 == MediaKind::Json)
}

fn query_style(style: &openapiv3::QueryStyle) -> ParamStyle {
    match style {
        openapiv3::QueryStyle::Form => ParamStyle::Form,
        openapiv3::QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
        openapiv3::QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
        openapiv3::QueryStyle::DeepObject => ParamStyle::DeepObject,
    }
}

/// `style` and `explode`, with the spec's defaults: `explode` is true for
/// `form` and false for the other styles.
fn style_of(parameter: &Parameter) -> (ParamStyle, bool) {
    let style = match parameter {
        Parameter::Path { style, .. } => match style {
            openapiv3::PathStyle::Simple => ParamStyle::Simple,
            openapiv3::PathStyle::Label => ParamStyle::Label,
            openapiv3::PathStyle::Matrix => ParamStyle::Matrix,
        },
        Parameter::Query { style, .. } => query_style(style),
        Parameter::Header { .. } => ParamStyle::Simple,
        Parameter::Cookie { .. } => ParamStyle::Form,
    };
    let explode = parameter
        .parameter_data_ref()
        .explode
        .unwrap_or(style == ParamStyle::Form);
    (style, explode)
}

/// An HTTP token (RFC 9110): what header and cookie names are made of.
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
