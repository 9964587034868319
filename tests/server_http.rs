//! `redline serve` over real HTTP: the session token, Host and Origin
//! checks, the API, and progress events.

mod util;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use redline::server::{ServeConfig, Server};

struct Running {
    port: u16,
    token: String,
    _ws: util::Workspace,
}

fn start() -> Running {
    let ws = util::Workspace::new();
    let ui = ws.dir.path().join("ui");
    std::fs::create_dir_all(&ui).unwrap();
    std::fs::write(ui.join("index.html"), "<!doctype html><title>Redline</title>").unwrap();
    let cfg = ServeConfig { db: ws.db_path(), port: 0, ui_dir: ui, actor: "alice".into(), token: None };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let server = Server::bind(cfg).await.unwrap();
            tx.send(server.url()).unwrap();
            server.run().await.unwrap();
        });
    });
    let url = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let port: u16 = url.trim_start_matches("http://127.0.0.1:").split('/').next().unwrap().parse().unwrap();
    let token = url.rsplit("token=").next().unwrap().to_string();
    assert_eq!(token.len(), 64);
    Running { port, token, _ws: ws }
}

/// Send a raw HTTP/1.1 request; returns (status, body).
fn http(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    let mut has_host = false;
    for (k, v) in headers {
        has_host |= k.eq_ignore_ascii_case("host");
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !has_host {
        req.push_str(&format!("Host: 127.0.0.1:{port}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = out.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

fn api(r: &Running, body: &str) -> (u16, String) {
    let auth = format!("Bearer {}", r.token);
    http(r.port, "POST", "/api", &[("Authorization", &auth), ("Content-Type", "application/json")], body)
}

#[test]
fn the_api_needs_the_session_token() {
    let r = start();
    assert_eq!(http(r.port, "POST", "/api", &[], r#"{"type":"me"}"#).0, 401);
    assert_eq!(http(r.port, "POST", "/api", &[("Authorization", "Bearer 0000")], r#"{"type":"me"}"#).0, 401);
    let (status, body) = api(&r, r#"{"type":"me"}"#);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(r#""login":"alice""#), "{body}");
    // The event stream takes the token in the query.
    assert_eq!(http(r.port, "GET", "/api/events", &[], "").0, 401);
}

#[test]
fn foreign_hosts_and_origins_are_refused() {
    let r = start();
    let auth = format!("Bearer {}", r.token);
    // DNS rebinding: right token, wrong Host.
    assert_eq!(http(r.port, "POST", "/api", &[("Authorization", &auth), ("Host", "evil.example:80")], r#"{"type":"me"}"#).0, 403);
    // Cross-site request from a page elsewhere.
    assert_eq!(http(r.port, "POST", "/api", &[("Authorization", &auth), ("Origin", "http://evil.example")], r#"{"type":"me"}"#).0, 403);
    // Our own origin is fine.
    let origin = format!("http://127.0.0.1:{}", r.port);
    assert_eq!(http(r.port, "POST", "/api", &[("Authorization", &auth), ("Origin", &origin)], r#"{"type":"me"}"#).0, 200);
    // Pages carry a strict CSP.
    let mut s = TcpStream::connect(("127.0.0.1", r.port)).unwrap();
    write!(s, "GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n", r.port).unwrap();
    let mut head = String::new();
    s.read_to_string(&mut head).unwrap();
    assert!(head.to_ascii_lowercase().contains("content-security-policy: default-src 'self'; script-src 'self'"), "{head}");
}

#[test]
fn errors_have_codes_and_statuses() {
    let r = start();
    let (status, body) = api(&r, "not json");
    assert_eq!(status, 400);
    assert!(body.contains(r#""code":"bad_request""#), "{body}");
    let (status, body) = api(&r, r#"{"type":"get_case","id":999}"#);
    assert_eq!(status, 404);
    assert!(body.contains(r#""code":"not_found""#), "{body}");
}

#[test]
fn import_reports_progress_as_server_sent_events() {
    let r = start();
    // Listen to the event stream first.
    let mut s = TcpStream::connect(("127.0.0.1", r.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(s, "GET /api/events?token={} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", r.token, r.port).unwrap();
    let mut reader = BufReader::new(s);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.contains("200"), "{line}");
    std::thread::sleep(Duration::from_millis(200));
    let path = util::fixture("review/chats.jsonl");
    let body = format!(r#"{{"type":"import","paths":[{:?}],"format":null,"tz":"Asia/Shanghai"}}"#, path.display().to_string());
    let (status, resp) = api(&r, &body);
    assert_eq!(status, 200, "{resp}");
    assert!(resp.contains(r#""status":"imported""#), "{resp}");
    let mut saw = false;
    for _ in 0..200 {
        line.clear();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if line.starts_with("data:") && line.contains(r#""task":"import""#) {
            saw = true;
            break;
        }
    }
    assert!(saw, "no import progress event");
}
