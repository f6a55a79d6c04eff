//! Policy identity: turning an id a user wrote (a `policy "ID"` block in
//! `tfgate.hcl`, a waiver's `policy`, `--override ID`) into the policy blocks
//! it names, the same way for every language.
//!
//! Each language describes its policies ([`PolicyIdentity`]: the names of a
//! whole policy, and each block's id and label, as
//! [`crate::PolicyLanguage::identities`] lists them); the engine indexes
//! them ([`PolicyIndex`]). An id names:
//! - one block by its id (`TFG-EC2-006/instance`, or `TFG-EC2-004` for a
//!   policy of one block);
//! - a whole policy, all its blocks: by one of its names (its id, a former
//!   id, or for a `.policy.hcl` file without an id its name without
//!   `.policy.hcl`);
//! - one block as `POLICY/label` for any of those names; when blocks of one
//!   policy share a label, as `POLICY/label[TYPE]` (the block's unique
//!   label), and the bare `POLICY/label` is an error listing them;
//! - one block by its label alone, when no other block has that label.
//!
//! Anything else is an error with a suggestion: a setting that silently
//! matched nothing would leave a policy at a level nobody chose.

use std::collections::{BTreeMap, HashMap};

use tfgate_core::{suggest, Diagnostic, EnforcementLevel, SourceFile, Span};
use tfgate_plan::Value;

use crate::config::{note_dropped, Config, ConfigError, MAX_DIAGNOSTICS};
use crate::language::PolicyLanguage;
use crate::waivers::WaiverScope;

/// One policy as users name it: a `.policy.hcl` file, a Sentinel policy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyIdentity {
    /// Where it is written, as messages name it (a `.policy.hcl` file's
    /// name); [`ResolvedSettings::inputs`] are keyed by it.
    pub source: String,
    /// The names of the whole policy: its id and former ids, or its file's
    /// name without extension. None when only its blocks' ids name it.
    pub names: Vec<String>,
    /// Its blocks, in order.
    pub blocks: Vec<BlockIdentity>,
    /// The inputs it declares, in order: what `tfgate.hcl` may set for it.
    pub inputs: Vec<String>,
}

/// One policy block as users name it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockIdentity {
    /// Its id, as its findings carry it.
    pub id: String,
    /// Its label as written (`instance`), when its language labels blocks.
    pub label: Option<String>,
    /// When other blocks of its policy share the label, the label that
    /// names this one alone (`no_public[aws_db_snapshot]`).
    pub unique_label: Option<String>,
}

/// How an id matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Via {
    /// A whole policy: all its blocks.
    Whole,
    /// One block: its id, `POLICY/label`, or a unique label.
    Block,
}

/// One policy block of the index.
#[derive(Clone, Debug)]
struct Block {
    id: String,
    policy: usize,
}

/// Every way of naming the blocks of one language's policies.
#[derive(Clone, Debug, Default)]
pub struct PolicyIndex {
    blocks: Vec<Block>,
    /// Ids (block ids, policy names, `POLICY/label`) to blocks.
    ids: HashMap<String, Vec<(usize, Via)>>,
    /// Block labels to blocks (an id only when unique).
    labels: HashMap<String, Vec<usize>>,
    /// `POLICY/label` for a label that several blocks of one policy share
    /// (different resource types): an error naming the choices, never all
    /// of them, since a waiver or a lowered level would then reach a block
    /// its author did not mean.
    ambiguous: HashMap<String, Vec<usize>>,
}

/// What an id a user wrote names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    /// The ids of the policy blocks it names, as findings carry them, in
    /// the order the language lists them.
    pub blocks: Vec<String>,
    /// Whether it named a whole policy (all its blocks) rather than one block.
    pub whole: bool,
    /// The policies the blocks belong to, by their place in the list the
    /// index was built from, ascending.
    pub policies: Vec<usize>,
}

/// Why an id names nothing, with a suggestion when there is one (shown
/// after the message, `; did you mean …?`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}{}", help.as_ref().map_or_else(String::new, |h| format!("; {h}")))]
pub struct Unresolved {
    /// What is wrong.
    pub message: String,
    /// A hint (`did you mean …?`).
    pub help: Option<String>,
}

impl PolicyIndex {
    /// Indexes the ids, names and labels of every block of `policies`.
    pub fn new(policies: &[PolicyIdentity]) -> PolicyIndex {
        let mut index = PolicyIndex::default();
        for (pi, policy) in policies.iter().enumerate() {
            for block in &policy.blocks {
                let bi = index.blocks.len();
                index.add(&block.id, bi, Via::Block);
                let unique = block.unique_label.as_ref().or(block.label.as_ref());
                for name in &policy.names {
                    index.add(name, bi, Via::Whole);
                    if let Some(unique) = unique {
                        index.add(&format!("{name}/{unique}"), bi, Via::Block);
                    }
                    if let (Some(label), Some(_)) = (&block.label, &block.unique_label) {
                        index.ambiguous.entry(format!("{name}/{label}")).or_default().push(bi);
                    }
                }
                if let Some(label) = &block.label {
                    index.labels.entry(label.clone()).or_default().push(bi);
                }
                if let Some(unique) = &block.unique_label {
                    index.labels.entry(unique.clone()).or_default().push(bi);
                }
                index.blocks.push(Block { id: block.id.clone(), policy: pi });
            }
        }
        index
    }

    fn add(&mut self, key: &str, block: usize, via: Via) {
        let entry = self.ids.entry(key.to_string()).or_default();
        if !entry.iter().any(|(b, _)| *b == block) {
            entry.push((block, via));
        }
    }

    /// The blocks `written` names.
    pub fn resolve(&self, written: &str) -> Result<Resolution, Unresolved> {
        let (blocks, whole) = self.lookup(written)?;
        let mut policies: Vec<usize> = blocks.iter().map(|b| self.blocks[*b].policy).collect();
        policies.dedup();
        Ok(Resolution { blocks: blocks.iter().map(|b| self.blocks[*b].id.clone()).collect(), whole, policies })
    }

    /// The indexes of the blocks `written` names, ascending, and whether it
    /// named a whole policy.
    fn lookup(&self, written: &str) -> Result<(Vec<usize>, bool), Unresolved> {
        if let Some(many) = self.ambiguous.get(written) {
            let ids: Vec<&str> = many.iter().map(|b| self.id(*b)).collect();
            return Err(Unresolved {
                message: format!(
                    "{written:?} names {} policy blocks of one file (one label, several types): {}",
                    ids.len(),
                    ids.join(", ")
                ),
                help: Some("name one by its id, or the whole policy by its policy id".into()),
            });
        }
        if let Some(hits) = self.ids.get(written) {
            let mut blocks: Vec<usize> = hits.iter().map(|(b, _)| *b).collect();
            blocks.sort_unstable();
            blocks.dedup();
            let whole = hits.iter().any(|(_, via)| *via == Via::Whole);
            return Ok((blocks, whole));
        }
        match self.labels.get(written).map(Vec::as_slice) {
            Some([one]) => return Ok((vec![*one], false)),
            Some(many) => {
                let ids: Vec<&str> = many.iter().map(|b| self.id(*b)).collect();
                return Err(Unresolved {
                    message: format!("{written:?} is the label of {} policy blocks: {}", ids.len(), ids.join(", ")),
                    help: Some("name one by its id, or the whole policy by its policy id".into()),
                });
            }
            None => {}
        }
        Err(Unresolved {
            message: format!("no policy or policy block has the id {written:?}"),
            help: self.suggestion(written).map(|s| format!("did you mean \"{s}\"?")),
        })
    }

    fn id(&self, block: usize) -> &str {
        &self.blocks[block].id
    }

    /// The closest id: the same letters in another case first (ids are
    /// case-sensitive), then a near spelling.
    fn suggestion(&self, written: &str) -> Option<&str> {
        let lower = written.to_lowercase();
        let mut ids: Vec<&str> = self.ids.keys().map(String::as_str).collect();
        ids.sort_unstable();
        if let Some(same) = ids.iter().find(|id| id.to_lowercase() == lower) {
            return Some(same);
        }
        let lowered: Vec<String> = ids.iter().map(|id| id.to_lowercase()).collect();
        let best = suggest(&lower, lowered.iter().map(String::as_str))?;
        let i = lowered.iter().position(|l| l == best)?;
        Some(ids[i])
    }
}

/// The configuration's policy settings, resolved to blocks and policies:
/// what a language is configured with.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResolvedSettings {
    /// Enforcement level per policy block id.
    pub levels: BTreeMap<String, EnforcementLevel>,
    /// Input values per policy ([`PolicyIdentity::source`]): inputs belong
    /// to a policy (a `.policy.hcl` file, as in Terraform policy), so
    /// naming one block sets them for all its blocks.
    pub inputs: BTreeMap<String, BTreeMap<String, Value>>,
}

/// A policy of another language of the run (a Sentinel policy) that a
/// waiver may name by its id.
#[derive(Clone, Debug)]
pub struct ExternalPolicy {
    /// Its id in findings (a Sentinel policy's name in `sentinel.hcl`).
    pub id: String,
    /// Why no waiver may name it, if none may (a hard-mandatory Sentinel
    /// policy admits no exception, as in Sentinel).
    pub not_waivable: Option<String>,
}

/// Resolves every id of `config` against the policies of `language`:
/// `policy` blocks (levels and inputs, each input checked against the
/// declarations of the policies it goes to) and waivers (their
/// [`WaiverScope`] is filled in). Every problem is reported, each at its
/// place in the configuration file.
pub fn resolve_config(language: &dyn PolicyLanguage, config: &mut Config) -> Result<ResolvedSettings, ConfigError> {
    resolve_config_with(language, config, &[])
}

/// [`resolve_config`], where a waiver may also name one of `external`'s
/// policies by its exact id.
pub fn resolve_config_with(
    language: &dyn PolicyLanguage,
    config: &mut Config,
    external: &[ExternalPolicy],
) -> Result<ResolvedSettings, ConfigError> {
    let policies = language.identities();
    let index = PolicyIndex::new(&policies);
    // A configuration built in code has no file to point into.
    let source = config.source.clone().unwrap_or_else(|| SourceFile::new("configuration", ""));
    let mut diags = Vec::new();
    let mut dropped = 0;
    let mut error = |span: Span, message: String, help: Option<String>| {
        if diags.len() >= MAX_DIAGNOSTICS {
            dropped += 1;
            return;
        }
        let d = Diagnostic::error(&source, span, message);
        diags.push(match help {
            Some(h) => d.with_help(h),
            None => d,
        });
    };
    let mut out = ResolvedSettings::default();
    // Levels: a setting for one block wins over one for its whole policy.
    let mut levels: BTreeMap<usize, (Via, EnforcementLevel, Span)> = BTreeMap::new();
    // Inputs per policy: the value and where it was set.
    let mut inputs: BTreeMap<usize, BTreeMap<String, (Value, Span)>> = BTreeMap::new();
    for setting in &config.policies {
        let (blocks, whole) = match index.lookup(&setting.id) {
            Ok(r) => r,
            Err(e) => {
                error(setting.span, e.message, e.help);
                continue;
            }
        };
        let via = if whole { Via::Whole } else { Via::Block };
        if let Some(level) = setting.enforcement_level {
            for &b in &blocks {
                match levels.get(&b) {
                    Some((v, l, at)) if *v == via && *l != level => error(
                        setting.span,
                        format!(
                            "conflicting enforcement levels for {}: {} here, {} at line {}",
                            index.id(b),
                            level.as_str(),
                            l.as_str(),
                            source.location(at.start).line
                        ),
                        None,
                    ),
                    // The setting for one block stays over the whole policy's.
                    Some((v, ..)) if *v >= via => {}
                    _ => {
                        levels.insert(b, (via, level, setting.span));
                    }
                }
            }
        }
        let mut owners: Vec<usize> = blocks.iter().map(|b| index.blocks[*b].policy).collect();
        owners.dedup();
        for input in &setting.inputs {
            for &pi in &owners {
                let policy = &policies[pi];
                if !policy.inputs.contains(&input.name) {
                    let declared: Vec<&str> = policy.inputs.iter().map(String::as_str).collect();
                    let help = match suggest(&input.name, declared.iter().copied()) {
                        Some(s) => Some(format!("did you mean \"{s}\"?")),
                        None if declared.is_empty() => Some(format!("{} declares no inputs", policy.source)),
                        None => Some(format!("{} declares: {}", policy.source, declared.join(", "))),
                    };
                    error(
                        input.span,
                        format!(
                            "policy {:?} has no input {:?} ({} does not declare it)",
                            setting.id, input.name, policy.source
                        ),
                        help,
                    );
                    continue;
                }
                if let Err(detail) = language.check_input(pi, &input.name, &input.value) {
                    error(input.value_span, format!("invalid value for input {:?}: {detail}", input.name), None);
                    continue;
                }
                let given = inputs.entry(pi).or_default();
                match given.get(&input.name) {
                    Some((v, at)) if *v != input.value => error(
                        input.span,
                        format!(
                            "input {:?} of {} is set twice with different values (also at line {})",
                            input.name,
                            policy.source,
                            source.location(at.start).line
                        ),
                        None,
                    ),
                    Some(_) => {}
                    None => {
                        given.insert(input.name.clone(), (input.value.clone(), input.span));
                    }
                }
            }
        }
    }
    for w in &mut config.waivers {
        if w.policy == "*" {
            w.scope = WaiverScope::All;
            continue;
        }
        match (index.resolve(&w.policy), external.iter().find(|x| x.id == w.policy)) {
            (Ok(r), _) => w.scope = WaiverScope::Blocks(r.blocks),
            (Err(_), Some(x)) => match &x.not_waivable {
                Some(why) => error(w.policy_at.clone().into(), format!("waiver: {why}"), None),
                None => w.scope = WaiverScope::Blocks(vec![x.id.clone()]),
            },
            (Err(e), None) => error(w.policy_at.clone().into(), format!("waiver: {}", e.message), e.help),
        }
    }
    if !diags.is_empty() {
        note_dropped(&mut diags, &source, dropped);
        return Err(ConfigError::Invalid(diags));
    }
    out.levels = levels.into_iter().map(|(b, (_, l, _))| (index.id(b).to_string(), l)).collect();
    out.inputs = inputs
        .into_iter()
        .map(|(pi, given)| (policies[pi].source.clone(), given.into_iter().map(|(k, (v, _))| (k, v)).collect()))
        .collect();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use tfgate_core::PolicyInfo;

    use super::*;
    use crate::config::parse_config;
    use crate::language::{Evaluation, Granularity, LoadError, PlanInput, Reads};

    fn block(id: &str, label: &str, unique: Option<&str>) -> BlockIdentity {
        BlockIdentity { id: id.into(), label: Some(label.into()), unique_label: unique.map(str::to_string) }
    }

    /// A policy with an id and a former id, one without an id (named by its
    /// file) whose two blocks share a label, and a block named only by its id.
    fn policies() -> Vec<PolicyIdentity> {
        vec![
            PolicyIdentity {
                source: "multi.policy.hcl".into(),
                names: vec!["M-1".into(), "OLD-1".into()],
                blocks: vec![block("M-1/instance", "instance", None), block("M-1/template", "template", None)],
                inputs: vec!["limit".into()],
            },
            PolicyIdentity {
                source: "snap.policy.hcl".into(),
                names: vec!["snap".into()],
                blocks: vec![
                    block("snap/open[aws_db_snapshot]", "open", Some("open[aws_db_snapshot]")),
                    block("snap/open[aws_db_cluster_snapshot]", "open", Some("open[aws_db_cluster_snapshot]")),
                    block("snap/template", "template", None),
                ],
                inputs: Vec::new(),
            },
            PolicyIdentity {
                source: "sentinel.hcl".into(),
                blocks: vec![BlockIdentity { id: "restrict-ec2".into(), ..BlockIdentity::default() }],
                ..PolicyIdentity::default()
            },
        ]
    }

    #[test]
    fn ids_name_whole_policies_blocks_and_unique_labels() {
        let index = PolicyIndex::new(&policies());
        let r = index.resolve("M-1").unwrap();
        assert_eq!(r.blocks, ["M-1/instance", "M-1/template"]);
        assert_eq!((r.whole, r.policies), (true, vec![0]));
        assert_eq!(index.resolve("OLD-1/template").unwrap().blocks, ["M-1/template"], "a former id, with a label");
        let r = index.resolve("instance").unwrap();
        assert_eq!((r.blocks, r.whole), (vec!["M-1/instance".to_string()], false), "a label no other block has");
        assert_eq!(index.resolve("snap/open[aws_db_snapshot]").unwrap().blocks, ["snap/open[aws_db_snapshot]"]);
        assert_eq!(index.resolve("snap").unwrap().blocks.len(), 3);
        assert_eq!(index.resolve("restrict-ec2").unwrap().blocks, ["restrict-ec2"], "a policy named by its id alone");
    }

    #[test]
    fn an_id_that_names_nothing_or_too_much_is_told_why() {
        let index = PolicyIndex::new(&policies());
        let e = index.resolve("snap/open").unwrap_err();
        assert_eq!(e.message, "\"snap/open\" names 2 policy blocks of one file (one label, several types): snap/open[aws_db_snapshot], snap/open[aws_db_cluster_snapshot]");
        let e = index.resolve("template").unwrap_err();
        assert_eq!(e.message, "\"template\" is the label of 2 policy blocks: M-1/template, snap/template");
        assert_eq!(e.help.as_deref(), Some("name one by its id, or the whole policy by its policy id"));
        let e = index.resolve("m-1").unwrap_err();
        assert_eq!(e.to_string(), "no policy or policy block has the id \"m-1\"; did you mean \"M-1\"?");
        assert_eq!(index.resolve("restrict-ec").unwrap_err().help.as_deref(), Some("did you mean \"restrict-ec2\"?"));
        assert_eq!(index.resolve("ZZZZZZZZZZZZ").unwrap_err().help, None);
    }

    /// A language with the policies above, whose input `limit` takes numbers.
    struct Described;

    impl PolicyLanguage for Described {
        fn name(&self) -> &'static str {
            "described"
        }
        fn load(_: &[PathBuf]) -> Result<Described, LoadError> {
            Ok(Described)
        }
        fn is_empty(&self) -> bool {
            false
        }
        fn granularity(&self) -> Granularity {
            Granularity::PerTarget
        }
        fn describe(&self) -> Vec<PolicyInfo> {
            Vec::new()
        }
        fn reads(&self) -> Reads {
            Reads::default()
        }
        fn identities(&self) -> Vec<PolicyIdentity> {
            policies()
        }
        fn check_input(&self, policy: usize, input: &str, value: &Value) -> Result<(), String> {
            assert_eq!((policy, input), (0, "limit"), "only declared inputs are checked");
            value.as_number().map(drop).ok_or_else(|| "a number is required".to_string())
        }
        fn evaluate(&self, _: PlanInput<'_, '_>) -> Evaluation {
            Evaluation::default()
        }
    }

    fn config(text: &str) -> Config {
        parse_config(SourceFile::new("tfgate.hcl", text), Path::new(".").to_path_buf()).unwrap()
    }

    #[test]
    fn settings_resolve_to_blocks_and_policies() {
        let mut c = config(
            "policy \"M-1\" {\n  enforcement_level = \"advisory\"\n  inputs = { limit = 2 }\n}\npolicy \"instance\" {\n  enforcement_level = \"mandatory\"\n}\nwaiver {\n  policy = \"snap/template\"\n  address = \"*\"\n  reason = \"r\"\n}\nwaiver {\n  policy = \"other\"\n  address = \"*\"\n  reason = \"r\"\n}\n",
        );
        let external = [ExternalPolicy { id: "other".into(), not_waivable: None }];
        let r = resolve_config_with(&Described, &mut c, &external).unwrap();
        let levels: Vec<(&str, &str)> = r.levels.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            levels,
            [("M-1/instance", "mandatory"), ("M-1/template", "advisory")],
            "one block wins over its policy"
        );
        assert_eq!(r.inputs["multi.policy.hcl"]["limit"], Value::number(2));
        assert_eq!(c.waivers[0].scope, WaiverScope::Blocks(vec!["snap/template".into()]));
        assert_eq!(c.waivers[1].scope, WaiverScope::Blocks(vec!["other".into()]), "another language's policy");
    }

    #[test]
    fn settings_that_name_nothing_are_errors_at_their_place() {
        let e = |text: &str| resolve_config(&Described, &mut config(text)).unwrap_err().to_string();
        let text = e("policy \"M-1\" {\n  inputs = { limt = 2 }\n}\n");
        assert!(text.contains("tfgate.hcl:2:14") && text.contains("did you mean \"limit\"?"), "{text}");
        let text = e("policy \"snap\" {\n  inputs = { limit = 2 }\n}\n");
        assert!(text.contains("snap.policy.hcl declares no inputs"), "{text}");
        let text = e("policy \"M-1\" {\n  inputs = { limit = \"many\" }\n}\n");
        assert!(
            text.contains("invalid value for input \"limit\": a number is required")
                && text.contains("tfgate.hcl:2:22"),
            "{text}"
        );
        let text = e("waiver {\n  policy = \"restrict-ec\"\n  address = \"*\"\n  reason = \"r\"\n}\n");
        assert!(
            text.contains("waiver: no policy or policy block has the id")
                && text.contains("did you mean \"restrict-ec2\"?"),
            "{text}"
        );
        let hard = [ExternalPolicy { id: "hard".into(), not_waivable: Some("no exception".into()) }];
        let mut c = config("waiver {\n  policy = \"hard\"\n  address = \"*\"\n  reason = \"r\"\n}\n");
        let text = resolve_config_with(&Described, &mut c, &hard).unwrap_err().to_string();
        assert!(text.contains("error: waiver: no exception") && text.contains("tfgate.hcl:2:12"), "{text}");
    }
}
