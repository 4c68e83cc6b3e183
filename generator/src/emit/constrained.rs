//! Scalars and lists with constraints of their own (`Name: {type: string,
//! maxLength: 63, pattern: ...}`): a newtype that checks them when a value
//! is made (`new`, `TryFrom`, `FromStr`), and again before it is sent.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::validate::checks_for;
use super::{Context, SerdeTraits, extra_derives, rust_type, serde_crate, type_ident};
use crate::ir::{Constrained, TypeDef, TypeId, TypeRef};

pub fn emit_constrained(
    cx: &Context<'_>,
    id: TypeId,
    def: &TypeDef,
    c: &Constrained,
    gate: &TokenStream,
) -> TokenStream {
    let serde = SerdeTraits::of(cx, id);
    let name = type_ident(&def.name);
    let inner = rust_type(cx.api, &c.inner);
    let rules = describe(&c.constraints);
    let rules_doc = format!("Checked when a value is made: {rules}.");
    let doc = doc_attrs([def.doc.as_deref(), Some(rules_doc.as_str())]);
    let type_name = &def.name;
    let checks = checks_for(cx, &c.inner, &c.constraints, quote!(value), &quote!(path));
    let checks = (!checks.is_empty()).then(|| quote!(let value = &self.0; #checks));
    let is_text = c.inner == TypeRef::String;
    let is_integer = matches!(c.inner, TypeRef::Integer(_));
    let mut derives = vec![quote!(Clone), quote!(Debug), quote!(PartialEq)];
    if is_text || is_integer {
        derives.extend([quote!(Eq), quote!(Hash), quote!(PartialOrd), quote!(Ord)]);
    }
    derives.extend(serde.derives());
    let (extra, attributes) = extra_derives(cx, &def.name);
    derives.extend(extra);
    let serde_attrs = serde.any().then(|| {
        let crate_attr = serde_crate();
        quote!(#crate_attr #[serde(transparent)])
    });
    let text_impls = is_text.then(|| {
        quote! {
            #gate
            impl TryFrom<&str> for #name {
                type Error = runtime::ValidationError;
                fn try_from(value: &str) -> Result<Self, Self::Error> {
                    Self::new(value)
                }
            }

            #gate
            impl std::str::FromStr for #name {
                type Err = runtime::ValidationError;
                fn from_str(value: &str) -> Result<Self, Self::Err> {
                    Self::new(value)
                }
            }

            #gate
            impl AsRef<str> for #name {
                fn as_ref(&self) -> &str {
                    &self.0
                }
            }
        }
    });
    let display =
        (is_text || matches!(c.inner, TypeRef::Integer(_) | TypeRef::Float(_))).then(|| {
            quote! {
                #gate
                impl std::fmt::Display for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        self.0.fmt(f)
                    }
                }
            }
        });
    quote! {
        #doc
        #gate
        #[derive(#(#derives),*)]
        #serde_attrs
        #attributes
        pub struct #name(#inner);

        #gate
        impl #name {
            /// The value, if it meets the constraints.
            pub fn new(value: impl Into<#inner>) -> Result<Self, runtime::ValidationError> {
                let value = Self(value.into());
                runtime::Validate::validate(&value, #type_name)?;
                Ok(value)
            }

            /// The value inside.
            pub fn into_inner(self) -> #inner {
                self.0
            }
        }

        #gate
        impl std::ops::Deref for #name {
            type Target = #inner;
            fn deref(&self) -> &#inner {
                &self.0
            }
        }

        #gate
        impl TryFrom<#inner> for #name {
            type Error = runtime::ValidationError;
            fn try_from(value: #inner) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        #gate
        impl From<#name> for #inner {
            fn from(value: #name) -> Self {
                value.0
            }
        }

        #gate
        impl runtime::Validate for #name {
            fn validate(&self, path: &str) -> Result<(), runtime::ValidationError> {
                #checks
                Ok(())
            }
        }

        #text_impls
        #display
    }
}

/// The constraints in words, for the type's documentation.
fn describe(c: &crate::ir::Constraints) -> String {
    let mut rules = Vec::new();
    let mut push = |name: &str, value: Option<String>| {
        if let Some(value) = value {
            rules.push(format!("`{name}` {value}"));
        }
    };
    push("minLength", c.min_length.map(|n| n.to_string()));
    push("maxLength", c.max_length.map(|n| n.to_string()));
    push("pattern", c.pattern.as_ref().map(|p| super::docs::code(p)));
    let min_name = if c.exclusive_minimum {
        "exclusiveMinimum"
    } else {
        "minimum"
    };
    push(min_name, c.minimum.map(|n| n.to_string()));
    let max_name = if c.exclusive_maximum {
        "exclusiveMaximum"
    } else {
        "maximum"
    };
    push(max_name, c.maximum.map(|n| n.to_string()));
    push("multipleOf", c.multiple_of.map(|n| n.to_string()));
    push("minItems", c.min_items.map(|n| n.to_string()));
    push("maxItems", c.max_items.map(|n| n.to_string()));
    if c.items.is_some() {
        rules.push("constraints on each item".into());
    }
    rules.join(", ")
}
