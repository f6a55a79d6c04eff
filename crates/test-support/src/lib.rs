//! Helpers shared by tfgate's test suites (a dev-dependency only).
//!
//! - [`corpus_dir`] and [`corpus_plans`]: the real-plan corpus named by
//!   `$TFGATE_CORPUS`, with one rule for every suite: skipped, saying so,
//!   outside CI; a failure on CI, where a run that cannot see its inputs
//!   must not pass.
//! - [`base64`] and [`hex`]: how a planted secret could be spelt in an
//!   output, for the tests that check it never is.
//!
//! ```
//! use tfgate_test_support::{base64, hex};
//!
//! // A planted secret, and the spellings an output must not contain either.
//! let secret = b"hunter2";
//! let output = "password = (sensitive value)";
//! for spelling in [String::from_utf8_lossy(secret).into_owned(), base64(secret), hex(secret)] {
//!     assert!(!output.contains(&spelling));
//! }
//! assert_eq!((base64(secret).as_str(), hex(b"\x01\xff").as_str()), ("aHVudGVyMg", "01ff"));
//!
//! // A corpus suite starts like this: `None` means skipped (and said so).
//! if let Some(plans) = tfgate_test_support::corpus_plans() {
//!     assert!(plans.iter().all(|p| p.extension().is_some_and(|e| e == "json")));
//! }
//! ```

#![deny(missing_docs)]

use std::path::{Path, PathBuf};

/// The corpus folder, or `None` (after saying so) when `$TFGATE_CORPUS` is
/// unset outside CI. A relative path is taken from the workspace root,
/// where `.ci/run` runs.
///
/// # Panics
/// When `CI` is set and `$TFGATE_CORPUS` is not, or when it names no folder.
pub fn corpus_dir() -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("TFGATE_CORPUS") else {
        if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false") {
            panic!("CI is set but TFGATE_CORPUS is not: the corpus tests cannot see their inputs");
        }
        eprintln!("TFGATE_CORPUS is not set: skipping the corpus test");
        return None;
    };
    let dir = PathBuf::from(dir);
    let dir = if dir.is_relative() { Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(dir) } else { dir };
    assert!(dir.is_dir(), "TFGATE_CORPUS={} is not a directory", dir.display());
    Some(dir)
}

/// The Sentinel conformance fixtures (`shared/fixtures/sentinel`, beside
/// the checkout, or `$TFGATE_SENTINEL_FIXTURES`), with the corpus's rule:
/// `None` (after saying so) when missing outside CI.
///
/// # Panics
/// When `CI` is set and the folder is missing.
pub fn sentinel_fixtures() -> Option<PathBuf> {
    let dir = std::env::var_os("TFGATE_SENTINEL_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/sentinel"));
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false") {
        panic!("CI is set but the Sentinel fixtures are missing: {}", dir.display());
    }
    eprintln!("no Sentinel fixtures at {}: skipping", dir.display());
    None
}

/// Every `*.json` file below the corpus folder, sorted (see [`corpus_dir`]).
pub fn corpus_plans() -> Option<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![corpus_dir()?];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let p = entry.unwrap_or_else(|e| panic!("{}: {e}", d.display())).path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "json") {
                files.push(p);
            }
        }
    }
    files.sort();
    Some(files)
}

/// Standard base64 without padding (a secret's encoding inside a longer
/// encoded text may end differently).
pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        assert_eq!(base64(b"hunter2"), "aHVudGVyMg");
        assert_eq!(base64(b"abc"), "YWJj");
        assert_eq!(base64(b"hello"), "aGVsbG8");
        assert_eq!(hex(b"hunter2"), "68756e74657232");
    }
}
