//! `base64`: RFC 4648 encoding and decoding, standard and URL alphabets
//! (imports/base64.mdx).

use super::{any_undefined, arity, fail, no_such, str_arg};
use crate::value::{Object, ObjectError, Value};

pub(crate) const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub(super) struct Base64;

impl Object for Base64 {
    fn type_name(&self) -> &str {
        "base64"
    }

    fn get(&self, _name: &str) -> Result<Value, ObjectError> {
        Ok(Value::Undefined)
    }

    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, ObjectError> {
        let alphabet = match name {
            "encode" | "decode" => STD,
            "urlencode" | "urldecode" => URL,
            _ => return Err(no_such("base64", name)),
        };
        let f = format!("base64.{name}");
        arity(&f, &args, 1, 1)?;
        if any_undefined(&args) {
            return Ok(Value::Undefined);
        }
        let s = str_arg(&f, &args, 0)?;
        if name.ends_with("encode") {
            return Ok(Value::string(encode(s.as_bytes(), alphabet)));
        }
        let bytes = decode(s, alphabet).map_err(|e| fail(format!("{f}: {e}")))?;
        // Sentinel strings are text: bytes that are not UTF-8 cannot become
        // one without changing them, so that is an error, not a guess.
        String::from_utf8(bytes)
            .map(Value::from)
            .map_err(|_| fail(format!("{f}: the decoded bytes are not valid UTF-8 text")))
    }
}

pub(crate) fn encode(data: &[u8], alphabet: &[u8; 64]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn decode(s: &str, alphabet: &[u8; 64]) -> Result<Vec<u8>, String> {
    let bytes = s.as_bytes();
    if bytes.len() % 4 != 0 {
        return Err("illegal base64 data: the length is not a multiple of 4".into());
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (ci, chunk) in bytes.chunks(4).enumerate() {
        let last = ci == bytes.len() / 4 - 1;
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return Err(format!("illegal base64 data at input byte {}", ci * 4 + 4 - pad));
        }
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            let v = if i >= 4 - pad {
                0
            } else {
                alphabet
                    .iter()
                    .position(|&a| a == c)
                    .ok_or_else(|| format!("illegal base64 data at input byte {}", ci * 4 + i))? as u32
            };
            n = (n << 6) | v;
        }
        let got = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&got[..3 - pad]);
    }
    Ok(out)
}
