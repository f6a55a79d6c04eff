//! `core::gethttprequest(URL, HEADERS?)`: an HTTP GET whose answer is
//! `{ statusCode, status, body }` (developer.hashicorp.com/terraform/policy/
//! reference/functions/gethttprequest).
//!
//! A gate that reaches out to the network while judging a plan must be told
//! so: requests are off unless the run allows hosts ([`HttpAccess`], from
//! `--allow-http-host` or `http { allowed_hosts }` in `tfgate.hcl`). A call
//! that is not allowed is an error that says how to allow it, and `core::try`
//! cannot turn it into a fallback (the gate's configuration, not the
//! service, refused it). Requests go only to allowed hosts, over plain
//! `http://` (tfgate carries no TLS stack, so `https://` is refused), with a
//! timeout and a size cap, no redirects followed (a redirect could leave the
//! allowed hosts), and each distinct request is made once per run: every
//! target sees the same answer. Canned answers ([`HttpAccess::with_fixture`])
//! stand in for the network in tests.

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tfgate_plan::Value;

/// What `core::gethttprequest` may do in one run.
#[derive(Debug)]
pub struct HttpAccess {
    /// Host names, or `host:port`, requests may go to.
    pub allowed_hosts: Vec<String>,
    /// The longest one request may take, connection included.
    pub timeout: Duration,
    /// The largest response read (status line, headers and body).
    pub max_bytes: u64,
    /// Canned answers by URL, used before (and instead of) the network.
    fixtures: BTreeMap<String, HttpResponse>,
    /// Answers by URL and headers: one cell per request, so that targets
    /// evaluated in parallel wait for the one request instead of each
    /// making its own.
    answers: Mutex<HashMap<String, Arc<OnceLock<Answer>>>>,
}

type Answer = Result<HttpResponse, HttpError>;

/// An answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    pub status_code: u16,
    /// `"200 OK"`.
    pub status: String,
    pub body: String,
}

/// Why a request gave no answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// The run does not allow it; the message says how to.
    #[error("{0}")]
    NotAllowed(String),
    /// The request failed (connection, timeout, size, malformed answer).
    #[error("{0}")]
    Failed(String),
}

impl HttpAccess {
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
    pub const DEFAULT_MAX_BYTES: u64 = 1 << 20;

    /// Requests allowed to these hosts, with the default timeout and size cap.
    pub fn new(allowed_hosts: Vec<String>) -> HttpAccess {
        HttpAccess {
            allowed_hosts,
            timeout: HttpAccess::DEFAULT_TIMEOUT,
            max_bytes: HttpAccess::DEFAULT_MAX_BYTES,
            fixtures: BTreeMap::new(),
            answers: Mutex::new(HashMap::new()),
        }
    }

    /// Answers `url` with `response`, whatever the hosts allowed.
    #[must_use]
    pub fn with_fixture(mut self, url: &str, response: HttpResponse) -> HttpAccess {
        self.fixtures.insert(url.to_string(), response);
        self
    }

    /// The answer to a GET of `url` with `headers`, made once per run.
    pub fn get(&self, url: &str, headers: &[(String, String)]) -> Result<HttpResponse, HttpError> {
        if let Some(r) = self.fixtures.get(url) {
            return Ok(r.clone());
        }
        let mut key = url.to_string();
        for (k, v) in headers {
            key.push_str(&format!("\n{k}: {v}"));
        }
        let cell = self.answers.lock().unwrap_or_else(|e| e.into_inner()).entry(key).or_default().clone();
        cell.get_or_init(|| self.fetch(url, headers)).clone()
    }

    fn fetch(&self, url: &str, headers: &[(String, String)]) -> Result<HttpResponse, HttpError> {
        let u = Url::parse(url).ok_or_else(|| HttpError::Failed("not an http:// URL".into()))?;
        let authority = format!("{}:{}", u.host, u.port);
        let allowed =
            self.allowed_hosts.iter().any(|h| h.eq_ignore_ascii_case(&u.host) || h.eq_ignore_ascii_case(&authority));
        if !allowed {
            return Err(HttpError::NotAllowed(if self.allowed_hosts.is_empty() {
                not_enabled()
            } else {
                format!(
                    "host \"{}\" is not allowed; allow it with --allow-http-host {} (or in tfgate.hcl: http {{ allowed_hosts = [\"{}\"] }})",
                    u.host, u.host, u.host
                )
            }));
        }
        if u.https {
            return Err(HttpError::NotAllowed(
                "https:// is not supported: tfgate carries no TLS stack; use an http:// URL (for example an internal service or a local proxy)".into(),
            ));
        }
        for (k, v) in headers {
            let bad = |s: &str| s.chars().any(|c| c == '\r' || c == '\n' || c == '\0');
            if k.is_empty() || bad(k) || k.contains(':') || bad(v) {
                return Err(HttpError::Failed("a header name or value holds a line break or is empty".into()));
            }
        }
        request(&u, headers, self.timeout, self.max_bytes)
    }
}

/// The error for a run that allows no host at all.
pub fn not_enabled() -> String {
    "HTTP requests are off: tfgate makes them only to hosts the run allows; allow one with \
     --allow-http-host HOST (or in tfgate.hcl: http { allowed_hosts = [\"HOST\"] })"
        .to_string()
}

impl HttpResponse {
    /// `{ statusCode, status, body }`, as the policy sees it.
    pub fn value(&self) -> Value {
        Value::object_from([
            ("statusCode", Value::number(self.status_code as i64)),
            ("status", Value::string(&self.status)),
            ("body", Value::string(&self.body)),
        ])
    }
}

/// An `http://` or `https://` URL, split.
#[derive(Debug, PartialEq)]
struct Url {
    https: bool,
    host: String,
    port: u16,
    /// Path and query, at least `/`.
    path: String,
}

impl Url {
    fn parse(url: &str) -> Option<Url> {
        let (https, rest) = match url.strip_prefix("http://") {
            Some(r) => (false, r),
            None => (true, url.strip_prefix("https://")?),
        };
        let rest = rest.split('#').next().unwrap_or("");
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(end);
        // `user@host` would let the allow-list check read one host while the
        // request goes to another.
        if authority.contains('@') {
            return None;
        }
        let (host, port) = match authority.strip_prefix('[') {
            Some(v6) => {
                let (h, after) = v6.split_once(']')?;
                (h, after.strip_prefix(':'))
            }
            None => match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            },
        };
        let port = match port {
            Some(p) => p.parse().ok()?,
            None if https => 443,
            None => 80,
        };
        if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return None;
        }
        let path = if path.is_empty() {
            "/".to_string()
        } else if path.starts_with('?') {
            format!("/{path}")
        } else {
            path.to_string()
        };
        if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return None;
        }
        Some(Url { https, host: host.to_string(), port, path })
    }
}

fn request(
    u: &Url,
    headers: &[(String, String)],
    timeout: Duration,
    max_bytes: u64,
) -> Result<HttpResponse, HttpError> {
    let failed = |m: String| HttpError::Failed(m);
    let deadline = Instant::now() + timeout;
    let addrs: Vec<_> = (u.host.as_str(), u.port)
        .to_socket_addrs()
        .map_err(|e| failed(format!("cannot resolve host \"{}\": {e}", u.host)))?
        .collect();
    let mut last = None;
    let mut stream = None;
    for a in addrs {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match TcpStream::connect_timeout(&a, left) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let mut stream = stream.ok_or_else(|| {
        failed(match last {
            Some(e) => format!("cannot connect to {}:{}: {e}", u.host, u.port),
            None => format!("cannot connect to {}:{}: timed out", u.host, u.port),
        })
    })?;
    let host_header = if u.host.contains(':') { format!("[{}]", u.host) } else { u.host.clone() };
    let mut req = format!(
        "GET {} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: tfgate\r\nAccept: */*\r\nConnection: close\r\n",
        u.path
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    let io = |e: std::io::Error| {
        if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) {
            failed(format!("no answer within {} s", timeout.as_secs_f64()))
        } else {
            failed(format!("request failed: {e}"))
        }
    };
    let left = deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(1));
    stream.set_write_timeout(Some(left)).map_err(io)?;
    stream.write_all(req.as_bytes()).map_err(io)?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(failed(format!("no complete answer within {} s", timeout.as_secs_f64())));
        }
        stream.set_read_timeout(Some(left)).map_err(io)?;
        let n = stream.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
        if raw.len() as u64 > max_bytes {
            return Err(failed(format!("the answer is larger than {max_bytes} bytes")));
        }
    }
    parse_response(&raw).map_err(failed)
}

/// Status line, headers, body (by length, chunked, or to the end).
fn parse_response(raw: &[u8]) -> Result<HttpResponse, String> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or("the answer has no complete header")?;
    let head = std::str::from_utf8(&raw[..split]).map_err(|_| "the answer's header is not text".to_string())?;
    let mut body = &raw[split + 4..];
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    let code: u16 = parts.next().and_then(|c| c.parse().ok()).ok_or("the answer has no status code")?;
    if !version.starts_with("HTTP/") || !(100..1000).contains(&code) {
        return Err("the answer is not HTTP".into());
    }
    let reason = parts.next().unwrap_or("").trim();
    let mut chunked = false;
    let mut length = None;
    for line in lines {
        let Some((k, v)) = line.split_once(':') else { continue };
        let v = v.trim();
        if k.eq_ignore_ascii_case("transfer-encoding") && v.to_ascii_lowercase().contains("chunked") {
            chunked = true;
        } else if k.eq_ignore_ascii_case("content-length") {
            length = Some(v.parse::<usize>().map_err(|_| "the answer's Content-Length is not a number")?);
        }
    }
    let decoded;
    if chunked {
        decoded = dechunk(body)?;
        body = &decoded;
    } else if let Some(n) = length {
        body = body.get(..n).ok_or("the answer is shorter than its Content-Length")?;
    }
    Ok(HttpResponse {
        status_code: code,
        status: if reason.is_empty() { code.to_string() } else { format!("{code} {reason}") },
        body: String::from_utf8_lossy(body).into_owned(),
    })
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let eol = data.windows(2).position(|w| w == b"\r\n").ok_or("a chunk size line is cut off")?;
        let size_text = std::str::from_utf8(&data[..eol]).map_err(|_| "a chunk size is not text")?;
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| "a chunk size is not hexadecimal")?;
        data = &data[eol + 2..];
        if size == 0 {
            return Ok(out);
        }
        let chunk = data.get(..size).ok_or("a chunk is cut off")?;
        out.extend_from_slice(chunk);
        data = data.get(size + 2..).ok_or("a chunk is cut off")?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A one-request server on 127.0.0.1 that answers `reply` and hands back
    /// what it was sent.
    fn serve_once(reply: Vec<u8>) -> (u16, std::thread::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut got = Vec::new();
            let mut buf = [0u8; 1024];
            while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = s.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..n]);
            }
            let _ = s.write_all(&reply);
            String::from_utf8_lossy(&got).into_owned()
        });
        (port, handle)
    }

    #[test]
    fn urls_split_and_user_info_is_refused() {
        let u = Url::parse("http://example.com:8080/a?b=1#frag").unwrap();
        assert_eq!((u.https, u.host.as_str(), u.port, u.path.as_str()), (false, "example.com", 8080, "/a?b=1"));
        let u = Url::parse("https://example.com").unwrap();
        assert_eq!((u.https, u.port, u.path.as_str()), (true, 443, "/"));
        let u = Url::parse("http://[::1]:9000?q").unwrap();
        assert_eq!((u.host.as_str(), u.port, u.path.as_str()), ("::1", 9000, "/?q"));
        assert_eq!(Url::parse("http://allowed.example@evil.example/"), None);
        assert_eq!(Url::parse("ftp://x/"), None);
        assert_eq!(Url::parse("http://:80/"), None);
    }

    #[test]
    fn nothing_is_fetched_unless_the_host_is_allowed() {
        let none = HttpAccess::new(vec![]);
        match none.get("http://127.0.0.1:1/", &[]) {
            Err(HttpError::NotAllowed(m)) => assert!(m.contains("--allow-http-host"), "{m}"),
            other => panic!("{other:?}"),
        }
        let some = HttpAccess::new(vec!["api.example".into()]);
        match some.get("http://other.example/", &[]) {
            Err(HttpError::NotAllowed(m)) => assert!(m.contains("\"other.example\" is not allowed"), "{m}"),
            other => panic!("{other:?}"),
        }
        match some.get("https://api.example/", &[]) {
            Err(HttpError::NotAllowed(m)) => assert!(m.contains("no TLS"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_fixture_answers_without_the_network() {
        let r = HttpResponse { status_code: 200, status: "200 OK".into(), body: "{}".into() };
        let access = HttpAccess::new(vec![]).with_fixture("https://api.example.com/health", r.clone());
        assert_eq!(access.get("https://api.example.com/health", &[]), Ok(r));
    }

    #[test]
    fn an_allowed_host_is_asked_once_with_the_headers() {
        let (port, server) = serve_once(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n".to_vec(),
        );
        let access = HttpAccess::new(vec![format!("127.0.0.1:{port}")]);
        let url = format!("http://127.0.0.1:{port}/check?x=1");
        let headers = vec![("X-Team".to_string(), "platform".to_string())];
        let r = access.get(&url, &headers).unwrap();
        assert_eq!(r, HttpResponse { status_code: 200, status: "200 OK".into(), body: "abcde".into() });
        let sent = server.join().unwrap();
        assert!(sent.starts_with("GET /check?x=1 HTTP/1.1\r\n"), "{sent}");
        assert!(sent.contains("\r\nX-Team: platform\r\n"), "{sent}");
        // The server is gone: a second identical call is answered from the run's memory.
        assert_eq!(access.get(&url, &headers).unwrap().body, "abcde");
    }

    #[test]
    fn an_answer_over_the_size_cap_or_a_header_with_a_line_break_fails() {
        let (port, server) = serve_once(format!("HTTP/1.1 200 OK\r\n\r\n{}", "x".repeat(5000)).into_bytes());
        let mut access = HttpAccess::new(vec!["127.0.0.1".into()]);
        access.max_bytes = 1000;
        match access.get(&format!("http://127.0.0.1:{port}/"), &[]) {
            Err(HttpError::Failed(m)) => assert!(m.contains("larger than 1000 bytes"), "{m}"),
            other => panic!("{other:?}"),
        }
        let _ = server.join();
        let bad = vec![("X-A".to_string(), "v\r\nHost: evil".to_string())];
        assert!(matches!(access.get("http://127.0.0.1:9/", &bad), Err(HttpError::Failed(_))));
    }

    #[test]
    fn a_silent_server_times_out() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut access = HttpAccess::new(vec!["127.0.0.1".into()]);
        access.timeout = Duration::from_millis(200);
        let start = Instant::now();
        match access.get(&format!("http://127.0.0.1:{port}/"), &[]) {
            Err(HttpError::Failed(m)) => assert!(m.contains("within"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert!(start.elapsed() < Duration::from_secs(5));
        drop(listener);
    }

    #[test]
    fn responses_parse_by_length_and_to_the_end() {
        let r = parse_response(b"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nabcdef").unwrap();
        assert_eq!((r.status_code, r.status.as_str(), r.body.as_str()), (404, "404 Not Found", "abc"));
        let r = parse_response(b"HTTP/1.0 204\r\n\r\n").unwrap();
        assert_eq!((r.status.as_str(), r.body.as_str()), ("204", ""));
        assert!(parse_response(b"SSH-2.0\r\n\r\n").is_err());
    }
}
