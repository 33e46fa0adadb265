//! `rulec serve`: a local screening workbench in the browser.
//!
//! A small blocking HTTP server (`tiny_http`) on 127.0.0.1 unless
//! `--bind` says otherwise, serving a page embedded in the binary and the
//! JSON API of [`api`]; screening runs in the background ([`state`]).
//!
//! | file | what it does |
//! |---|---|
//! | `mod.rs` | options, the listening socket, routing, headers |
//! | `state.rs` | the rules that checked and the screening job |
//! | `api.rs` | the JSON answers |
//! | `assets/` | the page: HTML, JavaScript and CSS, no framework, no CDN |

mod api;
mod state;

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use jiff::civil::Date;
use tiny_http::{Header, Method, Request, Response, Server};

use crate::check::{Status, eprintln_quiet};
use crate::input::Input;
use api::Reply;
use state::{Checked, State};

/// Requests answered at once, each on a thread of its own: a slow
/// client (a body announced and never sent) or a slow explanation holds
/// up only its own request. Past this many, a request gets 503 at once.
const IN_FLIGHT: usize = 64;

/// Threads answering or refusing requests at most: past this many, a
/// request is refused by the accept loop itself, which a body sent slowly
/// then holds up.
const THREADS: usize = 256;

/// How often the accept loop looks whether `tiny_http` failed.
const WATCH: Duration = Duration::from_millis(250);

/// Set when code of `tiny_http` panicked: its accept thread (which
/// panics when the process runs out of file descriptors) is then gone,
/// and the server would never answer again.
static HTTP_FAILED: AtomicBool = AtomicBool::new(false);

/// What `rulec serve` was asked to do.
#[derive(Debug)]
pub struct Options {
    /// The rule file.
    pub rules: PathBuf,
    /// The records.
    pub input: Input,
    /// The screening date.
    pub index: Date,
    /// The address to listen on; loopback unless the user says.
    pub bind: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// Whether `use` may import files outside the rule file's folder.
    pub imports_outside: bool,
}

/// The loopback address the workbench listens on by default.
pub const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// Runs `rulec serve` until the process is stopped.
pub fn run(options: Options) -> Status {
    let name = options.rules.display().to_string();
    if options.input.path.as_os_str() == "-" {
        // Every edit that checks reads the records again; stdin reads once.
        eprintln_quiet(
            "error: rulec serve reads the records again after every edit: give a file, not `-`",
        );
        return Status::Trouble;
    }
    let source = match rulec::Source::read(&options.rules) {
        Ok(source) => source.text().to_owned(),
        Err(e) => {
            eprintln_quiet(&format!("error: cannot read `{name}`: {e}"));
            return Status::Trouble;
        }
    };
    let folder = options
        .rules
        .parent()
        .unwrap_or(std::path::Path::new(""))
        .to_owned();
    let loaded = match state::check(&source, &name, &folder, options.imports_outside) {
        Checked::Rules(loaded) => *loaded,
        Checked::Invalid(_) => {
            // Shown as `rulec check` shows them, then the same exit status.
            return match crate::check::load(&options.rules, false, options.imports_outside) {
                Ok(_) => Status::Errors,
                Err(status) => status,
            };
        }
        Checked::Failed(reason) => {
            eprintln_quiet(&format!("error: cannot read `{name}`: {reason}"));
            return Status::Trouble;
        }
    };
    watch_http_panics();
    let server = match Server::http(SocketAddr::new(options.bind, options.port)) {
        Ok(server) => server,
        Err(e) => {
            eprintln_quiet(&format!(
                "error: cannot listen on {}:{}: {e}",
                options.bind, options.port
            ));
            return Status::Trouble;
        }
    };
    let Some(address) = server.server_addr().to_ip() else {
        eprintln_quiet("error: the server is not listening on an IP address");
        return Status::Trouble;
    };
    // `::ffff:127.0.0.1` is 127.0.0.1 too.
    let loopback_only = options.bind.to_canonical().is_loopback();
    let state = State::start(
        options.rules,
        options.input,
        options.index,
        options.imports_outside,
        loaded,
    );
    let url = format!("http://{address}/");
    // The URL alone on stdout, for scripts and tests; words on stderr. A
    // closed stdout (`rulec serve … | head -0`) loses only that line: the
    // URL is on stderr as well, and the workbench goes on.
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{url}").and_then(|()| stdout.flush());
    drop(stdout);
    eprintln_quiet(&format!(
        "rulec serve: screening {} against {name} at {url} (Ctrl-C stops it)",
        state.input.name()
    ));
    if !loopback_only {
        eprintln_quiet(&format!(
            "warning: listening on {}: whoever can reach it sees the patients, without a login",
            address.ip()
        ));
    }
    let in_flight = Arc::new(AtomicUsize::new(0));
    loop {
        let request = match server.recv_timeout(WATCH) {
            Ok(Some(request)) => request,
            Ok(None) if HTTP_FAILED.load(Ordering::Acquire) => {
                eprintln_quiet(
                    "error: the HTTP server stopped accepting connections \
                     (out of file descriptors?): rulec serve stops",
                );
                return Status::Trouble;
            }
            Ok(None) => continue,
            Err(e) => {
                eprintln_quiet(&format!(
                    "error: the HTTP server stopped accepting connections: {e}"
                ));
                return Status::Trouble;
            }
        };
        dispatch(&state, request, address, loopback_only, &in_flight);
    }
}

/// Counts a request in flight for as long as it lives.
struct InFlight(Arc<AtomicUsize>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Answers `request` on a thread of its own, or with 503 when
/// [`IN_FLIGHT`] requests are being answered already.
///
/// `tiny_http` reads what is left of a request's body when the request
/// is dropped, so a 503 to a request with a body (which may never come)
/// is also sent from a thread of its own, up to [`THREADS`] threads in
/// all; only a request without a body is refused right here.
fn dispatch(
    state: &Arc<State>,
    request: Request,
    address: SocketAddr,
    loopback_only: bool,
    in_flight: &Arc<AtomicUsize>,
) {
    let before = in_flight.fetch_add(1, Ordering::AcqRel);
    let counted = InFlight(Arc::clone(in_flight));
    let busy = before >= IN_FLIGHT;
    let body = request.body_length().is_some_and(|n| n > 0);
    if busy && (!body || before >= THREADS) {
        let _ = request.respond(busy_response());
        return;
    }
    let state = Arc::clone(state);
    // When the thread cannot start, the closure is dropped with the
    // request (its connection closes) and the count.
    let _ = std::thread::Builder::new()
        .name("http".to_owned())
        .spawn(move || {
            let _counted = counted;
            if busy {
                let _ = request.respond(busy_response());
            } else {
                respond(&state, request, address, loopback_only);
            }
        });
}

fn busy_response() -> Answer {
    json_response(Reply::error(503, "busy: too many requests at once"))
}

/// A body announced longer than this is not read at all (see [`respond`]).
const ABSURD_BODY: usize = 1 << 30;

/// Answers one request; a client gone before the answer is not an error.
fn respond(state: &Arc<State>, mut request: Request, address: SocketAddr, loopback_only: bool) {
    if request.body_length().is_some_and(|n| n > ABSURD_BODY) {
        // `tiny_http` 0.12 reads what is left of a dropped request's body
        // into one buffer of the size announced: a `Content-Length` of
        // 400 GB aborts the process, failing to allocate it. Such a
        // request is answered and its connection kept, never dropped (a
        // leak, for a request no browser sends).
        let answer = json_response(Reply::error(413, "the request is too large"));
        std::mem::forget(request.upgrade("rulec", answer));
        return;
    }
    let response = if loopback_only && !host_is_ours(&request, address) {
        // A page of another site reaching this server through a name that
        // resolves to 127.0.0.1 (DNS rebinding) sends its own host name.
        json_response(Reply::error(
            403,
            "the Host header does not name this server",
        ))
    } else {
        guarded(|| route(state, &mut request))
    };
    let _ = request.respond(response);
}

/// The answer `answer` gives, or 500 when it panics (a bug): the request
/// gets an answer and the server goes on.
fn guarded(answer: impl FnOnce() -> Answer) -> Answer {
    catch_unwind(AssertUnwindSafe(answer)).unwrap_or_else(|_| {
        json_response(Reply::error(
            500,
            "an internal error (a bug in rulec) stopped this request",
        ))
    })
}

/// Notes, on top of the usual report, a panic in `tiny_http`'s code.
fn watch_http_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if info
            .location()
            .is_some_and(|l| l.file().contains("tiny_http"))
        {
            HTTP_FAILED.store(true, Ordering::Release);
        }
        previous(info);
    }));
}

/// Whether the request's Host header names the loopback address we
/// listen on (or `localhost`).
fn host_is_ours(request: &Request, address: SocketAddr) -> bool {
    let port = address.port();
    let Some(host) = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_ascii_lowercase())
    else {
        return false;
    };
    [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        format!("{address}"),
    ]
    .contains(&host)
}

type Answer = Response<std::io::Cursor<Vec<u8>>>;

fn route(state: &Arc<State>, request: &mut Request) -> Answer {
    let url = request.url().to_owned();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let query = parse_query(query);
    match (request.method(), path) {
        (Method::Get, "/") => asset(ASSETS.index, "text/html; charset=utf-8"),
        (Method::Get, "/app.js") => asset(ASSETS.script, "text/javascript; charset=utf-8"),
        (Method::Get, "/style.css") => asset(ASSETS.style, "text/css; charset=utf-8"),
        (Method::Get, "/api/rules") => json_response(api::rules(state)),
        (Method::Get, "/api/status") => json_response(api::status(state)),
        (Method::Get, "/api/patients") => json_response(api::patients(state, &query)),
        (Method::Get, p) if p.starts_with("/api/patients/") => {
            let n = p.trim_start_matches("/api/patients/");
            json_response(api::patient(state, n))
        }
        (Method::Post, "/api/check") => json_response(check(state, request)),
        (_, "/api/check") => not_allowed("POST"),
        (_, "/" | "/app.js" | "/style.css" | "/api/rules" | "/api/status" | "/api/patients") => {
            not_allowed("GET")
        }
        (_, p) if p.starts_with("/api/patients/") => not_allowed("GET"),
        _ => json_response(Reply::error(404, format!("nothing at `{path}`"))),
    }
}

/// 405, with the method the path takes.
fn not_allowed(allow: &str) -> Answer {
    let answer = json_response(Reply::error(
        405,
        format!("method not allowed: {allow} only"),
    ));
    match Header::from_bytes(&b"Allow"[..], allow.as_bytes()) {
        Ok(header) => answer.with_header(header),
        Err(()) => answer,
    }
}

/// Whether a Content-Type header's media type (what comes before any
/// `;`) is `application/json`, in any case.
fn is_json(content_type: &str) -> bool {
    let media = content_type.split(';').next().unwrap_or("");
    media.trim().eq_ignore_ascii_case("application/json")
}

/// `POST /api/check`: the body is the rule text, sent as JSON
/// (`{"source": "…"}`); a form or plain text another site could post
/// without asking is refused.
fn check(state: &Arc<State>, request: &mut Request) -> Reply {
    let json = request
        .headers()
        .iter()
        .any(|h| h.field.equiv("Content-Type") && is_json(h.value.as_str()));
    if !json {
        return Reply::error(415, "send the rules as JSON: {\"source\": \"…\"}");
    }
    // The rule text's limit, and room for JSON's escapes.
    let limit = rulec::syntax::MAX_SOURCE_LEN as u64 * 2 + 1024;
    let mut body = Vec::new();
    if let Err(e) = request.as_reader().take(limit + 1).read_to_end(&mut body) {
        return Reply::error(400, format!("cannot read the request: {e}"));
    }
    if body.len() as u64 > limit {
        return Reply::error(413, "the rules are too long");
    }
    #[derive(serde::Deserialize)]
    struct Edit {
        source: String,
    }
    match serde_json::from_slice::<Edit>(&body) {
        Ok(edit) => api::check(state, &edit.source),
        Err(e) => Reply::error(400, format!("the body is not {{\"source\": \"…\"}}: {e}")),
    }
}

/// The page's files, compiled into the binary.
struct Assets {
    index: &'static str,
    script: &'static str,
    style: &'static str,
}

const ASSETS: Assets = Assets {
    index: include_str!("assets/index.html"),
    script: include_str!("assets/app.js"),
    style: include_str!("assets/style.css"),
};

fn asset(text: &'static str, content_type: &str) -> Answer {
    with_headers(Response::from_data(text.as_bytes().to_vec()), content_type)
}

fn json_response(reply: Reply) -> Answer {
    let body = serde_json::to_vec(&reply.body).unwrap_or_default();
    with_headers(
        Response::from_data(body).with_status_code(reply.status),
        "application/json",
    )
}

/// The content type, and headers that keep the page to its own files: no
/// script, style or request goes anywhere else.
fn with_headers(response: Answer, content_type: &str) -> Answer {
    let headers = [
        ("Content-Type", content_type),
        (
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
        ),
        ("X-Content-Type-Options", "nosniff"),
        ("Cache-Control", "no-store"),
        ("Referrer-Policy", "no-referrer"),
    ];
    headers.into_iter().fold(
        response,
        |response, (name, value)| match Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            Ok(header) => response.with_header(header),
            Err(()) => response,
        },
    )
}

/// `a=1&b=x%20y` as pairs, percent-decoded (`+` as a space).
fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(byte) = hex {
                    out.push(byte);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_percent_decoded() {
        assert_eq!(
            parse_query("status=undetermined&missing=birth%5Fdate&id=a+b&x"),
            [
                ("status".to_owned(), "undetermined".to_owned()),
                ("missing".to_owned(), "birth_date".to_owned()),
                ("id".to_owned(), "a b".to_owned()),
                ("x".to_owned(), String::new()),
            ]
        );
        assert_eq!(decode("%zz%4"), "%zz%4");
    }

    #[test]
    fn the_media_type_is_compared_whole_and_in_any_case() {
        assert!(is_json("application/json"));
        assert!(is_json("APPLICATION/JSON"));
        assert!(is_json(" application/json ; charset=utf-8"));
        assert!(!is_json("application/jsonp"));
        assert!(!is_json("application/json-seq; x=1"));
        assert!(!is_json("text/plain; application/json"));
    }

    #[test]
    #[allow(clippy::panic, reason = "the panic is what is tested")]
    fn a_panic_answering_a_request_is_a_500() {
        let answer = guarded(|| panic!("a bug"));
        assert_eq!(answer.status_code().0, 500);
        let fine = guarded(|| json_response(Reply::error(404, "none")));
        assert_eq!(fine.status_code().0, 404);
    }
}
