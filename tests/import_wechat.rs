//! WeChat exports: MemoTrace CSV / TXT / HTML, WechatExporter TXT / HTML,
//! PyWxDump CSV — on our own fixtures under tests/fixtures/wechat/.

mod util;

use std::io::Write;

use redline::import::ImportOutcome;
use redline::store::queries::StoredMessage;
use serde_json::Value;
use util::{fixture, Workspace};

const SHANGHAI: Option<&str> = Some("Asia/Shanghai");

/// Columns `StoredMessage` does not carry: memo, transfer id, extra, offset assumed.
struct Details {
    memo: Option<String>,
    transfer_id: Option<String>,
    extra: Value,
    assumed: bool,
}

fn details(ws: &Workspace, m: &StoredMessage) -> Details {
    ws.store
        .conn()
        .query_row(
            "SELECT payment_memo, transfer_id, extra, ts_offset_assumed FROM messages WHERE id = ?1",
            [m.id],
            |r| {
                let extra: Option<String> = r.get(2)?;
                Ok(Details {
                    memo: r.get(0)?,
                    transfer_id: r.get(1)?,
                    extra: extra.map(|e| serde_json::from_str(&e).expect("extra is JSON")).unwrap_or(Value::Null),
                    assumed: r.get(3)?,
                })
            },
        )
        .expect("message row")
}

/// (external id, display name, is_self) of every participant, by id.
fn participants(ws: &Workspace) -> Vec<(String, Option<String>, bool)> {
    let mut stmt = ws
        .store
        .conn()
        .prepare("SELECT external_id, display_name, is_self FROM participants ORDER BY external_id")
        .expect("query");
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).expect("rows");
    rows.collect::<Result<_, _>>().expect("participants")
}

fn names_of(ws: &Workspace, id: &str) -> Vec<String> {
    let mut stmt = ws
        .store
        .conn()
        .prepare(
            "SELECT n.name FROM participant_names n JOIN participants p ON p.id = n.participant_id
             WHERE p.external_id = ?1 ORDER BY n.name",
        )
        .expect("query");
    let rows = stmt.query_map([id], |r| r.get(0)).expect("rows");
    rows.collect::<Result<_, _>>().expect("names")
}

fn kinds(msgs: &[StoredMessage]) -> Vec<&str> {
    msgs.iter().map(|m| m.kind.as_str()).collect()
}

#[test]
fn memotrace_csv_group_chat() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("wechat/memotrace-csv/幸福里项目协调群/幸福里项目协调群_utf8.csv"), SHANGHAI, None);
    assert_eq!(s.format, "wechat-memotrace-csv");
    assert_eq!((s.messages, s.skipped, s.conversations), (13, 2, 1));
    let skips: Vec<_> = s.skips.iter().map(|k| (k.locator.as_str(), k.reason.as_str())).collect();
    assert_eq!(skips[0], ("幸福里项目协调群_utf8.csv:18", "Type \"abc\" is not a number"));
    assert_eq!(skips[1].0, "幸福里项目协调群_utf8.csv:19");
    assert!(skips[1].1.contains("not a time"), "{skips:?}");

    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    assert_eq!(
        kinds(&msgs),
        [
            "text", "text", "image", "voice", "transfer", "transfer", "red_packet", "file", "system", "recalled",
            "recalled", "location", "text"
        ]
    );
    let first = &msgs[0];
    assert_eq!(first.conversation, "幸福里项目协调群");
    assert_eq!(first.conversation_kind, "group");
    assert_eq!(first.sender.as_deref(), Some("wxid_wangjg"));
    assert_eq!(first.sender_name.as_deref(), Some("王建国-局长"));
    assert_eq!(first.external_id.as_deref(), Some("101"));
    assert_eq!(first.timestamp.as_deref(), Some("2026-03-02T09:00:00+08:00"));
    assert!(!details(&ws, first).assumed, "CreateTime is an exact epoch");
    assert_eq!(first.text, "各位好，幸福里二期的招标文件初稿已经出来了\n下午三点开会讨论");
    assert_eq!(first.locator, "幸福里项目协调群_utf8.csv:2");
    // Hostile text is kept as it is.
    assert_eq!(msgs[1].text, "收到，<script>alert(\"x\")</script> 我准时到");
    assert_eq!(details(&ws, &msgs[2]).extra["md5"], "0123456789abcdef0123456789abcdef");
    assert_eq!(msgs[3].text, "李工，报价我发您微信了");
    assert_eq!(details(&ws, &msgs[3]).extra["duration_ms"], 5200);
    // A 2.x transfer row has no content: only its kind.
    assert_eq!((msgs[4].amount.as_deref(), msgs[4].payment_status.as_deref()), (None, None));
    // A transfer with its appmsg XML: amount, status, memo, transfer id.
    let t = &msgs[5];
    assert_eq!((t.amount.as_deref(), t.currency.as_deref(), t.payment_status.as_deref()), (Some("1072.00"), Some("CNY"), Some("received")));
    let d = details(&ws, t);
    assert_eq!((d.memo.as_deref(), d.transfer_id.as_deref()), (Some("奶粉钱"), Some("1000050001202603020000001")));
    assert_eq!(msgs[7].text, "幸福里二期招标文件（内部）.pdf");
    assert_eq!(msgs[7].attachments[0].size_bytes, Some(3145728));
    assert_eq!(msgs[7].attachments[0].mime.as_deref(), Some("application/pdf"));
    assert_eq!((msgs[8].sender.as_deref(), msgs[8].text.as_str()), (None, "\"王建国-局长\"邀请\"赵磊\"加入了群聊"));
    // The owner's own recall keeps the owner as sender; a 10002 revoke is read from its XML.
    assert_eq!((msgs[9].sender.as_deref(), msgs[9].text.as_str(), msgs[9].deleted), (Some("wxid_liming"), "你撤回了一条消息", true));
    assert_eq!(msgs[10].text, "\"周总_宏远建设\" 撤回了一条消息");
    assert_eq!(details(&ws, &msgs[10]).extra["recalled_by"], "周总_宏远建设");
    assert_eq!(msgs[11].text, "万象城 - 杭州市上城区富春路701号");
    // StrTime that disagrees with CreateTime in --tz is kept for the reviewer.
    assert_eq!(details(&ws, &msgs[12]).extra["str_time"], "2026-03-02 01:13:00");

    let people = participants(&ws);
    assert!(people.contains(&("wxid_liming".into(), Some("李明".into()), true)), "{people:?}");
    assert!(people.contains(&("wxid_zhoujh".into(), Some("周总_宏远建设".into()), false)), "{people:?}");
    assert_eq!(names_of(&ws, "wxid_wangjg"), ["王建国-局长", "老王"]);
}

#[test]
fn memotrace_csv_old_nine_column_file_is_a_direct_chat() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("wechat/memotrace-csv/张总.csv"), SHANGHAI, None);
    assert_eq!((s.format.as_str(), s.messages, s.skipped), ("wechat-memotrace-csv", 3, 0));
    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    assert_eq!(msgs[0].conversation_kind, "direct");
    assert_eq!(msgs[0].sender.as_deref(), Some("张总"));
    assert_eq!(msgs[1].sender.as_deref(), Some("我"));
    assert_eq!(details(&ws, &msgs[0]).extra["msg_svr_id"], "6854123990001");
    assert_eq!(msgs[2].kind, "sticker");
    assert_eq!(details(&ws, &msgs[2]).extra["url"], "http://e.example/s?a=1&b=2");
}

#[test]
fn memotrace_csv_export_all_has_one_conversation_per_talker() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("wechat/memotrace-csv/messages.csv"), SHANGHAI, None);
    assert_eq!((s.messages, s.conversations), (4, 2));
    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    assert_eq!((msgs[0].conversation.as_str(), msgs[0].conversation_title.as_deref()), ("11", Some("老同学群")));
    assert_eq!(msgs[0].conversation_kind, "group");
    assert_eq!((msgs[1].conversation.as_str(), msgs[1].conversation_kind.as_str()), ("12", "direct"));
    assert_eq!(msgs[0].sender.as_deref(), Some("我"));
    assert!(participants(&ws).contains(&("我".into(), Some("我".into()), true)));
}

#[test]
fn memotrace_txt_blocks() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("wechat/memotrace-txt/城南招标群.txt"), SHANGHAI, None);
    assert_eq!(s.format, "wechat-memotrace-txt");
    assert_eq!((s.messages, s.skipped), (10, 1));
    assert_eq!(s.skips[0].locator, "城南招标群.txt:31");
    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    assert_eq!(
        kinds(&msgs),
        ["text", "text", "recalled", "image", "text", "link", "text", "text", "system", "file"]
    );
    assert_eq!(msgs[0].timestamp.as_deref(), Some("2026-03-05T10:00:00+08:00"));
    assert!(details(&ws, &msgs[0]).assumed);
    assert_eq!(msgs[0].conversation_kind, "group");
    // Names are unescaped; a blank line inside a message is content.
    assert_eq!(msgs[1].sender.as_deref(), Some("A&B咨询"));
    assert_eq!(msgs[1].text, "好的王局\n\n第二段：预算控制价我私下发您");
    assert_eq!((msgs[2].sender.as_deref(), msgs[2].text.as_str()), (None, "\"A&B咨询\" 撤回了一条消息"));
    assert_eq!((msgs[3].text.as_str(), msgs[3].locator.as_str()), ("", "城南招标群.txt:11"));
    assert_eq!(msgs[4].text, "别在群里说这个");
    let quote = &details(&ws, &msgs[4]).extra["quote"];
    assert_eq!((quote["name"].as_str(), quote["text"].as_str()), (Some("A&B咨询"), Some("第二段：预算控制价我私下发您")));
    assert_eq!(msgs[5].text, "关于规范招投标的通知\n严禁泄露标底\nhttps://example.gov.cn/n?a=1&b=2");
    assert_eq!(details(&ws, &msgs[5]).extra["app_name"], "城南发布");
    assert_eq!((msgs[6].sender.as_deref(), msgs[6].text.as_str()), (Some("张'三"), "<script>alert(1)</script>"));
    // A message whose content is empty is still a message of its sender.
    assert_eq!((msgs[7].sender.as_deref(), msgs[7].text.as_str()), (Some("李明"), ""));
    assert_eq!(msgs[9].locator, "城南招标群.txt:36");
}

#[test]
fn memotrace_html_literals() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("wechat/memotrace-html/周总_宏远建设.html"), SHANGHAI, None);
    assert_eq!(s.format, "wechat-memotrace-html");
    assert_eq!((s.messages, s.skipped), (12, 3));
    let skips: Vec<_> = s.skips.iter().map(|k| (k.locator.as_str(), k.reason.as_str())).collect();
    assert_eq!(skips[0].0, "周总_宏远建设.html@9");
    assert!(skips[0].1.contains("is not a value"), "{skips:?}");
    assert_eq!(skips[1], ("周总_宏远建设.html@10", "text that is not a message literal: \"stray\""));
    assert_eq!(skips[2], ("周总_宏远建设.html@10", "no numeric `timestamp`"));

    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    assert_eq!(
        kinds(&msgs),
        ["text", "text", "transfer", "transfer", "transfer", "voice", "file", "image", "sticker", "text", "recalled", "link"]
    );
    let m = &msgs[0];
    assert_eq!(m.text, "李工，周末有空吗？<script>alert(1)</script> 说句'悄悄话'\n第二行");
    assert_eq!(m.timestamp.as_deref(), Some("2026-03-02T09:00:00+08:00"));
    assert_eq!((m.sender.as_deref(), m.conversation_kind.as_str()), (Some("周总_宏远建设"), "direct"));
    assert_eq!(msgs[1].text, "好的[抱拳]");
    let sent = &msgs[2];
    assert_eq!((sent.amount.as_deref(), sent.currency.as_deref(), sent.payment_status.as_deref()), (Some("1072.00"), Some("CNY"), Some("sent")));
    assert_eq!(details(&ws, sent).memo.as_deref(), Some("一点心意"));
    assert_eq!((msgs[3].payment_status.as_deref(), msgs[3].sender.as_deref()), (Some("received"), Some("李明")));
    assert_eq!((msgs[4].amount.as_deref(), msgs[4].payment_status.as_deref()), (Some("88.00"), Some("expired")));
    assert_eq!(details(&ws, &msgs[4]).memo, None);
    assert_eq!(msgs[5].text, "东西放门卫了");
    assert_eq!(msgs[5].attachments[0].export_path.as_deref(), Some("./voice/123.mp3"));
    assert_eq!((msgs[6].text.as_str(), msgs[6].attachments[0].file_name.as_str()), ("报价单.xlsx", "报价单.xlsx"));
    assert_eq!(msgs[8].attachments.len(), 0);
    assert_eq!(details(&ws, &msgs[8]).extra["url"], "http://mmbiz.qpic.cn/mmemoticon/xyz/0");
    let quote = &details(&ws, &msgs[9]).extra["quote"];
    assert_eq!((quote["name"].as_str(), quote["text"].as_str()), (Some("周总_宏远建设"), Some("李工，周末有空吗？")));
    assert_eq!((msgs[10].sender.as_deref(), msgs[10].text.as_str()), (None, "\"周总 宏远建设\" 撤回了一条消息"));
    assert_eq!(msgs[11].text, "招标新规\n摘要\nhttp://mp.weixin.qq.com/s?a=1&b=2");
    assert_eq!(msgs[11].locator, "周总_宏远建设.html@13");
    assert!(participants(&ws).contains(&("李明".into(), Some("李明".into()), true)));
}

#[test]
fn memotrace_html_in_a_zip_hashes_its_media() {
    let mut ws = Workspace::new();
    let page = std::fs::read(fixture("wechat/memotrace-html/周总_宏远建设.html")).unwrap();
    let zip_path = ws.dir.path().join("周总_宏远建设.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("周总_宏远建设/周总_宏远建设.html", opts).unwrap();
    zip.write_all(&page).unwrap();
    zip.start_file("周总_宏远建设/image/abc.jpg", opts).unwrap();
    zip.write_all(b"not really a jpeg").unwrap();
    zip.finish().unwrap();

    let s = ws.import_one(&zip_path, SHANGHAI, Some("wechat-memotrace-html"));
    assert_eq!(s.messages, 12);
    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    let image = msgs.iter().find(|m| m.kind == "image").unwrap();
    let a = &image.attachments[0];
    assert_eq!(a.export_path.as_deref(), Some("周总_宏远建设/image/abc.jpg"));
    assert_eq!(a.size_bytes, Some(17));
    let expected = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b"not really a jpeg"));
    assert_eq!(a.sha256.as_deref(), Some(expected.as_str()));
    // The voice file is not in the zip: its path is kept as the page names it.
    let voice = msgs.iter().find(|m| m.kind == "voice").unwrap();
    assert_eq!((voice.attachments[0].sha256.as_deref(), voice.attachments[0].export_path.as_deref()), (None, Some("./voice/123.mp3")));
}

#[test]
fn exporter_txt_glued_transfers_quotes_and_notices() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("wechat/exporter-txt/基建科/index.txt"), SHANGHAI, None);
    assert_eq!(s.format, "wechat-exporter-txt");
    assert_eq!((s.messages, s.skipped), (18, 1));
    assert_eq!(s.skips[0].locator, "index.txt:20");
    assert!(s.skips[0].reason.contains("2026-02-30 09:13:00"), "{:?}", s.skips);
    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    assert_eq!(
        kinds(&msgs),
        [
            "text", "text", "system", "transfer", "transfer", "transfer", "transfer", "text", "red_packet", "system",
            "file", "text", "recalled", "voice", "transfer", "recalled", "link", "location"
        ]
    );
    assert_eq!(msgs[0].conversation, "基建科");
    assert_eq!(msgs[0].conversation_kind, "group");
    assert_eq!(msgs[0].timestamp.as_deref(), Some("2026-03-09T09:00:00+08:00"));
    assert!(details(&ws, &msgs[0]).assumed);
    assert_eq!(msgs[1].text, "收到\n第二行补充\n\n第四行在空行后");
    assert_eq!((msgs[2].text.as_str(), msgs[2].timestamp.as_deref()), ("\"小赵\" 拍了拍 \"王科长\"", None));

    // Four transfers on two physical lines, with and without memos.
    let t: Vec<_> = msgs[3..7]
        .iter()
        .map(|m| (m.sender.as_deref(), m.amount.as_deref(), m.payment_status.as_deref(), details(&ws, m).memo, m.locator.as_str()))
        .collect();
    assert_eq!(
        t,
        [
            (Some("小赵"), Some("500.00"), Some("sent"), None, "index.txt:9"),
            (Some("老钱"), Some("1200.00"), Some("sent"), Some("辛苦费".into()), "index.txt:9"),
            (Some("王科长"), Some("500.00"), Some("received"), None, "index.txt:10"),
            (Some("王科长"), Some("1200.00"), Some("returned"), Some("辛苦费".into()), "index.txt:10"),
        ]
    );
    assert_eq!(details(&ws, &msgs[3]).extra["payee"], "王科长");
    assert_eq!(details(&ws, &msgs[5]).extra["payer"], "小赵");
    assert_eq!(msgs[6].timestamp.as_deref(), Some("2026-03-09T09:08:00+08:00"));
    assert_eq!((msgs[7].text.as_str(), msgs[7].locator.as_str()), ("这个钱不能收", "index.txt:11"));
    assert_eq!((msgs[8].sender.as_deref(), msgs[8].text.as_str()), (Some("老钱"), ""));
    assert_eq!((msgs[9].text.as_str(), msgs[9].timestamp.as_deref()), ("你领取了老钱的红包", None));
    assert_eq!(msgs[10].attachments[0].file_name, "进度款申请表（内部）.xlsx");
    // The quote has no header: no sender, no time, its own message.
    let q = &msgs[11];
    assert_eq!((q.sender.as_deref(), q.timestamp.as_deref(), q.locator.as_str()), (None, None, "index.txt:15"));
    assert_eq!(q.text, "明白<script>alert(1)</script>");
    let quote = &details(&ws, q).extra["quote"];
    assert_eq!((quote["name"].as_str(), quote["text"].as_str()), (Some("王科长"), Some("这个钱不能收")));
    assert_eq!(details(&ws, &msgs[12]).extra["recalled_by"], "老钱");
    assert_eq!(details(&ws, &msgs[13]).extra["duration"], "1'05\"");
    // A transfer glued to a recall notice.
    assert_eq!((msgs[14].amount.as_deref(), msgs[14].payment_status.as_deref()), (Some("66.00"), Some("sent")));
    assert_eq!((msgs[15].text.as_str(), msgs[15].locator.as_str()), ("\"老钱\" 撤回了一条消息", "index.txt:21"));
    assert_eq!(msgs[16].text, "关于规范工程款支付的通知");
    // The page's trailing newline is not part of the last message.
    assert_eq!(msgs[17].text, "城南区住建局 - 富春路1号 (30.25,120.21)");
}

#[test]
fn exporter_html_divs() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("wechat/exporter-html/钱老板/index.html"), SHANGHAI, None);
    assert_eq!(s.format, "wechat-exporter-html");
    assert_eq!((s.messages, s.skipped), (13, 2));
    let skips: Vec<_> = s.skips.iter().map(|k| (k.locator.as_str(), k.reason.as_str())).collect();
    assert_eq!(skips[0], ("index.html:169", "no name and time (.nt-box) in the message div"));
    assert_eq!(skips[1].0, "index.html:172");
    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    assert_eq!(
        kinds(&msgs),
        ["text", "text", "transfer", "transfer", "red_packet", "text", "file", "image", "voice", "video", "sticker", "recalled", "link"]
    );
    let m = &msgs[0];
    assert_eq!((m.conversation.as_str(), m.conversation_kind.as_str()), ("钱老板", "direct"));
    assert_eq!((m.sender.as_deref(), m.sender_name.as_deref()), (Some("qian_boss"), Some("钱老板&合伙人")));
    assert_eq!((m.external_id.as_deref(), m.locator.as_str()), (Some("1"), "index.html:13"));
    assert_eq!(m.timestamp.as_deref(), Some("2026-03-10T10:00:00+08:00"));
    // Raw `<` stays text; a WeChat emoji image becomes its code.
    assert_eq!(m.text, "王科，单笔<5000的就不用走招标了吧[微笑]");
    // A line imitating a message div inside the text is text.
    assert_eq!(
        msgs[1].text,
        "别这么说\n\t\t\t\t<div class=\"msg chat left \" msgid=\"99\" msgtype=\"1\">\n<script>alert(1)</script></pre></span> 这是文本"
    );
    assert_eq!(msgs[1].sender.as_deref(), Some("wangke_01"));
    let t = &msgs[2];
    assert_eq!((t.amount.as_deref(), t.currency.as_deref(), t.payment_status.as_deref()), (Some("2000.00"), Some("CNY"), Some("sent")));
    assert_eq!(details(&ws, t).memo.as_deref(), Some("茶水费"));
    assert_eq!(msgs[3].payment_status.as_deref(), Some("returned"));
    let quote = &details(&ws, &msgs[5]).extra["quote"];
    assert_eq!((msgs[5].text.as_str(), quote["name"].as_str()), ("按规定办", Some("钱老板")));
    assert_eq!(quote["text"], "单笔<5000的就不用走招标了吧");
    assert_eq!((msgs[6].text.as_str(), msgs[6].attachments[0].export_path.as_deref()), ("报价单（底价）.pdf", Some("Files/7.pdf")));
    assert_eq!(msgs[7].attachments[0].export_path.as_deref(), Some("Files/8.jpg"));
    assert_eq!(details(&ws, &msgs[8]).extra["duration"], "7\"");
    assert_eq!(msgs[9].attachments[0].file_name, "10.mp4");
    assert_eq!(details(&ws, &msgs[10]).extra["url"], "http://wxapp.example/s?m=1&filekey=2");
    assert_eq!((msgs[11].sender.as_deref(), msgs[11].timestamp.as_deref()), (None, None));
    assert_eq!(msgs[12].text, "工程款新规\n一文读懂\nhttps://news.example/a?x=1&y=2");
    assert_eq!(details(&ws, &msgs[12]).extra["app_name"], "新闻");
    assert!(participants(&ws).contains(&("wangke_01".into(), Some("王科长".into()), true)));
}

#[test]
fn pywxdump_csv_group() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("wechat/pywxdump-csv/钱老板群.csv"), SHANGHAI, None);
    assert_eq!(s.format, "wechat-pywxdump-csv");
    assert_eq!((s.messages, s.skipped), (10, 1));
    assert_eq!(s.skips[0].locator, "钱老板群.csv:12");
    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    assert_eq!(kinds(&msgs), ["text", "text", "image", "transfer", "red_packet", "recalled", "sticker", "text", "other", "file"]);
    assert_eq!((msgs[0].conversation.as_str(), msgs[0].conversation_kind.as_str()), ("2147483647@chatroom", "group"));
    assert_eq!((msgs[0].external_id.as_deref(), msgs[0].timestamp.as_deref()), (Some("9001"), Some("2026-03-09T09:05:00+08:00")));
    assert!(details(&ws, &msgs[0]).assumed);
    assert_eq!(msgs[1].text, "按程序走");
    let quote = &details(&ws, &msgs[1]).extra["quote"];
    assert_eq!(
        (quote["name"].as_str(), quote["text"].as_str(), quote["time"].as_str()),
        (Some("钱老板"), Some("王科，明天的标我们志在必得"), Some("2026-03-09 09:05:00"))
    );
    assert_eq!(msgs[1].locator, "钱老板群.csv:3");
    assert_eq!(msgs[2].attachments[0].file_name, "d41d8cd98f00b204.dat");
    assert_eq!(msgs[2].attachments[0].export_path.as_deref(), Some("FileStorage\\MsgAttach\\abc\\Image\\2026-03\\d41d8cd98f00b204.dat"));
    assert_eq!((msgs[3].amount.as_deref(), msgs[3].payment_status.as_deref()), (Some("3000.00"), Some("received")));
    assert_eq!(msgs[4].text, "恭喜发财，大吉大利");
    assert_eq!(msgs[5].text, "\"钱老板\" 撤回了一条消息");
    assert_eq!(msgs[7].text, "<script>alert(\"x\")</script>");
    assert_eq!(details(&ws, &msgs[8]).extra["type_name"], "未知类型");
    assert_eq!((msgs[9].text.as_str(), msgs[9].timestamp.as_deref()), ("标底测算.xlsx", Some("2023-03-09T09:14:30+08:00")));
    assert!(participants(&ws).contains(&("wxid_wang".into(), Some("wxid_wang".into()), true)));
}

#[test]
fn pywxdump_csv_older_json_content() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("wechat/pywxdump-csv/old_content.csv"), SHANGHAI, None);
    assert_eq!((s.format.as_str(), s.messages, s.skipped), ("wechat-pywxdump-csv", 3, 1));
    assert_eq!(s.skips[0].locator, "old_content.csv:4");
    assert!(s.skips[0].reason.starts_with("content is not JSON"), "{:?}", s.skips);
    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    assert_eq!(kinds(&msgs), ["system", "text", "image"]);
    assert_eq!(msgs[0].sender, None);
    assert_eq!(msgs[1].text, "张总好，\"回扣\"的事电话说");
    assert_eq!(msgs[1].sender.as_deref(), Some("我"));
    assert!(participants(&ws).contains(&("我".into(), Some("我".into()), true)));
    assert_eq!(msgs[0].conversation_kind, "direct");
}

#[test]
fn other_files_are_not_taken_for_wechat() {
    let mut ws = Workspace::new();
    for name in ["notes.md", "server.log"] {
        let results = ws.import_all(&fixture(&format!("wechat/not-wechat/{name}")), SHANGHAI);
        assert!(
            matches!(results[0].result, Err(redline::import::ImportError::Unrecognized { .. })),
            "{name}: {:?}",
            results[0].result
        );
    }
    // Inside a folder walk they are reported, not imported.
    let results = ws.import_all(&fixture("wechat/not-wechat"), SHANGHAI);
    assert!(results.iter().all(|r| matches!(r.result, Ok(ImportOutcome::NotRecognized { .. }))), "{results:?}");
}

#[test]
fn forced_format_on_a_foreign_file_is_an_error() {
    let mut ws = Workspace::new();
    let opts = redline::import::ImportOptions { format: Some("wechat-memotrace-html".into()), tz: Some("UTC".into()), ..Default::default() };
    let results = redline::import::import_path(&mut ws.store, &fixture("wechat/not-wechat/server.log"), &opts);
    assert!(matches!(results[0].result, Err(redline::import::ImportError::Malformed { .. })), "{:?}", results[0].result);
    let opts = redline::import::ImportOptions { format: Some("wechat-exporter-txt".into()), tz: Some("UTC".into()), ..Default::default() };
    let results = redline::import::import_path(&mut ws.store, &fixture("wechat/not-wechat/server.log"), &opts);
    assert!(matches!(results[0].result, Err(redline::import::ImportError::Malformed { .. })), "{:?}", results[0].result);
    // Nothing was written for the failed sources.
    assert_eq!(ws.store.totals().unwrap().messages, 0);
}

#[test]
fn exporter_txt_memo_without_a_known_name_is_flagged() {
    let mut ws = Workspace::new();
    let s = ws.import_one(&fixture("wechat/exporter-txt/临时群/index.txt"), SHANGHAI, None);
    assert_eq!((s.messages, s.skipped), (6, 0));
    let msgs = ws.store.messages_of_source(s.source_id).unwrap();
    assert_eq!(kinds(&msgs), ["transfer", "text", "transfer", "system", "transfer", "recalled"]);
    // "谢谢乙" never starts a line, so memo and name cannot be told apart:
    // all of it is taken as the next name, and the transfer says so.
    let d = details(&ws, &msgs[0]);
    assert_eq!((d.memo, d.extra["split_uncertain"].as_str()), (None, Some("谢谢乙")));
    assert_eq!(msgs[1].sender.as_deref(), Some("谢谢乙"));
    assert_eq!((msgs[2].amount.as_deref(), msgs[2].payment_status.as_deref()), (Some("5.00"), Some("received")));
    assert_eq!((msgs[3].text.as_str(), msgs[3].timestamp.as_deref()), ("\"甲\" 拍了拍 \"丙\"", None));
    assert_eq!(msgs[4].payment_status.as_deref(), Some("expired"));
    assert_eq!(details(&ws, &msgs[4]).memo.as_deref(), Some("过期了"));
    assert_eq!(msgs[5].text, "\"甲\" 撤回了一条消息");
}
