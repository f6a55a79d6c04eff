//! Everything that can be wrong with a plan file, each with its own message.

use crate::resolve::ResolveError;

/// Why a file could not be read as a plan. Messages say what is wrong and
/// where; the caller adds the file name.
#[derive(Clone, Debug, thiserror::Error)]
pub enum PlanError {
    #[error("the file is empty; expected the output of `terraform show -json PLANFILE`")]
    Empty,

    #[error(
        "this is a binary plan file (a zip archive), not JSON; convert it with `terraform show -json PLANFILE > plan.json` (or `tofu show -json`)"
    )]
    BinaryPlan,

    #[error(
        "this is a Terraform state file, not a plan{detail}; run `terraform plan -out=tfplan` and then `terraform show -json tfplan`"
    )]
    StateFile { detail: String },

    #[error("the file is not valid {encoding} text: invalid bytes at byte offset {offset}")]
    Encoding { encoding: &'static str, offset: usize },

    #[error("the file ends before the JSON document does (at line {line}, column {column}); it looks truncated")]
    Truncated { line: usize, column: usize },

    #[error("invalid JSON at line {line}, column {column} (byte offset {offset}): {message}")]
    Syntax { line: usize, column: usize, offset: usize, message: String },

    #[error(
        "the JSON nests deeper than {limit} levels at line {line}, column {column}; no plan does that, so the file is refused"
    )]
    TooDeep { limit: usize, line: usize, column: usize },

    #[error("this JSON is not a Terraform plan: {reason}")]
    NotAPlan { reason: String },

    #[error(
        "unsupported plan format_version {found:?}: tfgate reads versions from 0.1 up to (not including) 2.0; a major version 2 or later is an incompatible format"
    )]
    UnsupportedVersion { found: String },

    #[error("unexpected shape at {path} (line {line}, column {column}): {message}")]
    Shape { path: String, line: usize, column: usize, message: String },

    #[error("cannot resolve the value at {path}")]
    Value {
        path: String,
        #[source]
        source: ResolveError,
    },

    #[error("invalid address {text:?} at {path}: {message}")]
    Address { path: String, text: String, message: String },
}

/// The JSON nesting serde_json accepts before it reports a recursion error.
pub const JSON_DEPTH_LIMIT: usize = 128;
