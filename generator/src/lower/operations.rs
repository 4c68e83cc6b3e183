//! Paths and operations → client methods; security schemes → credentials.

use indexmap::IndexMap;
use openapiv3::{
    MediaType, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, SecurityRequirement,
    StatusCode,
};

use super::Lowerer;
use super::schema_view::SchemaView;
use crate::diagnostics::Result;
use crate::diagnostics::pointer_token;
use crate::ir::{
    Constraints, MediaKind, Method, Operation, Param, ParamLocation, QueryStyle, RequestBody,
    Response, SecurityKind, SecurityScheme, StatusMatch, TypeRef,
};
use crate::names::{NameScope, pascal_ident, snake_ident, type_ident};

impl<'a> Lowerer<'a> {
    pub(super) fn lower_security_schemes(&mut self) -> Vec<SecurityScheme> {
        let doc = self.doc;
        let Some(components) = &doc.components else {
            return Vec::new();
        };
        let mut scope = NameScope::default();
        let mut schemes = Vec::new();
        for (name, scheme) in &components.security_schemes {
            let pointer = format!("#/components/securitySchemes/{}", pointer_token(name));
            let scheme = match scheme {
                ReferenceOr::Item(scheme) => scheme,
                ReferenceOr::Reference { .. } => {
                    self.warn(
                        &pointer,
                        "a $ref security scheme is not supported; it is skipped",
                    );
                    continue;
                }
            };
            use openapiv3::SecurityScheme as S;
            let (kind, doc) = match scheme {
                S::APIKey {
                    location,
                    name: key_name,
                    description,
                    ..
                } => {
                    let location = match location {
                        openapiv3::APIKeyLocation::Header => ParamLocation::Header,
                        openapiv3::APIKeyLocation::Query => ParamLocation::Query,
                        openapiv3::APIKeyLocation::Cookie => ParamLocation::Cookie,
                    };
                    (
                        SecurityKind::ApiKey {
                            location,
                            name: key_name.clone(),
                        },
                        description.clone(),
                    )
                }
                S::HTTP {
                    scheme: http,
                    description,
                    ..
                } => match http.to_ascii_lowercase().as_str() {
                    "bearer" => (SecurityKind::Bearer, description.clone()),
                    "basic" => (SecurityKind::Basic, description.clone()),
                    other => {
                        self.warn(&pointer, format!("HTTP auth scheme `{other}` is not supported; operations needing only it are sent without it"));
                        continue;
                    }
                },
                // Both end in an access token sent as a bearer token; how
                // the token is obtained is the caller's business.
                S::OAuth2 { description, .. } | S::OpenIDConnect { description, .. } => {
                    (SecurityKind::Bearer, description.clone())
                }
            };
            schemes.push(SecurityScheme {
                name: name.clone(),
                rust_name: scope.claim(&snake_ident(name)),
                doc,
                kind,
            });
        }
        schemes
    }

    pub(super) fn lower_operations(
        &mut self,
        schemes: &[SecurityScheme],
    ) -> Result<Vec<Operation>> {
        let doc = self.doc;
        let mut method_names = NameScope::default();
        // Names the client already uses for its own methods.
        for reserved in [
            "new",
            "with_base_url",
            "with_http_client",
            "with_timeout",
            "with_retry_policy",
            "base_url",
            "core",
        ] {
            method_names.reserve(reserved);
        }
        for scheme in schemes {
            method_names.reserve(&format!("with_{}", scheme.rust_name));
        }
        let mut operations = Vec::new();
        for (path, item) in doc.paths.iter() {
            let item_pointer = format!("#/paths/{}", pointer_token(path));
            let item: &'a PathItem = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    return Err(self.error(
                        &item_pointer,
                        format!("path item $ref `{reference}` is not supported"),
                    ));
                }
            };
            let methods = [
                ("get", Method::Get, &item.get),
                ("put", Method::Put, &item.put),
                ("post", Method::Post, &item.post),
                ("delete", Method::Delete, &item.delete),
                ("options", Method::Options, &item.options),
                ("head", Method::Head, &item.head),
                ("patch", Method::Patch, &item.patch),
                ("trace", Method::Trace, &item.trace),
            ];
            for (verb, method, operation) in methods {
                let Some(operation) = operation else { continue };
                let pointer = format!("{item_pointer}/{verb}");
                operations.push(self.lower_operation(
                    path,
                    item,
                    method,
                    operation,
                    &pointer,
                    &mut method_names,
                    schemes,
                )?);
            }
        }
        self.share_error_enums(&mut operations);
        Ok(operations)
    }

    /// Operations whose error responses are the same (statuses, bodies and
    /// descriptions, as when every operation refers to one set of
    /// `components/responses`) share one error enum; each operation's own
    /// name stays, as an alias. One enum instead of hundreds of copies
    /// keeps the generated crate quick to compile.
    fn share_error_enums(&mut self, operations: &mut [Operation]) {
        type Signature<'o> = Vec<(&'o str, &'o TypeRef, Option<&'o str>, StatusMatch)>;
        fn signature(op: &Operation) -> Signature<'_> {
            op.responses
                .iter()
                .filter(|r| !r.status.is_success())
                .map(|r| (r.variant.as_str(), &r.ty, r.doc.as_deref(), r.status))
                .collect()
        }
        let mut groups: IndexMap<Signature<'_>, Vec<usize>> = IndexMap::new();
        for (i, op) in operations.iter().enumerate() {
            let key = signature(op);
            if !key.is_empty() {
                groups.entry(key).or_default().push(i);
            }
        }
        let mut shared: Vec<(String, Vec<usize>)> = Vec::new();
        for (key, members) in groups {
            if members.len() < 2 {
                continue;
            }
            let parts: Vec<&str> = key
                .iter()
                .map(|(variant, ..)| variant.strip_prefix("Status").unwrap_or(variant))
                .collect();
            let name = self
                .type_names
                .claim(&type_ident(&format!("Error{}", parts.join("Or"))));
            shared.push((name, members));
        }
        for (name, members) in shared {
            for i in members {
                operations[i].error_shared = Some(name.clone());
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn lower_operation(
        &mut self,
        path: &str,
        item: &'a PathItem,
        method: Method,
        operation: &'a openapiv3::Operation,
        pointer: &str,
        method_names: &mut NameScope,
        schemes: &[SecurityScheme],
    ) -> Result<Operation> {
        let id = match &operation.operation_id {
            Some(id) if !id.trim().is_empty() => id.clone(),
            _ => synthesized_operation_id(method, path),
        };
        let rust_name = method_names.claim(&snake_ident(&id));
        let type_base = pascal_ident(&id);

        // Operation-level parameters override path-level ones with the
        // same name and location.
        let mut merged: IndexMap<(String, ParamLocation), (&'a Parameter, String)> =
            IndexMap::new();
        let levels = [
            (
                &item.parameters,
                pointer
                    .rsplit_once('/')
                    .map(|(p, _)| p.to_string())
                    .unwrap_or_default(),
            ),
            (&operation.parameters, pointer.to_string()),
        ];
        for (parameters, base) in levels {
            for (i, parameter) in parameters.iter().enumerate() {
                let at = format!("{base}/parameters/{i}");
                let doc = self.doc;
                let (parameter, _) = self.resolve(
                    parameter,
                    "parameters",
                    |key| doc.components.as_ref()?.parameters.get(key),
                    &at,
                )?;
                let data = parameter.parameter_data_ref();
                merged.insert((data.name.clone(), location_of(parameter)), (parameter, at));
            }
        }
        let mut param_names = NameScope::default();
        // Names the generated method body uses for its own locals.
        for local in [
            "body", "options", "query", "headers", "request", "response", "path", "value", "item",
            "i",
        ] {
            param_names.reserve(local);
        }
        let mut params = Vec::new();
        for ((_, location), (parameter, at)) in merged {
            params.push(self.lower_param(
                parameter,
                location,
                &type_base,
                &at,
                &mut param_names,
            )?);
        }
        add_missing_path_params(self, path, &mut params, &mut param_names, pointer);
        drop_unusable_params(self, path, &mut params, pointer);

        let body = match &operation.request_body {
            None => None,
            Some(body) => {
                let at = format!("{pointer}/requestBody");
                let doc = self.doc;
                let (body, _) = self.resolve(
                    body,
                    "requestBodies",
                    |key| doc.components.as_ref()?.request_bodies.get(key),
                    &at,
                )?;
                let chosen = self.choose_media(&body.content, &format!("{at}/content"));
                match chosen {
                    None => None,
                    Some((media_type, kind, media_pointer)) => {
                        let ty = match &media_type.schema {
                            Some(schema) => self.type_of(
                                schema,
                                &format!("{type_base}Request"),
                                &format!("{media_pointer}/schema"),
                            )?,
                            None => default_type_for(&kind),
                        };
                        Some(RequestBody {
                            ty,
                            media: kind,
                            required: body.required,
                            doc: body.description.clone(),
                        })
                    }
                }
            }
        };

        let responses = self.lower_responses(operation, &type_base, pointer)?;
        let security = match &operation.security {
            Some(requirements) => {
                self.lower_security(requirements, schemes, &format!("{pointer}/security"))
            }
            None => match &self.doc.security {
                Some(requirements) => self.lower_security(requirements, schemes, "#/security"),
                None => Vec::new(),
            },
        };
        let distinct_success: std::collections::BTreeSet<&TypeRef> = responses
            .iter()
            .filter(|r| r.status.is_success())
            .map(|r| &r.ty)
            .collect();
        let success_type = (distinct_success.len() > 1).then(|| {
            self.type_names
                .claim(&type_ident(&format!("{type_base}Response")))
        });
        let error_type = self
            .type_names
            .claim(&type_ident(&format!("{type_base}Error")));
        let options_type = needs_options_struct(&params, body.is_some()).then(|| {
            self.type_names
                .claim(&type_ident(&format!("{type_base}Options")))
        });
        Ok(Operation {
            id,
            rust_name,
            summary: operation.summary.clone(),
            description: operation.description.clone(),
            deprecated: operation.deprecated,
            method,
            path: path.to_string(),
            pointer: pointer.to_string(),
            params,
            body,
            responses,
            security,
            error_type,
            error_shared: None,
            success_type,
            options_type,
        })
    }

    fn lower_param(
        &mut self,
        parameter: &'a Parameter,
        location: ParamLocation,
        type_base: &str,
        pointer: &str,
        names: &mut NameScope,
    ) -> Result<Param> {
        let data = parameter.parameter_data_ref();
        let hint = format!("{type_base}{}", pascal_ident(&data.name));
        let (ty, constraints) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                let ty = self.type_of(schema, &hint, &format!("{pointer}/schema"))?;
                let constraints = match schema {
                    ReferenceOr::Item(schema) => self
                        .constraints_of(&SchemaView::new(schema), &format!("{pointer}/schema"))
                        .without_type_bounds(&ty),
                    ReferenceOr::Reference { .. } => Constraints::default(),
                };
                (ty, constraints)
            }
            ParameterSchemaOrContent::Content(content) => {
                // A parameter carried as serialized content: take its schema,
                // it is sent in its JSON form.
                match content.iter().next().and_then(|(_, m)| m.schema.as_ref()) {
                    Some(schema) => (
                        self.type_of(schema, &hint, &format!("{pointer}/content"))?,
                        Constraints::default(),
                    ),
                    None => (TypeRef::String, Constraints::default()),
                }
            }
        };
        let (style, explode) = match parameter {
            Parameter::Query { style, .. } => {
                let style = match style {
                    openapiv3::QueryStyle::Form => QueryStyle::Form,
                    openapiv3::QueryStyle::SpaceDelimited => QueryStyle::SpaceDelimited,
                    openapiv3::QueryStyle::PipeDelimited => QueryStyle::PipeDelimited,
                    openapiv3::QueryStyle::DeepObject => QueryStyle::DeepObject,
                };
                // `explode` defaults to true only for style form.
                (style, data.explode.unwrap_or(style == QueryStyle::Form))
            }
            _ => (QueryStyle::Form, data.explode.unwrap_or(false)),
        };
        let required = data.required || location == ParamLocation::Path;
        Ok(Param {
            wire_name: data.name.clone(),
            rust_name: names.claim(&snake_ident(&data.name)),
            location,
            doc: data.description.clone(),
            ty,
            required,
            style,
            explode,
            constraints,
        })
    }

    /// Picks the media type the client speaks: JSON first, then the others
    /// in a fixed order of preference. The rest are reported.
    fn choose_media(
        &mut self,
        content: &'a IndexMap<String, MediaType>,
        pointer: &str,
    ) -> Option<(&'a MediaType, MediaKind, String)> {
        let mut candidates: Vec<(u8, &'a String, &'a MediaType, MediaKind)> = content
            .iter()
            .map(|(name, media)| {
                let (rank, kind) = classify_media(name);
                (rank, name, media, kind)
            })
            .collect();
        candidates.sort_by_key(|(rank, ..)| *rank);
        let (_, name, media, kind) = candidates.first()?.clone();
        if candidates.len() > 1 {
            let others: Vec<&str> = candidates[1..]
                .iter()
                .map(|(_, n, ..)| n.as_str())
                .collect();
            self.warn(
                pointer,
                format!(
                    "several media types; the client uses `{name}` and not {}",
                    others.join(", ")
                ),
            );
        }
        Some((media, kind, format!("{pointer}/{}", pointer_token(name))))
    }

    fn lower_responses(
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
            let doc = self.doc;
            let (response, _) = self.resolve(
                response,
                "responses",
                |key| doc.components.as_ref()?.responses.get(key),
                &at,
            )?;
            let variant = variants.claim(&status_variant(status));
            let hint = if status.is_success() && success_count == 1 {
                format!("{type_base}Response")
            } else {
                format!("{type_base}{variant}")
            };
            let (ty, media) = match self.choose_media(&response.content, &format!("{at}/content")) {
                None => (TypeRef::Unit, MediaKind::Json),
                Some((media_type, kind, media_pointer)) => {
                    let ty = match &media_type.schema {
                        Some(schema) => {
                            self.type_of(schema, &hint, &format!("{media_pointer}/schema"))?
                        }
                        None => default_type_for(&kind),
                    };
                    (ty, kind)
                }
            };
            responses.push(Response {
                status,
                doc: Some(response.description.clone()).filter(|d| !d.trim().is_empty()),
                ty,
                media,
                variant,
            });
        }
        Ok(responses)
    }

    fn lower_security(
        &mut self,
        requirements: &[SecurityRequirement],
        schemes: &[SecurityScheme],
        pointer: &str,
    ) -> Vec<Vec<String>> {
        let mut alternatives = Vec::new();
        for (i, requirement) in requirements.iter().enumerate() {
            let mut names = Vec::new();
            let mut usable = true;
            for name in requirement.keys() {
                if schemes.iter().any(|s| &s.name == name) {
                    names.push(name.clone());
                } else {
                    self.warn(&format!("{pointer}/{i}"), format!("security scheme `{name}` is not defined or not supported; this alternative is skipped"));
                    usable = false;
                }
            }
            if usable {
                alternatives.push(names);
            }
        }
        alternatives
    }
}

/// Past six arguments (clippy's limit counts `&self`), the optional
/// parameters move into a struct with `Default`, so calls stay readable.
fn needs_options_struct(params: &[Param], has_body: bool) -> bool {
    let optional = params.iter().filter(|p| !p.required).count();
    optional > 0 && params.len() + usize::from(has_body) > 6
}

fn location_of(parameter: &Parameter) -> ParamLocation {
    match parameter {
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    }
}

/// A path placeholder without a declared parameter still needs a value:
/// it becomes a `String` argument named after it, with a warning.
fn add_missing_path_params(
    lowerer: &mut Lowerer<'_>,
    path: &str,
    params: &mut Vec<Param>,
    names: &mut NameScope,
    pointer: &str,
) {
    let placeholders = path
        .split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name));
    for placeholder in placeholders {
        let declared = params
            .iter()
            .any(|p| p.location == ParamLocation::Path && p.wire_name == placeholder);
        if declared {
            continue;
        }
        lowerer.warn(pointer, format!("path placeholder `{{{placeholder}}}` has no path parameter; it becomes a `String` argument"));
        params.push(Param {
            wire_name: placeholder.to_string(),
            rust_name: names.claim(&snake_ident(placeholder)),
            location: ParamLocation::Path,
            doc: None,
            ty: TypeRef::String,
            required: true,
            style: QueryStyle::Form,
            explode: false,
            constraints: Constraints::default(),
        });
    }
}

/// Parameters the client cannot send are dropped with a warning: a path
/// parameter whose placeholder is not in the path (it would be an unused
/// argument), and a header whose name is not a valid HTTP token.
fn drop_unusable_params(
    lowerer: &mut Lowerer<'_>,
    path: &str,
    params: &mut Vec<Param>,
    pointer: &str,
) {
    let is_token = |name: &str| {
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    params.retain(|param| {
        let keep = match param.location {
            ParamLocation::Path => path.contains(&format!("{{{}}}", param.wire_name)),
            ParamLocation::Header | ParamLocation::Cookie => is_token(&param.wire_name),
            ParamLocation::Query => true,
        };
        if !keep {
            let why = match param.location {
                ParamLocation::Path => "is not a placeholder of the path",
                _ => "is not a valid header or cookie name",
            };
            lowerer.warn(
                pointer,
                format!(
                    "parameter `{}` {why}; it is left out of the client",
                    param.wire_name
                ),
            );
        }
        keep
    });
}

/// A documented, deterministic name for an operation without
/// `operationId`: the method and the path's words, with `{id}` spelled
/// `by_id`. `GET /pets/{petId}/toys` → `get_pets_by_pet_id_toys`.
pub fn synthesized_operation_id(method: Method, path: &str) -> String {
    let mut words = vec![method.as_str().to_ascii_lowercase()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => {
                words.push("by".to_string());
                words.push(snake_ident(param));
            }
            None => words.push(snake_ident(segment)),
        }
    }
    words.join("_")
}

/// Orders media types by preference and says how each is encoded.
fn classify_media(name: &str) -> (u8, MediaKind) {
    let essence = name
        .split(';')
        .next()
        .unwrap_or(name)
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" {
        (0, MediaKind::Json)
    } else if essence.ends_with("+json") || essence.ends_with("/json") {
        (1, MediaKind::Json)
    } else if essence == "application/x-www-form-urlencoded" {
        (2, MediaKind::Form)
    } else if essence == "multipart/form-data" {
        (3, MediaKind::Multipart)
    } else if essence.starts_with("text/") {
        (4, MediaKind::Text(essence))
    } else if essence == "*/*" {
        (5, MediaKind::Json)
    } else {
        (6, MediaKind::Binary(essence))
    }
}

fn default_type_for(kind: &MediaKind) -> TypeRef {
    match kind {
        MediaKind::Json | MediaKind::Form | MediaKind::Multipart => TypeRef::Json,
        MediaKind::Text(_) => TypeRef::String,
        MediaKind::Binary(_) => TypeRef::Bytes,
    }
}

/// The variant name of a status in the success or error enum.
fn status_variant(status: StatusMatch) -> String {
    match status {
        StatusMatch::Default => "Default".to_string(),
        StatusMatch::Range(range) => format!("Status{range}xx"),
        StatusMatch::Code(code) => match reqwest_reason(code) {
            Some(reason) => pascal_ident(reason),
            None => format!("Status{code}"),
        },
    }
}

/// Canonical reason phrases (RFC 9110 and common extensions).
fn reqwest_reason(code: u16) -> Option<&'static str> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthesized_ids() {
        assert_eq!(
            synthesized_operation_id(Method::Get, "/pets/{petId}/toys"),
            "get_pets_by_pet_id_toys"
        );
        assert_eq!(synthesized_operation_id(Method::Post, "/"), "post");
    }
}
