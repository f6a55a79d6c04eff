//! The Sentinel policy language, run unchanged.
//!
//! Sentinel is HashiCorp's policy language for HCP Terraform and Terraform
//! Enterprise. This crate implements it from its public specification: a
//! hand-written lexer and parser, an evaluator with Sentinel's `undefined`
//! rules, the standard imports, the Terraform imports (`tfplan/v2`,
//! `tfconfig/v2`, `tfstate/v2`, `tfrun` and the first-generation ones) built
//! from a plan, `sentinel.hcl` policy sets, mocks and the `sentinel test`
//! runner.

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
pub mod stdlib;
pub mod terraform;
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
pub use scrub::{Scrubber, REDACTED};
pub use terraform::{RunInfo, TerraformError, TerraformImports};
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
