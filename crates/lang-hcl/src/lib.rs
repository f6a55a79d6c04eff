//! The tfgate policy language: `.policy.hcl` files in the format of HashiCorp's
//! Terraform policy framework, evaluated over a plan.
//!
//! # Using it
//!
//! ```no_run
//! use std::collections::BTreeMap;
//! use tfgate_lang_hcl::{PolicySet, Evaluator, Limits, NoResources, Target, TargetKind};
//! use tfgate_plan::Value;
//!
//! let set = PolicySet::load_paths(["policies/imds.policy.hcl"]).map_err(|e| e.to_string())?;
//! for file in set.files() {
//!     let ev = Evaluator::new(file, &BTreeMap::new(), &NoResources, Limits::default())
//!         .map_err(|e| e.to_string())?;
//!     let target = Target {
//!         kind: TargetKind::Resource,
//!         name: "aws_instance".into(),
//!         attrs: Value::object_from([("instance_type", Value::string("t3.micro"))]),
//!         prior_attrs: Value::null(),
//!         meta: Value::object_from([("address", Value::string("aws_instance.web"))]),
//!         actions: vec!["create".into()],
//!     };
//!     for (policy, outcome) in ev.evaluate_all(&target) {
//!         println!("{}: {:?}", policy.name, outcome.status());
//!     }
//! }
//! # Ok::<(), String>(())
//! ```
//!
//! # Function names
//!
//! Functions are written `core::name(...)` as in Terraform policy. Bare
//! Terraform names (`length(...)`) are accepted too and mean the same
//! function: published policies use both, and Terraform itself accepts bare
//! built-in names. Calls in other namespaces (`provider::…`, plugin functions
//! `plugin::NAME::…`) load with a warning and are an error when evaluated.

#![deny(missing_docs)]

mod ast;
// The data-driven evaluator tests over tests/cases/*.hcl: they read case
// files with the crate's own parser, so they live inside it.
#[cfg(test)]
mod case_files;
mod check;
mod diagnostic;
mod eval;
mod expression;
mod file_locals;
mod functions;
mod language;
mod load;
mod mock_fill;
mod model;
mod parse;
mod plantest;
mod policytest;
mod reads;
mod run;
mod tfe;
mod types;

use std::path::Path;

use tfgate_engine::SourceError;

pub use check::{check_plan, describe_policies, policy_id, CheckOptions, PlanResources};
pub use eval::ResourceList;
pub use eval::{EvalError, EvalErrorKind, Limits, NoResources, ResourceSource};
pub use expression::Expression;
pub use functions::gethttprequest::{HttpAccess, HttpResponse};
pub use language::{policy_identities, HclLanguage};
pub use model::{EnforcementLevel, Policy, PolicyFile, Severity, TargetKind, TfgateMeta};
pub use plantest::{load_plan_tests, run_plan_tests_with};
pub use policytest::{
    load_policy_tests, run_policy_test_files, run_policy_tests, run_policy_tests_on, run_policy_tests_on_with_http,
    run_policy_tests_with_http, Mock, PolicyTestFile, TestCaseResult, TestOutcome, TestReport,
};
pub use run::{resolve_inputs, EnforceResult, Evaluator, InputError, NotApplicable, PolicyOutcome, Status, Target};
pub use tfgate_core::{Diagnostic, DiagnosticSeverity, Location, SourceFile, Span};

/// The names of the built-in functions (`core::NAME`), sorted.
pub fn function_names() -> impl Iterator<Item = &'static str> {
    functions::all().iter().map(|f| f.name)
}

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// A file could not be read as text.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// One or more files failed to load; every diagnostic is kept.
    #[error("{}", render_all(.0))]
    Invalid(Vec<Diagnostic>),
    /// Input values given for a file are invalid.
    #[error(transparent)]
    Input(#[from] InputError),
}

impl PolicyError {
    /// The diagnostics, for [`PolicyError::Invalid`].
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            PolicyError::Invalid(d) => d,
            _ => &[],
        }
    }
}

fn render_all(diags: &[Diagnostic]) -> String {
    diags.iter().map(Diagnostic::render).collect::<Vec<_>>().join("\n")
}

/// Loads a policy file from text.
pub fn load_policy_source(name: impl Into<String>, text: impl Into<String>) -> Result<PolicyFile, PolicyError> {
    load::load_policy(SourceFile::new(name, text)).map_err(PolicyError::Invalid)
}

/// Reads and loads one policy file.
pub fn load_policy_file(path: impl AsRef<Path>) -> Result<PolicyFile, PolicyError> {
    let path = path.as_ref();
    let text = tfgate_engine::read_source(path, "policy file")?;
    load_policy_source(path.display().to_string(), text)
}

/// Several policy files. As in Terraform policy, each file is evaluated on
/// its own: locals and inputs never cross files.
#[derive(Clone, Debug, Default)]
pub struct PolicySet {
    files: Vec<PolicyFile>,
}

impl PolicySet {
    /// Loads files given as (name, text); collects the diagnostics of all
    /// files before failing.
    pub fn from_sources<N: Into<String>, T: Into<String>>(
        sources: impl IntoIterator<Item = (N, T)>,
    ) -> Result<PolicySet, PolicyError> {
        let mut files = Vec::new();
        let mut diags = Vec::new();
        for (name, text) in sources {
            match load::load_policy(SourceFile::new(name, text)) {
                Ok(f) => files.push(f),
                Err(d) => diags.extend(d),
            }
        }
        if diags.iter().any(Diagnostic::is_error) {
            return Err(PolicyError::Invalid(diags));
        }
        Ok(PolicySet { files })
    }

    /// Reads and loads files from disk.
    pub fn load_paths<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Result<PolicySet, PolicyError> {
        let mut sources = Vec::new();
        for p in paths {
            let p = p.as_ref();
            let text = tfgate_engine::read_source(p, "policy file")?;
            sources.push((p.display().to_string(), text));
        }
        PolicySet::from_sources(sources)
    }

    /// Adds a loaded file.
    pub fn push(&mut self, file: PolicyFile) {
        self.files.push(file);
    }
    /// The files, in load order.
    pub fn files(&self) -> &[PolicyFile] {
        &self.files
    }
    /// Warnings of all files.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.files.iter().flat_map(|f| f.warnings.iter())
    }
}
