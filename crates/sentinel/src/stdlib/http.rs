//! `http`: HTTP requests from a policy (imports/http.mdx), opt-in.
//!
//! Off unless the user allows hosts ([`HttpPolicy::allowed_hosts`]) or gives
//! canned responses ([`HttpPolicy::fixtures`], for tests). Real requests go
//! only to allowed hosts, over plain `http://` with a small HTTP/1.1 client
//! (tfgate carries no TLS library, so `https://` URLs need a fixture), and
//! are bounded by the policy's timeout and response size.

use std::sync::Arc;
use std::time::Duration;

use indexmap::IndexMap;
use tfgate_http::Url;

use super::{any_undefined, arity, fail, int_arg, no_such, str_arg, str_map, type_err};
use crate::value::{Key, Map, Object, ObjectError, Value};

/// What the `http` import may do.
#[derive(Clone, Debug)]
pub struct HttpPolicy {
    /// Host names (optionally `host:port`) real requests may go to; empty
    /// means no network at all.
    pub allowed_hosts: Vec<String>,
    /// The longest any one request may take, whatever the policy asks.
    pub timeout: Duration,
    /// The largest response (headers and body) read.
    pub max_bytes: u64,
    /// Canned responses by `"METHOD URL"` or by `"URL"` (any method); used
    /// before the network.
    pub fixtures: IndexMap<String, HttpFixture>,
}

impl Default for HttpPolicy {
    fn default() -> HttpPolicy {
        HttpPolicy {
            allowed_hosts: Vec::new(),
            timeout: Duration::from_secs(30),
            max_bytes: 10 * 1024 * 1024,
            fixtures: IndexMap::new(),
        }
    }
}

/// A canned response.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HttpFixture {
    /// The status code.
    pub status: u16,
    /// The response headers.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

const DEFAULT_TIMEOUT: i64 = 10;
const MAX_TIMEOUT: i64 = 30;
const DEFAULT_RETRIES: i64 = 1;
const MAX_RETRIES: i64 = 10;
const MAX_REDIRECTS: usize = 10;

pub(super) struct HttpImport {
    client: Client,
}

impl HttpImport {
    pub(super) fn new(policy: HttpPolicy) -> HttpImport {
        HttpImport {
            client: Client {
                policy: Arc::new(policy),
                timeout: DEFAULT_TIMEOUT,
                retries: DEFAULT_RETRIES,
                accepted: vec![200],
                verify: true,
            },
        }
    }
}

impl Object for HttpImport {
    fn type_name(&self) -> &str {
        "http"
    }

    fn get(&self, name: &str) -> Result<Value, ObjectError> {
        Ok(match name {
            "client" => Value::Object(Arc::new(self.client.clone())),
            "methodGet" => Value::string("GET"),
            "methodPost" => Value::string("POST"),
            _ => self.client.get(name)?,
        })
    }

    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, ObjectError> {
        match name {
            "request" => {
                arity("http.request", &args, 1, 1)?;
                if any_undefined(&args) {
                    return Ok(Value::Undefined);
                }
                let url = str_arg("http.request", &args, 0)?;
                Ok(Request { url: url.to_string(), headers: IndexMap::new(), body: String::new() }.value())
            }
            // Every client function is also a top-level function.
            _ => self.client.call(name, args).map_err(|e| match e {
                ObjectError::NoSuchMethod { name, .. } => no_such("http", &name),
                other => other,
            }),
        }
    }
}

#[derive(Clone)]
struct Client {
    policy: Arc<HttpPolicy>,
    timeout: i64,
    retries: i64,
    accepted: Vec<i64>,
    verify: bool,
}

impl Object for Client {
    fn type_name(&self) -> &str {
        "client"
    }

    fn get(&self, name: &str) -> Result<Value, ObjectError> {
        Ok(match name {
            "accepted_status_codes" => Value::list(self.accepted.iter().map(|&c| Value::Int(c)).collect()),
            "retries" => Value::Int(self.retries),
            "timeout" => Value::Int(self.timeout),
            "certificate_verification" => Value::Bool(self.verify),
            _ => Value::Undefined,
        })
    }

    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, ObjectError> {
        let f = format!("http.{name}");
        let f = f.as_str();
        match name {
            "get" | "post" | "send" | "accept_status_codes" | "with_retries" | "with_timeout" => arity(f, &args, 1, 1)?,
            "without_certificate_verification" => arity(f, &args, 0, 0)?,
            _ => return Err(no_such("client", name)),
        }
        if any_undefined(&args) {
            return Ok(Value::Undefined);
        }
        let mut next = self.clone();
        match name {
            "with_timeout" => {
                let t = int_arg(f, &args, 0)?;
                if !(0..=MAX_TIMEOUT).contains(&t) {
                    return Err(fail(format!("{f}: the timeout must be 0 to {MAX_TIMEOUT} seconds, got {t}")));
                }
                next.timeout = t;
            }
            "with_retries" => {
                let r = int_arg(f, &args, 0)?;
                if !(0..=MAX_RETRIES).contains(&r) {
                    return Err(fail(format!("{f}: retries must be 0 to {MAX_RETRIES}, got {r}")));
                }
                next.retries = r;
            }
            "accept_status_codes" => {
                let list = args[0].as_list().ok_or_else(|| type_err(f, 1, "a list of status codes", &args[0]))?;
                next.accepted = list
                    .as_slice()
                    .iter()
                    .map(|c| {
                        c.as_int().ok_or_else(|| fail(format!("{f}: status codes must be ints, got {}", c.type_name())))
                    })
                    .collect::<Result<_, _>>()?;
            }
            "without_certificate_verification" => next.verify = false,
            _ => {
                let req = Request::from_value(f, &args[0])?;
                let method = match name {
                    "post" => "POST",
                    "get" => "GET",
                    _ if req.body.is_empty() => "GET",
                    _ => "POST",
                };
                return self.perform(method, req).map_err(|e| fail(format!("{f}: {e}")));
            }
        }
        Ok(Value::Object(Arc::new(next)))
    }
}

impl Client {
    /// Sends the request, following redirects and retrying failed attempts;
    /// a final status the client does not accept is an error.
    fn perform(&self, method: &str, req: Request) -> Result<Value, String> {
        let mut url = req.url.clone();
        let mut method = method.to_string();
        let mut body = req.body.clone();
        for _ in 0..=MAX_REDIRECTS {
            let resp = self.with_retries(&method, &url, &req.headers, &body)?;
            if matches!(resp.status, 301 | 302 | 303 | 307 | 308) {
                let loc = resp
                    .headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("location"))
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| format!("{method} {url}: redirect without a Location header"))?;
                url = resolve(&url, &loc);
                if resp.status == 303 {
                    method = "GET".into();
                    body.clear();
                }
                continue;
            }
            if !self.accepted.contains(&i64::from(resp.status)) {
                return Err(format!("{method} {url}: unexpected status code {}", resp.status));
            }
            let mut headers: IndexMap<String, String> = IndexMap::new();
            for (k, v) in resp.headers {
                match headers.get_mut(&k) {
                    Some(old) => {
                        old.push_str(", ");
                        old.push_str(&v);
                    }
                    None => {
                        headers.insert(k, v);
                    }
                }
            }
            return Ok(Value::Map(Map::from_pairs([
                (Key::from("status_code"), Value::Int(i64::from(resp.status))),
                (Key::from("headers"), str_map(headers.into_iter().map(|(k, v)| (k, Value::from(v))))),
                (Key::from("body"), Value::from(resp.body)),
            ])));
        }
        Err(format!("{method} {}: more than {MAX_REDIRECTS} redirects", req.url))
    }

    fn with_retries(
        &self,
        method: &str,
        url: &str,
        headers: &IndexMap<String, String>,
        body: &str,
    ) -> Result<HttpFixture, String> {
        let mut delay = Duration::from_secs(1);
        let mut attempt = 0;
        loop {
            let (result, canned) = self.fetch(method, url, headers, body);
            // Server errors (except 501) and timeouts are worth another try.
            let retry = match &result {
                Ok(r) => r.status >= 500 && r.status != 501,
                Err(e) => e.timed_out,
            };
            if !retry || attempt >= self.retries {
                return result.map_err(|e| e.message);
            }
            attempt += 1;
            if !canned {
                std::thread::sleep(delay);
                delay = (delay * 2).min(Duration::from_secs(30));
            }
        }
    }

    /// One attempt: a fixture when there is one, else the network when the
    /// host is allowed. The flag says whether the answer was canned.
    fn fetch(
        &self,
        method: &str,
        url: &str,
        headers: &IndexMap<String, String>,
        body: &str,
    ) -> (Result<HttpFixture, FetchError>, bool) {
        let p = &self.policy;
        if let Some(fx) = p.fixtures.get(&format!("{method} {url}")).or_else(|| p.fixtures.get(url)) {
            return (Ok(fx.clone()), true);
        }
        let err = |m: String| (Err(FetchError { message: m, timed_out: false }), false);
        let parsed = match Url::parse(url) {
            Ok(u) => u,
            Err(e) => return err(format!("{method} {url}: {e}")),
        };
        let authority = format!("{}:{}", parsed.host, parsed.port);
        let allowed =
            p.allowed_hosts.iter().any(|h| h.eq_ignore_ascii_case(&parsed.host) || h.eq_ignore_ascii_case(&authority));
        if !allowed {
            return err(if p.allowed_hosts.is_empty() && p.fixtures.is_empty() {
                format!("{method} {url}: the http import is disabled (no hosts are allowed)")
            } else {
                format!("{method} {url}: host {:?} is not allowed", parsed.host)
            });
        }
        if parsed.https {
            return err(format!(
                "{method} {url}: https is not supported (tfgate's HTTP client has no TLS); use an http:// URL or a fixture"
            ));
        }
        let timeout = Duration::from_secs(self.timeout.max(1) as u64).min(p.timeout);
        (request(method, &parsed, headers, body, timeout, p.max_bytes), false)
    }
}

struct FetchError {
    message: String,
    timed_out: bool,
}

/// The target of a redirect, relative to the URL it came from.
fn resolve(base: &str, loc: &str) -> String {
    if loc.starts_with("http://") || loc.starts_with("https://") {
        return loc.to_string();
    }
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let origin_end = base[scheme_end..].find('/').map(|i| scheme_end + i).unwrap_or(base.len());
    if loc.starts_with('/') {
        return format!("{}{loc}", &base[..origin_end]);
    }
    let dir_end = base.rfind('/').filter(|&i| i >= origin_end).map(|i| i + 1).unwrap_or(base.len());
    if dir_end == base.len() && origin_end == base.len() {
        return format!("{base}/{loc}");
    }
    format!("{}{loc}", &base[..dir_end])
}

/// One exchange through the shared client, its errors worded as the
/// import's (`METHOD URL: why`).
fn request(
    method: &str,
    url: &Url,
    headers: &IndexMap<String, String>,
    body: &str,
    timeout: Duration,
    max_bytes: u64,
) -> Result<HttpFixture, FetchError> {
    let what = format!("{method} http://{}:{}{}", url.host, url.port, url.path);
    let headers: Vec<(String, String)> = headers.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let request = tfgate_http::Request {
        method,
        url,
        headers: &headers,
        body: body.as_bytes(),
        user_agent: "tfgate-sentinel",
        timeout,
        max_bytes,
    };
    let r = tfgate_http::send(&request)
        .map_err(|e| FetchError { message: format!("{what}: {e}"), timed_out: e.timed_out() })?;
    let body = String::from_utf8(r.body)
        .map_err(|_| FetchError { message: format!("{what}: the body is not UTF-8 text"), timed_out: false })?;
    Ok(HttpFixture { status: r.status, headers: r.headers, body })
}

/// A request being built.
#[derive(Clone)]
struct Request {
    url: String,
    headers: IndexMap<String, String>,
    body: String,
}

impl Request {
    fn value(self) -> Value {
        Value::Object(Arc::new(self))
    }

    /// A URL string or a request object (read back through its fields).
    fn from_value(f: &str, v: &Value) -> Result<Request, ObjectError> {
        match v.resolved() {
            Value::String(s) => Ok(Request { url: s.to_string(), headers: IndexMap::new(), body: String::new() }),
            Value::Object(o) if o.type_name() == "request" => {
                let url = o.get("url")?.as_str().unwrap_or_default().to_string();
                let body = o.get("body")?.as_str().unwrap_or_default().to_string();
                let mut headers = IndexMap::new();
                if let Some(m) = o.get("headers")?.as_map() {
                    for (k, v) in m.iter() {
                        if let (Some(k), Some(v)) = (k.as_str(), v.as_str()) {
                            headers.insert(k.to_string(), v.to_string());
                        }
                    }
                }
                Ok(Request { url, headers, body })
            }
            _ => Err(type_err(f, 1, "a URL string or a request", v)),
        }
    }
}

impl Object for Request {
    fn type_name(&self) -> &str {
        "request"
    }

    fn get(&self, name: &str) -> Result<Value, ObjectError> {
        Ok(match name {
            "url" => Value::string(&self.url),
            "headers" => str_map(self.headers.iter().map(|(k, v)| (k.clone(), Value::string(v)))),
            "body" => Value::string(&self.body),
            _ => Value::Undefined,
        })
    }

    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, ObjectError> {
        let f = format!("request.{name}");
        let f = f.as_str();
        match name {
            "with_header" | "with_basic_auth" => arity(f, &args, 2, 2)?,
            "with_body" => arity(f, &args, 1, 1)?,
            _ => return Err(no_such("request", name)),
        }
        if any_undefined(&args) {
            return Ok(Value::Undefined);
        }
        let mut next = self.clone();
        match name {
            "with_header" => {
                next.headers.insert(str_arg(f, &args, 0)?.to_string(), str_arg(f, &args, 1)?.to_string());
            }
            "with_basic_auth" => {
                let pair = format!("{}:{}", str_arg(f, &args, 0)?, str_arg(f, &args, 1)?);
                let token = super::base64::encode(pair.as_bytes(), super::base64::STD);
                next.headers.insert("Authorization".into(), format!("Basic {token}"));
            }
            _ => next.body = str_arg(f, &args, 0)?.to_string(),
        }
        Ok(next.value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_locations_resolve_against_the_request_url() {
        assert_eq!(resolve("http://h/a/b", "/c"), "http://h/c");
        assert_eq!(resolve("http://h/a/b", "c"), "http://h/a/c");
        assert_eq!(resolve("http://h", "c"), "http://h/c");
        assert_eq!(resolve("http://h/a", "https://other/x"), "https://other/x");
    }

    #[test]
    fn a_url_that_would_write_its_own_request_line_is_refused() {
        // The path used to go into the request line as it was, line breaks included.
        let policy = HttpPolicy { allowed_hosts: vec!["127.0.0.1".into()], ..HttpPolicy::default() };
        let http = HttpImport::new(policy);
        let url = "http://127.0.0.1:9/x HTTP/1.1\r\nX-Injected: 1\r\n";
        let err = http.call("get", vec![Value::string(url)]).unwrap_err();
        assert!(err.to_string().contains("path holds a space or a control character"), "{err}");
    }
}
