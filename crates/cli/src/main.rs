//! The `tfgate` command line: argument parsing, reading files, calling the
//! library crates, exit codes. Everything else lives in the libraries.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod check;
mod check_sentinel;
mod generate;
mod inspect;
mod plan_input;
mod policies_cmd;
mod policies_input;
mod sentinel_cmd;
mod source_locations;
mod style;
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
    #[command(flatten)]
    style: style::StyleArgs,
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
    /// Run Sentinel policy sets as HashiCorp's `sentinel` CLI does: `sentinel test`, `sentinel apply`.
    Sentinel(sentinel_cmd::SentinelArgs),
    /// Print a shell completion script: `tfgate completions bash > ~/.local/share/bash-completion/completions/tfgate`.
    Completions(generate::CompletionsArgs),
    /// Print the man page (roff): `tfgate man > ~/.local/share/man/man1/tfgate.1`.
    Man(generate::ManArgs),
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
    let args = sentinel_cmd::normalize_args(std::env::args_os().collect());
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            let e = better_tips(e, &args);
            let code = if e.use_stderr() { exit::ERROR } else { exit::PASS };
            // `--help` and `--version` go to standard output: the same rules.
            return match e.print() {
                Err(err) if !e.use_stderr() && err.kind() != std::io::ErrorKind::BrokenPipe => {
                    say(&format!("error: cannot write standard output: {err}"));
                    ExitCode::from(exit::ERROR)
                }
                _ => ExitCode::from(code),
            };
        }
    };
    // Standard output is written in one place, so that a closed pipe or a
    // full disk is handled the same way everywhere: `check` streams its
    // report (it can be gigabytes) into the sink, the other subcommands
    // render into a buffer first.
    style::set_quiet(cli.style.quiet);
    let mut sink = StdoutSink::default();
    let mut out = String::new();
    let result = match cli.command {
        Command::Check(args) => check::run(*args, cli.style, &mut sink),
        Command::Inspect(args) => inspect::run(args, &mut out),
        Command::Policies(args) => policies_cmd::run(args, &mut out),
        Command::Test(args) => test_cmd::run(args, &mut out),
        Command::Sentinel(args) => sentinel_cmd::run(args, &mut sink),
        Command::Completions(args) => generate::completions(args, &mut out),
        Command::Man(args) => generate::man(args, &mut out),
    };
    if sink.failed.is_none() {
        let _ = sink.write_all(out.as_bytes());
    }
    let _ = sink.flush();
    match sink.failed {
        None => {}
        // The reader went away (`tfgate check | head`): nothing more to say,
        // and the verdict stands.
        Some(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Some(e) => {
            say(&format!("error: cannot write standard output: {e}"));
            return ExitCode::from(exit::ERROR);
        }
    }
    let code = match result {
        Ok(code) => code,
        Err(e) => {
            let message = error_text(&e);
            // Policy diagnostics come rendered, each with its own "error:".
            if message.starts_with("error: ") || message.starts_with("warning: ") {
                say(&message);
            } else {
                say(&format!("error: {message}"));
            }
            exit::ERROR
        }
    };
    // The buffer may be a large report: the process ends now, freeing it only costs time.
    std::mem::forget(out);
    ExitCode::from(code)
}

/// An error and its causes on one line, `outer: inner`, leaving out a cause
/// whose text the one before it already ends with (a library error that
/// quotes its source, `cannot read x: No such file or directory (os error
/// 2)`, would otherwise say it twice).
pub fn error_text(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if text.is_empty() {
            text = part;
        } else if !text.ends_with(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
    }
    text
}

/// clap's tip for an unknown option that a positional argument could take
/// (`to pass '--filter' as a value, use '-- --filter'`) points away from
/// the mistake, a misspelt or missing option; the command's `--help` is
/// the useful pointer.
fn better_tips(mut e: clap::Error, args: &[std::ffi::OsString]) -> clap::Error {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::UnknownArgument || e.get(ContextKind::SuggestedArg).is_some() {
        return e;
    }
    let as_a_value = match e.get(ContextKind::Suggested) {
        Some(ContextValue::StyledStrs(tips)) => tips.iter().any(|t| t.to_string().contains("as a value")),
        _ => false,
    };
    if !as_a_value {
        return e;
    }
    let command = <Cli as clap::CommandFactory>::command();
    let mut path = vec!["tfgate".to_string()];
    let mut current = &command;
    for arg in args.iter().skip(1).filter_map(|a| a.to_str()) {
        match current.find_subcommand(arg) {
            Some(sub) => {
                path.push(sub.get_name().to_string());
                current = sub;
            }
            None if arg.starts_with('-') => continue,
            None => break,
        }
    }
    let tip = format!("'{} --help' lists the options", path.join(" "));
    e.insert(ContextKind::Suggested, ContextValue::StyledStrs(vec![tip.into()]));
    e
}

/// Standard output that remembers its first error: after a failed write
/// every later one fails the same way without touching the stream, and
/// `main` decides once what the failure means (quiet for a closed pipe,
/// exit code 2 otherwise).
#[derive(Default)]
pub struct StdoutSink {
    buffer: Vec<u8>,
    failed: Option<std::io::Error>,
}

impl StdoutSink {
    /// The first error again, for every later write (`io::Error` is not `Clone`).
    fn failure(&self) -> Option<std::io::Error> {
        self.failed.as_ref().map(|e| std::io::Error::new(e.kind(), e.to_string()))
    }

    /// Writes out what is buffered, or records why it could not.
    fn drain(&mut self) -> std::io::Result<()> {
        if let Some(e) = self.failure() {
            return Err(e);
        }
        if let Err(e) = write_stdout(&self.buffer) {
            let again = std::io::Error::new(e.kind(), e.to_string());
            self.failed = Some(e);
            return Err(again);
        }
        self.buffer.clear();
        Ok(())
    }
}

impl Write for StdoutSink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Some(e) = self.failure() {
            return Err(e);
        }
        if self.buffer.len() + bytes.len() > 1 << 20 {
            self.drain()?;
        }
        self.buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.drain()
    }
}

fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes)?;
    stdout.flush()
}

/// A line on standard error. A failing standard error is ignored: there is
/// nowhere left to report it, and `eprintln!` would panic.
pub fn say(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// `note: …` on standard error, for things skipped on purpose; not with `-q`.
pub fn note(line: &str) {
    if style::quiet() {
        return;
    }
    say(&format!("note: {line}"));
}

/// `text` padded with spaces to `width` characters. Rust's `{:width$}`
/// panics for a width over 65,535, and widths here come from names in the
/// input (resource types, policy ids), which have no such limit.
pub fn pad(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + width);
    out.push_str(text);
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(text.chars().count())));
    out
}

/// Writes a report file whole or not at all: into a temporary file beside
/// it, then renamed over it, so an interrupted or failing run never leaves
/// a truncated report (or truncates the previous one). A path that exists
/// and is not a regular file (`/dev/stdout`, a named pipe) cannot be
/// replaced and is written in place.
pub fn write_file_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => {
            let mut f = std::io::BufWriter::new(std::fs::OpenOptions::new().write(true).open(path)?);
            write(&mut f)?;
            return f.flush();
        }
        _ => {}
    }
    // Through a symbolic link to its file, as writing in place did.
    let target = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path)?,
        _ => path.to_path_buf(),
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".tfgate-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // 0666 before the umask, the mode a plain create gives (not tempfile's 0600).
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    {
        let mut buffered = std::io::BufWriter::new(tmp.as_file_mut());
        write(&mut buffered)?;
        buffered.flush()?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}
