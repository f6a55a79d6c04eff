//! The `tfgate` command line: argument parsing, reading files, calling the
//! library crates, exit codes. Everything else lives in the libraries.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod check;
mod inspect;
mod plan_input;
mod policies_cmd;
mod policies_input;
mod test_cmd;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc commits (and, with transparent huge pages, zeroes) whole arenas
/// up front by default; for a run that reads one large plan that costs more
/// system time than the evaluation itself. Committing on demand is set
/// before `main`, ahead of the first allocation, because the option is read
/// when the first arena is made.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static TUNE_ALLOCATOR: extern "C" fn() = tune_allocator;

#[cfg(target_os = "linux")]
extern "C" fn tune_allocator() {
    const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    // SAFETY: sets a process-wide allocator option; runs once, before threads exist.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0) };
}

/// Gate Terraform and OpenTofu plans on policy.
#[derive(Parser)]
#[command(name = "tfgate", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate policies against one or more plans and gate on the result.
    // Boxed: by far the largest arguments.
    Check(Box<check::CheckArgs>),
    /// Summarise a plan, or show the planned values of matching resources.
    Inspect(inspect::InspectArgs),
    /// List the policies, or show one policy's documentation.
    Policies(policies_cmd::PoliciesArgs),
    /// Run policy tests: `*.policytest.hcl` (mock resources) and `*.plantest.hcl` (whole plans).
    Test(test_cmd::TestArgs),
}

/// Exit codes, documented in docs/cli.md.
pub mod exit {
    /// The gate passes.
    pub const PASS: u8 = 0;
    /// A mandatory (or not-overridden soft-mandatory) policy failed.
    pub const FAIL: u8 = 1;
    /// An error: unreadable input, invalid policy, evaluation error.
    pub const ERROR: u8 = 2;
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { exit::ERROR } else { exit::PASS };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Check(args) => check::run(*args),
        Command::Inspect(args) => inspect::run(args),
        Command::Policies(args) => policies_cmd::run(args),
        Command::Test(args) => test_cmd::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let message = format!("{e:#}");
            // Policy diagnostics come rendered, each with its own "error:".
            if message.starts_with("error: ") || message.starts_with("warning: ") {
                eprintln!("{message}");
            } else {
                eprintln!("error: {message}");
            }
            ExitCode::from(exit::ERROR)
        }
    }
}
