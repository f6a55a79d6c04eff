//! The `tfgate` command line as a library: argument parsing, reading
//! inputs, calling the library crates, choosing renderers, exit codes.
//! Everything else lives in the libraries.
//!
//! [`run`] is the whole command: the binary (`src/main.rs`) calls it with
//! the process's streams and environment, and tests call it in-process with
//! buffers, so that only what needs a process (the real exit status,
//! signals, a closed pipe) is tested through the binary.
//!
//! ```
//! let (mut stdin, mut stdout, mut stderr) = (std::io::empty(), Vec::new(), Vec::new());
//! let mut io = tfgate::Io::new(&mut stdin, &mut stdout, &mut stderr);
//! let code = tfgate::run(["tfgate", "--version"], &mut io);
//! assert_eq!(code, tfgate::exit::PASS);
//! assert!(String::from_utf8(stdout).unwrap().starts_with("tfgate "));
//! ```

#![deny(missing_docs)]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::Mutex;

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

/// Gate Terraform and OpenTofu plans on policy.
#[derive(Parser)]
#[command(name = "tfgate", version, about, long_about = None)]
struct Cli {
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

/// What a run reads and writes besides its files: the standard streams,
/// whether they are terminals, and the environment variables the command
/// line reads (`NO_COLOR`, the CI's actor and run variables).
///
/// Files named in the arguments are read and written as given, relative to
/// the process's working directory (which is also where `tfgate.hcl` is
/// looked for).
pub struct Io<'a> {
    /// Standard input: a plan given as `-`.
    pub stdin: &'a mut (dyn Read + Send),
    /// Standard output: reports, listings, help.
    pub stdout: &'a mut dyn Write,
    /// Standard error: errors, warnings, notes.
    pub stderr: &'a mut dyn Write,
    /// Standard output is a terminal: colour (with `--color auto`) and tables wrapped to `terminal_width`.
    pub stdout_terminal: bool,
    /// Standard error is a terminal: a progress bar for multi-plan runs.
    pub stderr_terminal: bool,
    /// The terminal's width in columns, when standard output is one.
    pub terminal_width: Option<usize>,
    /// The environment variables the run may read.
    pub env: BTreeMap<OsString, OsString>,
    /// The process ends when [`run`] returns (the binary): a large report
    /// and plan are then left to the operating system, which takes them
    /// back faster than freeing their millions of small objects one by one.
    /// Off by default, so that a caller that lives on gets its memory back.
    pub exits_after_run: bool,
}

impl<'a> Io<'a> {
    /// Streams that are not terminals, and an empty environment.
    pub fn new(stdin: &'a mut (dyn Read + Send), stdout: &'a mut dyn Write, stderr: &'a mut dyn Write) -> Self {
        Io {
            stdin,
            stdout,
            stderr,
            stdout_terminal: false,
            stderr_terminal: false,
            terminal_width: None,
            env: BTreeMap::new(),
            exits_after_run: false,
        }
    }
}

/// Runs the command line `args` (the program name first, as in
/// `std::env::args_os`) and returns its exit code ([`exit`]).
///
/// Standard output is written through one sink, so that a closed pipe or a
/// full disk is handled the same way everywhere: a closed pipe
/// (`tfgate check | head`) ends the run quietly with the verdict standing,
/// any other write error is exit code 2.
pub fn run(args: impl IntoIterator<Item = impl Into<OsString>>, io: &mut Io) -> u8 {
    let args = sentinel_cmd::normalize_args(args.into_iter().map(Into::into).collect());
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            let e = better_tips(e, &args);
            let code = if e.use_stderr() { exit::ERROR } else { exit::PASS };
            // `--help` and `--version` go to standard output: the same rules.
            let (stream, terminal) = if e.use_stderr() {
                (&mut *io.stderr, io.stderr_terminal)
            } else {
                (&mut *io.stdout, io.stdout_terminal)
            };
            let rendered = e.render();
            let text =
                if terminal && colour_allowed(&io.env) { rendered.ansi().to_string() } else { rendered.to_string() };
            return match stream.write_all(text.as_bytes()).and_then(|()| stream.flush()) {
                Err(err) if !e.use_stderr() && err.kind() != std::io::ErrorKind::BrokenPipe => {
                    let _ = writeln!(io.stderr, "error: cannot write standard output: {err}");
                    exit::ERROR
                }
                _ => code,
            };
        }
    };
    let console = Console {
        stderr: RefCell::new(&mut *io.stderr),
        stdin: Mutex::new(&mut *io.stdin),
        quiet: cli.style.quiet,
        stdout_terminal: io.stdout_terminal,
        stderr_terminal: io.stderr_terminal,
        terminal_width: io.terminal_width,
        env: &io.env,
        exits_after_run: io.exits_after_run,
    };
    // `check` streams its report (it can be gigabytes) into the sink, the
    // other subcommands render into a buffer first.
    let mut sink = StdoutSink::new(&mut *io.stdout);
    let mut out = String::new();
    let result = match cli.command {
        Command::Check(args) => check::run(*args, cli.style, &console, &mut sink),
        Command::Inspect(args) => inspect::run(args, &console, &mut out),
        Command::Policies(args) => policies_cmd::run(args, &console, &mut out),
        Command::Test(args) => test_cmd::run(args, &console, &mut out),
        Command::Sentinel(args) => sentinel_cmd::run(args, &console, &mut sink),
        Command::Completions(args) => generate::completions(args, &mut out),
        Command::Man(args) => generate::man(args, &mut out),
    };
    if sink.failed.is_none() {
        let _ = sink.write_all(out.as_bytes());
    }
    let _ = sink.flush();
    match sink.failed.take() {
        None => {}
        // The reader went away (`tfgate check | head`): nothing more to say,
        // and the verdict stands.
        Some(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Some(e) => {
            console.say(&format!("error: cannot write standard output: {e}"));
            return exit::ERROR;
        }
    }
    let code = match result {
        Ok(code) => code,
        Err(e) => {
            let message = error_text(&e);
            // Policy diagnostics come rendered, each with its own "error:".
            if message.starts_with("error: ") || message.starts_with("warning: ") {
                console.say(&message);
            } else {
                console.say(&format!("error: {message}"));
            }
            exit::ERROR
        }
    };
    code
}

/// clap's rule for colouring its own messages on a terminal: not with
/// `NO_COLOR` set and not empty, nor on a dumb terminal.
fn colour_allowed(env: &BTreeMap<OsString, OsString>) -> bool {
    let no_color = env.get(OsStr::new("NO_COLOR")).is_some_and(|v| !v.is_empty());
    !no_color && env.get(OsStr::new("TERM")).is_none_or(|t| t != "dumb")
}

/// A run's view of its surroundings, handed to the subcommands: standard
/// error (for [`Console::say`] and [`Console::note`]), standard input, the
/// terminal flags and the environment, all from [`Io`].
pub(crate) struct Console<'a> {
    stderr: RefCell<&'a mut dyn Write>,
    /// Read by a plan named `-`; behind a lock because plans are read in parallel.
    pub stdin: Mutex<&'a mut (dyn Read + Send)>,
    /// `-q`: notes are what it leaves out.
    pub quiet: bool,
    pub stdout_terminal: bool,
    pub stderr_terminal: bool,
    pub terminal_width: Option<usize>,
    env: &'a BTreeMap<OsString, OsString>,
    /// See [`Io::exits_after_run`].
    pub exits_after_run: bool,
}

impl Console<'_> {
    /// A line on standard error. A failing standard error is ignored: there
    /// is nowhere left to report it, and `eprintln!` would panic.
    pub fn say(&self, line: &str) {
        let mut stderr = self.stderr.borrow_mut();
        let _ = writeln!(stderr, "{line}");
        let _ = stderr.flush();
    }

    /// `note: …` on standard error, for things skipped on purpose; not with `-q`.
    pub fn note(&self, line: &str) {
        if !self.quiet {
            self.say(&format!("note: {line}"));
        }
    }

    /// An environment variable, when set and not empty.
    pub fn var(&self, name: &str) -> Option<String> {
        self.var_os(name).and_then(|v| v.to_str()).filter(|v| !v.is_empty()).map(str::to_string)
    }

    /// An environment variable as the system gives it.
    pub fn var_os(&self, name: &str) -> Option<&OsStr> {
        self.env.get(OsStr::new(name)).map(OsString::as_os_str)
    }
}

/// An error and its causes on one line, `outer: inner`, leaving out a cause
/// whose text the one before it already ends with (a library error that
/// quotes its source, `cannot read x: No such file or directory (os error
/// 2)`, would otherwise say it twice).
pub(crate) fn error_text(e: &anyhow::Error) -> String {
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
/// [`run`] decides once what the failure means (quiet for a closed pipe,
/// exit code 2 otherwise).
struct StdoutSink<'a> {
    out: &'a mut dyn Write,
    buffer: Vec<u8>,
    failed: Option<std::io::Error>,
}

impl<'a> StdoutSink<'a> {
    fn new(out: &'a mut dyn Write) -> Self {
        StdoutSink { out, buffer: Vec::new(), failed: None }
    }

    /// The first error again, for every later write (`io::Error` is not `Clone`).
    fn failure(&self) -> Option<std::io::Error> {
        self.failed.as_ref().map(|e| std::io::Error::new(e.kind(), e.to_string()))
    }

    /// Writes out what is buffered, or records why it could not.
    fn drain(&mut self) -> std::io::Result<()> {
        if let Some(e) = self.failure() {
            return Err(e);
        }
        if let Err(e) = self.out.write_all(&self.buffer).and_then(|()| self.out.flush()) {
            let again = std::io::Error::new(e.kind(), e.to_string());
            self.failed = Some(e);
            return Err(again);
        }
        self.buffer.clear();
        Ok(())
    }
}

impl Write for StdoutSink<'_> {
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

/// `text` padded with spaces to `width` characters. Rust's `{:width$}`
/// panics for a width over 65,535, and widths here come from names in the
/// input (resource types, policy ids), which have no such limit.
pub(crate) fn pad(text: &str, width: usize) -> String {
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
pub(crate) fn write_file_atomically(
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

#[cfg(test)]
mod memory_tests {
    use super::*;
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicIsize, Ordering};

    /// The system allocator, counting the bytes in use: what a run leaves
    /// behind is what it did not free.
    struct Counting;

    static IN_USE: AtomicIsize = AtomicIsize::new(0);

    // SAFETY: every call is passed on to the system allocator unchanged.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let p = System.alloc(layout);
            if !p.is_null() {
                IN_USE.fetch_add(layout.size() as isize, Ordering::Relaxed);
            }
            p
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            System.dealloc(ptr, layout);
            IN_USE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            let p = System.realloc(ptr, layout, new_size);
            if !p.is_null() {
                IN_USE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
            }
            p
        }
    }

    #[global_allocator]
    static ALLOCATOR: Counting = Counting;

    fn check_in_process(args: &[&std::ffi::OsStr]) -> u8 {
        let (mut stdin, mut stdout, mut stderr) = (std::io::empty(), Vec::new(), Vec::new());
        let mut io = Io::new(&mut stdin, &mut stdout, &mut stderr);
        let code = run(args, &mut io);
        assert_eq!(code, exit::FAIL, "{}", String::from_utf8_lossy(&stderr));
        code
    }

    /// A caller that lives on (the tests, a server) gets a run's plan and
    /// report back; only the binary, which exits right after, leaves them.
    #[test]
    fn an_in_process_check_frees_its_plan_and_report() {
        let dir = tempfile::tempdir().unwrap();
        let resources: Vec<_> = (0..5_000)
            .map(|i| {
                serde_json::json!({
                    "address": format!("aws_instance.web_{i}"),
                    "mode": "managed",
                    "type": "aws_instance",
                    "name": format!("web_{i}"),
                    "provider_name": "registry.terraform.io/hashicorp/aws",
                    "change": {"actions": ["create"], "before": null, "after": {"instance_type": "t3.micro"}, "after_unknown": {}}
                })
            })
            .collect();
        let plan = serde_json::json!({
            "format_version": "1.2",
            "terraform_version": "1.9.8",
            "planned_values": {"root_module": {"resources": []}},
            "resource_changes": resources,
        });
        let plan_path = dir.path().join("plan.json");
        std::fs::write(&plan_path, plan.to_string()).unwrap();
        drop(plan);
        let policy_path = dir.path().join("small.policy.hcl");
        std::fs::write(
            &policy_path,
            "resource_policy \"aws_instance\" \"never\" {\n  enforce {\n    condition = false\n    error_message = \"no instance may pass\"\n  }\n}\n",
        )
        .unwrap();
        let args: Vec<&std::ffi::OsStr> = vec![
            "tfgate".as_ref(),
            "check".as_ref(),
            plan_path.as_os_str(),
            "-p".as_ref(),
            policy_path.as_os_str(),
            "--format".as_ref(),
            "json".as_ref(),
        ];
        // The first run also builds what lives for the whole process (the
        // thread pool, lazily made tables): only the second one is measured.
        check_in_process(&args);
        let before = IN_USE.load(Ordering::SeqCst);
        check_in_process(&args);
        let kept = IN_USE.load(Ordering::SeqCst) - before;
        // Leaving the plan and report of 5,000 findings would keep about 4 MB.
        assert!(kept < 256 << 10, "a run left {kept} bytes allocated");
    }
}
