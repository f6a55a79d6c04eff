//! Module sources without the credentials people put in them.
//!
//! A `source` such as `git::https://user:token@host/repo.git?ref=v1` or an
//! S3/GCS/Azure URL with a signature in its query reaches the plan's
//! `configuration` as written. Every report that names a module would copy
//! the token, so the plan reader hands out only the redacted form: the
//! userinfo and credential query parameters are replaced by [`REDACTED`];
//! the getter, scheme, host, path, subdirectory and `ref` stay visible.

use std::borrow::Cow;

/// What a credential is replaced with.
pub const REDACTED: &str = "REDACTED";

/// `source` with userinfo and credential query parameters redacted.
pub fn redact_module_source(source: &str) -> Cow<'_, str> {
    // Nothing to hide without userinfo or a query: the common case
    // (registry addresses, local paths) is returned as it is.
    if !source.contains(['@', '?', '&', ';']) {
        return Cow::Borrowed(source);
    }
    // A forced getter (`git::`, `s3::`, `gcs::`, `hg::`, …) comes first.
    let (getter, rest) = match source.find("::") {
        Some(i) if i > 0 && source[..i].bytes().all(|b| b.is_ascii_alphanumeric()) => source.split_at(i + 2),
        _ => ("", source),
    };
    // The query runs from the first `?` to a `#` fragment (which is kept).
    let (before_query, query) = match rest.find('?') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let mut out = String::with_capacity(source.len());
    out.push_str(getter);
    out.push_str(&redact_userinfo(before_query));
    if let Some(query) = query {
        let (query, fragment) = match query.find('#') {
            Some(i) => query.split_at(i),
            None => (query, ""),
        };
        out.push('?');
        out.push_str(&redact_query(query));
        out.push_str(fragment);
    }
    if out == source {
        Cow::Borrowed(source)
    } else {
        Cow::Owned(out)
    }
}

/// `scheme://userinfo@host/…` and scp-like `user:password@host:path`.
fn redact_userinfo(s: &str) -> Cow<'_, str> {
    if let Some(i) = s.find("://") {
        let scheme = &s[..i];
        let authority_start = i + 3;
        let authority_end = s[authority_start..].find(['/', '#']).map_or(s.len(), |n| authority_start + n);
        let authority = &s[authority_start..authority_end];
        let Some(at) = authority.rfind('@') else { return Cow::Borrowed(s) };
        let userinfo = &authority[..at];
        // `ssh://git@host` names an account, not a secret; anywhere else
        // (`https://TOKEN@github.com`) the user name can be the token.
        if scheme.eq_ignore_ascii_case("ssh") && !userinfo.contains(':') {
            return Cow::Borrowed(s);
        }
        return Cow::Owned(format!("{}{REDACTED}{}", &s[..authority_start], &s[authority_start + at..]));
    }
    // scp-like `git@github.com:org/repo.git`: hidden only with a password.
    // The user part ends at the last `@` before the path (`a@b.c:pw@host:x`).
    let head = &s[..s.find('/').unwrap_or(s.len())];
    let Some(at) = head.rfind('@') else { return Cow::Borrowed(s) };
    let userinfo = &s[..at];
    if userinfo.contains(':') {
        return Cow::Owned(format!("{REDACTED}{}", &s[at..]));
    }
    Cow::Borrowed(s)
}

/// The query with the values of credential parameters redacted.
fn redact_query(query: &str) -> String {
    let params: Vec<&str> = query.split(['&', ';']).collect();
    let names: Vec<String> =
        params.iter().map(|p| decode(p.split('=').next().unwrap_or("")).to_ascii_lowercase()).collect();
    // An Azure SAS token is its signature and the fields it signs.
    let sas = names.iter().any(|n| n == "sig");
    let mut out = String::with_capacity(query.len());
    let mut rest = query;
    for (param, name) in params.iter().zip(&names) {
        let redact = is_credential(name) || (sas && AZURE_SAS_FIELDS.contains(&name.as_str()));
        match param.find('=') {
            Some(eq) if redact => {
                out.push_str(&param[..=eq]);
                out.push_str(REDACTED);
            }
            None if redact && !param.is_empty() => out.push_str(REDACTED),
            _ => out.push_str(param),
        }
        // Keep the separator that followed this parameter.
        rest = &rest[param.len()..];
        if let Some(sep) = rest.chars().next() {
            out.push(sep);
            rest = &rest[sep.len_utf8()..];
        }
    }
    out
}

/// The fields of an Azure shared access signature.
const AZURE_SAS_FIELDS: [&str; 12] = ["sv", "se", "sp", "st", "sr", "ss", "srt", "spr", "si", "sip", "skoid", "sktid"];

fn is_credential(name: &str) -> bool {
    const EXACT: [&str; 4] = ["sig", "signature", "sshkey", "auth"];
    const PARTS: [&str; 8] = ["token", "secret", "key", "password", "passwd", "credential", "signature", "auth"];
    EXACT.contains(&name) || PARTS.iter().any(|p| name.contains(p))
}

/// Percent-decoding of a parameter name, lossy: `access%5Ftoken` is a token.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b'+', ..) => {
                out.push(b' ');
                i += 1;
            }
            (b, ..) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::redact_module_source as r;

    #[test]
    fn registry_and_local_sources_are_unchanged() {
        for s in [
            "terraform-aws-modules/vpc/aws",
            "./modules/network",
            "../shared",
            "app.terraform.io/acme/vpc/aws",
            "github.com/hashicorp/example?ref=v1.2.0",
            "git::https://example.com/vpc.git//modules/a?ref=v1.2.0",
            "git@github.com:hashicorp/example.git",
            "git::ssh://git@example.com/storage.git?depth=1",
        ] {
            assert_eq!(r(s), s);
        }
    }

    #[test]
    fn userinfo_is_redacted() {
        assert_eq!(
            r("git::https://user:ghp_abc123@github.com/org/repo.git//sub?ref=v1"),
            "git::https://REDACTED@github.com/org/repo.git//sub?ref=v1"
        );
        assert_eq!(r("https://ghp_abc123@github.com/org/repo"), "https://REDACTED@github.com/org/repo");
        assert_eq!(r("git::ssh://deploy:hunter2@example.com/x.git"), "git::ssh://REDACTED@example.com/x.git");
        assert_eq!(r("git::deploy:hunter2@example.com:org/x.git"), "git::REDACTED@example.com:org/x.git");
        assert_eq!(r("hg::http://u:p@example.com/repo"), "hg::http://REDACTED@example.com/repo");
        assert_eq!(r("https://me@corp.com:pw@example.com/r"), "https://REDACTED@example.com/r");
        assert_eq!(r("git::me@corp.com:pw@example.com:org/r.git"), "git::REDACTED@example.com:org/r.git");
        assert_eq!(r("./modules/a@b:c"), "./modules/a@b:c", "a local path");
    }

    #[test]
    fn credential_query_parameters_are_redacted() {
        assert_eq!(
            r("git::https://gitlab.com/g/p.git?ref=main&private_token=glpat-xyz"),
            "git::https://gitlab.com/g/p.git?ref=main&private_token=REDACTED"
        );
        assert_eq!(
            r("s3::https://s3-eu-west-1.amazonaws.com/b/m.zip?aws_access_key_id=AKIAX&aws_access_key_secret=S3CR3T&aws_access_token=T0K"),
            "s3::https://s3-eu-west-1.amazonaws.com/b/m.zip?aws_access_key_id=REDACTED&aws_access_key_secret=REDACTED&aws_access_token=REDACTED"
        );
        assert_eq!(
            r("https://b.s3.amazonaws.com/m.zip?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F2024&X-Amz-Date=20240101T000000Z&X-Amz-Security-Token=FwoG&X-Amz-Signature=abcd"),
            "https://b.s3.amazonaws.com/m.zip?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED&X-Amz-Date=20240101T000000Z&X-Amz-Security-Token=REDACTED&X-Amz-Signature=REDACTED"
        );
        assert_eq!(
            r("https://acct.blob.core.windows.net/c/m.zip?sv=2022-11-02&se=2030-01-01&sp=r&sig=AbC%3D"),
            "https://acct.blob.core.windows.net/c/m.zip?sv=REDACTED&se=REDACTED&sp=REDACTED&sig=REDACTED"
        );
        assert_eq!(
            r("gcs::https://www.googleapis.com/storage/v1/b/m.zip?X-Goog-Credential=x&X-Goog-Signature=y#frag"),
            "gcs::https://www.googleapis.com/storage/v1/b/m.zip?X-Goog-Credential=REDACTED&X-Goog-Signature=REDACTED#frag"
        );
        assert_eq!(
            r("https://h/m.zip?access%5Ftoken=t&Api_Key=k&password"),
            "https://h/m.zip?access%5Ftoken=REDACTED&Api_Key=REDACTED&REDACTED"
        );
        assert_eq!(r("git::https://h/r.git?sshkey=LS0tLS1C"), "git::https://h/r.git?sshkey=REDACTED");
    }

    #[test]
    fn odd_input_does_not_panic() {
        for s in ["?", "@", "::", "a::?", "://@", "é@ü:ö?é=ü&token=ß", "git::", "x://", "?&&;=", "%", "?%4"] {
            let _ = r(s);
        }
        assert_eq!(r("é:ü@ü:ö?é=ü&token=ß"), "REDACTED@ü:ö?é=ü&token=REDACTED");
    }
}

#[cfg(test)]
mod props {
    use super::redact_module_source;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn module_sources_never_show_a_credential(
            getter in prop_oneof![Just(""), Just("git::"), Just("s3::"), Just("gcs::"), Just("hg::")],
            scheme in prop_oneof![Just("https"), Just("http"), Just("ssh")],
            user in "[A-Za-z0-9_.-]{1,12}",
            // RFC 3986 userinfo holds no `/` (Terraform refuses such a source).
            secret in "[A-Za-z0-9_%+=~!$*-]{6,24}",
            password in any::<bool>(),
            host in "[a-z]{3,10}\\.(com|io|net)",
            path in "(/[a-z0-9]{1,8}){1,3}(\\.git)?(//[a-z]{1,6})?",
            param in prop_oneof![
                Just("access_token"), Just("token"), Just("private_token"), Just("password"), Just("sig"),
                Just("signature"), Just("X-Amz-Signature"), Just("X-Amz-Credential"), Just("X-Amz-Security-Token"),
                Just("X-Goog-Signature"), Just("X-Goog-Credential"), Just("aws_access_key_secret"), Just("Api-Key"),
                Just("client_SECRET"), Just("sshkey"),
            ],
            param_first in any::<bool>(),
        ) {
            let secret = format!("S3CR3T{secret}");
            // A user name alone is a secret over http (`https://TOKEN@github.com`),
            // an account over ssh (`ssh://git@host`), which stays visible.
            let userinfo = match (password, scheme) {
                (true, _) => format!("{user}:{secret}@"),
                (false, "ssh") => format!("{user}@"),
                (false, _) => format!("{secret}@"),
            };
            let query = if param_first { format!("{param}={secret}&ref=v1.2.0") } else { format!("ref=v1.2.0&{param}={secret}") };
            let source = format!("{getter}{scheme}://{userinfo}{host}{path}?{query}");
            let shown = redact_module_source(&source);
            prop_assert!(!shown.contains(&secret), "{source} -> {shown}");
            let kept = format!("{host}{path}?");
            prop_assert!(shown.contains(&kept), "{source} -> {shown}");
            prop_assert!(shown.contains("ref=v1.2.0") && shown.starts_with(getter), "{source} -> {shown}");
            // scp-like forms with a password.
            let scp = format!("{getter}{user}:{secret}@{host}:org{path}");
            let shown = redact_module_source(&scp);
            prop_assert!(!shown.contains(&secret), "{scp} -> {shown}");
        }
    }
}
