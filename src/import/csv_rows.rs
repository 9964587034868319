//! CSV records with the line each starts on.
//!
//! The csv crate reports a record that follows a CRLF as starting on the
//! line before (at the CRLF's `\n`), so locators of CRLF files — every
//! Windows export — would be off by one. [`CrlfMarks`] notes where each
//! `\r\n` ends and [`CsvRows`] corrects the line. Rows that cannot be read,
//! or are larger than [`MAX_RECORD_BYTES`], are skipped with their line.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use super::{ImportCtx, ImportError};
use crate::model::Locator;

/// Largest CSV row read into memory.
pub const MAX_RECORD_BYTES: usize = 16 << 20;

/// The records of a CSV file with the line each starts on; unreadable rows
/// and rows over [`MAX_RECORD_BYTES`] are skipped with their line. The first
/// rows can be read ahead (to look at them) and are then replayed.
pub struct CsvRows<R> {
    rdr: csv::Reader<CrlfMarks<R>>,
    marks: Rc<RefCell<VecDeque<u64>>>,
    ahead: std::vec::IntoIter<(csv::StringRecord, u64)>,
    entry: String,
    display: String,
}

impl<R: std::io::Read> CsvRows<R> {
    /// Read the header row; `Err` names the file when there is none.
    pub fn open(read: R, entry: &str, display: &str) -> Result<(Self, csv::StringRecord), ImportError> {
        let marks = Rc::new(RefCell::new(VecDeque::new()));
        let tracked = CrlfMarks { inner: read, offset: 0, prev_cr: false, marks: Rc::clone(&marks) };
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(tracked);
        let headers = rdr
            .headers()
            .map_err(|e| ImportError::malformed(display, 1, format!("cannot read the CSV header: {e}")))?
            .clone();
        let rows = Self { rdr, marks, ahead: Vec::new().into_iter(), entry: entry.to_string(), display: display.to_string() };
        Ok((rows, headers))
    }

    /// Read up to `n` rows ahead; they are returned again by [`Self::next`].
    pub fn peek(&mut self, ctx: &mut ImportCtx, n: usize) -> Result<Vec<csv::StringRecord>, ImportError> {
        let mut rows: Vec<(csv::StringRecord, u64)> = self.ahead.by_ref().collect();
        while rows.len() < n {
            match self.read(ctx)? {
                Some(r) => rows.push(r),
                None => break,
            }
        }
        let records = rows.iter().map(|(r, _)| r.clone()).collect();
        self.ahead = rows.into_iter();
        Ok(records)
    }

    pub fn next(&mut self, ctx: &mut ImportCtx) -> Result<Option<(csv::StringRecord, u64)>, ImportError> {
        match self.ahead.next() {
            Some(r) => Ok(Some(r)),
            None => self.read(ctx),
        }
    }

    /// The 1-based line a record starts on. The csv crate starts a record
    /// that follows a CRLF at the CRLF's `\n`, still on the line before.
    fn line_of(&self, pos: &csv::Position) -> u64 {
        let mut marks = self.marks.borrow_mut();
        while marks.front().is_some_and(|&m| m < pos.byte()) {
            marks.pop_front();
        }
        pos.line() + u64::from(marks.front() == Some(&pos.byte()))
    }

    fn read(&mut self, ctx: &mut ImportCtx) -> Result<Option<(csv::StringRecord, u64)>, ImportError> {
        loop {
            let before = self.rdr.position().clone();
            let mut record = csv::StringRecord::new();
            match self.rdr.read_record(&mut record) {
                Ok(false) => return Ok(None),
                Ok(true) => {
                    let start = self.line_of(record.position().unwrap_or(&before));
                    if record.as_slice().len() > MAX_RECORD_BYTES {
                        ctx.skip(&Locator::line(&self.entry, start), format!("row larger than {MAX_RECORD_BYTES} bytes"))?;
                        continue;
                    }
                    return Ok(Some((record, start)));
                }
                Err(e) => {
                    let at = Locator::line(&self.entry, self.line_of(e.position().unwrap_or(&before)));
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        return Err(ImportError::malformed(&self.display, at, e.to_string()));
                    }
                    ctx.skip(&at, format!("unreadable CSV row: {e}"))?;
                }
            }
        }
    }
}

/// Passes bytes through and notes the offset of every `\n` that ends a
/// `\r\n`, for [`CsvRows::line_of`]. Marks are dropped as records pass them,
/// so they cover only the reader's look-ahead.
pub struct CrlfMarks<R> {
    inner: R,
    offset: u64,
    prev_cr: bool,
    marks: Rc<RefCell<VecDeque<u64>>>,
}

impl<R: std::io::Read> std::io::Read for CrlfMarks<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = &buf[..n];
        let mut marks = self.marks.borrow_mut();
        for i in memchr::memchr_iter(b'\n', chunk) {
            let after_cr = if i == 0 { self.prev_cr } else { chunk[i - 1] == b'\r' };
            if after_cr {
                marks.push_back(self.offset + i as u64);
            }
        }
        if let Some(&last) = chunk.last() {
            self.prev_cr = last == b'\r';
        }
        self.offset += n as u64;
        Ok(n)
    }
}
