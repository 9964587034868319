//! The Redline desktop shell: a Tauri window over the web UI in `ui/`.
//!
//! This crate is deliberately thin. It forwards every request to
//! `redline::api::handle_with_progress` (the same call `redline serve` and
//! the CLI make), sends progress of long work to the window as `progress`
//! events, and remembers which workspace was open last. There is no
//! business logic here, so everything the window can do is testable
//! without a window.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::PathBuf;
use std::sync::Mutex;

use redline::api::{ApiError, Request, Response};
use tauri::{Emitter, Manager, State};

/// The open workspace.
struct Workspace(Mutex<Option<PathBuf>>);

const LAST_WORKSPACE_FILE: &str = "last-workspace.txt";

fn last_workspace_file(app: &tauri::AppHandle) -> Option<PathBuf> {
    app.path().app_config_dir().ok().map(|d| d.join(LAST_WORKSPACE_FILE))
}

/// The workspace to open at start: REDLINE_DB, else the last one used.
fn initial_workspace(app: &tauri::AppHandle) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("REDLINE_DB") {
        return Some(PathBuf::from(p));
    }
    let file = last_workspace_file(app)?;
    let path = PathBuf::from(std::fs::read_to_string(file).ok()?.trim());
    path.exists().then_some(path)
}

fn no_workspace() -> ApiError {
    ApiError { code: "no_workspace".into(), message: "no workspace is open: open or create one".into() }
}

/// Every API request of the UI.
#[tauri::command]
async fn api(app: tauri::AppHandle, ws: State<'_, Workspace>, request: Request) -> Result<Response, ApiError> {
    let db = ws.0.lock().map_err(|_| no_workspace())?.clone().ok_or_else(no_workspace)?;
    let actor = redline::review::reviewers::os_login();
    tauri::async_runtime::spawn_blocking(move || {
        let mut store = redline::store::Store::open(&db).map_err(ApiError::from)?;
        redline::api::handle_with_progress(&mut store, &actor, request, &mut |ev| {
            let _ = app.emit("progress", ev);
        })
    })
    .await
    .map_err(|e| ApiError { code: "storage".into(), message: e.to_string() })?
}

/// The open workspace's path, if any.
#[tauri::command]
fn workspace(ws: State<'_, Workspace>) -> Option<String> {
    ws.0.lock().ok().and_then(|p| p.as_ref().map(|p| p.display().to_string()))
}

/// Open (creating if needed) a workspace, and remember it for next time.
#[tauri::command]
fn open_workspace(app: tauri::AppHandle, ws: State<'_, Workspace>, path: String) -> Result<String, ApiError> {
    let path = PathBuf::from(path);
    redline::store::Store::open(&path).map_err(ApiError::from)?;
    if let Some(file) = last_workspace_file(&app) {
        if let Some(dir) = file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = std::fs::write(file, path.display().to_string());
    }
    let shown = path.display().to_string();
    *ws.0.lock().map_err(|_| no_workspace())? = Some(path);
    Ok(shown)
}

fn main() {
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(Workspace(Mutex::new(None)))
        .setup(|app| {
            let initial = initial_workspace(app.handle());
            if let Some(p) = &initial {
                // A workspace that cannot be opened is reported by the first request.
                let _ = redline::store::Store::open(p);
            }
            if let Ok(mut w) = app.state::<Workspace>().0.lock() {
                *w = initial;
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![api, workspace, open_workspace])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("redline-desktop: {e}");
        std::process::exit(1);
    }
}
