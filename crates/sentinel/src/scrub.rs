//! The last gate for sensitive values: every text a Sentinel run hands out
//! (policy prints, traces, errors, `sentinel test` output) passes through a
//! [`Scrubber`] built from the plan's sensitive strings.
//!
//! Policies see sensitive values, as they do under HCP Terraform; nothing
//! they print may show one. A value can reach the output raw (`print(x)`),
//! quoted inside a printed collection or a JSON trace (with `"` and `\`
//! escaped), so each text is looked for in those spellings too. Every
//! occurrence, overlapping ones included, is replaced by
//! `(sensitive value)`.

use std::borrow::Cow;

use std::sync::{Arc, OnceLock};

use aho_corasick::AhoCorasick;
use memchr::memmem::Finder;

/// What a sensitive text is replaced by.
pub const REDACTED: &str = tfgate_plan::SENSITIVE_TEXT;

/// The shortest text the scrubber looks for.
pub const MIN_SCRUBBED_CHARS: usize = 8;

type Texts = dyn Fn() -> Vec<String> + Send + Sync;

/// Every spelling to look for, searched for at once: a plan may hold
/// thousands of secrets (a password per database), and printed output may
/// be large, so one pass over the text, not one per pattern.
struct Patterns {
    count: usize,
    searcher: Searcher,
}

enum Searcher {
    None,
    All(AhoCorasick),
    /// Past the automaton's size limits: one pattern at a time (slow, but
    /// never unscrubbed).
    OneByOne(Vec<Finder<'static>>),
}

/// Replaces sensitive texts in output.
#[derive(Clone, Default)]
pub struct Scrubber {
    finders: Arc<OnceLock<Patterns>>,
    /// Where the texts come from when they are read on first use.
    source: Option<Arc<Texts>>,
}

impl std::fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never show the texts themselves (nor read deferred ones).
        match self.finders.get() {
            Some(finders) => write!(f, "Scrubber({} patterns)", finders.count),
            None => write!(f, "Scrubber(deferred)"),
        }
    }
}

impl Scrubber {
    /// A scrubber for these texts (texts shorter than
    /// [`MIN_SCRUBBED_CHARS`] are ignored).
    pub fn new<S: AsRef<str>>(texts: impl IntoIterator<Item = S>) -> Scrubber {
        let mut patterns: Vec<String> = Vec::new();
        for t in texts {
            let t = t.as_ref();
            // Replacing a short text would mangle unrelated output (a
            // secret "v" inside "values"); taint tracking withholds what a
            // policy derived from sensitive values, this is the second line.
            if t.chars().count() < MIN_SCRUBBED_CHARS {
                continue;
            }
            patterns.push(t.to_string());
            // The spelling inside a quoted string (JSON and Sentinel's
            // printed form escape the same characters).
            let quoted = serde_json::to_string(t).unwrap_or_default();
            let escaped = &quoted[1..quoted.len().saturating_sub(1).max(1)];
            for variant in [escaped.to_string(), printed_escape(t)] {
                if variant != t {
                    patterns.push(variant);
                }
            }
        }
        patterns.sort();
        patterns.dedup();
        Scrubber { finders: Arc::new(OnceLock::from(Patterns::new(&patterns))), source: None }
    }

    /// A scrubber whose texts are asked for only when it first has a
    /// non-empty text to scrub (reading them may mean reading a large part
    /// of a plan). Clones share the texts once read.
    pub fn deferred(texts: impl Fn() -> Vec<String> + Send + Sync + 'static) -> Scrubber {
        Scrubber { finders: Arc::new(OnceLock::new()), source: Some(Arc::new(texts)) }
    }

    fn finders(&self) -> &Patterns {
        self.finders.get_or_init(|| match &self.source {
            Some(texts) => Arc::into_inner(Scrubber::new(texts()).finders)
                .and_then(OnceLock::into_inner)
                .unwrap_or_else(|| Patterns::new(&[])),
            None => Patterns::new(&[]),
        })
    }

    /// A scrubber that changes nothing.
    pub fn none() -> Scrubber {
        Scrubber::default()
    }

    /// Whether there is nothing to hide (reads deferred texts).
    pub fn is_empty(&self) -> bool {
        self.finders().count == 0
    }

    /// `text` with every sensitive text replaced.
    pub fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        // Nothing to hide in nothing: deferred texts stay unread.
        if text.is_empty() {
            return Cow::Borrowed(text);
        }
        let bytes = text.as_bytes();
        // Byte ranges to hide, from every pattern, overlaps included.
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        match &self.finders().searcher {
            Searcher::None => return Cow::Borrowed(text),
            Searcher::All(ac) => ranges.extend(ac.find_overlapping_iter(bytes).map(|m| (m.start(), m.end()))),
            Searcher::OneByOne(finders) => {
                for f in finders {
                    let n = f.needle().len();
                    let mut from = 0;
                    while let Some(i) = f.find(&bytes[from..]) {
                        ranges.push((from + i, from + i + n));
                        from += i + 1;
                    }
                }
            }
        }
        if ranges.is_empty() {
            return Cow::Borrowed(text);
        }
        ranges.sort_unstable();
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        let mut iter = ranges.into_iter().peekable();
        while let Some((start, mut end)) = iter.next() {
            while let Some(&(s, e)) = iter.peek() {
                if s > end {
                    break;
                }
                end = end.max(e);
                iter.next();
            }
            // Patterns are whole UTF-8 strings, so match edges are char
            // boundaries; widen defensively anyway rather than panic.
            let start = floor_boundary(text, start.max(copied));
            let end = ceil_boundary(text, end);
            out.push_str(&text[copied..start]);
            out.push_str(REDACTED);
            copied = end;
        }
        out.push_str(&text[copied..]);
        Cow::Owned(out)
    }

    /// [`Scrubber::scrub`] into an owned string.
    pub fn scrub_string(&self, text: String) -> String {
        match self.scrub(&text) {
            Cow::Borrowed(_) => text,
            Cow::Owned(s) => s,
        }
    }
}

impl Patterns {
    fn new(patterns: &[String]) -> Patterns {
        let searcher = if patterns.is_empty() {
            Searcher::None
        } else {
            match AhoCorasick::new(patterns) {
                Ok(ac) => Searcher::All(ac),
                Err(_) => Searcher::OneByOne(patterns.iter().map(|p| Finder::new(p.as_bytes()).into_owned()).collect()),
            }
        };
        Patterns { count: patterns.len(), searcher }
    }
}

/// How Sentinel's printed form escapes a string inside a collection:
/// `\"`, `\\`, `\n`, `\r`, `\t`, and `\uXXXX` for other control
/// characters (JSON spells `\b` and `\f` differently and leaves DEL and
/// the C1 controls raw).
fn printed_escape(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_occurrence_is_replaced() {
        let s = Scrubber::new(["hunter2!!", "s3cr3t-key"]);
        assert_eq!(
            s.scrub("pw=hunter2!!, again hunter2!!; s3cr3t-key."),
            "pw=(sensitive value), again (sensitive value); (sensitive value)."
        );
        assert!(matches!(s.scrub("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn overlapping_and_nested_texts_leave_nothing_visible() {
        // "abcdeabcde" overlaps itself in "abcdeabcdeabcde"; "bcdeabcd"
        // sits inside it.
        let s = Scrubber::new(["abcdeabcde", "bcdeabcd"]);
        let out = s.scrub("x abcdeabcdeabcde y");
        assert_eq!(out, "x (sensitive value) y");
        let s = Scrubber::new(["password", "password123"]);
        assert_eq!(s.scrub("password123!"), "(sensitive value)!");
    }

    #[test]
    fn quoted_spellings_are_found() {
        let secret = "a\"b\\c\nd-long";
        let s = Scrubber::new([secret]);
        let printed = format!("{{\"k\": {}}}", serde_json::to_string(secret).unwrap());
        let out = s.scrub(&printed);
        assert_eq!(out, "{\"k\": \"(sensitive value)\"}");
        assert!(!out.contains("a\\\"b"));
        assert_eq!(s.scrub(&format!("raw {secret} end")), "raw (sensitive value) end");
    }

    #[test]
    fn the_printed_spelling_of_control_characters_is_found() {
        let secret = "a\u{8}b\u{7f}c-long";
        let s = Scrubber::new([secret]);
        let printed = crate::format_value(&crate::Value::list(vec![crate::Value::from(secret)]));
        assert!(!printed.contains(secret), "the printed form escapes: {printed}");
        assert_eq!(s.scrub(&printed), "[\"(sensitive value)\"]");
    }

    #[test]
    fn empty_texts_are_ignored_and_unicode_is_safe() {
        let s = Scrubber::new(["", "pässwörd"]);
        assert_eq!(s.scrub("é pässwörd é"), "é (sensitive value) é");
        assert!(Scrubber::new([""]).is_empty());
        assert_eq!(format!("{:?}", Scrubber::new(["topsecret"])), "Scrubber(1 patterns)");
    }

    #[test]
    fn thousands_of_secrets_are_all_found_in_one_pass() {
        let secrets: Vec<String> = (0..5000).map(|i| format!("pw-{i:05}-secret")).collect();
        let s = Scrubber::new(&secrets);
        let text: String = secrets.iter().rev().map(|p| format!("[{p}]")).collect();
        let out = s.scrub(&text);
        assert!(!out.contains("-secret"), "{}", &out[..200]);
        assert_eq!(out.matches(REDACTED).count(), 5000);
    }

    #[test]
    fn deferred_texts_are_read_once_and_only_for_a_non_empty_text() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let reads = Arc::new(AtomicUsize::new(0));
        let counter = reads.clone();
        let s = Scrubber::deferred(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            vec!["deferred-secret".to_string()]
        });
        let copy = s.clone();
        assert_eq!(s.scrub(""), "");
        assert_eq!(format!("{s:?}"), "Scrubber(deferred)");
        assert_eq!(reads.load(Ordering::SeqCst), 0, "nothing to scrub: the texts are not read");
        assert_eq!(copy.scrub("x deferred-secret y"), "x (sensitive value) y");
        assert_eq!(s.scrub_string("deferred-secret".into()), "(sensitive value)");
        assert_eq!(reads.load(Ordering::SeqCst), 1, "read once, shared by clones");
    }

    #[test]
    fn short_texts_are_not_scrubbed_so_output_is_not_mangled() {
        // A sensitive map holding "v" must not turn "values" into nonsense;
        // taint tracking withholds what such a policy printed instead.
        let s = Scrubber::new(["v", "42", "seven77"]);
        assert!(s.is_empty());
        assert_eq!(s.scrub("values: 42, sensitive"), "values: 42, sensitive");
        assert_eq!(Scrubber::new(["eight888"]).scrub("x eight888"), "x (sensitive value)");
    }
}
