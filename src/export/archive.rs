//! Packing a finished case-file folder into a `.zip`.
//!
//! Entries are the folder's files with `/`-separated relative paths, sorted,
//! deflated; the zip is written next to its destination and renamed into
//! place, so a half-written zip is never taken for a case file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use super::ExportError;

pub fn zip_dir(dir: &Path, dest: &Path) -> Result<(), ExportError> {
    let part = dest.with_extension("zip.part");
    let result = write(dir, &part);
    if result.is_err() {
        let _ = std::fs::remove_file(&part);
        return result;
    }
    std::fs::rename(&part, dest).map_err(|e| ExportError::io(dest, e))
}

fn write(dir: &Path, part: &Path) -> Result<(), ExportError> {
    let zerr = |e: zip::result::ZipError| ExportError::io(part, std::io::Error::other(e));
    let mut zip = zip::ZipWriter::new(BufWriter::new(File::create(part).map_err(|e| ExportError::io(part, e))?));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (rel, full) in super::files_in(dir)? {
        zip.start_file(rel, opts).map_err(zerr)?;
        let mut f = File::open(&full).map_err(|e| ExportError::io(&full, e))?;
        std::io::copy(&mut f, &mut zip).map_err(|e| ExportError::io(part, e))?;
    }
    let mut w = zip.finish().map_err(zerr)?;
    w.flush().map_err(|e| ExportError::io(part, e))
}
