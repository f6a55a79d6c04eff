//! Helpers shared by tfgate's test suites (a dev-dependency only).
//!
//! - [`corpus_dir`] and [`corpus_plans`]: the real-plan corpus named by
//!   `$TFGATE_CORPUS`, with one rule for every suite: skipped, saying so,
//!   outside CI; a failure on CI, where a run that cannot see its inputs
//!   must not pass.
//! - [`base64`] and [`hex`]: how a planted secret could be spelt in an
//!   output, for the tests that check it never is.
//! - [`HttpServer`]: a loopback HTTP server for the tests of the policy
//!   functions that reach the network (`core::gethttprequest`, Sentinel's
//!   `http`).
//!
//! ```
//! use tfgate_test_support::{base64, hex};
//!
//! // A planted secret, and the spellings an output must not contain either.
//! let secret = b"hunter2";
//! let output = "password = (sensitive value)";
//! for spelling in [String::from_utf8_lossy(secret).into_owned(), base64(secret), hex(secret)] {
//!     assert!(!output.contains(&spelling));
//! }
//! assert_eq!((base64(secret).as_str(), hex(b"\x01\xff").as_str()), ("aHVudGVyMg", "01ff"));
//!
//! // A corpus suite starts like this: `None` means skipped (and said so).
//! if let Some(plans) = tfgate_test_support::corpus_plans() {
//!     assert!(plans.iter().all(|p| p.extension().is_some_and(|e| e == "json")));
//! }
//! ```

#![deny(missing_docs)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The corpus folder, or `None` (after saying so) when `$TFGATE_CORPUS` is
/// unset outside CI. A relative path is taken from the workspace root,
/// where `.ci/run` runs.
///
/// # Panics
/// When `CI` is set and `$TFGATE_CORPUS` is not, or when it names no folder.
pub fn corpus_dir() -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("TFGATE_CORPUS") else {
        if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false") {
            panic!("CI is set but TFGATE_CORPUS is not: the corpus tests cannot see their inputs");
        }
        eprintln!("TFGATE_CORPUS is not set: skipping the corpus test");
        return None;
    };
    let dir = PathBuf::from(dir);
    let dir = if dir.is_relative() { Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(dir) } else { dir };
    assert!(dir.is_dir(), "TFGATE_CORPUS={} is not a directory", dir.display());
    Some(dir)
}

/// The Sentinel conformance fixtures (`shared/fixtures/sentinel`, beside
/// the checkout, or `$TFGATE_SENTINEL_FIXTURES`), with the corpus's rule:
/// `None` (after saying so) when missing outside CI.
///
/// # Panics
/// When `CI` is set and the folder is missing.
pub fn sentinel_fixtures() -> Option<PathBuf> {
    let dir = std::env::var_os("TFGATE_SENTINEL_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/sentinel"));
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false") {
        panic!("CI is set but the Sentinel fixtures are missing: {}", dir.display());
    }
    eprintln!("no Sentinel fixtures at {}: skipping", dir.display());
    None
}

/// Every `*.json` file below the corpus folder, sorted (see [`corpus_dir`]).
pub fn corpus_plans() -> Option<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![corpus_dir()?];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let p = entry.unwrap_or_else(|e| panic!("{}: {e}", d.display())).path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "json") {
                files.push(p);
            }
        }
    }
    files.sort();
    Some(files)
}

/// Standard base64 without padding (a secret's encoding inside a longer
/// encoded text may end differently).
pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A loopback HTTP/1.1 server on `127.0.0.1` that answers each connection
/// on its own thread, for as long as the test process runs.
#[derive(Clone, Debug)]
pub struct HttpServer {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
}

impl HttpServer {
    /// Starts a server whose `answer` is given each request's head (the
    /// request line and headers, without the blank line that ends them) and
    /// returns the bytes to send back, or `None` to close the connection
    /// without an answer. A request body is not read.
    pub fn start(answer: impl Fn(&str) -> Option<Vec<u8>> + Send + Sync + 'static) -> HttpServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let port = listener.local_addr().expect("the port bound").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let answer = Arc::new(answer);
        let seen = requests.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let (answer, seen) = (answer.clone(), seen.clone());
                std::thread::spawn(move || {
                    let mut got = Vec::new();
                    let mut buf = [0u8; 4096];
                    let end = loop {
                        if let Some(i) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i;
                        }
                        match conn.read(&mut buf) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => got.extend_from_slice(&buf[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&got[..end]).into_owned();
                    seen.lock().unwrap_or_else(|e| e.into_inner()).push(head.clone());
                    if let Some(reply) = answer(&head) {
                        let _ = conn.write_all(&reply);
                    }
                });
            }
        });
        HttpServer { port, requests }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The heads of the requests received so far, in order of arrival.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// The target of a request head (`/path?query` of `GET /path?query HTTP/1.1`).
pub fn request_path(head: &str) -> &str {
    head.split_whitespace().nth(1).unwrap_or("")
}

/// An answer with `status` (`"200 OK"`) and `body`, framed by `Content-Length`.
pub fn http_answer(status: &str, body: &str) -> Vec<u8> {
    format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        assert_eq!(base64(b"hunter2"), "aHVudGVyMg");
        assert_eq!(base64(b"abc"), "YWJj");
        assert_eq!(base64(b"hello"), "aGVsbG8");
        assert_eq!(hex(b"hunter2"), "68756e74657232");
    }

    #[test]
    fn the_http_server_answers_and_remembers_each_request() {
        let server = HttpServer::start(|head| match request_path(head) {
            "/ok" => Some(http_answer("200 OK", "fine")),
            _ => None,
        });
        let ask = |path: &str| {
            let mut conn = std::net::TcpStream::connect(("127.0.0.1", server.port())).unwrap();
            write!(conn, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            let mut got = String::new();
            conn.read_to_string(&mut got).unwrap();
            got
        };
        assert_eq!(ask("/ok"), "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfine");
        assert_eq!(ask("/gone"), "");
        assert_eq!(server.requests(), ["GET /ok HTTP/1.1\r\nHost: x", "GET /gone HTTP/1.1\r\nHost: x"]);
        assert_eq!(server.url("/a"), format!("http://127.0.0.1:{}/a", server.port()));
    }
}
