//! Reading a plan file (or standard input) into memory once.

use std::io::Read;
use std::path::Path;
use std::sync::Mutex;

use anyhow::{Context, Result};

/// A plan file's decoded text and the name to show in messages.
pub struct PlanText {
    pub name: String,
    pub text: String,
}

/// Reads `path` (`-` for `stdin`) and decodes it to UTF-8 text.
pub fn read_plan_text(path: &str, stdin: &Mutex<&mut (dyn Read + Send)>) -> Result<PlanText> {
    let (name, bytes) = if path == "-" {
        let mut buf = Vec::new();
        // A lock poisoned by a panicking reader still holds a usable stream.
        let mut stdin = stdin.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        stdin.read_to_end(&mut buf).context("cannot read standard input")?;
        ("<stdin>".to_string(), buf)
    } else {
        // Named once: `x.json: No such file or directory (os error 2)`.
        let bytes = std::fs::read(Path::new(path)).with_context(|| path.to_string())?;
        (path.to_string(), bytes)
    };
    let text = match tfgate_plan::Plan::decode(&bytes) {
        Ok(std::borrow::Cow::Borrowed(_)) => {
            // Valid UTF-8: reuse the buffer rather than copy it.
            let mut bytes = bytes;
            if bytes.starts_with(b"\xEF\xBB\xBF") {
                bytes.drain(..3);
            }
            // SAFETY: `decode` has just validated these bytes as UTF-8 (after the
            // BOM, which is whole code points); validating a large plan a second
            // time costs a full pass over it.
            unsafe { String::from_utf8_unchecked(bytes) }
        }
        Ok(std::borrow::Cow::Owned(s)) => s,
        Err(e) => return Err(anyhow::Error::new(e).context(name)),
    };
    Ok(PlanText { name, text })
}

/// Parses the text as a plan, naming the file in any error.
pub fn parse<'a>(input: &'a PlanText) -> Result<tfgate_plan::Plan<'a>> {
    tfgate_plan::Plan::parse(&input.text).with_context(|| input.name.clone())
}
