//! `redline serve`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use redline::server::{self, ServeConfig, Server};

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 8765)]
    pub port: u16,
    /// The built web UI (default: ui/dist of this source tree, or REDLINE_UI).
    #[arg(long)]
    pub ui: Option<PathBuf>,
}

pub fn run(db: &Path, actor: &str, a: ServeArgs) -> anyhow::Result<ExitCode> {
    let cfg = ServeConfig {
        db: db.to_path_buf(),
        port: a.port,
        ui_dir: a.ui.unwrap_or_else(server::default_ui_dir),
        actor: actor.to_string(),
        token: std::env::var("REDLINE_TOKEN").ok().filter(|t| t.len() >= 32),
    };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let server = Server::bind(cfg).await?;
        // The first line is the URL (scripts and tests read it).
        println!("Redline is serving {}", server.url());
        println!("  workspace {} — only this machine can connect; press Ctrl-C to stop", db.display());
        std::io::stdout().flush()?;
        server.run().await?;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}
