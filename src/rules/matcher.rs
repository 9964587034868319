//! Compiling packs into one matcher, and matching messages.
//!
//! All literal terms of all loaded packs that share a normalisation setting
//! go into one Aho-Corasick automaton over the normalised text. A message is
//! normalised once per setting, the automaton reports every term occurrence,
//! and only the rules that one of those terms can make true are evaluated
//! (plus the few that need no term: metadata-only rules and rules with a
//! top-level NOT). Boolean and proximity operators, regexes and metadata
//! conditions run on that small candidate set. Rules made of regexes alone
//! have no term to wake them: their regexes run as one set, and only on
//! texts where the automaton found one of the literals every match of them
//! contains (`required_literals`, added to the automaton as term-less
//! patterns).
//!
//! A rule is not decided on every text that contains one of its terms, only
//! on texts that contain one of its *wake terms*: a set of its terms one of
//! which must occur for its query to hold, chosen to be rare
//! (`assign_wake_terms`). How rare is estimated from the packs' examples at
//! compile time, and from a sample of the messages about to be scanned
//! when the scanner calls [`RuleSet::tune`], as a query planner uses table
//! statistics: ordinary chat is full of 酒店 (店) and 宣传册 (宣传), which the
//! examples cannot tell. Which rules fire never depends on the choice.
//!
//! Three steps per message, because most chat contains some term (proximity
//! rules need common words such as 我, 客户, team) but few messages wake a
//! rule and fewer fire one: on the seed-1 generated corpus 72 % of messages
//! contain a term, 6.4 % a wake term (once tuned), 1.5 % fire a rule.
//!
//! 1. **Filter** on the text-only normal form (`Normalizer::run`: one pass,
//!    reused buffers, no offset map): a hashed set of one rare char pair per
//!    wake pattern (`key_filter`) turns away two texts in three, then a
//!    smaller automaton of the wake patterns only answers whether any
//!    occurs, and stops at the first.
//! 2. **Decide**, where one does: every term occurrence from the full
//!    automaton, word boundaries, boolean and proximity operators, regexes,
//!    `unless`. A word boundary depends on one fact of the map, where
//!    separators were removed, which the text-only form keeps as a sparse
//!    list.
//! 3. **Place highlights** only for the rules that fire: normalise again with
//!    the offset map (`normalize`, the same fold and passes) and evaluate
//!    those rules once more to collect their evidence.
//!
//! Offsets: the automaton works on the normalised text; every reported span
//! is mapped back to byte offsets in the original text here, and to UTF-16
//! only at the edge (`crate::text::utf16`).

use std::cell::RefCell;
use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use chrono::{DateTime, FixedOffset, NaiveDate, Timelike};
use regex::{Regex, RegexSet};
use serde::Serialize;

use super::key_filter::KeyFilter;
use super::normalize::{is_cjk, is_word, normalize, normalize_str, NormText, NormalizeOptions, Normalized, Normalizer, Steps};
use super::pack::{PackSource, RuleDef, Severity};
use super::query::{self, Expr, Wildcard};
use super::RuleError;
use crate::model::MessageKind;

/// Limits that keep any pattern from hanging a scan.
const REGEX_SIZE_LIMIT: usize = 1 << 20;
const REGEX_DFA_LIMIT: usize = 4 << 20;

/// What the matcher sees of a message.
#[derive(Debug, Clone, Default)]
pub struct MessageView<'a> {
    pub text: &'a str,
    pub kind: Option<MessageKind>,
    pub amount: Option<f64>,
    pub attachments: Vec<&'a str>,
    /// Sender external id and display name (either may be matched by `senders`).
    pub sender: Option<&'a str>,
    pub sender_name: Option<&'a str>,
    pub conversation: Option<&'a str>,
    pub conversation_title: Option<&'a str>,
    pub timestamp: Option<DateTime<FixedOffset>>,
}

/// One highlighted piece of evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Byte range in the original text.
    pub start: usize,
    pub end: usize,
    /// The term (as written in the pack) or `regex:…` that fired.
    pub term: String,
    /// Normalisations needed beyond what the term itself needed.
    pub steps: Steps,
}

/// A rule that fired on a message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleMatch {
    pub pack: String,
    pub pack_version: String,
    pub red_line: String,
    pub rule: String,
    pub severity: Severity,
    /// Highlights in the text (empty for a metadata-only rule).
    pub evidence: Vec<Evidence>,
    /// The metadata conditions that held (`kind=transfer`, `amount>=200`).
    pub conditions: Vec<String>,
}

/// A pack's identity inside a compiled set.
#[derive(Debug, Clone, Serialize)]
pub struct PackInfo {
    pub id: String,
    pub name: String,
    pub version: String,
    pub sha256: String,
    pub path: String,
    pub normalize: NormalizeOptions,
    pub red_lines: Vec<RedLineInfo>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RedLineInfo {
    pub id: String,
    pub title_en: String,
    pub title_zh: String,
    pub severity: Severity,
    pub rules: Vec<String>,
}

type TermId = usize;

#[derive(Debug, Clone)]
struct TermInfo {
    display: String,
    wildcard: Wildcard,
    /// Word boundaries apply at the start / end (Latin-script edges).
    bound_start: bool,
    bound_end: bool,
    /// Steps the term itself needed to reach its normal form.
    own_steps: Steps,
}

#[derive(Debug, Clone)]
enum CExpr {
    Term(TermId),
    /// An OR of plain terms (`terms = [...]`, `a OR b OR c`), flattened in
    /// order: deciding it is a scan of term bits, not a walk down a chain of
    /// boxes (packs have rules of 30–100 terms).
    AnyTerm(Vec<TermId>),
    And(Box<CExpr>, Box<CExpr>),
    Or(Box<CExpr>, Box<CExpr>),
    Not(Box<CExpr>),
    Near { left: Box<CExpr>, right: Box<CExpr>, distance: u32, ordered: bool },
}

#[derive(Debug, Clone)]
struct MetaCond {
    kinds: Option<Vec<MessageKind>>,
    amount_min: Option<f64>,
    amount_max: Option<f64>,
    /// Each glob as written and as normalised (see `glob_to_regex`).
    attachment_globs: Option<Vec<(Regex, Regex)>>,
    senders: Option<Vec<String>>,
    conversations: Option<Vec<String>>,
    after: Option<i64>,
    before: Option<i64>,
    hours: Option<(u32, u32)>,
}

#[derive(Debug, Clone)]
struct CompiledRule {
    pack: usize,
    red_line: usize,
    id: String,
    severity: Severity,
    query: Option<CExpr>,
    regexes: Vec<(String, Regex)>,
    unless: Option<CExpr>,
    meta: MetaCond,
    /// Must be evaluated even when none of its terms occur.
    always: bool,
}

/// Everything compiled for one normalisation setting.
struct Group {
    opts: NormalizeOptions,
    /// aho-corasick's DFA. daachorse's character-wise automaton ran 1.7x
    /// faster alone on the CJK literals, but only ~1 % faster in the whole
    /// matcher (the automaton is a fifth of its time; BENCHMARKS.md "Scan
    /// throughput"), too little to leave the crate the design names.
    automaton: Option<AhoCorasick>,
    /// Only the patterns that wake a rule or gate a regex: most chat has
    /// none of them, and a text without one needs no other pass.
    wake_automaton: Option<AhoCorasick>,
    /// How many patterns wake a rule or gate a regex.
    wake_patterns: usize,
    /// The check before `wake_automaton` that most texts fail.
    key_filter: Option<KeyFilter>,
    /// The regex gates' literals that are no term literal: the automaton's
    /// patterns past `literals`.
    gate_literals: Vec<String>,
    /// Automaton patterns (normalised literals) and the terms using each.
    literals: Vec<String>,
    pattern_terms: Vec<Vec<TermId>>,
    /// Automaton pattern → the rules its terms can make true (the union of
    /// their `term_rules`, ascending).
    pattern_rules: Vec<Vec<usize>>,
    terms: Vec<TermInfo>,
    /// Term → rules that it can make true.
    term_rules: Vec<Vec<usize>>,
    rules: Vec<CompiledRule>,
    always: Vec<usize>,
    /// Rules with regexes and no query: no term wakes them.
    regex_only: Vec<usize>,
    /// Their regexes as one set, and the rule of each pattern: one pass over
    /// the text instead of one per regex (None if the set is over the limits).
    regex_only_set: Option<(RegexSet, Vec<usize>)>,
    /// Whether each automaton pattern is a literal that some match of a
    /// regex-only rule's regex must contain (see `required_literals`); the
    /// patterns past `literals` are such literals and no term.
    gates_regexes: Vec<bool>,
    /// Every regex of the regex-only rules has required literals: the
    /// regexes run only on texts where the automaton found one of them.
    regexes_gated: bool,
    /// The packs' example texts (`must_match`, `must_not_match`): what
    /// term frequencies are estimated from until `RuleSet::tune` is given
    /// the messages to scan.
    examples: Vec<String>,
}

/// All loaded packs, compiled.
pub struct RuleSet {
    packs: Vec<PackInfo>,
    groups: Vec<Group>,
}

/// Buffers reused from message to message, one set per scanning thread.
#[derive(Default)]
struct MatchScratch {
    normalizer: Normalizer,
    /// Automaton matches in the normalised text: (pattern, start, end).
    raw: Vec<(usize, usize, usize)>,
    occ: Occurrences,
    /// One bit per rule of the group to evaluate (rules are woken once per
    /// occurrence of each of their terms: a bit, not a push, each time).
    woken: Vec<u64>,
    /// Indexes of the rules to evaluate, ascending.
    candidates: Vec<usize>,
}

#[inline]
fn wake(woken: &mut [u64], rule: usize) {
    if let Some(w) = woken.get_mut(rule >> 6) {
        *w |= 1 << (rule & 63);
    }
}

thread_local! {
    static SCRATCH: RefCell<MatchScratch> = RefCell::new(MatchScratch::default());
}

/// What deciding whether a rule fires needs of a normalised text: the text,
/// and where separators were removed (a word boundary the sender marked).
/// The text-only form answers it for every message; [`Normalized`], which
/// also maps offsets back, only for messages on which a rule fires.
trait NormView {
    fn text(&self) -> &str;
    fn joined_at(&self, b: usize) -> bool;
}

impl NormView for Normalized {
    fn text(&self) -> &str {
        &self.text
    }
    fn joined_at(&self, b: usize) -> bool {
        self.steps_at(b).contains(Steps::SEPARATORS)
    }
}

impl NormView for NormText<'_> {
    fn text(&self) -> &str {
        self.text
    }
    fn joined_at(&self, b: usize) -> bool {
        NormText::joined_at(self, b)
    }
}

/// Term occurrences in one normalised text.
/// (term, start, end), sorted by term (stably: each term's spans stay in
/// the automaton's order). A sorted vector rather than a map per message:
/// no hashing and no vector per term.
#[derive(Default)]
struct Occurrences {
    spans: Vec<(TermId, usize, usize)>,
    /// One bit per term that occurs: `terms = [...]` rules are ORs of tens
    /// of terms, and deciding them asks for each term in turn.
    present: Vec<u64>,
}

impl Occurrences {
    fn has(&self, t: TermId) -> bool {
        self.present.get(t >> 6).is_some_and(|w| w & (1 << (t & 63)) != 0)
    }

    fn of(&self, t: TermId) -> &[(TermId, usize, usize)] {
        if !self.has(t) {
            return &[];
        }
        let lo = self.spans.partition_point(|o| o.0 < t);
        let hi = lo + self.spans[lo..].partition_point(|o| o.0 == t);
        &self.spans[lo..hi]
    }
}

impl RuleSet {
    /// Compile packs. Every semantic error (bad query, regex, glob, duplicate
    /// id, unknown time) is reported with the pack file position.
    pub fn compile(sources: &[PackSource]) -> Result<Self, RuleError> {
        let mut packs = Vec::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut seen_packs: HashMap<String, std::path::PathBuf> = HashMap::new();
        // Per group, the texts of the packs' examples: how often each term
        // occurs in them chooses the terms that wake each rule.
        let mut samples: Vec<Vec<String>> = Vec::new();
        for src in sources {
            let header = &src.file.pack;
            if let Some(prev) = seen_packs.insert(header.id.get_ref().clone(), src.path.clone()) {
                return Err(src.error_at(
                    header.id.span().start,
                    format!("pack id {:?} is already loaded from {}", header.id.get_ref(), prev.display()),
                    "give each pack its own id",
                ));
            }
            let opts = header.normalize;
            let gi = match groups.iter().position(|g| g.opts == opts) {
                Some(i) => i,
                None => {
                    groups.push(Group {
                        opts,
                        automaton: None,
                        wake_automaton: None,
                        wake_patterns: 0,
                        key_filter: None,
                        gate_literals: Vec::new(),
                        literals: Vec::new(),
                        pattern_terms: Vec::new(),
                        pattern_rules: Vec::new(),
                        terms: Vec::new(),
                        term_rules: Vec::new(),
                        rules: Vec::new(),
                        always: Vec::new(),
                        regex_only: Vec::new(),
                        regex_only_set: None,
                        gates_regexes: Vec::new(),
                        regexes_gated: false,
                        examples: Vec::new(),
                    });
                    groups.len() - 1
                }
            };
            let pack_index = packs.len();
            let mut info = PackInfo {
                id: header.id.get_ref().clone(),
                name: header.name.clone(),
                version: header.version.clone(),
                sha256: src.sha256.clone(),
                path: src.path.display().to_string(),
                normalize: opts,
                red_lines: Vec::new(),
            };
            let mut red_ids = HashMap::new();
            for (ri, rl) in src.file.red_lines.iter().enumerate() {
                if red_ids.insert(rl.id.get_ref().clone(), ()).is_some() {
                    return Err(src.error_at(rl.id.span().start, format!("duplicate red line id {:?}", rl.id.get_ref()), "ids must be unique within a pack"));
                }
                let mut rule_ids = Vec::new();
                for rule in &rl.rules {
                    if rule_ids.contains(rule.id.get_ref()) {
                        return Err(src.error_at(rule.id.span().start, format!("duplicate rule id {:?}", rule.id.get_ref()), "ids must be unique within a red line"));
                    }
                    rule_ids.push(rule.id.get_ref().clone());
                    let compiled = compile_rule(src, &mut groups[gi], rule, pack_index, ri, rl.severity)?;
                    let group = &mut groups[gi];
                    let idx = group.rules.len();
                    if compiled.query.is_none() && !compiled.regexes.is_empty() {
                        group.regex_only.push(idx);
                    }
                    if compiled.always {
                        group.always.push(idx);
                    }
                    group.rules.push(compiled);
                    if samples.len() <= gi {
                        samples.resize(gi + 1, Vec::new());
                    }
                    samples[gi].extend(rule.must_match.iter().chain(&rule.must_not_match).map(|e| e.message().text));
                }
                info.red_lines.push(RedLineInfo {
                    id: rl.id.get_ref().clone(),
                    title_en: rl.title.en.clone(),
                    title_zh: rl.title.zh.clone(),
                    severity: rl.severity,
                    rules: rule_ids,
                });
            }
            packs.push(info);
        }
        for (gi, g) in groups.iter_mut().enumerate() {
            build_automaton(g)?;
            g.examples = samples.get_mut(gi).map(std::mem::take).unwrap_or_default();
            assign_wake_terms(g, &[]);
            build_wake_automaton(g, &[]);
            build_regex_set(g);
        }
        Ok(Self { packs, groups })
    }

    pub fn packs(&self) -> &[PackInfo] {
        &self.packs
    }

    /// The normalised literals in the automata (benchmarks and diagnostics).
    pub fn literals(&self) -> Vec<String> {
        self.groups.iter().flat_map(|g| g.literals.iter().cloned()).collect()
    }

    /// Heap bytes of the term automata (benchmarks).
    pub fn automaton_bytes(&self) -> usize {
        self.groups.iter().filter_map(|g| g.automaton.as_ref()).map(AhoCorasick::memory_usage).sum()
    }

    /// Every term as written in the packs (benchmarks compare a plain
    /// literal search over these with the full matcher).
    pub fn terms_as_written(&self) -> Vec<String> {
        self.groups.iter().flat_map(|g| g.terms.iter().map(|t| t.display.clone())).collect()
    }

    /// Choose the terms that wake each rule by how often they occur in
    /// `sample`, messages like the ones about to be scanned (a query
    /// planner's statistics: the packs' examples alone say little of
    /// ordinary chat, where 酒店 contains 店 and 宣传册 宣传). Which rules
    /// fire is the same with any sample or none; only the time changes.
    pub fn tune(&mut self, sample: &[&str]) {
        for g in &mut self.groups {
            assign_wake_terms(g, sample);
            build_wake_automaton(g, sample);
        }
    }

    /// Every rule that fires on the message.
    pub fn match_message(&self, m: &MessageView) -> Vec<RuleMatch> {
        let mut out = Vec::new();
        for g in &self.groups {
            self.match_group(g, m, &mut out);
        }
        out
    }

    /// Only the rules of one pack (for `rules test`).
    pub fn match_message_in_pack(&self, pack: &str, m: &MessageView) -> Vec<RuleMatch> {
        self.match_message(m).into_iter().filter(|r| r.pack == pack).collect()
    }

    fn match_group(&self, g: &Group, m: &MessageView, out: &mut Vec<RuleMatch>) {
        SCRATCH.with(|cell| self.match_group_with(g, m, out, &mut cell.borrow_mut()));
    }

    fn match_group_with(&self, g: &Group, m: &MessageView, out: &mut Vec<RuleMatch>, scratch: &mut MatchScratch) {
        let MatchScratch { normalizer, raw, occ, woken, candidates } = scratch;
        woken.clear();
        woken.resize(g.rules.len() / 64 + 1, 0);
        for &ri in &g.always {
            let rule = &g.rules[ri];
            // Metadata first (kind, amount, attachment, sender, time): no
            // text needed, and most messages fail these conditions at once.
            if skips_system_notice(rule, m) {
                continue;
            }
            let Some(conditions) = meta_holds(&rule.meta, m, &g.opts) else { continue };
            if rule.query.is_none() && rule.regexes.is_empty() && rule.unless.is_none() {
                out.push(self.rule_match(rule, Vec::new(), conditions));
            } else {
                wake(woken, ri);
            }
        }
        // The normalised text without the offset map: whether a rule
        // fires depends only on the text and where separators were
        // removed. About 70 % of chat contains some term (我, 客户, me,
        // team: proximity rules need common words), 1.5 % fires a rule.
        let view = normalizer.run(m.text, &g.opts);
        raw.clear();
        let mut run_regexes = !g.regexes_gated;
        // No rule to decide without a pattern that wakes one (most chat):
        // one pass of the smaller automaton, which stops at the first.
        let wakes = g.key_filter.as_ref().is_none_or(|f| f.may_match(view.text))
            && match &g.wake_automaton {
                Some(w) => w.is_match(view.text),
                None => g.wake_patterns > 0,
            };
        if !wakes && !run_regexes && woken.iter().all(|&w| w == 0) {
            return;
        }
        if let Some(ac) = &g.automaton {
            for mat in ac.find_overlapping_iter(view.text) {
                let p = mat.pattern().as_usize();
                raw.push((p, mat.start(), mat.end()));
                run_regexes |= g.gates_regexes[p];
                for &ri in &g.pattern_rules[p] {
                    wake(woken, ri);
                }
            }
        }
        // Rules with regexes and no query have no term to wake them; none
        // of their regexes can match a text without one of their required
        // literals (most chat).
        if run_regexes {
            match &g.regex_only_set {
                Some((set, owner)) => set.matches(view.text).iter().for_each(|p| wake(woken, owner[p])),
                None => g
                    .regex_only
                    .iter()
                    .filter(|&&i| g.rules[i].regexes.iter().any(|(_, re)| re.is_match(view.text)))
                    .for_each(|&i| wake(woken, i)),
            }
        }
        candidates.clear();
        for (wi, &word) in woken.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                candidates.push(wi * 64 + bits.trailing_zeros() as usize);
                bits &= bits - 1;
            }
        }
        if candidates.is_empty() {
            return;
        }
        occurrences(g, &view, raw, occ);
        let mut units = None;
        candidates.retain(|&ri| self.decide(g, &g.rules[ri], m, &view, occ, &mut units, false).is_some());
        if candidates.is_empty() {
            return;
        }
        // A rule fires: normalise again with the offset map and steps, to
        // place the highlights (the same pipeline, so the same text).
        let norm = normalize(m.text, &g.opts);
        occurrences(g, &norm, raw, occ);
        let mut units = None;
        for &ri in candidates.iter() {
            if let Some(rm) = self.eval_rule(g, &g.rules[ri], m, &norm, occ, &mut units) {
                out.push(rm);
            }
        }
    }

    /// Whether a rule fires: its metadata conditions (listed when they
    /// hold) and, with `with_spans`, the spans of its query in normalised
    /// text (without, only whether the query holds: no span lists).
    fn decide<N: NormView>(
        &self,
        g: &Group,
        rule: &CompiledRule,
        m: &MessageView,
        norm: &N,
        occ: &Occurrences,
        units: &mut Option<Vec<(usize, u32)>>,
        with_spans: bool,
    ) -> Option<(Vec<String>, Spans)> {
        if skips_system_notice(rule, m) {
            return None;
        }
        let conditions = meta_holds(&rule.meta, m, &g.opts)?;
        let mut spans: Spans = Vec::new();
        if let Some(q) = &rule.query {
            if with_spans {
                spans = eval(q, occ, norm, units)?;
            } else if !holds(q, occ, norm, units) {
                return None;
            }
        }
        if !rule.regexes.is_empty() && !rule.regexes.iter().any(|(_, re)| re.find_iter(norm.text()).any(|mat| mat.start() != mat.end())) {
            return None;
        }
        if let Some(u) = &rule.unless {
            if holds(u, occ, norm, units) {
                return None;
            }
        }
        Some((conditions, spans))
    }

    fn eval_rule(
        &self,
        g: &Group,
        rule: &CompiledRule,
        m: &MessageView,
        norm: &Normalized,
        occ: &Occurrences,
        units: &mut Option<Vec<(usize, u32)>>,
    ) -> Option<RuleMatch> {
        let (conditions, spans) = self.decide(g, rule, m, norm, occ, units, true)?;
        let mut evidence: Vec<Evidence> = Vec::new();
        for &(s, e, t) in &spans {
            let term = &g.terms[t];
            let (os, oe) = norm.original_span(s, e);
            evidence.push(Evidence {
                start: os,
                end: oe,
                term: term.display.clone(),
                steps: norm.steps_in(s, e).minus(term.own_steps),
            });
        }
        for (src, re) in &rule.regexes {
            for mat in re.find_iter(&norm.text) {
                if mat.start() == mat.end() {
                    continue;
                }
                let (os, oe) = norm.original_span(mat.start(), mat.end());
                evidence.push(Evidence {
                    start: os,
                    end: oe,
                    term: format!("regex:{src}"),
                    steps: norm.steps_in(mat.start(), mat.end()).minus(Steps::CASE),
                });
            }
        }
        evidence.sort_by_key(|e| (e.start, e.end));
        evidence.dedup_by(|a, b| a.start == b.start && a.end == b.end);
        Some(self.rule_match(rule, evidence, conditions))
    }

    fn rule_match(&self, rule: &CompiledRule, evidence: Vec<Evidence>, conditions: Vec<String>) -> RuleMatch {
        let pack = &self.packs[rule.pack];
        let rl = &pack.red_lines[rule.red_line];
        RuleMatch {
            pack: pack.id.clone(),
            pack_version: pack.version.clone(),
            red_line: rl.id.clone(),
            rule: rule.id.clone(),
            severity: rule.severity,
            evidence,
            conditions,
        }
    }
}

/// System notices ("messages are end-to-end encrypted", joins, recalls) are
/// written by the platform, not the sender: a rule skips them unless it asks
/// for system messages by kind.
fn skips_system_notice(rule: &CompiledRule, m: &MessageView) -> bool {
    m.kind == Some(MessageKind::System) && !rule.meta.kinds.as_ref().is_some_and(|k| k.contains(&MessageKind::System))
}

fn positive_terms(e: &CExpr, out: &mut Vec<TermId>) {
    match e {
        CExpr::Term(t) => out.push(*t),
        CExpr::AnyTerm(ts) => out.extend_from_slice(ts),
        CExpr::And(a, b) | CExpr::Or(a, b) | CExpr::Near { left: a, right: b, .. } => {
            positive_terms(a, out);
            positive_terms(b, out);
        }
        CExpr::Not(_) => {}
    }
}


/// Check a raw automaton match against the term's word boundaries; returns
/// the (possibly extended, for wildcards) span.
///
/// A boundary also holds where separators were removed (b r i b e joined
/// into a neighbouring single letter), since the sender did mark it.
fn bounded<N: NormView>(norm: &N, start: usize, end: usize, t: &TermInfo) -> Option<(usize, usize)> {
    // CJK terms (most matches) have no boundaries to check.
    if !t.bound_start && !t.bound_end {
        return Some((start, end));
    }
    let text = norm.text();
    let joined_before = norm.joined_at(start);
    let joined_after = norm.joined_at(end);
    let before = text[..start].chars().next_back().filter(|_| !joined_before);
    let after = text[end..].chars().next().filter(|_| !joined_after);
    let mut s = start;
    let mut e = end;
    if t.bound_start {
        match t.wildcard {
            Wildcard::Suffix | Wildcard::Both => {
                s = start - text[..start].chars().rev().take_while(|&c| is_word(c)).map(char::len_utf8).sum::<usize>();
            }
            _ => {
                if before.is_some_and(is_word) {
                    return None;
                }
            }
        }
    }
    if t.bound_end {
        match t.wildcard {
            Wildcard::Prefix | Wildcard::Both => {
                e = end + text[end..].chars().take_while(|&c| is_word(c)).map(char::len_utf8).sum::<usize>();
            }
            _ => {
                if after.is_some_and(is_word) {
                    return None;
                }
            }
        }
    }
    Some((s, e))
}

/// Term occurrences from the automaton's matches in `norm`'s text
/// (`raw`: pattern, start, end), word boundaries checked.
fn occurrences<N: NormView>(g: &Group, norm: &N, raw: &[(usize, usize, usize)], occ: &mut Occurrences) {
    // Clear only the bits the previous message set.
    for &(t, _, _) in &occ.spans {
        if let Some(w) = occ.present.get_mut(t >> 6) {
            *w = 0;
        }
    }
    occ.spans.clear();
    for &(pattern, start, end) in raw {
        for &t in &g.pattern_terms[pattern] {
            if let Some((s, e)) = bounded(norm, start, end, &g.terms[t]) {
                occ.spans.push((t, s, e));
            }
        }
    }
    occ.spans.sort_by_key(|o| o.0);
    if occ.present.len() < g.terms.len() / 64 + 1 {
        occ.present.resize(g.terms.len() / 64 + 1, 0);
    }
    for &(t, _, _) in &occ.spans {
        occ.present[t >> 6] |= 1 << (t & 63);
    }
}

/// Unit index (word for Latin, char for CJK) of every unit start in the text.
fn unit_starts(text: &str) -> Vec<(usize, u32)> {
    let mut out = Vec::new();
    let mut in_word = false;
    let mut n = 0u32;
    for (i, c) in text.char_indices() {
        if is_cjk(c) {
            out.push((i, n));
            n += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                out.push((i, n));
                n += 1;
                in_word = true;
            }
        } else {
            in_word = false;
        }
    }
    out
}

/// Unit index of the unit containing byte `b`.
fn unit_at(units: &[(usize, u32)], b: usize) -> u32 {
    match units.binary_search_by_key(&b, |&(s, _)| s) {
        Ok(i) => units[i].1,
        Err(0) => 0,
        Err(i) => units[i - 1].1,
    }
}

type Spans = Vec<(usize, usize, TermId)>;

/// Whether an expression holds: `eval(..).is_some()` without building span
/// lists, except for a proximity operator whose both sides hold.
fn holds<N: NormView>(e: &CExpr, occ: &Occurrences, norm: &N, units: &mut Option<Vec<(usize, u32)>>) -> bool {
    match e {
        CExpr::Term(t) => occ.has(*t),
        CExpr::AnyTerm(ts) => ts.iter().any(|&t| occ.has(t)),
        CExpr::Or(a, b) => holds(a, occ, norm, units) || holds(b, occ, norm, units),
        CExpr::And(a, b) => holds(a, occ, norm, units) && holds(b, occ, norm, units),
        CExpr::Not(a) => !holds(a, occ, norm, units),
        // Both sides must hold first (cheap, short-circuits); only then
        // build their span lists and measure the distance.
        CExpr::Near { left, right, .. } => {
            holds(left, occ, norm, units) && holds(right, occ, norm, units) && eval(e, occ, norm, units).is_some()
        }
    }
}

/// Evaluate an expression: `None` = false; `Some(spans)` = true with evidence.
fn eval<N: NormView>(e: &CExpr, occ: &Occurrences, norm: &N, units: &mut Option<Vec<(usize, u32)>>) -> Option<Spans> {
    match e {
        CExpr::Term(t) => {
            let v = occ.of(*t);
            (!v.is_empty()).then(|| v.iter().map(|&(t, s, e)| (s, e, t)).collect())
        }
        // The spans of each term in order, as the nested ORs it stands for.
        CExpr::AnyTerm(ts) => {
            let spans: Spans = ts.iter().flat_map(|&t| occ.of(t)).map(|&(t, s, e)| (s, e, t)).collect();
            (!spans.is_empty()).then_some(spans)
        }
        CExpr::Or(a, b) => match (eval(a, occ, norm, units), eval(b, occ, norm, units)) {
            (None, None) => None,
            (Some(x), None) | (None, Some(x)) => Some(x),
            (Some(mut x), Some(y)) => {
                x.extend(y);
                Some(x)
            }
        },
        CExpr::And(a, b) => {
            let mut x = eval(a, occ, norm, units)?;
            x.extend(eval(b, occ, norm, units)?);
            Some(x)
        }
        CExpr::Not(a) => match eval(a, occ, norm, units) {
            Some(_) => None,
            None => Some(Vec::new()),
        },
        CExpr::Near { left, right, distance, ordered } => {
            let l = eval(left, occ, norm, units)?;
            let r = eval(right, occ, norm, units)?;
            let u = units.get_or_insert_with(|| unit_starts(norm.text()));
            let mut out = Vec::new();
            for a in &l {
                for b in &r {
                    let (first, second) = if a.0 <= b.0 { (a, b) } else { (b, a) };
                    if *ordered && first != a {
                        continue;
                    }
                    let last_of_first = unit_at(u, first.1.saturating_sub(1).max(first.0));
                    let start_of_second = unit_at(u, second.0);
                    let gap = start_of_second.saturating_sub(last_of_first + 1);
                    let overlapping = second.0 < first.1;
                    if overlapping || gap <= *distance {
                        out.push(*a);
                        out.push(*b);
                    }
                }
            }
            if out.is_empty() {
                None
            } else {
                out.sort_unstable();
                out.dedup();
                Some(out)
            }
        }
    }
}

/// Metadata conditions; `None` if one fails, else the list of those that held.
fn meta_holds(c: &MetaCond, m: &MessageView, opts: &NormalizeOptions) -> Option<Vec<String>> {
    let mut held = Vec::new();
    if let Some(kinds) = &c.kinds {
        let k = m.kind?;
        if !kinds.contains(&k) {
            return None;
        }
        held.push(format!("kind={}", k.as_str()));
    }
    if c.amount_min.is_some() || c.amount_max.is_some() {
        let a = m.amount?;
        if c.amount_min.is_some_and(|min| a < min) || c.amount_max.is_some_and(|max| a > max) {
            return None;
        }
        held.push(format!("amount={a}"));
    }
    if let Some(globs) = &c.attachment_globs {
        // File names are evidence the sender chose too: 機密.pdf and 内 部.docx
        // dodge `*机密*` / `*内部*` unless the name is normalised like the text.
        let opts = name_options(opts);
        let name = m.attachments.iter().find(|n| {
            globs.iter().any(|(raw, _)| raw.is_match(n)) || {
                let folded = normalize_str(n, &opts);
                globs.iter().any(|(_, norm)| norm.is_match(&folded))
            }
        })?;
        held.push(format!("attachment={name}"));
    }
    if let Some(senders) = &c.senders {
        let hit = [m.sender, m.sender_name].into_iter().flatten().find(|s| senders.iter().any(|x| x == s))?;
        held.push(format!("sender={hit}"));
    }
    if let Some(convs) = &c.conversations {
        let hit = [m.conversation, m.conversation_title].into_iter().flatten().find(|s| convs.iter().any(|x| x == s))?;
        held.push(format!("conversation={hit}"));
    }
    if c.after.is_some() || c.before.is_some() || c.hours.is_some() {
        let ts = m.timestamp?;
        let ms = ts.timestamp_millis();
        if c.after.is_some_and(|a| ms < a) || c.before.is_some_and(|b| ms >= b) {
            return None;
        }
        if let Some((from, to)) = c.hours {
            let h = ts.hour();
            let inside = if from <= to { h >= from && h < to } else { h >= from || h < to };
            if !inside {
                return None;
            }
            held.push(format!("hour={h}"));
        }
    }
    Some(held)
}

/// File names are normalised like text but keep repeated letters: `*xxx*`
/// collapsed to `*x*` would match every `.docx`.
fn name_options(opts: &NormalizeOptions) -> NormalizeOptions {
    NormalizeOptions { collapse_repeats: false, ..*opts }
}

/// A file-name glob as a regex; with `opts`, its literal pieces are
/// normalised first (to match normalised names).
fn glob_to_regex(glob: &str, opts: Option<&NormalizeOptions>) -> Result<Regex, regex::Error> {
    let mut re = String::from("(?i)^");
    let mut piece = String::new();
    let flush = |piece: &mut String, re: &mut String| {
        let lit = match opts {
            Some(o) => normalize_str(piece, o),
            None => piece.clone(),
        };
        re.push_str(&regex::escape(&lit));
        piece.clear();
    };
    for c in glob.chars() {
        match c {
            '*' | '?' => {
                flush(&mut piece, &mut re);
                re.push_str(if c == '*' { ".*" } else { "." });
            }
            c => piece.push(c),
        }
    }
    flush(&mut piece, &mut re);
    re.push('$');
    Regex::new(&re)
}

fn parse_instant(s: &str) -> Option<i64> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp_millis());
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|n| n.and_utc().timestamp_millis())
}

fn parse_hours(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.split_once('-')?;
    let a: u32 = a.trim().parse().ok()?;
    let b: u32 = b.trim().parse().ok()?;
    (a <= 24 && b <= 24 && a != b).then_some((a % 24, b % 24))
}

/// Byte offset of a query's column inside the pack file (best effort: the
/// string's span plus the column, assuming no escapes before it).
fn query_offset(span_start: usize, column: usize, value: &str) -> usize {
    span_start + 1 + value.chars().take(column.saturating_sub(1)).map(char::len_utf8).sum::<usize>()
}

fn compile_rule(
    src: &PackSource,
    g: &mut Group,
    rule: &RuleDef,
    pack: usize,
    red_line: usize,
    red_line_severity: Severity,
) -> Result<CompiledRule, RuleError> {
    let rid = rule.id.get_ref();
    let query_expr: Option<Expr> = match (&rule.query, &rule.terms) {
        (Some(_), Some(t)) => {
            return Err(src.error_at(t.span().start, format!("rule {rid:?} has both `query` and `terms`"), "use one: terms = [...] is short for query = \"a OR b OR …\""))
        }
        (Some(q), None) => Some(query::parse(q.get_ref()).map_err(|e| {
            src.error_at(query_offset(q.span().start, e.column, q.get_ref()), format!("rule {rid:?}: {}", e.message), e.hint)
        })?),
        (None, Some(terms)) => {
            let mut expr: Option<Expr> = None;
            for t in terms.get_ref() {
                let parsed = query::parse(&format!("\"{}\"", t.replace('"', ""))).map_err(|e| {
                    src.error_at(terms.span().start, format!("rule {rid:?}: term {t:?}: {}", e.message), e.hint)
                })?;
                // A term list keeps wildcards: "brib*" in the list is a prefix.
                let parsed = match parsed {
                    Expr::Term(mut term) if t.ends_with('*') || t.starts_with('*') => {
                        let w = query::parse(t).ok();
                        if let Some(Expr::Term(w)) = w {
                            term = w;
                        }
                        Expr::Term(term)
                    }
                    other => other,
                };
                expr = Some(match expr {
                    None => parsed,
                    Some(prev) => Expr::Or(Box::new(prev), Box::new(parsed)),
                });
            }
            if expr.is_none() {
                return Err(src.error_at(terms.span().start, format!("rule {rid:?}: empty `terms`"), "list at least one term"));
            }
            expr
        }
        (None, None) => None,
    };
    if let (Some(e), Some(span)) = (&query_expr, rule.query.as_ref().map(|q| q.span()).or(rule.terms.as_ref().map(|t| t.span()))) {
        check_terms(src, rid, e, span.start, &g.opts)?;
    }
    let unless_expr = match &rule.unless {
        Some(u) => Some(query::parse(u.get_ref()).map_err(|e| {
            src.error_at(query_offset(u.span().start, e.column, u.get_ref()), format!("rule {rid:?} unless: {}", e.message), e.hint)
        })?),
        None => None,
    };
    if let (Some(e), Some(u)) = (&unless_expr, &rule.unless) {
        check_terms(src, rid, e, u.span().start, &g.opts)?;
    }
    let mut regexes = Vec::new();
    if let Some(list) = &rule.regex {
        for r in list.get_ref() {
            let re = regex::RegexBuilder::new(r)
                .size_limit(REGEX_SIZE_LIMIT)
                .dfa_size_limit(REGEX_DFA_LIMIT)
                .build()
                .map_err(|e| src.error_at(list.span().start, format!("rule {rid:?}: bad regex {r:?}: {e}"), "regexes use Rust regex syntax and run on the normalised (lower-case) text"))?;
            regexes.push((r.clone(), re));
        }
    }
    let mut attachment_globs = None;
    if let Some(globs) = &rule.attachment_names {
        let mut v = Vec::new();
        for gl in globs {
            let bad = |e: regex::Error| src.error_at(rule.id.span().start, format!("rule {rid:?}: bad glob {gl:?}: {e}"), "globs use * and ?");
            v.push((glob_to_regex(gl, None).map_err(bad)?, glob_to_regex(gl, Some(&name_options(&g.opts))).map_err(bad)?));
        }
        attachment_globs = Some(v);
    }
    let time = |f: &Option<toml::Spanned<String>>| -> Result<Option<i64>, RuleError> {
        match f {
            None => Ok(None),
            Some(s) => parse_instant(s.get_ref()).map(Some).ok_or_else(|| {
                src.error_at(s.span().start, format!("rule {rid:?}: {:?} is not a date or time", s.get_ref()), "use 2026-03-01 or 2026-03-01T09:00:00+08:00")
            }),
        }
    };
    let hours = match &rule.hours {
        None => None,
        Some(h) => Some(parse_hours(h.get_ref()).ok_or_else(|| {
            src.error_at(h.span().start, format!("rule {rid:?}: hours {:?} is not a range", h.get_ref()), "use \"22-06\" for 22:00 to 06:00 on the sender's clock")
        })?),
    };
    let meta = MetaCond {
        kinds: rule.kinds.clone(),
        amount_min: rule.amount_min,
        amount_max: rule.amount_max,
        attachment_globs,
        senders: rule.senders.clone(),
        conversations: rule.conversations.clone(),
        after: time(&rule.after)?,
        before: time(&rule.before)?,
        hours,
    };
    let has_meta = meta.kinds.is_some()
        || meta.amount_min.is_some()
        || meta.amount_max.is_some()
        || meta.attachment_globs.is_some()
        || meta.senders.is_some()
        || meta.conversations.is_some()
        || meta.after.is_some()
        || meta.before.is_some()
        || meta.hours.is_some();
    if query_expr.is_none() && regexes.is_empty() && !has_meta {
        return Err(src.error_at(rule.id.span().start, format!("rule {rid:?} has no condition"), "give it a query, terms, regex or a metadata condition such as kinds = [\"transfer\"]"));
    }
    let opts = g.opts;
    let query = query_expr.as_ref().map(|e| compile_expr(e, g, &opts));
    let unless = unless_expr.as_ref().map(|e| compile_expr(e, g, &opts));
    let always = match &query_expr {
        None => regexes.is_empty(),
        Some(q) => q.matches_empty(),
    };
    Ok(CompiledRule { pack, red_line, id: rid.clone(), severity: rule.severity.unwrap_or(red_line_severity), query, regexes, unless, meta, always })
}

/// Terms that normalisation reduces to (almost) nothing would match
/// everywhere: `xxx` collapses to `x`, `"f***"` is the wildcard `f*`.
fn check_terms(src: &PackSource, rid: &str, e: &Expr, at: usize, opts: &NormalizeOptions) -> Result<(), RuleError> {
    for t in e.terms() {
        let literal = normalize_str(&t.text, opts).trim().to_string();
        let n = literal.chars().count();
        let latin = !literal.chars().any(is_cjk);
        let problem = if n == 0 {
            Some("normalises to nothing".to_string())
        } else if latin && t.wildcard != Wildcard::None && n < 3 {
            Some(format!("is a wildcard on only {n} letter(s) ({literal:?}), which matches a large share of all words"))
        } else if latin && n == 1 && t.text.chars().count() > 1 {
            Some(format!("normalises to the single letter {literal:?}"))
        } else {
            None
        };
        if let Some(p) = problem {
            return Err(src.error_at(
                at,
                format!("rule {rid:?}: term {:?} {p}", t.text),
                "write a longer term; a * at the edge of a term is a wildcard, and repeated letters collapse (xxx → x)",
            ));
        }
    }
    Ok(())
}

fn compile_expr(e: &Expr, g: &mut Group, opts: &NormalizeOptions) -> CExpr {
    match e {
        Expr::Term(t) => CExpr::Term(intern_term(g, &t.text, t.wildcard, opts)),
        Expr::And(a, b) => CExpr::And(Box::new(compile_expr(a, g, opts)), Box::new(compile_expr(b, g, opts))),
        Expr::Or(a, b) => {
            let (a, b) = (compile_expr(a, g, opts), compile_expr(b, g, opts));
            match (term_list(&a), term_list(&b)) {
                (Some(mut x), Some(y)) => {
                    x.extend(y);
                    CExpr::AnyTerm(x)
                }
                _ => CExpr::Or(Box::new(a), Box::new(b)),
            }
        }
        Expr::Not(a) => CExpr::Not(Box::new(compile_expr(a, g, opts))),
        Expr::Near { left, right, distance, ordered } => CExpr::Near {
            left: Box::new(compile_expr(left, g, opts)),
            right: Box::new(compile_expr(right, g, opts)),
            distance: *distance,
            ordered: *ordered,
        },
    }
}

/// The terms of a plain term or an OR of plain terms, in order.
fn term_list(e: &CExpr) -> Option<Vec<TermId>> {
    match e {
        CExpr::Term(t) => Some(vec![*t]),
        CExpr::AnyTerm(ts) => Some(ts.clone()),
        _ => None,
    }
}

/// The literal that goes into the automaton for a term, and its term info.
/// With pinyin on, a Chinese term also yields its pinyin and initials as
/// alternative literals of the same term (see `pinyin_forms`).
fn intern_term(g: &mut Group, text: &str, wildcard: Wildcard, opts: &NormalizeOptions) -> TermId {
    let n = normalize(text, opts);
    let literal = n.text.trim().to_string();
    let own_steps = n.steps_in(0, n.text.len());
    let first = literal.chars().next();
    let last = literal.chars().next_back();
    let info = TermInfo {
        display: text.to_string(),
        wildcard,
        bound_start: first.is_some_and(is_word),
        bound_end: last.is_some_and(is_word),
        own_steps,
    };
    // Reuse an identical term.
    if let Some(i) = g.terms.iter().position(|t| t.display == info.display && t.wildcard == wildcard) {
        return i;
    }
    let id = g.terms.len();
    g.terms.push(info);
    g.term_rules.push(Vec::new());
    let mut literals = vec![literal.clone()];
    if opts.leetspeak {
        literals.extend(one_and_l_forms(&literal, opts));
    }
    if opts.pinyin {
        literals.extend(pinyin_forms(text));
    }
    for lit in literals {
        if lit.is_empty() {
            continue;
        }
        match g.literals.iter().position(|l| *l == lit) {
            Some(p) => g.pattern_terms[p].push(id),
            None => {
                g.literals.push(lit);
                g.pattern_terms.push(vec![id]);
            }
        }
    }
    id
}

/// The l/1/I confusion, on the term side. Leetspeak reads a `1` inside a
/// word as `i`, but senders write `1` for `l` just as often (hust1e, se1f);
/// and a lower-case `l` passes for a capital `I` at the start of a word
/// (lnternal). Folding every `l` to `i` in all text would merge real words
/// (fall/fail), so instead a Latin term of four or more letters gets the
/// alternative literals a sender's spelling folds to: every `l` read as `i`,
/// and a leading `i` written as `l`.
///
/// A sender may swap any of the `l`s, so every combination counts (for up to
/// three; beyond that only all of them); each form is normalised again, since
/// `pub1ic` folds to `pubic` once `ii` collapses.
fn one_and_l_forms(literal: &str, opts: &NormalizeOptions) -> Vec<String> {
    let letters = literal.chars().filter(|c| c.is_ascii_alphabetic()).count();
    if letters < 4 || literal.chars().any(is_cjk) {
        return Vec::new();
    }
    let ls: Vec<usize> = literal.char_indices().filter(|&(_, c)| c == 'l').map(|(i, _)| i).collect();
    let masks: Vec<u32> = if ls.len() <= 3 { (1..1u32 << ls.len()).collect() } else { vec![u32::MAX] };
    let mut out = Vec::new();
    for mask in masks {
        let mut form = literal.to_string().into_bytes();
        for (bit, &i) in ls.iter().enumerate() {
            if mask & (1 << bit.min(31)) != 0 {
                form[i] = b'i';
            }
        }
        out.push(String::from_utf8_lossy(&form).into_owned());
    }
    if let Some(rest) = literal.strip_prefix('i') {
        out.push(format!("l{rest}"));
    }
    let mut out: Vec<String> = out.iter().map(|f| normalize_str(f, opts)).filter(|f| f != literal).collect();
    out.sort();
    out.dedup();
    out
}

/// Pinyin spellings of a Chinese term: full (hongbao) and initials (hb).
/// Only terms of two or more Han characters get them: one letter is too
/// short to mean anything.
fn pinyin_forms(text: &str) -> Vec<String> {
    use pinyin::ToPinyin;
    let han: Vec<char> = text.chars().filter(|&c| is_cjk(c)).collect();
    if han.len() < 2 || han.len() != text.chars().count() {
        return Vec::new();
    }
    let mut full = String::new();
    let mut initials = String::new();
    for c in han {
        match c.to_pinyin() {
            Some(p) => {
                full.push_str(p.plain());
                initials.push_str(p.first_letter());
            }
            None => return Vec::new(),
        }
    }
    vec![full, initials]
}

fn build_automaton(g: &mut Group) -> Result<(), RuleError> {
    // The regex-only rules' required literals: a term literal already in
    // the automaton gates them as it is, the others are added after the
    // term literals (patterns without terms).
    g.gates_regexes = vec![false; g.literals.len()];
    let mut gates: Vec<String> = Vec::new();
    let mut gated = true;
    for &ri in &g.regex_only {
        for (src, _) in &g.rules[ri].regexes {
            let Some(lits) = required_literals(src) else {
                gated = false;
                continue;
            };
            for lit in lits {
                match g.literals.iter().position(|l| *l == lit) {
                    Some(p) => g.gates_regexes[p] = true,
                    None if !gates.contains(&lit) => gates.push(lit),
                    None => {}
                }
            }
        }
    }
    g.regexes_gated = gated;
    if g.literals.is_empty() && gates.is_empty() {
        return Ok(());
    }
    let patterns: Vec<&str> = g.literals.iter().chain(&gates).map(String::as_str).collect();
    g.gates_regexes.resize(patterns.len(), true);
    g.pattern_terms.resize(patterns.len(), Vec::new());
    g.automaton = Some(term_dfa(&patterns)?);
    g.gate_literals = gates;
    Ok(())
}

/// The automaton of the patterns that wake a rule or gate a regex (run
/// after `assign_wake_terms`). It answers one question per text, whether
/// any of them occurs: on 1M generated messages 6.4 % have one once the set
/// is tuned (17 % untuned), and only those need every occurrence of every
/// pattern. Its key filter is built with it, on the same texts.
fn build_wake_automaton(g: &mut Group, sample: &[&str]) {
    let patterns: Vec<&str> = g
        .literals
        .iter()
        .chain(&g.gate_literals)
        .enumerate()
        .filter(|&(p, _)| g.pattern_rules.get(p).is_some_and(|r| !r.is_empty()) || g.gates_regexes.get(p).copied().unwrap_or(false))
        .map(|(_, l)| l.as_str())
        .collect();
    g.wake_patterns = patterns.len();
    // A subset of the patterns of an automaton that was built: it builds. If
    // it did not, every text would go to the full automaton (`wake_patterns`).
    g.wake_automaton = if patterns.is_empty() { None } else { term_dfa(&patterns).ok() };
    let mut normalizer = Normalizer::default();
    let texts: Vec<String> =
        g.examples.iter().map(String::as_str).chain(sample.iter().copied()).map(|t| normalizer.text(t, &g.opts).to_string()).collect();
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    g.key_filter = if patterns.is_empty() { None } else { KeyFilter::build(&patterns, &texts) };
}

/// A DFA of `patterns` with standard match semantics: it can report every
/// occurrence (overlapping), or stop at the first.
fn term_dfa(patterns: &[&str]) -> Result<AhoCorasick, RuleError> {
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(patterns)
        .map_err(|e| RuleError::Automaton(e.to_string()))
}

/// Chooses, for every rule with a query, the terms that wake it (fills
/// `term_rules` and `pattern_rules`).
///
/// A rule need only be decided on a text where some term occurs without
/// which its query cannot hold (`wake_terms`): for `A AND (B w/5 C)` any one
/// of A, B or C will do, and the rarest is chosen, so a rule that needs 回扣
/// is not decided on every message containing 我. How rare a term is is
/// estimated, deterministically, by the number of texts it occurs in —
/// the packs' examples and the `sample` of messages to scan, if any — then
/// by its length (`term_cost`). The choice only moves time around: a rule
/// is skipped only where it cannot fire.
fn assign_wake_terms(g: &mut Group, sample: &[&str]) {
    let mut seen = vec![0u32; g.terms.len()];
    if let Some(ac) = &g.automaton {
        let mut normalizer = Normalizer::default();
        let mut present = vec![false; g.terms.len()];
        for text in g.examples.iter().map(String::as_str).chain(sample.iter().copied()) {
            present.iter_mut().for_each(|p| *p = false);
            let view = normalizer.run(text, &g.opts);
            for mat in ac.find_overlapping_iter(view.text) {
                for &t in g.pattern_terms.get(mat.pattern().as_usize()).map_or(&[][..], Vec::as_slice) {
                    present[t] = true;
                }
            }
            for (n, &p) in seen.iter_mut().zip(&present) {
                *n += u32::from(p);
            }
        }
    }
    // The length of each term's shortest literal.
    let mut literal_chars = vec![usize::MAX; g.terms.len()];
    for (ts, l) in g.pattern_terms.iter().zip(&g.literals) {
        let n = l.chars().map(|c| if is_cjk(c) { 2 } else { 1 }).sum::<usize>();
        for &t in ts {
            if let Some(m) = literal_chars.get_mut(t) {
                *m = (*m).min(n);
            }
        }
    }
    let cost = |t: TermId| term_cost(seen.get(t).copied().unwrap_or(0), literal_chars.get(t).copied().unwrap_or(0));
    for rs in &mut g.term_rules {
        rs.clear();
    }
    for (idx, rule) in g.rules.iter().enumerate() {
        if rule.always {
            continue;
        }
        let Some(q) = &rule.query else { continue };
        let wake = match wake_terms(q, &cost) {
            Some((_, ts)) => ts,
            // Cannot happen for a rule that is not `always`; all its
            // positive terms, as before, if it does.
            None => {
                let mut pos = Vec::new();
                positive_terms(q, &mut pos);
                pos
            }
        };
        for t in wake {
            if !g.term_rules[t].contains(&idx) {
                g.term_rules[t].push(idx);
            }
        }
    }
    g.pattern_rules = g
        .pattern_terms
        .iter()
        .map(|ts| {
            let mut rules: Vec<usize> = ts.iter().flat_map(|&t| g.term_rules[t].iter().copied()).collect();
            rules.sort_unstable();
            rules.dedup();
            rules
        })
        .collect();
}

/// Estimated frequency of a term: the example texts it occurs in weigh
/// most; among terms as rare in the examples, the shorter (in Latin letters,
/// a CJK char counting two) is the more frequent in chat (我 before 回扣).
fn term_cost(seen_in_examples: u32, units: usize) -> u64 {
    u64::from(seen_in_examples) * 16 + 12 / units.clamp(1, 12) as u64
}

/// Terms one of which occurs in every text on which `e` holds, chosen to
/// keep the summed `cost` low, with that cost; `None` when `e` can hold with
/// none of its terms (under a NOT). AND and proximity need both sides, so
/// either side's terms will do; OR needs the terms of both.
fn wake_terms(e: &CExpr, cost: &dyn Fn(TermId) -> u64) -> Option<(u64, Vec<TermId>)> {
    match e {
        CExpr::Term(t) => Some((cost(*t), vec![*t])),
        CExpr::AnyTerm(ts) => Some((ts.iter().map(|&t| cost(t)).sum(), ts.clone())),
        CExpr::And(a, b) | CExpr::Near { left: a, right: b, .. } => match (wake_terms(a, cost), wake_terms(b, cost)) {
            (Some(x), Some(y)) => Some(if y.0 < x.0 { y } else { x }),
            (Some(x), None) | (None, Some(x)) => Some(x),
            (None, None) => None,
        },
        CExpr::Or(a, b) => {
            let (ca, mut ta) = wake_terms(a, cost)?;
            let (cb, tb) = wake_terms(b, cost)?;
            ta.extend(tb);
            Some((ca + cb, ta))
        }
        CExpr::Not(_) => None,
    }
}

/// Literals one of which every match of the regex `pattern` contains: the
/// set its matches can start with, or the set they can end with, whichever
/// has the longer shortest literal (the rarer in text). None when neither
/// is a finite set of non-empty literals (a regex that can start and end
/// with any digit, or match the empty string).
fn required_literals(pattern: &str) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    // The same syntax and defaults as `regex::Regex` (Unicode, UTF-8).
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut best: Option<(usize, Vec<String>)> = None;
    for kind in [ExtractKind::Prefix, ExtractKind::Suffix] {
        let seq = Extractor::new().kind(kind).extract(&hir);
        let Some(lits) = seq.literals() else { continue };
        let strs: Option<Vec<String>> =
            lits.iter().map(|l| String::from_utf8(l.as_bytes().to_vec()).ok().filter(|s| !s.is_empty())).collect();
        let Some(strs) = strs else { continue };
        let Some(shortest) = strs.iter().map(String::len).min() else { continue };
        if best.as_ref().is_none_or(|(b, _)| shortest > *b) {
            best = Some((shortest, strs));
        }
    }
    best.map(|(_, strs)| strs)
}

/// The regex-only rules' patterns as one `RegexSet` (same matches as each
/// regex's `is_match`), within the per-regex limits times their number.
fn build_regex_set(g: &mut Group) {
    let mut patterns = Vec::new();
    let mut owner = Vec::new();
    for &ri in &g.regex_only {
        for (src, _) in &g.rules[ri].regexes {
            patterns.push(src.as_str());
            owner.push(ri);
        }
    }
    if patterns.is_empty() {
        return;
    }
    let set = regex::RegexSetBuilder::new(&patterns)
        .size_limit(REGEX_SIZE_LIMIT * patterns.len())
        .dfa_size_limit(REGEX_DFA_LIMIT * patterns.len())
        .build();
    g.regex_only_set = set.ok().map(|set| (set, owner));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in packs' regex-only rules fit in one set (otherwise each
    /// regex runs on its own: correct, but a pass over the text per regex).
    #[test]
    fn builtin_regex_only_rules_form_one_set() {
        let set = RuleSet::compile(&crate::rules::builtin().expect("built-in packs")).expect("compile");
        for g in &set.groups {
            assert_eq!(g.regex_only_set.is_some(), !g.regex_only.is_empty());
        }
        assert!(set.groups.iter().any(|g| g.regex_only_set.is_some()));
    }

    /// Every regex of the built-in regex-only rules has required literals,
    /// and every match of it (on generated chat and the packs' own
    /// examples) contains one: skipping the set on texts without them wakes
    /// the same rules.
    #[test]
    fn regex_only_rules_run_only_where_their_required_literals_occur() {
        let sources = crate::rules::builtin().expect("built-in packs");
        let set = RuleSet::compile(&sources).expect("compile");
        let mut texts = chat_and_examples(&sources, 11);
        texts.extend(["转您5000，事情麻烦了", "红包 ￥8,000", "we guarantee 12% returns", "转你50，奶茶钱", "1票给50"].map(String::from));
        let mut matched = 0;
        for g in &set.groups {
            assert!(g.regex_only.is_empty() || g.regexes_gated, "a built-in regex has no required literal");
            for &ri in &g.regex_only {
                for (src, re) in &g.rules[ri].regexes {
                    let lits = required_literals(src).expect("required literals");
                    for t in &texts {
                        let plain = normalize_str(t, &g.opts);
                        if let Some(m) = re.find(&plain) {
                            matched += 1;
                            assert!(lits.iter().any(|l| m.as_str().contains(l.as_str())), "{src} on {plain:?}");
                        }
                    }
                }
            }
        }
        assert!(matched > 20, "{matched} matches");
        assert!(required_literals("a*").is_none() && required_literals(r"\d+").is_none());
        assert_eq!(required_literals("(ab|cd)\\d+"), Some(vec!["ab".to_string(), "cd".to_string()]));
    }

    /// 20,000 generated chat messages (seed `seed`) and the packs' examples.
    fn chat_and_examples(sources: &[PackSource], seed: u64) -> Vec<String> {
        let gen = crate::corpus_gen::GenOptions::new(20_000, seed, crate::corpus_gen::OutputFormat::Jsonl);
        let mut out = Vec::new();
        crate::corpus_gen::generate(&gen, &mut out).expect("generate");
        let mut texts: Vec<String> = String::from_utf8_lossy(&out)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok()?.get("text")?.as_str().map(String::from))
            .collect();
        for src in sources {
            for rl in &src.file.red_lines {
                for r in &rl.rules {
                    texts.extend(r.must_match.iter().chain(&r.must_not_match).map(|e| e.message().text));
                }
            }
        }
        texts
    }

    fn t(i: TermId) -> Box<CExpr> {
        Box::new(CExpr::Term(i))
    }

    fn near(a: Box<CExpr>, b: Box<CExpr>) -> CExpr {
        CExpr::Near { left: a, right: b, distance: 5, ordered: false }
    }

    /// The wake set of each operator: AND and proximity take the cheaper
    /// side, OR the union of both, NOT none (the other side of an AND).
    #[test]
    fn wake_terms_take_the_rarest_required_terms() {
        // Term i costs 10 - i: term 9 is the rarest.
        let cost = |i: TermId| 10 - i as u64;
        let wake = |e: &CExpr| wake_terms(e, &cost).map(|(_, mut ts)| {
            ts.sort_unstable();
            ts
        });
        // A AND (B w/5 C): any one will do, the rarest is C.
        assert_eq!(wake(&CExpr::And(t(1), Box::new(near(t(2), t(3))))), Some(vec![3]));
        // A OR (B w/5 C): A, and the rarer of B and C.
        assert_eq!(wake(&CExpr::Or(t(1), Box::new(near(t(2), t(3))))), Some(vec![1, 3]));
        // (A OR B) AND C: C (cost 7) beats A + B (9 + 8).
        assert_eq!(wake(&CExpr::And(Box::new(CExpr::AnyTerm(vec![1, 2])), t(3))), Some(vec![3]));
        // (A OR B) w/5 C with C the most common: A + B (4 + 3) beats C (9).
        assert_eq!(wake(&near(Box::new(CExpr::AnyTerm(vec![6, 7])), t(1))), Some(vec![6, 7]));
        // A AND NOT B: only A can wake it.
        assert_eq!(wake(&CExpr::And(t(1), Box::new(CExpr::Not(t(9))))), Some(vec![1]));
        assert_eq!(wake(&CExpr::And(Box::new(CExpr::Not(t(9))), t(1))), Some(vec![1]));
        // A OR NOT B can hold with no term at all; so can NOT A.
        assert_eq!(wake(&CExpr::Or(t(1), Box::new(CExpr::Not(t(9))))), None);
        assert_eq!(wake(&CExpr::Not(t(1))), None);
        // (A AND NOT B) OR (C w/5 D): A, and the rarer of C and D.
        let e = CExpr::Or(Box::new(CExpr::And(t(1), Box::new(CExpr::Not(t(2))))), Box::new(near(t(4), t(5))));
        assert_eq!(wake(&e), Some(vec![1, 5]));
        // (A OR B) AND (C OR (D w/5 E)): {A, B} (9 + 8) against {C, E} (7 + 5).
        let e = CExpr::And(Box::new(CExpr::AnyTerm(vec![1, 2])), Box::new(CExpr::Or(t(3), Box::new(near(t(4), t(5))))));
        assert_eq!(wake(&e), Some(vec![3, 5]));
    }

    /// On generated chat and the packs' examples, every built-in rule whose
    /// query holds has one of its wake terms in the text (so gating on them
    /// skips no rule that can fire), and the gate leaves fewer candidates.
    #[test]
    fn every_rule_that_holds_contains_a_wake_term() {
        let sources = crate::rules::builtin().expect("built-in packs");
        let texts = chat_and_examples(&sources, 7);
        let untuned = RuleSet::compile(&sources).expect("compile");
        let mut tuned = RuleSet::compile(&sources).expect("compile");
        tuned.tune(&texts.iter().step_by(10).map(String::as_str).collect::<Vec<_>>());
        for set in [untuned, tuned] {
            wake_terms_cover_every_hold(&set, &texts);
        }
    }

    fn wake_terms_cover_every_hold(set: &RuleSet, texts: &[String]) {
        let (mut held, mut woken_all, mut woken_gated) = (0, 0, 0);
        for g in &set.groups {
            let Some(ac) = &g.automaton else { continue };
            let mut occ = Occurrences::default();
            // Rule → its wake terms.
            let mut wake: Vec<Vec<TermId>> = vec![Vec::new(); g.rules.len()];
            for (t, rs) in g.term_rules.iter().enumerate() {
                for &ri in rs {
                    wake[ri].push(t);
                }
            }
            for text in texts {
                let norm = normalize(text, &g.opts);
                let raw: Vec<(usize, usize, usize)> =
                    ac.find_overlapping_iter(&norm.text).map(|m| (m.pattern().as_usize(), m.start(), m.end())).collect();
                occurrences(g, &norm, &raw, &mut occ);
                for (ri, rule) in g.rules.iter().enumerate() {
                    let Some(q) = &rule.query else { continue };
                    if rule.always {
                        continue;
                    }
                    let mut pos = Vec::new();
                    positive_terms(q, &mut pos);
                    woken_all += usize::from(pos.iter().any(|&t| occ.has(t)));
                    let gated = wake[ri].iter().any(|&t| occ.has(t));
                    woken_gated += usize::from(gated);
                    if holds(q, &occ, &norm, &mut None) {
                        held += 1;
                        assert!(gated, "rule {} holds on {text:?} without a wake term", rule.id);
                    }
                }
            }
        }
        eprintln!("{} texts: {held} rules held, {woken_all} rules woken by any term, {woken_gated} by their wake terms", texts.len());
        assert!(held > 500, "{held} rules held");
        assert!(woken_gated < woken_all, "{woken_gated} woken with the gate, {woken_all} without");
    }

    /// Tuning moves time, never hits: the same rules fire with the same
    /// evidence whatever sample chose the wake terms, and chat that is full
    /// of a term makes it wake fewer texts.
    #[test]
    fn tuning_changes_which_texts_are_decided_not_the_hits() {
        let sources = crate::rules::builtin().expect("built-in packs");
        let texts = chat_and_examples(&sources, 3);
        let hits = |set: &RuleSet| -> Vec<Vec<(String, String, Vec<(usize, usize)>)>> {
            texts
                .iter()
                .map(|t| {
                    set.match_message(&MessageView { text: t, kind: Some(MessageKind::Text), ..Default::default() })
                        .into_iter()
                        .map(|m| (m.red_line, m.rule, m.evidence.iter().map(|e| (e.start, e.end)).collect()))
                        .collect()
                })
                .collect()
        };
        let woken = |set: &RuleSet| -> usize {
            texts
                .iter()
                .filter(|t| {
                    set.groups.iter().any(|g| {
                        let view = Normalizer::default().run(t, &g.opts).text.to_string();
                        g.wake_automaton.as_ref().is_some_and(|w| w.is_match(&view))
                    })
                })
                .count()
        };
        let untuned = RuleSet::compile(&sources).expect("compile");
        let want = hits(&untuned);
        assert!(want.iter().filter(|h| !h.is_empty()).count() > 300);
        let chat: Vec<&str> = texts.iter().take(20_000).step_by(10).map(String::as_str).collect();
        let mut tuned = RuleSet::compile(&sources).expect("compile");
        tuned.tune(&chat);
        assert_eq!(hits(&tuned), want, "tuned on chat");
        let (before, after) = (woken(&untuned), woken(&tuned));
        eprintln!("{} texts woken untuned, {} tuned", before, after);
        assert!(after * 2 < before, "{after} texts woken after tuning, {before} before");
        // A perverse sample (one text, over and over) is only slower.
        let mut perverse = RuleSet::compile(&sources).expect("compile");
        perverse.tune(&["老规矩，三个点，工程款到了就给 thanks for the help 红包"; 50]);
        assert_eq!(hits(&perverse), want, "tuned on one text");
    }

    /// The key filter never turns away a text in which a wake pattern
    /// occurs, and turns away most chat.
    #[test]
    fn key_filter_passes_every_text_the_wake_automaton_matches() {
        let sources = crate::rules::builtin().expect("built-in packs");
        let texts = chat_and_examples(&sources, 5);
        let mut tuned = RuleSet::compile(&sources).expect("compile");
        tuned.tune(&texts.iter().step_by(10).map(String::as_str).collect::<Vec<_>>());
        for (set, most) in [(RuleSet::compile(&sources).expect("compile"), 0.6), (tuned, 0.4)] {
            let g = &set.groups[0];
            let (Some(filter), Some(ac)) = (&g.key_filter, &g.wake_automaton) else { panic!("no wake filter") };
            let (mut matched, mut passed) = (0, 0);
            let mut normalizer = Normalizer::default();
            for t in &texts {
                let view = normalizer.run(t, &g.opts);
                let pass = filter.may_match(view.text);
                if ac.is_match(view.text) {
                    matched += 1;
                    assert!(pass, "{t:?} has a wake pattern but fails the key filter");
                }
                passed += usize::from(pass);
            }
            eprintln!("{} texts: {matched} with a wake pattern, {passed} pass the key filter", texts.len());
            assert!((passed as f64) < texts.len() as f64 * most, "{passed} of {} pass", texts.len());
        }
    }

    /// Candidates woken by the set are the rules whose regexes match.
    #[test]
    fn regex_set_wakes_the_same_rules_as_each_regex() {
        let set = RuleSet::compile(&crate::rules::builtin().expect("built-in packs")).expect("compile");
        let texts = ["转您5000，事情麻烦了", "红包 ￥8,000", "we guarantee 12% returns", "今天开会", "转你50，奶茶钱"];
        for g in &set.groups {
            let Some((rs, owner)) = &g.regex_only_set else { continue };
            for t in texts {
                let plain = normalize_str(t, &g.opts);
                let mut by_set: Vec<usize> = rs.matches(&plain).iter().map(|p| owner[p]).collect();
                by_set.sort_unstable();
                by_set.dedup();
                let by_each: Vec<usize> =
                    g.regex_only.iter().copied().filter(|&i| g.rules[i].regexes.iter().any(|(_, re)| re.is_match(&plain))).collect();
                assert_eq!(by_set, by_each, "{t}");
            }
        }
    }
}
