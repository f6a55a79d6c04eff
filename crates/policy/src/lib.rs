//! The tfgate policy language: `.policy.hcl` files in the format of HashiCorp's
//! Terraform policy framework, evaluated over a plan.

pub mod functions;
