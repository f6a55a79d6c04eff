//! The `tfgate` binary: the process's streams and environment handed to
//! [`tfgate::run`], and the allocator, which only a binary may choose.

use std::io::IsTerminal;
use std::process::ExitCode;

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

fn main() -> ExitCode {
    let stdout_terminal = std::io::stdout().is_terminal();
    // Unbuffered handles: `run` buffers standard output itself and writes
    // standard error a line at a time.
    let mut stdin = std::io::stdin();
    let mut stdout = std::io::stdout();
    let mut stderr = std::io::stderr();
    let mut io = tfgate::Io {
        stdin: &mut stdin,
        stdout: &mut stdout,
        stderr_terminal: std::io::stderr().is_terminal(),
        stderr: &mut stderr,
        stdout_terminal,
        // On a terminal, tables wrap their messages to its width.
        terminal_width: stdout_terminal
            .then(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
            .flatten(),
        env: std::env::vars_os().collect(),
        // The process ends right after: the report need not be freed.
        exits_after_run: true,
    };
    ExitCode::from(tfgate::run(std::env::args_os(), &mut io))
}
