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
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tfgate_http::Url;
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
    /// The HTTP status code.
    pub status_code: u16,
    /// `"200 OK"`.
    pub status: String,
    /// The response body, as text.
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
    /// How long one request may take unless configured.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
    /// How large one response body may be unless configured.
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
        let u = Url::parse(url).map_err(|e| HttpError::Failed(e.to_string()))?;
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

/// One GET through the shared client; its errors become this function's
/// messages.
fn request(
    u: &Url,
    headers: &[(String, String)],
    timeout: Duration,
    max_bytes: u64,
) -> Result<HttpResponse, HttpError> {
    let mut all = vec![("Accept".to_string(), "*/*".to_string())];
    all.extend_from_slice(headers);
    let request = tfgate_http::Request { headers: &all, ..tfgate_http::Request::get(u, timeout, max_bytes) };
    let r = tfgate_http::send(&request).map_err(|e| HttpError::Failed(e.to_string()))?;
    Ok(HttpResponse {
        status_code: r.status,
        status: r.status_text(),
        body: String::from_utf8_lossy(&r.body).into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::time::Instant;
    use tfgate_test_support::{http_answer, HttpServer};

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
        let server = HttpServer::start(|_| {
            Some(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n".to_vec())
        });
        let port = server.port();
        let access = HttpAccess::new(vec![format!("127.0.0.1:{port}")]);
        let url = format!("http://127.0.0.1:{port}/check?x=1");
        let headers = vec![("X-Team".to_string(), "platform".to_string())];
        let r = access.get(&url, &headers).unwrap();
        assert_eq!(r, HttpResponse { status_code: 200, status: "200 OK".into(), body: "abcde".into() });
        // A second identical call is answered from the run's memory.
        assert_eq!(access.get(&url, &headers).unwrap().body, "abcde");
        let sent = server.requests();
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert!(sent[0].starts_with("GET /check?x=1 HTTP/1.1\r\n"), "{sent:?}");
        assert!(sent[0].ends_with("\r\nX-Team: platform"), "{sent:?}");
    }

    #[test]
    fn an_answer_over_the_size_cap_or_a_header_with_a_line_break_fails() {
        let server = HttpServer::start(|_| Some(http_answer("200 OK", &"x".repeat(5000))));
        let port = server.port();
        let mut access = HttpAccess::new(vec!["127.0.0.1".into()]);
        access.max_bytes = 1000;
        match access.get(&format!("http://127.0.0.1:{port}/"), &[]) {
            Err(HttpError::Failed(m)) => assert!(m.contains("larger than 1000 bytes"), "{m}"),
            other => panic!("{other:?}"),
        }
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
    fn an_unbracketed_ipv6_address_is_refused_before_any_connection() {
        // Split at its last `:`, `::1:8080` used to reach [::1]:8080.
        let access = HttpAccess::new(vec!["::1".into(), "::1:8080".into()]);
        match access.get("http://::1:8080/", &[]) {
            Err(HttpError::Failed(m)) => assert!(m.contains("must be in brackets"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
