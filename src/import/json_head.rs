//! Cheap looks at the first bytes of a JSON file, for sniffers.
//!
//! A sniffer sees at most 64 KiB of a file, so the JSON is usually cut in
//! the middle and cannot be parsed whole. These helpers walk the text just
//! far enough to answer "which keys does the top-level object have?" or
//! "what is the first element of the top-level array?", skipping nested
//! values without building them, and stop quietly where the head ends.

/// The keys of the top-level object, in file order, each with the first byte
/// of its value (`b'['` for an array, `b'"'` for a string, …). Keys after
/// the end of the head are missing. `None` when the text is not an object.
pub fn top_level_keys(text: &str) -> Option<Vec<(String, u8)>> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    let mut keys = Vec::new();
    loop {
        i = skip_ws(b, i);
        match b.get(i) {
            Some(b'"') => {}
            Some(b'}') | None => return Some(keys),
            Some(_) => return if keys.is_empty() { None } else { Some(keys) },
        }
        let Some(end) = skip_string(b, i) else { return Some(keys) };
        let key = text.get(i + 1..end - 1).unwrap_or_default().to_string();
        i = skip_ws(b, end);
        if b.get(i) != Some(&b':') {
            return Some(keys);
        }
        i = skip_ws(b, i + 1);
        let Some(&first) = b.get(i) else { return Some(keys) };
        keys.push((key, first));
        let Some(end) = skip_value(b, i) else { return Some(keys) };
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i += 1,
            _ => return Some(keys),
        }
    }
}

/// The first element of a top-level array: `Some(Ok(text))` when it is
/// complete in the head, `Some(Err(prefix))` when the head ends inside it,
/// `None` when the text is not an array or the array is empty.
pub fn first_array_element(text: &str) -> Option<Result<&str, &str>> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'[') {
        return None;
    }
    i = skip_ws(b, i + 1);
    match b.get(i) {
        None | Some(b']') => None,
        Some(_) => Some(match skip_value(b, i) {
            Some(end) => Ok(text.get(i..end).unwrap_or_default()),
            None => Err(text.get(i..).unwrap_or_default()),
        }),
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
        i += 1;
    }
    i
}

/// End (exclusive) of the string starting at `b[i] == b'"'`, or `None` when cut.
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        match b.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// End (exclusive) of the value starting at `i`, or `None` when the text
/// ends first. Nesting is tracked by depth only: this is a skimmer, and a
/// mismatched bracket just makes the caller see a cut value.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while let Some(c) = b.get(j) {
                if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                    return Some(j);
                }
                j += 1;
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_a_cut_object() {
        let t = r#"{ "participants": [{"id": "a}"}], "version": "2.0.0", "events": [{"id": "1", "body": "cut he"#;
        let keys = top_level_keys(t).unwrap();
        let names: Vec<_> = keys.iter().map(|(k, c)| (k.as_str(), *c as char)).collect();
        assert_eq!(names, [("participants", '['), ("version", '"'), ("events", '[')]);
        assert!(top_level_keys("[1, 2]").is_none());
        assert_eq!(top_level_keys("{}").unwrap().len(), 0);
    }

    #[test]
    fn nested_keys_are_not_top_level() {
        let t = r#"{"$schema": "x", "properties": {"participants": {}, "events": {}}}"#;
        let keys: Vec<_> = top_level_keys(t).unwrap().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["$schema", "properties"]);
    }

    #[test]
    fn first_element() {
        assert_eq!(first_array_element(r#" [ {"ts": "1.2", "x": [1,{"]":2}]} , {"#), Some(Ok(r#"{"ts": "1.2", "x": [1,{"]":2}]}"#)));
        assert_eq!(first_array_element(r#"[{"ts": "1.2", "te"#), Some(Err(r#"{"ts": "1.2", "te"#)));
        assert_eq!(first_array_element("[ ]"), None);
        assert_eq!(first_array_element("{}"), None);
        // a stray closing bracket must not underflow
        assert_eq!(first_array_element("[1]]"), Some(Ok("1")));
    }
}
