//! `wamp-idl docs`: API docs as Markdown or one self-contained HTML page, on stdout or into a file.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::ValueEnum;
use wamp_idl_codegen::docs::{self, Format, Options};

use crate::Inputs;

/// The arguments of `docs`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    inputs: Inputs,
    /// The format of the docs.
    #[arg(long, value_enum, default_value_t = DocsFormat::Markdown)]
    format: DocsFormat,
    /// Write the docs to this file (atomically, only if its content changes) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    output: Option<PathBuf>,
    /// A directory of templates (`docs.md`, `docs.html`, `docs.css`) replacing the embedded
    /// ones of the same name.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// The document title.
    #[arg(long, default_value = docs::DEFAULT_TITLE)]
    title: String,
    /// Treat warnings as errors.
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DocsFormat {
    /// GitHub-flavoured Markdown.
    Markdown,
    /// One self-contained HTML page.
    Html,
}

/// Runs `docs`: diagnostics on stderr, failure when the schemas have errors.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let loaded = crate::load(&args.inputs, args.deny_warnings);
    eprint!("{}", loaded.render_diagnostics());
    let Some(schema) = loaded.schema else {
        return Ok(ExitCode::FAILURE);
    };
    let options = Options {
        format: match args.format {
            DocsFormat::Markdown => Format::Markdown,
            DocsFormat::Html => Format::Html,
        },
        templates: args.templates,
        title: Some(args.title),
    };
    // The library's errors already name their cause: printed as they are, not as a chain.
    let text = match docs::render(&schema, &options) {
        Ok(text) => text,
        Err(error) => return Ok(failure(&error)),
    };
    match &args.output {
        Some(path) => {
            if let Err(error) = wamp_idl_codegen::output::write_if_changed(path, &text) {
                return Ok(failure(&error));
            }
        }
        None => crate::print(&text).context("cannot write to stdout")?,
    }
    Ok(ExitCode::SUCCESS)
}

fn failure(error: &wamp_idl_codegen::Error) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::FAILURE
}
