//! `redline search`.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Args;
use redline::store::Store;

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// Words or "quoted phrases"; all must match. A trailing * matches a prefix.
    pub query: String,
    /// Most results to show.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// One JSON object per result, with UTF-16 `spans` for highlighting.
    #[arg(long)]
    pub json: bool,
}

pub fn run(store: &Store, args: SearchArgs) -> anyhow::Result<ExitCode> {
    let hits = store.search(&args.query, args.limit)?;
    let color = std::io::stdout().is_terminal();
    for h in &hits {
        if args.json {
            println!("{}", serde_json::to_string(h)?);
            continue;
        }
        println!(
            "#{} {} | {} | {} [{}]",
            h.message_id,
            h.timestamp.as_deref().unwrap_or("(no time)"),
            h.conversation,
            h.sender.as_deref().unwrap_or("(system)"),
            h.locator
        );
        println!("    {}", highlight(&h.text, &h.byte_spans, color));
    }
    if !args.json {
        println!("{} result{}", hits.len(), if hits.len() == 1 { "" } else { "s" });
    }
    Ok(if hits.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Mark matches: reverse video on a terminal, [[…]] otherwise.
pub fn highlight(text: &str, spans: &[(usize, usize)], color: bool) -> String {
    let (open, close) = if color { ("\x1b[7m", "\x1b[0m") } else { ("[[", "]]") };
    let mut out = String::with_capacity(text.len() + spans.len() * 8);
    let mut at = 0;
    for &(s, e) in spans {
        out.push_str(&text[at..s]);
        out.push_str(open);
        out.push_str(&text[s..e]);
        out.push_str(close);
        at = e;
    }
    out.push_str(&text[at..]);
    out.replace('\n', "\n    ")
}
