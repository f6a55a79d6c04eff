//! `http://` and `https://` URLs, split into what a request needs.

use std::net::Ipv6Addr;

/// An `http://` or `https://` URL, split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    /// The scheme is `https` (which callers refuse: there is no TLS here).
    pub https: bool,
    /// The host name or address, an IPv6 address without its brackets.
    pub host: String,
    /// The port given, or the scheme's (80, 443).
    pub port: u16,
    /// Path and query, at least `/`; the fragment is dropped.
    pub path: String,
}

/// Why a text is not a URL this client can use.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// The text does not start with `http://` or `https://`.
    #[error("not an http:// or https:// URL")]
    Scheme,
    /// `user@host`: the allow-list check would read one host while the
    /// request goes to another.
    #[error("the URL names a user (user@host), which is not allowed")]
    UserInfo,
    /// Nothing between `//` and the path.
    #[error("the URL has no host")]
    NoHost,
    /// An IPv6 address written without brackets (`http://::1:80/`), where
    /// the port cannot be told from the address.
    #[error("an IPv6 address in a URL must be in brackets: http://[::1]:8080/")]
    UnbracketedIpv6,
    /// A bracketed host that is not an IPv6 address, or text after its `]`
    /// other than `:PORT`.
    #[error("the URL's bracketed host is not an IPv6 address")]
    BadIpv6,
    /// A host with spaces or control characters.
    #[error("the URL's host holds a space or a control character")]
    BadHost,
    /// A port that is not a number from 0 to 65535.
    #[error("the URL's port is not a number from 0 to 65535")]
    BadPort,
    /// A path or query with spaces or control characters, which would
    /// change the request line.
    #[error("the URL's path holds a space or a control character")]
    BadPath,
}

impl Url {
    /// Splits `url`. The authority ends at the first `/` or `?`, so a `:` in
    /// the path never reads as a port; within it, the port follows the `]`
    /// of a bracketed IPv6 address, or else the host's only `:`.
    pub fn parse(url: &str) -> Result<Url, UrlError> {
        let (https, rest) = match (url.strip_prefix("http://"), url.strip_prefix("https://")) {
            (Some(rest), _) => (false, rest),
            (None, Some(rest)) => (true, rest),
            (None, None) => return Err(UrlError::Scheme),
        };
        let rest = rest.split('#').next().unwrap_or("");
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(end);
        if authority.contains('@') {
            return Err(UrlError::UserInfo);
        }
        if authority.is_empty() {
            return Err(UrlError::NoHost);
        }
        let (host, port) = match authority.strip_prefix('[') {
            Some(bracketed) => {
                let (address, after) = bracketed.split_once(']').ok_or(UrlError::BadIpv6)?;
                address.parse::<Ipv6Addr>().map_err(|_| UrlError::BadIpv6)?;
                let port = match after {
                    "" => None,
                    _ => Some(after.strip_prefix(':').ok_or(UrlError::BadIpv6)?),
                };
                (address, port)
            }
            None => match authority.split_once(':') {
                Some((_, port)) if port.contains(':') => return Err(UrlError::UnbracketedIpv6),
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            },
        };
        if host.is_empty() {
            return Err(UrlError::NoHost);
        }
        if host.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(UrlError::BadHost);
        }
        let port = match port {
            // Digits only: `u16::from_str` would also take `+80`.
            Some(p) if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) => return Err(UrlError::BadPort),
            Some(p) => p.parse().map_err(|_| UrlError::BadPort)?,
            None if https => 443,
            None => 80,
        };
        let path = match path {
            "" => "/".to_string(),
            p if p.starts_with('?') => format!("/{p}"),
            p => p.to_string(),
        };
        if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(UrlError::BadPath);
        }
        Ok(Url { https, host: host.to_string(), port, path })
    }

    /// `host:port` as allow-lists write it (`127.0.0.1:8080`, `::1:8080`).
    pub fn authority(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// The `Host` header: an IPv6 address in brackets, the port unless it
    /// is the scheme's.
    pub fn host_header(&self) -> String {
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        let default_port = if self.https { 443 } else { 80 };
        if self.port == default_port {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(url: &str) -> (bool, String, u16, String) {
        let u = Url::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        (u.https, u.host, u.port, u.path)
    }

    #[test]
    fn the_port_of_a_bracketed_ipv6_address_follows_its_bracket() {
        assert_eq!(split("http://[::1]:8080/x"), (false, "::1".into(), 8080, "/x".into()));
        assert_eq!(split("http://[2001:db8::7]/"), (false, "2001:db8::7".into(), 80, "/".into()));
        assert_eq!(split("http://[::1]:9000?q"), (false, "::1".into(), 9000, "/?q".into()));
    }

    #[test]
    fn a_colon_in_the_path_is_not_a_port() {
        // Split at the last `:` of the whole text, this read as port "8080/a"
        // or as host "host:8080/a"; the authority ends at the first `/`.
        assert_eq!(split("http://host:8080/a:b"), (false, "host".into(), 8080, "/a:b".into()));
        assert_eq!(split("http://host/a:b?c=d:e"), (false, "host".into(), 80, "/a:b?c=d:e".into()));
    }

    #[test]
    fn an_unbracketed_ipv6_address_is_refused_not_guessed() {
        // Split at its last `:` this would reach `::1` port 8080, at its
        // first an empty host; neither is what a reader of the URL sees.
        assert_eq!(Url::parse("http://::1:8080/"), Err(UrlError::UnbracketedIpv6));
        assert_eq!(Url::parse("http://host:80:90/"), Err(UrlError::UnbracketedIpv6));
    }

    #[test]
    fn defaults_fragments_and_queries() {
        assert_eq!(split("http://example.com:8080/a?b=1#frag"), (false, "example.com".into(), 8080, "/a?b=1".into()));
        assert_eq!(split("https://example.com"), (true, "example.com".into(), 443, "/".into()));
        assert_eq!(split("http://example.com#top"), (false, "example.com".into(), 80, "/".into()));
    }

    #[test]
    fn what_could_mislead_the_allow_list_or_the_request_line_is_refused() {
        assert_eq!(Url::parse("http://allowed.example@evil.example/"), Err(UrlError::UserInfo));
        assert_eq!(Url::parse("ftp://x/"), Err(UrlError::Scheme));
        assert_eq!(Url::parse("HTTP//x/"), Err(UrlError::Scheme));
        assert_eq!(Url::parse("http:///x"), Err(UrlError::NoHost));
        assert_eq!(Url::parse("http://:80/"), Err(UrlError::NoHost));
        assert_eq!(Url::parse("http://[::1]evil.example/"), Err(UrlError::BadIpv6));
        assert_eq!(Url::parse("http://[evil.example]/"), Err(UrlError::BadIpv6));
        assert_eq!(Url::parse("http://host:/"), Err(UrlError::BadPort));
        assert_eq!(Url::parse("http://host:+80/"), Err(UrlError::BadPort));
        assert_eq!(Url::parse("http://host:65536/"), Err(UrlError::BadPort));
        assert_eq!(Url::parse("http://ho st/"), Err(UrlError::BadHost));
        // A line break in the path would add headers to the request.
        assert_eq!(Url::parse("http://host/x HTTP/1.1\r\nX-Injected: 1"), Err(UrlError::BadPath));
        assert_eq!(Url::parse("http://host/a b"), Err(UrlError::BadPath));
    }

    #[test]
    fn the_host_header_brackets_ipv6_and_names_a_port_other_than_the_schemes() {
        assert_eq!(Url::parse("http://[::1]:8080/").unwrap().host_header(), "[::1]:8080");
        assert_eq!(Url::parse("http://[::1]/").unwrap().host_header(), "[::1]");
        assert_eq!(Url::parse("http://example.com:80/").unwrap().host_header(), "example.com");
        assert_eq!(Url::parse("http://example.com:8080/").unwrap().host_header(), "example.com:8080");
        assert_eq!(Url::parse("http://[::1]:8080/").unwrap().authority(), "::1:8080");
    }
}
