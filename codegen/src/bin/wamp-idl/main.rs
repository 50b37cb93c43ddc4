//! The `wamp-idl` command: check and describe WAMP IDL schemas, generate Rust stubs and API docs.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

mod breaking;
mod docs;
mod generate;

// Generation builds and drops many small token and syntax-tree nodes; mimalloc's
// thread-local free lists make that several times cheaper than the system allocator.
#[global_allocator]
static GLOBAL_ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "wamp-idl",
    version,
    about = "Check, describe and compile WAMP IDL schemas (.fbs, .bfbs)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Args)]
struct Inputs {
    /// Directory to resolve `include` statements against (repeatable).
    #[arg(short = 'I', long = "include", value_name = "DIR")]
    include_dirs: Vec<PathBuf>,
    /// Schema files: .fbs text or .bfbs binary schemas.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate typed Rust caller and callee stubs.
    Generate(generate::Args),
    /// Generate API docs: Markdown or one self-contained HTML page.
    Docs(docs::Args),
    /// Check schemas and print diagnostics; exit 1 when there is an error.
    Check {
        #[command(flatten)]
        inputs: Inputs,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Report what breaks between an old version of the schemas and the new one.
    Breaking(breaking::Args),
    /// Print an overview of the schemas' WAMP interfaces, or the whole model as JSON.
    Describe {
        #[command(flatten)]
        inputs: Inputs,
        /// `text`: an overview for people; `json`: the whole model, for tools.
        #[arg(long, value_enum, default_value_t = DescribeFormat::Text)]
        format: DescribeFormat,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DescribeFormat {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Generate(args) => generate::run(args).unwrap_or_else(|error| {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }),
        Command::Docs(args) => docs::run(args).unwrap_or_else(|error| {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }),
        Command::Breaking(args) => breaking::run(args).unwrap_or_else(|error| {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }),
        Command::Check {
            inputs,
            deny_warnings,
        } => check(&inputs, deny_warnings),
        Command::Describe { inputs, format } => describe(&inputs, format),
    }
}

/// `check`: the diagnostics and a count of them on stderr, nothing on stdout.
fn check(inputs: &Inputs, deny_warnings: bool) -> ExitCode {
    let loaded = load(inputs, deny_warnings);
    let status = report(&loaded);
    let diagnostics = &loaded.diagnostics;
    if !diagnostics.is_empty() {
        eprintln!(
            "{}, {}",
            counted(diagnostics.error_count(), "error"),
            counted(diagnostics.warning_count(), "warning")
        );
    }
    status
}

fn counted(count: usize, word: &str) -> String {
    if count == 1 {
        format!("1 {word}")
    } else {
        format!("{count} {word}s")
    }
}

/// `describe`: the overview (or the model as JSON) on stdout when the schema loads.
fn describe(inputs: &Inputs, format: DescribeFormat) -> ExitCode {
    let loaded = load(inputs, false);
    let status = report(&loaded);
    let Some(schema) = &loaded.schema else {
        return status;
    };
    let text = match format {
        DescribeFormat::Json => wamp_idl_codegen::describe::json(schema),
        DescribeFormat::Text => wamp_idl_codegen::describe::text(schema),
    };
    match print(&text) {
        Ok(()) => status,
        Err(error) => {
            eprintln!("error: cannot write the description: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Writes `text` to stdout.
///
/// A reader that stops early (`wamp-idl describe x.fbs | head`) closes the pipe; like
/// other Unix tools, the command then ends quietly instead of reporting the broken pipe.
fn print(text: &str) -> std::io::Result<()> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        written => written,
    }
}

fn load(inputs: &Inputs, deny_warnings: bool) -> wamp_idl::Loaded {
    let mut loader = wamp_idl::Loader::new();
    for dir in &inputs.include_dirs {
        loader.include_dir(dir);
    }
    loader.deny_warnings(deny_warnings).load(&inputs.files)
}

/// Prints the diagnostics on stderr; failure when any is an error.
fn report(loaded: &wamp_idl::Loaded) -> ExitCode {
    eprint!("{}", loaded.render_diagnostics());
    if loaded.schema.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
