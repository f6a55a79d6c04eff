//! Policy identity: turning an id a user wrote (a `policy "ID"` block in
//! `tfgate.hcl`, a waiver's `policy`, `--override ID`) into the policy blocks
//! it names, once the policy set is loaded.
//!
//! An id names:
//! - one block by its id ([`crate::check::policy_id`]: `TFG-EC2-006/instance`,
//!   or `TFG-EC2-004` for a file that holds one block);
//! - a whole policy, all the blocks of its file(s): the file's `tfgate { id }`,
//!   one of its former ids (`aliases`), or for a file without an id its name
//!   without `.policy.hcl`;
//! - one block as `POLICY/label` for any of those policy ids; when blocks of
//!   one file share a label (Terraform policy identifies a block by kind,
//!   type and label), as `POLICY/label[TYPE]` ([`crate::check::block_label`]),
//!   and the bare `POLICY/label` is an error listing them;
//! - one block by its label alone, when no other block has that label.
//!
//! Anything else is an error with a suggestion: a setting that silently
//! matched nothing would leave a policy at a level nobody chose.

use std::collections::{BTreeMap, HashMap};

use tfgate_plan::Value;

use crate::check::policy_id;
use crate::diagnostic::{suggest, Diagnostic, SourceFile, Span};
use crate::PolicySet;
use tfgate_engine::{note_dropped, Config, ConfigError, WaiverScope, MAX_DIAGNOSTICS};

/// How an id matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Via {
    /// A whole policy: all the blocks of its file(s).
    Whole,
    /// One block: its id, `POLICY/label`, or a unique label.
    Block,
}

/// One policy block of the set.
#[derive(Clone, Debug)]
struct Block {
    id: String,
    file: usize,
}

/// Every way of naming the blocks of a policy set.
#[derive(Clone, Debug, Default)]
pub struct PolicyIndex {
    blocks: Vec<Block>,
    /// Ids (block ids, policy ids, `POLICY/label`) to blocks.
    ids: HashMap<String, Vec<(usize, Via)>>,
    /// Block labels to blocks (an id only when unique).
    labels: HashMap<String, Vec<usize>>,
    /// `POLICY/label` for a label that several blocks of one file share
    /// (different resource types): an error naming the choices, never all
    /// of them, since a waiver or a lowered level would then reach a block
    /// its author did not mean.
    ambiguous: HashMap<String, Vec<usize>>,
}

/// What an id names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    /// Indexes of the blocks, ascending.
    pub blocks: Vec<usize>,
    /// True when the id named a whole policy (rather than one block).
    pub whole: bool,
}

pub use tfgate_engine::Unresolved;

impl PolicyIndex {
    /// Indexes the ids, aliases and labels of every block of `set`.
    pub fn new(set: &PolicySet) -> PolicyIndex {
        let mut index = PolicyIndex::default();
        for (fi, file) in set.files().iter().enumerate() {
            let meta = &file.config.tfgate;
            let mut whole: Vec<String> = meta.id.iter().chain(&meta.aliases).cloned().collect();
            if meta.id.is_none() {
                whole.push(crate::check::file_stem(file.name()).to_string());
            }
            for policy in &file.policies {
                let bi = index.blocks.len();
                let id = policy_id(file, policy);
                index.add(&id, bi, Via::Block);
                let label = crate::check::block_label(file, policy);
                for w in &whole {
                    index.add(w, bi, Via::Whole);
                    index.add(&format!("{w}/{label}"), bi, Via::Block);
                    if label != policy.name {
                        index.ambiguous.entry(format!("{w}/{}", policy.name)).or_default().push(bi);
                    }
                }
                index.labels.entry(policy.name.clone()).or_default().push(bi);
                if label != policy.name {
                    index.labels.entry(label).or_default().push(bi);
                }
                index.blocks.push(Block { id, file: fi });
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

    /// The id of block `i`, as findings and reports carry it.
    pub fn id(&self, block: usize) -> &str {
        &self.blocks[block].id
    }

    /// The index (in the set) of the file block `i` is in.
    pub fn file(&self, block: usize) -> usize {
        self.blocks[block].file
    }

    /// The blocks `written` names.
    pub fn resolve(&self, written: &str) -> Result<Resolution, Unresolved> {
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
            return Ok(Resolution { blocks, whole });
        }
        match self.labels.get(written).map(Vec::as_slice) {
            Some([one]) => return Ok(Resolution { blocks: vec![*one], whole: false }),
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

/// The configuration's policy settings, resolved to blocks and files: what
/// [`crate::check::CheckOptions`] takes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResolvedSettings {
    /// Enforcement level per policy block id.
    pub levels: BTreeMap<String, tfgate_core::EnforcementLevel>,
    /// Input values per policy file name (inputs belong to a file, as in
    /// Terraform policy: naming one block sets them for its whole file).
    pub inputs: BTreeMap<String, BTreeMap<String, Value>>,
}

/// Resolves every id of `config` against `set`: `policy` blocks (levels and
/// inputs, each input checked against the declarations of the files it goes
/// to) and waivers (their [`WaiverScope`] is filled in). Every problem is
/// reported, each at its place in the configuration file.
pub fn resolve_config(set: &PolicySet, config: &mut Config) -> Result<ResolvedSettings, ConfigError> {
    resolve_config_with(set, config, &[])
}

/// A policy of another language (a Sentinel policy) that a waiver may name
/// by its id.
#[derive(Clone, Debug)]
pub struct ExternalPolicy {
    /// Its id in findings (a Sentinel policy's name in `sentinel.hcl`).
    pub id: String,
    /// Why no waiver may name it, if none may (a hard-mandatory Sentinel
    /// policy admits no exception, as in Sentinel).
    pub not_waivable: Option<String>,
}

/// [`resolve_config`], where a waiver may also name one of `external`'s
/// policies by its exact id.
pub fn resolve_config_with(
    set: &PolicySet,
    config: &mut Config,
    external: &[ExternalPolicy],
) -> Result<ResolvedSettings, ConfigError> {
    let index = PolicyIndex::new(set);
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
    let mut levels: BTreeMap<usize, (Via, tfgate_core::EnforcementLevel, Span)> = BTreeMap::new();
    // Inputs per file: the value and where it was set.
    let mut inputs: BTreeMap<usize, BTreeMap<String, (Value, Span)>> = BTreeMap::new();
    for setting in &config.policies {
        let r = match index.resolve(&setting.id) {
            Ok(r) => r,
            Err(e) => {
                error(setting.span, e.message, e.help);
                continue;
            }
        };
        let via = if r.whole { Via::Whole } else { Via::Block };
        if let Some(level) = setting.enforcement_level {
            for &b in &r.blocks {
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
        let mut files: Vec<usize> = r.blocks.iter().map(|b| index.file(*b)).collect();
        files.dedup();
        for input in &setting.inputs {
            for &fi in &files {
                let file = &set.files()[fi];
                let Some(decl) = file.input(&input.name) else {
                    let declared: Vec<&str> = file.inputs.iter().map(|i| i.name.as_str()).collect();
                    let help = match suggest(&input.name, declared.iter().copied()) {
                        Some(s) => Some(format!("did you mean \"{s}\"?")),
                        None if declared.is_empty() => Some(format!("{} declares no inputs", file.name())),
                        None => Some(format!("{} declares: {}", file.name(), declared.join(", "))),
                    };
                    error(
                        input.span,
                        format!(
                            "policy {:?} has no input {:?} ({} does not declare it)",
                            setting.id,
                            input.name,
                            file.name()
                        ),
                        help,
                    );
                    continue;
                };
                if let Err(message) = crate::types::convert(&input.value, &decl.ty) {
                    // The message may quote the value, which may be a secret.
                    let detail = if decl.sensitive { "not of the declared type".to_string() } else { message };
                    error(input.value_span, format!("invalid value for input {:?}: {detail}", input.name), None);
                    continue;
                }
                let given = inputs.entry(fi).or_default();
                match given.get(&input.name) {
                    Some((v, at)) if *v != input.value => error(
                        input.span,
                        format!(
                            "input {:?} of {} is set twice with different values (also at line {})",
                            input.name,
                            file.name(),
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
            (Ok(r), _) => w.scope = WaiverScope::Blocks(r.blocks.iter().map(|b| index.id(*b).to_string()).collect()),
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
        .map(|(fi, given)| (set.files()[fi].name().to_string(), given.into_iter().map(|(k, (v, _))| (k, v)).collect()))
        .collect();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use tfgate_engine::parse_config;

    const MULTI: &str = r#"
policy {
  tfgate { id = "TFG-M-001" }
}
input "limit" {
  type    = number
  default = 1
}
resource_policy "aws_instance" "instance" {
  enforcement_level = "advisory"
  enforce { condition = true }
}
resource_policy "aws_launch_template" "template" {
  enforcement_level = "advisory"
  enforce { condition = true }
}
"#;
    const SINGLE: &str = r#"
policy {
  tfgate {
    id      = "TFG-S-002"
    aliases = ["OLD-2"]
  }
}
resource_policy "aws_s3_bucket" "bucket" {
  enforce { condition = true }
}
"#;
    const NO_ID: &str = r#"
resource_policy "aws_vpc" "vpc" {
  enforce { condition = true }
}
resource_policy "aws_subnet" "template" {
  enforce { condition = true }
}
"#;

    fn set() -> PolicySet {
        PolicySet::from_sources([
            ("multi.policy.hcl", MULTI),
            ("single.policy.hcl", SINGLE),
            ("team/net.policy.hcl", NO_ID),
        ])
        .unwrap()
    }

    fn ids(index: &PolicyIndex, written: &str) -> Vec<String> {
        index.resolve(written).unwrap().blocks.iter().map(|b| index.id(*b).to_string()).collect()
    }

    #[test]
    fn an_id_names_a_whole_policy_or_one_block() {
        let index = PolicyIndex::new(&set());
        assert_eq!(ids(&index, "TFG-M-001"), ["TFG-M-001/instance", "TFG-M-001/template"]);
        assert!(index.resolve("TFG-M-001").unwrap().whole);
        assert_eq!(ids(&index, "TFG-M-001/template"), ["TFG-M-001/template"]);
        assert!(!index.resolve("TFG-M-001/template").unwrap().whole);
        assert_eq!(ids(&index, "TFG-S-002"), ["TFG-S-002"]);
        assert_eq!(ids(&index, "TFG-S-002/bucket"), ["TFG-S-002"]);
        assert_eq!(ids(&index, "OLD-2"), ["TFG-S-002"], "a former id still names the policy");
        assert_eq!(ids(&index, "net"), ["net/vpc", "net/template"], "a file without an id, by its name");
        assert_eq!(ids(&index, "net/vpc"), ["net/vpc"]);
        assert_eq!(ids(&index, "instance"), ["TFG-M-001/instance"], "a label no other block has");
    }

    #[test]
    fn an_id_that_names_nothing_gets_a_suggestion() {
        let index = PolicyIndex::new(&set());
        let e = index.resolve("tfg-m-001").unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean \"TFG-M-001\"?"), "{e}");
        let e = index.resolve("TFG-M-01").unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean \"TFG-M-001\"?"), "{e}");
        let e = index.resolve("template").unwrap_err();
        assert!(e.message.contains("label of 2 policy blocks: TFG-M-001/template, net/template"), "{e}");
        let e = index.resolve("ZZZZZZZZZZZZ").unwrap_err();
        assert_eq!(e.help, None);
    }

    fn config(text: &str) -> Config {
        parse_config(SourceFile::new("tfgate.hcl", text), PathBuf::from(".")).unwrap()
    }

    #[test]
    fn levels_apply_to_every_block_and_one_block_wins_over_its_policy() {
        let mut c = config(
            r#"
policy "TFG-M-001" {
  enforcement_level = "mandatory"
  inputs            = { limit = 2 }
}
policy "TFG-M-001/template" {
  enforcement_level = "advisory"
}
policy "net" {
  enforcement_level = "soft-mandatory"
}
"#,
        );
        let r = resolve_config(&set(), &mut c).unwrap();
        use tfgate_core::EnforcementLevel::*;
        assert_eq!(r.levels["TFG-M-001/instance"], Mandatory);
        assert_eq!(r.levels["TFG-M-001/template"], Advisory);
        assert_eq!(r.levels["net/vpc"], MandatoryOverridable);
        assert_eq!(r.levels["net/template"], MandatoryOverridable);
        assert_eq!(r.inputs["multi.policy.hcl"]["limit"], Value::number(2));
    }

    fn errors(text: &str) -> String {
        let mut c = config(text);
        resolve_config(&set(), &mut c).unwrap_err().to_string()
    }

    #[test]
    fn unknown_ids_inputs_and_bad_values_are_errors_with_places() {
        let e = errors("policy \"tfg-m-001\" {\n  enforcement_level = \"mandatory\"\n}\n");
        assert!(e.contains("tfgate.hcl:1:8") && e.contains("did you mean \"TFG-M-001\"?"), "{e}");
        let e = errors("policy \"TFG-M-001\" {\n  inputs = { limt = 2 }\n}\n");
        assert!(
            e.contains("tfgate.hcl:2:14") && e.contains("no input \"limt\"") && e.contains("did you mean \"limit\"?"),
            "{e}"
        );
        let e = errors("policy \"TFG-S-002\" {\n  inputs = { limit = 2 }\n}\n");
        assert!(e.contains("single.policy.hcl declares no inputs"), "{e}");
        let e = errors("policy \"TFG-M-001\" {\n  inputs = { limit = \"many\" }\n}\n");
        assert!(e.contains("invalid value for input \"limit\""), "{e}");
        let e = errors("waiver {\n  policy  = \"TFG-M-002\"\n  address = \"*\"\n  reason  = \"r\"\n}\n");
        assert!(e.contains("tfgate.hcl:2:13") && e.contains("did you mean \"TFG-M-001\"?"), "{e}");
        let e = errors(
            "policy \"TFG-M-001\" {\n  inputs = { limit = 2 }\n}\npolicy \"TFG-M-001/instance\" {\n  inputs = { limit = 3 }\n}\n",
        );
        assert!(e.contains("set twice with different values"), "{e}");
    }

    #[test]
    fn many_mistakes_on_one_long_line_are_reported_a_few_at_a_time() {
        let keys: Vec<String> = (0..5000).map(|i| format!("k{i} = 1")).collect();
        let e = errors(&format!("policy \"TFG-M-001\" {{\n  inputs = {{ {} }}\n}}\n", keys.join(", ")));
        assert_eq!(e.matches("error: policy \"TFG-M-001\" has no input").count(), MAX_DIAGNOSTICS);
        assert!(e.contains("4980 further errors not shown"), "{}", &e[e.len() - 300..]);
        assert!(e.len() < (MAX_DIAGNOSTICS + 1) * 2 * 50_000, "each diagnostic copies the line once");
    }

    #[test]
    fn waivers_are_resolved_to_blocks() {
        let mut c = config(
            "waiver {\n  policy = \"TFG-M-001\"\n  address = \"*\"\n  reason = \"r\"\n}\nwaiver {\n  policy = \"*\"\n  address = \"*\"\n  reason = \"r\"\n}\n",
        );
        resolve_config(&set(), &mut c).unwrap();
        assert_eq!(
            c.waivers[0].scope,
            WaiverScope::Blocks(vec!["TFG-M-001/instance".into(), "TFG-M-001/template".into()])
        );
        assert_eq!(c.waivers[1].scope, WaiverScope::All);
    }
}
