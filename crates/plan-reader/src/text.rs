//! A plan's JSON text, held once: read into memory, or mapped from its file.
//!
//! Plans of tens of thousands of resources are hundreds of megabytes. The
//! plan model is an index into the text (values are resolved from it when a
//! policy reads them), so the text must stay reachable for the whole run; but
//! it need not stay *resident*. A large regular file is therefore mapped
//! rather than copied, and once the model is built
//! [`PlanText::release_resident`] hands its pages back to the operating
//! system's file cache: what a policy then reads comes back page by page,
//! and a policy that reads one resource type keeps only that part of the
//! file in the process.

use std::collections::BTreeMap;
use std::fs::File;
use std::ops::Deref;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use crate::error::PlanError;
use crate::input::decode;

/// Files at least this large are mapped; smaller ones are read (mapping
/// costs more than it saves on a small file).
pub const MAP_FROM_BYTES: u64 = 16 << 20;

/// A plan's decoded JSON text (UTF-8, without a byte-order mark).
///
/// Dereferences to `str`. Built from bytes ([`PlanText::from_bytes`]), from a
/// `String`, or from a file ([`PlanText::read_file`]), which maps large files.
pub struct PlanText {
    storage: Storage,
    /// Where each top-level key's value is, found by one pass when first
    /// asked ([`PlanText::locate_sections`]).
    pub(crate) sections: OnceLock<Result<Sections, PlanError>>,
}

/// Top-level keys and the byte range of each one's value.
pub(crate) type Sections = BTreeMap<String, (usize, usize)>;

enum Storage {
    Owned(String),
    /// A mapped file whose bytes from `start` (after a byte-order mark) were
    /// checked to be UTF-8 when it was opened.
    Mapped {
        map: memmap2::Mmap,
        start: usize,
    },
}

impl PlanText {
    fn owned(text: String) -> PlanText {
        PlanText { storage: Storage::Owned(text), sections: OnceLock::new() }
    }

    /// Decodes a plan file's bytes ([`crate::Plan::decode`]'s rules: UTF-8
    /// with or without a byte-order mark, UTF-16), reusing the buffer when it
    /// is UTF-8 already.
    pub fn from_bytes(mut bytes: Vec<u8>) -> Result<PlanText, PlanError> {
        let text = match decode(&bytes)? {
            std::borrow::Cow::Owned(converted) => converted,
            std::borrow::Cow::Borrowed(valid) => {
                let skipped = bytes.len() - valid.len();
                bytes.drain(..skipped);
                // `decode` checked these bytes (a byte-order mark is whole
                // code points); checking them again would cost a pass over a
                // large plan.
                String::from_utf8(bytes).unwrap_or_else(|_| unreachable!("checked by decode"))
            }
        };
        Ok(PlanText::owned(text))
    }

    /// Reads the plan file at `path`: mapped when it is a regular file of at
    /// least [`MAP_FROM_BYTES`], read into memory otherwise (pipes, devices,
    /// small files, and wherever mapping fails).
    ///
    /// A mapped plan must not be rewritten while tfgate reads it (as with any
    /// tool that maps its input): a file truncated under it ends the process,
    /// which a gate reads as a failure.
    pub fn read_file(path: &Path) -> Result<PlanText, PlanError> {
        PlanText::read_file_mapping_from(path, MAP_FROM_BYTES)
    }

    fn read_file_mapping_from(path: &Path, map_from: u64) -> Result<PlanText, PlanError> {
        let file = File::open(path).map_err(|e| PlanError::Read(Arc::new(e)))?;
        let metadata = file.metadata().map_err(|e| PlanError::Read(Arc::new(e)))?;
        if metadata.is_file() && metadata.len() >= map_from && metadata.len() > 0 {
            // SAFETY: the map is read-only and private to this process; the
            // documented condition above (the file is not rewritten while
            // it is read) is the one every mapped reader relies on.
            if let Ok(map) = unsafe { memmap2::Mmap::map(&file) } {
                return PlanText::from_map(map);
            }
        }
        let mut bytes = Vec::with_capacity(metadata.len() as usize);
        std::io::Read::read_to_end(&mut &file, &mut bytes).map_err(|e| PlanError::Read(Arc::new(e)))?;
        PlanText::from_bytes(bytes)
    }

    fn from_map(map: memmap2::Mmap) -> Result<PlanText, PlanError> {
        let start = match decode(&map)? {
            std::borrow::Cow::Borrowed(valid) => map.len() - valid.len(),
            // UTF-16: the converted copy is the text; the map goes.
            std::borrow::Cow::Owned(converted) => return Ok(PlanText::owned(converted)),
        };
        #[cfg(unix)]
        let _ = map.advise(memmap2::Advice::Sequential);
        Ok(PlanText { storage: Storage::Mapped { map, start }, sections: OnceLock::new() })
    }

    /// Locates the top-level sections now (one pass over the text), for a
    /// caller that will ask for the plan's [`crate::PlanDocument`] and wants
    /// the pass done while the text is in memory (on another thread while
    /// the plan is parsed, say). Their place is kept with the text.
    pub fn locate_sections(&self) -> Result<(), PlanError> {
        self.sections().map(|_| ())
    }

    pub(crate) fn sections(&self) -> Result<&Sections, PlanError> {
        self.sections.get_or_init(|| crate::document::locate_sections(self)).as_ref().map_err(Clone::clone)
    }

    /// Whether the text is a mapped file rather than a copy in memory.
    pub fn is_mapped(&self) -> bool {
        matches!(self.storage, Storage::Mapped { .. })
    }

    /// Hands the resident pages of a mapped text back to the file cache
    /// (nothing for a text in memory). Call it once the model is built: the
    /// text stays readable, and a page is brought back when it is read.
    pub fn release_resident(&self) {
        #[cfg(unix)]
        if let Storage::Mapped { map, .. } = &self.storage {
            // SAFETY: `DontNeed` on a read-only private file mapping drops
            // this process's page table entries only; the pages hold the
            // file's bytes and are read from the file again when touched.
            // No page was written, so nothing is lost.
            let _ = unsafe { map.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
        }
    }
}

impl Deref for PlanText {
    type Target = str;

    fn deref(&self) -> &str {
        match &self.storage {
            Storage::Owned(text) => text,
            // SAFETY: checked to be UTF-8 by `decode` in `from_map`.
            Storage::Mapped { map, start } => unsafe { std::str::from_utf8_unchecked(&map[*start..]) },
        }
    }
}

impl From<String> for PlanText {
    fn from(text: String) -> PlanText {
        PlanText::owned(text)
    }
}

impl std::fmt::Debug for PlanText {
    /// Only the size and kind: the text may hold secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = if self.is_mapped() { "mapped" } else { "in memory" };
        write!(f, "PlanText({} bytes, {kind})", self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file_with(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(bytes).unwrap();
        file
    }

    #[test]
    fn a_mapped_file_reads_as_its_text_without_the_byte_order_mark() {
        let file = file_with(b"\xEF\xBB\xBF{\"format_version\":\"1.2\"}");
        let text = PlanText::read_file_mapping_from(file.path(), 0).unwrap();
        assert!(text.is_mapped());
        assert_eq!(&*text, "{\"format_version\":\"1.2\"}");
    }

    #[test]
    fn a_released_mapping_still_reads_the_same_text() {
        let body = format!("{{\"pad\":\"{}\"}}", "x".repeat(3 << 20));
        let file = file_with(body.as_bytes());
        let text = PlanText::read_file_mapping_from(file.path(), 0).unwrap();
        assert_eq!(&text[..8], "{\"pad\":\"");
        text.release_resident();
        assert_eq!(&*text, body);
    }

    #[test]
    fn small_files_and_utf16_files_are_read_into_memory() {
        let small = file_with(b"{}");
        let text = PlanText::read_file(small.path()).unwrap();
        assert!(!text.is_mapped());
        assert_eq!(&*text, "{}");
        let utf16 = file_with(b"\xFF\xFE{\0}\0");
        let text = PlanText::read_file_mapping_from(utf16.path(), 0).unwrap();
        assert!(!text.is_mapped());
        assert_eq!(&*text, "{}");
    }

    #[test]
    fn a_mapped_file_gets_the_same_errors_as_one_read() {
        let bad = file_with(b"{\"a\":\"\xff\"}");
        let err = PlanText::read_file_mapping_from(bad.path(), 0).unwrap_err();
        assert!(matches!(err, PlanError::Encoding { offset: 6, .. }), "{err}");
        let empty = file_with(b"");
        assert!(matches!(PlanText::read_file_mapping_from(empty.path(), 0), Err(PlanError::Empty)));
        let missing = PlanText::read_file(Path::new("/nonexistent/plan.json")).unwrap_err();
        assert!(matches!(missing, PlanError::Read(_)), "{missing}");
    }
}
