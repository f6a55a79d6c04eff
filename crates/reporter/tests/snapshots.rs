//! One snapshot per format of the shared fixture report (plus a few
//! option variants), reviewed and committed under `tests/snapshots/`.

mod common;

use tfgate_report::{render, Format, RenderOptions, UnknownAs};

fn snap(format: Format, report: &tfgate_report::Report, options: &RenderOptions) -> String {
    render(format, report, options).expect("fixture renders")
}

#[test]
fn table() {
    let r = common::fixture();
    insta::assert_snapshot!(snap(Format::Table, &r, &RenderOptions::default()));
}

#[test]
fn table_verbose_color() {
    let r = common::fixture();
    let options = RenderOptions { color: true, verbose: true, ..RenderOptions::default() };
    insta::assert_snapshot!(snap(Format::Table, &r, &options));
}

#[test]
fn table_narrow() {
    let r = common::fixture();
    let options = RenderOptions { width: Some(140), ..RenderOptions::default() };
    let out = snap(Format::Table, &r, &options);
    for line in out.lines().filter(|l| l.starts_with(['╭', '│', '├', '╰'])) {
        assert!(line.chars().count() <= 140, "too wide: {line}");
    }
    insta::assert_snapshot!(out);
}

#[test]
fn table_by_module() {
    let r = common::fixture();
    let options = RenderOptions { group_by_module: true, ..RenderOptions::default() };
    insta::assert_snapshot!(snap(Format::Table, &r, &options));
}

#[test]
fn table_passing() {
    let r = common::passing();
    insta::assert_snapshot!(snap(Format::Table, &r, &RenderOptions::default()));
}

#[test]
fn json() {
    let r = common::fixture();
    insta::assert_snapshot!(snap(Format::Json, &r, &RenderOptions::default()));
}

#[test]
fn sarif() {
    let r = common::fixture();
    insta::assert_snapshot!(snap(Format::Sarif, &r, &RenderOptions::default()));
}

#[test]
fn junit() {
    let r = common::fixture();
    insta::assert_snapshot!(snap(Format::Junit, &r, &RenderOptions::default()));
}

#[test]
fn junit_unknown_as_skip() {
    let r = common::fixture();
    let options = RenderOptions { unknown_as: UnknownAs::Skip, ..RenderOptions::default() };
    insta::assert_snapshot!(snap(Format::Junit, &r, &options));
}

#[test]
fn github() {
    let r = common::fixture();
    insta::assert_snapshot!(snap(Format::Github, &r, &RenderOptions::default()));
}

#[test]
fn markdown() {
    let r = common::fixture();
    let options = RenderOptions { group_by_module: true, ..RenderOptions::default() };
    insta::assert_snapshot!(snap(Format::Markdown, &r, &options));
}

#[test]
fn markdown_passing() {
    let r = common::passing();
    insta::assert_snapshot!(snap(Format::Markdown, &r, &RenderOptions::default()));
}

#[test]
fn sentinel() {
    let r = common::fixture();
    insta::assert_snapshot!(snap(Format::Sentinel, &r, &RenderOptions::default()));
}

#[test]
fn sentinel_passing() {
    let r = common::passing();
    insta::assert_snapshot!(snap(Format::Sentinel, &r, &RenderOptions::default()));
}

#[test]
fn markdown_stays_under_the_comment_limit() {
    let mut r = common::fixture();
    let template = r.findings.iter().find(|f| f.effect == tfgate_report::Effect::Blocks).unwrap().clone();
    for i in 0..1000 {
        let mut f = template.clone();
        f.address = format!("aws_instance.many[{i}]").into();
        r.findings.push(f);
    }
    // Small enough: everything is there.
    let out = snap(Format::Markdown, &common::fixture(), &RenderOptions::default());
    assert!(!out.contains("left out"));
    let options = RenderOptions { full_report: Some("report.json".into()), ..RenderOptions::default() };
    let out = snap(Format::Markdown, &r, &options);
    assert!(out.len() <= 65_536, "{} bytes", out.len());
    let rows = out.lines().filter(|l| l.contains("`aws_instance.many[")).count();
    assert!(rows > 100 && rows < 1000, "{rows} rows");
    // Every finding listed is either shown or counted as left out.
    let listed = r.findings.iter().filter(|f| f.status != tfgate_report::Status::Pass).count();
    let shown = out.lines().filter(|l| l.starts_with("| `")).count();
    let last = out.lines().last().unwrap();
    let expected = format!("**{} findings and 2 other rows left out** to stay under GitHub's comment limit of 65,536 characters; every finding is in report.json.", listed - shown);
    assert_eq!(last, expected);
    // What blocks comes first and fills the space; the warnings that no longer fit are counted.
    assert!(!out.contains("### Warnings"));
    assert!(out.contains("</details>"), "collapsed sections stay closed");
}
