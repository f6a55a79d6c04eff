//! Everything that can be wrong with a plan file, each with its own message.

use crate::resolve::ResolveError;

/// Why a file could not be read as a plan. Messages say what is wrong and
/// where; the caller adds the file name.
#[derive(Clone, Debug, thiserror::Error)]
pub enum PlanError {
    /// The file could not be read at all (missing, a directory, no permission).
    #[error("{0}")]
    Read(std::sync::Arc<std::io::Error>),

    /// The input holds nothing but whitespace.
    #[error("the file is empty; expected the output of `terraform show -json PLANFILE`")]
    Empty,

    /// A binary plan (`terraform plan -out`), which only Terraform can read.
    #[error(
        "this is a binary plan file (a zip archive), not JSON; convert it with `terraform show -json PLANFILE > plan.json` (or `tofu show -json`)"
    )]
    BinaryPlan,

    /// A state file (`terraform show -json` without a plan, or `terraform.tfstate`).
    #[error(
        "this is a Terraform state file, not a plan{detail}; run `terraform plan -out=tfplan` and then `terraform show -json tfplan`"
    )]
    StateFile {
        /// Which kind of state file, worded for the message (` (a raw terraform.tfstate)`).
        detail: String,
    },

    /// Bytes that are not valid in the text encoding the file declares or appears to use.
    #[error("the file is not valid {encoding} text: invalid bytes at byte offset {offset}")]
    Encoding {
        /// The encoding the bytes were read as (`UTF-8` or `UTF-16`).
        encoding: &'static str,
        /// Where the first invalid byte is.
        offset: usize,
    },

    /// The JSON stops in the middle of the document.
    #[error("the file ends before the JSON document does (at line {line}, column {column}); it looks truncated")]
    Truncated {
        /// The line (from 1) where the input ends.
        line: usize,
        /// The column (from 1) where the input ends.
        column: usize,
    },

    /// Text that is not JSON.
    #[error("invalid JSON at line {line}, column {column} (byte offset {offset}): {message}")]
    Syntax {
        /// The line (from 1) of the error.
        line: usize,
        /// The column (from 1) of the error.
        column: usize,
        /// The byte offset of the error.
        offset: usize,
        /// The JSON parser's description.
        message: String,
    },

    /// JSON nested deeper than the JSON parser allows (128 levels), refused rather than
    /// risking the stack.
    #[error(
        "the JSON nests deeper than {limit} levels at line {line}, column {column}; no plan does that, so the file is refused"
    )]
    TooDeep {
        /// The nesting limit that was passed.
        limit: usize,
        /// The line (from 1) where it was passed.
        line: usize,
        /// The column (from 1) where it was passed.
        column: usize,
    },

    /// Valid JSON that lacks what every plan has.
    #[error("this JSON is not a Terraform plan: {reason}")]
    NotAPlan {
        /// What is missing or wrong.
        reason: String,
    },

    /// A `format_version` of 2.0 or later.
    #[error(
        "unsupported plan format_version {found:?}: tfgate reads versions from 0.1 up to (not including) 2.0; a major version 2 or later is an incompatible format"
    )]
    UnsupportedVersion {
        /// The `format_version` the file has.
        found: String,
    },

    /// A plan field of the wrong JSON type or form.
    #[error("unexpected shape at {path} (line {line}, column {column}): {message}")]
    Shape {
        /// The JSON path of the field (`$.resource_changes[1].change`).
        path: String,
        /// The line (from 1) of the field.
        line: usize,
        /// The column (from 1) of the field.
        column: usize,
        /// What was expected.
        message: String,
    },

    /// A value, or its unknown or sensitive mask, that cannot be read.
    #[error("cannot resolve the value at {path}")]
    Value {
        /// Where the value is in the plan.
        path: String,
        /// What is wrong with it.
        #[source]
        source: ResolveError,
    },

    /// A resource address that does not follow Terraform's grammar.
    #[error("invalid address {text:?} at {path}: {message}")]
    Address {
        /// Where the address is in the plan.
        path: String,
        /// The address as written.
        text: String,
        /// What is wrong with it.
        message: String,
    },
}

/// The JSON nesting serde_json accepts before it reports a recursion error.
pub const JSON_DEPTH_LIMIT: usize = 128;
