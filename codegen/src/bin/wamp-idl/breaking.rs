//! `wamp-idl breaking`: what breaks between an old version of a schema and the new one.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::ValueEnum;
use wamp_idl_codegen::breaking::{self, Category, Config, Format, Level};

use crate::Inputs;

/// The arguments of `breaking`.
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("old").required(true).args(["against", "against_git"]))]
pub struct Args {
    /// The old schema: a .fbs or .bfbs file.
    #[arg(long, value_name = "OLD")]
    against: Option<PathBuf>,
    /// The old schema: the (single) new file as it was at this git revision.
    #[arg(long, value_name = "REV")]
    against_git: Option<String>,
    #[command(flatten)]
    inputs: Inputs,
    /// A JSON file with category levels and exceptions (see docs/breaking.md).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Categories whose findings are errors (exit status 1), comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "CATEGORY")]
    enforce: Vec<CategoryArg>,
    /// Categories whose findings are only warnings, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "CATEGORY")]
    warn: Vec<CategoryArg>,
    /// Categories not checked, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "CATEGORY")]
    skip: Vec<CategoryArg>,
    /// How to print the findings: diagnostics on stderr, or JSON or GitHub Actions
    /// annotations on stdout.
    #[arg(long, value_enum, default_value_t = ErrorFormat::Text)]
    error_format: ErrorFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CategoryArg {
    /// FlatBuffers binary compatibility.
    Wire,
    /// What deployed WAMP peers see.
    Wamp,
    /// The generated Rust API.
    Rust,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ErrorFormat {
    Text,
    Json,
    GithubActions,
}

/// Runs `breaking`: failure when a finding of an enforced category exists.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut config = match &args.config {
        Some(path) => breaking::read_config(path)?,
        None => Config::default(),
    };
    for (categories, level) in [
        (&args.enforce, Level::Error),
        (&args.warn, Level::Warn),
        (&args.skip, Level::Off),
    ] {
        for category in categories {
            config.set_category_level(category_of(*category), level);
        }
    }
    let mut loader = wamp_idl::Loader::new();
    for dir in &args.inputs.include_dirs {
        loader.include_dir(dir);
    }
    let new = loader.load(&args.inputs.files);
    // A file compared with itself is read once: the result cannot differ.
    let same_file = args
        .against
        .as_deref()
        .is_some_and(|old| args.inputs.files == [old]);
    let old = if same_file {
        None
    } else {
        Some(load_old(&loader, &args)?)
    };
    let old = old.as_ref().unwrap_or(&new);
    let report = match breaking::check(old, &new, &config) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("{error}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let format = match args.error_format {
        ErrorFormat::Text => Format::Text,
        ErrorFormat::Json => Format::Json,
        ErrorFormat::GithubActions => Format::GithubActions,
    };
    let rendered = report.render(format);
    if format == Format::Text {
        eprint!("{rendered}");
        let diagnostics = &report.diagnostics;
        if !diagnostics.is_empty() {
            eprintln!(
                "{}, {}",
                crate::counted(diagnostics.error_count(), "breaking change"),
                crate::counted(diagnostics.warning_count(), "warning")
            );
        }
    } else {
        crate::print(&rendered).context("cannot write the findings")?;
    }
    Ok(if report.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The old schema: from `--against`, or from git with `--against-git`.
fn load_old(loader: &wamp_idl::Loader, args: &Args) -> anyhow::Result<wamp_idl::Loaded> {
    match (&args.against, &args.against_git) {
        (Some(path), _) => Ok(loader.load(&[path])),
        (None, Some(revision)) => {
            let [file] = args.inputs.files.as_slice() else {
                anyhow::bail!(
                    "`--against-git` compares one file with itself at a revision; give one NEW file"
                );
            };
            Ok(breaking::load_at_revision(loader, revision, file)?)
        }
        (None, None) => anyhow::bail!("give `--against OLD` or `--against-git REV`"),
    }
}

fn category_of(argument: CategoryArg) -> Category {
    match argument {
        CategoryArg::Wire => Category::Wire,
        CategoryArg::Wamp => Category::Wamp,
        CategoryArg::Rust => Category::Rust,
    }
}
