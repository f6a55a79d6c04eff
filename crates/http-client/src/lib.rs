//! The one HTTP client of tfgate: what `core::gethttprequest` (the
//! `.policy.hcl` language) and Sentinel's `http` import use to reach a host
//! the run allows.
//!
//! It speaks HTTP/1.1 over plain TCP and nothing more: no TLS (tfgate
//! carries no TLS stack, so an `https://` URL parses but callers refuse it),
//! no redirects (a caller that follows them checks its allow-list again for
//! each hop), no compression, no keep-alive. Each exchange is bounded by a
//! deadline for the whole of it, connection included, and by a cap on the
//! bytes read. Which hosts may be reached, fixtures and caching are the
//! callers' business.
//!
//! [`Url::parse`] is strict where a lax parser would let the allow-list
//! check read one host while the request goes to another, or let a URL
//! write its own request line: user info, an unbracketed IPv6 address and
//! spaces or control characters are refused.
//!
//! ```
//! use std::time::Duration;
//! use tfgate_http::{Request, Url, UrlError};
//!
//! let url = Url::parse("http://[::1]:8080/v1/types?region=eu#top")?;
//! assert_eq!((url.host.as_str(), url.port, url.path.as_str()), ("::1", 8080, "/v1/types?region=eu"));
//! assert_eq!(url.host_header(), "[::1]:8080");
//!
//! // The port is split from the host, never from the path.
//! assert_eq!(Url::parse("http://policy.internal:8080/a:b")?.path, "/a:b");
//! assert_eq!(Url::parse("http://allowed.example@evil.example/"), Err(UrlError::UserInfo));
//! assert_eq!(Url::parse("http://::1:8080/"), Err(UrlError::UnbracketedIpv6));
//!
//! // A request is a plain value; `send` makes the exchange.
//! let request = Request::get(&url, Duration::from_secs(10), 1 << 20);
//! assert_eq!((request.method, request.body.len()), ("GET", 0));
//! # Ok::<(), UrlError>(())
//! ```

#![deny(missing_docs)]

mod client;
mod response;
mod url;

pub use client::{send, HttpError, Request};
pub use response::{MalformedResponse, Response};
pub use url::{Url, UrlError};
