//! Unions (`oneOf`/`anyOf`): tagged ones decode by their tag and keep
//! unknown tags; untagged ones take the first variant that decodes.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{code, doc_attrs};
use super::rust_types::maybe_boxed;
use super::{Context, SerdeTraits, extra_derives, rust_type, serde_crate, type_ident};
use crate::ir::{TypeDef, TypeId, TypeRef, Union, UnionVariant};
use crate::lower::UNKNOWN_VARIANT;

fn variant_decl(cx: &Context<'_>, union: &Union, v: &UnionVariant, serialize: bool) -> TokenStream {
    let variant = format_ident!("{}", v.rust_name);
    let tag_doc = match (&union.tag, v.tag_values.as_slice()) {
        (Some(tag), [value]) => Some(format!("{}: {}.", code(tag), code(value))),
        (Some(tag), values) if !values.is_empty() => Some(format!(
            "{}: {}.",
            code(tag),
            values
                .iter()
                .map(|v| code(v))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        _ => None,
    };
    let doc = doc_attrs([v.doc.as_deref(), tag_doc.as_deref()]);
    if v.ty == TypeRef::Unit && v.tag_stripped {
        return quote!(#doc #variant,);
    }
    let ty = maybe_boxed(rust_type(cx.api, &v.ty), v.boxed);
    // Only untagged unions derive `Serialize`; a tagged one's variants are objects.
    let serialize_with = super::rust_types::serialize_with(cx.api, &v.ty)
        .filter(|_| serialize && union.tag.is_none())
        .map(|with| quote!(#[serde(#with)]));
    quote!(#doc #serialize_with #variant(#ty),)
}

pub fn emit_union(
    cx: &Context<'_>,
    id: TypeId,
    def: &TypeDef,
    union: &Union,
    gate: &TokenStream,
) -> TokenStream {
    let serde = SerdeTraits::of(cx, id);
    let name = type_ident(&def.name);
    let variant_decls: Vec<TokenStream> = union
        .variants
        .iter()
        .map(|v| variant_decl(cx, union, v, serde.serialize))
        .collect();
    let (extra, attributes) = extra_derives(cx, &def.name);
    let Some(tag) = &union.tag else {
        let doc = doc_attrs([def.doc.as_deref()]);
        let mut derives = vec![quote!(Clone), quote!(Debug), quote!(PartialEq)];
        derives.extend(serde.derives());
        derives.extend(extra);
        let serde_attrs = serde.any().then(|| {
            let crate_attr = serde_crate();
            quote!(#crate_attr #[serde(untagged)])
        });
        return quote! {
            #doc
            #gate
            #[derive(#(#derives),*)]
            #serde_attrs
            #attributes
            #[non_exhaustive]
            pub enum #name {
                #(#variant_decls)*
            }
        };
    };
    // Tagged: decode by the tag; an unknown tag is kept as raw JSON
    // instead of failing, and encodes back unchanged.
    let unknown = format_ident!("{}", UNKNOWN_VARIANT);
    let serialize_impl = serde.serialize.then(|| {
        let arms = union.variants.iter().map(|v| encode_arm(tag, v));
        quote! {
            #gate
            impl Serialize for #name {
                fn serialize<S: runtime::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    match self {
                        #(#arms)*
                        Self::#unknown(value) => value.serialize(serializer),
                    }
                }
            }
        }
    });
    let deserialize_impl = serde.deserialize.then(|| {
        let arms = union.variants.iter().map(|v| decode_arm(tag, v));
        quote! {
            #gate
            impl<'de> Deserialize<'de> for #name {
                fn deserialize<D: runtime::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = runtime::serde_json::Value::deserialize(deserializer)?;
                    match value.get(#tag).and_then(runtime::serde_json::Value::as_str) {
                        #(#arms)*
                        _ => Ok(Self::#unknown(value)),
                    }
                }
            }
        }
    });
    let tag_doc = format!("Selected by the {} property.", code(tag));
    let doc = doc_attrs([def.doc.as_deref(), Some(tag_doc.as_str())]);
    let unknown_doc = format!(
        " A {} value this client does not know; kept as sent.",
        code(tag)
    );
    let mut derives = vec![quote!(Clone), quote!(Debug), quote!(PartialEq)];
    derives.extend(extra);
    let unknown_doc = super::docs::doc_literal(&unknown_doc);
    quote! {
        #doc
        #gate
        #[derive(#(#derives),*)]
        #attributes
        #[non_exhaustive]
        pub enum #name {
            #(#variant_decls)*
            #[doc = #unknown_doc]
            #unknown(runtime::serde_json::Value),
        }

        #serialize_impl
        #deserialize_impl
    }
}

fn encode_arm(tag: &str, v: &UnionVariant) -> TokenStream {
    let variant = format_ident!("{}", v.rust_name);
    match (v.tag_stripped, v.tag_values.first()) {
        (true, Some(value)) if v.ty == TypeRef::Unit => {
            quote!(Self::#variant => runtime::encode_with_tag(serializer, #tag, #value, &()),)
        }
        (true, Some(value)) => {
            quote!(Self::#variant(inner) => runtime::encode_with_tag(serializer, #tag, #value, inner),)
        }
        _ => quote!(Self::#variant(inner) => inner.serialize(serializer),),
    }
}

fn decode_arm(tag: &str, v: &UnionVariant) -> TokenStream {
    let variant = format_ident!("{}", v.rust_name);
    let values = &v.tag_values;
    let value = if v.ty == TypeRef::Unit && v.tag_stripped {
        quote!(Ok(Self::#variant))
    } else {
        let wrap = if v.boxed {
            quote!(|inner| Self::#variant(Box::new(inner)))
        } else {
            quote!(Self::#variant)
        };
        if v.tag_stripped {
            quote!(runtime::decode_without_tag(value, #tag).map(#wrap))
        } else {
            quote!(runtime::decode_variant(value).map(#wrap))
        }
    };
    quote!(Some(#(#values)|*) => #value,)
}
