//! One HTTP/1.1 exchange over TCP, bounded in time and size.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use crate::response::{MalformedResponse, Response};
use crate::url::Url;

/// A request to send with [`send`].
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// `GET`, `POST`, …: letters only.
    pub method: &'a str,
    /// Where to; an `https://` URL is refused ([`HttpError::Https`]).
    pub url: &'a Url,
    /// Header fields added after `Host`, `User-Agent`, `Accept-Encoding`
    /// and `Connection`, in order.
    pub headers: &'a [(String, String)],
    /// The body; `Content-Length` is sent with it, and always for `POST`.
    pub body: &'a [u8],
    /// The `User-Agent` header.
    pub user_agent: &'a str,
    /// The longest the whole exchange may take: resolving, connecting,
    /// writing and reading the answer.
    pub timeout: Duration,
    /// The most bytes of answer read (status line, headers and body).
    pub max_bytes: u64,
}

impl<'a> Request<'a> {
    /// A `GET` of `url` without headers, as `User-Agent: tfgate`.
    pub fn get(url: &'a Url, timeout: Duration, max_bytes: u64) -> Request<'a> {
        Request { method: "GET", url, headers: &[], body: &[], user_agent: "tfgate", timeout, max_bytes }
    }
}

/// Why an exchange gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The URL is `https://`: there is no TLS here.
    #[error("https:// is not supported: tfgate's HTTP client has no TLS")]
    Https,
    /// A method that is not a word of letters.
    #[error("{0:?} is not an HTTP method")]
    BadMethod(String),
    /// A header name that is empty or holds `:`, or a name or value with a
    /// line break or NUL, which would change the request.
    #[error("a header name or value holds a line break or is empty")]
    BadHeader,
    /// The host name does not resolve.
    #[error("cannot resolve host \"{host}\": {source}")]
    Resolve {
        /// The host as the URL names it.
        host: String,
        /// The resolver's error.
        source: std::io::Error,
    },
    /// No address of the host accepted a connection in time.
    #[error("cannot connect to {host}:{port}: {reason}")]
    Connect {
        /// The host as the URL names it.
        host: String,
        /// The port connected to.
        port: u16,
        /// The last address's error, or `timed out`.
        reason: String,
    },
    /// The deadline passed while sending or before the whole answer came.
    #[error("timed out: no complete answer within {} s", .0.as_secs_f64())]
    TimedOut(Duration),
    /// The answer grew beyond the size cap.
    #[error("the answer is larger than {0} bytes")]
    TooLarge(u64),
    /// Writing the request or reading the answer failed.
    #[error("request failed: {0}")]
    Io(std::io::Error),
    /// The server's bytes are not an HTTP/1.x answer.
    #[error(transparent)]
    Malformed(#[from] MalformedResponse),
}

impl HttpError {
    /// True when the time ran out mid-exchange (a retry may succeed); a
    /// connection that could not be made in time is [`HttpError::Connect`].
    pub fn timed_out(&self) -> bool {
        matches!(self, HttpError::TimedOut(_))
    }
}

/// Sends `request` and reads the answer to the end of the connection
/// (`Connection: close`). Nothing is retried and no redirect is followed.
pub fn send(request: &Request<'_>) -> Result<Response, HttpError> {
    let Request { method, url, headers, body, user_agent, timeout, max_bytes } = *request;
    if url.https {
        return Err(HttpError::Https);
    }
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(HttpError::BadMethod(method.to_string()));
    }
    let line_break = |s: &str| s.contains(['\r', '\n', '\0']);
    let user_headers = headers.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    for (k, v) in user_headers.clone().chain([("User-Agent", user_agent)]) {
        if k.is_empty() || k.contains(':') || line_break(k) || line_break(v) {
            return Err(HttpError::BadHeader);
        }
    }
    let mut head = format!(
        "{method} {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {user_agent}\r\nAccept-Encoding: identity\r\nConnection: close\r\n",
        url.path,
        url.host_header()
    );
    for (k, v) in user_headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");

    let deadline = Instant::now() + timeout;
    let mut stream = connect(url, deadline)?;
    let io = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => HttpError::TimedOut(timeout),
        _ => HttpError::Io(e),
    };
    let left = |deadline: Instant| match deadline.saturating_duration_since(Instant::now()) {
        left if left.is_zero() => Err(HttpError::TimedOut(timeout)),
        left => Ok(left),
    };
    stream.set_write_timeout(Some(left(deadline)?)).map_err(io)?;
    stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body)).map_err(io)?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        stream.set_read_timeout(Some(left(deadline)?)).map_err(io)?;
        let n = stream.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
        if raw.len() as u64 > max_bytes {
            return Err(HttpError::TooLarge(max_bytes));
        }
    }
    Ok(Response::parse(&raw)?)
}

/// The first of the host's addresses that accepts a connection before the
/// deadline.
fn connect(url: &Url, deadline: Instant) -> Result<TcpStream, HttpError> {
    let addrs = (url.host.as_str(), url.port)
        .to_socket_addrs()
        .map_err(|source| HttpError::Resolve { host: url.host.clone(), source })?;
    let mut last = None;
    for addr in addrs {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match TcpStream::connect_timeout(&addr, left) {
            Ok(stream) => return Ok(stream),
            Err(e) => last = Some(e.to_string()),
        }
    }
    Err(HttpError::Connect {
        host: url.host.clone(),
        port: url.port,
        reason: last.unwrap_or_else(|| "timed out".into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A one-connection server on 127.0.0.1 that answers `reply` (after
    /// `delay`) and hands back what it was sent.
    fn serve_once(reply: &'static [u8], delay: Duration) -> (Url, std::thread::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut got = Vec::new();
            let mut buf = [0u8; 1024];
            while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                }
            }
            std::thread::sleep(delay);
            let _ = s.write_all(reply);
            String::from_utf8_lossy(&got).into_owned()
        });
        (Url::parse(&format!("http://127.0.0.1:{port}/check?x=1")).unwrap(), handle)
    }

    #[test]
    fn a_get_sends_one_request_and_reads_the_answer() {
        let (url, server) = serve_once(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", Duration::ZERO);
        let headers = vec![("X-Team".to_string(), "platform".to_string())];
        let request = Request { headers: &headers, ..Request::get(&url, Duration::from_secs(5), 1 << 20) };
        let r = send(&request).unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, &b"ok"[..]));
        let sent = server.join().unwrap();
        let port = url.port;
        assert!(sent.starts_with(&format!("GET /check?x=1 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n")), "{sent}");
        assert!(sent.contains("\r\nUser-Agent: tfgate\r\n") && sent.contains("\r\nX-Team: platform\r\n"), "{sent}");
        assert!(!sent.contains("Content-Length"), "{sent}");
    }

    #[test]
    fn the_size_cap_and_the_deadline_hold() {
        let (url, _server) =
            serve_once(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\nxxxxxxxxxxxxxxxxxxxx", Duration::ZERO);
        let err = send(&Request::get(&url, Duration::from_secs(5), 30)).unwrap_err();
        assert!(matches!(err, HttpError::TooLarge(30)), "{err}");

        let (url, _server) = serve_once(b"HTTP/1.1 200 OK\r\n\r\n", Duration::from_secs(2));
        let started = Instant::now();
        let err = send(&Request::get(&url, Duration::from_millis(300), 1 << 20)).unwrap_err();
        assert!(err.timed_out() && err.to_string().contains("timed out"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn nothing_is_sent_for_https_a_bad_method_or_a_header_with_a_line_break() {
        let url = Url::parse("http://127.0.0.1:1/").unwrap();
        let bad = |headers: &[(String, String)], method: &str| {
            send(&Request { method, headers, ..Request::get(&url, Duration::from_secs(1), 10) }).unwrap_err()
        };
        let h = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
        assert!(matches!(bad(&h("X-A", "1\r\nX-Injected: 2"), "GET"), HttpError::BadHeader));
        assert!(matches!(bad(&h("X-A:", "1"), "GET"), HttpError::BadHeader));
        assert!(matches!(bad(&h("", "1"), "GET"), HttpError::BadHeader));
        assert!(matches!(bad(&[], "GET /evil"), HttpError::BadMethod(_)));
        let tls = Url::parse("https://127.0.0.1:1/").unwrap();
        assert!(matches!(send(&Request::get(&tls, Duration::from_secs(1), 10)), Err(HttpError::Https)));
    }

    #[test]
    fn a_refused_connection_says_where() {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let url = Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
        let err = send(&Request::get(&url, Duration::from_secs(2), 10)).unwrap_err();
        assert!(matches!(&err, HttpError::Connect { port: p, .. } if *p == port), "{err}");
    }
}
