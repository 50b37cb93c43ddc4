//! The HTML docs in a real browser: headless Chromium opens the page from a file, offline,
//! and every URI of the schema is in the rendered DOM; doc comments' Markdown is rendered;
//! at a phone width and a wide one, URIs wrap only after their dots, never inside a
//! component (a probe script measures the laid-out lines); screenshots at both widths come
//! out at those sizes (they are kept under the target dir to look at).
//!
//! Chromium must be installed (`scripts/test` installs it). Only
//! `WAMP_IDL_SKIP_BROWSER_TESTS=1` skips these tests, and says so.

use wamp_idl_test_support::corpus as common;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::corpus_wamp_meta;
use wamp_idl::Schema;
use wamp_idl_codegen::docs::{self, Format, Options};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const REPO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
const SKIP_VARIABLE: &str = "WAMP_IDL_SKIP_BROWSER_TESTS";
/// Flags that keep Chromium from touching the network, a profile, or a GPU.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(120);

/// The Chromium binary, `None` when the tests are skipped on purpose.
fn chromium() -> Result<Option<PathBuf>, String> {
    if std::env::var_os(SKIP_VARIABLE).is_some_and(|value| value == "1") {
        eprintln!("SKIPPED: browser test skipped because {SKIP_VARIABLE}=1; the HTML docs were NOT checked");
        return Ok(None);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|directory| directory.join("chromium"))
        .find(|candidate| candidate.is_file())
        .map(Some)
        .ok_or_else(|| {
            format!(
                "headless Chromium (`chromium`) is not installed: run the README's test command \
                 `scripts/test`, which installs it (or set {SKIP_VARIABLE}=1 to skip this test)"
            )
        })
}

/// Runs Chromium on a local page with extra flags; its stdout.
fn run_chromium(
    chromium: &Path,
    page: &Path,
    extra: &[String],
) -> Result<String, Box<dyn std::error::Error>> {
    let scratch = tempfile::tempdir()?;
    let stdout_path = scratch.path().join("stdout");
    let stderr_path = scratch.path().join("stderr");
    let mut child = Command::new(chromium)
        .args(CHROMIUM_FLAGS)
        .arg(format!(
            "--user-data-dir={}",
            scratch.path().join("profile").display()
        ))
        .args(extra)
        .arg(file_url(page))
        .stdin(Stdio::null())
        .stdout(File::create(&stdout_path)?)
        .stderr(File::create(&stderr_path)?)
        .spawn()?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > CHROMIUM_TIMEOUT {
            child.kill()?;
            child.wait()?;
            return Err(format!("chromium did not finish within {CHROMIUM_TIMEOUT:?}").into());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    if !status.success() {
        let stderr = std::fs::read_to_string(&stderr_path)?;
        return Err(format!("chromium failed ({status}):\n{stderr}").into());
    }
    Ok(std::fs::read_to_string(&stdout_path)?)
}

/// A `file://` URL, every byte outside the unreserved set and `/` percent-encoded.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

fn load(path: &Path) -> Result<Schema, Box<dyn std::error::Error>> {
    let mut loader = wamp_idl::Loader::new();
    loader.include_dir(Path::new(REPO).join("idl/catalog"));
    Ok(loader.load(&[path]).into_result()?)
}

/// Writes the HTML docs of a schema into `directory`; the page's path.
fn write_page(schema: &Schema, directory: &Path) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let html = docs::render(
        schema,
        &Options {
            format: Format::Html,
            ..Options::default()
        },
    )?;
    let page = directory.join("docs.html");
    std::fs::write(&page, html)?;
    Ok(page)
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Loads the page of a schema in Chromium and finds every method URI in the DOM.
fn check(chromium: &Path, schema_path: &Path) -> TestResult {
    let schema = load(schema_path)?;
    let directory = tempfile::tempdir()?;
    let page = write_page(&schema, directory.path())?;
    let dom = run_chromium(chromium, &page, &["--dump-dom".to_owned()])?;
    let name = schema_path.display();
    assert!(
        dom.contains("<h1>WAMP API reference</h1>"),
        "{name}: the page did not load:\n{dom}"
    );
    let text = dom.replace("<wbr>", "");
    let mut uris = 0;
    for method in schema.interfaces.iter().flat_map(|interface| &interface.methods) {
        let uri = escape_html(&method.uri.text);
        assert!(
            text.contains(&uri),
            "{name}: URI {uri} is not in the rendered DOM"
        );
        uris += 1;
    }
    assert!(uris > 0, "{name} has no URI to look for");
    Ok(())
}

#[test]
fn every_uri_is_in_the_rendered_dom() -> TestResult {
    let Some(chromium) = chromium()? else {
        return Ok(());
    };
    check(&chromium, &corpus_wamp_meta()?)?;
    check(&chromium, &Path::new(REPO).join("tests/data/docs/everything.fbs"))?;
    Ok(())
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> Result<(u32, u32), String> {
    let signature = b"\x89PNG\r\n\x1a\n";
    let header = bytes.get(..24).ok_or("not a PNG: too short")?;
    if !header.starts_with(signature) || header.get(12..16) != Some(b"IHDR".as_slice()) {
        return Err("not a PNG: bad signature or no IHDR".to_owned());
    }
    let number = |range: std::ops::Range<usize>| -> Result<u32, String> {
        let field = header.get(range).ok_or("truncated IHDR")?;
        Ok(u32::from_be_bytes(
            field.try_into().map_err(|_| "truncated IHDR")?,
        ))
    };
    Ok((number(16..20)?, number(20..24)?))
}

/// Measures, after layout, every URI and every code span of doc text: how many wrap over
/// several lines, and which of their components (the text between two `<wbr>`s) were
/// broken inside; the answer is put into the DOM as JSON for `--dump-dom` to show.
const LAYOUT_PROBE: &str = r#"<script>
(() => {
  const split = [];
  let wrapped = 0;
  for (const code of document.querySelectorAll("code.uri, .doc code")) {
    if (code.getClientRects().length > 1) wrapped += 1;
    for (const node of code.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE || node.textContent.length === 0) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      if (range.getClientRects().length > 1) split.push(node.textContent);
    }
  }
  const report = document.createElement("pre");
  report.id = "layout-report";
  report.textContent = JSON.stringify({ wrapped, split });
  document.body.appendChild(report);
})();
</script>
"#;

/// The bundled Meta API, whose doc comments use Markdown (`wamp.error.no_such_session` in
/// backticks).
fn bundled_wamp_meta() -> Result<Schema, Box<dyn std::error::Error>> {
    load(&wamp_idl::catalog::path("wamp-meta.fbs"))
}

#[test]
fn doc_comments_are_rendered_from_markdown() -> TestResult {
    let Some(chromium) = chromium()? else {
        return Ok(());
    };
    let directory = tempfile::tempdir()?;
    let page = write_page(&bundled_wamp_meta()?, directory.path())?;
    let dom = run_chromium(&chromium, &page, &["--dump-dom".to_owned()])?;
    assert!(
        dom.contains("Fails with <code>wamp.<wbr>error.<wbr>no_such_session</code>."),
        "the code span is not rendered:\n{dom}"
    );
    assert!(!dom.contains("`wamp.error"), "a literal backtick is left:\n{dom}");
    Ok(())
}

#[test]
fn uris_wrap_only_after_their_dots_at_phone_and_wide_widths() -> TestResult {
    let Some(chromium) = chromium()? else {
        return Ok(());
    };
    let directory = tempfile::tempdir()?;
    let page = write_page(&bundled_wamp_meta()?, directory.path())?;
    let html = std::fs::read_to_string(&page)?;
    std::fs::write(&page, html.replace("</body>", &format!("{LAYOUT_PROBE}</body>")))?;
    for (name, width, height) in WIDTHS {
        let dom = run_chromium(
            &chromium,
            &page,
            &[format!("--window-size={width},{height}"), "--dump-dom".to_owned()],
        )?;
        let report = dom
            .split_once("<pre id=\"layout-report\">")
            .and_then(|(_, rest)| rest.split_once("</pre>"))
            .map(|(report, _)| report.replace("&quot;", "\""))
            .ok_or_else(|| format!("{name}: the layout probe did not report:\n{dom}"))?;
        let report: serde_json::Value = serde_json::from_str(&report)?;
        assert_eq!(
            report["split"],
            serde_json::json!([]),
            "{name} width: components broken inside"
        );
        if name == "phone" {
            let wrapped = report["wrapped"].as_u64().unwrap_or(0);
            assert!(wrapped > 0, "at a phone width some URI must wrap: {report}");
        }
    }
    Ok(())
}

/// The widths the page is looked at: a phone's and a desktop's.
const WIDTHS: [(&str, u32, u32); 2] = [("phone", 390, 844), ("wide", 1440, 900)];

#[test]
fn screenshots_at_phone_and_wide_widths() -> TestResult {
    let Some(chromium) = chromium()? else {
        return Ok(());
    };
    let schema = bundled_wamp_meta()?;
    let directory = tempfile::tempdir()?;
    let page = write_page(&schema, directory.path())?;
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("docs-browser");
    std::fs::create_dir_all(&keep)?;
    for (name, width, height) in WIDTHS {
        let screenshot = keep.join(format!("{name}.png"));
        let _ = std::fs::remove_file(&screenshot);
        run_chromium(
            &chromium,
            &page,
            &[
                "--hide-scrollbars".to_owned(),
                format!("--window-size={width},{height}"),
                format!("--screenshot={}", screenshot.display()),
            ],
        )?;
        let size = png_size(&std::fs::read(&screenshot)?)?;
        assert_eq!(
            size,
            (width, height),
            "{name} screenshot {}",
            screenshot.display()
        );
        eprintln!("{name} screenshot: {}", screenshot.display());
    }
    Ok(())
}
