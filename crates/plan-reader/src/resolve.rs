//! Value resolution: `after` merged with `after_unknown` and `after_sensitive`
//! (and the same for `before`, state `values` with `sensitive_values`).
//!
//! The raw texts were validated by serde_json when the plan was read; this
//! module walks them once more with a small hand-written scanner that builds
//! [`Value`]s directly, keeping number literals exact and never building a
//! generic JSON tree. Terraform's rules (see docs/plan-format notes):
//! - a `true` leaf in the unknown mask makes the value at that path unknown,
//!   whatever `after` holds there (usually nothing, or a `null` placeholder);
//! - masks of known collections mirror their shape, dropping `false` keys;
//! - a `true` leaf in the sensitive mask marks the whole subtree sensitive;
//! - keys present only in the unknown mask are unknown attributes, absent
//!   from `after`.

use crate::value::{Kind, Number, Object, Value};

/// How deep values may nest before resolution gives up. serde_json skips
/// raw values without a depth limit, so this guards our recursion.
pub const MAX_DEPTH: usize = 256;

/// A raw value that could not be turned into a [`Value`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} at byte {offset} of the value")]
pub struct ResolveError {
    pub message: String,
    pub offset: usize,
}

/// A mask (`after_unknown`, `after_sensitive`, `sensitive_values`) as a tree.
#[derive(Clone, Debug, PartialEq)]
pub enum Mask {
    /// `true`: the whole value at this path is unknown (or sensitive).
    All,
    /// Per-key masks of an object or map; keys sorted.
    Object(Vec<(String, Mask)>),
    /// Per-element masks of a list, set or tuple.
    List(Vec<Mask>),
    /// `false`, `null`, or anything else that marks nothing.
    None,
}

impl Mask {
    /// Parses a mask from its JSON text; `None` input means an absent mask.
    pub fn parse(text: Option<&str>) -> Result<Mask, ResolveError> {
        let Some(text) = text else {
            return Ok(Mask::None);
        };
        let mut s = Scanner::new(text);
        let m = s.mask(0)?;
        Ok(m)
    }
    fn key(&self, k: &str) -> &Mask {
        match self {
            Mask::Object(pairs) => match pairs.binary_search_by(|(pk, _)| pk.as_str().cmp(k)) {
                Ok(i) => &pairs[i].1,
                Err(_) => &Mask::None,
            },
            _ => &Mask::None,
        }
    }
    fn elem(&self, i: usize) -> &Mask {
        match self {
            Mask::List(items) => items.get(i).unwrap_or(&Mask::None),
            _ => &Mask::None,
        }
    }
    fn is_all(&self) -> bool {
        matches!(self, Mask::All)
    }
}

/// Resolves a value from its raw text and masks.
///
/// `value` is `None` when the key was absent (or JSON `null`) in the file; a
/// `true` unknown mask then yields [`Kind::Unknown`], otherwise `null`.
pub fn resolve(value: Option<&str>, unknown: Option<&str>, sensitive: Option<&str>) -> Result<Value, ResolveError> {
    let unknown = Mask::parse(unknown)?;
    let sensitive = Mask::parse(sensitive)?;
    resolve_with_masks(value, &unknown, &sensitive)
}

/// As [`resolve`], with masks already parsed.
pub fn resolve_with_masks(value: Option<&str>, unknown: &Mask, sensitive: &Mask) -> Result<Value, ResolveError> {
    match value {
        Some(text) => {
            let mut s = Scanner::new(text);
            s.value(unknown, sensitive, false, 0)
        }
        None => Ok(from_masks_only(unknown, sensitive, false)),
    }
}

/// Builds what the masks alone say about a value absent from `after`.
fn from_masks_only(unknown: &Mask, sensitive: &Mask, inherited: bool) -> Value {
    let mark = inherited || sensitive.is_all();
    match unknown {
        Mask::All => Value::unknown().mark_if(mark),
        Mask::Object(pairs) => {
            let mut obj = Object::with_capacity(pairs.len());
            for (k, m) in pairs {
                if matches!(m, Mask::None) {
                    continue;
                }
                obj.insert(k.clone(), from_masks_only(m, sensitive.key(k), mark));
            }
            Value::object(obj).mark_if(mark)
        }
        Mask::List(items) => {
            Value::list(items.iter().enumerate().map(|(i, m)| from_masks_only(m, sensitive.elem(i), mark)).collect())
                .mark_if(mark)
        }
        Mask::None => Value::null().mark_if(mark),
    }
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Scanner<'a> {
        Scanner { text, bytes: text.as_bytes(), pos: 0 }
    }

    fn error(&self, message: &str) -> ResolveError {
        ResolveError { message: message.to_string(), offset: self.pos }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Result<u8, ResolveError> {
        self.ws();
        self.bytes.get(self.pos).copied().ok_or_else(|| self.error("unexpected end of value"))
    }

    fn expect(&mut self, b: u8) -> Result<(), ResolveError> {
        if self.peek()? == b {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected '{}'", b as char)))
        }
    }

    fn literal(&mut self, word: &str) -> Result<(), ResolveError> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.error("invalid literal"))
        }
    }

    /// Builds a value, consulting the masks at the same path.
    fn value(
        &mut self,
        unknown: &Mask,
        sensitive: &Mask,
        inherited: bool,
        depth: usize,
    ) -> Result<Value, ResolveError> {
        if depth > MAX_DEPTH {
            return Err(self.error("the value nests more than 256 levels deep"));
        }
        let mark = inherited || sensitive.is_all();
        if unknown.is_all() {
            self.skip(depth)?;
            return Ok(Value::unknown().mark_if(mark));
        }
        let v = match self.peek()? {
            b'{' => {
                self.pos += 1;
                let mut obj = Object::new();
                if self.peek()? == b'}' {
                    self.pos += 1;
                } else {
                    loop {
                        let key = self.string()?;
                        self.expect(b':')?;
                        let child = self.value(unknown.key(&key), sensitive.key(&key), mark, depth + 1)?;
                        obj.insert(key, child);
                        match self.peek()? {
                            b',' => self.pos += 1,
                            b'}' => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(self.error("expected ',' or '}'")),
                        }
                        self.ws();
                    }
                }
                // Attributes unknown until apply are absent from `after`.
                if let Mask::Object(pairs) = unknown {
                    for (k, m) in pairs {
                        if !matches!(m, Mask::None) && !obj.contains_key(k) {
                            obj.insert(k.clone(), from_masks_only(m, sensitive.key(k), mark));
                        }
                    }
                }
                Kind::Object(obj)
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                if self.peek()? == b']' {
                    self.pos += 1;
                } else {
                    loop {
                        let i = items.len();
                        items.push(self.value(unknown.elem(i), sensitive.elem(i), mark, depth + 1)?);
                        match self.peek()? {
                            b',' => self.pos += 1,
                            b']' => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(self.error("expected ',' or ']'")),
                        }
                    }
                }
                if let Mask::List(masks) = unknown {
                    for (i, m) in masks.iter().enumerate().skip(items.len()) {
                        items.push(from_masks_only(m, sensitive.elem(i), mark));
                    }
                }
                Kind::List(items)
            }
            b'"' => Kind::String(self.string()?),
            b't' => {
                self.literal("true")?;
                Kind::Bool(true)
            }
            b'f' => {
                self.literal("false")?;
                Kind::Bool(false)
            }
            b'n' => {
                self.literal("null")?;
                // A `null` under an object/list mask: the masks still describe
                // unknown parts (robustness; Terraform does not write this).
                if !matches!(unknown, Mask::None) {
                    return Ok(from_masks_only(unknown, sensitive, inherited));
                }
                Kind::Null
            }
            _ => Kind::Number(self.number()?),
        };
        Ok(Value { kind: v, sensitive: mark })
    }

    fn number(&mut self) -> Result<Number, ResolveError> {
        let start = self.pos;
        while let Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
        Number::from_literal(&self.text[start..self.pos])
            .ok_or_else(|| ResolveError { message: "invalid number".into(), offset: start })
    }

    fn string(&mut self) -> Result<String, ResolveError> {
        self.expect(b'"')?;
        let start = self.pos;
        // Fast path: no escapes.
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b'"' => {
                    let s = self.text[start..self.pos].to_string();
                    self.pos += 1;
                    return Ok(s);
                }
                b'\\' => break,
                _ => self.pos += 1,
            }
        }
        let mut out = self.text[start..self.pos].to_string();
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(self.error("unterminated string"));
            };
            match b {
                b'"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.pos += 1;
                    let esc = *self.bytes.get(self.pos).ok_or_else(|| self.error("unterminated escape"))?;
                    self.pos += 1;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) && self.text[self.pos..].starts_with("\\u") {
                                let save = self.pos;
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    self.pos = save;
                                    0xFFFD
                                }
                            } else {
                                hi
                            };
                            // Lone surrogates become U+FFFD, as serde_json would reject them.
                            out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                        }
                        _ => return Err(self.error("invalid escape")),
                    }
                }
                _ => {
                    // Copy a run of plain text at once.
                    let run_start = self.pos;
                    while let Some(&c) = self.bytes.get(self.pos) {
                        if c == b'"' || c == b'\\' {
                            break;
                        }
                        self.pos += 1;
                    }
                    out.push_str(&self.text[run_start..self.pos]);
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ResolveError> {
        let hex = self.text.get(self.pos..self.pos + 4).ok_or_else(|| self.error("short \\u escape"))?;
        let v = u32::from_str_radix(hex, 16).map_err(|_| self.error("invalid \\u escape"))?;
        self.pos += 4;
        Ok(v)
    }

    /// Skips one value without building it.
    fn skip(&mut self, depth: usize) -> Result<(), ResolveError> {
        if depth > MAX_DEPTH {
            return Err(self.error("the value nests more than 256 levels deep"));
        }
        match self.peek()? {
            b'{' | b'[' => {
                let close = if self.bytes[self.pos] == b'{' { b'}' } else { b']' };
                self.pos += 1;
                if self.peek()? == close {
                    self.pos += 1;
                    return Ok(());
                }
                loop {
                    if close == b'}' {
                        self.string()?;
                        self.expect(b':')?;
                    }
                    self.skip(depth + 1)?;
                    match self.peek()? {
                        b',' => self.pos += 1,
                        c if c == close => {
                            self.pos += 1;
                            return Ok(());
                        }
                        _ => return Err(self.error("expected ',' or a closing bracket")),
                    }
                }
            }
            b'"' => {
                self.pos += 1;
                while let Some(&b) = self.bytes.get(self.pos) {
                    self.pos += 1;
                    match b {
                        b'"' => return Ok(()),
                        b'\\' => self.pos += 1,
                        _ => {}
                    }
                }
                Err(self.error("unterminated string"))
            }
            b't' => self.literal("true"),
            b'f' => self.literal("false"),
            b'n' => self.literal("null"),
            _ => self.number().map(|_| ()),
        }
    }

    fn mask(&mut self, depth: usize) -> Result<Mask, ResolveError> {
        if depth > MAX_DEPTH {
            return Err(self.error("mask nested too deeply"));
        }
        Ok(match self.peek()? {
            b't' => {
                self.literal("true")?;
                Mask::All
            }
            b'{' => {
                self.pos += 1;
                let mut pairs = Vec::new();
                if self.peek()? == b'}' {
                    self.pos += 1;
                } else {
                    loop {
                        let key = self.string()?;
                        self.expect(b':')?;
                        let m = self.mask(depth + 1)?;
                        pairs.push((key, m));
                        match self.peek()? {
                            b',' => self.pos += 1,
                            b'}' => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(self.error("expected ',' or '}'")),
                        }
                    }
                }
                if !pairs.is_sorted_by(|a, b| a.0 < b.0) {
                    pairs.sort_by(|a, b| a.0.cmp(&b.0));
                    pairs.dedup_by(|later, earlier| later.0 == earlier.0);
                }
                Mask::Object(pairs)
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                if self.peek()? == b']' {
                    self.pos += 1;
                } else {
                    loop {
                        items.push(self.mask(depth + 1)?);
                        match self.peek()? {
                            b',' => self.pos += 1,
                            b']' => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(self.error("expected ',' or ']'")),
                        }
                    }
                }
                Mask::List(items)
            }
            _ => {
                self.skip(depth)?;
                Mask::None
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(after: Option<&str>, unknown: Option<&str>, sensitive: Option<&str>) -> Value {
        resolve(after, unknown, sensitive).unwrap()
    }

    #[test]
    fn unknown_block_absent_from_after() {
        let v = r(
            Some(r#"{"ami":"ami-1","root_block_device":[{"volume_size":20}],"credit_specification":[]}"#),
            Some(
                r#"{"id":true,"metadata_options":true,"root_block_device":[{"encrypted":true}],"credit_specification":[]}"#,
            ),
            None,
        );
        assert!(v.get("metadata_options").unwrap().is_unknown());
        assert!(v.get("id").unwrap().is_unknown());
        let rbd = v.get("root_block_device").unwrap().index(0).unwrap();
        assert!(rbd.get("encrypted").unwrap().is_unknown());
        assert_eq!(rbd.get("volume_size").unwrap().as_number().unwrap().as_i64(), Some(20));
        assert_eq!(v.get("credit_specification").unwrap().as_list().unwrap().len(), 0);
        assert_eq!(
            v.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["ami", "credit_specification", "id", "metadata_options", "root_block_device"]
        );
    }

    #[test]
    fn unknown_list_elements_are_null_placeholders() {
        let v = r(Some(r#"{"resources":[null,"arn:x",null]}"#), Some(r#"{"resources":[true,false,true]}"#), None);
        let items = v.get("resources").unwrap().as_list().unwrap();
        assert!(items[0].is_unknown());
        assert_eq!(items[1].as_str(), Some("arn:x"));
        assert!(items[2].is_unknown());
        assert!(v.get("resources").unwrap().as_list().is_some());
    }

    #[test]
    fn known_null_is_not_unknown() {
        let v = r(Some(r#"{"encrypted":null}"#), Some("{}"), None);
        assert!(v.get("encrypted").unwrap().is_null());
        assert!(v.is_wholly_known());
    }

    #[test]
    fn sensitive_marks_whole_subtrees() {
        let v = r(
            Some(r#"{"password":"hunter2","nested":{"a":{"b":"secret"}},"tags":{"x":"y"}}"#),
            None,
            Some(r#"{"password":true,"nested":true,"tags":{}}"#),
        );
        assert!(v.get("password").unwrap().sensitive);
        let inner = v.get("nested").unwrap().get("a").unwrap().get("b").unwrap();
        assert!(inner.sensitive, "children of a sensitive block are sensitive too");
        assert!(!v.get("tags").unwrap().sensitive);
        assert!(!v.to_string().contains("hunter2"));
        assert!(!v.to_string().contains("secret"));
    }

    #[test]
    fn sensitive_unknown_value() {
        let v = r(Some("{}"), Some(r#"{"token":true}"#), Some(r#"{"token":true}"#));
        let t = v.get("token").unwrap();
        assert!(t.is_unknown() && t.sensitive);
    }

    #[test]
    fn whole_value_unknown_when_missing() {
        assert!(r(None, Some("true"), Some("false")).is_unknown());
        assert!(r(None, None, None).is_null());
        let out = r(Some(r#""bar""#), Some("false"), Some("true"));
        assert!(out.sensitive);
        assert_eq!(out.as_str(), Some("bar"));
    }

    #[test]
    fn unknown_mask_longer_than_list() {
        let v = r(Some(r#"{"l":["a"]}"#), Some(r#"{"l":[false,true]}"#), None);
        let l = v.get("l").unwrap().as_list().unwrap();
        assert_eq!(l.len(), 2);
        assert!(l[1].is_unknown());
    }

    #[test]
    fn escapes_and_big_numbers() {
        let v =
            r(Some(r#"{"s":"a\"b\\c\u00e9\ud83d\ude00\n","n":123456789012345678901234567890,"f":1.25}"#), None, None);
        assert_eq!(v.get("s").unwrap().as_str(), Some("a\"b\\cé😀\n"));
        assert_eq!(v.get("n").unwrap().to_string(), "123456789012345678901234567890");
        assert_eq!(v.get("f").unwrap().to_string(), "1.25");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(resolve(Some(&deep), None, None).is_err());
        assert!(resolve(Some("{}"), Some(&deep), None).is_err());
    }

    #[test]
    fn unsorted_keys_still_sorted() {
        let v = r(Some(r#"{"b":1,"a":2}"#), Some(r#"{"z":true,"c":true}"#), None);
        assert_eq!(v.as_object().unwrap().keys().collect::<Vec<_>>(), ["a", "b", "c", "z"]);
    }
}
