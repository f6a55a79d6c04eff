//! Waivers: failing or unknown findings of named policy blocks at matching
//! addresses become `waived`, and each waiver says what became of it. The
//! configuration (`tfgate.hcl`) declares them; the ids they name are
//! resolved against the languages' policies ([`crate::resolve_config_with`]
//! fills in each [`WaiverScope`]); matching is here, the same for every
//! language.

use std::collections::HashMap;

use tfgate_plan::AddressPattern;

/// A waiver: failing or unknown findings of a policy on matching addresses
/// are reported as waived instead of counting against the gate.
#[derive(Clone, Debug)]
pub struct Waiver {
    /// A policy id, one block's id, a block name, or `*`, as written.
    pub policy: String,
    /// Where `policy`'s value is in the configuration file (byte offsets),
    /// for diagnostics about the id.
    pub policy_at: std::ops::Range<usize>,
    /// The addresses it covers: a glob over full addresses.
    pub address: AddressPattern,
    /// Why the exception is granted.
    pub reason: String,
    /// Who answers for it.
    pub owner: Option<String>,
    /// The last day it applies, `YYYY-MM-DD`, inclusive.
    pub expires: Option<String>,
    /// The policy blocks it covers, filled in once the policies are loaded
    /// ([`crate::resolve_config_with`]).
    pub scope: WaiverScope,
}

/// Which policy blocks a waiver covers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum WaiverScope {
    /// Not resolved against a policy set: covers nothing, so that an
    /// unchecked id can never waive a failure.
    #[default]
    Unresolved,
    /// `*`: every policy.
    All,
    /// These policy block ids.
    Blocks(Vec<String>),
}

impl Waiver {
    /// True when the waiver is past its expiry date on `today` (`YYYY-MM-DD`).
    pub fn expired(&self, today: &str) -> bool {
        self.expires.as_deref().is_some_and(|e| e < today)
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
/// and says what became of each waiver: active, unused or expired. When
/// several waivers cover a finding, the first in the file takes it.
///
/// Waivers are indexed by policy block and address (exact addresses in a
/// hash map, globs in tries of their literal prefixes or suffixes), so each
/// finding looks only at the waivers that can cover it.
pub fn apply_waivers(
    waivers: &[Waiver],
    findings: &mut [tfgate_core::Finding],
    today: &str,
) -> Vec<tfgate_core::WaiverInfo> {
    use rayon::prelude::*;
    let expired: Vec<bool> = waivers.iter().map(|w| w.expired(today)).collect();
    let index = WaiverIndex::new(waivers, &expired);
    let winners: Vec<Option<usize>> = findings
        .par_iter()
        .map(|f| {
            matches!(f.status, tfgate_core::Status::Fail | tfgate_core::Status::Unknown)
                .then(|| index.first_covering(waivers, f))
                .flatten()
        })
        .collect();
    let mut matched = vec![0usize; waivers.len()];
    let mut described: Vec<Option<String>> = vec![None; waivers.len()];
    for (f, w) in findings.iter_mut().zip(winners) {
        if let Some(w) = w {
            f.status = tfgate_core::Status::Waived;
            f.waived_by = Some(described[w].get_or_insert_with(|| waivers[w].describe()).clone());
            matched[w] += 1;
        }
    }
    waivers
        .iter()
        .zip(expired.iter().zip(matched))
        .map(|(w, (&expired, matched))| tfgate_core::WaiverInfo {
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
        })
        .collect()
}

/// The waivers in force, by the policy block they cover (plus those for `*`).
struct WaiverIndex<'w> {
    by_block: HashMap<&'w str, AddressIndex<'w>>,
    all: AddressIndex<'w>,
}

/// Waivers (by position) by address: exact addresses hashed; globs in a
/// trie of their literal prefixes (the text before the first wildcard), or,
/// for globs that start with a wildcard (`*.aws_instance.web`), in a trie of
/// their reversed literal suffixes.
#[derive(Default)]
struct AddressIndex<'w> {
    exact: HashMap<&'w str, Vec<usize>>,
    prefixes: Trie,
    suffixes: Trie,
}

/// Waivers by a literal string: nodes (root first) with children by byte and
/// the waivers whose string ends there.
#[derive(Default)]
struct Trie {
    nodes: Vec<TrieNode>,
}

#[derive(Default)]
struct TrieNode {
    children: Vec<(u8, usize)>,
    waivers: Vec<usize>,
}

impl Trie {
    fn insert(&mut self, key: impl Iterator<Item = u8>, waiver: usize) {
        if self.nodes.is_empty() {
            self.nodes.push(TrieNode::default());
        }
        let mut node = 0;
        for b in key {
            node = match self.nodes[node].children.iter().find(|(c, _)| *c == b) {
                Some(&(_, next)) => next,
                None => {
                    let next = self.nodes.len();
                    self.nodes.push(TrieNode::default());
                    self.nodes[node].children.push((b, next));
                    next
                }
            };
        }
        self.nodes[node].waivers.push(waiver);
    }

    /// Calls `f` with the waivers of every key that `text` starts with.
    fn each_key_of(&self, text: impl Iterator<Item = u8>, f: &mut impl FnMut(usize)) {
        let Some(mut node) = (!self.nodes.is_empty()).then_some(0) else { return };
        let mut text = text;
        loop {
            self.nodes[node].waivers.iter().for_each(|&i| f(i));
            match text.next().and_then(|b| self.nodes[node].children.iter().find(|(c, _)| *c == b)) {
                Some(&(_, next)) => node = next,
                None => return,
            }
        }
    }
}

impl<'w> WaiverIndex<'w> {
    fn new(waivers: &'w [Waiver], expired: &[bool]) -> WaiverIndex<'w> {
        let mut index = WaiverIndex { by_block: HashMap::new(), all: AddressIndex::default() };
        for (i, w) in waivers.iter().enumerate().filter(|(i, _)| !expired[*i]) {
            match &w.scope {
                WaiverScope::Unresolved => {}
                WaiverScope::All => index.all.add(i, w),
                WaiverScope::Blocks(ids) => {
                    for id in ids {
                        index.by_block.entry(id.as_str()).or_default().add(i, w);
                    }
                }
            }
        }
        index
    }

    /// The first waiver (in file order) that covers `f`.
    fn first_covering(&self, waivers: &[Waiver], f: &tfgate_core::Finding) -> Option<usize> {
        let mut best = None;
        for addresses in self.by_block.get(&*f.policy_id).into_iter().chain([&self.all]) {
            addresses.candidates(&f.address, &mut |i| {
                if best.is_none_or(|b| i < b) && waivers[i].address.matches(&f.address) {
                    best = Some(i);
                }
            });
        }
        best
    }
}

impl<'w> AddressIndex<'w> {
    fn add(&mut self, i: usize, w: &'w Waiver) {
        if w.address.is_literal() && !w.address.as_str().contains('\\') {
            self.exact.entry(w.address.as_str()).or_default().push(i);
            return;
        }
        let (prefix, suffix) = literal_ends(w.address.as_str());
        if prefix.is_empty() && !suffix.is_empty() {
            self.suffixes.insert(suffix.bytes().rev(), i);
        } else {
            self.prefixes.insert(prefix.bytes(), i);
        }
    }

    /// Calls `f` with every waiver that may cover `address`: the exact ones
    /// for it and the globs whose literal prefix it starts with or whose
    /// literal suffix it ends with.
    fn candidates(&self, address: &str, f: &mut impl FnMut(usize)) {
        if let Some(hits) = self.exact.get(address) {
            hits.iter().for_each(|&i| f(i));
        }
        self.prefixes.each_key_of(address.bytes(), f);
        self.suffixes.each_key_of(address.bytes().rev(), f);
    }
}

/// The literal text a glob starts with and the literal text it ends with
/// (after its last wildcard), escapes undone.
fn literal_ends(pattern: &str) -> (String, String) {
    let (mut prefix, mut run) = (None, String::new());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '*' | '?' => {
                prefix.get_or_insert_with(|| run.clone());
                run.clear();
            }
            '\\' => run.push(chars.next().unwrap_or('\\')),
            c => run.push(c),
        }
    }
    match prefix {
        Some(prefix) => (prefix, run),
        // No wildcard: the whole text is both.
        None => (run.clone(), run),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(policy: &str, address: &str) -> tfgate_core::Finding {
        tfgate_core::Finding {
            policy_id: policy.into(),
            address: address.into(),
            status: tfgate_core::Status::Fail,
            ..tfgate_core::Finding::default()
        }
    }

    fn waiver(policy: &str, address: &str, scope: WaiverScope) -> Waiver {
        Waiver {
            policy: policy.into(),
            policy_at: 0..0,
            address: AddressPattern::new(address),
            reason: "r".into(),
            owner: None,
            expires: None,
            scope,
        }
    }

    #[test]
    fn an_unresolved_waiver_waives_nothing() {
        let mut findings = vec![finding("P", "a.b")];
        let infos = apply_waivers(&[waiver("P", "*", WaiverScope::Unresolved)], &mut findings, "2026-01-01");
        assert_eq!(findings[0].status, tfgate_core::Status::Fail);
        assert_eq!(infos[0].state, "unused");
    }

    #[test]
    fn indexed_waivers_match_as_globs_do_and_the_first_in_the_file_wins() {
        let blocks = |ids: &[&str]| WaiverScope::Blocks(ids.iter().map(|s| s.to_string()).collect());
        let waivers = [
            waiver("P", "module.a.*", blocks(&["P/x", "P/y"])),
            waiver("P", "module.a.aws_instance.web", blocks(&["P/x", "P/y"])),
            waiver("*", "*.db", WaiverScope::All),
            waiver("Q", r"lit\*eral", blocks(&["Q"])),
            waiver("Q", "module.?.z", blocks(&["Q"])),
            waiver("Q", "never", blocks(&["Q"])),
            waiver("S", "*.aws_instance.web", blocks(&["S"])),
            waiver("S", "*web?", blocks(&["S"])),
            waiver("S", "*x*", blocks(&["S"])),
        ];
        let mut findings = vec![
            finding("P/x", "module.a.aws_instance.web"),
            finding("P/y", "module.b.aws_instance.web"),
            finding("R", "module.b.db"),
            finding("Q", "lit*eral"),
            finding("Q", "litXeral"),
            finding("Q", "module.c.z"),
            finding("Q", "module.a.x"),
            finding("S", "module.b.aws_instance.web"),
            finding("S", "aws_instance.webs"),
            finding("S", "module.x.dbs"),
            finding("S", "aws_instance.dbz"),
        ];
        let infos = apply_waivers(&waivers, &mut findings, "2026-01-01");
        let status: Vec<tfgate_core::Status> = findings.iter().map(|f| f.status).collect();
        use tfgate_core::Status::{Fail, Waived};
        assert_eq!(status, [Waived, Fail, Waived, Waived, Fail, Waived, Fail, Waived, Waived, Waived, Fail]);
        assert!(findings[0].waived_by.as_deref().unwrap().contains("module.a.*"), "the first waiver in the file");
        let matched: Vec<usize> = infos.iter().map(|i| i.matched).collect();
        assert_eq!(matched, [1, 0, 1, 1, 1, 0, 1, 1, 1]);
    }

    #[test]
    fn today_is_a_date() {
        let t = today();
        let b = t.as_bytes();
        assert!(t.len() == 10 && b[4] == b'-' && b[7] == b'-', "{t}");
        assert!(t.as_str() >= "2024-01-01");
    }

    proptest::proptest! {
        /// The index finds exactly what trying every waiver in order finds.
        #[test]
        fn the_index_agrees_with_trying_every_waiver(
            patterns in proptest::collection::vec(("[PQ*]", "[ab.*?\\\\]{0,6}"), 0..12),
            addresses in proptest::collection::vec(("[PQ]", "[ab.*?\\\\]{0,6}"), 0..12),
        ) {
            let waivers: Vec<Waiver> = patterns
                .iter()
                .map(|(p, a)| {
                    let scope = if p == "*" { WaiverScope::All } else { WaiverScope::Blocks(vec![p.clone()]) };
                    waiver(p, a, scope)
                })
                .collect();
            let mut findings: Vec<tfgate_core::Finding> = addresses.iter().map(|(p, a)| finding(p, a)).collect();
            let expected: Vec<Option<usize>> = findings
                .iter()
                .map(|f| {
                    waivers.iter().position(|w| {
                        (w.policy == "*" || *w.policy == *f.policy_id) && w.address.matches(&f.address)
                    })
                })
                .collect();
            let infos = apply_waivers(&waivers, &mut findings, "2026-01-01");
            for (f, e) in findings.iter().zip(&expected) {
                proptest::prop_assert_eq!(f.status == tfgate_core::Status::Waived, e.is_some());
            }
            for (i, info) in infos.iter().enumerate() {
                proptest::prop_assert_eq!(info.matched, expected.iter().filter(|e| **e == Some(i)).count());
            }
        }
    }
}
