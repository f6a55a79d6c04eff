//! Reads every real plan in `$TFGATE_CORPUS` (see the fixture MANIFEST.md).
//! Skips, saying so, when the variable is unset.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use tfgate_plan::Plan;

fn corpus_files() -> Option<Vec<PathBuf>> {
    let files = tfgate_test_support::corpus_plans()?;
    assert!(files.len() >= 100, "expected the corpus to hold about 140 plans, found {}", files.len());
    Some(files)
}

/// The addresses in a file's `resource_changes`, read independently with serde_json.
fn addresses_in_file(text: &str) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(text).unwrap();
    doc.get("resource_changes")
        .and_then(|r| r.as_array())
        .map(|rs| {
            rs.iter()
                .map(|r| {
                    let a = r["address"].as_str().unwrap().to_string();
                    match r.get("deposed").and_then(|d| d.as_str()) {
                        Some(d) => format!("{a} (deposed {d})"),
                        None => a,
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

fn read(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    Plan::decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display())).into_owned()
}

#[test]
fn every_corpus_plan_reads_and_resolves() {
    let Some(files) = corpus_files() else { return };
    for path in &files {
        let text = read(path);
        let plan = Plan::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));

        // Same addresses, same order, as the file's resource_changes.
        let ours: Vec<String> = plan
            .resources
            .iter()
            .map(|r| match r.deposed() {
                Some(d) => format!("{} (deposed {d})", r.address_text),
                None => r.address_text.to_string(),
            })
            .collect();
        assert_eq!(ours, addresses_in_file(&text), "{}", path.display());

        for r in plan.resources.iter().chain(&plan.drift) {
            // Parsed addresses render back to the file's text.
            assert_eq!(r.address.render(plan.key_style), r.address_text, "{}: address round trip", path.display());
            r.after().unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            r.before().unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        for o in &plan.outputs {
            o.after().unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        for v in &plan.variables {
            v.value().unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        for d in plan.data_sources().unwrap_or_else(|e| panic!("{}: {e}", path.display())) {
            d.values().unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }

        // Every planned resource is one of the resource changes (except in the
        // one file edited upstream to disagree, see MANIFEST.md).
        if path.ends_with("terracost/testdata__aws__asg-plan.json") {
            continue;
        }
        let known: BTreeSet<&str> = plan.resources.iter().map(|r| r.address_text.as_ref()).collect();
        for planned in plan.planned_addresses().unwrap() {
            assert!(known.contains(planned.as_str()), "{}: planned {planned} not in resource_changes", path.display());
        }
    }
}

#[test]
fn resolved_after_values_agree_with_planned_values() {
    // Where planned_values lists a resource with values, every known attribute
    // there equals our resolved after-value (unknowns are omitted there).
    let Some(files) = corpus_files() else { return };
    let mut mismatches = BTreeSet::new();
    for path in &files {
        let text = read(path);
        let plan = Plan::parse(&text).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut stack = vec![&doc["planned_values"]["root_module"]];
        while let Some(m) = stack.pop() {
            for r in m["resources"].as_array().into_iter().flatten() {
                let Some(values) = r.get("values").and_then(|v| v.as_object()) else {
                    continue;
                };
                let addr = r["address"].as_str().unwrap();
                let Some(ri) = plan.resources.iter().find(|x| x.address_text == addr && x.deposed().is_none()) else {
                    continue;
                };
                let after = ri.after().unwrap();
                for (k, v) in values {
                    let ours = after.get(k).unwrap_or_else(|| panic!("{}: {addr}.{k} missing", path.display()));
                    if ours.is_wholly_known() && !v.is_number() {
                        // The redacted JSON shows sensitive values as a marker; compare only clear ones.
                        if !ours.contains_sensitive() && &ours.to_redacted_json() != v {
                            let file = path.strip_prefix(path.parent().unwrap().parent().unwrap()).unwrap();
                            mismatches.insert(file.display().to_string());
                        }
                    }
                }
            }
            stack.extend(m["child_modules"].as_array().into_iter().flatten());
        }
    }
    // Files whose planned_values disagree with their own resource_changes
    // (edited by hand upstream; checked by eye: our values equal change.after).
    let edited_upstream: BTreeSet<String> = [
        "terracost/testdata__aws__asg-plan.json",
        "terracost/testdata__aws__terraform-noprior-plan.json",
        "checkov/checks__data__aws__example_GithubActionsOIDCTrustPolicy__tfplan.json",
        "checkov/runner__resources__plan__tfplan.json",
        "checkov/runner__resources__plan_change_keys__tfplan.json",
        "terraform-compliance/test_issue_522__plan.out.json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let unexpected: Vec<_> = mismatches.difference(&edited_upstream).collect();
    assert!(unexpected.is_empty(), "after-values disagree with planned_values in {unexpected:?}");
}
