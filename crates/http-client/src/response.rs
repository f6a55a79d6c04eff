//! Reading an HTTP/1.x answer: status line, headers, and the body by
//! length, by chunks, or to the end of the connection.

/// An answer, as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The status code (`200`).
    pub status: u16,
    /// The reason phrase after the code (`OK`); may be empty.
    pub reason: String,
    /// The header fields in order, names as sent, values trimmed.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked, as bytes (callers decide how to read text).
    pub body: Vec<u8>,
}

/// Why the bytes a server sent are not an HTTP/1.x answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MalformedResponse {
    /// The connection ended before the blank line that ends the headers.
    #[error("the answer has no complete header")]
    NoHeaderEnd,
    /// The status line and headers are not UTF-8 text.
    #[error("the answer's header is not text")]
    HeaderNotText,
    /// The first line is not `HTTP/1.x CODE REASON`.
    #[error("the answer is not HTTP/1.x: bad status line {0:?}")]
    StatusLine(String),
    /// A header line without a `:`.
    #[error("bad header line {0:?}")]
    HeaderLine(String),
    /// A `Content-Length` that is not a number, or two that differ.
    #[error("the answer's Content-Length is not one number")]
    ContentLength,
    /// Fewer body bytes than `Content-Length` says.
    #[error("the answer is shorter than its Content-Length")]
    ShortBody,
    /// A chunk of a chunked body that is cut off or has no hexadecimal size.
    #[error("a chunk of the answer is cut off or has a bad size")]
    BadChunk,
}

impl Response {
    /// The status line's words after the version: `"200 OK"`, or `"200"`
    /// without a reason phrase.
    pub fn status_text(&self) -> String {
        if self.reason.is_empty() {
            self.status.to_string()
        } else {
            format!("{} {}", self.status, self.reason)
        }
    }

    /// The first value of the header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Reads a whole answer, as received up to the end of the connection.
    pub fn parse(raw: &[u8]) -> Result<Response, MalformedResponse> {
        let end = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or(MalformedResponse::NoHeaderEnd)?;
        let head = std::str::from_utf8(&raw[..end]).map_err(|_| MalformedResponse::HeaderNotText)?;
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or("");
        let bad_status = || MalformedResponse::StatusLine(status_line.to_string());
        let mut parts = status_line.splitn(3, ' ');
        let version = parts.next().unwrap_or("");
        let status: u16 = parts.next().and_then(|c| c.parse().ok()).ok_or_else(bad_status)?;
        if !version.starts_with("HTTP/1.") || !(100..1000).contains(&status) {
            return Err(bad_status());
        }
        let reason = parts.next().unwrap_or("").trim().to_string();
        let mut headers = Vec::new();
        for line in lines {
            let (k, v) = line.split_once(':').ok_or_else(|| MalformedResponse::HeaderLine(line.to_string()))?;
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
        let mut response = Response { status, reason, headers, body: Vec::new() };
        let rest = &raw[end + 4..];
        let chunked = response.header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
        response.body = if chunked {
            dechunk(rest)?
        } else if let Some(length) = response.content_length()? {
            rest.get(..length).ok_or(MalformedResponse::ShortBody)?.to_vec()
        } else {
            rest.to_vec()
        };
        Ok(response)
    }

    /// The one `Content-Length`: values that differ could frame the body
    /// two ways, so they are refused.
    fn content_length(&self) -> Result<Option<usize>, MalformedResponse> {
        let mut length = None;
        for (_, v) in self.headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case("content-length")) {
            let n: usize = v.parse().map_err(|_| MalformedResponse::ContentLength)?;
            if length.is_some_and(|l| l != n) {
                return Err(MalformedResponse::ContentLength);
            }
            length = Some(n);
        }
        Ok(length)
    }
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, MalformedResponse> {
    let mut out = Vec::new();
    loop {
        let eol = data.windows(2).position(|w| w == b"\r\n").ok_or(MalformedResponse::BadChunk)?;
        let size_text = std::str::from_utf8(&data[..eol]).map_err(|_| MalformedResponse::BadChunk)?;
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| MalformedResponse::BadChunk)?;
        data = &data[eol + 2..];
        if size == 0 {
            return Ok(out);
        }
        out.extend_from_slice(data.get(..size).ok_or(MalformedResponse::BadChunk)?);
        data = data.get(size + 2..).ok_or(MalformedResponse::BadChunk)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_by_length_by_chunks_or_to_the_end() {
        let r = Response::parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-One: a\r\n\r\nhelloEXTRA").unwrap();
        assert_eq!((r.status, r.status_text().as_str(), r.body.as_slice()), (200, "200 OK", &b"hello"[..]));
        assert_eq!(r.header("x-one"), Some("a"));
        let r = Response::parse(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(r.body, b"Wikipedia");
        let r = Response::parse(b"HTTP/1.0 404\r\n\r\nto the end").unwrap();
        assert_eq!((r.status_text().as_str(), r.body.as_slice()), ("404", &b"to the end"[..]));
    }

    #[test]
    fn what_is_not_an_http_answer_is_an_error() {
        let bad = |raw: &[u8]| Response::parse(raw).unwrap_err();
        assert_eq!(bad(b"HTTP/1.1 200 OK\r\n"), MalformedResponse::NoHeaderEnd);
        assert!(matches!(bad(b"SSH-2.0-OpenSSH\r\n\r\n"), MalformedResponse::StatusLine(_)));
        assert!(matches!(bad(b"HTTP/1.1 99 Low\r\n\r\n"), MalformedResponse::StatusLine(_)));
        assert!(matches!(bad(b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n"), MalformedResponse::HeaderLine(_)));
        assert_eq!(bad(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort"), MalformedResponse::ShortBody);
        assert_eq!(bad(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"), MalformedResponse::ContentLength);
        assert_eq!(
            bad(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
            MalformedResponse::ContentLength
        );
        assert_eq!(bad(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), MalformedResponse::BadChunk);
        assert_eq!(bad(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nabc"), MalformedResponse::BadChunk);
    }
}
