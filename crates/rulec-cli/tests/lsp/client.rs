//! A small language-server client for the tests: the real `rulec lsp`
//! spawned, JSON-RPC with `Content-Length` framing on its stdin and
//! stdout, every wait bounded so that a hung server fails the test.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any answer may take.
const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Notifications received while waiting for something else.
    pending: VecDeque<Value>,
    next_id: i64,
}

/// The `file:` URI of a path (the tests' paths need no escaping).
pub fn uri(path: &Path) -> String {
    let path = path.to_str().unwrap();
    assert!(
        path.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._/".contains(&b)),
        "{path}"
    );
    format!("file://{path}")
}

impl Client {
    /// Starts `rulec lsp`, not yet initialized.
    pub fn spawn() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rulec"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let (send, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = Some(n.parse::<usize>().unwrap());
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                reader.read_exact(&mut body).unwrap();
                let message: Value = serde_json::from_slice(&body).unwrap();
                if send.send(message).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            pending: VecDeque::new(),
            next_id: 1,
        }
    }

    /// Starts `rulec lsp` and does the handshake; the `initialize` result.
    pub fn start() -> (Client, Value) {
        let mut client = Client::spawn();
        let result = client.request_ok(
            "initialize",
            json!({ "processId": null, "rootUri": null, "capabilities": {} }),
        );
        client.notify("initialized", json!({}));
        (client, result)
    }

    fn send(&mut self, message: &Value) {
        let body = serde_json::to_string(message).unwrap();
        let stdin = self.stdin.as_mut().unwrap();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    /// Writes bytes as they are, framing or not.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// Closes the server's input, as a client that dies does.
    pub fn close_input(&mut self) {
        drop(self.stdin.take());
    }

    /// Waits for the server to end by itself; its exit status.
    pub fn wait(mut self) -> ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("rulec lsp did not exit");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn receive(&mut self) -> Value {
        match self.incoming.recv_timeout(TIMEOUT) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!("rulec lsp answered nothing in {TIMEOUT:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("rulec lsp closed its output"),
        }
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request; its whole response (`result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let message = self.receive();
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return message;
            }
            self.pending.push_back(message);
        }
    }

    /// A request's result; the test fails on an error response.
    pub fn request_ok(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// The next diagnostics published for `uri`.
    pub fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let is_for = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        };
        if let Some(at) = self.pending.iter().position(is_for) {
            let message = self.pending.remove(at).unwrap();
            return message["params"]["diagnostics"].as_array().unwrap().clone();
        }
        loop {
            let message = self.receive();
            if is_for(&message) {
                return message["params"]["diagnostics"].as_array().unwrap().clone();
            }
            self.pending.push_back(message);
        }
    }

    /// What is shown at `uri` once the server has handled everything sent
    /// so far: the last diagnostics published there since the last look
    /// (`None` if none was).
    pub fn settled(&mut self, uri: &str) -> Option<Vec<Value>> {
        // The server handles messages in order: the answer to a request
        // comes after every publication of what came before it.
        self.request(
            "textDocument/hover",
            json!({
                "textDocument": { "uri": "file:///settled.rules" },
                "position": { "line": 0, "character": 0 },
            }),
        );
        let mut last = None;
        self.pending.retain(|m| {
            let is_for =
                m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri;
            if is_for {
                last = Some(m["params"]["diagnostics"].as_array().unwrap().clone());
            }
            !is_for
        });
        last
    }

    pub fn close(&mut self, uri: &str) {
        self.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": uri } }),
        );
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "rulec", "version": 1, "text": text } }),
        );
    }

    pub fn change(&mut self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "text": text }],
            }),
        );
    }

    /// A request at a position of a document.
    pub fn at(&mut self, method: &str, uri: &str, line: u32, character: u32) -> Value {
        self.request_ok(
            method,
            json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } }),
        )
    }

    /// `exit`, with or without `shutdown` first; the exit status.
    pub fn finish(mut self, shutdown: bool) -> ExitStatus {
        if shutdown {
            let result = self.request("shutdown", Value::Null);
            assert_eq!(result["result"], Value::Null, "{result}");
        }
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        self.wait()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // A failed test must not leave the server behind.
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The line and UTF-16 column of byte `offset` of `text`.
pub fn position(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[start..].encode_utf16().count();
    (line as u32, column as u32)
}

/// The byte offset of a protocol position (line, UTF-16 column) in `text`.
pub fn offset(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let character = position["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (at, c) in text[start..].char_indices() {
        if units >= character {
            return start + at;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// `text` with the edits applied (they do not overlap).
pub fn apply(text: &str, edits: &[Value]) -> String {
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_owned();
    for (start, end, new) in spans {
        out.replace_range(start..end, new);
    }
    out
}

/// The text a range of `text` covers.
pub fn covered<'t>(text: &'t str, range: &Value) -> &'t str {
    &text[offset(text, &range["start"])..offset(text, &range["end"])]
}
