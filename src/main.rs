//! The `redline` command. Parsing and printing live in `cli`; everything it
//! does is a library call.

use std::process::ExitCode;

use clap::Parser;

mod cli;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("redline: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
