//! Reading a JSON array one element at a time.
//!
//! Exports keep their messages in big JSON arrays (a Slack day file, the
//! `events` of an RSMF manifest). Parsing such a file into one
//! `serde_json::Value` would hold every message at once; [`ArraySeed`]
//! instead hands each element to a callback as soon as it is parsed, so
//! memory is bounded by the largest single message.
//!
//! The callback returns an [`ImportError`] to stop (a store failure); serde
//! only carries its own error type, so the seed keeps the real error and the
//! caller takes it back with [`ArraySeed::take_failure`].

use std::fmt;
use std::io::{BufRead, BufReader, Read};

use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde_json::Value;

use super::ImportError;

/// Called with each element's index and value.
pub type ElementFn<'a> = dyn FnMut(u64, Value) -> Result<(), ImportError> + 'a;

/// Streams the elements of a JSON array to a callback.
pub struct ArraySeed<'f, 'a> {
    /// `None` only counts the elements, without building them.
    f: Option<&'f mut ElementFn<'a>>,
    /// Elements handed over so far (also the index of the element being read
    /// when a syntax error stops the parse).
    pub count: u64,
    failure: Option<ImportError>,
}

impl<'f, 'a> ArraySeed<'f, 'a> {
    pub fn new(f: &'f mut ElementFn<'a>) -> Self {
        Self { f: Some(f), count: 0, failure: None }
    }

    /// A seed that skips the elements, counting them (so that an error
    /// further on can still say which element it is in).
    pub fn counting() -> Self {
        Self { f: None, count: 0, failure: None }
    }

    /// The callback's own error, if it stopped the parse.
    pub fn take_failure(&mut self) -> Option<ImportError> {
        self.failure.take()
    }
}

impl<'de> DeserializeSeed<'de> for &mut ArraySeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for &mut ArraySeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some(f) = self.f.as_mut() else {
            while seq.next_element::<de::IgnoredAny>()?.is_some() {
                self.count += 1;
            }
            return Ok(());
        };
        while let Some(v) = seq.next_element::<Value>()? {
            let i = self.count;
            self.count += 1;
            if let Err(e) = f(i, v) {
                self.failure = Some(e);
                return Err(de::Error::custom("import stopped"));
            }
        }
        Ok(())
    }
}

/// `r` behind a 64 KiB buffer (serde_json reads byte by byte, and an
/// archive entry is not buffered), with a UTF-8 byte-order mark skipped:
/// editors on Windows add one, and JSON parsers refuse it.
pub fn buffered_without_bom<R: Read>(r: R) -> std::io::Result<BufReader<R>> {
    let mut r = BufReader::with_capacity(1 << 16, r);
    if r.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        r.consume(3);
    }
    Ok(r)
}

/// Why a streamed array could not be read to its end.
pub enum StreamError {
    /// The callback failed (the store): pass it on.
    Import(ImportError),
    /// The JSON itself is broken or is not an array; `read` elements were
    /// handed over before it.
    Json { error: serde_json::Error, read: u64 },
}

/// Stream the top-level array of `reader` to `f`; trailing whitespace only
/// is allowed after it.
pub fn for_each_element(reader: impl Read, f: &mut ElementFn<'_>) -> Result<u64, StreamError> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut seed = ArraySeed::new(f);
    let parsed = (&mut seed).deserialize(&mut de);
    if let Some(e) = seed.take_failure() {
        return Err(StreamError::Import(e));
    }
    let read = seed.count;
    parsed.and_then(|()| de.end()).map_err(|error| StreamError::Json { error, read })?;
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(text: &str) -> (Vec<Value>, Result<u64, String>) {
        let mut seen = Vec::new();
        let r = for_each_element(text.as_bytes(), &mut |_, v| {
            seen.push(v);
            Ok(())
        });
        let r = r.map_err(|e| match e {
            StreamError::Import(e) => e.to_string(),
            StreamError::Json { error, read } => format!("{read}: {error}"),
        });
        (seen, r)
    }

    #[test]
    fn streams_elements_and_reports_where_it_broke() {
        let (seen, r) = collect(r#"[{"a":1}, 2, "x"]"#);
        assert_eq!(seen.len(), 3);
        assert_eq!(r, Ok(3));
        let (seen, r) = collect("[{\"a\":1},\n {\"b\": }]");
        assert_eq!(seen.len(), 1);
        assert!(r.unwrap_err().starts_with("1: expected value at line 2"));
        let (_, r) = collect(r#"{"a": 1}"#);
        assert!(r.unwrap_err().starts_with("0: invalid type: map"));
        let (_, r) = collect("[] x");
        assert!(r.unwrap_err().starts_with("0: trailing characters"));
    }

    #[test]
    fn bom_is_skipped() {
        let mut seen = 0;
        let r = buffered_without_bom("\u{feff}[1, 2]".as_bytes()).unwrap();
        assert!(for_each_element(r, &mut |_, _| Ok(seen += 1)).is_ok());
        assert_eq!(seen, 2);
    }
}
