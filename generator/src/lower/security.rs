//! Security schemes → the client's typed credentials; operations' security
//! requirements.

use openapiv3::SecurityRequirement;

use super::Lowerer;
use crate::diagnostics::pointer_token;
use crate::ir::{ParamLocation, SecurityKind, SecurityScheme};
use crate::names::{NameScope, snake_ident};

/// The client methods a scheme's setters take.
pub(super) fn setter_names(scheme: &SecurityScheme) -> Vec<String> {
    let base = format!("with_{}", scheme.rust_name);
    match &scheme.kind {
        SecurityKind::OAuth2 {
            token_url: Some(_), ..
        } => vec![
            base.clone(),
            format!("{base}_tokens"),
            format!("{base}_client_credentials"),
        ],
        SecurityKind::OAuth2 { .. } | SecurityKind::Bearer => {
            vec![base.clone(), format!("{base}_tokens")]
        }
        _ => vec![base],
    }
}

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
            let scheme = match self.resolve(scheme, &pointer) {
                Ok((scheme, _)) => scheme,
                Err(err) => {
                    self.warn(&pointer, format!("{err}; the scheme is skipped"));
                    continue;
                }
            };
            let Some((kind, description)) = self.scheme_kind(scheme, &pointer) else {
                continue;
            };
            schemes.push(SecurityScheme {
                name: name.clone(),
                rust_name: scope.claim(&snake_ident(name)),
                doc: description,
                kind,
            });
        }
        schemes
    }

    fn scheme_kind(
        &mut self,
        scheme: &'a openapiv3::SecurityScheme,
        pointer: &str,
    ) -> Option<(SecurityKind, Option<String>)> {
        use openapiv3::SecurityScheme as S;
        Some(match scheme {
            S::APIKey {
                location,
                name,
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
                        name: name.clone(),
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
                    self.warn(pointer, format!("HTTP auth scheme `{other}` is not supported; operations needing only it are sent without it"));
                    return None;
                }
            },
            S::OAuth2 {
                flows, description, ..
            } => {
                let credentials = flows.client_credentials.as_ref();
                (
                    SecurityKind::OAuth2 {
                        token_url: credentials.map(|c| c.token_url.clone()),
                        scopes: credentials
                            .map(|c| c.scopes.keys().cloned().collect())
                            .unwrap_or_default(),
                    },
                    description.clone(),
                )
            }
            // An access token sent as a bearer token; how it is obtained is
            // the caller's business (or a token provider's).
            S::OpenIDConnect { description, .. } => (SecurityKind::Bearer, description.clone()),
        })
    }

    pub(super) fn operation_security(
        &mut self,
        operation: &'a openapiv3::Operation,
        schemes: &[SecurityScheme],
        pointer: &str,
    ) -> Vec<Vec<String>> {
        match &operation.security {
            Some(requirements) => {
                self.lower_security(requirements, schemes, &format!("{pointer}/security"))
            }
            None => match &self.doc.security {
                Some(requirements) => self.lower_security(requirements, schemes, "#/security"),
                None => Vec::new(),
            },
        }
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
