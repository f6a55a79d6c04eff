//! `tfgate completions SHELL` and `tfgate man`: generated from the clap
//! definitions, so they never fall behind the options.

use anyhow::{Context, Result};
use clap::{Args, CommandFactory};
use clap_complete::Shell;

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_name = "SHELL", value_enum)]
    shell: Shell,
}

/// The completion script for one shell, e.g. `tfgate completions bash > /etc/bash_completion.d/tfgate`.
pub fn completions(args: CompletionsArgs, out: &mut String) -> Result<u8> {
    let mut cmd = crate::Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "tfgate", &mut buf);
    out.push_str(&String::from_utf8(buf).context("completion script is not UTF-8")?);
    Ok(crate::exit::PASS)
}

#[derive(Args)]
pub struct ManArgs {}

/// The man page in roff: `tfgate man > tfgate.1`; every subcommand is a
/// section of the one page, so `man tfgate` holds the whole reference.
pub fn man(_args: ManArgs, out: &mut String) -> Result<u8> {
    let cmd = crate::Cli::command();
    let man = clap_mangen::Man::new(cmd.clone());
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    man.render_synopsis_section(&mut buf)?;
    man.render_description_section(&mut buf)?;
    man.render_options_section(&mut buf)?;
    render_subcommands(&cmd, "tfgate", &mut buf)?;
    man.render_version_section(&mut buf)?;
    buf.extend_from_slice(
        b".SH \"EXIT STATUS\"\n0 the gate passes (or the command succeeded); 1 the gate fails; \
          2 an error (unreadable input, invalid policy, evaluation error, bad arguments).\n",
    );
    out.push_str(&String::from_utf8(buf).context("man page is not UTF-8")?);
    Ok(crate::exit::PASS)
}

/// One `SUBCOMMAND` section per command, nested commands included, each
/// with its synopsis, description and options.
fn render_subcommands(cmd: &clap::Command, path: &str, buf: &mut Vec<u8>) -> Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("{path} {}", sub.get_name());
        // A sub-page renders its own name; built with the full path it reads `tfgate check`.
        let page = clap_mangen::Man::new(sub.clone().bin_name(name.clone()));
        buf.extend_from_slice(format!(".SH \"{}\"\n", name.to_uppercase()).as_bytes());
        let mut section = Vec::new();
        page.render_synopsis_section(&mut section)?;
        page.render_description_section(&mut section)?;
        page.render_options_section(&mut section)?;
        // The sub-page's own `.SH` headings become `.SS` under this section.
        let text = String::from_utf8(section).context("man page is not UTF-8")?;
        for line in text.lines() {
            match line.strip_prefix(".SH ") {
                Some(heading) => buf.extend_from_slice(format!(".SS {heading}\n").as_bytes()),
                None => {
                    buf.extend_from_slice(line.as_bytes());
                    buf.push(b'\n');
                }
            }
        }
        render_subcommands(sub, &name, buf)?;
    }
    Ok(())
}
