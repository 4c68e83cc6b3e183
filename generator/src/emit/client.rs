//! The `Client` type: constructors, settings, and one typed credential
//! setter per security scheme.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Context;
use super::docs::{code, doc_attrs, own_line};
use crate::features::User;
use crate::ir::{ParamLocation, SecurityKind, SecurityScheme};

pub fn emit_client(cx: &Context<'_>) -> TokenStream {
    let api = cx.api;
    let title = format!(
        " Client for {} (API version {}).",
        super::docs::inline_prose(&api.title),
        super::docs::inline_prose(&api.version)
    );
    let description = api
        .description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .map(|d| {
            let lines = doc_attrs([Some(d)]);
            quote!(#[doc = ""] #lines)
        });
    let constructors = constructors(cx);
    let default_impl = (!api.servers.is_empty()).then(|| {
        quote! {
            impl Default for Client {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    });
    let scheme_statics = api.security_schemes.iter().filter_map(|scheme| {
        let users = scheme_users(cx, scheme);
        (!users.is_empty()).then(|| {
            let gate = cx.gates.used_by(users);
            let item = scheme_static(scheme);
            quote!(#gate #item)
        })
    });
    let setters = api.security_schemes.iter().map(credential_setters);
    let idempotency_doc = match &api.idempotency_header {
        Some(header) => format!(" Sends a fresh key in {} (the header this API documents) with every POST and PATCH that does not set one, the same on every retry of a call; those calls then retry like idempotent ones.", code(header)),
        None => " Sends a fresh key in `Idempotency-Key` with every POST and PATCH that does not set one, the same on every retry of a call; those calls then retry like idempotent ones.".to_string(),
    };
    let idempotency_header = api
        .idempotency_header
        .as_deref()
        .unwrap_or("Idempotency-Key");
    let title = super::docs::doc_literal(&title);
    let idempotency_doc = super::docs::doc_literal(&idempotency_doc);
    quote! {
        #[doc = #title]
        #description
        #[derive(Clone, Debug)]
        pub struct Client {
            core: runtime::ClientCore,
        }

        #default_impl

        #(#scheme_statics)*

        impl Client {
            #constructors

            /// A client for another base URL (a test server, a region, a proxy).
            pub fn with_base_url(base_url: impl Into<String>) -> Self {
                Self { core: runtime::ClientCore::new(base_url) }
            }

            /// Sends requests through this `reqwest::Client` (proxies, TLS, pools).
            pub fn with_http_client(mut self, http: runtime::reqwest::Client) -> Self {
                self.core.set_http_client(http);
                self
            }

            /// Gives up on an attempt after this long (none by default: the deadline applies).
            pub fn with_timeout(mut self, timeout: std::time::Duration) -> Self {
                self.core.set_timeout(Some(timeout));
                self
            }

            /// Limits each call, retries and waits included (60 s by default; `None` for no limit).
            pub fn with_deadline(mut self, deadline: Option<std::time::Duration>) -> Self {
                self.core.set_deadline(deadline);
                self
            }

            /// Limits how long a streamed body may go without data (30 s by default).
            pub fn with_idle_timeout(mut self, idle: Option<std::time::Duration>) -> Self {
                self.core.set_idle_timeout(idle);
                self
            }

            /// Limits the size of a body read into memory, and of each event or record of a stream (32 MiB by default).
            pub fn with_max_body_size(mut self, bytes: u64) -> Self {
                self.core.set_max_body_size(bytes);
                self
            }

            /// Replaces the retry policy (see [`runtime::RetryPolicy`]).
            pub fn with_retry_policy(mut self, retry: runtime::RetryPolicy) -> Self {
                self.core.set_retry_policy(retry);
                self
            }

            /// Runs `hook` around every attempt of every call (see [`runtime::Hook`]).
            pub fn with_hook(mut self, hook: impl runtime::Hook) -> Self {
                self.core.add_hook(std::sync::Arc::new(hook));
                self
            }

            #[doc = #idempotency_doc]
            pub fn with_idempotency_keys(mut self) -> Self {
                self.core.set_idempotency_header(Some(#idempotency_header));
                self
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.core.base_url()
            }

            /// The shared client state (settings, credentials, hooks).
            pub fn core(&self) -> &runtime::ClientCore {
                &self.core
            }

            #(#setters)*
        }
    }
}

/// `new` (the first server) and, for a server with variables, `server_url`.
fn constructors(cx: &Context<'_>) -> TokenStream {
    let Some(server) = cx.api.servers.first() else {
        return TokenStream::new();
    };
    let url = &server.url;
    let url_doc = if server.template == server.url {
        format!(" The first server the spec lists: {}.", code(url))
    } else {
        format!(
            " The first server the spec lists, {}, with its variables' defaults.",
            code(&server.template)
        )
    };
    let server_url = (!server.variables.is_empty()).then(|| {
        let args = server.variables.iter().map(|v| {
            let name = super::ident(&v.rust_name);
            quote!(#name: &str)
        });
        let replaces = server.variables.iter().map(|v| {
            let name = super::ident(&v.rust_name);
            let placeholder = format!("{{{}}}", v.name);
            quote!(.replace(#placeholder, #name))
        });
        let template = &server.template;
        let docs: Vec<String> = server
            .variables
            .iter()
            .map(|v| {
                let values = if v.values.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (one of {})",
                        v.values
                            .iter()
                            .map(|x| code(x))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                format!(
                    "- `{}`: default {}{values}. {}",
                    v.rust_name,
                    code(&v.default),
                    v.doc.as_deref().unwrap_or("")
                )
            })
            .collect();
        let mut doc = own_line(&format!(
            "The first server's URL with its variables set ({}), for [`Client::with_base_url`]:",
            code(template)
        ));
        doc.extend(doc_attrs([Some(docs.join("\n").as_str())]));
        quote! {
            #doc
            pub fn server_url(#(#args),*) -> String {
                #template.to_string()#(#replaces)*
            }
        }
    });
    let url_doc = super::docs::doc_literal(&url_doc);
    quote! {
        #[doc = #url_doc]
        pub const DEFAULT_BASE_URL: &'static str = #url;

        /// A client for [`Self::DEFAULT_BASE_URL`].
        pub fn new() -> Self {
            Self::with_base_url(Self::DEFAULT_BASE_URL)
        }

        #server_url
    }
}

/// The operations that name a scheme, whose statics refer to its own: a
/// scheme gets a static only when some operation uses it (the setters
/// exist for every scheme, so credentials can be set either way).
fn scheme_users(cx: &Context<'_>, scheme: &SecurityScheme) -> Vec<User> {
    cx.api
        .operations
        .iter()
        .enumerate()
        .filter(|(_, op)| {
            op.security
                .iter()
                .flatten()
                .any(|name| *name == scheme.name)
        })
        .map(|(index, _)| User::Operation(index))
        .collect()
}

pub(super) fn scheme_static_ident(scheme: &SecurityScheme) -> proc_macro2::Ident {
    format_ident!(
        "{}_SCHEME",
        heck::ToShoutySnakeCase::to_shouty_snake_case(scheme.rust_name.as_str())
    )
}

fn scheme_static(scheme: &SecurityScheme) -> TokenStream {
    let ident = scheme_static_ident(scheme);
    let name = &scheme.name;
    let kind = match &scheme.kind {
        SecurityKind::Bearer | SecurityKind::OAuth2 { .. } => quote!(runtime::SchemeKind::Bearer),
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
    let doc = format!(" The {} security scheme.", code(name));
    let doc = super::docs::doc_literal(&doc);
    quote! {
        #[doc = #doc]
        static #ident: runtime::SecurityScheme = runtime::SecurityScheme { name: #name, kind: #kind };
    }
}

fn credential_setters(scheme: &SecurityScheme) -> TokenStream {
    let setter = format_ident!("with_{}", scheme.rust_name);
    let name = &scheme.name;
    let scheme_doc = doc_attrs([scheme.doc.as_deref()]);
    let scheme_doc = (!scheme_doc.is_empty()).then(|| quote!(#[doc = ""] #scheme_doc));
    let (what, params, credential) = match &scheme.kind {
        SecurityKind::Bearer | SecurityKind::OAuth2 { .. } => (
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
                "an API key, sent in the {} {}",
                code(key_name),
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
    let summary = format!(" Sets the {} credential: {what}.", code(name));
    let summary = super::docs::doc_literal(&summary);
    let mut out = quote! {
        #[doc = #summary]
        #scheme_doc
        pub fn #setter(mut self, #params) -> Self {
            self.core.set_credential(#name, #credential);
            self
        }
    };
    if matches!(
        scheme.kind,
        SecurityKind::Bearer | SecurityKind::OAuth2 { .. }
    ) {
        let tokens = format_ident!("with_{}_provider", scheme.rust_name);
        let doc = format!(
            " Sets the {} credential: bearer tokens from `provider`, which is asked for a new one when the API answers 401 (once per call).",
            code(name)
        );
        let doc = super::docs::doc_literal(&doc);
        out.extend(quote! {
            #[doc = #doc]
            pub fn #tokens(mut self, provider: impl runtime::TokenProvider) -> Self {
                self.core.set_credential(#name, runtime::Credential::Tokens(std::sync::Arc::new(provider)));
                self
            }
        });
    }
    if let SecurityKind::OAuth2 {
        token_url: Some(token_url),
        scopes,
    } = &scheme.kind
    {
        let tokens_setter = format_ident!("with_{}_provider", scheme.rust_name);
        let setter = format_ident!("with_{}_client_credentials", scheme.rust_name);
        let doc = format!(
            " Sets the {} credential: OAuth2 client credentials, exchanged at {} for tokens (with every scope the flow lists), cached and refreshed as they expire.",
            code(name),
            code(token_url)
        );
        let token_url = super::docs::string_literal(token_url);
        let scopes = scopes
            .iter()
            .map(|scope| super::docs::string_literal(scope));
        let doc = super::docs::doc_literal(&doc);
        out.extend(quote! {
            #[doc = #doc]
            pub fn #setter(self, client_id: impl Into<String>, client_secret: impl Into<runtime::Secret>) -> Self {
                let http = self.core.http_client().cloned();
                let mut tokens = runtime::ClientCredentials::new(#token_url, client_id, client_secret)
                    .with_scopes::<&str>([#(#scopes),*]);
                if let Some(http) = http {
                    tokens = tokens.with_http_client(http);
                }
                self.#tokens_setter(tokens)
            }
        });
    }
    out
}
