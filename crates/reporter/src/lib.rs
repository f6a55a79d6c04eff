//! Rendering of tfgate reports: one neutral [`Report`], one module per output format.

pub mod report;

pub use report::*;
