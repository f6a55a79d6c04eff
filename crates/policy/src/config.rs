//! `tfgate.hcl`: which policy sets run, per-policy enforcement levels and
//! inputs, how unknown results count, and waivers.
//!
//! ```hcl
//! unknown = "fail"                      # or "warn" / "pass"; --unknown overrides
//!
//! policy_set "builtin" {}               # the built-in library (the default when no set is named)
//! policy_set "team" {
//!   source = "./policies"               # a directory or file, relative to this file
//! }
//!
//! policy "TFG-EC2-006" {                # a policy id (or a file's id, for every block in it)
//!   enforcement_level = "advisory"
//!   inputs            = { max_hop_limit = 2 }
//! }
//!
//! waiver {
//!   policy  = "TFG-EC2-010"             # policy id (or `*`)
//!   address = "module.bastion.aws_security_group.*"   # glob over full addresses
//!   reason  = "SSH from the office VPN only; SEC-123"
//!   owner   = "platform@example.com"
//!   expires = "2026-12-31"              # optional; an expired waiver no longer applies
//! }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tfgate_plan::{AddressPattern, Value};
use tfgate_report as report;

use crate::diagnostic::{Diagnostic, SourceFile, Span};
use crate::gate::UnknownMode;
use crate::load::{const_eval, Loader};
use crate::model::EnforcementLevel;
use crate::parse::{self, RawAttr};
use crate::PolicyError;

/// The default name of the configuration file.
pub const CONFIG_FILE: &str = "tfgate.hcl";

/// A loaded configuration.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Where the file was, for relative paths.
    pub dir: PathBuf,
    pub unknown: Option<UnknownMode>,
    pub policy_sets: Vec<PolicySetSource>,
    /// Per policy id: enforcement level override.
    pub levels: BTreeMap<String, report::EnforcementLevel>,
    /// Per policy id (or file id): input values.
    pub inputs: BTreeMap<String, BTreeMap<String, Value>>,
    pub waivers: Vec<Waiver>,
}

/// Where a policy set comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicySetSource {
    Builtin,
    /// A file or directory, resolved against the configuration's folder.
    Path(PathBuf),
}

/// A waiver: failing or unknown findings of a policy on matching addresses
/// are reported as waived instead of counting against the gate.
#[derive(Clone, Debug)]
pub struct Waiver {
    pub policy: String,
    pub address: AddressPattern,
    pub reason: String,
    pub owner: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub expires: Option<String>,
    pub span: Span,
}

impl Waiver {
    /// True when the waiver is past its expiry date on `today` (`YYYY-MM-DD`).
    pub fn expired(&self, today: &str) -> bool {
        self.expires.as_deref().is_some_and(|e| e < today)
    }
    fn covers(&self, f: &report::Finding) -> bool {
        (self.policy == "*"
            || *self.policy == *f.policy_id
            || *self.policy == *f.policy_name
            || f.policy_id.starts_with(&format!("{}/", self.policy)))
            && self.address.matches(&f.address)
    }
    fn describe(&self) -> String {
        let mut s = format!("waiver {} {}: {}", self.policy, self.address, self.reason);
        if let Some(o) = &self.owner {
            s.push_str(&format!(" (owner {o}"));
            s.push_str(&self.expires.as_ref().map_or(")".to_string(), |e| format!(", expires {e})")));
        } else if let Some(e) = &self.expires {
            s.push_str(&format!(" (expires {e})"));
        }
        s
    }
}

/// Finds `tfgate.hcl` in `dir` (the working directory), if there is one.
pub fn discover(dir: &Path) -> Option<PathBuf> {
    let p = dir.join(CONFIG_FILE);
    p.is_file().then_some(p)
}

/// Reads and checks a configuration file.
pub fn load_config(path: &Path) -> Result<Config, PolicyError> {
    let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Io { path: path.to_path_buf(), source })?;
    let dir = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    parse_config(SourceFile::new(path.display().to_string(), text), dir)
}

/// Parses configuration text; `dir` resolves relative paths.
pub fn parse_config(source: SourceFile, dir: PathBuf) -> Result<Config, PolicyError> {
    let body = parse::parse_file(&source).map_err(|d| PolicyError::Invalid(vec![*d]))?;
    let mut l = Loader { file: &source, diags: Vec::new() };
    l.check_schema(&body, "the tfgate configuration", &["unknown"], &["policy_set", "policy", "waiver"]);
    let mut config = Config { dir: dir.clone(), ..Config::default() };
    let mut c = Checker { l };

    for a in &body.attrs {
        if a.name == "unknown" {
            if let Some(s) = c.string(a) {
                match s.parse::<UnknownMode>() {
                    Ok(m) => config.unknown = Some(m),
                    Err(e) => c.error(a.expr.span, e),
                }
            }
        }
    }
    for b in &body.blocks {
        match b.ident.as_str() {
            "policy_set" => {
                c.l.check_schema(&b.body, "a policy_set block", &["source"], &[]);
                let label = b.labels.first().map(|(l, _)| l.as_str()).unwrap_or("");
                let source = b.body.attrs.iter().find(|a| a.name == "source").and_then(|a| c.string(a));
                match source.as_deref() {
                    None | Some("builtin") if label == "builtin" || source.is_some() => {
                        config.policy_sets.push(PolicySetSource::Builtin)
                    }
                    Some(p) => config.policy_sets.push(PolicySetSource::Path(dir.join(p))),
                    None => c.error(b.ident_span, "a policy_set needs a source: \"builtin\" or a path".into()),
                }
            }
            "policy" => {
                c.l.check_schema(&b.body, "a policy block", &["enforcement_level", "inputs"], &[]);
                let Some((id, _)) = b.labels.first().cloned() else {
                    c.error(b.ident_span, "a policy block needs the policy id as its label".into());
                    continue;
                };
                for a in &b.body.attrs {
                    match a.name.as_str() {
                        "enforcement_level" => {
                            if let Some(s) = c.string(a) {
                                match EnforcementLevel::parse(&s) {
                                    Some(level) => {
                                        config.levels.insert(id.clone(), crate::check::level_of(level));
                                    }
                                    None => c.error(
                                        a.expr.span,
                                        format!(
                                            "unknown enforcement level {s:?}: {}",
                                            EnforcementLevel::NAMES.join(", ")
                                        ),
                                    ),
                                }
                            }
                        }
                        _ => match c.value(a).as_ref().and_then(Value::as_object) {
                            Some(o) => {
                                config
                                    .inputs
                                    .insert(id.clone(), o.iter().map(|(k, v)| (k.to_string(), v.clone())).collect());
                            }
                            None => c.error(a.expr.span, "inputs must be an object of input values".into()),
                        },
                    }
                }
            }
            "waiver" => {
                c.l.check_schema(&b.body, "a waiver block", &["policy", "address", "reason", "owner", "expires"], &[]);
                let get = |c: &mut Checker, name: &str| {
                    b.body.attrs.iter().find(|a| a.name == name).and_then(|a| c.string(a))
                };
                let policy = get(&mut c, "policy");
                let address = get(&mut c, "address");
                let reason = get(&mut c, "reason");
                let owner = get(&mut c, "owner");
                let expires = get(&mut c, "expires");
                if let Some(e) = &expires {
                    if !is_date(e) {
                        let span = b.body.attrs.iter().find(|a| a.name == "expires").map_or(b.span, |a| a.expr.span);
                        c.error(span, format!("expires must be a date YYYY-MM-DD, found {e:?}"));
                    }
                }
                match (policy, address, reason) {
                    (Some(policy), Some(address), Some(reason)) if !reason.trim().is_empty() => {
                        config.waivers.push(Waiver {
                            policy,
                            address: AddressPattern::new(&address),
                            reason,
                            owner,
                            expires,
                            span: b.span,
                        })
                    }
                    _ => c.error(b.ident_span, "a waiver needs policy, address and a non-empty reason".into()),
                }
            }
            _ => {}
        }
    }
    if c.l.diags.iter().any(Diagnostic::is_error) {
        return Err(PolicyError::Invalid(c.l.diags));
    }
    Ok(config)
}

struct Checker<'a> {
    l: Loader<'a>,
}

impl Checker<'_> {
    fn error(&mut self, span: Span, message: String) {
        self.l.diags.push(Diagnostic::error(self.l.file, span, message));
    }
    fn value(&mut self, a: &RawAttr) -> Option<Value> {
        match const_eval(&a.expr) {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(a.expr.span, e.message);
                None
            }
        }
    }
    fn string(&mut self, a: &RawAttr) -> Option<String> {
        let v = self.value(a)?;
        match v.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.error(a.expr.span, format!("\"{}\" must be a string", a.name));
                None
            }
        }
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u32>().unwrap_or(0))
}

/// Today's date in UTC as `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Applies waivers to findings (failing and unknown ones become `waived`)
/// and says what became of each waiver: active, unused or expired.
pub fn apply_waivers(waivers: &[Waiver], findings: &mut [report::Finding], today: &str) -> Vec<report::WaiverInfo> {
    waivers
        .iter()
        .map(|w| {
            let expired = w.expired(today);
            let mut matched = 0;
            if !expired {
                for f in findings.iter_mut() {
                    if matches!(f.status, report::Status::Fail | report::Status::Unknown) && w.covers(f) {
                        f.status = report::Status::Waived;
                        f.waived_by = Some(w.describe());
                        matched += 1;
                    }
                }
            }
            report::WaiverInfo {
                policy: w.policy.clone(),
                address: w.address.to_string(),
                reason: w.reason.clone(),
                owner: w.owner.clone(),
                expires: w.expires.clone(),
                state: if expired {
                    "expired"
                } else if matched == 0 {
                    "unused"
                } else {
                    "active"
                }
                .to_string(),
                matched,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, PolicyError> {
        parse_config(SourceFile::new("tfgate.hcl", text), PathBuf::from("/repo"))
    }

    #[test]
    fn a_full_configuration() {
        let c = parse(
            r#"
unknown = "warn"
policy_set "builtin" {}
policy_set "team" { source = "./policies" }
policy "TFG-EC2-006" {
  enforcement_level = "soft-mandatory"
  inputs = { max_hop_limit = 2 }
}
waiver {
  policy  = "TFG-EC2-010"
  address = "module.bastion.*"
  reason  = "office VPN only"
  owner   = "platform"
  expires = "2099-12-31"
}
"#,
        )
        .unwrap();
        assert_eq!(c.unknown, Some(UnknownMode::Warn));
        assert_eq!(
            c.policy_sets,
            vec![PolicySetSource::Builtin, PolicySetSource::Path(PathBuf::from("/repo/./policies"))]
        );
        assert_eq!(c.levels["TFG-EC2-006"], report::EnforcementLevel::MandatoryOverridable);
        assert_eq!(c.inputs["TFG-EC2-006"]["max_hop_limit"], Value::number(2));
        assert_eq!(c.waivers.len(), 1);
    }

    #[test]
    fn mistakes_are_reported_with_places() {
        let e = parse("unkown = \"warn\"\nwaiver {\n  policy = \"X\"\n  address = \"a\"\n  reason = \"\"\n  expires = \"31/12/2026\"\n}\n").unwrap_err();
        let text = e.to_string();
        assert!(text.contains("did you mean \"unknown\""), "{text}");
        assert!(text.contains("expires must be a date YYYY-MM-DD"), "{text}");
        assert!(text.contains("non-empty reason"), "{text}");
    }

    #[test]
    fn waivers_active_expired_unused() {
        let c = parse(
            r#"
waiver {
  policy = "P"
  address = "module.a[\"x\"].*"
  reason = "r"
  expires = "2030-01-01"
}
waiver {
  policy = "P"
  address = "*"
  reason = "old"
  expires = "2020-01-01"
}
waiver {
  policy = "Q"
  address = "*"
  reason = "nothing"
}
"#,
        )
        .unwrap();
        let f = |addr: &str, status| report::Finding {
            policy_id: "P".into(),
            address: addr.into(),
            status,
            ..report::Finding::default()
        };
        let mut findings = vec![
            f(r#"module.a["x"].aws_instance.web"#, report::Status::Fail),
            f(r#"module.a["y"].aws_instance.web"#, report::Status::Fail),
            f(r#"module.a["x"].aws_instance.ok"#, report::Status::Pass),
        ];
        let infos = apply_waivers(&c.waivers, &mut findings, "2026-11-23");
        assert_eq!(findings[0].status, report::Status::Waived);
        assert!(findings[0].waived_by.as_deref().unwrap().contains("expires 2030-01-01"));
        assert_eq!(findings[1].status, report::Status::Fail, "the expired waiver no longer applies");
        assert_eq!(findings[2].status, report::Status::Pass);
        let states: Vec<&str> = infos.iter().map(|i| i.state.as_str()).collect();
        assert_eq!(states, ["active", "expired", "unused"]);
    }

    #[test]
    fn the_example_configuration_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/config/tfgate.hcl");
        let c = load_config(&path).unwrap();
        assert_eq!(c.policy_sets.len(), 2);
        assert_eq!(c.waivers.len(), 1);
        assert_eq!(c.levels["TFG-EC2-032"], report::EnforcementLevel::Advisory);
    }

    #[test]
    fn today_is_a_date() {
        let t = today();
        assert!(is_date(&t), "{t}");
        assert!(t.as_str() >= "2024-01-01");
    }
}
