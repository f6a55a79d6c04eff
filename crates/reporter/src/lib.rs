//! Rendering of tfgate reports, one module per output format.
