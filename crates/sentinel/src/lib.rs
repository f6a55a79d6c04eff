//! The Sentinel policy language, run unchanged.
//!
//! Sentinel is HashiCorp's policy language for HCP Terraform and Terraform
//! Enterprise. This crate implements it from its public specification: a
//! hand-written lexer and parser, an evaluator with Sentinel's `undefined`
//! rules, the standard imports, the Terraform imports (`tfplan/v2`,
//! `tfconfig/v2`, `tfstate/v2`, `tfrun` and the first-generation ones) built
//! from a plan, `sentinel.hcl` policy sets, mocks and the `sentinel test`
//! runner.
//!
//! ```
//! use tfgate_sentinel::{evaluate, Limits, Program, StandardImports, Value};
//!
//! let source = r#"
//! import "strings"
//!
//! param max_length default 12
//!
//! name = "web-production"
//! short_enough = rule { length(name) <= max_length }
//! prefixed = rule { strings.has_prefix(name, "web-") }
//! main = rule { short_enough and prefixed }
//! "#;
//! let program = Program::parse("naming.sentinel", source).expect("the policy parses");
//! let imports = StandardImports::for_run();
//!
//! let run = evaluate(&program, &imports, &Default::default(), &Limits::default());
//! assert!(!run.passed());
//! let failed: Vec<&str> =
//!     run.rules.iter().filter(|r| r.value.as_bool() == Some(false)).map(|r| r.name.as_str()).collect();
//! assert_eq!(failed, ["short_enough", "main"]);
//!
//! // Parameters override the policy's defaults, as `sentinel apply -param` does.
//! let params = [("max_length".to_string(), Value::Int(20))].into_iter().collect();
//! assert!(evaluate(&program, &imports, &params, &Limits::default()).passed());
//! ```

#![deny(missing_docs)]

mod ast;
mod builtins;
mod config;
mod diagnostic;
mod eval;
mod language;
mod lexer;
mod parser;
mod policy_set;
mod program;
mod scrub;
mod stdlib;
mod terraform;
mod testing;
mod trace;
mod value;

pub use config::{
    Config, ConfigError, ConfigFormat, EnforcementLevel, MockConfig, MockKind, ModuleConfig, PluginConfig,
    PolicyConfig, Position, StaticConfig, TestConfig,
};
pub use diagnostic::Diagnostic;
pub use eval::format_value;
pub use language::SentinelLanguage;
pub use policy_set::{ApplyOptions, ChainImports, LayeredImports, LoadedPolicy, PolicySet, PolicySetError};
pub use program::{
    evaluate, evaluate_with_globals, load_module, EvalError, Evaluation, Imports, Limits, NoImports, Program,
    RuleResult,
};
pub use scrub::{Scrubber, MIN_SCRUBBED_CHARS, REDACTED};
pub use stdlib::{
    call_method, standard_import, FuncCaller, HttpFixture, HttpPolicy, StandardImports, StdlibOptions, STANDARD_IMPORTS,
};
pub use terraform::{
    CostEstimate, RunInfo, RunVariable, TagBinding, TerraformError, TerraformImports, VcsRepo, WorkspaceInfo,
};
pub use testing::{
    discover_cases, run_tests, run_tests_paths, values_equal, CaseResult, PolicyResult, RuleFailure, TestOptions,
    TestReport, TestStatus,
};
pub use trace::WITHHELD;
pub use trace::{
    comment_above, pretty_value, trace_json, value_json, write_hcp_trace, ApplyReport, PolicyStatus, PolicyTrace,
    RuleTrace,
};
pub use value::{value_from_json, Key, List, Map, Object, ObjectError, Value};
