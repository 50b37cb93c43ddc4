//! `wamp-idl generate`: typed Rust stubs on stdout, or into a file written only when it changed.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use wamp_idl_codegen::{Builder, ErrorKind};

use crate::Inputs;

/// The arguments of `generate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    inputs: Inputs,
    /// Write the code to this file (only if its content changes) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Generate only the caller and publisher side.
    #[arg(long, conflicts_with = "callee_only")]
    caller_only: bool,
    /// Generate only the callee and subscriber side.
    #[arg(long)]
    callee_only: bool,
    /// Give the methods of `Callee` traits defaults that answer `wamp.error.no_such_procedure`.
    #[arg(long)]
    default_stubs: bool,
    /// The path the generated code reaches the runtime crate by.
    #[arg(long, value_name = "PATH", default_value = wamp_idl_codegen::rust::DEFAULT_RUNTIME_PATH)]
    runtime_path: String,
    /// Treat warnings as errors.
    #[arg(long)]
    deny_warnings: bool,
    /// Derive serde's Serialize and Deserialize for every type, with the schema's names
    /// (the code then needs wamp-idl-runtime's feature `serde`).
    #[arg(long)]
    serde: bool,
}

/// Runs `generate`: diagnostics on stderr, failure when the schemas have errors.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let builder = args.inputs.include_dirs.iter().fold(
        Builder::new()
            .caller(!args.callee_only)
            .callee(!args.caller_only)
            .default_stubs(args.default_stubs)
            .runtime_path(args.runtime_path)
            .deny_warnings(args.deny_warnings)
            .serde(args.serde),
        |builder, dir| builder.include_dir(dir),
    );
    let generated = match builder.generate(&args.inputs.files) {
        Ok(generated) => generated,
        Err(error) => {
            // Schema errors are rendered diagnostics, each line already saying `error:`.
            match error.kind() {
                ErrorKind::Schema(_) => eprintln!("{error}"),
                _ => eprintln!("error: {error}"),
            }
            return Ok(ExitCode::FAILURE);
        }
    };
    eprint!("{}", generated.warnings);
    match &args.output {
        Some(path) => {
            wamp_idl_codegen::output::write_if_changed(path, &generated.code)?;
        }
        None => crate::print(&generated.code).context("cannot write to stdout")?,
    }
    Ok(ExitCode::SUCCESS)
}
