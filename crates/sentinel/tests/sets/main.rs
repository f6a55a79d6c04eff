//! Policy sets, configuration files, the `sentinel test` runner and the
//! `sentinel apply` output, on small sets under `tests/sets/data/` and on
//! every configuration file of the conformance fixtures.
//!
//! Expected outputs live beside the data as `*.expected.*` files; set
//! `TFGATE_UPDATE_EXPECTED=1` to rewrite them after a deliberate change
//! (and review the diff).

use std::path::{Path, PathBuf};

use tfgate_sentinel::{
    discover_cases, run_tests, ApplyOptions, Config, ConfigFormat, NoImports, PolicySet, PolicyStatus, Scrubber,
    TestOptions, TestStatus,
};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sets/data").join(name)
}

fn check_expected(name: &str, actual: &str) {
    let path = data(name);
    if std::env::var("TFGATE_UPDATE_EXPECTED").is_ok_and(|v| v == "1") {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(actual, want, "output differs from {}", path.display());
}

fn fixtures() -> Option<PathBuf> {
    tfgate_test_support::sentinel_fixtures().map(|d| d.join("terraform-sentinel-policies"))
}

fn files_below(root: &Path, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if keep(&p) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_fixture_configuration_parses() {
    let Some(root) = fixtures() else { return };
    let configs = files_below(&root, &|p| {
        p.file_name().is_some_and(|n| n == "sentinel.hcl")
            || (p.components().any(|c| c.as_os_str() == "test")
                && p.extension().is_some_and(|e| e == "hcl" || e == "json"))
    });
    assert!(configs.len() >= 233, "only {} configuration files found", configs.len());
    let mut legacy = 0;
    for c in &configs {
        let config = Config::load(c).unwrap_or_else(|e| panic!("{e}"));
        if config.format == ConfigFormat::LegacyJson {
            legacy += 1;
        }
        if c.file_name().is_some_and(|n| n == "sentinel.hcl") {
            assert!(!config.policies.is_empty(), "{}: no policies", c.display());
        } else {
            assert!(config.test.is_some(), "{}: no test block", c.display());
        }
    }
    // cloud-agnostic/test/restrict-terraform-versions/{pass,fail}.json.
    assert_eq!(legacy, 2);
}

#[test]
fn discovery_finds_every_fixture_case() {
    let Some(root) = fixtures() else { return };
    let policies = files_below(&root, &|p| {
        p.extension().is_some_and(|e| e == "sentinel")
            && p.parent()
                .and_then(|d| d.read_dir().ok())
                .is_some_and(|mut d| d.any(|e| e.is_ok_and(|e| e.file_name() == "test")))
    });
    let cases: usize = policies.iter().map(|p| discover_cases(p).len()).sum();
    assert_eq!(cases, 227, "the MANIFEST counts 227 cases");
    let ami = root.join("aws/restrict-ami-owners.sentinel");
    let names: Vec<String> =
        discover_cases(&ami).iter().map(|c| c.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["fail.hcl", "pass.hcl"]);
}

fn text_of(report: &tfgate_sentinel::TestReport, scrubber: &Scrubber) -> String {
    let mut out = Vec::new();
    report.write_text(&mut out, scrubber).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn test_output_has_the_cli_layout() {
    let report = run_tests(&data("hours"), &TestOptions::default());
    check_expected("hours.expected.txt", &text_of(&report, &Scrubber::none()));
    assert_eq!(report.exit_code(), 1);
    assert_eq!(report.counts(), (4, 1, 0));
    let untested = report.policies.iter().find(|p| p.path == "untested.sentinel").unwrap();
    assert_eq!(untested.status, TestStatus::NoTests);
}

#[test]
fn concurrency_does_not_change_the_output() {
    let run = |n| {
        let report =
            run_tests(&data("hours"), &TestOptions { max_concurrency: n, verbose: true, ..TestOptions::default() });
        text_of(&report, &Scrubber::none())
    };
    let one = run(1);
    assert_eq!(run(4), one);
    assert_eq!(run(0), one);
}

#[test]
fn verbose_output_shows_passing_traces_and_prints() {
    let opts = TestOptions { verbose: true, run: Some("^policy$/good".into()), ..TestOptions::default() };
    let report = run_tests(&data("hours"), &opts);
    check_expected("hours-verbose.expected.txt", &text_of(&report, &Scrubber::none()));
    assert_eq!(report.exit_code(), 0);
}

#[test]
fn run_patterns_select_policies_and_cases() {
    let only = |pattern: &str| {
        let r = run_tests(&data("hours"), &TestOptions { run: Some(pattern.into()), ..TestOptions::default() });
        let mut names: Vec<String> = r.policies.iter().flat_map(|p| p.cases.iter().map(|c| c.path.clone())).collect();
        names.sort();
        (names, r.exit_code())
    };
    assert_eq!(only("mocked"), (vec!["test/mocked/data.hcl".to_string(), "test/mocked/module.hcl".to_string()], 0));
    assert_eq!(only("policy/asserted"), (vec!["test/policy/asserted.json".to_string()], 0));
    assert_eq!(only("policy/7-am"), (vec!["test/policy/7-am.hcl".to_string()], 1));
    assert_eq!(only("broken").1, 1, "a policy that does not parse fails the run");
    assert_eq!(only("no-such-policy"), (Vec::new(), 0));
}

#[test]
fn json_output_has_the_documented_fields() {
    let report = run_tests(&data("hours"), &TestOptions::default());
    let j = report.to_json();
    let p = &j["policies"]["policy.sentinel"];
    assert_eq!(p["status"], "FAIL");
    let failing = &p["cases"]["test/policy/7-am.hcl"];
    assert_eq!(failing["status"], "FAIL");
    assert_eq!(failing["rule_detail"]["main"]["got"], false);
    assert_eq!(failing["trace"]["print"], "checking monday 7\n");
    assert_eq!(failing["trace"]["rules"]["main"]["position"]["line"], 14);
    assert_eq!(failing["trace"]["rules"]["is_open_hours"]["desc"], "Passes if run during business hours.");
    assert_eq!(failing["trace"]["description"], "A very basic policy to determine if a run is within working hours.");
    assert_eq!(p["cases"]["test/policy/asserted.json"]["config_legacy"], true);
    assert_eq!(p["cases"]["test/policy/good.hcl"]["config_legacy"], false);
    assert_eq!(j["policies"]["broken.sentinel"]["status"], "ERROR");
    assert_eq!(j["policies"]["untested.sentinel"]["status"], "?");
}

#[test]
fn test_output_is_scrubbed() {
    // "checking monday" stands in for a sensitive value the failing case
    // prints (the scrubber ignores texts shorter than 8 characters).
    let s = Scrubber::new(["checking monday"]);
    let opts = TestOptions { scrubber: s.clone(), verbose: true, ..TestOptions::default() };
    let report = run_tests(&data("hours"), &opts);
    let text = text_of(&report, &s);
    assert!(!text.contains("monday"), "{text}");
    assert!(text.contains("(sensitive value) 7"), "{text}");
    // The report's own texts are scrubbed too, not only what it writes.
    assert!(!format!("{report:?}").contains("monday"));
    // And a writer scrubs what it is given, whatever the run did.
    let unscrubbed = run_tests(&data("hours"), &TestOptions::default());
    let mut out = Vec::new();
    unscrubbed.write_json(&mut out, &s).unwrap();
    assert!(!String::from_utf8(out).unwrap().contains("monday"));
}

fn statuses(report: &tfgate_sentinel::TestReport) -> Vec<(String, TestStatus)> {
    report.policies.iter().flat_map(|p| p.cases.iter().map(|c| (c.path.clone(), c.status))).collect()
}

#[test]
fn a_main_that_is_not_a_rule_is_asserted_by_value() {
    let report = run_tests(&data("values"), &TestOptions::default());
    check_expected("values.expected.txt", &text_of(&report, &Scrubber::none()));
    assert_eq!(
        statuses(&report),
        [("test/plain/seven.hcl".to_string(), TestStatus::Fail), ("test/plain/six.hcl".to_string(), TestStatus::Pass)]
    );
}

/// writing/testing, "Asserting Non-Boolean Rules": a rule's value may be a
/// collection, and a case asserts it.
#[test]
fn non_boolean_rules_are_asserted() {
    let report = run_tests(&data("nonbool"), &TestOptions::default());
    assert_eq!(statuses(&report), [("test/maintenance/late.hcl".to_string(), TestStatus::Pass)]);
}

#[test]
fn static_imports_and_modules_that_import_modules_resolve_beside_the_case() {
    let report = run_tests(&data("imports"), &TestOptions { run: Some("people".into()), ..TestOptions::default() });
    assert_eq!(statuses(&report), [("test/people/static.hcl".to_string(), TestStatus::Pass)], "{report:?}");
}

#[test]
fn an_import_cycle_is_an_error_not_a_hang() {
    let report = run_tests(&data("imports"), &TestOptions { run: Some("cycle".into()), ..TestOptions::default() });
    let case = &report.policies[0].cases[0];
    assert_eq!(case.status, TestStatus::Error);
    let errors = case.errors.join("\n");
    assert!(errors.contains("import cycle: a -> b -> a"), "{errors}");
}

#[test]
fn case_errors_name_the_case_as_the_output_does() {
    let report = run_tests(&data("badcase"), &TestOptions::default());
    assert_eq!(report.exit_code(), 1);
    check_expected("badcase.expected.txt", &text_of(&report, &Scrubber::none()));
}

#[test]
fn apply_runs_a_policy_set_with_its_modules_and_params() {
    let set = PolicySet::load(&data("set")).unwrap();
    assert_eq!(set.policies.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["working-hours", "night-shift"]);
    let secret = Scrubber::new(["tok-5ecret-value"]);
    let opts = ApplyOptions { scrubber: secret.clone(), ..ApplyOptions::default() };
    let report = set.apply(&NoImports, &opts);
    assert_eq!(report.policies[0].status, PolicyStatus::Pass);
    assert_eq!(report.policies[1].status, PolicyStatus::Fail);
    // The failing policy is advisory: the set passes.
    assert!(report.result());
    assert_eq!(report.exit_code(), 0);
    let mut out = Vec::new();
    report.write_text(&mut out, &secret).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("tok-5ecret-value"));
    check_expected("set-apply.expected.txt", &text);

    // A parameter override that makes the mandatory policy fail.
    let mut opts = ApplyOptions { scrubber: secret.clone(), trace: true, ..ApplyOptions::default() };
    opts.params.insert("hour".into(), 22i64.into());
    let report = set.apply(&NoImports, &opts);
    assert_eq!(report.policies[0].status, PolicyStatus::Fail);
    assert!(!report.result());
    assert_eq!(report.exit_code(), 1);
    let mut out = Vec::new();
    report.write_json(&mut out, &secret).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["result"], false);
    assert_eq!(json["can_override"], false);
    assert_eq!(json["policies"][0]["trace"]["print"], "using token (sensitive value)\n");
    // As the Sentinel CLI, the run stops at the first blocking failure...
    assert_eq!(json["policies"].as_array().map(Vec::len), Some(1));
    // ...unless every policy is asked for.
    opts.apply_all = true;
    let report = set.apply(&NoImports, &opts);
    assert_eq!(report.policies.len(), 2);
    assert_eq!(report.to_json()["policies"][1]["allowed_failure"], true);
}

#[test]
fn hcp_trace_of_a_failing_policy() {
    let set = PolicySet::load(&data("set").join("sentinel.hcl")).unwrap();
    let report = set.apply(&NoImports, &ApplyOptions { only: Some("night-shift".into()), ..ApplyOptions::default() });
    assert_eq!(report.policies.len(), 1);
    let mut out = Vec::new();
    tfgate_sentinel::write_hcp_trace(&mut out, &report.policies[0], &Scrubber::none()).unwrap();
    check_expected("night-shift.hcp-trace.expected.txt", &String::from_utf8(out).unwrap());
}

#[test]
fn a_missing_import_is_a_runtime_error_with_its_place() {
    let set = PolicySet::load(&data("set")).unwrap();
    let dir = tempdir();
    std::fs::write(
        dir.join("sentinel.hcl"),
        "policy \"p\" {\n  source = \"p.sentinel\"\n  enforcement_level = \"hard-mandatory\"\n}\n",
    )
    .unwrap();
    std::fs::write(dir.join("p.sentinel"), "import \"nowhere\"\n\nmain = rule { nowhere.x }\n").unwrap();
    let other = PolicySet::load(&dir).unwrap();
    let report = other.apply(&NoImports, &ApplyOptions::default());
    assert_eq!(report.policies[0].status, PolicyStatus::Error);
    assert_eq!(report.exit_code(), 3);
    let err = report.policies[0].error.as_deref().unwrap();
    assert!(err.starts_with("p.sentinel:1:1:"), "{err}");
    // An advisory policy that cannot run blocks too, and ends the run
    // (without apply-all) as any blocking failure does.
    std::fs::write(
        dir.join("sentinel.hcl"),
        "policy \"p\" {\n  source = \"p.sentinel\"\n}\npolicy \"q\" {\n  source = \"q.sentinel\"\n}\n",
    )
    .unwrap();
    std::fs::write(dir.join("q.sentinel"), "main = rule { true }\n").unwrap();
    let advisory = PolicySet::load(&dir).unwrap();
    let report = advisory.apply(&NoImports, &ApplyOptions::default());
    assert_eq!(report.policies.len(), 1);
    assert!(!report.result());
    let report = advisory.apply(&NoImports, &ApplyOptions { apply_all: true, ..ApplyOptions::default() });
    assert_eq!(report.policies.iter().map(|t| t.status).collect::<Vec<_>>(), [PolicyStatus::Error, PolicyStatus::Pass]);
    drop(set);
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("tfgate-sets-{}-{:?}", std::process::id(), std::thread::current().id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// configuration/index, "Globals": a configuration's `global` values are
/// in the policy's scope without an import, in `sentinel apply` and in
/// each test case (HCL and the legacy JSON form).
#[test]
fn globals_are_injected_into_the_policy_scope() {
    let set = PolicySet::load(&data("globals")).unwrap();
    let report = set.apply(&NoImports, &ApplyOptions::default());
    assert_eq!(report.policies[0].status, PolicyStatus::Pass, "{:?}", report.policies[0].error);
    let report = run_tests(&data("globals"), &TestOptions::default());
    assert_eq!(
        statuses(&report),
        [
            ("test/calendar/end-of-month.hcl".to_string(), TestStatus::Pass),
            ("test/calendar/legacy.json".to_string(), TestStatus::Pass),
            ("test/calendar/mid-month.hcl".to_string(), TestStatus::Pass),
        ],
        "{report:?}"
    );
}

/// A policy's own imports, parameters and assignments win over a global of
/// the same name; a global the policy does not mention changes nothing.
#[test]
fn a_policy_s_own_names_win_over_globals() {
    use indexmap::IndexMap;
    use tfgate_sentinel::{evaluate_with_globals, Imports, Limits, Program, Value};
    struct Strings;
    impl Imports for Strings {
        fn resolve(&self, name: &str) -> Option<Value> {
            (name == "strings").then(|| Value::map_from([("real", Value::Bool(true))]))
        }
    }
    let program = Program::parse(
        "p.sentinel",
        "import \"strings\"\nparam level default 1\nx = 2\nmain = rule { strings.real and level is 3 and x is 2 and unused is 9 }\n",
    )
    .unwrap();
    let globals: IndexMap<String, Value> = [
        ("strings".to_string(), Value::map_from([("real", Value::Bool(false))])),
        ("level".to_string(), Value::Int(7)),
        ("x".to_string(), Value::Int(5)),
        ("unused".to_string(), Value::Int(9)),
    ]
    .into_iter()
    .collect();
    let params: IndexMap<String, Value> = [("level".to_string(), Value::Int(3))].into_iter().collect();
    let ev = evaluate_with_globals(&program, &Strings, &params, &globals, &Limits::default());
    assert!(ev.passed(), "{:?}", ev.outcome);
}
