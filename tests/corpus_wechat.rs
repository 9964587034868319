//! The WeChat files of the shared corpus ($REDLINE_CORPUS/wechat): exact
//! per-file counts, checked by hand against the files (and, for the
//! synthetic ones, against their README), and spot checks of the fields a
//! reviewer relies on: transfers, red packets, recalls, quotes, system
//! notices, senders and times in +08:00.

mod util;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use redline::store::queries::StoredMessage;
use redline::store::SourceSummary;
use util::Workspace;

const SHANGHAI: Option<&str> = Some("Asia/Shanghai");

fn corpus() -> Option<PathBuf> {
    util::corpus("corpus_wechat").map(|c| c.join("wechat"))
}

fn import(ws: &mut Workspace, path: &Path) -> (SourceSummary, Vec<StoredMessage>) {
    let s = ws.import_one(path, SHANGHAI, None);
    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    (s, msgs)
}

fn kind_counts(s: &SourceSummary) -> BTreeMap<&str, u64> {
    s.kinds.iter().map(|(k, v)| (k.as_str(), *v)).collect()
}

fn memo(ws: &Workspace, m: &StoredMessage) -> Option<String> {
    ws.store.conn().query_row("SELECT payment_memo FROM messages WHERE id = ?1", [m.id], |r| r.get(0)).unwrap()
}

fn by_external<'a>(msgs: &'a [StoredMessage], id: &str) -> &'a StoredMessage {
    msgs.iter().find(|m| m.external_id.as_deref() == Some(id)).unwrap_or_else(|| panic!("no message {id}"))
}

/// (payer or payee, amount, status, memo) of every transfer, in file order.
fn transfers(ws: &Workspace, msgs: &[StoredMessage]) -> Vec<(String, Option<String>, Option<String>, Option<String>)> {
    msgs.iter()
        .filter(|m| m.kind == "transfer")
        .map(|m| (m.sender.clone().unwrap_or_default(), m.amount.clone(), m.payment_status.clone(), memo(ws, m)))
        .collect()
}

fn some(v: &str) -> Option<String> {
    Some(v.to_string())
}

#[test]
fn memotrace_csv_and_txt_of_the_same_group() {
    let Some(dir) = corpus() else { return };
    let mut ws = Workspace::new();
    let group = dir.join("synthetic/memotrace/城南区住建局工作群");
    let (csv, cm) = import(&mut ws, &group.join("城南区住建局工作群_utf8.csv"));
    assert_eq!((csv.format.as_str(), csv.messages, csv.skipped), ("wechat-memotrace-csv", 83, 0));
    assert_eq!((csv.conversations, csv.participants), (1, 9));
    assert_eq!(
        kind_counts(&csv),
        BTreeMap::from([
            ("file", 5), ("image", 3), ("link", 2), ("recalled", 2), ("red_packet", 2), ("sticker", 2), ("system", 4),
            ("text", 59), ("transfer", 2), ("video", 1), ("voice", 1)
        ])
    );
    assert_eq!((cm[0].conversation.as_str(), cm[0].conversation_kind.as_str()), ("城南区住建局工作群", "group"));
    let first = &cm[0];
    assert_eq!((first.sender.as_deref(), first.sender_name.as_deref()), (Some("wxid_chenjing_bgs"), Some("陈静-办公室")));
    assert_eq!(first.timestamp.as_deref(), Some("2026-03-02T08:31:12+08:00"));
    // The 代购 formula-milk transfer: two rows, no amount in a CSV export.
    let t: Vec<_> = cm.iter().filter(|m| m.kind == "transfer").map(|m| (m.sender.as_deref(), m.timestamp.as_deref(), m.amount.as_deref())).collect();
    assert_eq!(t, [(Some("wxid_liuyang0815"), Some("2026-03-04T20:55:01+08:00"), None), (Some("wxid_sunli_cw"), Some("2026-03-04T20:58:44+08:00"), None)]);
    let red: Vec<_> = cm.iter().filter(|m| m.kind == "red_packet").map(|m| (m.sender.as_deref(), m.timestamp.as_deref())).collect();
    assert_eq!(red, [(Some("wxid_wjg1968"), Some("2026-03-03T09:15:00+08:00")), (Some("wxid_wjg1968"), Some("2026-03-18T17:20:40+08:00"))]);
    let claim = by_external(&cm, "183742");
    assert_eq!((claim.kind.as_str(), claim.text.as_str(), claim.sender.as_deref()), ("system", "你领取了王局的红包", None));
    let recall = by_external(&cm, "183924");
    assert_eq!((recall.kind.as_str(), recall.text.as_str(), recall.deleted), ("recalled", "\"孙丽 财务\" 撤回了一条消息", true));
    let own = by_external(&cm, "184016");
    assert_eq!((own.text.as_str(), own.sender.as_deref()), ("你撤回了一条消息", Some("wxid_limg2019xq")));
    assert_eq!(by_external(&cm, "183710").kind, "text", "a 49/57 quote row is a reply");
    assert_eq!(by_external(&cm, "183685").text, "几点要求：\n1. 老旧小区改造项目本月底前完成招标文件审核；\n2. 安全生产大检查下周一启动，各科室报送人员名单；\n3. 信访件按时办结，不得超期。");
    assert_eq!(by_external(&cm, "183903").sender.as_deref(), Some("wxid_8mx0qk2n3p21"));
    assert_eq!(by_external(&cm, "183998").kind, "voice");
    assert_eq!(cm.last().map(|m| m.locator.as_str()), Some("城南区住建局工作群_utf8.csv:111"));
    let is_self: bool = ws
        .store
        .conn()
        .query_row("SELECT is_self FROM participants WHERE external_id = 'wxid_limg2019xq'", [], |r| r.get(0))
        .unwrap();
    assert!(is_self);

    // The TXT export of the same chat drops the 2 transfers and 2 red packets.
    let (txt, tm) = import(&mut ws, &group.join("城南区住建局工作群.txt"));
    assert_eq!((txt.format.as_str(), txt.messages, txt.skipped), ("wechat-memotrace-txt", 79, 0));
    assert_eq!(
        kind_counts(&txt),
        BTreeMap::from([
            ("file", 5), ("image", 3), ("link", 2), ("recalled", 2), ("sticker", 2), ("system", 4), ("text", 59),
            ("video", 1), ("voice", 1)
        ])
    );
    let kept: Vec<_> = cm.iter().filter(|m| m.kind != "transfer" && m.kind != "red_packet").collect();
    assert_eq!(kept.len(), tm.len());
    for (c, t) in kept.iter().zip(&tm) {
        assert_eq!((&c.timestamp, &c.kind), (&t.timestamp, &t.kind), "{}", t.locator);
        // A TXT system block has no name; the CSV keeps the owner on their own recall.
        if t.sender.is_some() {
            assert_eq!(c.sender_name, t.sender_name, "{}", t.locator);
        }
        if c.kind == "text" && !c.text.is_empty() {
            assert_eq!(c.text, t.text, "{}", t.locator);
        }
    }
    let quote = tm.iter().find(|m| m.locator == "城南区住建局工作群.txt:120").unwrap();
    assert_eq!(quote.text, "街道那边等正式文件下发吧，这个还没定稿，不要外传");
    let link = tm.iter().find(|m| m.locator == "城南区住建局工作群.txt:58").unwrap();
    assert!(link.text.starts_with("城南区召开2026年城市更新工作推进会\n"), "{}", link.text);
    assert!(link.text.ends_with("&idx=1&sn=4c1e0b6f3a9d27e85b1f06c2d4a8e913&chksm=8439b2d0b34e3bc6a1&scene=0#rd"), "{}", link.text);
    assert_eq!(tm[0].conversation_kind, "group");
}

#[test]
fn memotrace_html_one_to_one() {
    let Some(dir) = corpus() else { return };
    let mut ws = Workspace::new();
    let (s, msgs) = import(&mut ws, &dir.join("synthetic/memotrace/周总_宏远建设/周总_宏远建设.html"));
    assert_eq!((s.format.as_str(), s.messages, s.skipped), ("wechat-memotrace-html", 47, 0));
    assert_eq!(
        kind_counts(&s),
        BTreeMap::from([
            ("file", 2), ("image", 2), ("link", 1), ("recalled", 1), ("sticker", 1), ("text", 33), ("transfer", 4),
            ("video", 1), ("voice", 2)
        ])
    );
    assert_eq!((s.participants, msgs[0].conversation_kind.as_str()), (2, "direct"));
    assert_eq!(
        transfers(&ws, &msgs),
        [
            ("周总_宏远建设".into(), some("2000.00"), some("sent"), some("感谢关照")),
            ("李明".into(), some("2000.00"), some("returned"), some("感谢关照")),
            ("周总_宏远建设".into(), some("5000.00"), some("sent"), some("辛苦费")),
            ("李明".into(), some("5000.00"), some("received"), some("辛苦费")),
        ]
    );
    let t: Vec<_> = msgs.iter().filter(|m| m.kind == "transfer").map(|m| m.timestamp.as_deref()).collect();
    assert_eq!(
        t,
        [Some("2026-03-05T20:31:02+08:00"), Some("2026-03-05T21:15:50+08:00"), Some("2026-03-18T18:41:05+08:00"), Some("2026-03-18T19:02:44+08:00")]
    );
    assert!(msgs.iter().all(|m| m.currency.is_none() || m.currency.as_deref() == Some("CNY")));
    let voice: Vec<_> = msgs.iter().filter(|m| m.kind == "voice").map(|m| m.text.as_str()).collect();
    assert_eq!(voice, ["好的李工，我马上让资料员去核对，今天晚上之前给您答复", ""]);
    let recall = msgs.iter().find(|m| m.kind == "recalled").unwrap();
    assert_eq!((recall.text.as_str(), recall.sender.as_deref()), ("\"周总 宏远建设\" 撤回了一条消息", None));
    assert_eq!((recall.timestamp.as_deref(), recall.locator.as_str()), (Some("2026-03-25T19:21:40+08:00"), "周总_宏远建设.html@44"));
    let files: Vec<_> = msgs.iter().filter(|m| m.kind == "file").map(|m| m.text.as_str()).collect();
    assert_eq!(files, ["幸福里保温材料检测报告（更正版）.pdf", "宏远建设企业资质及业绩汇总.pdf"]);
    let quote = msgs.iter().find(|m| m.locator == "周总_宏远建设.html@17").unwrap();
    assert_eq!(quote.text, "把隐蔽工程验收记录补齐，签字要全");
    assert!(msgs.iter().any(|m| m.text == "这个不能说，等公告吧" && m.sender.as_deref() == Some("李明")));
}

#[test]
fn wechatexporter_txt_group() {
    let Some(dir) = corpus() else { return };
    let mut ws = Workspace::new();
    let (s, msgs) = import(&mut ws, &dir.join("synthetic/wechatexporter/财务部/index.txt"));
    assert_eq!((s.format.as_str(), s.messages, s.skipped), ("wechat-exporter-txt", 71, 0));
    assert_eq!(
        kind_counts(&s),
        BTreeMap::from([
            ("file", 5), ("image", 3), ("link", 1), ("location", 1), ("recalled", 3), ("red_packet", 1), ("sticker", 2),
            ("system", 3), ("text", 44), ("transfer", 6), ("video", 1), ("voice", 1)
        ])
    );
    assert_eq!((msgs[0].conversation.as_str(), msgs[0].conversation_kind.as_str()), ("财务部", "group"));
    assert_eq!(s.participants, 7);
    assert_eq!(
        transfers(&ws, &msgs),
        [
            ("林晓Lynn".into(), some("19.00"), some("sent"), None),
            ("何敏".into(), some("19.00"), some("sent"), some("奶茶")),
            ("周芳-出纳".into(), some("19.00"), some("received"), None),
            ("周芳-出纳".into(), some("19.00"), some("received"), some("奶茶")),
            ("林晓Lynn".into(), some("1180.00"), some("sent"), some("神仙水")),
            ("周芳-出纳".into(), some("1180.00"), some("received"), some("神仙水")),
        ]
    );
    let t: Vec<_> = msgs.iter().filter(|m| m.kind == "transfer").map(|m| (m.timestamp.as_deref(), m.locator.as_str())).collect();
    assert_eq!(t[1], (Some("2026-03-09T14:31:40+08:00"), "index.txt:20"));
    assert_eq!(t[3], (Some("2026-03-09T14:35:20+08:00"), "index.txt:21"));
    // The message after a memo keeps its own name and text.
    let next = msgs.iter().find(|m| m.locator == "index.txt:22").unwrap();
    assert_eq!((next.sender.as_deref(), next.text.as_str()), (Some("吴国平（财务总监）"), "提醒：报销审核严格按制度来，发票抬头、税号不对的一律退回。"));
    let red = msgs.iter().find(|m| m.kind == "red_packet").unwrap();
    assert_eq!((red.sender.as_deref(), red.timestamp.as_deref()), (Some("吴国平（财务总监）"), Some("2026-03-16T08:50:00+08:00")));
    let notices: Vec<_> = msgs.iter().filter(|m| m.kind == "system").map(|m| (m.text.as_str(), m.timestamp.as_deref())).collect();
    assert_eq!(notices, [("\"林晓Lynn\" 拍了拍 \"郑凯 会计\"", None), ("\"吴总\"邀请\"陈浩\"加入了群聊", None), ("你领取了吴总的红包", None)]);
    let recalls: Vec<_> = msgs.iter().filter(|m| m.kind == "recalled").map(|m| m.locator.as_str()).collect();
    assert_eq!(recalls, ["index.txt:44", "index.txt:65", "index.txt:66"]);
    let quotes: Vec<_> = msgs.iter().filter(|m| m.sender.is_none() && m.kind == "text").map(|m| (m.locator.as_str(), m.text.as_str())).collect();
    assert_eq!(quotes, [("index.txt:25", "可以，打印件加盖经办人签字就行，原件PDF发到报销邮箱"), ("index.txt:47", "管理费用超支部分要附说明")]);
    let leaked = msgs.iter().find(|m| m.text == "2026年度薪酬调整方案（讨论稿）.pdf").unwrap();
    assert_eq!((leaked.kind.as_str(), leaked.sender.as_deref()), ("file", Some("周芳-出纳")));
    let multi = msgs.iter().find(|m| m.locator == "index.txt:15").unwrap();
    assert_eq!(multi.text, "下午茶拼单，喜茶满减，要的接龙👇\n1. 周芳 多肉葡萄\n2. 林晓 芝芝莓莓\n3. 何敏 烤黑糖波波牛乳");
    assert!(msgs.iter().any(|m| m.sender.as_deref() == Some("wxid_y7k2m9q4p1x22")));
}

#[test]
fn wechatexporter_html_one_to_one() {
    let Some(dir) = corpus() else { return };
    let mut ws = Workspace::new();
    let (s, msgs) = import(&mut ws, &dir.join("synthetic/wechatexporter/郑总-鑫源办公/index.html"));
    assert_eq!((s.format.as_str(), s.messages, s.skipped), ("wechat-exporter-html", 47, 0));
    assert_eq!(
        kind_counts(&s),
        BTreeMap::from([
            ("file", 2), ("image", 2), ("link", 2), ("red_packet", 1), ("sticker", 2), ("text", 33), ("transfer", 2),
            ("video", 1), ("voice", 2)
        ])
    );
    assert_eq!((msgs[0].conversation.as_str(), msgs[0].conversation_kind.as_str()), ("郑总-鑫源办公", "direct"));
    assert_eq!(
        transfers(&ws, &msgs),
        [("zgq_xinyuan".into(), some("888.00"), some("sent"), some("感谢关照")), ("hemin_0921".into(), some("888.00"), some("returned"), some("感谢关照"))]
    );
    let m = &msgs[1];
    assert_eq!((m.sender.as_deref(), m.sender_name.as_deref(), m.external_id.as_deref()), (Some("hemin_0921"), Some("何敏"), Some("36")));
    assert_eq!(m.timestamp.as_deref(), Some("2026-03-10T10:30:11+08:00"));
    assert!(m.text.ends_with("单笔<5000的走简易流程，会快一些"), "{}", m.text);
    assert_eq!(msgs[2].text, "好的好的，明白[抱拳]");
    let red = msgs.iter().find(|m| m.kind == "red_packet").unwrap();
    assert_eq!((red.external_id.as_deref(), red.timestamp.as_deref()), (Some("71"), Some("2026-03-24T18:41:05+08:00")));
    let kickback = msgs.iter().find(|m| m.external_id.as_deref() == Some("63")).unwrap();
    assert!(kickback.text.contains("年底返点可以按3%给您个人"));
    let quote = msgs.iter().find(|m| m.external_id.as_deref() == Some("43")).unwrap();
    assert_eq!(quote.text, "还在审批，吴总签完字就付");
    let files: Vec<_> = msgs.iter().filter(|m| m.kind == "file").map(|m| (m.text.as_str(), m.attachments[0].export_path.as_deref())).collect();
    assert_eq!(files, [("鑫源办公2026年框架协议报价单.xlsx", Some("Files/38.xlsx")), ("鑫源办公3月对账单.pdf", Some("Files/79.pdf"))]);
    let is_self: bool = ws
        .store
        .conn()
        .query_row("SELECT is_self FROM participants WHERE external_id = 'hemin_0921'", [], |r| r.get(0))
        .unwrap();
    assert!(is_self);
}

#[test]
fn pywxdump_csvs_from_weclone() {
    let Some(dir) = corpus() else { return };
    let mut ws = Workspace::new();
    let (s, msgs) = import(&mut ws, &dir.join("weclone-pywxdump/test_person_0_730.csv"));
    // 96 rows: 65 文本 + 1 引用回复, 23 动画表情, 5 图片, 2 系统通知 (both recalls).
    assert_eq!((s.format.as_str(), s.messages, s.skipped), ("wechat-pywxdump-csv", 96, 0));
    assert_eq!(kind_counts(&s), BTreeMap::from([("image", 5), ("recalled", 2), ("sticker", 23), ("text", 66)]));
    assert_eq!((msgs[0].conversation.as_str(), msgs[0].conversation_kind.as_str()), ("test_person", "direct"));
    assert_eq!(msgs[0].timestamp.as_deref(), Some("2024-10-04T11:42:00+08:00"));
    assert_eq!(msgs[0].external_id.as_deref(), Some("7437267147299592543"));
    let quote = by_external(&msgs, "1244017411047763227");
    assert_eq!((quote.text.as_str(), quote.locator.as_str()), ("（我们两个人骑）", "test_person_0_730.csv:50"));
    let recalls: Vec<_> = msgs.iter().filter(|m| m.kind == "recalled").map(|m| (m.text.as_str(), m.sender.as_deref())).collect();
    assert_eq!(recalls, [("你撤回了一条消息", Some("12345iru2zsmo22")); 2]);
    assert_eq!(by_external(&msgs, "5704142615879617852").text, "2.0156416");

    let (s, msgs) = import(&mut ws, &dir.join("weclone-pywxdump/example_chat.csv"));
    // 35 rows: 26 文本, 5 动画表情, 3 图片, 1 系统通知.
    assert_eq!((s.format.as_str(), s.messages, s.skipped), ("wechat-pywxdump-csv", 35, 0));
    assert_eq!(kind_counts(&s), BTreeMap::from([("image", 3), ("sticker", 5), ("system", 1), ("text", 26)]));
    assert_eq!((msgs[0].text.as_str(), msgs[0].sender.as_deref()), ("你已添加了白桃乌龙，现在可以开始聊天了。", None));
    assert_eq!(msgs[0].timestamp.as_deref(), Some("2023-08-12T23:22:41+08:00"));
    assert_eq!((msgs[1].text.as_str(), msgs[1].sender.as_deref()), ("哦吼", Some("我")));
    let image = msgs.iter().find(|m| m.kind == "image").unwrap();
    assert_eq!(image.attachments[0].file_name, "82332bbba85f6bb3cf85823037f3a99e.dat");
}
