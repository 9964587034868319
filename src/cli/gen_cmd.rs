//! `redline gen-corpus`: write a synthetic chat export for benchmarks.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use redline::corpus_gen::{self, GenOptions, OutputFormat};

#[derive(Args, Debug)]
pub struct GenArgs {
    /// Number of messages to write.
    #[arg(long)]
    pub messages: u64,
    /// Seed: the same seed writes the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// jsonl, csv (the generic schema) or whatsapp (Android .txt, one group chat).
    #[arg(long, default_value = "jsonl")]
    pub format: OutputFormat,
    /// Output file (`-` for standard output).
    #[arg(long)]
    pub out: PathBuf,
    /// Number of chats (jsonl and csv; a WhatsApp export is one chat).
    #[arg(long, default_value_t = 200)]
    pub conversations: u32,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: GenArgs) -> anyhow::Result<ExitCode> {
    let opts = GenOptions { conversations: args.conversations, ..GenOptions::new(args.messages, args.seed, args.format) };
    let summary = if args.out.as_os_str() == "-" {
        corpus_gen::generate(&opts, std::io::BufWriter::new(std::io::stdout().lock()))
    } else {
        corpus_gen::generate_file(&opts, &args.out)
    }
    .with_context(|| format!("writing {}", args.out.display()))?;
    if args.json {
        eprintln!("{}", serde_json::to_string(&summary)?);
    } else {
        let kinds: Vec<String> = summary.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        eprintln!(
            "wrote {} messages ({} bytes, {} bytes of text, {:.1} per message) in {} conversations with {} participants to {}",
            summary.messages,
            summary.bytes,
            summary.text_bytes,
            summary.text_bytes as f64 / summary.messages.max(1) as f64,
            summary.conversations,
            summary.participants,
            args.out.display()
        );
        eprintln!("    kinds: {}", kinds.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}
