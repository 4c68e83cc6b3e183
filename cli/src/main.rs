//! `openapi-rustgen`: the command-line face of the generator.
//!
//! Exit codes: 0 success, 1 differences found (`check`, `diff --fail-on`),
//! 2 bad input or usage.

#[global_allocator]
static ALLOCATOR: allocator::Mimalloc = allocator::Mimalloc;

mod allocator;
mod args;
mod diff;
mod generate;
mod options;
mod schemas;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // Help and version are not errors; usage mistakes exit 2.
            let code = if err.use_stderr() { 2 } else { 0 };
            let _ = err.print();
            return exit_now(code);
        }
    };
    let result = match cli.command {
        Command::Generate(args) => generate::generate(args),
        Command::Regenerate(args) => generate::regenerate(args, false),
        Command::Check(args) => generate::regenerate(args, true),
        Command::Diff(args) => diff::diff(args),
        Command::Schemas(args) => schemas::schemas(args),
    };
    let code = match result {
        Ok(code) if code == ExitCode::SUCCESS => 0,
        Ok(_) => 1,
        Err(err) => {
            eprintln!("{err}");
            2
        }
    };
    exit_now(code)
}

/// Ends the process without the exit-time clean-up: everything is written
/// (files are closed, stdout is flushed here, stderr is unbuffered), and
/// the allocator returning every page to the system would only make the
/// caller wait.
fn exit_now(code: u8) -> ExitCode {
    use std::io::Write;
    if std::io::stdout().flush().is_err() {
        return ExitCode::from(2);
    }
    // SAFETY: `_exit` ends the process at once; no Rust code runs after it.
    unsafe { libc::_exit(i32::from(code)) }
}
