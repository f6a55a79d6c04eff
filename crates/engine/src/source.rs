//! Reading a file a user wrote (a policy, a policy test, `tfgate.hcl`) as
//! text, the same way for every reader: bounded in size, and refused before
//! parsing when it is not text, so that no diagnostic ever quotes binary or
//! foreign content (`/proc/self/environ` is NUL-separated).

use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a source file cannot be read as text.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read {}: {source}", path.display())]
    /// The file could not be read, or is larger than allowed.
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file holds NUL bytes or is not UTF-8: it is not the text file
    /// asked for (and its content is never quoted, it may be anything).
    #[error("{}: not a {what}: {reason}", path.display())]
    NotText {
        /// The file.
        path: PathBuf,
        /// What kind of file was expected (`policy file`, …).
        what: &'static str,
        /// Why it is not text, with the byte offset.
        reason: String,
    },
}

/// Reads a source file; `what` names the kind of file in errors.
pub fn read_source(path: &Path, what: &'static str) -> Result<String, SourceError> {
    read_source_at_most(path, what, u64::MAX)
}

/// [`read_source`] that refuses a file larger than `limit` bytes without
/// reading more than one byte past it (a pipe or a special file has no size
/// to trust).
pub fn read_source_at_most(path: &Path, what: &'static str, limit: u64) -> Result<String, SourceError> {
    let io = |source| SourceError::Io { path: path.to_path_buf(), source };
    let mut bytes = Vec::new();
    std::fs::File::open(path).and_then(|f| f.take(limit.saturating_add(1)).read_to_end(&mut bytes)).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            if limit % (1 << 20) == 0 {
                format!("a {what} may be at most {} KiB ({} MiB)", limit / 1024, limit >> 20)
            } else {
                format!("a {what} may be at most {} KiB", limit / 1024)
            },
        )));
    }
    let not_text = |reason: String| SourceError::NotText { path: path.to_path_buf(), what, reason };
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(not_text(format!("it contains a NUL byte (at byte offset {at})")));
    }
    String::from_utf8(bytes).map_err(|e| {
        not_text(format!("it is not UTF-8 text (invalid bytes at byte offset {})", e.utf8_error().valid_up_to()))
    })
}
