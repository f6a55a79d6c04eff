//! From bytes to JSON text: encodings, byte-order marks, and the files that
//! are not plans at all; plus turning serde_json errors into [`PlanError`]s
//! that say where.

use std::borrow::Cow;

use crate::error::{PlanError, JSON_DEPTH_LIMIT};

/// Decodes a plan file's bytes into UTF-8 text.
///
/// Accepts UTF-8 (with or without a byte-order mark) and UTF-16 in either byte
/// order with a BOM (what Windows PowerShell's `>` writes), or without one
/// when the first character is ASCII. Refuses empty files and zip archives
/// (binary plan files) with their own messages.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, PlanError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(PlanError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Err(PlanError::BinaryPlan);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest, 3);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, 2, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, 2, u16::from_be_bytes);
    }
    // UTF-16 without a BOM: every other byte of ASCII text is zero.
    if bytes.len() >= 4 && bytes[0] != 0 && bytes[1] == 0 && bytes[3] == 0 {
        return utf16(bytes, 0, u16::from_le_bytes);
    }
    if bytes.len() >= 4 && bytes[0] == 0 && bytes[1] != 0 && bytes[2] == 0 {
        return utf16(bytes, 0, u16::from_be_bytes);
    }
    utf8(bytes, 0)
}

fn utf8(bytes: &[u8], skipped: usize) -> Result<Cow<'_, str>, PlanError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Cow::Borrowed(s)),
        Err(e) => Err(PlanError::Encoding { encoding: "UTF-8", offset: skipped + e.valid_up_to() }),
    }
}

fn utf16(bytes: &[u8], skipped: usize, unit: fn([u8; 2]) -> u16) -> Result<Cow<'static, str>, PlanError> {
    if bytes.len() % 2 != 0 {
        return Err(PlanError::Encoding { encoding: "UTF-16", offset: skipped + bytes.len() - 1 });
    }
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    let mut out = String::with_capacity(bytes.len() / 2);
    for (i, r) in char::decode_utf16(units).enumerate() {
        match r {
            Ok(c) => out.push(c),
            Err(_) => return Err(PlanError::Encoding { encoding: "UTF-16", offset: skipped + 2 * i }),
        }
    }
    Ok(Cow::Owned(out))
}

/// Turns a serde_json error from reading `text` into a located [`PlanError`].
pub(crate) fn json_error(text: &str, e: &serde_json::Error) -> PlanError {
    json_error_at(text, byte_offset(text, e.line(), e.column()), e)
}

/// As [`json_error`], for an error from reading `part`, a slice of `text`
/// (a raw section parsed later): the location is given in the whole file.
pub(crate) fn json_error_in(text: &str, part: &str, e: &serde_json::Error) -> PlanError {
    let base = (part.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    let base = if base <= text.len() { base } else { 0 };
    json_error_at(text, base + byte_offset(part, e.line(), e.column()), e)
}

fn json_error_at(text: &str, offset: usize, e: &serde_json::Error) -> PlanError {
    let (line, column) = line_column(text, offset);
    let message = strip_location(&e.to_string());
    if e.is_eof() {
        return PlanError::Truncated { line, column };
    }
    if message.contains("recursion limit exceeded") {
        return PlanError::TooDeep { limit: JSON_DEPTH_LIMIT, line, column };
    }
    if e.is_syntax() {
        return PlanError::Syntax { line, column, offset, message };
    }
    PlanError::Shape { path: json_path_at(text, offset), line, column, message }
}

/// 1-based line and byte column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = offset - before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

/// serde_json appends " at line L column C"; we say that ourselves.
fn strip_location(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Byte offset of a 1-based line and column as serde_json counts them
/// (columns in bytes).
pub(crate) fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    (start + column.saturating_sub(1)).min(text.len())
}

/// The JSON path (`$.resource_changes[3].change.actions`) of the innermost
/// value that contains byte `offset`. Used only to explain errors, so a
/// simple scan is fine.
pub fn json_path_at(text: &str, offset: usize) -> String {
    #[derive(Debug)]
    enum Frame {
        Object(Option<String>),
        Array(usize),
    }
    let bytes = text.as_bytes();
    let end = offset.min(bytes.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    // After a string inside an object, whether it was a key (next is ':').
    while i < end {
        match bytes[i] {
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => {
                if let Some(Frame::Array(n)) = stack.last_mut() {
                    *n += 1;
                } else if let Some(Frame::Object(k)) = stack.last_mut() {
                    *k = None;
                }
            }
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                let s = &text[start..i.min(text.len())];
                // A string followed by ':' is a key.
                let mut j = i + 1;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j < bytes.len() && bytes[j] == b':' {
                    if let Some(Frame::Object(k)) = stack.last_mut() {
                        *k =
                            Some(serde_json::from_str::<String>(&format!("\"{s}\"")).unwrap_or_else(|_| s.to_string()));
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::from("$");
    for frame in &stack {
        match frame {
            Frame::Object(Some(k)) if is_plain_key(k) => {
                path.push('.');
                path.push_str(k);
            }
            Frame::Object(Some(k)) => path.push_str(&format!("[{k:?}]")),
            Frame::Object(None) => {}
            Frame::Array(n) => path.push_str(&format!("[{n}]")),
        }
    }
    path
}

fn is_plain_key(k: &str) -> bool {
    !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_le_with_bom_and_crlf() {
        let text = "{\r\n  \"format_version\": \"1.1\"\r\n}";
        let mut bytes = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&bytes).unwrap(), text);
    }

    #[test]
    fn utf16_be_and_bomless() {
        let text = "{\"a\":\"é\"}";
        let mut be = vec![0xFE, 0xFF];
        let mut le = vec![];
        for u in text.encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&be).unwrap(), text);
        assert_eq!(decode(&le).unwrap(), text);
    }

    #[test]
    fn utf8_bom_is_skipped() {
        assert_eq!(decode(b"\xEF\xBB\xBF{}").unwrap(), "{}");
    }

    #[test]
    fn empty_zip_and_bad_utf8() {
        assert!(matches!(decode(b""), Err(PlanError::Empty)));
        assert!(matches!(decode(b" \n\t"), Err(PlanError::Empty)));
        assert!(matches!(decode(b"PK\x03\x04rest"), Err(PlanError::BinaryPlan)));
        assert!(matches!(decode(b"{\"a\":\"\xff\"}"), Err(PlanError::Encoding { offset: 6, .. })));
        let odd = [0xFF, 0xFE, b'{', 0, b'}'];
        assert!(matches!(decode(&odd), Err(PlanError::Encoding { encoding: "UTF-16", .. })));
    }

    #[test]
    fn paths_point_into_the_document() {
        let text = r#"{"resource_changes":[{"address":"a.b"},{"change":{"actions":"create"}}]}"#;
        let at = text.find("\"create\"").unwrap();
        assert_eq!(json_path_at(text, at), "$.resource_changes[1].change.actions");
        let text2 = r#"{"x": {"a.b": [1, 2, {"y": 3}]}}"#;
        assert_eq!(json_path_at(text2, text2.find('3').unwrap()), "$.x[\"a.b\"][2].y");
    }

    #[test]
    fn offsets_from_line_and_column() {
        let text = "ab\ncd\nef";
        assert_eq!(byte_offset(text, 1, 1), 0);
        assert_eq!(byte_offset(text, 2, 2), 4);
        assert_eq!(byte_offset(text, 3, 1), 6);
    }
}
