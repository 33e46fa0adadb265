//! `#[derive(Record)]`, re-exported as `rulec::Record` (feature `derive`):
//! implements `rulec::records::Bind` for a struct with named fields, so that
//! it binds to a program's fields once and is then written by slot.
//!
//! Field attributes: `#[rulec(unit = "g/dL")]` (the unit a quantity is
//! stored in by the struct), `#[rulec(rename = "birth_date")]` (the rule
//! file's name, when the Rust one differs), `#[rulec(id)]` (the record's id:
//! not a field of the rules), `#[rulec(skip)]` (not written). The type of
//! each field says what it binds to; see `rulec::records::Value`.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::{format_ident, quote};
use syn::{Data, DeriveInput, Fields, LitStr, parse_macro_input};

/// Implements `rulec::records::Bind` for a struct with named fields.
#[proc_macro_derive(Record, attributes(rulec))]
pub fn derive_record(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// What the attributes of one field say.
#[derive(Default)]
struct FieldAttrs {
    unit: Option<LitStr>,
    rename: Option<LitStr>,
    id: bool,
    skip: bool,
}

fn attrs(field: &syn::Field) -> syn::Result<FieldAttrs> {
    let mut out = FieldAttrs::default();
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("rulec")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("unit") {
                out.unit = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("rename") {
                out.rename = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("id") {
                out.id = true;
            } else if meta.path.is_ident("skip") {
                out.skip = true;
            } else {
                return Err(meta.error("expected `unit = \"…\"`, `rename = \"…\"`, `id` or `skip`"));
            }
            Ok(())
        })?;
    }
    Ok(out)
}

fn expand(input: &DeriveInput) -> syn::Result<Tokens> {
    let name = &input.ident;
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "#[derive(rulec::Record)] takes a struct without generic parameters",
        ));
    }
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            name,
            "#[derive(rulec::Record)] takes a struct with named fields",
        ));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new_spanned(
            name,
            "#[derive(rulec::Record)] takes a struct with named fields",
        ));
    };
    let handles = format_ident!("__RulecHandles{}", name);
    let (mut decls, mut binds, mut writes) = (Vec::new(), Vec::new(), Vec::new());
    let mut id = None;
    for field in &fields.named {
        let Some(ident) = &field.ident else { continue };
        let a = attrs(field)?;
        let ty = &field.ty;
        if a.id {
            if id.is_some() {
                return Err(syn::Error::new_spanned(
                    ident,
                    "only one field can be `#[rulec(id)]`",
                ));
            }
            id = Some(
                quote! { ::core::option::Option::Some(::rulec::records::RecordId::record_id(&self.#ident)) },
            );
            continue;
        }
        if a.skip {
            continue;
        }
        let rule_name = a
            .rename
            .unwrap_or_else(|| LitStr::new(&ident.to_string(), ident.span()));
        let unit = match a.unit {
            Some(u) => quote! { ::core::option::Option::Some(#u) },
            None => quote! { ::core::option::Option::None },
        };
        decls.push(quote! { #ident: <#ty as ::rulec::records::Value>::Handle<'s> });
        binds.push(
            quote! { #ident: <#ty as ::rulec::records::Value>::bind(fields, #rule_name, #unit) },
        );
        writes.push(quote! {
            ::rulec::records::Value::write(&self.#ident, &handles.#ident, record, errors);
        });
    }
    let id = id.unwrap_or_else(|| quote! { ::core::option::Option::None });
    let vis = &input.vis;
    Ok(quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types, missing_docs)]
        #vis struct #handles<'s> {
            #(#decls,)*
            // The lifetime is used even by a type with no bound fields.
            __rulec_schema: ::core::marker::PhantomData<&'s ()>,
        }

        impl ::rulec::records::Bind for #name {
            type Handles<'s> = #handles<'s>;

            fn bind<'s>(fields: &mut ::rulec::records::Binder<'s>) -> #handles<'s> {
                #handles {
                    #(#binds,)*
                    __rulec_schema: ::core::marker::PhantomData,
                }
            }

            #[inline]
            fn write(
                &self,
                handles: &#handles<'_>,
                record: &mut ::rulec::records::Writer<'_>,
                errors: &mut ::std::vec::Vec<::rulec::records::FieldError>,
            ) {
                let _ = (handles, &record, &errors);
                #(#writes)*
            }

            fn id(&self) -> ::core::option::Option<&str> {
                #id
            }
        }
    })
}
