//! Every format writes into an `io::Write` as it renders, and a writer that
//! fails (a closed pipe) ends the rendering with that I/O error, its kind
//! kept, whatever the format; format names come from one list.

mod common;

use std::io::{self, Write};

use tfgate_report::{render, write, Format, RenderOptions, ReportError};

/// Accepts `room` bytes, then fails every write as a closed pipe would, and
/// counts the writes tried after the first failure.
struct ClosedPipe {
    room: usize,
    written: Vec<u8>,
    failed_writes: usize,
}

impl Write for ClosedPipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.written.len() + buf.len() > self.room {
            self.failed_writes += 1;
            return Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"));
        }
        self.written.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_closed_pipe_is_an_io_error_in_every_format() {
    let report = common::fixture();
    let options = RenderOptions { verbose: true, ..RenderOptions::default() };
    for format in Format::ALL {
        let whole = render(format, &report, &options).unwrap();
        let mut pipe = ClosedPipe { room: 64, written: Vec::new(), failed_writes: 0 };
        match write(format, &report, &options, &mut pipe) {
            Err(ReportError::Io(e)) => assert_eq!(e.kind(), io::ErrorKind::BrokenPipe, "{format}"),
            other => panic!("{format}: expected a broken pipe, got {other:?}"),
        }
        // What got through is the start of the report, and writing stopped
        // soon after the pipe closed instead of rendering on into it.
        assert!(whole.as_bytes().starts_with(&pipe.written), "{format}");
        assert!(pipe.failed_writes <= 2, "{format}: {} writes after the pipe closed", pipe.failed_writes);
    }
}

#[test]
fn format_names_come_from_one_list() {
    use clap::ValueEnum;
    for format in Format::ALL {
        let by_clap = Format::from_str(format.name(), false).unwrap();
        assert_eq!(by_clap, format);
        assert_eq!(format.name().parse::<Format>().unwrap(), format);
        assert_eq!(format.to_possible_value().unwrap().get_name(), format.name());
    }
    assert_eq!(Format::value_variants(), Format::ALL);
    // `md` is an alias on the command line as in `--output md=PATH`.
    assert_eq!(Format::from_str("md", false).unwrap(), Format::Markdown);
    let message = "xml".parse::<Format>().unwrap_err().to_string();
    assert!(message.contains(&Format::ALL.map(Format::name).join(", ")), "{message}");
}
