//! The server's state (the open documents, what each reports where) and
//! the dispatch of each request and notification to its handler.
//!
//! What is shown at a URI is a function of the open documents: for an
//! open document, its own analysis (it is checked as a file of its own, so
//! its problems are all there); for a file that is not open, what every
//! open document that `use`s it reports there, each problem once (with
//! the `use` of every one of them as related information). Each
//! change recomputes and republishes every URI whose reports it touched;
//! a URI nobody reports on any more is sent `[]`, once.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use crossbeam_channel::Sender;
use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{
    Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest, References,
    Rename, Request as _,
};
use lsp_types::{
    CompletionResponse, DocumentSymbolResponse, GotoDefinitionResponse, Hover, HoverContents,
    MarkupContent, MarkupKind, PublishDiagnosticsParams, TextDocumentPositionParams, Uri,
};
use rulec::symbols::Symbols;
use serde::de::DeserializeOwned;

use super::analysis::{Analysis, analyse};
use super::text::{LineIndex, file_path};
use super::{complete, diagnostics, hover, navigate};

/// An open document.
struct Document {
    version: i32,
    analysis: Analysis,
    /// The names of the last version that parsed, for completion while
    /// the text being typed does not.
    names: Symbols,
}

/// What a request handler gives back instead of its result.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// The parameters are not those of the method.
    #[error("invalid parameters for `{method}`: {error}")]
    Params {
        /// The method.
        method: String,
        /// What serde found.
        error: serde_json::Error,
    },
    /// The method is not one this server implements.
    #[error("`{0}` is not a method rulec lsp implements")]
    Unknown(String),
    /// A rename that cannot be done.
    #[error(transparent)]
    Rename(#[from] navigate::RenameError),
    /// The result could not be written as JSON.
    #[error("cannot write the result: {0}")]
    Result(serde_json::Error),
}

impl RequestError {
    fn code(&self) -> ErrorCode {
        match self {
            RequestError::Params { .. } => ErrorCode::InvalidParams,
            RequestError::Unknown(_) => ErrorCode::MethodNotFound,
            RequestError::Rename(_) => ErrorCode::RequestFailed,
            RequestError::Result(_) => ErrorCode::InternalError,
        }
    }
}

/// The open documents and the channel to the client.
pub struct Server {
    sender: Sender<Message>,
    documents: HashMap<Uri, Document>,
    /// For each open document, its diagnostics by the URI they point
    /// into: its own, and those in the files it `use`s.
    reports: HashMap<Uri, BTreeMap<Uri, Vec<lsp_types::Diagnostic>>>,
}

fn params<P: DeserializeOwned>(method: &str, value: serde_json::Value) -> Result<P, RequestError> {
    serde_json::from_value(value).map_err(|error| RequestError::Params {
        method: method.to_owned(),
        error,
    })
}

impl Server {
    /// A server with no document open, answering on `sender`.
    pub fn new(sender: Sender<Message>) -> Server {
        Server {
            sender,
            documents: HashMap::new(),
            reports: HashMap::new(),
        }
    }

    fn send(&self, message: impl Into<Message>) {
        // The client gone, the loop ends when its input does.
        let _ = self.sender.send(message.into());
    }

    /// Answers a request.
    pub fn request(&mut self, request: Request) {
        let id = request.id.clone();
        let response = match self.answer(request) {
            Ok(result) => Response::new_ok(id, result),
            Err(error) => Response::new_err(id, error.code() as i32, error.to_string()),
        };
        self.send(response);
    }

    fn answer(&mut self, request: Request) -> Result<serde_json::Value, RequestError> {
        let Request {
            method, params: p, ..
        } = request;
        let value =
            |r: Result<serde_json::Value, serde_json::Error>| r.map_err(RequestError::Result);
        match method.as_str() {
            HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = params(&method, p)?;
                value(serde_json::to_value(
                    self.hover(&p.text_document_position_params),
                ))
            }
            Completion::METHOD => {
                let p: lsp_types::CompletionParams = params(&method, p)?;
                let position = &p.text_document_position;
                // Typing a space asks only where the space says what
                // comes next (`has `, `80 `), not after every word.
                let spaced = p
                    .context
                    .as_ref()
                    .and_then(|c| c.trigger_character.as_deref())
                    == Some(" ");
                let items = self
                    .documents
                    .get(&position.text_document.uri)
                    .map(|doc| {
                        let offset = LineIndex::new(&doc.analysis.text).offset(position.position);
                        complete::at(&doc.analysis.body, offset, &doc.names, spaced)
                    })
                    .unwrap_or_default();
                value(serde_json::to_value(CompletionResponse::Array(items)))
            }
            GotoDefinition::METHOD => {
                let p: lsp_types::GotoDefinitionParams = params(&method, p)?;
                let found = self.locations(&p.text_document_position_params, true);
                let first = found.into_iter().next();
                value(serde_json::to_value(
                    first.map(GotoDefinitionResponse::Scalar),
                ))
            }
            References::METHOD => {
                let p: lsp_types::ReferenceParams = params(&method, p)?;
                let declaration = p.context.include_declaration;
                value(serde_json::to_value(
                    self.locations(&p.text_document_position, declaration),
                ))
            }
            Rename::METHOD => {
                let p: lsp_types::RenameParams = params(&method, p)?;
                let at = &p.text_document_position;
                let Some((doc, path, offset)) = self.locate(at) else {
                    return Err(navigate::RenameError::NothingHere.into());
                };
                let uri = &at.text_document.uri;
                let edit =
                    navigate::rename(&doc.analysis, uri, path.as_deref(), offset, &p.new_name)?;
                value(serde_json::to_value(edit))
            }
            Formatting::METHOD => {
                let p: lsp_types::DocumentFormattingParams = params(&method, p)?;
                let edits = self
                    .documents
                    .get(&p.text_document.uri)
                    .map(|doc| navigate::format(&doc.analysis));
                value(serde_json::to_value(edits))
            }
            DocumentSymbolRequest::METHOD => {
                let p: lsp_types::DocumentSymbolParams = params(&method, p)?;
                let found = self
                    .documents
                    .get(&p.text_document.uri)
                    .map(|doc| DocumentSymbolResponse::Nested(navigate::symbols(&doc.analysis)));
                value(serde_json::to_value(found))
            }
            _ => Err(RequestError::Unknown(method)),
        }
    }

    /// The document at a position, its path and the byte offset.
    fn locate(
        &self,
        at: &TextDocumentPositionParams,
    ) -> Option<(&Document, Option<PathBuf>, usize)> {
        let doc = self.documents.get(&at.text_document.uri)?;
        let offset = LineIndex::new(&doc.analysis.text).offset(at.position);
        Some((doc, file_path(&at.text_document.uri), offset))
    }

    fn hover(&self, at: &TextDocumentPositionParams) -> Option<Hover> {
        let (doc, _, offset) = self.locate(at)?;
        let (text, span) = hover::at(&doc.analysis, offset)?;
        let range =
            LineIndex::new(&doc.analysis.text).range(span.start as usize, span.end as usize);
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: text,
            }),
            range: Some(range),
        })
    }

    fn locations(
        &self,
        at: &TextDocumentPositionParams,
        declaration: bool,
    ) -> Vec<lsp_types::Location> {
        let Some((doc, path, offset)) = self.locate(at) else {
            return Vec::new();
        };
        let uri = &at.text_document.uri;
        navigate::locations(&doc.analysis, uri, path.as_deref(), offset, declaration)
    }

    /// Handles a notification; those not known are ignored, as the
    /// protocol asks.
    pub fn notify(&mut self, notification: Notification) {
        let Notification { method, params: p } = notification;
        match method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(p) {
                    let doc = p.text_document;
                    self.update(doc.uri, doc.version, doc.text);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(p) {
                    // Full synchronisation: the last change is the text.
                    if let Some(change) = p.content_changes.into_iter().last() {
                        let doc = p.text_document;
                        self.update(doc.uri, doc.version, change.text);
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(p) {
                    let uri = p.text_document.uri;
                    self.documents.remove(&uri);
                    let mut touched = BTreeSet::from([uri.clone()]);
                    if let Some(before) = self.reports.remove(&uri) {
                        touched.extend(before.into_keys());
                    }
                    // Those that use it read it from disk again.
                    self.reanalyse_users(&uri, &mut touched);
                    self.publish(touched);
                }
            }
            _ => {}
        }
    }

    /// The texts of the open documents, by path, for imports to read.
    fn open_texts(&self) -> HashMap<PathBuf, String> {
        self.documents
            .iter()
            .filter_map(|(uri, doc)| Some((file_path(uri)?, doc.analysis.text.clone())))
            .collect()
    }

    fn update(&mut self, uri: Uri, version: i32, text: String) {
        let mut touched = BTreeSet::new();
        self.reanalyse(uri.clone(), version, text, &mut touched);
        // The open documents that `use` this one see its new text.
        self.reanalyse_users(&uri, &mut touched);
        self.publish(touched);
    }

    /// Checks again the open documents that `use` the file at `uri`.
    fn reanalyse_users(&mut self, uri: &Uri, touched: &mut BTreeSet<Uri>) {
        let Some(path) = file_path(uri) else {
            return;
        };
        let users: Vec<(Uri, i32, String)> = self
            .documents
            .iter()
            .filter(|(other, doc)| *other != uri && doc.analysis.uses.contains(&path))
            .map(|(other, doc)| (other.clone(), doc.version, doc.analysis.text.clone()))
            .collect();
        for (user, version, text) in users {
            self.reanalyse(user, version, text, touched);
        }
    }

    /// Analyses a document again; the URIs its reports were or are at go
    /// into `touched`.
    fn reanalyse(&mut self, uri: Uri, version: i32, text: String, touched: &mut BTreeSet<Uri>) {
        let path = file_path(&uri);
        let analysis = analyse(&text, path.as_deref(), &self.open_texts());
        // A file open in the editor is named by the editor's URI, however
        // that spells its path (`file://localhost/…`, `%3a` …).
        let open: HashMap<PathBuf, &Uri> = self
            .documents
            .keys()
            .filter_map(|open| Some((file_path(open)?, open)))
            .collect();
        let mut report: BTreeMap<Uri, Vec<lsp_types::Diagnostic>> = BTreeMap::new();
        for (at, found) in diagnostics::by_file(&analysis, &uri, path.as_deref()) {
            let at = match file_path(&at).and_then(|p| open.get(&p).copied()) {
                Some(open) if at != uri => open.clone(),
                _ => at,
            };
            report.entry(at).or_default().extend(found);
        }
        touched.extend(report.keys().cloned());
        if let Some(before) = self.reports.insert(uri.clone(), report) {
            touched.extend(before.into_keys());
        }
        let names = match (analysis.file.is_some(), self.documents.remove(&uri)) {
            (false, Some(old)) => old.names,
            _ => analysis.symbols.clone(),
        };
        self.documents.insert(
            uri,
            Document {
                version,
                analysis,
                names,
            },
        );
    }

    /// What is shown at `uri` now, and the version it is of: the
    /// document's own diagnostics if it is open, else those every open
    /// document reports there, each once (in the order of their URIs).
    fn shown(&self, uri: &Uri) -> (Vec<lsp_types::Diagnostic>, Option<i32>) {
        if let Some(doc) = self.documents.get(uri) {
            let own = self
                .reports
                .get(uri)
                .and_then(|report| report.get(uri))
                .cloned()
                .unwrap_or_default();
            return (own, Some(doc.version));
        }
        let mut from: Vec<(&Uri, &Vec<lsp_types::Diagnostic>)> = self
            .reports
            .iter()
            .filter_map(|(by, report)| Some((by, report.get(uri)?)))
            .collect();
        from.sort_by(|a, b| a.0.cmp(b.0));
        let mut all: Vec<lsp_types::Diagnostic> = Vec::new();
        for diagnostic in from.into_iter().flat_map(|(_, found)| found) {
            // The same problem seen through two `use`s: once, with the
            // places of both (each user's `use`) as related information.
            let same = all.iter_mut().find(|d| {
                (&d.range, d.severity, &d.code, &d.message)
                    == (
                        &diagnostic.range,
                        diagnostic.severity,
                        &diagnostic.code,
                        &diagnostic.message,
                    )
            });
            match same {
                Some(same) => {
                    let related = same.related_information.get_or_insert_with(Vec::new);
                    for info in diagnostic.related_information.iter().flatten() {
                        if !related.contains(info) {
                            related.push(info.clone());
                        }
                    }
                }
                None => all.push(diagnostic.clone()),
            }
        }
        (all, None)
    }

    /// Publishes what is shown at each URI of `touched`.
    fn publish(&self, touched: BTreeSet<Uri>) {
        for uri in touched {
            let (diagnostics, version) = self.shown(&uri);
            let params = PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            };
            self.send(Notification::new(
                PublishDiagnostics::METHOD.to_owned(),
                params,
            ));
        }
    }
}
