//! The words and sentence templates of the synthetic corpus.
//!
//! Work chat in a Chinese company with English-speaking colleagues: meetings,
//! 报销/发票, 材料, 项目 talk, English standups, plus free "chatter" built
//! from subject/verb/object lists so that the text has more distinct words
//! (and the full-text index more distinct bigrams) than the templates alone.
//! A small share of the templates is red-line material (红包, 转账, 回扣,
//! 代购, 内部文件, off-channel contact, guaranteed returns) so that rules
//! and searches have something to find.
//!
//! Slots in templates: `{n}` a colleague's name, `{p}` a project, `{d}` a
//! day, `{t}` a time, `{r}` a meeting room, `{c}` a city, `{a}` an amount,
//! `{f}` a document, `{o}` an order number, `{k}` a small count.

pub const CN_SURNAMES: &[&str] = &[
    "张", "王", "李", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
    "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];
pub const CN_GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "杰", "婷", "强", "丽", "超", "琳", "斌", "涛", "浩", "雪", "东", "佳",
    "晓明", "建国", "志强", "秀英", "桂兰", "海燕", "文博", "子涵", "思远", "雨桐", "俊杰", "欣怡",
];
pub const EN_FIRST: &[&str] = &[
    "Alice", "Bob", "Carol", "David", "Emma", "Frank", "Grace", "Henry", "Ivy", "Jack", "Kate", "Leo", "Mia", "Nick",
    "Olivia", "Peter", "Rachel", "Sam", "Tina", "Victor",
];
pub const EN_LAST: &[&str] = &[
    "Chen", "Miller", "Wang", "Lee", "Zhou", "Liu", "Kim", "Zhang", "Huang", "Wilson", "Brown", "Sun", "Lin", "Taylor",
    "Xu", "Ma", "Nguyen", "Patel",
];

pub const CN_GROUPS: &[&str] = &[
    "项目周会群", "财务报销群", "市场部工作群", "华东区销售群", "采购对接群", "产品研发群", "行政通知群", "年会筹备组",
    "客户服务群", "供应商沟通群", "深圳分公司", "招投标小组", "渠道合作群", "质量改进小组",
];
pub const EN_GROUPS: &[&str] =
    &["Marketing Standup", "APAC Sales", "Platform Eng", "Vendor Ops", "Finance Close", "Deal Room", "Leadership Sync"];

pub const PROJECTS: &[&str] = &[
    "星河项目", "凤凰计划", "华东仓储项目", "数据中台", "CRM升级", "新零售门店", "海外直播", "智慧园区", "Apollo",
    "Orion", "供应链优化", "会员系统",
];
pub const DAYS: &[&str] = &["周一", "周二", "周三", "周四", "周五", "明天", "后天", "下周一", "月底", "今天"];
pub const EN_DAYS: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "tomorrow", "next week"];
pub const TIMES: &[&str] = &["9:30", "10点", "十点半", "下午两点", "14:00", "15:30", "下午四点", "晚上七点"];
pub const EN_TIMES: &[&str] = &["9:30", "10am", "11:15", "2pm", "3:30pm", "4pm"];
pub const ROOMS: &[&str] = &["3楼大会议室", "第二会议室", "腾讯会议", "飞书会议", "前台旁边的小会议室", "客户那边"];
pub const CITIES: &[&str] = &["上海", "深圳", "北京", "杭州", "成都", "广州", "苏州", "香港", "新加坡"];
pub const EN_CITIES: &[&str] = &["Singapore", "Hong Kong", "Shanghai", "Shenzhen", "Tokyo", "London", "Sydney"];
pub const DOCS: &[&str] = &[
    "报价单", "合同草稿", "投标方案", "季度报表", "会议纪要", "需求文档", "验收报告", "采购清单", "培训材料", "预算表",
];
pub const EN_DOCS: &[&str] = &["the deck", "the Q3 forecast", "the pricing sheet", "the SOW", "the vendor list", "the draft contract"];

/// Everyday work chat in Chinese.
pub const CN_WORK: &[&str] = &[
    "早上好，{n}，今天{t}的会议别忘了",
    "大家好，{d}{t}在{r}开{p}周会，请准时参加",
    "收到，谢谢{n}",
    "好的，我马上处理",
    "辛苦了！",
    "{n}在吗？有个事想问一下",
    "{p}的评审会改到{d}{t}，地点{r}",
    "会议纪要已经发到群里了，请大家确认一下",
    "今天的会议取消了，{d}再约",
    "我这边{t}有个客户电话，会议能晚半小时吗",
    "上个月的报销单已经提交了，麻烦{n}审批一下",
    "发票抬头写公司全称，税号我等下发你",
    "出差的打车票和酒店发票都要附上，不然财务不给报",
    "报销金额{a}元，请财务核对",
    "这张发票开错了，需要重新开一张",
    "{f}我已经上传到共享盘了",
    "麻烦把{p}的{f}整理一下，{d}之前发我",
    "合同的扫描件在附件里，盖章后寄回",
    "{p}进度怎么样了？客户在催",
    "{p}这周能上线吗？",
    "测试环境又挂了，{n}帮忙看一下",
    "需求文档第三版已更新，改动比较大，大家看一下",
    "我们{d}去{c}拜访客户，{k}个人",
    "订单{o}已经发货了，物流单号晚点给你",
    "样品{d}到，到了我通知大家",
    "客户说价格还要再降{k}个点",
    "{n}，你的年假申请批了",
    "打印机没纸了，谁去行政领一下",
    "午饭订好了，{k}份，十二点到",
    "请大家{d}之前把周报交上来",
];

/// Red-line material in Chinese (a small share of messages).
pub const CN_RED: &[&str] = &[
    "红包收到了吗？一点心意，别跟别人说",
    "我给你转账{a}元，算是辛苦费",
    "这次的回扣按老规矩，{a}",
    "帮我代购两瓶茅台，钱我转你",
    "这是内部文件，千万别外传",
    "招标的底价我私下发你微信",
    "机密资料看完就删掉",
    "这个项目保证收益，年化百分之二十",
    "{n}那边打点好了，报价按我们说的来",
    "发票可以多开一点，差额你懂的",
    "加我私人微信聊，这里不方便",
    "过节给{n}包个大红包，{a}左右",
];

/// Everyday work chat in English.
pub const EN_WORK: &[&str] = &[
    "Morning all, standup in 5 min",
    "Yesterday I finished the {p} API, today working on tests, no blockers",
    "Can we move the sync to {t}? I have a client call",
    "Please submit your expense reports by {d}",
    "The invoice for {p} is attached, please review",
    "Thanks {n}, looks good to me",
    "I'll be out of office {d}, {n} is covering",
    "Uploaded {f} for the {c} customer meeting to the shared drive",
    "Order {o} shipped this morning",
    "Quick reminder: quarterly review {d} at {t}",
    "Who owns the follow-up with the {c} team?",
    "LGTM, merging now",
];

/// Red-line material in English.
pub const EN_RED: &[&str] = &[
    "text me on WhatsApp, not here",
    "guaranteed returns, 20% a month, no risk",
    "let's keep this off the record",
    "delete this after reading",
    "I can wire you {a} USD as a thank-you",
    "send me the internal pricing sheet on my personal email",
];

/// Free chatter: subject + adverb + verb + object + ending, in Chinese.
pub const CN_SUBJECTS: &[&str] = &["我", "你", "他们", "老板", "客户", "财务", "我们组", "供应商", "法务", "这边"];
pub const CN_ADVERBS: &[&str] = &["已经", "还没", "正在", "打算", "需要", "可能要", "明天再", "刚刚", "一直在", "先"];
pub const CN_VERBS: &[&str] = &[
    "确认", "安排", "发送", "修改", "审核", "对接", "跟进", "整理", "签", "核对", "催", "汇总", "上传", "打印", "讨论",
];
pub const CN_OBJECTS: &[&str] = &[
    "方案", "报价", "合同", "样品", "订单", "预算", "排期", "名单", "账单", "物流", "付款", "数据", "流程", "海报",
    "宣传册", "工单", "库存", "场地", "机票", "酒店",
];
pub const CN_ENDINGS: &[&str] = &["了", "吧", "吗？", "，稍等", "，放心", "哈哈", "。", "！", "，有问题随时说", ""];

/// Free chatter in English.
pub const EN_SUBJECTS: &[&str] = &["I", "We", "They", "The client", "Finance", "Legal", "The vendor", "My team"];
pub const EN_VERBS: &[&str] =
    &["reviewed", "updated", "sent", "approved", "rejected", "scheduled", "shared", "signed", "checked", "moved"];
pub const EN_OBJECTS: &[&str] = &[
    "the budget", "the timeline", "the contract", "the samples", "the invoice", "the roadmap", "the slides", "the PO",
    "the report", "the ticket",
];
pub const EN_ENDINGS: &[&str] = &["", " already", " this morning", ", will ping you", " :)", "!", " yesterday", ", fyi"];

/// Memos on transfers (WeChat 转账 shows the memo as the message text).
pub const TRANSFER_MEMOS: &[&str] = &["报销打车费", "还你的饭钱", "转账", "团建费用", "辛苦费", "定金", "代购款", ""];
pub const RED_PACKET_TEXTS: &[&str] = &["恭喜发财，大吉大利", "新年快乐", "节日快乐", "感谢大家", "小小心意"];
pub const SYSTEM_TEXTS: &[&str] = &["{n}加入了群聊", "{n}修改群名为“{p}群”", "{n}撤回了一条消息", "{n}拍了拍你"];

/// Second lines of multi-line messages.
pub const CN_EXTRA_LINES: &[&str] =
    &["地址：上海市浦东新区世纪大道100号", "联系人：{n}", "附件见邮件", "1. 报价\n2. 交期\n3. 付款方式", "谢谢！"];
pub const EN_EXTRA_LINES: &[&str] = &["Agenda:\n- status\n- risks", "cc {n}", "Thanks!", "Dial-in link in the invite"];
