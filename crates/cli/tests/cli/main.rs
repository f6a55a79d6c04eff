//! The command line's integration tests, one module per subject, in one
//! test binary (each binary links the whole stack, so linking one instead
//! of two dozen is most of their build time). Most run `tfgate` in-process
//! through `common::tfgate`; what needs a process uses `common::tfgate_bin`.

mod common;

mod check;
mod config_discovery;
mod doc_commands;
mod error_texts;
mod gate;
mod hostile;
mod identity;
mod in_process;
mod inspect;
mod install_sh;
mod library;
mod limits;
mod pre_commit_hook;
mod secrets;
mod sentinel;
mod sentinel_format;
mod sentinel_new_user;
mod sentinel_secrets;
mod shared_labels;
mod source_map;
mod style;
mod test_runner;
mod tfpolicy_flags;
