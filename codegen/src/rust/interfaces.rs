//! WAMP interfaces → a module each: URI constants, a `Caller`, a `Callee` trait with
//! `register` functions and a `CalleeBuilder` of closures, and a `Subscriber` trait with
//! `subscribe` functions and a `SubscriberBuilder` of closures.
//!
//! Placeholders become typed parameters: prefix placeholders on `Caller::new`, method
//! placeholders on each method; callees and subscribers receive all of them, read from
//! the concrete URI, after the invocation's or event's context (`ctx`). A request or
//! response that is `Void` disappears from signatures, and one with a single positional
//! field is presented as that field's value.
//!
//! A trait registers or subscribes every method; a builder only those given to it, so that
//! the router routes to a service only what it serves, without guessing at run time which
//! trait methods were overridden.
//!
//! A procedure that declares errors (`raises`) fails with its error enum on both sides; one
//! that streams (`stream`) takes or gives its items as typed streams: a caller passes any
//! `Stream` of request tables and gets `Items` of response tables, a callee reads `Items` and
//! sends through an `ItemSink` (items are always their table, never flattened).

use proc_macro2::TokenStream;
use quote::quote;
use wamp_idl::locations::Item;
use wamp_idl::model::{
    Field, Interface, Method, MethodKind, Object, Payload, Placeholder, PlaceholderType, Stream,
};

use super::context::{Context, TargetModule};
use super::docs::{doc_attributes, payload_layout};
use super::errors::{self, ErrorEnum};
use super::names::{Renamed, Scope, const_name, ident, value_name};
use super::print::{Container, Enclosing, Piece};
use crate::Error;

/// A method's request or response as it appears in signatures.
enum Shape<'a> {
    /// No args, no kwargs: no parameter, `()` result.
    Void,
    /// One positional field of the table: its value.
    Flattened(&'a Object, &'a Field),
    /// The table itself.
    Table,
}

/// What a method looks like in Rust, worked out once per interface for all its parts
/// (every Rust name of it too, so that collisions are settled before any part is made).
pub struct MethodSignature<'a> {
    method: &'a Method,
    /// The name of the method in the `Callee` or `Subscriber` trait.
    name: String,
    /// The name of the `Caller` method (`publish_…` for a topic).
    caller_name: String,
    /// The name of the `URI_…` constant.
    uri_const: String,
    /// Every placeholder of the full URI: the prefix's first, then the method's own.
    placeholders: Vec<&'a Placeholder>,
    /// The parameter name of each placeholder, in the same order.
    placeholder_names: Vec<String>,
    /// How many of `placeholders` belong to the prefix.
    prefix_placeholders: usize,
    request: Shape<'a>,
    response: Shape<'a>,
    /// The parameter name of the request (`request`, `event` or the flattened field's).
    request_name: String,
    /// The enum of the errors a procedure declares, if it declares any.
    errors: Option<ErrorEnum<'a>>,
}

/// The sections of an interface's module, each generated on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// `UUID`, `PREFIX` and a `URI_*` per method.
    Constants,
    /// The enum of the errors of each procedure that declares some (both sides use them).
    Errors,
    /// The `Caller`, when the options ask for the caller side.
    Caller,
    /// The `Callee` trait and its `register` functions, when the options ask for the callee side.
    Callee,
    /// The `Subscriber` trait and its `subscribe` functions, with the callee side.
    Subscriber,
}

impl Section {
    /// Every section, in the order of the module.
    pub const ALL: [Section; 5] = [
        Section::Constants,
        Section::Errors,
        Section::Caller,
        Section::Callee,
        Section::Subscriber,
    ];
}

/// The interface's module, empty: its documentation and `pub mod` line.
pub fn interface_module(context: &Context<'_>, interface: &Interface) -> TokenStream {
    let module = context.names.interface(&interface.name);
    let prefix_text = &interface.prefix.text;
    let mut about = format!(
        "WAMP interface `{}` under the prefix `{prefix_text}`",
        interface.name
    );
    if let Some(uuid) = &interface.uuid {
        about.push_str(&format!(" (UUID `{uuid}`)"));
    }
    about.push('.');
    let docs = doc_attributes(
        &interface.docs,
        &format!("The WAMP interface `{}`.", interface.name),
        &[about],
    );
    quote! {
        #docs
        pub mod #module {}
    }
}

/// The signatures of an interface's methods, with Rust names that do not collide; the
/// renamings that took are added to `renamed`.
pub fn signatures<'a>(
    context: &Context<'a>,
    interface: &'a Interface,
    renamed: &mut Vec<Renamed>,
) -> Result<Vec<MethodSignature<'a>>, Error> {
    let mut scopes = MethodScopes {
        methods: Scope::with_reserved(&BUILDER_METHODS),
        caller: Scope::with_reserved(&CALLER_METHODS),
        subscriber: Scope::with_reserved(&["on_invalid_event"]),
        constants: Scope::with_reserved(&["UUID", "PREFIX"]),
        types: Scope::with_reserved(&[
            "Caller",
            "Callee",
            "Subscriber",
            "CalleeBuilder",
            "SubscriberBuilder",
        ]),
        prefix: prefix_placeholder_names(interface, renamed),
    };
    interface
        .methods
        .iter()
        .map(|method| signature(context, interface, method, &mut scopes, renamed))
        .collect()
}

/// The methods `CalleeBuilder` and `SubscriberBuilder` have besides one per procedure or topic.
const BUILDER_METHODS: [&str; 5] = ["new", "with_prefix", "register", "subscribe", "on_invalid_event"];

/// The name of the context parameter of `Callee` and `Subscriber` methods and of builder
/// closures, which no placeholder or request parameter takes.
const CONTEXT_PARAMETER: &str = "ctx";

/// The name of the items a procedure with `stream: "in"` or `"inout"` takes in place of its
/// request (caller and handler side), which no placeholder takes.
const ITEMS_PARAMETER: &str = "items";

/// The name of the sink a handler of a procedure with `stream: "out"` or `"inout"` sends its
/// results through, which no placeholder or request parameter takes.
const RESULTS_PARAMETER: &str = "results";

/// The methods `Caller` has besides one per procedure and topic.
const CALLER_METHODS: [&str; 5] = [
    "new",
    "with_prefix",
    "with_call_options",
    "with_publish_options",
    "prefix",
];

/// The Rust scopes an interface's methods are named in.
struct MethodScopes {
    /// The `Callee` trait's procedures and the `Subscriber` trait's topics, one scope so
    /// that a procedure and a topic of one name are told apart everywhere.
    methods: Scope,
    caller: Scope,
    subscriber: Scope,
    /// The module's constants.
    constants: Scope,
    /// The module's types besides `Caller`, the traits and the builders: error enums.
    types: Scope,
    /// The parameter names of the prefix's placeholders, beside `session` in
    /// `Caller::new`.
    prefix: Vec<String>,
}

fn prefix_placeholder_names(interface: &Interface, renamed: &mut Vec<Renamed>) -> Vec<String> {
    let mut constructor = Scope::with_reserved(&["session"]);
    let item = uri_item(Item::Service(interface.name.clone()));
    interface
        .prefix
        .placeholders()
        .map(|placeholder| {
            constructor.claim(
                &value_name(&placeholder.name),
                &format!("placeholder `{}` of `{}`", placeholder.name, interface.name),
                item.clone(),
                renamed,
            )
        })
        .collect()
}

/// Where the URI of an interface or a method is written.
fn uri_item(owner: Item) -> Item {
    Item::Attribute(Box::new(owner), "wampuri".to_owned())
}

/// The items of one section of the interface's module.
pub fn interface_section<'a>(
    context: &'a Context<'_>,
    interface: &'a Interface,
    signatures: &'a [MethodSignature<'_>],
    here: &TargetModule<'a>,
    section: Section,
) -> Result<Vec<Piece<'a>>, Error> {
    match section {
        Section::Constants => Ok(vec![Piece::Container(constants(interface, signatures))]),
        Section::Errors => Ok(vec![Piece::Container(error_enums(context, signatures, here))]),
        Section::Caller if context.options.caller && !signatures.is_empty() => {
            caller(context, interface, signatures, here)
        }
        Section::Callee if context.options.callee => callee(context, interface, signatures, here),
        Section::Subscriber if context.options.callee => subscriber(context, interface, signatures, here),
        Section::Caller | Section::Callee | Section::Subscriber => Ok(Vec::new()),
    }
}

/// The signature at an index.
fn nth<'s, 'a>(
    signatures: &'s [MethodSignature<'a>],
    index: usize,
) -> Result<&'s MethodSignature<'a>, Error> {
    signatures
        .get(index)
        .ok_or_else(|| super::context::invalid_model(format!("no method {index}")))
}

/// The error enums of the procedures that declare errors, one member each.
fn error_enums<'a>(
    context: &'a Context<'_>,
    signatures: &'a [MethodSignature<'_>],
    here: &TargetModule<'a>,
) -> Container<'a> {
    let raising = signatures
        .iter()
        .filter(|signature| signature.errors.is_some())
        .collect::<Vec<_>>();
    let here = here.clone();
    Container {
        enclosings: &[],
        count: raising.len(),
        weight: 1,
        member: Box::new(move |index| {
            let signature = raising
                .get(index)
                .ok_or_else(|| super::context::invalid_model(format!("no error enum {index}")))?;
            Ok(signature
                .errors
                .as_ref()
                .map(|errors| errors::error_items(context, signature.method, errors, &here))
                .unwrap_or_default())
        }),
        shell: Box::new(|enums| enums),
    }
}

fn constants<'a>(interface: &'a Interface, signatures: &'a [MethodSignature<'_>]) -> Container<'a> {
    Container {
        enclosings: &[],
        count: signatures.len(),
        weight: 1,
        member: Box::new(move |index| {
            let signature = nth(signatures, index)?;
            let uri_const = ident(&signature.uri_const);
            let uri = &signature.method.uri.text;
            let what = kind_name(signature.method.kind);
            let docs = format!(" The URI of {what} `{}`.", signature.method.name);
            Ok(quote! {
                #[doc = #docs]
                pub const #uri_const: &str = #uri;
            })
        }),
        shell: Box::new(move |uri_constants| {
            let prefix_text = &interface.prefix.text;
            let uuid = interface.uuid.iter();
            quote! {
                #(
                    /// The interface UUID.
                    pub const UUID: &str = #uuid;
                )*
                /// The URI prefix of every method, placeholders as written in the schema.
                pub const PREFIX: &str = #prefix_text;
                #uri_constants
            }
        }),
    }
}

fn kind_name(kind: MethodKind) -> &'static str {
    match kind {
        MethodKind::Procedure => "procedure",
        MethodKind::Topic => "topic",
    }
}

fn signature<'a>(
    context: &Context<'a>,
    interface: &'a Interface,
    method: &'a Method,
    scopes: &mut MethodScopes,
    renamed: &mut Vec<Renamed>,
) -> Result<MethodSignature<'a>, Error> {
    let prefix_placeholders = interface.prefix.placeholders().collect::<Vec<_>>();
    let count = prefix_placeholders.len();
    let mut placeholders = prefix_placeholders;
    placeholders.extend(method.suffix.placeholders());
    let request = shape(context, &method.request)?;
    let response = shape(context, &method.response)?;
    let schema_name = format!("`{}.{}`", interface.name, method.name);
    let item = Item::Call(interface.name.clone(), method.name.clone());
    let name = scopes
        .methods
        .claim(&value_name(&method.name), &schema_name, item.clone(), renamed);
    let caller_name = match method.kind {
        MethodKind::Procedure => name.clone(),
        MethodKind::Topic => format!("publish_{name}"),
    };
    let caller_name = scopes
        .caller
        .claim(&caller_name, &schema_name, item.clone(), renamed);
    let name = match method.kind {
        MethodKind::Procedure => name,
        MethodKind::Topic => scopes
            .subscriber
            .claim(&name, &schema_name, item.clone(), renamed),
    };
    let uri_const = scopes.constants.claim(
        &format!("URI_{}", const_name(&method.name)),
        &schema_name,
        item.clone(),
        renamed,
    );
    // A method's own parameters never meet `session` (method bodies reach it through
    // `self.core`), but they meet the prefix's placeholders in handlers, and the items and sink
    // of a procedure that streams.
    let mut reserved = vec![CONTEXT_PARAMETER];
    if reads_items(method) {
        reserved.push(ITEMS_PARAMETER);
    }
    if sends_items(method) {
        reserved.push(RESULTS_PARAMETER);
    }
    let mut parameters = Scope::with_reserved(&reserved);
    let mut placeholder_names = Vec::with_capacity(placeholders.len());
    for (position, placeholder) in placeholders.iter().enumerate() {
        let wanted = scopes
            .prefix
            .get(position)
            .cloned()
            .unwrap_or_else(|| value_name(&placeholder.name));
        let owner = if position < count {
            Item::Service(interface.name.clone())
        } else {
            item.clone()
        };
        placeholder_names.push(parameters.claim(
            &wanted,
            &format!("placeholder `{}` of {schema_name}", placeholder.name),
            uri_item(owner),
            renamed,
        ));
    }
    let request_name = match (&request, method.kind) {
        (Shape::Flattened(table, field), _) => context.names.field(&table.name, &field.name),
        (_, MethodKind::Procedure) => "request".to_owned(),
        (_, MethodKind::Topic) => "event".to_owned(),
    };
    let request_name = if reads_items(method) {
        // The items stand in for the request, whose own name is then no parameter's.
        ITEMS_PARAMETER.to_owned()
    } else if matches!(request, Shape::Void) {
        request_name
    } else {
        parameters.claim(
            &request_name,
            &format!("the request of {schema_name}"),
            Item::CallRequest(interface.name.clone(), method.name.clone()),
            renamed,
        )
    };
    let errors = match method.kind {
        MethodKind::Procedure => errors::error_enum(interface, method, &mut scopes.types, renamed),
        MethodKind::Topic => None,
    };
    Ok(MethodSignature {
        method,
        name,
        caller_name,
        uri_const,
        placeholders,
        placeholder_names,
        prefix_placeholders: count,
        request,
        response,
        request_name,
        errors,
    })
}

/// Whether a procedure takes its call as items (`stream: "in"` or `"inout"`).
fn reads_items(method: &Method) -> bool {
    matches!(method.stream, Stream::In | Stream::InOut)
}

/// Whether a procedure sends its results as items (`stream: "out"` or `"inout"`).
fn sends_items(method: &Method) -> bool {
    matches!(method.stream, Stream::Out | Stream::InOut)
}

/// The error a callee's handler of a procedure fails with: its error enum, or a WAMP error.
fn callee_error(context: &Context<'_>, signature: &MethodSignature<'_>) -> TokenStream {
    let runtime = &context.runtime;
    match &signature.errors {
        Some(errors) => {
            let name = ident(&errors.name);
            quote!(#name)
        }
        None => quote!(#runtime::WampError),
    }
}

/// What a callee's handler of a procedure answers: nothing beyond its items when it sends
/// them, else its response.
fn callee_output(
    context: &Context<'_>,
    signature: &MethodSignature<'_>,
    here: &TargetModule<'_>,
) -> TokenStream {
    let method = signature.method;
    if sends_items(method) {
        quote!(())
    } else {
        shape_type(context, &method.response, &signature.response, here)
    }
}

fn shape<'a>(context: &Context<'a>, payload: &'a Payload) -> Result<Shape<'a>, Error> {
    let table = context.object(&payload.table)?;
    Ok(match (payload.args.as_slice(), payload.kwargs.is_empty()) {
        ([], true) => Shape::Void,
        ([only], true) => match table.field(only) {
            Some(field) => Shape::Flattened(table, field),
            None => {
                return Err(super::context::invalid_model(format!(
                    "the payload of `{}` names the field `{only}` the table lacks",
                    payload.table
                )));
            }
        },
        _ => Shape::Table,
    })
}

/// The Rust type of a request or response as signatures show it.
fn shape_type(
    context: &Context<'_>,
    payload: &Payload,
    shape: &Shape<'_>,
    here: &TargetModule<'_>,
) -> TokenStream {
    match shape {
        Shape::Void => quote!(()),
        Shape::Flattened(table, field) => context.field_type(here, table, field),
        Shape::Table => context.type_path(here, &payload.table),
    }
}

/// What code written against a method depends on, as text: its Rust name, then its
/// kind, placeholder parameters, request and result types (for the `rust` rules of
/// `breaking`, which compare them between two versions of a schema).
pub fn api_text(
    context: &Context<'_>,
    signature: &MethodSignature<'_>,
    here: &TargetModule<'_>,
) -> (String, String) {
    let method = signature.method;
    let placeholders = signature
        .placeholders
        .iter()
        .zip(&signature.placeholder_names)
        .map(|(placeholder, name)| placeholder_parameter(context, placeholder, name, true).to_string())
        .collect::<Vec<_>>();
    let request = shape_type(context, &method.request, &signature.request, here);
    let response = shape_type(context, &method.response, &signature.response, here);
    let mut text = format!(
        "{} ( {} ) {} : {request} -> {response}",
        kind_name(method.kind),
        placeholders.join(" , "),
        signature.request_name
    );
    if method.stream != Stream::None {
        text.push_str(&format!(" stream {}", method.stream.as_str()));
    }
    if let Some(errors) = &signature.errors {
        let variants = errors
            .variants
            .iter()
            .map(|(variant, error)| {
                format!("{variant} ( {} )", context.type_path(here, &error.payload.table))
            })
            .collect::<Vec<_>>();
        text.push_str(&format!(" raises {} {{ {} }}", errors.name, variants.join(" , ")));
    }
    (signature.name.clone(), text)
}

/// The placeholder as a parameter named `name`: caller side (`&str` for strings) or
/// handler side.
fn placeholder_parameter(
    context: &Context<'_>,
    placeholder: &Placeholder,
    name: &str,
    caller: bool,
) -> TokenStream {
    let runtime = &context.runtime;
    let name = ident(name);
    let ty = match (placeholder.ty, caller) {
        (PlaceholderType::String, true) => quote!(&str),
        (PlaceholderType::String, false) => quote!(::std::string::String),
        (PlaceholderType::Integer, _) => quote!(i64),
        (PlaceholderType::Uuid, _) => quote!(#runtime::Uuid),
    };
    quote!(#name: #ty)
}

/// The values of placeholders, by parameter name, as a caller passes them to the runtime:
/// `&[&node, &item]`.
fn placeholder_values(names: &[String]) -> TokenStream {
    let names = names.iter().map(|name| ident(name));
    quote!(&[#(&#names),*])
}

/// The docs of a method: the schema's, its URI and how its payloads travel.
fn method_docs(context: &Context<'_>, signature: &MethodSignature<'_>) -> Result<TokenStream, Error> {
    let method = signature.method;
    let what = kind_name(method.kind);
    let request = context.object(&method.request.table)?;
    let mut about = format!(
        "{} `{}`. {}: {}.",
        capitalized(what),
        method.uri.text,
        match method.kind {
            MethodKind::Procedure => "Request",
            MethodKind::Topic => "Event",
        },
        payload_layout(context, request)
    );
    if method.kind == MethodKind::Procedure {
        let response = context.object(&method.response.table)?;
        about.push_str(&format!(" Result: {}.", payload_layout(context, response)));
    }
    Ok(doc_attributes(
        &method.docs,
        &format!("The {what} `{}`.", method.name),
        &[about],
    ))
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The request a caller sends, made of its parameters: `()`, the table around the
/// flattened field, or the table parameter itself.
fn request_value(
    context: &Context<'_>,
    signature: &MethodSignature<'_>,
    here: &TargetModule<'_>,
) -> TokenStream {
    let request_name = ident(&signature.request_name);
    match &signature.request {
        Shape::Void => quote!(()),
        Shape::Flattened(object, field) => {
            let table = context.type_path(here, &signature.method.request.table);
            let field = ident(&context.names.field(&object.name, &field.name));
            if field == request_name {
                quote!(#table { #request_name })
            } else {
                quote!(#table { #field: #request_name })
            }
        }
        Shape::Table => quote!(#request_name),
    }
}

/// The `Caller` method of a procedure or topic.
fn caller_method(
    context: &Context<'_>,
    signature: &MethodSignature<'_>,
    here: &TargetModule<'_>,
) -> Result<TokenStream, Error> {
    let runtime = &context.runtime;
    let method = signature.method;
    let method_ident = ident(&signature.caller_name);
    let own = signature.prefix_placeholders..;
    let own_placeholders = signature.placeholders.get(own.clone()).unwrap_or_default();
    let own_names = signature.placeholder_names.get(own).unwrap_or_default();
    let mut parameters = own_placeholders
        .iter()
        .zip(own_names)
        .map(|(placeholder, name)| placeholder_parameter(context, placeholder, name, true))
        .collect::<Vec<_>>();
    let items = ident(ITEMS_PARAMETER);
    if reads_items(method) {
        let request_table = context.type_path(here, &method.request.table);
        parameters.push(quote! {
            #items: impl #runtime::__private::Stream<Item = #request_table> + ::core::marker::Send + 'static
        });
    } else if !matches!(signature.request, Shape::Void) {
        let request_name = ident(&signature.request_name);
        let ty = shape_type(context, &method.request, &signature.request, here);
        parameters.push(quote!(#request_name: #ty));
    }
    let suffix = &method.suffix.text;
    let values = placeholder_values(own_names);
    let request = request_value(context, signature, here);
    let docs = method_docs(context, signature)?;
    Ok(match method.kind {
        MethodKind::Procedure => {
            let response_type = shape_type(context, &method.response, &signature.response, here);
            let response_table = context.type_path(here, &method.response.table);
            let flatten = match &signature.response {
                Shape::Flattened(object, field) => {
                    let field = ident(&context.names.field(&object.name, &field.name));
                    quote!(.map(|response: #response_table| response.#field))
                }
                Shape::Void | Shape::Table => TokenStream::new(),
            };
            let (error, into_error, result_type) = match &signature.errors {
                Some(errors) => {
                    let name = ident(&errors.name);
                    (
                        quote!(#name),
                        quote!(.map_err(::core::convert::Into::into)),
                        quote!(::core::result::Result<#response_type, #name>),
                    )
                }
                None => (
                    quote!(#runtime::Error),
                    TokenStream::new(),
                    quote!(#runtime::Result<#response_type>),
                ),
            };
            match method.stream {
                Stream::None => quote! {
                    #docs
                    pub async fn #method_ident(&self, #(#parameters),*) -> #result_type {
                        self.core.call(#suffix, #values, #request).await #flatten #into_error
                    }
                },
                Stream::Out => quote! {
                    #docs
                    ///
                    /// The results come as a stream of items, the call's progressive results.
                    pub fn #method_ident(&self, #(#parameters),*) -> #runtime::Items<#response_table, #error> {
                        self.core.call_results(#suffix, #values, #request)
                    }
                },
                Stream::In => quote! {
                    #docs
                    ///
                    /// The call's items go one CALL each (progressive call invocations).
                    pub async fn #method_ident(&self, #(#parameters),*) -> #result_type {
                        self.core.call_items(#suffix, #values, #items).await #flatten #into_error
                    }
                },
                Stream::InOut => quote! {
                    #docs
                    ///
                    /// The call's items go one CALL each (progressive call invocations); the results
                    /// come as a stream of items, the call's progressive results.
                    pub fn #method_ident(&self, #(#parameters),*) -> #runtime::Items<#response_table, #error> {
                        self.core.call_items_results(#suffix, #values, #items)
                    }
                },
            }
        }
        MethodKind::Topic => quote! {
            #docs
            pub async fn #method_ident(&self, #(#parameters),*) -> #runtime::Result<()> {
                self.core.publish(#suffix, #values, #request).await
            }
        },
    })
}

fn caller<'a>(
    context: &'a Context<'_>,
    interface: &'a Interface,
    signatures: &'a [MethodSignature<'_>],
    here: &TargetModule<'a>,
) -> Result<Vec<Piece<'a>>, Error> {
    let runtime = context.runtime.clone();
    let prefix_placeholders = interface.prefix.placeholders().collect::<Vec<_>>();
    // Every signature names the prefix's placeholders alike (`Caller` exists only when
    // the interface has a method).
    let prefix_names = signatures
        .first()
        .and_then(|signature| signature.placeholder_names.get(..prefix_placeholders.len()))
        .unwrap_or_default();
    let new_parameters = prefix_placeholders
        .iter()
        .zip(prefix_names)
        .map(|(placeholder, name)| placeholder_parameter(context, placeholder, name, true))
        .collect::<Vec<_>>();
    let prefix_values = placeholder_values(prefix_names);
    let new_docs = format!(
        " A caller on `session` under the schema's prefix `{}`{}.",
        interface.prefix.text,
        if prefix_placeholders.is_empty() {
            ""
        } else {
            ", its placeholders filled with the parameters"
        }
    );
    Ok(vec![Piece::Container(per_method(
        context,
        here,
        &[Enclosing::Impl],
        (signatures.len(), move |index| nth(signatures, index)),
        caller_method,
        move |methods| {
            quote! {
                /// Calls the procedures and publishes the topics of this interface on a session.
                #[derive(::core::clone::Clone, ::core::fmt::Debug)]
                pub struct Caller {
                    core: #runtime::__private::CallerCore,
                }

                impl Caller {
                    #[doc = #new_docs]
                    pub fn new(session: impl ::core::convert::Into<#runtime::Session>, #(#new_parameters),*) -> Self {
                        Self { core: #runtime::__private::CallerCore::new(session.into(), PREFIX, #prefix_values) }
                    }

                    /// Uses the prefix template `prefix` instead of the schema's (a deployment may
                    /// mount the interface elsewhere). It must have the schema prefix's
                    /// placeholders, which keep the values given to [`Caller::new`].
                    pub fn with_prefix(self, prefix: &str) -> #runtime::Result<Self> {
                        ::core::result::Result::Ok(Self { core: self.core.with_prefix(prefix, PREFIX)? })
                    }

                    /// Sends every call with `options`.
                    pub fn with_call_options(self, options: #runtime::CallOptions) -> Self {
                        Self { core: self.core.with_call_options(options) }
                    }

                    /// Publishes every event with `options`.
                    pub fn with_publish_options(self, options: #runtime::PublishOptions) -> Self {
                        Self { core: self.core.with_publish_options(options) }
                    }

                    /// The prefix template in use.
                    pub fn prefix(&self) -> &str {
                        self.core.prefix()
                    }

                    #methods
                }
            }
        },
    ))])
}

/// The handler-side types of a method: every placeholder, then the request.
fn handler_types(
    context: &Context<'_>,
    signature: &MethodSignature<'_>,
    here: &TargetModule<'_>,
) -> Vec<TokenStream> {
    let mut types = signature
        .placeholders
        .iter()
        .map(|placeholder| placeholder_type(context, placeholder))
        .collect::<Vec<_>>();
    let runtime = &context.runtime;
    let method = signature.method;
    if reads_items(method) {
        let request_table = context.type_path(here, &method.request.table);
        types.push(quote!(#runtime::Items<#request_table>));
    } else if !matches!(signature.request, Shape::Void) {
        types.push(shape_type(context, &method.request, &signature.request, here));
    }
    if sends_items(method) {
        let response_table = context.type_path(here, &method.response.table);
        types.push(quote!(#runtime::ItemSink<#response_table>));
    }
    types
}

/// The handler-side names of a method's parameters: every placeholder, then the request.
fn handler_names(signature: &MethodSignature<'_>) -> Vec<TokenStream> {
    let mut names = signature
        .placeholder_names
        .iter()
        .map(|name| {
            let name = ident(name);
            quote!(#name)
        })
        .collect::<Vec<_>>();
    if reads_items(signature.method) || !matches!(signature.request, Shape::Void) {
        let name = ident(&signature.request_name);
        names.push(quote!(#name));
    }
    if sends_items(signature.method) {
        let results = ident(RESULTS_PARAMETER);
        names.push(quote!(#results));
    }
    names
}

/// A placeholder's type as handlers receive it.
fn placeholder_type(context: &Context<'_>, placeholder: &Placeholder) -> TokenStream {
    let runtime = &context.runtime;
    match placeholder.ty {
        PlaceholderType::String => quote!(::std::string::String),
        PlaceholderType::Integer => quote!(i64),
        PlaceholderType::Uuid => quote!(#runtime::Uuid),
    }
}

/// The closure a callee or subscriber stub adds for a method: `|target, ctx, uri, request|`
/// around the call of the handler `call(ctx, placeholders…, request)`, where `call` is a trait
/// method of `target` or `target` itself, a builder's closure; the statements that come before
/// the call (a procedure that sends items makes its sink), then the call. A procedure that
/// reads items gets `items` instead of its request, one that sends them `results` last.
fn handler_closure(
    context: &Context<'_>,
    signature: &MethodSignature<'_>,
    here: &TargetModule<'_>,
    call: &TokenStream,
) -> (TokenStream, TokenStream, TokenStream) {
    let runtime = &context.runtime;
    let ctx = ident(CONTEXT_PARAMETER);
    let method = signature.method;
    let uri = if signature.placeholders.is_empty() {
        quote!(_)
    } else {
        quote!(uri)
    };
    let mut arguments = vec![quote!(#ctx)];
    arguments.extend((0..signature.placeholders.len()).map(|index| {
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        quote!(uri.get(#index)?)
    }));
    let request_table = context.type_path(here, &method.request.table);
    let request = match method.kind {
        MethodKind::Procedure => quote!(request),
        MethodKind::Topic => quote!(event),
    };
    let request = if reads_items(method) {
        let items = ident(ITEMS_PARAMETER);
        arguments.push(quote!(#items));
        quote!(#items)
    } else {
        match &signature.request {
            Shape::Void => quote!(_: ()),
            Shape::Flattened(object, field) => {
                let field = ident(&context.names.field(&object.name, &field.name));
                arguments.push(quote!(#request.#field));
                quote!(#request: #request_table)
            }
            Shape::Table => {
                arguments.push(request.clone());
                quote!(#request: #request_table)
            }
        }
    };
    let prelude = if sends_items(method) {
        let results = ident(RESULTS_PARAMETER);
        arguments.push(quote!(#results));
        quote!(let #results = #runtime::__private::item_sink(&#ctx)?;)
    } else {
        TokenStream::new()
    };
    (
        quote!(|target, #ctx, #uri, #request|),
        prelude,
        quote!(#call(#(#arguments),*).await),
    )
}

/// The body of a procedure's handler closure: the call, its flattened result put back into
/// its table.
fn procedure_answer(
    context: &Context<'_>,
    signature: &MethodSignature<'_>,
    here: &TargetModule<'_>,
    call: TokenStream,
) -> TokenStream {
    let runtime = &context.runtime;
    let call = match &signature.errors {
        Some(_) => quote!(#call.map_err(::core::convert::Into::<#runtime::WampError>::into)),
        None => call,
    };
    match &signature.response {
        Shape::Flattened(object, field) if !sends_items(signature.method) => {
            let table = context.type_path(here, &signature.method.response.table);
            let field = ident(&context.names.field(&object.name, &field.name));
            quote!(#call.map(|#field| #table { #field }))
        }
        Shape::Flattened(..) | Shape::Void | Shape::Table => call,
    }
}

/// The body of a topic's handler closure: reading a placeholder may fail, and that failure is
/// delivered as an invalid event.
fn topic_delivery(signature: &MethodSignature<'_>, call: TokenStream) -> TokenStream {
    if signature.placeholders.is_empty() {
        call
    } else {
        quote! {
            #call;
            ::core::result::Result::Ok(())
        }
    }
}

/// How many methods of a kind there are, and the one at an index among them.
fn of_kind<'s, 'a>(
    signatures: &'s [MethodSignature<'a>],
    kind: MethodKind,
) -> (
    usize,
    impl Fn(usize) -> Result<&'s MethodSignature<'a>, Error> + Clone,
) {
    let chosen = signatures
        .iter()
        .filter(|signature| signature.method.kind == kind)
        .collect::<Vec<_>>();
    let count = chosen.len();
    let nth = move |index: usize| {
        chosen
            .get(index)
            .copied()
            .ok_or_else(|| super::context::invalid_model(format!("no {} {index}", kind_name(kind))))
    };
    (count, nth)
}

/// A container of one member per method, `member` of the method `method(index)`.
fn per_method<'a, 'b: 'a>(
    context: &'a Context<'_>,
    here: &TargetModule<'a>,
    enclosings: &'static [Enclosing],
    (count, method): (
        usize,
        impl Fn(usize) -> Result<&'a MethodSignature<'b>, Error> + 'a,
    ),
    member: fn(&Context<'_>, &MethodSignature<'_>, &TargetModule<'_>) -> Result<TokenStream, Error>,
    shell: impl Fn(TokenStream) -> TokenStream + 'a,
) -> Container<'a> {
    let here = here.clone();
    Container {
        enclosings,
        count,
        weight: 1,
        member: Box::new(move |index| member(context, method(index)?, &here)),
        shell: Box::new(shell),
    }
}

/// The trait method of a procedure (`Callee`) or a topic (`Subscriber`).
fn handler_method(
    context: &Context<'_>,
    signature: &MethodSignature<'_>,
    here: &TargetModule<'_>,
) -> Result<TokenStream, Error> {
    let runtime = &context.runtime;
    let ctx = ident(CONTEXT_PARAMETER);
    let method = signature.method;
    let method_ident = ident(&signature.name);
    let names = handler_names(signature);
    let types = handler_types(context, signature, here);
    let docs = method_docs(context, signature)?;
    Ok(match method.kind {
        MethodKind::Procedure => {
            let output = callee_output(context, signature, here);
            let error = callee_error(context, signature);
            let body = match (context.options.default_stubs, &signature.errors) {
                (false, _) => quote!(;),
                (true, None) => quote!({
                    let _ = (#(#names),*);
                    #runtime::__private::not_implemented(#ctx.procedure())
                }),
                (true, Some(_)) => quote!({
                    let _ = (#(#names),*);
                    let error = #runtime::__private::not_implemented_error(#ctx.procedure());
                    async move { ::core::result::Result::Err(::core::convert::From::from(error)) }
                }),
            };
            let returned = match &signature.errors {
                Some(_) => quote! {
                    impl ::core::future::Future<Output = ::core::result::Result<#output, #error>> + ::core::marker::Send
                },
                None => quote!(impl #runtime::__private::Reply<#output>),
            };
            quote! {
                #docs
                fn #method_ident(&self, #ctx: #runtime::CallContext, #(#names: #types),*) -> #returned #body
            }
        }
        MethodKind::Topic => quote! {
            #docs
            fn #method_ident(&self, #ctx: #runtime::EventContext, #(#names: #types),*) -> impl #runtime::__private::Handled;
        },
    })
}

/// The body of a handler closure around `call`: a procedure's answer, a topic's delivery.
fn handler_body(
    context: &Context<'_>,
    signature: &MethodSignature<'_>,
    here: &TargetModule<'_>,
    call: TokenStream,
) -> TokenStream {
    match signature.method.kind {
        MethodKind::Procedure => procedure_answer(context, signature, here, call),
        MethodKind::Topic => topic_delivery(signature, call),
    }
}

/// A method's call in the chain of `register_with_prefix` or `subscribe_with_prefix`: its
/// closure around the trait method of `callee` or `subscriber`.
fn trait_handler(
    context: &Context<'_>,
    signature: &MethodSignature<'_>,
    here: &TargetModule<'_>,
) -> Result<TokenStream, Error> {
    let runtime = &context.runtime;
    let method_ident = ident(&signature.name);
    let target = match signature.method.kind {
        MethodKind::Procedure => quote!(callee),
        MethodKind::Topic => quote!(subscriber),
    };
    let suffix = &signature.method.suffix.text;
    let (parameters, prelude, call) =
        handler_closure(context, signature, here, &quote!(target.#method_ident));
    let body = handler_body(context, signature, here, call);
    let add = adder(signature);
    Ok(quote!(.#add(#suffix, #runtime::__private::bind(&#target, #parameters async move { #prelude #body }))))
}

/// The method of `Procedures` or `Topics` that adds a method: `add_items` for a procedure that
/// reads items, else `add`.
fn adder(signature: &MethodSignature<'_>) -> TokenStream {
    if reads_items(signature.method) {
        quote!(add_items)
    } else {
        quote!(add)
    }
}

/// The `CalleeBuilder` method of a procedure, or the `SubscriberBuilder` method of a topic.
fn builder_method(
    context: &Context<'_>,
    signature: &MethodSignature<'_>,
    here: &TargetModule<'_>,
) -> Result<TokenStream, Error> {
    let runtime = &context.runtime;
    let method = signature.method;
    let method_ident = ident(&signature.name);
    let types = handler_types(context, signature, here);
    let suffix = &method.suffix.text;
    let (parameters, prelude, call) = handler_closure(context, signature, here, &quote!(target));
    let body = handler_body(context, signature, here, call);
    let add = adder(signature);
    let (docs, context_type, output, field, rest) = match method.kind {
        MethodKind::Procedure => {
            let response_type = callee_output(context, signature, here);
            let error = callee_error(context, signature);
            (
                format!(
                    " Serves the procedure `{}` with `handler`, which receives the context, then \
                     the parameters of [`Callee::{}`].",
                    method.uri.text, signature.name
                ),
                quote!(#runtime::CallContext),
                quote!(::core::result::Result<#response_type, #error>),
                quote!(procedures),
                TokenStream::new(),
            )
        }
        MethodKind::Topic => (
            format!(
                " Receives the events of the topic `{}` with `handler`, which gets the context, \
                 then the parameters of [`Subscriber::{}`].",
                method.uri.text, signature.name
            ),
            quote!(#runtime::EventContext),
            quote!(()),
            quote!(topics),
            quote!(..self),
        ),
    };
    Ok(quote! {
        #[doc = #docs]
        pub fn #method_ident<F, Fut>(self, handler: F) -> Self
        where
            F: ::core::ops::Fn(#context_type, #(#types),*) -> Fut + ::core::marker::Send + ::core::marker::Sync + 'static,
            Fut: ::core::future::Future<Output = #output> + ::core::marker::Send + 'static,
        {
            let handler = ::std::sync::Arc::new(handler);
            Self {
                #field: self.#field.#add(#suffix, #runtime::__private::bind(&handler, #parameters async move { #prelude #body })),
                #rest
            }
        }
    })
}

fn callee<'a>(
    context: &'a Context<'_>,
    interface: &'a Interface,
    signatures: &'a [MethodSignature<'_>],
    here: &TargetModule<'a>,
) -> Result<Vec<Piece<'a>>, Error> {
    let runtime = context.runtime.clone();
    let (count, procedure) = of_kind(signatures, MethodKind::Procedure);
    if count == 0 {
        return Ok(Vec::new());
    }
    let trait_docs = if context.options.default_stubs {
        quote! {
            /// Every method has a default that answers `wamp.error.no_such_procedure`:
            /// implement those you serve. [`register`] registers them all all the same;
            /// [`CalleeBuilder`] registers only the procedures given to it.
        }
    } else {
        TokenStream::new()
    };
    let trait_methods = per_method(
        context,
        here,
        &[Enclosing::Trait],
        (count, procedure.clone()),
        handler_method,
        move |methods| {
            quote! {
                /// The procedures of this interface, as a callee implements them.
                ///
                /// Each method receives the invocation's context first (the caller when disclosed,
                /// the concrete URI, cancellation, progressive results), then the placeholders of the
                /// URI and the request. A handler's `Err` is answered as that WAMP error; a request
                /// that does not fit the schema is answered with `wamp.error.invalid_argument`
                /// before any handler runs.
                #trait_docs
                pub trait Callee: ::core::marker::Send + ::core::marker::Sync + 'static {
                    #methods
                }
            }
        },
    );
    let register_docs = format!(
        " Registers every procedure of `{}` on `session` under the schema's prefix `{}`.",
        interface.name, interface.prefix.text
    );
    let register = quote! {
        #[doc = #register_docs]
        ///
        /// Placeholders are registered as wildcards. All or nothing: on an error, no
        /// procedure stays registered.
        pub async fn register<C: Callee>(
            session: impl ::core::convert::Into<#runtime::Session>,
            callee: ::std::sync::Arc<C>,
        ) -> #runtime::Result<#runtime::Registrations> {
            register_with_prefix(session, PREFIX, callee).await
        }
    };
    let register_with_prefix = chained_calls(
        quote!(procedures),
        quote!(#runtime::__private::Procedures::new(prefix, PREFIX)),
        count,
        {
            let procedure = procedure.clone();
            let here = here.clone();
            move |index| trait_handler(context, procedure(index)?, &here)
        },
        quote!(.register(&session.into()).await),
        {
            let runtime = runtime.clone();
            move |body| {
                quote! {
                    /// Like [`register`], under the prefix template `prefix`, which must have the
                    /// placeholders of [`PREFIX`].
                    pub async fn register_with_prefix<C: Callee>(
                        session: impl ::core::convert::Into<#runtime::Session>,
                        prefix: &str,
                        callee: ::std::sync::Arc<C>,
                    ) -> #runtime::Result<#runtime::Registrations> {
                        #body
                    }
                }
            }
        },
    )?;
    let builder = quote! {
        /// Some procedures of this interface, each served by a closure: only those given are
        /// registered.
        ///
        /// ```ignore
        /// let registrations = CalleeBuilder::new()
        ///     .procedure_name(|ctx, request| async move { Ok(answer) })
        ///     .register(&session)
        ///     .await?;
        /// ```
        #[derive(::core::fmt::Debug)]
        pub struct CalleeBuilder {
            procedures: #runtime::__private::Procedures,
        }

        impl ::core::default::Default for CalleeBuilder {
            fn default() -> Self {
                Self::new()
            }
        }
    };
    let builder_methods = per_method(
        context,
        here,
        &[Enclosing::Impl],
        (count, procedure),
        builder_method,
        move |methods| {
            quote! {
                impl CalleeBuilder {
                    /// No procedure yet, under the schema's prefix.
                    pub fn new() -> Self {
                        Self { procedures: #runtime::__private::Procedures::new(PREFIX, PREFIX) }
                    }

                    /// Registers under the prefix template `prefix` instead of the schema's; it must
                    /// have the placeholders of [`PREFIX`].
                    pub fn with_prefix(self, prefix: &str) -> Self {
                        Self { procedures: self.procedures.with_prefix(prefix) }
                    }

                    #methods

                    /// Registers the procedures given, all or nothing, as [`register`] does.
                    pub async fn register(self, session: impl ::core::convert::Into<#runtime::Session>) -> #runtime::Result<#runtime::Registrations> {
                        self.procedures.register(&session.into()).await
                    }
                }
            }
        },
    );
    Ok(vec![
        Piece::Container(trait_methods),
        Piece::Items(register),
        Piece::Container(register_with_prefix),
        Piece::Items(builder),
        Piece::Container(builder_methods),
    ])
}

fn subscriber<'a>(
    context: &'a Context<'_>,
    interface: &'a Interface,
    signatures: &'a [MethodSignature<'_>],
    here: &TargetModule<'a>,
) -> Result<Vec<Piece<'a>>, Error> {
    let runtime = context.runtime.clone();
    let (count, topic) = of_kind(signatures, MethodKind::Topic);
    if count == 0 {
        return Ok(Vec::new());
    }
    let trait_methods = per_method(
        context,
        here,
        &[Enclosing::Trait],
        (count, topic.clone()),
        handler_method,
        {
            let runtime = runtime.clone();
            move |methods| {
                quote! {
                    /// The topics of this interface, as a subscriber receives them.
                    ///
                    /// Each method receives the event's context first (the publisher when disclosed, the
                    /// concrete topic), then the placeholders of the URI and the event. [`subscribe`]
                    /// subscribes every topic; [`SubscriberBuilder`] only the topics given to it.
                    pub trait Subscriber: ::core::marker::Send + ::core::marker::Sync + 'static {
                        #methods

                        /// An event whose topic or payload does not fit the schema; ignored unless
                        /// overridden.
                        fn on_invalid_event(
                            &self,
                            _topic: ::std::string::String,
                            _error: #runtime::PayloadError,
                        ) -> impl #runtime::__private::Handled {
                            ::core::future::ready(())
                        }
                    }
                }
            }
        },
    );
    let subscribe_docs = format!(
        " Subscribes every topic of `{}` on `session` under the schema's prefix `{}`.",
        interface.name, interface.prefix.text
    );
    let subscribe = quote! {
        #[doc = #subscribe_docs]
        ///
        /// Placeholders are subscribed as wildcards. All or nothing: on an error, no
        /// subscription stays.
        pub async fn subscribe<S: Subscriber>(
            session: impl ::core::convert::Into<#runtime::Session>,
            subscriber: ::std::sync::Arc<S>,
        ) -> #runtime::Result<#runtime::Subscriptions> {
            subscribe_with_prefix(session, PREFIX, subscriber).await
        }
    };
    let subscribe_with_prefix = chained_calls(
        quote!(topics),
        quote!(#runtime::__private::Topics::new(prefix, PREFIX)),
        count,
        {
            let topic = topic.clone();
            let here = here.clone();
            move |index| trait_handler(context, topic(index)?, &here)
        },
        quote!(.subscribe(&session.into(), on_invalid).await),
        {
            let runtime = runtime.clone();
            move |body| {
                quote! {
                    /// Like [`subscribe`], under the prefix template `prefix`, which must have the
                    /// placeholders of [`PREFIX`].
                    pub async fn subscribe_with_prefix<S: Subscriber>(
                        session: impl ::core::convert::Into<#runtime::Session>,
                        prefix: &str,
                        subscriber: ::std::sync::Arc<S>,
                    ) -> #runtime::Result<#runtime::Subscriptions> {
                        let target = ::core::clone::Clone::clone(&subscriber);
                        let on_invalid = #runtime::__private::invalid_event_handler(move |topic, error| {
                            let target = ::core::clone::Clone::clone(&target);
                            async move { target.on_invalid_event(topic, error).await }
                        });
                        #body
                    }
                }
            }
        },
    )?;
    let builder = quote! {
        /// Some topics of this interface, each received by a closure: only those given are
        /// subscribed.
        ///
        /// ```ignore
        /// let subscriptions = SubscriberBuilder::new()
        ///     .topic_name(|ctx, event| async move { println!("{} sent {event:?}", ctx.topic()) })
        ///     .subscribe(&session)
        ///     .await?;
        /// ```
        pub struct SubscriberBuilder {
            topics: #runtime::__private::Topics,
            on_invalid: #runtime::__private::InvalidEventHandler,
        }

        impl ::core::fmt::Debug for SubscriberBuilder {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct("SubscriberBuilder").field("topics", &self.topics).finish_non_exhaustive()
            }
        }

        impl ::core::default::Default for SubscriberBuilder {
            fn default() -> Self {
                Self::new()
            }
        }
    };
    let builder_methods = per_method(
        context,
        here,
        &[Enclosing::Impl],
        (count, topic),
        builder_method,
        move |methods| {
            quote! {
                impl SubscriberBuilder {
                    /// No topic yet, under the schema's prefix; events that do not fit are ignored.
                    pub fn new() -> Self {
                        Self {
                            topics: #runtime::__private::Topics::new(PREFIX, PREFIX),
                            on_invalid: #runtime::__private::ignore_invalid_events(),
                        }
                    }

                    /// Subscribes under the prefix template `prefix` instead of the schema's; it must
                    /// have the placeholders of [`PREFIX`].
                    pub fn with_prefix(self, prefix: &str) -> Self {
                        Self { topics: self.topics.with_prefix(prefix), ..self }
                    }

                    #methods

                    /// Hands the events whose topic or payload does not fit the schema to `handler`,
                    /// with the topic and what is wrong.
                    pub fn on_invalid_event<F, Fut>(self, handler: F) -> Self
                    where
                        F: ::core::ops::Fn(::std::string::String, #runtime::PayloadError) -> Fut + ::core::marker::Send + ::core::marker::Sync + 'static,
                        Fut: ::core::future::Future<Output = ()> + ::core::marker::Send + 'static,
                    {
                        Self { on_invalid: #runtime::__private::invalid_event_handler(handler), ..self }
                    }

                    /// Subscribes the topics given, all or nothing, as [`subscribe`] does.
                    pub async fn subscribe(self, session: impl ::core::convert::Into<#runtime::Session>) -> #runtime::Result<#runtime::Subscriptions> {
                        self.topics.subscribe(&session.into(), self.on_invalid).await
                    }
                }
            }
        },
    );
    Ok(vec![
        Piece::Container(trait_methods),
        Piece::Items(subscribe),
        Piece::Container(subscribe_with_prefix),
        Piece::Items(builder),
        Piece::Container(builder_methods),
    ])
}

/// How many calls one chained expression holds at most.
///
/// A chain `a.b().c()…` is an expression nested as deep as it is long, and syn, prettyplease
/// and the syntax tree's drop all recurse through that nesting: an interface of thousands
/// of methods would overflow their stack. Longer chains are cut into `let` statements.
const CHAIN_LIMIT: usize = 64;

/// A function whose body is `start` followed by the `count` calls `call(0)`, `call(1)`…
/// and then `end`: one chained expression when the calls fit in [`CHAIN_LIMIT`], else
/// statements binding `name` to each part of the chain in turn, ending with the expression
/// `name…end`. The syntax tree is then never deeper than [`CHAIN_LIMIT`] calls, however many
/// methods the interface has, and the statements are the members of a [`Container`]; `item`
/// makes the function around its body.
fn chained_calls<'a>(
    name: TokenStream,
    start: TokenStream,
    count: usize,
    call: impl Fn(usize) -> Result<TokenStream, Error> + 'a,
    end: TokenStream,
    item: impl Fn(TokenStream) -> TokenStream + 'a,
) -> Result<Container<'a>, Error> {
    // Every statement holds `CHAIN_LIMIT` calls; the last expression the rest, at least one.
    let statements = count.saturating_sub(1) / CHAIN_LIMIT;
    let binding = name.clone();
    let receiver = move |statement: usize| {
        if statement == 0 {
            start.clone()
        } else {
            name.clone()
        }
    };
    let calls = move |statement: usize| -> Result<TokenStream, Error> {
        let first = statement * CHAIN_LIMIT;
        (first..count.min(first + CHAIN_LIMIT)).map(&call).collect()
    };
    let tail_receiver = receiver(statements);
    let tail_calls = calls(statements)?;
    let tail = quote!(#tail_receiver #tail_calls #end);
    Ok(Container {
        enclosings: &[Enclosing::Fn],
        count: statements,
        weight: CHAIN_LIMIT,
        member: Box::new(move |statement| {
            let receiver = receiver(statement);
            let calls = calls(statement)?;
            Ok(quote!(let #binding = #receiver #calls;))
        }),
        shell: Box::new(move |statements| item(quote!(#statements #tail))),
    })
}
