//! Small text helpers shared by the renderers.

use crate::Finding;

/// Text for a terminal: control characters (ESC above all, which could
/// rewrite the screen) are shown escaped; newlines stay, `\r\n` becomes `\n`,
/// tabs become a space.
pub(crate) fn terminal_safe(s: &str) -> String {
    let s = s.replace("\r\n", "\n");
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push(' '),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            // Bidirectional overrides can make text read differently than it is.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

/// The module a finding belongs to, as Sentinel names it: `root` or the module path.
pub(crate) fn module_or_root(f: &Finding) -> &str {
    if f.module_path.is_empty() {
        "root"
    } else {
        &f.module_path
    }
}

/// The module path prefixes of a module instance path, outermost first:
/// `module.a["x.y"].module.b[0]` gives `module.a["x.y"]` and
/// `module.a["x.y"].module.b[0]`. Dots inside quoted keys do not split.
pub(crate) fn module_prefixes(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = path.as_bytes();
    let (mut in_quotes, mut escaped, mut depth) = (false, false, 0usize);
    for (i, &b) in bytes.iter().enumerate() {
        if in_quotes {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_quotes = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_quotes = true,
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            b'.' if depth == 0 && i > 0 && path[i + 1..].starts_with("module.") => {
                out.push(&path[..i]);
            }
            _ => {}
        }
    }
    if !path.is_empty() {
        out.push(path);
    }
    out
}

/// The address without its module path (`aws_instance.web[0]`).
pub(crate) fn local_address<'a>(address: &'a str, module_path: &str) -> &'a str {
    if module_path.is_empty() {
        return address;
    }
    address.strip_prefix(module_path).and_then(|rest| rest.strip_prefix('.')).unwrap_or(address)
}

/// Text a renderer writes: straight into an [`std::io::Write`] ([`Out`]),
/// or into a `String` for a part that must be measured or built in
/// parallel before it is written.
pub(crate) trait Push {
    fn push_str(&mut self, s: &str);
    fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }
}

impl Push for String {
    fn push_str(&mut self, s: &str) {
        String::push_str(self, s);
    }
    fn push(&mut self, c: char) {
        String::push(self, c);
    }
}

/// A writer that keeps its first error: renderers write piece by piece
/// without checking each piece, and [`Out::finish`] reports the error once.
/// After an error (a closed pipe) nothing more is written.
pub(crate) struct Out<'a> {
    writer: &'a mut dyn std::io::Write,
    error: Option<std::io::Error>,
}

impl<'a> Out<'a> {
    pub(crate) fn new(writer: &'a mut dyn std::io::Write) -> Out<'a> {
        Out { writer, error: None }
    }
    /// The first write error, if any.
    pub(crate) fn finish(self) -> std::io::Result<()> {
        self.error.map_or(Ok(()), Err)
    }
}

impl Push for Out<'_> {
    fn push_str(&mut self, s: &str) {
        if self.error.is_none() {
            if let Err(e) = self.writer.write_all(s.as_bytes()) {
                self.error = Some(e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_respect_quoted_keys() {
        assert_eq!(
            module_prefixes(r#"module.a["x.module.y"].module.b[0]"#),
            vec![r#"module.a["x.module.y"]"#, r#"module.a["x.module.y"].module.b[0]"#]
        );
        assert_eq!(module_prefixes("module.app"), vec!["module.app"]);
        assert!(module_prefixes("").is_empty());
    }

    #[test]
    fn local_address_strips_module() {
        assert_eq!(
            local_address(r#"module.app["blue"].aws_instance.web[0]"#, r#"module.app["blue"]"#),
            "aws_instance.web[0]"
        );
        assert_eq!(local_address("aws_s3_bucket.b", ""), "aws_s3_bucket.b");
    }

    #[test]
    fn terminal_safe_escapes_controls() {
        assert_eq!(terminal_safe("a\x1b[31mb\r\nc\td"), "a\\u{1b}[31mb\nc d");
    }
}
