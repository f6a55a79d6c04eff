//! Read Terraform and OpenTofu plan JSON (`terraform show -json PLANFILE`).

pub mod address;
pub mod value;

pub use address::{Address, AddressError, InstanceKey, KeyStyle, Mode, ModulePath, ModuleStep};
pub use value::{Kind, Number, Object, PathStep, Value, SENSITIVE_TEXT, UNKNOWN_TEXT};
