//! The rule query language, as reviewers know it from eDiscovery search:
//!
//! ```text
//! 红包 OR 转账                     either term
//! 内部文件 AND (别外传 OR 保密)      both sides
//! 回扣 AND NOT 新闻                 exclusion
//! brib*                            prefix wildcard (also *coin for a suffix)
//! "side business"                  a phrase
//! 红包 w/10 (辛苦费 OR 感谢)         within 10 words (CJK: characters), either order
//! transfer pre/5 account           `transfer` at most 5 words before `account`
//! ```
//!
//! Precedence, tightest first: proximity (`w/N`, `pre/N`, `near/N`), `NOT`,
//! `AND`, `OR`. Operators are upper case (`w/` and `pre/` in either case), so
//! the words and/or/not can still be searched for in quotes. Two terms with
//! no operator between them are an error rather than a guess.

use std::fmt;

/// How a term matches at word edges (for Latin-script terms; CJK terms match anywhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Wildcard {
    /// The whole word: `bribe` does not match inside `bribery`.
    None,
    /// `brib*`: any word starting with the term.
    Prefix,
    /// `*coin`: any word ending with the term.
    Suffix,
    /// `*coin*`: anywhere inside a word.
    Both,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The term as written (without quotes and `*`).
    pub text: String,
    pub wildcard: Wildcard,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    Term(Term),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// `left w/N right` (ordered = false) or `left pre/N right` (ordered = true).
    Near { left: Box<Expr>, right: Box<Expr>, distance: u32, ordered: bool },
}

impl Expr {
    /// Every term in the expression, in order.
    pub fn terms(&self) -> Vec<&Term> {
        let mut out = Vec::new();
        self.collect_terms(&mut out);
        out
    }

    fn collect_terms<'a>(&'a self, out: &mut Vec<&'a Term>) {
        match self {
            Expr::Term(t) => out.push(t),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Near { left: a, right: b, .. } => {
                a.collect_terms(out);
                b.collect_terms(out);
            }
            Expr::Not(a) => a.collect_terms(out),
        }
    }

    /// Terms that can make the expression true (not under a NOT). A message
    /// with none of them cannot match, which lets the scanner skip the rule.
    pub fn positive_terms(&self) -> Vec<&Term> {
        let mut out = Vec::new();
        self.collect_positive(&mut out);
        out
    }

    fn collect_positive<'a>(&'a self, out: &mut Vec<&'a Term>) {
        match self {
            Expr::Term(t) => out.push(t),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Near { left: a, right: b, .. } => {
                a.collect_positive(out);
                b.collect_positive(out);
            }
            Expr::Not(_) => {}
        }
    }

    /// True when the expression can be true with none of its terms present
    /// (e.g. `NOT x`): such a rule must be evaluated on every message.
    pub fn matches_empty(&self) -> bool {
        match self {
            Expr::Term(_) | Expr::Near { .. } => false,
            Expr::And(a, b) => a.matches_empty() && b.matches_empty(),
            Expr::Or(a, b) => a.matches_empty() || b.matches_empty(),
            Expr::Not(a) => !a.matches_empty(),
        }
    }
}

/// A syntax error, with the 1-based character column in the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub column: usize,
    pub message: String,
    pub hint: String,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {} (hint: {})", self.column, self.message, self.hint)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Term(Term),
    And,
    Or,
    Not,
    Near { distance: u32, ordered: bool },
    Open,
    Close,
}

fn near_op(word: &str) -> Option<Result<(u32, bool), String>> {
    let lower = word.to_ascii_lowercase();
    let (ordered, rest) = if let Some(r) = lower.strip_prefix("w/") {
        (false, r)
    } else if let Some(r) = lower.strip_prefix("near/") {
        (false, r)
    } else if let Some(r) = lower.strip_prefix("pre/") {
        (true, r)
    } else {
        return None;
    };
    Some(match rest.parse::<u32>() {
        Ok(n) if n >= 1 && n <= 1000 => Ok((n, ordered)),
        _ => Err(format!("{word:?} needs a distance from 1 to 1000, like w/5")),
    })
}

fn term_of(raw: &str) -> Term {
    let prefix = raw.len() > 1 && raw.ends_with('*');
    let suffix = raw.len() > 1 && raw.starts_with('*');
    let text = raw.trim_matches('*').to_string();
    let wildcard = match (suffix, prefix) {
        (true, true) => Wildcard::Both,
        (false, true) => Wildcard::Prefix,
        (true, false) => Wildcard::Suffix,
        (false, false) => Wildcard::None,
    };
    Term { text, wildcard }
}

fn tokenize(q: &str) -> Result<Vec<(usize, Tok)>, QueryError> {
    let chars: Vec<char> = q.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' || c == '（' {
            toks.push((col, Tok::Open));
            i += 1;
        } else if c == ')' || c == '）' {
            toks.push((col, Tok::Close));
            i += 1;
        } else if c == '"' || c == '“' || c == '”' {
            let close = (i + 1..chars.len()).find(|&k| matches!(chars[k], '"' | '“' | '”'));
            let Some(end) = close else {
                return Err(QueryError { column: col, message: "unclosed quote".into(), hint: "end the phrase with \"".into() });
            };
            let inner: String = chars[i + 1..end].iter().collect();
            let mut t = term_of(inner.trim());
            if t.text.trim().is_empty() {
                return Err(QueryError { column: col, message: "empty phrase".into(), hint: "put a term between the quotes".into() });
            }
            // Inside quotes a * is literal unless at an edge.
            t.text = t.text.trim().to_string();
            toks.push((col, Tok::Term(t)));
            i = end + 1;
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && !matches!(chars[i], '(' | ')' | '（' | '）' | '"' | '“' | '”') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let tok = match word.as_str() {
                "AND" | "&&" => Tok::And,
                "OR" | "||" => Tok::Or,
                "NOT" => Tok::Not,
                w => match near_op(w) {
                    Some(Ok((distance, ordered))) => Tok::Near { distance, ordered },
                    Some(Err(message)) => {
                        return Err(QueryError { column: col, message, hint: "w/N: within N words either way; pre/N: first term before the second".into() })
                    }
                    None => {
                        if w.trim_matches('*').is_empty() {
                            return Err(QueryError { column: col, message: "a wildcard needs letters".into(), hint: "write brib* or *coin".into() });
                        }
                        Tok::Term(term_of(w))
                    }
                },
            };
            toks.push((col, tok));
        }
    }
    Ok(toks)
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    pos: usize,
    len_chars: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(_, t)| t)
    }
    fn col(&self) -> usize {
        self.toks.get(self.pos).map(|(c, _)| *c).unwrap_or(self.len_chars + 1)
    }
    fn err(&self, message: impl Into<String>, hint: impl Into<String>) -> QueryError {
        QueryError { column: self.col(), message: message.into(), hint: hint.into() }
    }

    fn or(&mut self) -> Result<Expr, QueryError> {
        let mut left = self.and()?;
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, QueryError> {
        let mut left = self.not()?;
        loop {
            match self.peek() {
                Some(Tok::And) => {
                    self.pos += 1;
                    let right = self.not()?;
                    left = Expr::And(Box::new(left), Box::new(right));
                }
                Some(Tok::Term(_)) | Some(Tok::Open) | Some(Tok::Not) => {
                    return Err(self.err(
                        "two terms with no operator between them",
                        "join them with AND or OR, or quote them as one phrase: \"side business\"",
                    ))
                }
                _ => return Ok(left),
            }
        }
    }

    fn not(&mut self) -> Result<Expr, QueryError> {
        if self.peek() == Some(&Tok::Not) {
            self.pos += 1;
            let inner = self.not()?;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.near()
    }

    fn near(&mut self) -> Result<Expr, QueryError> {
        let mut left = self.atom()?;
        while let Some(Tok::Near { distance, ordered }) = self.peek().cloned() {
            self.pos += 1;
            let right = self.atom()?;
            if left.matches_empty() || right.matches_empty() {
                return Err(self.err("NOT cannot be inside a proximity", "move the NOT outside: (a w/5 b) AND NOT c"));
            }
            left = Expr::Near { left: Box::new(left), right: Box::new(right), distance, ordered };
        }
        Ok(left)
    }

    fn atom(&mut self) -> Result<Expr, QueryError> {
        match self.peek().cloned() {
            Some(Tok::Term(t)) => {
                self.pos += 1;
                Ok(Expr::Term(t))
            }
            Some(Tok::Open) => {
                let open_col = self.col();
                self.pos += 1;
                let e = self.or()?;
                if self.peek() != Some(&Tok::Close) {
                    return Err(QueryError {
                        column: open_col,
                        message: "unclosed parenthesis".into(),
                        hint: "add the matching )".into(),
                    });
                }
                self.pos += 1;
                Ok(e)
            }
            Some(Tok::Close) => Err(self.err("unexpected )", "remove it or add the matching (")),
            Some(t) => Err(self.err(format!("expected a term, found {}", describe(&t)), "an operator needs a term on each side")),
            None => Err(self.err("the query ends where a term is expected", "finish the expression")),
        }
    }
}

fn describe(t: &Tok) -> &'static str {
    match t {
        Tok::And => "AND",
        Tok::Or => "OR",
        Tok::Not => "NOT",
        Tok::Near { .. } => "a proximity operator",
        Tok::Open => "(",
        Tok::Close => ")",
        Tok::Term(_) => "a term",
    }
}

/// Parse a query.
pub fn parse(query: &str) -> Result<Expr, QueryError> {
    let toks = tokenize(query)?;
    if toks.is_empty() {
        return Err(QueryError { column: 1, message: "empty query".into(), hint: "write at least one term".into() });
    }
    let mut p = Parser { toks, pos: 0, len_chars: query.chars().count() };
    let e = p.or()?;
    if p.pos < p.toks.len() {
        return Err(p.err("unexpected text after the end of the expression", "check the parentheses"));
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Expr {
        Expr::Term(term_of(s))
    }

    #[test]
    fn precedence() {
        let e = parse("a OR b AND NOT c").unwrap();
        assert_eq!(e, Expr::Or(Box::new(t("a")), Box::new(Expr::And(Box::new(t("b")), Box::new(Expr::Not(Box::new(t("c"))))))));
        let e = parse("红包 w/10 (辛苦费 OR 感谢)").unwrap();
        assert!(matches!(e, Expr::Near { distance: 10, ordered: false, .. }));
        let e = parse("transfer PRE/5 account").unwrap();
        assert!(matches!(e, Expr::Near { distance: 5, ordered: true, .. }));
    }

    #[test]
    fn wildcards_and_phrases() {
        assert_eq!(parse("brib*").unwrap(), Expr::Term(Term { text: "brib".into(), wildcard: Wildcard::Prefix }));
        assert_eq!(parse("*coin").unwrap(), Expr::Term(Term { text: "coin".into(), wildcard: Wildcard::Suffix }));
        assert_eq!(parse("\"side business\"").unwrap(), Expr::Term(Term { text: "side business".into(), wildcard: Wildcard::None }));
    }

    #[test]
    fn errors_have_columns_and_hints() {
        let e = parse("红包 转账").unwrap_err();
        assert_eq!(e.column, 4);
        assert!(e.hint.contains("AND or OR"));
        assert_eq!(parse("(a OR b").unwrap_err().column, 1);
        assert_eq!(parse("a AND").unwrap_err().column, 6);
        assert!(parse("a w/0 b").unwrap_err().message.contains("distance"));
        assert!(parse("a w/3 NOT b").is_err());
        assert!(parse("\"open").unwrap_err().message.contains("unclosed quote"));
    }

    #[test]
    fn positive_terms_skip_negations() {
        let e = parse("a AND NOT b").unwrap();
        let pos: Vec<_> = e.positive_terms().iter().map(|t| t.text.clone()).collect();
        assert_eq!(pos, ["a"]);
        assert!(parse("NOT b").unwrap().matches_empty());
    }
}
