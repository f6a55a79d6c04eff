//! Read Terraform and OpenTofu plan JSON (`terraform show -json PLANFILE`)
//! into a typed model whose values keep Terraform's meaning: unknown until
//! apply, sensitive, exact numbers.
//!
//! ```no_run
//! let bytes = std::fs::read("plan.json").unwrap();
//! let text = tfgate_plan::Plan::decode(&bytes).unwrap();
//! let plan = tfgate_plan::Plan::parse(&text).unwrap();
//! for r in plan.instances_after_apply() {
//!     let after = r.after().unwrap();
//!     println!("{} {}", r.address_text, after);
//! }
//! ```

pub mod action;
pub mod address;
pub mod document;
pub mod error;
pub mod input;
pub mod pattern;
pub mod plan;
mod raw;
mod references;
pub mod render;
pub mod resolve;
pub mod source;
pub mod value;

pub use action::Action;
pub use address::{Address, AddressError, InstanceKey, KeyStyle, Mode, ModulePath, ModuleStep};
pub use document::{
    ChangeSpans, JsonSpan, OutputSpans, PlanDocument, StateObject, StateOutput, StateView, VariableSpan,
};
pub use error::PlanError;
pub use pattern::AddressPattern;
pub use plan::{
    clearly_not_a_plan, Change, Check, CheckInstance, ConfigResource, DeferredChange, Importing, ModuleCall,
    OutputChange, Plan, Producer, ProviderConfig, Region, ResourceInstance, StateResource, Variable,
};
pub use resolve::{resolve, resolve_selected, Mask, ResolveError, Selection};
pub use value::{Key, Kind, Number, Object, PathStep, Value, SENSITIVE_TEXT, UNKNOWN_TEXT};
