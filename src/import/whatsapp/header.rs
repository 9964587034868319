//! The time stamp that opens every WhatsApp message line, and the day/month
//! order of a file.
//!
//! Android writes `{date}, {time} - `, iOS `[{date}, {time}] ` (some locales
//! drop the comma, Vietnamese puts the time first). The date follows the
//! phone's locale: `m/d/yy`, `dd/mm/yyyy`, `dd.mm.yy`, `yyyy/mm/dd`,
//! `dd-mm-yyyy`, `2022. 3. 18.`; the time is 24-hour or 12-hour with a
//! meridiem (`PM`, `p.m.`, `p. m.`, `下午`, after a space, U+00A0 or U+202F)
//! and sometimes a trailing dot (`13:34. - `). Bidi marks (U+200E/U+200F,
//! U+202A–U+202E) are ignored inside the stamp; Arabic-Indic digits are read.
//!
//! The stamp is parsed by hand rather than by one regular expression: each
//! locale moves a separator or a space, and a small cursor states those
//! variations more plainly than an alternation of patterns would.
//!
//! **Day/month order** is not written anywhere, so it is inferred per file,
//! and per *shape* of stamp (a file may mix shapes, as chat-miner's test log
//! does): a first field above 12 votes day-first, a second field above 12
//! votes month-first; the majority wins. A shape without votes borrows the
//! votes of the file's other shapes with the same separator. With no votes
//! at all the order is assumed: month-first for `/` with a two-digit year
//! (the US `m/d/yy` of English phones), day-first otherwise (`dd/mm/yyyy`,
//! `dd.mm.yy`, `dd-mm-yyyy`). A line whose date is impossible in the chosen
//! order but possible in the other is read in the other order.

use std::cell::Cell;
use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meridiem {
    Am,
    Pm,
}

/// Everything about a stamp's layout except its numbers: lines of one shape
/// come from one locale setting, so they share a day/month order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shape {
    /// Date separator: `/`, `.` or `-`.
    pub sep: char,
    pub year_first: bool,
    pub year_digits: u8,
    pub bracket: bool,
    pub comma: bool,
    pub seconds: bool,
    pub meridiem: bool,
    pub time_first: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stamp {
    pub shape: Shape,
    /// The three date numbers in the order written.
    pub fields: [u32; 3],
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub meridiem: Option<Meridiem>,
}

/// A parsed line start: the stamp, and what follows it (`Name: text`, or a
/// system text), untouched.
#[derive(Debug, Clone, PartialEq)]
pub struct Header<'a> {
    pub stamp: Stamp,
    pub rest: &'a str,
}

/// Directional marks that phones put around numbers and names.
pub fn is_mark(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{061c}')
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}')
}

fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '\u{660}'..='\u{669}' => Some(c as u32 - 0x660),
        '\u{6f0}'..='\u{6f9}' => Some(c as u32 - 0x6f0),
        _ => None,
    }
}

#[derive(Clone, Copy)]
struct Cursor<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Cursor<'a> {
    fn skip_marks(&mut self) {
        // Every mark is outside ASCII: an ASCII byte ends the run at once
        // (stamps are mostly ASCII; decoding each char was 5 % of an import).
        while self.s.as_bytes().get(self.i).is_some_and(|&b| b >= 0x80) {
            match self.s[self.i..].chars().next().filter(|&c| is_mark(c)) {
                Some(c) => self.i += c.len_utf8(),
                None => break,
            }
        }
    }

    /// The next character that is not a bidi mark.
    fn peek(&mut self) -> Option<char> {
        match self.s.as_bytes().get(self.i) {
            Some(&b) if b < 0x80 => Some(b as char),
            _ => {
                self.skip_marks();
                self.s[self.i..].chars().next()
            }
        }
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += c.len_utf8();
        Some(c)
    }

    fn eat(&mut self, want: char) -> bool {
        if self.peek() == Some(want) {
            self.i += want.len_utf8();
            true
        } else {
            false
        }
    }

    fn eat_any(&mut self, want: &[char]) -> Option<char> {
        let c = self.peek().filter(|c| want.contains(c))?;
        self.i += c.len_utf8();
        Some(c)
    }

    fn eat_str(&mut self, want: &str) -> bool {
        self.skip_marks();
        if self.s[self.i..].starts_with(want) {
            self.i += want.len();
            true
        } else {
            false
        }
    }

    fn spaces(&mut self) -> usize {
        let mut n = 0;
        while self.peek().is_some_and(is_space) {
            self.bump();
            n += 1;
        }
        n
    }

    /// Up to `max` digits: the value and how many digits there were.
    fn number(&mut self, max: u8) -> Option<(u32, u8)> {
        let mut value = 0u32;
        let mut n = 0u8;
        while let Some(d) = self.peek().and_then(digit) {
            if n == max {
                return None;
            }
            self.bump();
            value = value * 10 + d;
            n += 1;
        }
        (n > 0).then_some((value, n))
    }

    fn rest(&self) -> &'a str {
        &self.s[self.i..]
    }
}

struct Date {
    fields: [u32; 3],
    sep: char,
    year_first: bool,
    year_digits: u8,
}

fn date(c: &mut Cursor) -> Option<Date> {
    let (a, da) = c.number(4)?;
    let sep = c.eat_any(&['/', '.', '-'])?;
    if sep == '.' {
        c.spaces();
    }
    let (b, _) = c.number(2)?;
    if !c.eat(sep) {
        return None;
    }
    if sep == '.' {
        c.spaces();
    }
    let (y, dy) = c.number(4)?;
    let year_first = da == 4;
    if year_first {
        // `2022. 3. 18.` (Korean, Hungarian) ends the date with a dot.
        if sep == '.' {
            c.eat('.');
        }
        if !(1..=12).contains(&b) || !(1..=31).contains(&y) || dy > 2 {
            return None;
        }
        return Some(Date { fields: [a, b, y], sep, year_first, year_digits: 4 });
    }
    if da > 2 || !(dy == 2 || dy == 4) {
        return None;
    }
    if a == 0 || b == 0 || a > 31 || b > 31 || (a > 12 && b > 12) {
        return None;
    }
    Some(Date { fields: [a, b, y], sep, year_first, year_digits: dy })
}

struct Time {
    hour: u32,
    minute: u32,
    second: Option<u32>,
}

fn time(c: &mut Cursor) -> Option<Time> {
    let (hour, _) = c.number(2)?;
    let tsep = c.eat_any(&[':', '.'])?;
    let (minute, dm) = c.number(2)?;
    if dm != 2 {
        return None;
    }
    let mut second = None;
    let save = *c;
    if c.eat(tsep) {
        match c.number(2) {
            Some((s, 2)) => second = Some(s),
            _ => *c = save,
        }
    }
    (hour <= 23 && minute <= 59 && second.map_or(true, |s| s <= 59)).then_some(Time { hour, minute, second })
}

/// Meridiems written before the time (`下午2:56`).
const MERIDIEM_BEFORE: &[(&str, Meridiem)] = &[
    ("上午", Meridiem::Am),
    ("下午", Meridiem::Pm),
    ("午前", Meridiem::Am),
    ("午後", Meridiem::Pm),
    ("오전", Meridiem::Am),
    ("오후", Meridiem::Pm),
];

fn meridiem_word(c: &mut Cursor, words: &[(&str, Meridiem)]) -> Option<Meridiem> {
    words.iter().find(|(w, _)| c.eat_str(w)).map(|&(_, m)| m)
}

/// `AM`, `pm`, `a.m.`, `p. m.` (after optional spaces), or `ص` / `م`.
fn meridiem_after(c: &mut Cursor) -> Option<Meridiem> {
    let save = *c;
    c.spaces();
    let m = match c.peek() {
        Some('a' | 'A') => Meridiem::Am,
        Some('p' | 'P') => Meridiem::Pm,
        _ => {
            let m = meridiem_word(c, &[("ص", Meridiem::Am), ("م", Meridiem::Pm)]);
            if m.is_none() {
                *c = save;
            }
            return m;
        }
    };
    c.bump();
    c.eat('.');
    c.spaces();
    if c.eat_any(&['m', 'M']).is_none() {
        *c = save;
        return None;
    }
    c.eat('.');
    Some(m)
}

/// Parse the start of a line as a message header.
pub fn parse(line: &str) -> Option<Header<'_>> {
    let mut c = Cursor { s: line, i: 0 };
    let bracket = c.eat('[');
    let start = c;
    let (d, t, comma, meridiem, time_first) = match date(&mut c) {
        Some(d) => {
            let comma = c.eat_any(&[',', '،']).is_some();
            if c.spaces() == 0 {
                return None;
            }
            let before = meridiem_word(&mut c, MERIDIEM_BEFORE);
            if before.is_some() {
                c.spaces();
            }
            let t = time(&mut c)?;
            // A trailing dot after the time (`13:34. - `); seconds were taken already.
            c.eat('.');
            let m = before.or_else(|| meridiem_after(&mut c));
            (d, t, comma, m, false)
        }
        None => {
            c = start;
            let t = time(&mut c)?;
            let m = meridiem_after(&mut c);
            let comma = c.eat_any(&[',', '،']).is_some();
            if c.spaces() == 0 {
                return None;
            }
            (date(&mut c)?, t, comma, m, true)
        }
    };
    let rest = if bracket {
        c.spaces();
        if !c.eat(']') {
            return None;
        }
        let r = c.rest();
        match r.chars().next() {
            None => r,
            Some(' ') => &r[1..],
            Some(_) => return None,
        }
    } else {
        if c.spaces() == 0 || !c.eat('-') {
            return None;
        }
        let r = c.rest();
        match r.chars().next() {
            None => r,
            Some(x) if is_space(x) => &r[x.len_utf8()..],
            Some(_) => return None,
        }
    };
    let shape = Shape {
        sep: d.sep,
        year_first: d.year_first,
        year_digits: d.year_digits,
        bracket,
        comma,
        seconds: t.second.is_some(),
        meridiem: meridiem.is_some(),
        time_first,
    };
    let stamp = Stamp { shape, fields: d.fields, hour: t.hour, minute: t.minute, second: t.second.unwrap_or(0), meridiem };
    Some(Header { stamp, rest })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    Ymd,
    Dmy,
    Mdy,
}

impl DateOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ymd => "y/m/d",
            Self::Dmy => "d/m/y",
            Self::Mdy => "m/d/y",
        }
    }
}

/// Day-first and month-first votes of one shape.
#[derive(Debug, Clone, Copy, Default)]
struct Votes {
    dmy: u64,
    mdy: u64,
}

impl Votes {
    fn winner(self) -> Option<DateOrder> {
        match self.dmy.cmp(&self.mdy) {
            std::cmp::Ordering::Greater => Some(DateOrder::Dmy),
            std::cmp::Ordering::Less => Some(DateOrder::Mdy),
            std::cmp::Ordering::Equal => None,
        }
    }
}

/// Collects the evidence of a file (first pass), then answers the order of
/// each shape (second pass).
#[derive(Debug, Default)]
pub struct DateOrders {
    shapes: HashMap<Shape, Votes>,
    by_sep: HashMap<char, Votes>,
    /// The last shape answered: a file has one shape on nearly every line,
    /// and two hash look-ups per line were 2 % of an import.
    last: Cell<Option<(Shape, DateOrder, bool)>>,
}

impl DateOrders {
    pub fn observe(&mut self, s: &Stamp) {
        if s.shape.year_first {
            return;
        }
        self.last.set(None);
        let [a, b, _] = s.fields;
        let v = self.shapes.entry(s.shape).or_default();
        let f = self.by_sep.entry(s.shape.sep).or_default();
        if a > 12 && b <= 12 {
            v.dmy += 1;
            f.dmy += 1;
        } else if b > 12 && a <= 12 {
            v.mdy += 1;
            f.mdy += 1;
        }
    }

    /// The order for a shape, and whether it was assumed (no evidence).
    pub fn order(&self, shape: &Shape) -> (DateOrder, bool) {
        if shape.year_first {
            return (DateOrder::Ymd, false);
        }
        if let Some((_, order, assumed)) = self.last.get().filter(|(last, ..)| last == shape) {
            return (order, assumed);
        }
        let own = self.shapes.get(shape).and_then(|v| v.winner());
        let family = self.by_sep.get(&shape.sep).and_then(|v| v.winner());
        let (order, assumed) = match own.or(family) {
            Some(o) => (o, false),
            None if shape.sep == '/' && shape.year_digits == 2 => (DateOrder::Mdy, true),
            None => (DateOrder::Dmy, true),
        };
        self.last.set(Some((*shape, order, assumed)));
        (order, assumed)
    }

    /// The wall-clock time of a stamp, or None when its date cannot exist in
    /// either order (then the line is not a header).
    pub fn resolve(&self, s: &Stamp) -> Option<When> {
        let (order, assumed) = self.order(&s.shape);
        let time = |h| chrono::NaiveTime::from_hms_opt(h, s.minute, s.second);
        let hour = match s.meridiem {
            Some(_) if s.hour > 12 => s.hour,
            Some(Meridiem::Am) => s.hour % 12,
            Some(Meridiem::Pm) => s.hour % 12 + 12,
            None => s.hour,
        };
        let t = time(hour)?;
        let [a, b, c] = s.fields;
        let try_order = |o: DateOrder| {
            let (y, m, d) = match o {
                DateOrder::Ymd => (a, b, c),
                DateOrder::Dmy => (c, b, a),
                DateOrder::Mdy => (c, a, b),
            };
            let (year, buddhist) = full_year(y, s.shape.year_digits);
            NaiveDate::from_ymd_opt(year, m, d).map(|date| (date, buddhist))
        };
        let other = match order {
            DateOrder::Dmy => DateOrder::Mdy,
            DateOrder::Mdy => DateOrder::Dmy,
            DateOrder::Ymd => DateOrder::Ymd,
        };
        let (order, (date, buddhist), swapped) = match try_order(order) {
            Some(x) => (order, x, false),
            None => (other, try_order(other)?, true),
        };
        let ambiguous = !s.shape.year_first && a != b && a <= 12 && b <= 12;
        Some(When { at: NaiveDateTime::new(date, t), order, assumed: assumed && ambiguous && !swapped, buddhist })
    }
}

/// True when the stamp's date exists in some order and its time is a real
/// time: what WhatsApp writes. Anything else is text that only looks like a stamp.
pub fn is_possible(s: &Stamp) -> bool {
    DateOrders::default().resolve(s).is_some()
}

/// Two-digit years are 20yy (WhatsApp dates from 2009). A year past 2400 is
/// a Thai Buddhist-calendar year (Gregorian + 543).
fn full_year(y: u32, digits: u8) -> (i32, bool) {
    let y = y as i32;
    match digits {
        2 => (2000 + y, false),
        _ if y >= 2400 => (y - 543, true),
        _ => (y, false),
    }
}

/// The resolved time of a stamp.
#[derive(Debug, Clone, PartialEq)]
pub struct When {
    pub at: NaiveDateTime,
    pub order: DateOrder,
    /// True when the date could be read either way and nothing in the file said which.
    pub assumed: bool,
    pub buddhist: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn when(line: &str) -> (String, &str) {
        let h = parse(line).unwrap_or_else(|| panic!("not a header: {line:?}"));
        let mut o = DateOrders::default();
        o.observe(&h.stamp);
        let w = o.resolve(&h.stamp).unwrap();
        (w.at.format("%Y-%m-%d %H:%M:%S").to_string(), h.rest)
    }

    #[test]
    fn android_and_ios_layouts() {
        assert_eq!(when("12/31/20, 11:59 PM - A: x"), ("2020-12-31 23:59:00".into(), "A: x"));
        assert_eq!(when("31.12.20, 23:59 - A: x").0, "2020-12-31 23:59:00");
        assert_eq!(when("2019/01/01, 11:25 - A: x").0, "2019-01-01 11:25:00");
        assert_eq!(when("18-03-2022 15:10 - A: x").0, "2022-03-18 15:10:00");
        assert_eq!(when("[31.12.20, 23:59:59] A: x"), ("2020-12-31 23:59:59".into(), "A: x"));
        assert_eq!(when("\u{200e}[3/27/22, 21:41:55] A: \u{200e}image omitted").1, "A: \u{200e}image omitted");
        assert_eq!(when("[3/18/22 14:56:00] A: x").0, "2022-03-18 14:56:00");
        assert_eq!(when("[14:56:01, 3/18/22] A: x").0, "2022-03-18 14:56:01");
        assert_eq!(when("[3/18/22 14.56.01] A: x").0, "2022-03-18 14:56:01");
        assert_eq!(when("2022/12/14, 13:34. - A: x").0, "2022-12-14 13:34:00");
        assert_eq!(when("2022. 3. 18. 오후 2:56 - A: x").0, "2022-03-18 14:56:00");
        assert_eq!(when("2022/3/18 下午2:56 - 张三: 你好").0, "2022-03-18 14:56:00");
        assert_eq!(when("[١٨\u{200f}/٣\u{200f}/٢٠٢٢، ٢:٥٦:٠٠ م] A: x").0, "2022-03-18 14:56:00");
        assert_eq!(when("[18/03/2565 14:56:00] A: x").0, "2022-03-18 14:56:00");
    }

    #[test]
    fn meridiem_variants() {
        for (line, want) in [
            ("9/24/2019 11:30 p.m. - A: x", "2019-09-24 23:30:00"),
            ("11/27/2019 9:30 p. m. - A: x", "2019-11-27 21:30:00"),
            ("01/01/2019, 12:25 a. m. - A: x", "2019-01-01 00:25:00"),
            ("01/20/2019, 00:08 a. m. - A: x", "2019-01-20 00:08:00"),
            ("1/20/19, 12:08\u{202f}PM - A: x", "2019-01-20 12:08:00"),
            ("1/20/19, 1:08\u{a0}pm - A: x", "2019-01-20 13:08:00"),
            ("09/10/22 13:37:00 p.m. - A: x", "2022-09-10 13:37:00"),
        ] {
            assert_eq!(when(line).0, want, "{line}");
        }
    }

    #[test]
    fn not_headers() {
        for line in [
            "hello",
            "",
            "12/31/20 - A: x",
            "12/31/20, 11:59",
            "12/31/20, 11:59 -A: x",
            "[12/31/20, 11:59:00]A: x",
            "13/13/20, 10:00 - A: x",
            "12/31/20, 25:00 - A: x",
            "12/31/20, 10:61 - A: x",
            "123/1/20, 10:00 - A: x",
            "1/1/123, 10:00 - A: x",
            "2020/13/01, 10:00 - A: x",
            "12/31/20, 11:59 PMX - A: x",
        ] {
            assert!(parse(line).is_none(), "{line:?}");
        }
    }

    #[test]
    fn order_is_voted_per_file() {
        let lines = ["01/02/21, 10:00 - A: x", "25/02/21, 10:00 - A: y"];
        let mut o = DateOrders::default();
        let stamps: Vec<_> = lines.iter().map(|l| parse(l).unwrap().stamp).collect();
        for s in &stamps {
            o.observe(s);
        }
        let w = o.resolve(&stamps[0]).unwrap();
        assert_eq!((w.at.date().to_string(), w.order, w.assumed), ("2021-02-01".into(), DateOrder::Dmy, false));
        // no evidence: m/d for a two-digit year with slashes, flagged as assumed
        let lone = parse("01/02/21, 10:00 - A: x").unwrap().stamp;
        let w = DateOrders::default().resolve(&lone).unwrap();
        assert_eq!((w.at.date().to_string(), w.assumed), ("2021-01-02".into(), true));
        // ...and d/m for dots; the same day and month are not ambiguous
        let w = DateOrders::default().resolve(&parse("03.03.2021, 10:00 - A: x").unwrap().stamp).unwrap();
        assert_eq!((w.at.date().to_string(), w.assumed), ("2021-03-03".into(), false));
    }

    #[test]
    fn impossible_in_chosen_order_uses_the_other() {
        let mut o = DateOrders::default();
        let a = parse("25/02/21, 10:00 - A: x").unwrap().stamp;
        o.observe(&a);
        let b = parse("02/25/21, 10:00 - A: x").unwrap().stamp;
        assert_eq!(o.resolve(&b).unwrap().at.date().to_string(), "2021-02-25");
        // 31 February exists in neither order
        assert!(o.resolve(&parse("31/02/21, 10:00 - A: x").unwrap().stamp).is_none());
    }
}
