//! Generated API docs: snapshots of both formats for every fixture, and the properties a
//! reader relies on (every URI listed, no dangling link, everything escaped, examples in
//! the wire form, templates overridable, clear errors).

use wamp_idl_test_support::corpus as common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::corpus_wamp_meta;
use wamp_idl::Schema;
use wamp_idl::model::{Interface, Method, MethodKind, Object, Payload, QualifiedName, UriTemplate};
use wamp_idl_codegen::ErrorKind;
use wamp_idl_codegen::docs::{self, Format, Options};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const REPO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// Every schema the docs are snapshotted for, with a snapshot name.
fn fixtures() -> Result<Vec<(String, PathBuf)>, Box<dyn std::error::Error>> {
    let data = Path::new(REPO).join("tests/data");
    let mut fixtures = Vec::new();
    for directory in directories(&data)? {
        let name = directory
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default();
        let is_docs = directory == data.join("docs");
        if !is_docs && !name.starts_with("valid") {
            continue;
        }
        for file in fbs_files(&directory)? {
            let relative = file.strip_prefix(&data)?.with_extension("");
            fixtures.push((relative.to_string_lossy().replace('/', "-"), file));
        }
    }
    fixtures.push((
        "catalog-wamp-meta".to_owned(),
        Path::new(REPO).join("idl/catalog/wamp-meta.fbs"),
    ));
    fixtures.push(("corpus-wamp-meta".to_owned(), corpus_wamp_meta()?));
    Ok(fixtures)
}

/// `root` and every directory below it, sorted.
fn directories(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = vec![root.to_path_buf()];
    let mut index = 0;
    while let Some(directory) = found.get(index).cloned() {
        let mut children = std::fs::read_dir(&directory)?
            .map(|entry| entry.map(|entry| entry.path()))
            .collect::<Result<Vec<_>, _>>()?;
        children.retain(|path| path.is_dir());
        children.sort();
        found.extend(children);
        index += 1;
    }
    found.sort();
    Ok(found)
}

fn fbs_files(directory: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = std::fs::read_dir(directory)?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<Vec<_>, _>>()?;
    files.retain(|path| path.extension().is_some_and(|extension| extension == "fbs"));
    files.sort();
    Ok(files)
}

/// Loads a schema: includes are resolved against the `include` directory next to the
/// fixture's directory (`tests/data/wamp/include` for `tests/data/wamp/valid`), then
/// against the bundled catalog (`wamp.fbs`).
fn load(path: &Path) -> Result<Schema, Box<dyn std::error::Error>> {
    let mut loader = wamp_idl::Loader::new();
    let fixture_includes = path
        .parent()
        .and_then(Path::parent)
        .map(|layer| layer.join("include"));
    if let Some(directory) = fixture_includes.filter(|directory| directory.is_dir()) {
        loader.include_dir(directory);
    }
    loader.include_dir(Path::new(REPO).join("idl/catalog"));
    let schema = loader.load(&[path]).into_result()?;
    Ok(schema)
}

fn render(schema: &Schema, format: Format) -> Result<String, wamp_idl_codegen::Error> {
    docs::render(
        schema,
        &Options {
            format,
            ..Options::default()
        },
    )
}

/// Renders both formats of one fixture, snapshots them and checks what must hold for any schema.
fn check(name: &str, path: &Path) -> TestResult {
    let schema = load(path).map_err(|error| format!("{}: {error}", path.display()))?;
    let markdown = render(&schema, Format::Markdown)?;
    let html = render(&schema, Format::Html)?;
    insta::assert_snapshot!(format!("{name}.md"), markdown);
    insta::assert_snapshot!(format!("{name}.html"), html);

    let uris = schema
        .interfaces
        .iter()
        .flat_map(|interface| &interface.methods)
        .map(|method| method.uri.text.as_str());
    // Long URIs may wrap after any dot in HTML.
    let html_text = html.replace("<wbr>", "");
    for uri in uris {
        assert!(
            markdown.contains(&format!("`{uri}`")),
            "{name}.md lacks URI {uri}"
        );
        assert!(
            html_text.contains(&escape_html(uri)),
            "{name}.html lacks URI {uri}"
        );
    }
    assert_links_resolve(name, "md", &markdown, r#"](#"#, ')', r#"<a id=""#)?;
    assert_links_resolve(name, "html", &html, r##"href="#"##, '"', r#"id=""#)?;
    assert!(!html.contains("<script") && !html.contains(" src=") && !html.contains("<link"));
    Ok(())
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Every in-page link target has an anchor, and no anchor is defined twice.
fn assert_links_resolve(
    name: &str,
    format: &str,
    text: &str,
    link_start: &str,
    link_end: char,
    anchor_start: &str,
) -> TestResult {
    let targets = |start: &str, end: char| {
        text.match_indices(start)
            .filter_map(|(index, _)| {
                let rest = text.get(index + start.len()..)?;
                rest.split(end).next()
            })
            .collect::<Vec<_>>()
    };
    let anchors = targets(anchor_start, '"');
    let unique = anchors.iter().collect::<BTreeSet<_>>();
    assert_eq!(
        unique.len(),
        anchors.len(),
        "{name}.{format} defines an anchor twice"
    );
    for link in targets(link_start, link_end) {
        assert!(
            unique.contains(&link),
            "{name}.{format} links to #{link}, which is not defined"
        );
    }
    Ok(())
}

#[test]
fn fixtures_render_in_both_formats() -> TestResult {
    let fixtures = fixtures()?;
    assert!(
        fixtures.iter().any(|(name, _)| name == "docs-everything"),
        "the docs fixture tests/data/docs/everything.fbs is missing"
    );
    for (name, path) in fixtures {
        check(&name, &path)?;
    }
    Ok(())
}

fn everything() -> Result<Schema, Box<dyn std::error::Error>> {
    load(&Path::new(REPO).join("tests/data/docs/everything.fbs"))
}

#[test]
fn anchors_are_stable_and_named_after_the_schema() -> TestResult {
    let html = render(&load(&corpus_wamp_meta()?)?, Format::Html)?;
    for anchor in [
        r#"id="interface-IWampMeta""#,
        r#"id="method-IWampMeta-session_list""#,
        r#"id="type-wamp.SessionRolesFilter""#,
        r#"id="uri-index""#,
        r#"id="types""#,
    ] {
        assert!(html.contains(anchor), "missing {anchor}");
    }
    Ok(())
}

#[test]
fn examples_use_the_wire_form_of_every_value() -> TestResult {
    let markdown = render(&everything()?, Format::Markdown)?;
    let call = markdown
        .split(r#"<a id="method-IClock-everything">"#)
        .nth(1)
        .and_then(|method| method.split("Example CALL message (JSON):").nth(1))
        .and_then(|rest| rest.split("```").nth(1))
        .ok_or("no example CALL message")?;
    for expected in [
        // The concrete URI: placeholders filled with values of their types.
        r#""com.example.clock.6f1ad0e4-2a8c-4c52-9d7e-3b8f2c1a9e57.do.42.everything""#,
        "1234,",                               // wampid
        r#""com.example.uri""#,                // wampuri
        "1763683200000000000",                 // timestamp in ns
        r#""\u0000AAECAw==""#,                 // bytes: NUL + base64
        "\"\\u0000AAECAw==\",\n    {},",       // cbor: any value, here an empty dict
        r#""\u0000bxrQ5CqMTFKdfjuPLBqeVw==""#, // uuid: 16 bytes
        r#"{"x": 1.5, "y": 1.5}"#,             // struct: a dict
        r#""Circle": {"radius": 1.5}"#,        // union: member name → table
        r#""children": [{}]"#,                 // a recursive table stops
        r#""level": 42"#,                      // kwargs are keyed by name
    ] {
        assert!(call.contains(expected), "example CALL lacks {expected}:\n{call}");
    }
    assert!(
        !call.contains("\"old\""),
        "a deprecated field never travels:\n{call}"
    );
    Ok(())
}

#[test]
fn html_escapes_doc_text_and_markdown_keeps_it_visible() -> TestResult {
    let schema = everything()?;
    let html = render(&schema, Format::Html)?;
    assert!(html.contains("&lt;b&gt;markup&lt;"));
    assert!(!html.contains("<b>markup"));
    let markdown = render(&schema, Format::Markdown)?;
    assert!(markdown.contains("&lt;b>markup&lt;/b>, pipes | and ampersands &amp;"));
    Ok(())
}

#[test]
fn a_template_directory_replaces_embedded_templates_by_name() -> TestResult {
    let directory = tempfile::tempdir()?;
    std::fs::write(
        directory.path().join("docs.css"),
        "body { color: rebeccapurple; }",
    )?;
    std::fs::write(
        directory.path().join("docs.md"),
        "{% for entry in uris %}{{ entry.uri }}\n{% endfor %}",
    )?;
    let schema = load(&corpus_wamp_meta()?)?;
    let options = |format| Options {
        format,
        templates: Some(directory.path().to_path_buf()),
        title: Some("Meta".to_owned()),
    };
    let html = docs::render(&schema, &options(Format::Html))?;
    assert!(html.contains("body { color: rebeccapurple; }"));
    assert!(
        html.contains("<title>Meta</title>"),
        "docs.html is still the embedded one"
    );
    let markdown = docs::render(&schema, &options(Format::Markdown))?;
    assert!(
        markdown.starts_with("wamp.interface.get\nwamp.interface.list\n"),
        "{markdown}"
    );
    Ok(())
}

#[test]
fn template_errors_name_the_template_and_line() -> TestResult {
    let directory = tempfile::tempdir()?;
    std::fs::write(
        directory.path().join("docs.md"),
        "line one\n{{ no_such_value.field }}\n",
    )?;
    let options = Options {
        templates: Some(directory.path().to_path_buf()),
        ..Options::default()
    };
    let error = docs::render(&Schema::default(), &options)
        .err()
        .ok_or("rendering succeeded")?;
    assert!(matches!(error.kind(), ErrorKind::Template(_)));
    let message = error.to_string();
    assert!(message.contains("docs.md:2"), "{message}");
    Ok(())
}

#[test]
fn a_missing_template_directory_is_an_error_naming_it() {
    let options = Options {
        templates: Some(PathBuf::from("/nonexistent-wamp-idl-templates")),
        ..Options::default()
    };
    let message =
        docs::render(&Schema::default(), &options).map_or_else(|error| error.to_string(), |_| String::new());
    assert!(
        message.starts_with("/nonexistent-wamp-idl-templates:"),
        "{message}"
    );
}

#[test]
fn an_inconsistent_model_is_an_error_naming_method_and_field() {
    let uri = |text: &str| UriTemplate {
        text: text.to_owned(),
        components: Vec::new(),
    };
    let table = QualifiedName("api.Request".to_owned());
    let schema = Schema {
        objects: vec![Object {
            name: table.clone(),
            is_struct: false,
            fields: Vec::new(),
            attributes: Default::default(),
            docs: Vec::new(),
        }],
        interfaces: vec![Interface {
            name: QualifiedName("api.IApi".to_owned()),
            uuid: None,
            prefix: uri("api"),
            docs: Vec::new(),
            methods: vec![Method {
                name: "get".to_owned(),
                kind: MethodKind::Procedure,
                uri: uri("api.get"),
                suffix: uri("get"),
                request: Payload {
                    table: table.clone(),
                    args: vec!["missing".to_owned()],
                    kwargs: Vec::new(),
                },
                response: Payload {
                    table,
                    args: Vec::new(),
                    kwargs: Vec::new(),
                },
                raises: Vec::new(),
                stream: wamp_idl::model::Stream::None,
                docs: Vec::new(),
            }],
        }],
        ..Schema::default()
    };
    let error = render(&schema, Format::Markdown).err();
    let message = error.as_ref().map(ToString::to_string).unwrap_or_default();
    assert!(matches!(
        error.as_ref().map(|error| error.kind()),
        Some(ErrorKind::InvalidModel(_))
    ));
    assert!(
        message.contains("method `get` of interface `api.IApi`") && message.contains("`missing`"),
        "{message}"
    );
}

#[test]
fn an_empty_schema_still_renders_a_page() -> TestResult {
    let html = render(&Schema::default(), Format::Html)?;
    assert!(html.contains("The schema has no WAMP interface."));
    assert!(html.trim_end().ends_with("</html>"));
    Ok(())
}

#[test]
fn cli_prints_markdown_and_writes_html_to_a_file() -> TestResult {
    let schema_path = Path::new(REPO).join("idl/catalog/wamp-meta.fbs");
    let schema = load(&schema_path)?;
    let wamp_idl = env!("CARGO_BIN_EXE_wamp-idl");

    let printed = std::process::Command::new(wamp_idl)
        .arg("docs")
        .arg(&schema_path)
        .output()?;
    assert!(
        printed.status.success(),
        "{}",
        String::from_utf8_lossy(&printed.stderr)
    );
    assert_eq!(
        String::from_utf8(printed.stdout)?,
        render(&schema, Format::Markdown)?
    );

    let directory = tempfile::tempdir()?;
    let output = directory.path().join("api.html");
    let written = std::process::Command::new(wamp_idl)
        .args(["docs", "--format", "html", "-o"])
        .arg(&output)
        .arg(&schema_path)
        .output()?;
    assert!(
        written.status.success(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    assert!(written.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&output)?, render(&schema, Format::Html)?);
    let leftovers = std::fs::read_dir(directory.path())?.count();
    assert_eq!(leftovers, 1, "no temporary file is left behind");
    Ok(())
}

#[test]
fn cli_fails_on_an_invalid_schema_without_writing() -> TestResult {
    let directory = tempfile::tempdir()?;
    let schema_path = directory.path().join("broken.fbs");
    std::fs::write(&schema_path, "table T { x: Missing; }\n")?;
    let output = directory.path().join("api.md");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_wamp-idl"))
        .args(["docs", "-o"])
        .arg(&output)
        .arg(&schema_path)
        .output()?;
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8(run.stderr)?;
    assert!(stderr.contains("broken.fbs:1:"), "{stderr}");
    assert!(!output.exists());
    Ok(())
}

/// The reference pages of the bundled meta catalog, which the README links, are what the
/// generator makes of the catalog now (`UPDATE_GOLDEN=1` rewrites them).
#[test]
fn bundled_meta_reference_pages_are_current() -> TestResult {
    let schema = wamp_idl::Loader::new()
        .load(&["catalog:wamp-meta.fbs"])
        .into_result()?;
    for (format, file) in [
        (Format::Markdown, "wamp-meta.md"),
        (Format::Html, "wamp-meta.html"),
    ] {
        let path = Path::new(REPO).join("docs/reference").join(file);
        let rendered = render(&schema, format)?;
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::create_dir_all(Path::new(REPO).join("docs/reference"))?;
            std::fs::write(&path, &rendered)?;
            continue;
        }
        let current = std::fs::read_to_string(&path)
            .map_err(|error| format!("{}: {error} (UPDATE_GOLDEN=1 writes it)", path.display()))?;
        assert!(
            current == rendered,
            "{} is out of date: run `UPDATE_GOLDEN=1 cargo test -p wamp-idl-codegen --test it docs::`",
            path.display()
        );
    }
    Ok(())
}

/// Structs may nest fixed arrays of 65535 items; their examples stay small.
#[test]
fn examples_of_huge_fixed_arrays_stay_small() -> TestResult {
    let schema = wamp_idl::Loader::new()
        .load_fbs_text(
            "huge.fbs",
            r#"include "wamp.fbs";
namespace huge;
struct Row { cells: [uint32:65535]; }
struct Grid { rows: [Row:65535]; }
table Put { grid: Grid; }
rpc_service IHuge (type: "interface", wampuri: "com.example.huge") {
    put (Put): wamp.Void (type: "procedure");
}
"#,
        )
        .into_result()?;
    let markdown = render(&schema, Format::Markdown)?;
    assert!(markdown.len() < 100_000, "the docs are {} bytes", markdown.len());
    assert!(markdown.contains("`com.example.huge.put`"));
    Ok(())
}

/// One request table used by 10,000 procedures: its "used by" list has every one of them,
/// built in linear time (each use was once searched for among the earlier ones).
#[test]
fn a_table_used_by_thousands_of_procedures_lists_them_all() -> TestResult {
    let count = 10_000;
    let mut fbs = String::from(
        "include \"wamp.fbs\";\nnamespace big;\ntable Request { a: int; }\n\
         rpc_service IBig (type: \"interface\", wampuri: \"com.big\") {\n",
    );
    for index in 0..count {
        fbs.push_str(&format!(
            "  call{index} (Request): wamp.Void (type: \"procedure\");\n"
        ));
    }
    fbs.push_str("}\n");
    let schema = wamp_idl::Loader::new()
        .load_fbs_text("big.fbs", fbs)
        .into_result()?;
    let html = render(&schema, Format::Html)?;
    let used_by = html
        .split_once("<p class=\"used-by\">Used by: ")
        .and_then(|(_, rest)| rest.split_once("</p>"))
        .map(|(list, _)| list.matches("(request)").count());
    assert_eq!(used_by, Some(count));
    Ok(())
}
