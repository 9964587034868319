//! The Redline desktop shell: a Tauri window over the web UI in `ui/`.
//!
//! This crate is deliberately thin. Every command it exposes forwards to the
//! `redline` library; there is no business logic here, so everything the
//! window can do is also testable without a window.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::PathBuf;

use serde::Serialize;

/// What the window shows about the open workspace.
#[derive(Serialize)]
struct WorkspaceSummary {
    path: String,
    schema_version: i64,
    totals: redline::store::queries::Totals,
}

/// The workspace given by REDLINE_DB, or ./redline.db.
fn workspace_path() -> PathBuf {
    std::env::var_os("REDLINE_DB").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("redline.db"))
}

#[tauri::command]
fn workspace_summary() -> Result<WorkspaceSummary, String> {
    let store = redline::store::Store::open(workspace_path()).map_err(|e| e.to_string())?;
    Ok(WorkspaceSummary {
        path: store.path().display().to_string(),
        schema_version: store.schema_version().map_err(|e| e.to_string())?,
        totals: store.totals().map_err(|e| e.to_string())?,
    })
}

fn main() {
    let result = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![workspace_summary])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("redline-desktop: {e}");
        std::process::exit(1);
    }
}
