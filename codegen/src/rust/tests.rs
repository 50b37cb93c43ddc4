//! The generator's own rules: names, collisions, options, boxing and determinism. What the
//! generated code does at run time is tested by `tests/behaviour`.

use super::{HEADER, Options, generate, generate_chunked};

const ATTRIBUTES: &str = "attribute arg; attribute kwarg; attribute type; attribute wampuri;\n";

/// Generates code for `fbs`: with `Ok`, every snippet must appear in it; with `Err`, the
/// generator must fail with that message.
fn check(fbs: &str, options: &Options, expected: Result<&[&str], &str>) {
    let loaded = wamp_idl::Loader::new().load_fbs_text("test.fbs", format!("{ATTRIBUTES}{fbs}"));
    let diagnostics = loaded.render_diagnostics();
    let Some(schema) = loaded.schema else {
        panic!("the test schema does not load:\n{diagnostics}");
    };
    match (generate(&schema, options), expected) {
        (Ok(code), Ok(snippets)) => {
            let missing = snippets
                .iter()
                .filter(|snippet| !code.contains(*snippet))
                .collect::<Vec<_>>();
            assert!(missing.is_empty(), "missing {missing:?} in:\n{code}");
        }
        (Err(error), Err(message)) => assert_eq!(error.to_string(), message),
        (Ok(code), Err(message)) => panic!("expected the error `{message}`, got:\n{code}"),
        (Err(error), Ok(_)) => panic!("unexpected error: {error}"),
    }
}

#[test]
fn output_starts_with_the_header_and_is_deterministic() {
    let loaded = wamp_idl::Loader::new().load_fbs_text("test.fbs", "namespace a.b; table T { x: int; }");
    let Some(schema) = loaded.schema else {
        panic!("the test schema does not load");
    };
    let first = generate(&schema, &Options::default()).map_err(|error| error.to_string());
    let second = generate(&schema, &Options::default()).map_err(|error| error.to_string());
    assert_eq!(first, second);
    assert!(first.is_ok_and(|code| code.starts_with(&format!("{HEADER}\n"))));
}

#[test]
fn names_are_converted_and_keywords_escaped() {
    let fbs = "namespace MyGame.Sample;
        table Self { type: string; self: int; match: bool; async: [ubyte]; }
        enum kind: byte { the_first, SECOND }
        rpc_service IThing (type: \"interface\", wampuri: \"com.thing\") { fn (Self): Self (type: \"procedure\"); }";
    let snippets: &[&str] = &[
        "pub mod my_game {",
        "pub mod sample {",
        "pub struct Self_ {",
        "pub r#type: ::std::string::String,",
        "pub self_: i32,",
        "pub r#match: bool,",
        "pub r#async: ::std::vec::Vec<u8>,",
        "pub enum Kind {",
        "TheFirst = 0,",
        "Second = 1,",
        "pub mod i_thing {",
        "pub async fn r#fn(",
    ];
    check(fbs, &Options::default(), Ok(snippets));
}

/// A valid schema is never refused: names that collide in Rust are numbered in the
/// model's order, each renaming reported at its schema item, and wire names stay.
#[test]
fn names_that_collide_in_rust_are_numbered_with_a_warning() {
    let cases: [(&str, &[&str], &str); 5] = [
        (
            "namespace n; table foo_bar { x: int; } table FooBar { x: int; }",
            &["pub struct FooBar {", "pub struct FooBar2 {"],
            "`n.foo_bar` is generated as `FooBar2` in Rust, since `n.FooBar` is `FooBar` there",
        ),
        (
            "namespace n; table T { self: int; Self: int; }",
            &["#[wamp(name = \"self\", default)]\n        pub self_: i32,", "#[wamp(name = \"Self\", default)]\n        pub self_2: i32,"],
            "`n.T.Self` is generated as `self_2` in Rust, since `n.T.self` is `self_` there",
        ),
        (
            "namespace n; enum E: byte { ab_c, AbC }",
            &["AbC = 0,", "AbC2 = 1,", "Self::AbC2 => \"AbC\","],
            "`n.E.AbC` is generated as `AbC2` in Rust, since `n.E.ab_c` is `AbC` there",
        ),
        (
            "namespace n.i_api; table T { a: int (arg); b: int (arg); } namespace n;
             rpc_service IApi (type: \"interface\", wampuri: \"x\") { m (n.i_api.T): n.i_api.T (type: \"procedure\"); }",
            &["pub mod i_api_2 {", "pub mod i_api {", "-> ::wamp_idl_runtime::Result<super::i_api::T>"],
            "`n.IApi` is generated as `i_api_2` in Rust, since namespace `n.i_api` is `i_api` there",
        ),
        (
            "namespace n; table T {}
             rpc_service S (type: \"interface\", wampuri: \"x\") {
                 get_it (T): T (type: \"procedure\"); getIt (T): T (type: \"topic\", wampuri: \"x.other\"); }",
            &["pub async fn get_it(", "pub async fn publish_get_it_2(", "fn get_it_2(\n", "pub fn get_it_2<F, Fut>", "URI_GET_IT_2"],
            "`n.S.getIt` is generated as `get_it_2` in Rust, since `n.S.get_it` is `get_it` there",
        ),
    ];
    for (fbs, snippets, warning) in cases {
        let loaded = wamp_idl::Loader::new().load_fbs_text("test.fbs", format!("{ATTRIBUTES}{fbs}"));
        let Some(schema) = loaded.schema else {
            panic!("the test schema does not load:\n{}", loaded.render_diagnostics());
        };
        let generated = super::generate_reporting(&schema, &Options::default());
        let Ok((code, renamed)) = generated else {
            panic!("{fbs}: generation failed: {generated:?}");
        };
        let missing = snippets
            .iter()
            .filter(|snippet| !code.contains(*snippet))
            .collect::<Vec<_>>();
        assert!(missing.is_empty(), "missing {missing:?} in:\n{code}");
        assert_eq!(
            renamed.first().map(|renaming| renaming.message.as_str()),
            Some(warning),
            "{fbs}"
        );
    }
}

#[test]
fn recursive_tables_are_boxed() {
    let fbs = "namespace n; table Node { child: Node; value: int; } union Tree { Branch } table Branch { tree: Tree; }";
    let snippets: &[&str] = &[
        "pub child: ::core::option::Option<::std::boxed::Box<Node>>,",
        "Branch(::std::boxed::Box<Branch>),",
        "pub tree: ::core::option::Option<::std::boxed::Box<Tree>>,",
    ];
    check(fbs, &Options::default(), Ok(snippets));
}

#[test]
fn options_choose_the_sides_the_runtime_path_and_attributes() {
    let fbs = "namespace n; table T { x: int (arg); }
        rpc_service S (type: \"interface\", wampuri: \"x\") { m (T): T (type: \"procedure\"); }";
    let options = Options {
        caller: false,
        runtime_path: "crate::rt".to_owned(),
        type_attributes: vec![("n.T".to_owned(), "#[derive(Hash)]".to_owned())],
        ..Options::default()
    };
    check(
        fbs,
        &options,
        Ok(&[
            "pub trait Callee",
            "crate::rt::FromValue,",
            "#[wamp(table = \"n.T\", crate = \"crate::rt\")]",
            "#[derive(Hash)]\n    pub struct T",
        ]),
    );
    let generated = {
        let loaded = wamp_idl::Loader::new().load_fbs_text("test.fbs", format!("{ATTRIBUTES}{fbs}"));
        loaded
            .schema
            .map(|schema| generate(&schema, &options).map_err(|error| error.to_string()))
    };
    assert!(matches!(generated, Some(Ok(code)) if !code.contains("pub struct Caller")));
    let bad_path = Options {
        runtime_path: "not a path".to_owned(),
        ..Options::default()
    };
    check(fbs, &bad_path, Err("runtime path `not a path`: unexpected token"));
    let bare_attribute = Options {
        type_attributes: vec![(".".to_owned(), "derive(Hash)".to_owned())],
        ..Options::default()
    };
    check(
        fbs,
        &bare_attribute,
        Err("type attribute `derive(Hash)`: unexpected token; expected attributes such as `#[derive(Hash)]`"),
    );
}

#[test]
fn optional_and_nullable_args_and_any_values_are_typed_as_spec_section_4_says() {
    let fbs = "attribute optional; attribute cbor;
        table Request {
            id: ulong (arg);
            parent: ulong = null (arg);
            extra: [ubyte] (arg, flexbuffer);
            filter: [string] (arg, optional);
            limit: uint = 10 (arg, optional);
            data: [ubyte] (arg, optional, cbor);
        }
        table Filter { roles: [string] (arg, optional); }
        table Count { value: ulong = null (arg); }
        rpc_service I (type: \"interface\", wampuri: \"com.i\") {
            get (Request): Request (type: \"procedure\");
            count (Filter): Count (type: \"procedure\");
        }";
    let snippets: &[&str] = &[
        "pub id: u64,",
        "pub parent: ::core::option::Option<u64>,",
        "pub extra: ::wamp_idl_runtime::Value,",
        "pub filter: ::core::option::Option<::std::vec::Vec<::std::string::String>>,",
        "pub limit: u32,",
        "pub data: ::core::option::Option<::wamp_idl_runtime::Value>,",
        "#[wamp(optional_arg)]\n    pub filter:",
        "#[wamp(default = 10, optional_arg)]\n    pub limit: u32,",
        "#[wamp(optional_arg)]\n    pub data:",
        "roles: ::core::option::Option<::std::vec::Vec<::std::string::String>>,\n",
        ") -> ::wamp_idl_runtime::Result<::core::option::Option<u64>> {",
    ];
    check(fbs, &Options::default(), Ok(snippets));
}

/// An interface of `procedures` procedures, a table of `fields` fields and an enum of
/// `values` values, written the way a generator of schemas would.
fn hostile_schema(procedures: usize, fields: usize, values: usize) -> String {
    let mut fbs = String::from("namespace big; table Void {} table Request { a: int (arg); }\n");
    fbs.push_str("table Wide {\n");
    for index in 0..fields {
        fbs.push_str(&format!("  field{index}: int;\n"));
    }
    fbs.push_str("}\nenum Many: int {\n");
    for index in 0..values {
        fbs.push_str(&format!("  Value{index},\n"));
    }
    // The wide table travels too, so that its fields are looked up as payload fields.
    fbs.push_str("}\nrpc_service IBig (type: \"interface\", wampuri: \"com.big\") {\n");
    fbs.push_str("  wide (Wide): Void (type: \"procedure\");\n");
    for index in 0..procedures {
        fbs.push_str(&format!("  call{index} (Request): Void (type: \"procedure\");\n"));
    }
    fbs.push_str("}\n");
    fbs
}

/// Nothing in generation recurses on the size of the input: an interface of 10,000
/// procedures (whose registrations once made one chained expression 10,000 calls deep,
/// which overflowed the stack of syn, prettyplease and the tree's drop) generates, and so
/// do a payload table and an enum of 10,000 members each (looking each field up in its
/// payload's list once made the table quadratic).
#[test]
fn huge_interfaces_tables_and_enums_generate() {
    let count = 10_000;
    let fbs = hostile_schema(count, count, count);
    let loaded = wamp_idl::Loader::new().load_fbs_text("test.fbs", format!("{ATTRIBUTES}{fbs}"));
    let code = loaded
        .schema
        .map(|schema| generate(&schema, &Options::default()).map_err(|error| error.to_string()));
    let Some(Ok(code)) = code else {
        panic!("the hostile schema did not generate: {code:?}");
    };
    for snippet in [
        "pub async fn call9999(&self, a: i32) -> ::wamp_idl_runtime::Result<()> {",
        "pub field9999: i32,",
        "pub async fn wide(",
        "Value9999 = 9999,",
        "let procedures = ::wamp_idl_runtime::__private::Procedures::new(",
    ] {
        assert!(code.contains(snippet), "missing {snippet:?}");
    }
    // Cut every 64 calls: 10,001 registrations make 156 statements and a final chain.
    assert_eq!(code.matches("let procedures = ").count(), (count + 1) / 64);
    assert!(!code.contains("let topics"), "no topic, no subscriptions");
}

/// A chain of 10,000 tables, each holding the next, the last a float: what is asked of
/// every table (can it hold a float, can it have a `Default`, must a field be boxed) is
/// answered for the whole graph at once, without recursion, not once per table.
#[test]
fn a_long_chain_of_tables_generates() {
    let count = 10_000;
    let mut fbs = String::from("namespace chain;\n");
    for index in 0..count - 1 {
        fbs.push_str(&format!(
            "table T{index} {{ next: T{} (required); }}\n",
            index + 1
        ));
    }
    fbs.push_str(&format!("table T{} {{ value: float; }}\n", count - 1));
    let loaded = wamp_idl::Loader::new().load_fbs_text("chain.fbs", fbs);
    let code = loaded
        .schema
        .map(|schema| generate(&schema, &Options::default()).map_err(|error| error.to_string()));
    let Some(Ok(code)) = code else {
        panic!("the chain did not generate: {code:?}");
    };
    for snippet in ["pub struct T0 {", "pub next: T1,", "pub value: f32,"] {
        assert!(code.contains(snippet), "missing {snippet:?}");
    }
    assert!(
        !code.contains("::core::cmp::Eq,"),
        "every table reaches the float"
    );
    assert_eq!(code.matches("::core::default::Default,").count(), count);
}

/// A schema of `count` procedures and topics (with placeholders, docs and flattened
/// payloads), fields (with defaults, so that `Default` is written out) and enum values.
fn long_items_schema(count: usize) -> String {
    let mut fbs = String::from(
        "namespace long.items;\ntable Void {}\ntable Request { a: int (arg); }\n\
         table Answer { value: string (arg); }\ntable Event { b: string (kwarg); }\n",
    );
    fbs.push_str("table Wide {\n");
    for index in 0..count {
        fbs.push_str(&format!(
            "  /// Field number {index}.\n  field{index}: int = {index};\n"
        ));
    }
    fbs.push_str("}\nenum Many: int {\n");
    for index in 0..count {
        fbs.push_str(&format!(
            "  /// Value number {index}.\n  Value{index} = {},\n",
            index * 2
        ));
    }
    fbs.push_str("}\nrpc_service ILong (type: \"interface\", wampuri: \"com.long.<str:node>\") {\n");
    fbs.push_str("  wide (Wide): Void (type: \"procedure\");\n");
    for index in 0..count {
        fbs.push_str(&format!(
            "  /// Call number {index}.\n  call{index} (Request): Answer (type: \"procedure\");\n\
             \x20 event{index} (Event): Void (type: \"topic\", wampuri: \"event{index}.<int:n>\");\n"
        ));
    }
    fbs.push_str("}\n");
    fbs
}

/// The first line (numbered from 1) where two texts differ, and its two versions.
fn first_different_line<'a>(ours: &'a str, theirs: &'a str) -> Option<(usize, &'a str, &'a str)> {
    ours.lines()
        .zip(theirs.lines())
        .enumerate()
        .find(|(_, (ours, theirs))| ours != theirs)
        .map(|(index, (ours, theirs))| (index + 1, ours, theirs))
}

/// Items of many members (an interface's constants, `Caller`, traits and registration
/// chains, a table's fields, an enum's variants and matches) are printed a chunk of members
/// at a time, spliced into the item printed with its first chunk: the text is the one
/// printing each item whole gives, whatever the size of the chunks.
#[test]
fn long_items_print_a_chunk_at_a_time_as_they_print_whole() {
    let loaded =
        wamp_idl::Loader::new().load_fbs_text("long.fbs", format!("{ATTRIBUTES}{}", long_items_schema(600)));
    let Some(schema) = loaded.schema else {
        panic!("the schema does not load:\n{}", loaded.render_diagnostics());
    };
    // Trait methods with and without default bodies.
    for default_stubs in [false, true] {
        let options = Options {
            default_stubs,
            ..Options::default()
        };
        let print = |chunk| match generate_chunked(&schema, &options, chunk) {
            Ok((code, _)) => code,
            Err(error) => panic!("chunks of {chunk}: {error}"),
        };
        let whole = print(usize::MAX);
        for snippet in [
            "pub field599: i32,",
            "Value599 = 1198,",
            "Self::Value599 => \"Value599\",",
            "1198 => ::core::result::Result::Ok(Self::Value599),",
            "pub async fn call599(",
            "ctx: ::wamp_idl_runtime::CallContext,",
            "pub fn call599<F, Fut>(",
            "fn event599(",
            "ctx: ::wamp_idl_runtime::EventContext,",
            "pub fn event599<F, Fut>(",
            "pub const URI_EVENT599: &str",
        ] {
            assert!(whole.contains(snippet), "missing {snippet:?}");
        }
        for chunk in [1, 7, super::print::CHUNK] {
            let chunked = print(chunk);
            if let Some((line, chunked, whole)) = first_different_line(&chunked, &whole) {
                panic!(
                    "chunks of {chunk}, default stubs {default_stubs}: line {line} is {chunked:?}, not {whole:?}"
                );
            }
            assert_eq!(
                chunked.len(),
                whole.len(),
                "chunks of {chunk}, default stubs {default_stubs}"
            );
        }
    }
}

#[test]
fn declared_errors_and_streams_shape_the_methods_and_error_variants_never_collide() {
    let fbs = "attribute raises; attribute stream;
        namespace a; table Closed (wampuri: \"a.closed\") { m: string; }
        namespace b; table Closed (wampuri: \"b.closed\") { m: string; }
        table Other (wampuri: \"b.other\") { }
        table Line { sku: string; }
        rpc_service I (type: \"interface\", wampuri: \"b\") {
            get (Line): Line (type: \"procedure\", raises: \"a.Closed, b.Closed, Other\");
            watch (Line): Line (type: \"procedure\", stream: \"out\");
            send (Line): Line (type: \"procedure\", stream: \"in\", raises: \"Other\");
            relay (Line): Line (type: \"procedure\", stream: \"inout\");
        }";
    let snippets: &[&str] = &[
        "pub enum GetError {",
        "Closed(super::super::a::Closed),",
        "Closed2(super::Closed),",
        "Other2(super::Other),",
        "Other(::wamp_idl_runtime::Error),",
        ".map(Self::Closed2)",
        "pub enum SendError {",
        "items: impl ::wamp_idl_runtime::__private::Stream<",
        "::wamp_idl_runtime::ItemSink<super::Line>",
        "::wamp_idl_runtime::Items<super::Line>",
        "self.core.call_results(\"watch\"",
        ".call_items(\"send\"",
        "self.core.call_items_results(\"relay\"",
        ".add_items(",
        "::wamp_idl_runtime::__private::item_sink(",
    ];
    check(fbs, &Options::default(), Ok(snippets));
}

/// The parameters a procedure that streams takes besides the schema's (`items`, the sink
/// `results`) are taken first: a placeholder or a flattened request field of that name is
/// numbered, with a warning, instead of making two parameters of one name.
#[test]
fn the_parameters_of_streams_are_reserved() {
    let fbs = "attribute stream;
        namespace n; table Count { results: uint (arg); } table Line { sku: string (arg); at: uint (arg); }
        rpc_service I (type: \"interface\", wampuri: \"n.<str:items>\") {
            fetch (Count): Line (type: \"procedure\", stream: \"out\");
            upload (Line): Count (type: \"procedure\", stream: \"in\");
            relay (Count): Count (type: \"procedure\", stream: \"inout\");
        }";
    let loaded = wamp_idl::Loader::new().load_fbs_text("test.fbs", format!("{ATTRIBUTES}{fbs}"));
    let Some(schema) = loaded.schema else {
        panic!("the test schema does not load:\n{}", loaded.render_diagnostics());
    };
    for default_stubs in [false, true] {
        let options = Options {
            default_stubs,
            ..Options::default()
        };
        let generated = super::generate_reporting(&schema, &options);
        let Ok((code, renamed)) = generated else {
            panic!("generation failed: {generated:?}");
        };
        let missing = [
            // The caller's and the handler's request, and the handler's sink.
            "results_2: u32,",
            "super::Count { results: results_2 }",
            "results: ::wamp_idl_runtime::ItemSink<super::Line>,",
            // The handler's placeholder, and its items.
            "items_2: ::std::string::String,",
            "items: ::wamp_idl_runtime::Items<super::Line>,",
        ]
        .into_iter()
        .filter(|snippet| !code.contains(snippet))
        .collect::<Vec<_>>();
        assert!(missing.is_empty(), "missing {missing:?} in:\n{code}");
        let messages: Vec<&str> = renamed.iter().map(|renaming| renaming.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "the request of `n.I.fetch` is generated as `results_2` in Rust, since the generated `results` is `results` there",
                "placeholder `items` of `n.I.upload` is generated as `items_2` in Rust, since the generated `items` is `items` there",
                "placeholder `items` of `n.I.relay` is generated as `items_2` in Rust, since the generated `items` is `items` there",
            ],
            "default stubs {default_stubs}"
        );
    }
}

/// A schema whose types and interface sit in a namespace of `depth` components
/// (`n0.n1.n2...`), with long names, so that the printer has lines to break.
fn deep_namespace_schema(depth: usize) -> String {
    let namespace: Vec<String> = (0..depth).map(|index| format!("n{index}")).collect();
    format!(
        "{ATTRIBUTES}namespace {};\n\
         table Void {{}}\n\
         table AVeryLongRequestNameThatMakesSignaturesWrap {{\n\
         \x20 first_argument_with_a_long_name: string (arg);\n\
         \x20 second_argument_with_a_long_name: [string] (arg);\n\
         }}\n\
         enum Colour: int {{ Red, Green }}\n\
         rpc_service IDeep (type: \"interface\", wampuri: \"com.deep\") {{\n\
         \x20 call_with_a_long_name (AVeryLongRequestNameThatMakesSignaturesWrap): Void (type: \"procedure\");\n\
         }}\n",
        namespace.join(".")
    )
}

fn generate_text(fbs: String) -> String {
    let loaded = wamp_idl::Loader::new().load_fbs_text("deep.fbs", fbs);
    let diagnostics = loaded.render_diagnostics();
    let Some(schema) = loaded.schema else {
        panic!("the test schema does not load:\n{diagnostics}");
    };
    generate(&schema, &Options::default()).unwrap_or_else(|error| panic!("{error}"))
}

/// Items deep in modules are printed at a bounded depth and indented the rest of the way:
/// the text is still the one prettyplease gives printing the whole file, at every depth
/// around that bound.
#[test]
fn deeply_nested_items_print_as_the_whole_file_prints() {
    for depth in [0, 1, 7, 8, 9, 12, 20] {
        let code = generate_text(deep_namespace_schema(depth));
        let body = code.strip_prefix(HEADER).unwrap_or(&code).trim_start();
        let file = syn::parse_file(body).unwrap_or_else(|error| panic!("depth {depth}: {error}"));
        let whole = prettyplease::unparse(&file);
        if let Some((line, ours, theirs)) = first_different_line(body, &whole) {
            panic!("depth {depth}, line {line}: {ours:?} where the whole file has {theirs:?}");
        }
        assert_eq!(body.lines().count(), whole.lines().count(), "depth {depth}");
    }
}

/// A namespace of thousands of components (hostile input) generates without overflowing
/// the stack: neither the module tree nor the printing recurses once per component.
#[test]
fn a_namespace_of_thousands_of_components_generates() {
    let depth = 3_000;
    let code = generate_text(deep_namespace_schema(depth));
    assert_eq!(code.matches("pub mod n").count(), depth);
    let innermost = format!(
        "{}pub struct AVeryLongRequestNameThatMakesSignaturesWrap {{",
        "    ".repeat(depth)
    );
    assert!(
        code.contains(&innermost),
        "the request type is not at depth {depth}"
    );
    assert!(code.trim_end().ends_with('}'));
}
