//! Security schemes as generated code declares them, and the credentials a client holds.

use std::fmt;
use std::sync::Arc;

use super::{Secret, TokenProvider};

/// Where an API key goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// The kind of a security scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemeKind {
    /// A token sent as `Authorization: Bearer <token>` (HTTP bearer, OAuth2, OpenID Connect).
    Bearer,
    /// HTTP basic authentication.
    Basic,
    /// An API key named `name` sent in `location`.
    ApiKey {
        /// Where the key goes.
        location: ApiKeyLocation,
        /// The header, query parameter or cookie name.
        name: &'static str,
    },
}

/// One entry of `components.securitySchemes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecurityScheme {
    /// The scheme's key in `components.securitySchemes`.
    pub name: &'static str,
    /// How the credential is sent.
    pub kind: SchemeKind,
}

/// One alternative of an operation's `security`: all listed schemes together. An empty slice
/// means "anonymous is allowed".
pub type SecurityRequirement = &'static [&'static SecurityScheme];

/// A credential set on the client. `Debug` never shows a secret.
#[derive(Clone)]
#[non_exhaustive]
pub enum Credential {
    /// A bearer token.
    Bearer(Secret),
    /// A user name and password for basic authentication.
    Basic {
        /// The user name (not treated as secret).
        username: String,
        /// The password.
        password: Secret,
    },
    /// An API key.
    ApiKey(Secret),
    /// Bearer tokens fetched (and refreshed) by a provider, such as OAuth2 client credentials.
    Tokens(Arc<dyn TokenProvider>),
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Bearer(token) => f.debug_tuple("Bearer").field(token).finish(),
            Credential::Basic { username, password } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", password)
                .finish(),
            Credential::ApiKey(key) => f.debug_tuple("ApiKey").field(key).finish(),
            Credential::Tokens(_) => f.write_str("Tokens(..)"),
        }
    }
}

impl Credential {
    /// Whether this credential can be used for a scheme of `kind`.
    pub(crate) fn fits(&self, kind: &SchemeKind) -> bool {
        matches!(
            (self, kind),
            (
                Credential::Bearer(_) | Credential::Tokens(_),
                SchemeKind::Bearer
            ) | (Credential::Basic { .. }, SchemeKind::Basic)
                | (Credential::ApiKey(_), SchemeKind::ApiKey { .. })
        )
    }
}
