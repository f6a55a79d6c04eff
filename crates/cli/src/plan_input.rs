//! Reading a plan file (or standard input) into memory once.

use std::io::Read;
use std::path::Path;
use std::sync::Mutex;

use anyhow::{Context, Result};

/// A plan file's decoded text and the name to show in messages.
pub struct PlanText {
    pub name: String,
    pub text: tfgate_plan::PlanText,
}

/// Reads `path` (`-` for `stdin`) and decodes it to UTF-8 text. A large file
/// is mapped rather than copied (see [`tfgate_plan::PlanText`]).
pub fn read_plan_text(path: &str, stdin: &Mutex<&mut (dyn Read + Send)>) -> Result<PlanText> {
    let (name, text) = if path == "-" {
        let mut buf = Vec::new();
        // A lock poisoned by a panicking reader still holds a usable stream.
        let mut stdin = stdin.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        stdin.read_to_end(&mut buf).context("cannot read standard input")?;
        ("<stdin>".to_string(), tfgate_plan::PlanText::from_bytes(buf))
    } else {
        // Named once: `x.json: No such file or directory (os error 2)`.
        (path.to_string(), tfgate_plan::PlanText::read_file(Path::new(path)))
    };
    match text {
        Ok(text) => Ok(PlanText { name, text }),
        Err(e) => Err(anyhow::Error::new(e).context(name)),
    }
}

/// Parses the text as a plan, naming the file in any error.
pub fn parse<'a>(input: &'a PlanText) -> Result<tfgate_plan::Plan<'a>> {
    tfgate_plan::Plan::parse(&input.text).with_context(|| input.name.clone())
}
