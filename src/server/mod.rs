//! `redline serve`: the workstation UI and the API over HTTP, for browsers.
//!
//! Chat content is hostile and a workspace is evidence, so the server is
//! locked down the way a local tool must be:
//!
//! * it binds to 127.0.0.1 only;
//! * every API call needs the session token (random, 256 bits, printed in
//!   the URL once): `Authorization: Bearer TOKEN`, or `?token=` for the
//!   event stream, which browsers cannot give headers;
//! * requests whose `Host` is not this loopback address (DNS rebinding) or
//!   whose `Origin` is another site (cross-site requests) are refused;
//! * pages are sent with a strict Content-Security-Policy.
//!
//! Each request opens its own connection to the workspace (SQLite WAL), so
//! reviewers keep reading while an import or scan runs. Long tasks report
//! progress as server-sent events on `/api/events`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Query, Request as HttpRequest, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response as HttpResponse};
use axum::routing::{get, post};
use axum::{Json, Router};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::StreamExt;

use crate::api::{self, ApiError, ProgressEvent, Request};
use crate::store::Store;

/// The Content-Security-Policy of every page: scripts and styles only from
/// this server, no inline script, no plugins, no framing.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("cannot make a session token: {0}")]
    Token(String),
    #[error("the web UI is not built ({0} has no index.html); run `make ui` or pass --ui PATH")]
    NoUi(PathBuf),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub db: PathBuf,
    /// 0 picks a free port.
    pub port: u16,
    /// The built UI (`ui/dist`).
    pub ui_dir: PathBuf,
    /// The reviewer the API acts as.
    pub actor: String,
    /// Fixed token (tests); random when `None`.
    pub token: Option<String>,
}

struct AppState {
    db: PathBuf,
    actor: String,
    token: String,
    /// Values the `Host` header may have.
    hosts: Vec<String>,
    /// Values the `Origin` header may have.
    origins: Vec<String>,
    events: broadcast::Sender<ProgressEvent>,
    ui_dir: PathBuf,
}

/// The UI folder compiled into this binary's source tree (for development
/// and `make demo`); `--ui` overrides it.
pub fn default_ui_dir() -> PathBuf {
    std::env::var_os("REDLINE_UI").map(PathBuf::from).unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/dist"))
}

fn new_token() -> Result<String, ServerError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ServerError::Token(e.to_string()))?;
    Ok(hex::encode(bytes))
}

/// A bound, ready server: `url()` to print, `run()` to serve.
pub struct Server {
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    addr: SocketAddr,
}

impl Server {
    pub async fn bind(cfg: ServeConfig) -> Result<Self, ServerError> {
        if !cfg.ui_dir.join("index.html").is_file() {
            return Err(ServerError::NoUi(cfg.ui_dir));
        }
        // Create and migrate the workspace once, before taking requests.
        Store::open(&cfg.db)?;
        let addr = SocketAddr::from(([127, 0, 0, 1], cfg.port));
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| ServerError::Bind { addr, source: e })?;
        let addr = listener.local_addr()?;
        let token = match cfg.token {
            Some(t) => t,
            None => new_token()?,
        };
        let port = addr.port();
        let state = Arc::new(AppState {
            db: cfg.db,
            actor: cfg.actor,
            token,
            hosts: vec![format!("127.0.0.1:{port}"), format!("localhost:{port}")],
            origins: vec![format!("http://127.0.0.1:{port}"), format!("http://localhost:{port}")],
            events: broadcast::channel(1024).0,
            ui_dir: cfg.ui_dir,
        });
        Ok(Self { listener, state, addr })
    }

    /// The address to open, with the session token.
    pub fn url(&self) -> String {
        format!("http://{}/?token={}", self.addr, self.state.token)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serve until Ctrl-C.
    pub async fn run(self) -> Result<(), ServerError> {
        let app = router(Arc::clone(&self.state));
        axum::serve(self.listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        Ok(())
    }
}

fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/api", post(api_call))
        .route("/api/events", get(events))
        .fallback(get(static_file))
        .layer(middleware::from_fn_with_state(Arc::clone(&state), guard))
        .with_state(state)
}

fn refuse(status: StatusCode, message: &str) -> HttpResponse {
    let code = if status == StatusCode::UNAUTHORIZED { "unauthorized" } else { "forbidden" };
    (status, Json(ApiError { code: code.into(), message: message.into() })).into_response()
}

/// Host and Origin checks for everything; the token for the API.
async fn guard(State(st): State<Arc<AppState>>, req: HttpRequest, next: Next) -> HttpResponse {
    let headers = req.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if !st.hosts.iter().any(|h| h == host) {
        return refuse(StatusCode::FORBIDDEN, "this server only answers to its loopback address");
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        if !st.origins.iter().any(|o| o == origin) {
            return refuse(StatusCode::FORBIDDEN, "requests from other sites are refused");
        }
    }
    if req.uri().path().starts_with("/api") && !authorized(&st.token, headers, req.uri().query()) {
        return refuse(StatusCode::UNAUTHORIZED, "missing or wrong session token: open the URL redline serve printed");
    }
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// Constant-time comparison, so the token cannot be guessed byte by byte.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn authorized(token: &str, headers: &HeaderMap, query: Option<&str>) -> bool {
    if let Some(v) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        if let Some(t) = v.strip_prefix("Bearer ") {
            return same(t.trim(), token);
        }
    }
    query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter_map(|kv| kv.strip_prefix("token="))
        .any(|t| same(t, token))
}

async fn api_call(State(st): State<Arc<AppState>>, body: axum::body::Bytes) -> HttpResponse {
    let req: Request = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return (StatusCode::BAD_REQUEST, Json(ApiError { code: "bad_request".into(), message: format!("not a valid request: {e}") }))
                .into_response()
        }
    };
    let st2 = Arc::clone(&st);
    let result = tokio::task::spawn_blocking(move || {
        let mut store = Store::open(&st2.db).map_err(ApiError::from)?;
        let events = st2.events.clone();
        api::handle_with_progress(&mut store, &st2.actor, req, &mut |ev| {
            let _ = events.send(ev);
        })
    })
    .await;
    match result {
        Ok(Ok(resp)) => Json(resp).into_response(),
        Ok(Err(e)) => {
            let status = match e.code.as_str() {
                "not_found" => StatusCode::NOT_FOUND,
                "forbidden" => StatusCode::FORBIDDEN,
                "conflict" | "invalid_transition" => StatusCode::CONFLICT,
                "bad_request" => StatusCode::BAD_REQUEST,
                "unavailable" => StatusCode::GONE,
                "cancelled" => StatusCode::OK,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            (status, Json(e)).into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, Json(ApiError { code: "storage".into(), message: e.to_string() })).into_response(),
    }
}

async fn events(State(st): State<Arc<AppState>>, _q: Query<std::collections::HashMap<String, String>>) -> impl IntoResponse {
    let stream = BroadcastStream::new(st.events.subscribe()).filter_map(|ev| {
        ev.ok().and_then(|e| serde_json::to_string(&e).ok()).map(|json| Ok::<Event, std::convert::Infallible>(Event::default().data(json)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        Some("woff2") => "font/woff2",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

/// Files of the built UI; unknown paths get index.html (client routing).
async fn static_file(State(st): State<Arc<AppState>>, uri: axum::http::Uri) -> HttpResponse {
    let rel = uri.path().trim_start_matches('/');
    // Only plain relative paths inside the UI folder.
    let safe = !rel.split('/').any(|c| c == ".." || c.starts_with('.') && !c.is_empty()) && !rel.contains('\\');
    let mut path = st.ui_dir.join(if rel.is_empty() || !safe { "index.html" } else { rel });
    if !path.is_file() {
        path = st.ui_dir.join("index.html");
    }
    match tokio::fs::read(&path).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, content_type(&path))], Body::from(bytes)).into_response(),
        Err(_) => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}
