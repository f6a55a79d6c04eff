//! Source files, spans and diagnostics that point at them: one kind of
//! message for every file a user writes (`.policy.hcl` policies and tests,
//! `tfgate.hcl`), whichever crate reads it.
//!
//! A [`Diagnostic`] renders like rustc or Terraform: a headline, the file,
//! line and column, the offending source line with a caret under the span,
//! and an optional "did you mean" help line.

use std::fmt::Write as _;
use std::sync::Arc;

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// The bytes `start..end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end: end.max(start) }
    }
    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(r: std::ops::Range<usize>) -> Span {
        Span::new(r.start, r.end)
    }
}

/// A loaded source text with its display name (usually the path).
#[derive(Clone, Debug)]
pub struct SourceFile {
    name: Arc<str>,
    text: Arc<str>,
    line_starts: Arc<[usize]>,
}

impl SourceFile {
    /// A file named `name` (as diagnostics show it) holding `text`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text: String = text.into();
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile { name: Arc::from(name.into()), text: Arc::from(text), line_starts: Arc::from(starts) }
    }
    /// The name diagnostics show.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }
    /// 1-based line and column (in characters) of a byte offset.
    pub fn location(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line_idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line_idx];
        let col = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count());
        Location { line: line_idx + 1, column: col + 1 }
    }
    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self.line_starts.get(line).map_or(self.text.len(), |&e| e);
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
    /// The span of the character at byte `offset` (empty at the end of the
    /// text): where a parser stopped. An offset inside a character (a parser
    /// may stop after its first byte) means that character.
    pub fn char_span(&self, offset: usize) -> Span {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let end = self.text[offset..].chars().next().map_or(offset, |c| offset + c.len_utf8());
        Span::new(offset, end)
    }
    /// The source text a span covers.
    pub fn snippet(&self, span: Span) -> &str {
        self.text.get(span.start..span.end.min(self.text.len())).unwrap_or("")
    }
}

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    /// Line, counted from 1.
    pub line: usize,
    /// Column in characters, counted from 1.
    pub column: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// How bad a diagnostic is.
pub enum DiagnosticSeverity {
    /// The file cannot be used.
    Error,
    /// The file loads; something deserves attention.
    Warning,
}

/// One problem found in a policy or test file, with everything needed to
/// show it without the source at hand.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: DiagnosticSeverity,
    /// The headline, e.g. `Reference to undeclared local value`.
    pub message: String,
    /// The file name as given when loading.
    pub file: String,
    /// The bytes the diagnostic is about.
    pub span: Span,
    /// Line and column of the start of `span`.
    pub location: Location,
    /// Where the span ends (same line or later).
    pub end_location: Location,
    /// The source line the span starts on; at most `MAX_QUOTE` characters
    /// of it around the span, cut ends marked `…`.
    pub source_line: String,
    /// How many characters of the line were cut from its start (0 when quoted whole).
    pub quote_cut: usize,
    /// A short note shown next to the caret.
    pub label: Option<String>,
    /// A suggestion, e.g. `did you mean "token"?`.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error about `span` of `file`.
    pub fn error(file: &SourceFile, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(DiagnosticSeverity::Error, file, span, message)
    }
    /// A warning about `span` of `file`.
    pub fn warning(file: &SourceFile, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(DiagnosticSeverity::Warning, file, span, message)
    }
    fn new(severity: DiagnosticSeverity, file: &SourceFile, span: Span, message: impl Into<String>) -> Diagnostic {
        let location = file.location(span.start);
        let (source_line, quote_cut) = quote(file.line_text(location.line), location.column - 1);
        Diagnostic {
            severity,
            message: message.into(),
            file: file.name().to_string(),
            span,
            location,
            end_location: file.location(span.end),
            source_line,
            quote_cut,
            label: None,
            help: None,
        }
    }
    #[must_use]
    /// Adds the text shown under the underlined span.
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }
    #[must_use]
    /// Adds a help line (what to write instead).
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
    /// Adds `did you mean "x"?` when a close candidate exists.
    #[must_use]
    pub fn with_suggestion<'a>(self, typo: &str, candidates: impl IntoIterator<Item = &'a str>) -> Diagnostic {
        match suggest(typo, candidates) {
            Some(s) => self.with_help(format!("did you mean \"{s}\"?")),
            None => self,
        }
    }
    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == DiagnosticSeverity::Error
    }

    /// Renders the diagnostic as plain text, rustc style.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let kind = match self.severity {
            DiagnosticSeverity::Error => "error",
            DiagnosticSeverity::Warning => "warning",
        };
        let _ = writeln!(out, "{kind}: {}", clip(&self.message));
        let gutter = self.location.line.to_string().len();
        let pad = " ".repeat(gutter);
        let _ = writeln!(out, "{pad}--> {}:{}:{}", self.file, self.location.line, self.location.column);
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{} | {}", self.location.line, self.source_line);
        let line_chars = self.source_line.chars().count();
        // Columns count from the real line start; a cut start shows as one `…`.
        let shift = if self.quote_cut > 0 { self.quote_cut - 1 } else { 0 };
        let start_col = self.location.column.saturating_sub(1).saturating_sub(shift).min(line_chars);
        let rest = line_chars.saturating_sub(start_col).max(1);
        let width = if self.end_location.line == self.location.line {
            self.end_location.column.saturating_sub(self.location.column).clamp(1, rest)
        } else {
            rest
        };
        // Keep tabs so the caret lines up under tab-indented source.
        let lead: String =
            self.source_line.chars().take(start_col).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
        let _ = write!(out, "{pad} | {lead}{}", "^".repeat(width));
        if let Some(label) = &self.label {
            let _ = write!(out, " {}", clip(label));
        }
        out.push('\n');
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{pad} = help: {}", clip(help));
        }
        out
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render())
    }
}

/// The most characters of a source line a diagnostic quotes: a policy
/// file may be one huge line (minified, or not a policy at all), and a
/// message must stay readable and must not echo a whole file.
const MAX_QUOTE: usize = 160;

/// Messages, labels and help name things from the source (`Duplicate
/// local value "…"`), which may be any length: they are cut too.
const MAX_MESSAGE: usize = 2 * MAX_QUOTE;

fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(MAX_MESSAGE) {
        Some((at, _)) => format!("{}…", &text[..at]).into(),
        None => text.into(),
    }
}

/// `line` cut to a window of `MAX_QUOTE` characters around character
/// `col`, and how many characters were cut from its start (shown as one
/// `…` before the window; a cut end likewise after it).
fn quote(line: &str, col: usize) -> (String, usize) {
    let total = line.chars().count();
    if total <= MAX_QUOTE {
        return (line.to_string(), 0);
    }
    // Some context before the span, the rest after it.
    let start = col.min(total).saturating_sub(MAX_QUOTE / 3);
    let end = (start + MAX_QUOTE).min(total);
    let start = end.saturating_sub(MAX_QUOTE).min(start);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(line.chars().skip(start).take(end - start));
    if end < total {
        out.push('…');
    }
    (out, start)
}

/// Edit distance between two strings (by characters), counting a swap of
/// two neighbouring characters as one edit (optimal string alignment), since
/// `lenght` for `length` is the commonest typo.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1).min(d[i * w + j - 1] + 1).min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// The closest candidate within a third of the typo's length (at least 1,
/// at most 3 edits), as rustc does for names.
pub fn suggest<'a>(typo: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (typo.chars().count() / 3).clamp(1, 3);
    // A truncated name (`tokn` for `tokens`) is a typo too, beyond the distance limit.
    let shortened = |c: &str| typo.chars().count() >= 3 && is_subsequence(typo, c);
    candidates
        .into_iter()
        .filter(|c| *c != typo)
        .map(|c| (edit_distance(typo, c), c))
        .filter(|(d, c)| *d <= limit || shortened(c))
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// True when every character of `short` appears in `long`, in order.
fn is_subsequence(short: &str, long: &str) -> bool {
    let mut rest = long.chars();
    short.chars().all(|c| rest.any(|l| l == c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_one_based_and_count_characters() {
        let f = SourceFile::new("a.hcl", "ab\ncé x\n");
        assert_eq!(f.location(0), Location { line: 1, column: 1 });
        assert_eq!(f.location(3), Location { line: 2, column: 1 });
        // "é" is two bytes, one column.
        assert_eq!(f.location(6), Location { line: 2, column: 3 });
        assert_eq!(f.line_text(2), "cé x");
    }

    #[test]
    fn a_character_span_is_the_whole_character() {
        let f = SourceFile::new("a.hcl", "a = é");
        assert_eq!(f.char_span(4), Span::new(4, 6));
        assert_eq!(f.char_span(5), Span::new(4, 6), "inside the character");
        assert_eq!(f.char_span(6), Span::new(6, 6), "the end");
        assert_eq!(f.char_span(60), Span::new(6, 6));
    }

    #[test]
    fn render_points_a_caret_at_the_span() {
        let f = SourceFile::new("p.policy.hcl", "x = 1\ny = local.tokn\n");
        let d = Diagnostic::error(&f, Span::new(10, 20), "Reference to undeclared local value")
            .with_label("not declared")
            .with_suggestion("tokn", ["token", "other"]);
        let r = d.render();
        assert!(r.starts_with("error: Reference to undeclared local value\n"), "{r}");
        assert!(r.contains(" --> p.policy.hcl:2:5\n"), "{r}");
        assert!(r.contains("2 | y = local.tokn\n"), "{r}");
        assert!(r.contains("  |     ^^^^^^^^^^ not declared\n"), "{r}");
        assert!(r.contains("= help: did you mean \"token\"?"), "{r}");
    }

    #[test]
    fn a_long_line_is_quoted_around_the_span_only() {
        let line = format!("{}BAD{}", "a".repeat(100_000), "b".repeat(100_000));
        let f = SourceFile::new("p.policy.hcl", line);
        let d = Diagnostic::error(&f, Span::new(100_000, 100_003), "Unexpected token");
        let r = d.render();
        assert!(r.len() < 3 * MAX_QUOTE, "{} bytes quoted", r.len());
        assert!(r.contains(" --> p.policy.hcl:1:100001\n"), "{r}");
        // The caret still points at BAD in the quoted window.
        let lines: Vec<&str> = r.lines().collect();
        let quoted = lines[3].strip_prefix("1 | ").unwrap();
        let caret = lines[4].strip_prefix("  | ").unwrap();
        let at = caret.chars().position(|c| c == '^').unwrap();
        let shown: String = quoted.chars().skip(at).take(3).collect();
        assert_eq!(shown, "BAD", "{r}");
        assert!(quoted.starts_with('…') && quoted.ends_with('…'), "{quoted}");
        // Names in the message, label and help are cut too.
        let name = "n".repeat(100_000);
        let d = Diagnostic::error(&f, Span::new(0, 1), format!("Duplicate local value \"{name}\""))
            .with_label(name.clone())
            .with_help(name.clone());
        assert!(d.render().len() < 10 * MAX_QUOTE, "{} bytes", d.render().len());
        // A short line is quoted whole.
        let f = SourceFile::new("p.policy.hcl", "x = 1\n");
        assert_eq!(Diagnostic::error(&f, Span::new(4, 5), "m").source_line, "x = 1");
    }

    #[test]
    fn suggestions_need_a_close_match() {
        assert_eq!(suggest("lenght", ["length", "lower"]), Some("length"));
        assert_eq!(suggest("enforcment_level", ["enforcement_level", "filter"]), Some("enforcement_level"));
        assert_eq!(suggest("zzz", ["length"]), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("hihg", "high"), 1);
        assert_eq!(suggest("hihg", ["high", "low"]), Some("high"));
    }
}
