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
fn markdown_caps_long_tables() {
    let mut r = common::fixture();
    let template = r.findings.iter().find(|f| f.status == tfgate_report::Status::Fail).unwrap().clone();
    for i in 0..150 {
        let mut f = template.clone();
        f.address = format!("aws_instance.many[{i}]").into();
        r.findings.push(f);
    }
    let out = snap(Format::Markdown, &r, &RenderOptions::default());
    assert!(out.contains("… and 57 more; the JSON and SARIF formats list them all."));
    assert!(out.len() < 65_536);
}
