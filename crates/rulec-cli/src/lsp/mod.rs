//! `rulec lsp`: a language server over stdio (docs/editors.md).
//!
//! | file | what it does |
//! |---|---|
//! | `mod.rs` | the handshake, the message loop, shutdown and exit |
//! | `server.rs` | the open documents; each request and notification to its handler; publishing diagnostics |
//! | `analysis.rs` | a document checked, parsed and its names resolved (`rulec::symbols`), its imports read as the editor holds them |
//! | `diagnostics.rs` | `rulec::Diagnostic`s as the protocol's, in the file each points into |
//! | `hover.rs`, `complete.rs`, `navigate.rs` | hover; completion; definition, references, rename, formatting, outline |
//! | `text.rs` | byte offsets to and from UTF-16 positions; `file:` URIs to and from paths |
//!
//! The server never stops on what a client sends: a handler that fails
//! answers with an error, one that panics (a bug) answers with an internal
//! error and the server goes on.

// `lsp_types::Uri` holds a parse cache in a cell, but hashes and orders by
// its text alone: as a key it does not change.
#![allow(
    clippy::mutable_key_type,
    reason = "lsp_types::Uri hashes and orders by its text"
)]

mod analysis;
mod complete;
mod diagnostics;
mod hover;
mod navigate;
mod server;
mod text;

use std::panic::{AssertUnwindSafe, catch_unwind};

use lsp_server::{Connection, ErrorCode, Message, RequestId, Response};
use lsp_types::{
    CompletionOptions, HoverProviderCapability, OneOf, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind,
};

use crate::check::{Status, eprintln_quiet};

/// Why the server stopped early.
#[derive(Debug, thiserror::Error)]
enum LspError {
    #[error("the client broke the protocol: {0}")]
    Protocol(#[from] lsp_server::ProtocolError),
    #[error("cannot write the server's capabilities: {0}")]
    Json(#[from] serde_json::Error),
}

/// Serves the client on stdin and stdout until it says `exit`: 0 after a
/// `shutdown`, 1 without one (as the protocol asks), 2 when the client
/// broke the protocol.
pub fn run() -> Status {
    let (connection, io_threads) = Connection::stdio();
    let status = match serve(&connection) {
        Ok(status) => status,
        Err(error) => {
            eprintln_quiet(&format!("error: rulec lsp: {error}"));
            Status::Trouble
        }
    };
    // The writer thread ends when the last sender is dropped.
    drop(connection);
    if let Err(error) = io_threads.join() {
        eprintln_quiet(&format!("error: rulec lsp: {error}"));
        return status.max(Status::Trouble);
    }
    status
}

/// What the server does, for the client to know.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![" ".to_owned(), "{".to_owned(), ",".to_owned()]),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

/// Waits for `initialize`: requests before it are answered
/// `ServerNotInitialized`, notifications dropped; `exit` (or the input
/// closed) ends the server with 1, as after it.
fn initialize(connection: &Connection) -> Option<RequestId> {
    for message in &connection.receiver {
        match message {
            Message::Request(request) if request.method == "initialize" => return Some(request.id),
            Message::Request(request) => {
                let error = Response::new_err(
                    request.id,
                    ErrorCode::ServerNotInitialized as i32,
                    format!("`{}` before `initialize`", request.method),
                );
                let _ = connection.sender.send(error.into());
            }
            Message::Notification(notification) if notification.method == "exit" => return None,
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
    None
}

fn serve(connection: &Connection) -> Result<Status, LspError> {
    let Some(id) = initialize(connection) else {
        return Ok(Status::Errors);
    };
    let result = serde_json::json!({
        "capabilities": serde_json::to_value(capabilities())?,
        "serverInfo": { "name": "rulec", "version": env!("CARGO_PKG_VERSION") },
    });
    connection.initialize_finish(id, result)?;
    let mut server = server::Server::new(connection.sender.clone());
    let mut shut_down = false;
    for message in &connection.receiver {
        match message {
            Message::Request(request) if shut_down => {
                let error = Response::new_err(
                    request.id,
                    ErrorCode::InvalidRequest as i32,
                    "the server is shut down; only `exit` is expected".to_owned(),
                );
                let _ = connection.sender.send(error.into());
            }
            Message::Request(request) if request.method == "shutdown" => {
                shut_down = true;
                let _ = connection
                    .sender
                    .send(Response::new_ok(request.id, ()).into());
            }
            Message::Request(request) => {
                let id = request.id.clone();
                if catch_unwind(AssertUnwindSafe(|| server.request(request))).is_err() {
                    let error = Response::new_err(
                        id,
                        ErrorCode::InternalError as i32,
                        "rulec lsp failed on this request (a bug: please report it)".to_owned(),
                    );
                    let _ = connection.sender.send(error.into());
                }
            }
            Message::Notification(notification) if notification.method == "exit" => {
                return Ok(if shut_down {
                    Status::Clean
                } else {
                    Status::Errors
                });
            }
            Message::Notification(notification) => {
                // A bug on one notification must not end the session.
                let _ = catch_unwind(AssertUnwindSafe(|| server.notify(notification)));
            }
            Message::Response(_) => {}
        }
    }
    // Input closed without `exit`.
    Ok(Status::Errors)
}
