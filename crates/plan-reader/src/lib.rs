//! Read Terraform and OpenTofu plan JSON (`terraform show -json PLANFILE`)
//! into a typed model whose values keep Terraform's meaning: unknown until
//! apply, sensitive, exact numbers.
//!
//! ```
//! use tfgate_plan::{Action, Plan};
//!
//! // `terraform show -json` output, shortened: one instance to create, whose
//! // `id` is known only after apply and whose `password` is sensitive.
//! let bytes = br#"{"format_version": "1.2", "terraform_version": "1.9.0",
//!   "resource_changes": [{"address": "aws_db_instance.main", "mode": "managed",
//!     "type": "aws_db_instance", "name": "main",
//!     "provider_name": "registry.terraform.io/hashicorp/aws",
//!     "change": {"actions": ["create"], "before": null,
//!       "after": {"engine": "postgres", "password": "hunter2"},
//!       "after_unknown": {"id": true}, "after_sensitive": {"password": true}}}]}"#;
//!
//! let text = Plan::decode(bytes)?; // encodings, byte-order marks, binary plans
//! let plan = Plan::parse(&text)?;
//! let db = plan.instances_after_apply().next().unwrap();
//! assert_eq!((db.address_text.as_ref(), &db.action), ("aws_db_instance.main", &Action::Create));
//!
//! let after = db.after()?;
//! let attrs = after.as_object().unwrap();
//! assert_eq!(attrs.get("engine").and_then(|v| v.as_str()), Some("postgres"));
//! assert!(attrs.get("id").unwrap().is_unknown());
//! // A sensitive value keeps its mark, and displaying it never shows it.
//! assert!(attrs.get("password").unwrap().sensitive);
//! assert_eq!(attrs.get("password").unwrap().to_string(), tfgate_plan::SENSITIVE_TEXT);
//! # Ok::<(), tfgate_plan::PlanError>(())
//! ```

#![deny(missing_docs)]

mod action;
mod address;
mod document;
mod error;
mod input;
mod pattern;
mod plan;
mod raw;
mod references;
mod render;
mod resolve;
mod source;
mod text;
mod value;

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
pub use references::{narrow_candidates, CandidateIndex, ReadAttributes, ReferenceLeaf};
pub use render::render_resource;
pub use resolve::{resolve, resolve_selected, Mask, ResolveError, Selection};
pub use text::{PlanText, MAP_FROM_BYTES};
pub use value::{quote, Key, Kind, Number, Object, PathStep, Value, SENSITIVE_TEXT, UNKNOWN_TEXT};
