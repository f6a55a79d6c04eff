//! The crate's modules name the shared diagnostics of `tfgate-core` here.

pub(crate) use tfgate_core::{suggest, Diagnostic, Location, SourceFile, Span};
