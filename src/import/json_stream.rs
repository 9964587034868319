//! Reading one huge JSON document a record at a time.
//!
//! Telegram, Discord and Meta exports put every message of a chat into one
//! array inside one JSON document; Telegram's `result.json` of a busy account
//! is gigabytes. Slack day files are one array of messages, and an RSMF
//! manifest keeps its events in one array. We never build such a document in
//! memory: serde_json parses it from a reader while a [`Walk`] decides, node by
//! node along the JSON pointer, whether to descend into a container, take a
//! small value whole (one message object, the chat's name), or skip it without
//! allocating. Peak memory is then one message plus whatever the importer
//! keeps on purpose. A document that is itself an array is walked the same way
//! ([`Walk::root`], [`for_each_element`]).
//!
//! Key order inside an object is the exporter's choice, so importers that need
//! a chat's name or id before its messages run a cheap first walk that skips
//! the message arrays ([`Step::Skip`] parses without allocating), and can end
//! it early with [`Step::Stop`] once they have what they need.
//!
//! A syntax error part-way through a file (a truncated export) is not the same
//! as a file that is not JSON: [`conclude`] keeps what was read before it and
//! records the rest as one skipped record, and fails the source only when
//! nothing had been imported yet.

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::{ImportCtx, ImportError};
use crate::model::{Locator, MessageRecord};

/// One step of a JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(u64),
}

/// Where the walk is: the RFC 6901 pointer of the current value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pointer {
    segs: Vec<Seg>,
}

impl Pointer {
    pub fn is_root(&self) -> bool {
        self.segs.is_empty()
    }

    /// The pointer with every array index written as `*`
    /// (`/chats/list/*/messages/*`), for matching against a layout.
    pub fn shape(&self) -> String {
        let mut s = String::new();
        for seg in &self.segs {
            s.push('/');
            match seg {
                Seg::Key(k) => s.push_str(k),
                Seg::Index(_) => s.push('*'),
            }
        }
        s
    }

    pub fn segs(&self) -> &[Seg] {
        &self.segs
    }

    /// The pointer of the containing value (the root is its own parent).
    pub fn parent(&self) -> Pointer {
        let n = self.segs.len().saturating_sub(1);
        Pointer { segs: self.segs[..n].to_vec() }
    }
}

/// RFC 6901: `""` for the whole document, `~` and `/` in keys escaped.
impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for seg in &self.segs {
            match seg {
                Seg::Key(k) => write!(f, "/{}", k.replace('~', "~0").replace('/', "~1"))?,
                Seg::Index(i) => write!(f, "/{i}")?,
            }
        }
        Ok(())
    }
}

/// What to do with the value at a pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Parse past it without keeping anything.
    Skip,
    /// Build it as a [`Value`] and hand it to [`Walk::take`].
    Take,
    /// Visit its members or elements one by one. A scalar found where a
    /// container was expected is handed to [`Walk::take`] instead.
    Enter,
    /// Visit its elements one by one; anything but an array is a JSON error
    /// (serde's `invalid type: …, expected an array`).
    Array,
    /// End the walk here, successfully.
    Stop,
}

/// The importer's side of a walk.
pub trait Walk {
    /// How the document itself is read: [`Step::Enter`] (the default) wants
    /// an object and ends with [`WalkError::NotObject`] on anything else;
    /// [`Step::Array`] wants an array.
    fn root(&self) -> Step {
        Step::Enter
    }
    fn step(&mut self, at: &Pointer) -> Step;
    fn take(&mut self, at: &Pointer, value: Value) -> Result<(), ImportError>;
    /// Called when an entered container starts.
    fn enter(&mut self, _at: &Pointer) -> Result<(), ImportError> {
        Ok(())
    }
    /// Called when an entered container ends.
    fn leave(&mut self, _at: &Pointer) -> Result<(), ImportError> {
        Ok(())
    }
}

/// Why a walk ended early.
#[derive(Debug)]
pub enum WalkError {
    /// The walker failed (a store error, a Malformed verdict).
    Import(ImportError),
    /// The document is not an object at the top level.
    NotObject,
    /// Invalid JSON, or the reader failed; with the pointer of the value
    /// being read when it broke (the root for an error after the document).
    Json(serde_json::Error, Pointer),
}

enum Halt {
    Import(ImportError),
    NotObject,
    Stopped,
}

struct State<'a> {
    walker: &'a mut dyn Walk,
    ptr: Pointer,
    halt: Option<Halt>,
    /// Where a JSON error was first seen, on its way up.
    broke_at: Option<Pointer>,
}

impl State<'_> {
    fn halt<E: de::Error>(&mut self, h: Halt) -> E {
        self.halt = Some(h);
        E::custom("walk halted")
    }

    /// Pass an error up, noting the pointer of the innermost value it came from.
    fn broke<E>(&mut self, e: E) -> E {
        if self.halt.is_none() && self.broke_at.is_none() {
            self.broke_at = Some(self.ptr.clone());
        }
        e
    }

    fn take<E: de::Error>(&mut self, v: Value) -> Result<(), E> {
        if self.ptr.is_root() {
            return Err(self.halt(Halt::NotObject));
        }
        let r = self.walker.take(&self.ptr, v);
        r.map_err(|e| self.halt(Halt::Import(e)))
    }

    fn enter<E: de::Error>(&mut self) -> Result<(), E> {
        let r = self.walker.enter(&self.ptr);
        r.map_err(|e| self.halt(Halt::Import(e)))
    }

    fn leave<E: de::Error>(&mut self) -> Result<(), E> {
        let r = self.walker.leave(&self.ptr);
        r.map_err(|e| self.halt(Halt::Import(e)))
    }
}

/// The value at `st.ptr`, as a seed (to decide) and a visitor (to descend).
struct Node<'s, 'a> {
    st: &'s mut State<'a>,
    /// Read with [`Step::Array`]: only an array will do.
    array: bool,
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let step = if self.st.ptr.is_root() { self.st.walker.root() } else { self.st.walker.step(&self.st.ptr) };
        match step {
            Step::Skip => IgnoredAny::deserialize(d).map(|_| ()),
            Step::Take => {
                let v = Value::deserialize(d)?;
                self.st.take(v)
            }
            Step::Enter => d.deserialize_any(self),
            Step::Array => d.deserialize_seq(Node { st: self.st, array: true }),
            Step::Stop => Err(self.st.halt(Halt::Stopped)),
        }
    }
}

impl<'de> Visitor<'de> for Node<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(if self.array { "an array" } else { "a JSON value" })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.st.enter()?;
        while let Some(key) = map.next_key::<String>().map_err(|e| self.st.broke(e))? {
            self.st.ptr.segs.push(Seg::Key(key));
            let r = map.next_value_seed(Node { st: &mut *self.st, array: false }).map_err(|e| self.st.broke(e));
            self.st.ptr.segs.pop();
            r?;
        }
        self.st.leave()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if self.st.ptr.is_root() && !self.array {
            return Err(self.st.halt(Halt::NotObject));
        }
        self.st.enter()?;
        let mut i = 0u64;
        loop {
            self.st.ptr.segs.push(Seg::Index(i));
            let r = seq.next_element_seed(Node { st: &mut *self.st, array: false }).map_err(|e| self.st.broke(e));
            self.st.ptr.segs.pop();
            if r?.is_none() {
                break;
            }
            i += 1;
        }
        self.st.leave()
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.st.take(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.st.take(Value::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.st.take(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.st.take(Value::from(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.st.take(Value::String(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.st.take(Value::Null)
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

/// Walk one JSON document (a leading UTF-8 BOM is ignored).
pub fn walk(reader: impl Read, walker: &mut dyn Walk) -> Result<(), WalkError> {
    let r = buffered_without_bom(reader).map_err(|e| WalkError::Json(serde_json::Error::io(e), Pointer::default()))?;
    walk_buffered(r, walker)
}

/// [`walk`] over a reader from [`buffered_without_bom`], for importers that
/// report a failure to open the file themselves.
pub fn walk_buffered(reader: impl BufRead, walker: &mut dyn Walk) -> Result<(), WalkError> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut st = State { walker, ptr: Pointer::default(), halt: None, broke_at: None };
    let result = Node { st: &mut st, array: false }.deserialize(&mut de);
    match (st.halt.take(), result) {
        (Some(Halt::Stopped), _) => Ok(()),
        (Some(Halt::Import(e)), _) => Err(WalkError::Import(e)),
        (Some(Halt::NotObject), _) => Err(WalkError::NotObject),
        (None, Err(e)) => Err(WalkError::Json(e, st.broke_at.take().unwrap_or_default())),
        (None, Ok(())) => de.end().map_err(|e| WalkError::Json(e, Pointer::default())),
    }
}

/// Called with each element's index and value.
pub type ElementFn<'a> = dyn FnMut(u64, Value) -> Result<(), ImportError> + 'a;

/// Stream the elements of a document that is one array to `f`; trailing
/// whitespace only is allowed after it. Returns how many elements were handed
/// over, also when the walk failed: then it is the index of the element a
/// syntax error broke.
pub fn for_each_element(reader: impl BufRead, f: &mut ElementFn<'_>) -> (u64, Result<(), WalkError>) {
    let mut elements = Elements { f, read: 0 };
    let result = walk_buffered(reader, &mut elements);
    (elements.read, result)
}

struct Elements<'f, 'a> {
    f: &'f mut ElementFn<'a>,
    read: u64,
}

impl Walk for Elements<'_, '_> {
    fn root(&self) -> Step {
        Step::Array
    }

    fn step(&mut self, _: &Pointer) -> Step {
        Step::Take
    }

    fn take(&mut self, _: &Pointer, value: Value) -> Result<(), ImportError> {
        let i = self.read;
        self.read += 1;
        (self.f)(i, value)
    }
}

/// How a source names one of its files in errors: the file itself, or
/// `archive!entry` for a file inside a folder or archive.
pub fn describe(tree_origin: &Path, entry: &str, single_file: bool) -> String {
    if single_file {
        tree_origin.display().to_string()
    } else {
        format!("{}!{entry}", tree_origin.display())
    }
}

/// Turn the end of the main walk over `entry` into the import's result.
/// `written` is how many messages that walk imported: after at least one, a
/// syntax error (a truncated export) becomes one skipped record naming the
/// line where reading stopped; before any, the file is Malformed.
pub fn conclude(
    result: Result<(), WalkError>,
    ctx: &mut ImportCtx,
    file: &str,
    entry: &str,
    written: u64,
) -> Result<(), ImportError> {
    match result {
        Ok(()) => Ok(()),
        Err(WalkError::Json(e, _)) if written > 0 && !e.is_io() => {
            let why = format!("invalid JSON ({e}); the rest of the file could not be read");
            ctx.skip(&Locator::line(entry, e.line() as u64), why)
        }
        Err(e) => Err(failure(e, file)),
    }
}

/// The error that fails the whole source for a walk that ended early.
pub fn failure(e: WalkError, file: &str) -> ImportError {
    match e {
        WalkError::Import(e) => e,
        WalkError::NotObject => ImportError::malformed(file, "line 1", "the top level is not a JSON object"),
        WalkError::Json(e, _) if e.is_io() => ImportError::Io { path: file.into(), source: std::io::Error::from(e) },
        WalkError::Json(e, _) => ImportError::malformed(
            file,
            format!("line {} column {}", e.line(), e.column()),
            format!("not valid JSON: {e}"),
        ),
    }
}

/// A first walk over an export whose messages sit in one top-level array:
/// takes the listed top-level members and skips the array, stopping at it
/// when every `needed` member came before it (the exporters' own order).
pub struct Header {
    array: &'static str,
    keys: &'static [&'static str],
    needed: &'static [&'static str],
    /// The members taken, by key.
    pub values: serde_json::Map<String, Value>,
    /// The array was met.
    pub array_seen: bool,
}

impl Header {
    pub fn new(array: &'static str, keys: &'static [&'static str], needed: &'static [&'static str]) -> Self {
        Self { array, keys, needed, values: serde_json::Map::new(), array_seen: false }
    }

    /// Run the walk. A syntax error after the array started is left for the
    /// main walk to report, with what it imported before it.
    pub fn read(&mut self, reader: impl Read, file: &str) -> Result<(), ImportError> {
        match walk(reader, self) {
            Ok(()) => {}
            Err(WalkError::Json(e, _)) if self.array_seen && !e.is_io() => {}
            Err(e) => return Err(failure(e, file)),
        }
        if !self.array_seen {
            return Err(ImportError::malformed(file, "/", format!("no `{}` array: not this format", self.array)));
        }
        Ok(())
    }

    /// A string member.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.values.get(key).and_then(Value::as_str)
    }
}

impl Walk for Header {
    fn step(&mut self, at: &Pointer) -> Step {
        let [Seg::Key(key)] = at.segs() else { return Step::Skip };
        if key == self.array {
            self.array_seen = true;
            let all = self.needed.iter().all(|k| self.values.contains_key(*k));
            return if all { Step::Stop } else { Step::Skip };
        }
        if self.keys.contains(&key.as_str()) {
            Step::Take
        } else {
            Step::Skip
        }
    }

    fn take(&mut self, at: &Pointer, value: Value) -> Result<(), ImportError> {
        if let [Seg::Key(key)] = at.segs() {
            self.values.insert(key.clone(), value);
        }
        Ok(())
    }
}

/// The main walk over such an export: each element of the top-level
/// `array` goes through `convert`, which may declare participants; a record
/// it returns is written, a reason it gives is stored as a skip at the
/// element's pointer. The end of the walk goes through [`conclude`].
pub fn import_array<C>(
    reader: impl Read,
    ctx: &mut ImportCtx,
    file: &str,
    entry: &str,
    array: &'static str,
    convert: C,
) -> Result<(), ImportError>
where
    C: FnMut(&mut ImportCtx, Value, Locator) -> Result<Result<MessageRecord, String>, ImportError>,
{
    let mut w = ArrayWalk { ctx, file, entry, array, convert, written: 0 };
    let result = walk(reader, &mut w);
    let written = w.written;
    conclude(result, w.ctx, file, entry, written)
}

struct ArrayWalk<'a, 'w, 'c, C> {
    ctx: &'a mut ImportCtx<'w, 'c>,
    file: &'a str,
    entry: &'a str,
    array: &'static str,
    convert: C,
    written: u64,
}

impl<C> Walk for ArrayWalk<'_, '_, '_, C>
where
    C: FnMut(&mut ImportCtx, Value, Locator) -> Result<Result<MessageRecord, String>, ImportError>,
{
    fn step(&mut self, at: &Pointer) -> Step {
        match at.segs() {
            [Seg::Key(k)] if k == self.array => Step::Enter,
            [Seg::Key(k), Seg::Index(_)] if k == self.array => Step::Take,
            _ => Step::Skip,
        }
    }

    fn take(&mut self, at: &Pointer, value: Value) -> Result<(), ImportError> {
        if at.segs().len() == 1 {
            return Err(ImportError::malformed(self.file, at, format!("`{}` is not an array", self.array)));
        }
        let locator = Locator::json(self.entry, at.to_string());
        match (self.convert)(self.ctx, value, locator.clone())? {
            Ok(m) => {
                self.ctx.message(&m)?;
                self.written += 1;
                Ok(())
            }
            Err(reason) => self.ctx.skip(&locator, reason),
        }
    }
}

/// A message element as an object, with its string member `text_key`
/// taken out (`""` when absent or null); or why it is not a message.
pub fn message_object(value: Value, text_key: &str) -> Result<(serde_json::Map<String, Value>, String), String> {
    let Value::Object(mut o) = value else { return Err("message is not a JSON object".into()) };
    let text = match o.remove(text_key) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s,
        Some(other) => return Err(format!("{text_key} is not a string: {other}")),
    };
    Ok((o, text))
}

/// An id as text: JSON strings as they are, numbers in their JSON spelling.
pub fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A string member of an object, when it is a non-empty string.
pub fn str_of<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records what it was given; takes `/messages/*`, enters the rest.
    #[derive(Default)]
    struct Log {
        seen: Vec<String>,
        stop_at: Option<&'static str>,
    }

    impl Walk for Log {
        fn step(&mut self, at: &Pointer) -> Step {
            let shape = at.shape();
            if Some(shape.as_str()) == self.stop_at {
                return Step::Stop;
            }
            match shape.as_str() {
                "/messages" | "/a" => Step::Enter,
                "/messages/*" | "/name" => Step::Take,
                _ => Step::Skip,
            }
        }
        fn take(&mut self, at: &Pointer, value: Value) -> Result<(), ImportError> {
            self.seen.push(format!("{at}={value}"));
            Ok(())
        }
        fn enter(&mut self, at: &Pointer) -> Result<(), ImportError> {
            self.seen.push(format!("enter {at}"));
            Ok(())
        }
    }

    #[test]
    fn takes_messages_one_by_one_and_skips_the_rest() {
        let doc = "\u{feff}{\"skip\": {\"deep\": [1, 2]}, \"messages\": [{\"t\": 1}, \"x\"], \"name\": \"n\", \"a\": 5}";
        let mut log = Log::default();
        walk(doc.as_bytes(), &mut log).unwrap();
        assert_eq!(log.seen, ["enter ", "enter /messages", "/messages/0={\"t\":1}", "/messages/1=\"x\"", "/name=\"n\"", "/a=5"]);
    }

    #[test]
    fn stop_ends_the_walk_without_error() {
        let mut log = Log { stop_at: Some("/messages"), ..Default::default() };
        walk(&b"{\"name\": 1, \"messages\": [ broken"[..], &mut log).unwrap();
        assert_eq!(log.seen, ["enter ", "/name=1"]);
    }

    #[test]
    fn top_level_must_be_an_object() {
        assert!(matches!(walk(&b"[1]"[..], &mut Log::default()), Err(WalkError::NotObject)));
        assert!(matches!(walk(&b"7"[..], &mut Log::default()), Err(WalkError::NotObject)));
        assert!(matches!(walk(&b"hello"[..], &mut Log::default()), Err(WalkError::Json(..))));
        assert!(matches!(walk(&b"{} {}"[..], &mut Log::default()), Err(WalkError::Json(..))));
    }

    #[test]
    fn json_errors_say_where_they_broke() {
        let broke_at = |doc: &str| match walk(doc.as_bytes(), &mut Log::default()) {
            Err(WalkError::Json(_, at)) => at.to_string(),
            other => panic!("{other:?}"),
        };
        assert_eq!(broke_at(r#"{"messages": [{"t": 1}, {"t": }]}"#), "/messages/1");
        assert_eq!(broke_at(r#"{"messages": [1 2]}"#), "/messages/1");
        assert_eq!(broke_at(r#"{"a": {"deep": [1, }}"#), "/a/deep");
        assert_eq!(broke_at(r#"{"a": 1 "b": 2}"#), "");
        assert_eq!(broke_at("{} x"), "");
    }

    fn elements(text: &str) -> (Vec<Value>, u64, Result<(), String>) {
        let mut seen = Vec::new();
        let (read, r) = for_each_element(buffered_without_bom(text.as_bytes()).unwrap(), &mut |_, v| {
            seen.push(v);
            Ok(())
        });
        let r = r.map_err(|e| match e {
            WalkError::Json(e, _) => e.to_string(),
            other => format!("{other:?}"),
        });
        (seen, read, r)
    }

    #[test]
    fn array_documents_stream_elements_and_count_to_the_break() {
        let (seen, read, r) = elements("\u{feff}[{\"a\":1}, 2, \"x\"]");
        assert_eq!((seen.len(), read, r), (3, 3, Ok(())));
        let (seen, read, r) = elements("[{\"a\":1},\n {\"b\": }]");
        assert_eq!((seen.len(), read), (1, 1));
        assert!(r.unwrap_err().starts_with("expected value at line 2"));
        let (_, read, r) = elements(r#"{"a": 1}"#);
        assert_eq!(read, 0);
        assert!(r.unwrap_err().starts_with("invalid type: map, expected an array"));
        let (_, _, r) = elements("[] x");
        assert!(r.unwrap_err().starts_with("trailing characters"));
    }

    #[test]
    fn pointers_escape_keys() {
        let p = Pointer { segs: vec![Seg::Key("a/b~c".into()), Seg::Index(3)] };
        assert_eq!(p.to_string(), "/a~1b~0c/3");
        assert_eq!(p.shape(), "/a/b~c/*");
    }
}
