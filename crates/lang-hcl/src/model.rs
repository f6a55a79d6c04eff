//! The policy model: what a loaded `.policy.hcl` file contains.
//!
//! # Blocks
//!
//! - `policy { … }`: optional file configuration. `required_providers`,
//!   `plugins` and `terraform_config` blocks are accepted as in Terraform
//!   policy and otherwise ignored (tfgate does not install providers).
//!   **tfgate extension:** a nested `tfgate { … }` block holds our metadata,
//!   all attributes optional and constant:
//!   `id` (stable policy id), `title`, `description`, `severity`
//!   (`info`, `low`, `medium`, `high`, `critical`), `controls` (list of
//!   strings, e.g. CIS ids), `docs` (URL), `aliases` (former ids), and the
//!   documentation sections of the policy catalog: `rationale` (why it
//!   matters), `violating_example`, `compliant_example` (Terraform
//!   configuration), `unknown_values` (how values known only after apply
//!   are judged) and `references` (list of sources).
//!   Keeping them in one namespaced block means a file without it is plain
//!   Terraform policy, and a file with it fails loudly in other tools
//!   instead of being misread.
//! - `input "name" { type, default, description, sensitive, nullable }`
//!   (`type` is required, as in the reference)
//! - `locals { name = expr … }` (file level, any number)
//! - `resource_policy "TYPE" "NAME"`, `provider_policy "PROVIDER" "NAME"`,
//!   `module_policy "SOURCE" "NAME"`, each with `filter`, `operations`
//!   (resource policies only), `enforcement_level`, nested `locals` and one
//!   or more `enforce { condition, error_message, info_message }`.

use std::collections::BTreeMap;

pub use tfgate_core::{EnforcementLevel, Severity, TargetKind};
use tfgate_plan::Value;

use crate::ast::Expr;
use crate::diagnostic::{Diagnostic, SourceFile, Span};

/// A loaded, checked policy file.
#[derive(Clone, Debug)]
pub struct PolicyFile {
    /// The file as read.
    pub source: SourceFile,
    /// The `policy { … }` block: metadata and settings.
    pub config: PolicyConfig,
    /// The `input` declarations.
    pub inputs: Vec<InputDecl>,
    /// File-level locals, by name.
    pub locals: BTreeMap<String, LocalDef>,
    /// The policy blocks, in file order.
    pub policies: Vec<Policy>,
    /// Non-fatal findings of the loader.
    pub warnings: Vec<Diagnostic>,
}

impl PolicyFile {
    /// The file name, as loaded.
    pub fn name(&self) -> &str {
        self.source.name()
    }
    /// The input declared with this name, if any.
    pub fn input(&self, name: &str) -> Option<&InputDecl> {
        self.inputs.iter().find(|i| i.name == name)
    }
    /// The policy block with this name, if any.
    pub fn policy(&self, name: &str) -> Option<&Policy> {
        self.policies.iter().find(|p| p.name == name)
    }
    /// Turns an evaluation error into a diagnostic pointing into this file.
    pub fn diagnostic(&self, err: &crate::eval::EvalError) -> Diagnostic {
        Diagnostic::error(&self.source, err.span, err.message.clone())
    }
}

/// The `policy {}` block.
#[derive(Clone, Debug, Default)]
pub struct PolicyConfig {
    pub tfgate: TfgateMeta,
    /// Whether `required_providers` is declared: Terraform policy then reads
    /// provider schemas, and a test mock has every attribute (null when the
    /// mock leaves it out).
    pub required_providers: bool,
}

/// tfgate's own metadata from `policy { tfgate { … } }`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TfgateMeta {
    /// The policy id (`TFG-EC2-001`).
    pub id: Option<String>,
    /// A one-line title.
    pub title: Option<String>,
    /// What the policy checks.
    pub description: Option<String>,
    /// How serious a violation is.
    pub severity: Option<Severity>,
    /// Controls of standards the policy checks (`AWS FSBP EC2.8`, …).
    pub controls: Vec<String>,
    /// A link to more documentation.
    pub docs: Option<String>,
    /// Former ids that still name the policy.
    pub aliases: Vec<String>,
    /// Why it matters.
    pub rationale: Option<String>,
    /// Terraform configuration that violates the policy.
    pub violating_example: Option<String>,
    /// Terraform configuration that complies.
    pub compliant_example: Option<String>,
    /// How values known only after apply are judged.
    pub unknown_values: Option<String>,
    /// Sources: AWS documentation, benchmarks.
    pub references: Vec<String>,
}

/// An `input` block.
#[derive(Clone, Debug)]
pub struct InputDecl {
    pub name: String,
    pub span: Span,
    pub ty: TypeConstraint,
    /// The default, already evaluated (defaults are constants).
    pub default: Option<Value>,
    pub description: Option<String>,
    pub sensitive: bool,
    /// `nullable = false` rejects a null value given from outside.
    pub nullable: bool,
}

/// A Terraform type constraint, as written in `input { type = … }`.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeConstraint {
    Any,
    String,
    Number,
    Bool,
    List(Box<TypeConstraint>),
    Set(Box<TypeConstraint>),
    Map(Box<TypeConstraint>),
    Tuple(Vec<TypeConstraint>),
    Object(BTreeMap<String, TypeConstraint>),
}

/// One local value definition.
#[derive(Clone, Debug)]
pub struct LocalDef {
    pub name: String,
    pub name_span: Span,
    pub expr: Expr,
}

/// The block that declares a policy of a kind: `resource_policy`,
/// `provider_policy` or `module_policy`.
pub fn block_name(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::Resource => "resource_policy",
        TargetKind::Provider => "provider_policy",
        TargetKind::Module => "module_policy",
        // No `.policy.hcl` block targets a whole plan; only other languages' policies do.
        TargetKind::Plan => "plan",
    }
}

/// The operations a resource policy can be scoped to (`operations = [...]`).
///
/// Terraform policy defines `create`, `update`, `delete` and `no-op`; for a
/// policy that does not read `prior_attrs` the default is
/// `["create", "update", "no-op"]` (one that does must list `update` and/or
/// `delete`, checked at load), and `[]` places no constraint. A plan's
/// replacement is evaluated as two operations, `delete` then `create`.
/// tfgate also accepts `read` (data sources read during apply).
pub const OPERATIONS: [&str; 5] = ["create", "update", "delete", "read", "no-op"];
pub const DEFAULT_OPERATIONS: [&str; 3] = ["create", "update", "no-op"];

/// A `resource_policy`, `provider_policy` or `module_policy` block.
#[derive(Clone, Debug)]
pub struct Policy {
    /// Resource, provider or module.
    pub kind: TargetKind,
    /// The first label: a resource type, provider name or module source,
    /// possibly with `*` wildcards.
    pub target: String,
    /// The second label. Unique in its file together with the kind and
    /// the target (see `block_label`).
    pub name: String,
    /// Where the block is written.
    pub span: Span,
    /// The `filter` expression: targets for which it is false are skipped.
    pub filter: Option<Expr>,
    /// Operations this policy runs for; `None` means the default
    /// (`DEFAULT_OPERATIONS`), an empty list any operation.
    pub operations: Option<Vec<String>>,
    /// Where `operations` is written, for load errors.
    pub operations_span: Option<Span>,
    /// `None` means the default, [`EnforcementLevel::DEFAULT`] (`mandatory`).
    pub enforcement_level: Option<Expr>,
    /// The block's own locals, by name.
    pub locals: BTreeMap<String, LocalDef>,
    /// The `enforce` blocks, in order.
    pub enforce: Vec<Enforce>,
}

impl Policy {
    /// Whether the target label matches a name (`*` matches any run of characters).
    pub fn matches_target(&self, name: &str) -> bool {
        glob_match(&self.target, name)
    }
    /// Whether this policy runs for one operation (`create`, `update`,
    /// `delete`, `read`, `no-op`).
    pub fn matches_operation(&self, operation: &str) -> bool {
        match &self.operations {
            None => DEFAULT_OPERATIONS.contains(&operation),
            Some(ops) => ops.is_empty() || ops.iter().any(|o| o == operation),
        }
    }
    /// Whether any of the plan actions of a target is one of this policy's operations.
    pub fn matches_actions(&self, actions: &[String]) -> bool {
        actions.iter().any(|a| self.matches_operation(a))
    }
}

/// An `enforce` block.
#[derive(Clone, Debug)]
pub struct Enforce {
    pub span: Span,
    pub condition: Expr,
    pub error_message: Option<Expr>,
    pub info_message: Option<Expr>,
}

pub use tfgate_engine::glob_match;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("*", "aws_instance"));
        assert!(glob_match("aws_*", "aws_instance"));
        assert!(!glob_match("aws_*", "google_compute_instance"));
        assert!(glob_match("*_instance", "aws_instance"));
        assert!(glob_match("a*b*c", "aXXbYYc"));
        assert!(!glob_match("a*b*c", "aXXcYYb"));
        assert!(glob_match("aws_instance", "aws_instance"));
        assert!(!glob_match("aws_instance", "aws_instances"));
        assert!(!glob_match("ab*ba", "aba"));
    }
}
