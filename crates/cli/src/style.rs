//! How much the command line says and whether it colours it: `--color` and
//! `-q/--quiet`, global options that every subcommand accepts.

use std::ffi::OsStr;

use clap::{Args, ValueEnum};

/// When to colour the human formats. (Plain comments on the variants: doc
/// comments would become per-value help and switch every `--help` to the
/// long layout.)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    // When standard output is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    // Even into a pipe or with `NO_COLOR`: a flag given for one run wins over the environment.
    Always,
    Never,
}

impl ColorWhen {
    /// Whether to colour, given whether standard output is a terminal and
    /// the value of `NO_COLOR` (set and not empty turns colour off, as
    /// no-color.org defines it).
    pub fn resolve(self, terminal: bool, no_color: Option<&OsStr>) -> bool {
        match self {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => terminal && no_color.is_none_or(OsStr::is_empty),
        }
    }
}

#[derive(Args, Clone, Copy, Debug, Default)]
pub struct StyleArgs {
    /// Colour the table and sentinel formats: auto (a terminal without `NO_COLOR`), always, never.
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = ColorWhen::Auto, global = true, help_heading = "Global options")]
    pub color: ColorWhen,
    /// Say only what blocks: the findings that fail the gate, errors and the summary line; no notes
    /// (machine formats and `--output` files stay complete).
    #[arg(long, short = 'q', global = true, help_heading = "Global options")]
    pub quiet: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_colours_a_terminal_unless_no_color_is_set_and_not_empty() {
        assert!(ColorWhen::Auto.resolve(true, None));
        assert!(ColorWhen::Auto.resolve(true, Some(OsStr::new(""))));
        assert!(!ColorWhen::Auto.resolve(true, Some(OsStr::new("1"))));
        assert!(!ColorWhen::Auto.resolve(false, None));
    }

    #[test]
    fn always_and_never_ignore_the_terminal_and_the_environment() {
        assert!(ColorWhen::Always.resolve(false, Some(OsStr::new("1"))));
        assert!(!ColorWhen::Never.resolve(true, None));
    }
}
