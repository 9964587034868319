//! The rule language and matching, on packs written inline.

use std::path::Path;

use redline::model::MessageKind;
use redline::rules::{pack::parse_pack, MessageView, RuleSet};

fn set(toml: &str) -> RuleSet {
    let src = parse_pack(Path::new("test.toml"), toml).unwrap_or_else(|e| panic!("{e}"));
    RuleSet::compile(&[src]).unwrap_or_else(|e| panic!("{e}"))
}

fn pack(rules: &str) -> String {
    format!(
        "[pack]\nid = \"t\"\nname = \"t\"\nversion = \"1\"\n\n[[red_line]]\nid = \"rl\"\ntitle = {{ en = \"x\", zh = \"x\" }}\nseverity = \"high\"\n{rules}"
    )
}

fn text(s: &str) -> MessageView<'_> {
    MessageView { text: s, kind: Some(MessageKind::Text), ..Default::default() }
}

/// Rule ids that fire, with the original text of each piece of evidence.
fn fire(set: &RuleSet, m: &MessageView) -> Vec<(String, Vec<String>)> {
    set.match_message(m)
        .into_iter()
        .map(|r| (r.rule, r.evidence.iter().map(|e| m.text[e.start..e.end].to_string()).collect()))
        .collect()
}

#[test]
fn literal_terms_and_word_boundaries() {
    let s = set(&pack("[[red_line.rule]]\nid = \"a\"\nterms = [\"bribe\", \"红包\"]\n"));
    assert_eq!(fire(&s, &text("a small bribe")), [("a".to_string(), vec!["bribe".to_string()])]);
    assert!(fire(&s, &text("bribery is bad")).is_empty(), "whole words only");
    assert_eq!(fire(&s, &text("发红包了")), [("a".to_string(), vec!["红包".to_string()])]);
}

#[test]
fn wildcards() {
    let s = set(&pack("[[red_line.rule]]\nid = \"a\"\nquery = \"brib*\"\n"));
    assert_eq!(fire(&s, &text("bribery!")), [("a".to_string(), vec!["bribery".to_string()])]);
    let s = set(&pack("[[red_line.rule]]\nid = \"a\"\nquery = \"*coin\"\n"));
    assert_eq!(fire(&s, &text("buy bitcoin now")), [("a".to_string(), vec!["bitcoin".to_string()])]);
}

#[test]
fn boolean_and_proximity() {
    let s = set(&pack(
        "[[red_line.rule]]\nid = \"near\"\nquery = '红包 w/5 辛苦费'\n\n[[red_line.rule]]\nid = \"pre\"\nquery = 'transfer pre/2 account'\n\n[[red_line.rule]]\nid = \"not\"\nquery = '回扣 AND NOT 新闻'\n",
    ));
    assert_eq!(fire(&s, &text("发个红包给你当辛苦费")).len(), 1);
    assert!(fire(&s, &text("红包的事情我们明天下午再说，辛苦费另算")).is_empty(), "too far apart");
    assert_eq!(fire(&s, &text("辛苦费我用红包发你"))[0].0, "near", "w/N is either order");
    assert_eq!(fire(&s, &text("transfer to my account"))[0].0, "pre");
    assert!(fire(&s, &text("account for the transfer")).is_empty(), "pre/N is ordered");
    assert_eq!(fire(&s, &text("回扣三个点"))[0].0, "not");
    assert!(fire(&s, &text("新闻里说回扣的事")).is_empty());
}

#[test]
fn evasions_are_caught_and_explained() {
    let s = set(&pack("[[red_line.rule]]\nid = \"a\"\nterms = [\"机密\", \"bribe\"]\n"));
    for (t, want) in [
        ("这是機密文件", "機密"),
        ("这是机 密文件", "机 密"),
        ("这是机\u{200B}密文件", "机\u{200B}密"),
        ("这是机.密文件", "机.密"),
        ("a b r i b e", "b r i b e"),
        ("a br1be", "br1be"),
        ("a BRIBE", "BRIBE"),
        ("a ｂｒｉｂｅ", "ｂｒｉｂｅ"),
        ("a brіbe", "brіbe"),
    ] {
        let got = fire(&s, &text(t));
        assert_eq!(got, [("a".to_string(), vec![want.to_string()])], "{t:?}");
    }
    let m = s.match_message(&text("这是机 \u{200B}密文件"));
    let steps = m[0].evidence[0].steps.codes();
    assert!(steps.contains(&"separators") && steps.contains(&"invisible"), "{steps:?}");
}

#[test]
fn metadata_conditions() {
    let s = set(&pack(
        "[[red_line.rule]]\nid = \"big\"\nkinds = [\"transfer\", \"red_packet\"]\namount_min = 200\n\n[[red_line.rule]]\nid = \"file\"\nattachment_names = [\"*内部*\", \"*.xlsx\"]\n",
    ));
    let m = MessageView { text: "", kind: Some(MessageKind::Transfer), amount: Some(5000.0), ..Default::default() };
    assert_eq!(fire(&s, &m), [("big".to_string(), vec![])]);
    let small = MessageView { amount: Some(19.0), ..m.clone() };
    assert!(fire(&s, &small).is_empty());
    let f = MessageView { text: "", kind: Some(MessageKind::File), attachments: vec!["2026内部调薪方案.PDF"], ..Default::default() };
    assert_eq!(fire(&s, &f)[0].0, "file");
}

#[test]
fn unless_suppresses() {
    let s = set(&pack("[[red_line.rule]]\nid = \"a\"\nterms = [\"红包\"]\nunless = '抢红包 OR 红包封面'\n"));
    assert_eq!(fire(&s, &text("给你发个红包")).len(), 1);
    assert!(fire(&s, &text("快来抢红包")).is_empty());
}

#[test]
fn errors_name_file_line_and_column() {
    let bad = pack("[[red_line.rule]]\nid = \"a\"\nquery = '红包 转账'\n");
    let src = parse_pack(Path::new("bad.toml"), &bad).unwrap();
    let e = RuleSet::compile(&[src]).err().expect("must fail").to_string();
    assert!(e.starts_with("bad.toml:12:"), "{e}");
    assert!(e.contains("AND or OR"), "{e}");
    let e = parse_pack(Path::new("bad.toml"), "[pack]\nid = 3\n").err().unwrap().to_string();
    assert!(e.starts_with("bad.toml:2:"), "{e}");
}

/// Regression: attachment globs were matched against the raw file name, so
/// 機密.pdf (traditional) or 内 部.docx (spaced) slipped past `*机密*` / `*内部*`.
#[test]
fn attachment_names_are_normalised_like_text() {
    let s = set(&pack("[[red_line.rule]]\nid = \"file\"\nattachment_names = [\"*机密*\", \"*内部*\", \"*CONFIDENTIAL*\"]\n"));
    for name in ["人事方案（機密）.pdf", "内 部 通报.docx", "内\u{200B}部.xlsx", "ｃｏｎｆｉｄｅｎｔｉａｌ.txt", "c0nfidential memo.pdf"] {
        let m = MessageView { text: "", kind: Some(MessageKind::File), attachments: vec![name], ..Default::default() };
        assert_eq!(fire(&s, &m).len(), 1, "{name}");
    }
    let m = MessageView { text: "", kind: Some(MessageKind::File), attachments: vec!["年度总结.pdf"], ..Default::default() };
    assert!(fire(&s, &m).is_empty());
}

/// Regression: leetspeak read `1` only as `i`, so `hust1e` (1 for l) and
/// `lnternal` (l for a capital I) were missed.
#[test]
fn one_and_l_stand_for_each_other() {
    let s = set(&pack("[[red_line.rule]]\nid = \"a\"\nterms = [\"side hustle\", \"internal only\"]\n"));
    assert_eq!(fire(&s, &text("need a side hust1e?")), [("a".to_string(), vec!["side hust1e".to_string()])]);
    assert_eq!(fire(&s, &text("lnternal only, do not forward")), [("a".to_string(), vec!["lnternal only".to_string()])]);
    assert_eq!(fire(&s, &text("side hustle")).len(), 1);
    assert!(fire(&s, &text("a side hostel")).is_empty());
    let s = set(&pack("[[red_line.rule]]\nid = \"a\"\nterms = [\"material non-public\"]\n"));
    for t in ["materia1 non-public", "material non-pub1ic", "materia1 non-pub1ic"] {
        assert_eq!(fire(&s, &text(t)).len(), 1, "{t}");
    }
}

/// Regression: repeat-collapsing turned the glob `*xxx*` into `*x*`, which
/// matched every `.docx` and `.xlsx`.
#[test]
fn attachment_globs_keep_repeated_letters() {
    let s = set(&pack("[[red_line.rule]]\nid = \"file\"\nattachment_names = [\"*xxx*\"]\n"));
    let doc = MessageView { text: "", kind: Some(MessageKind::File), attachments: vec!["总结.docx"], ..Default::default() };
    assert!(fire(&s, &doc).is_empty());
    let vid = MessageView { text: "", kind: Some(MessageKind::Video), attachments: vec!["XXX clip.mp4"], ..Default::default() };
    assert_eq!(fire(&s, &vid).len(), 1);
}

/// Regression: a term that normalisation reduces to (almost) nothing was
/// accepted and then matched everywhere (`"f***"` is the wildcard `f*`).
#[test]
fn terms_that_match_everything_are_rejected() {
    for (rule, why) in [
        ("query = '\"f***\" AND them'", "wildcard on only 1"),
        ("terms = [\"x\u{200B}\"]", "single letter"),
        ("query = 'ok AND NOT ab*'", "wildcard on only 2"),
        ("terms = [\"红包\"]\nunless = '\"\u{200B}\"'", "normalises to nothing"),
    ] {
        let bad = pack(&format!("[[red_line.rule]]\nid = \"a\"\n{rule}\n"));
        let src = parse_pack(Path::new("bad.toml"), &bad).unwrap();
        let e = RuleSet::compile(&[src]).err().expect("must fail").to_string();
        assert!(e.contains(why) && e.starts_with("bad.toml:1"), "{rule}: {e}");
    }
    set(&pack("[[red_line.rule]]\nid = \"a\"\nterms = [\"x\", \"xxx\", \"AA\", \"brib*\", \"红*\"]\n"));
}

#[test]
fn system_notices_are_not_the_sender_speaking() {
    let s = set(&pack("[[red_line.rule]]\nid = \"a\"\nterms = [\"whatsapp\"]\n\n[[red_line.rule]]\nid = \"sys\"\nkinds = [\"system\"]\nterms = [\"removed\"]\n"));
    let notice = MessageView { text: "Messages are end-to-end encrypted. Not even WhatsApp can read them.", kind: Some(MessageKind::System), ..Default::default() };
    assert!(fire(&s, &notice).is_empty());
    assert_eq!(fire(&s, &text("text me on WhatsApp")).len(), 1);
    let removed = MessageView { text: "Ann removed Bob", kind: Some(MessageKind::System), ..Default::default() };
    assert_eq!(fire(&s, &removed)[0].0, "sys", "a rule can still ask for system messages");
}

#[test]
fn pinyin_option_matches_chinese_terms_written_in_pinyin() {
    let with = pack("[[red_line.rule]]\nid = \"a\"\nterms = [\"红包\"]\n").replace("version = \"1\"\n", "version = \"1\"\n\n[pack.normalize]\npinyin = true\n");
    let s = set(&with);
    assert_eq!(fire(&s, &text("fa ge hongbao gei ni")), [("a".to_string(), vec!["hongbao".to_string()])]);
    assert_eq!(fire(&s, &text("HB发你了")), [("a".to_string(), vec!["HB".to_string()])]);
    assert_eq!(fire(&s, &text("发红包")).len(), 1);
    // Off by default: pinyin widens matching a lot.
    let s = set(&pack("[[red_line.rule]]\nid = \"a\"\nterms = [\"红包\"]\n"));
    assert!(fire(&s, &text("fa ge hongbao gei ni")).is_empty());
}
