//! `--source-dir`: places each finding on the `.tf` block of its target
//! (see the `tfgate-source-map` crate), so that SARIF, annotations, JUnit
//! and JSON point where a reviewer looks. Never fails the run: what cannot
//! be mapped keeps pointing at the plan, with a warning on the plan.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use tfgate_core::{Finding, SourceLocation, TargetKind};
use tfgate_plan::{Address, ModulePath, Plan};
use tfgate_source_map::{Block, SourceMap};

/// Sets [`Finding::location`] on the findings of one plan; returns the
/// warnings to show with the plan. `explicit`: the directory was named with
/// `--source-dir` (a directory without `.tf` files is then worth saying).
pub fn locate(
    plan: &Plan<'_>,
    findings: &mut [Finding],
    source_dir: &Path,
    base: &Path,
    explicit: bool,
) -> Vec<String> {
    let calls = plan.modules.values().map(|c| (c.path.as_slice(), c.source.as_deref()));
    let map = SourceMap::build(source_dir, base, calls);
    let mut warnings: Vec<String> = map.warnings().iter().map(|w| format!("source mapping: {w}")).collect();
    if map.root_files() == 0 {
        if explicit {
            warnings
                .push(format!("source mapping: no .tf files in {}: findings point at the plan", source_dir.display()));
        }
        return warnings;
    }
    // Every policy's finding on one target shares the lookup.
    let mut cache: HashMap<(TargetKind, Arc<str>), Option<Arc<SourceLocation>>> = HashMap::new();
    for f in findings.iter_mut() {
        let key = (f.target_kind, f.address.clone());
        let location = cache.entry(key).or_insert_with(|| find(plan, &map, f)).clone();
        f.location = location;
    }
    warnings
}

/// The block of one finding's target, if the map has it.
fn find(plan: &Plan<'_>, map: &SourceMap, f: &Finding) -> Option<Arc<SourceLocation>> {
    let (module, block) = match f.target_kind {
        TargetKind::Resource => {
            let address = Address::parse_styled(&f.address, plan.key_style).ok()?;
            (address.module.without_keys().to_string(), Block::Resource(address.config_address()))
        }
        TargetKind::Module => {
            let path = ModulePath::parse_styled(&f.address, plan.key_style).ok()?.without_keys();
            let name = path.steps.last()?.name.clone();
            (path.parent()?.to_string(), Block::Module(name))
        }
        TargetKind::Provider => {
            let p = plan.providers.get(&*f.address)?;
            let name = match &p.alias {
                Some(alias) => format!("{}.{alias}", p.name),
                None => p.name.clone(),
            };
            let module = match p.module_address.as_deref() {
                Some(m) => ModulePath::parse(m).ok()?.without_keys().to_string(),
                None => String::new(),
            };
            (module, Block::Provider(name))
        }
        TargetKind::Plan => return None,
    };
    map.find(&module, &block).cloned()
}
