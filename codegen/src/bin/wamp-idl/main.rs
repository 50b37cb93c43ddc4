//! The `wamp-idl` command: check, describe (and later generate, docs) WAMP IDL schemas.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

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
    /// Check schemas and print diagnostics; exit 1 when there is an error.
    Check {
        #[command(flatten)]
        inputs: Inputs,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Print an overview of the schemas' WAMP interfaces, or the whole model as JSON.
    Describe {
        #[command(flatten)]
        inputs: Inputs,
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
        Command::Check {
            inputs,
            deny_warnings,
        } => {
            let loaded = load(&inputs, deny_warnings);
            report(&loaded)
        }
        Command::Describe { inputs, format } => {
            let loaded = load(&inputs, false);
            let status = report(&loaded);
            if let Some(schema) = &loaded.schema {
                match format {
                    DescribeFormat::Json => print!("{}", wamp_idl_codegen::describe::json(schema)),
                    DescribeFormat::Text => print!("{}", wamp_idl_codegen::describe::text(schema)),
                }
            }
            status
        }
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
