// Starts `rulec lsp` over stdio for .rules files. The executable is the
// `rulec.path` setting when set, otherwise `rulec` found on PATH.
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const configured = vscode.workspace.getConfiguration('rulec').get('path');
  const command = configured && configured.trim() !== '' ? configured : 'rulec';
  const server = { command, args: ['lsp'], transport: TransportKind.stdio };
  client = new LanguageClient(
    'rulec',
    'rulec',
    { run: server, debug: server },
    { documentSelector: [{ scheme: 'file', language: 'rulec' }] }
  );
  client.start().catch((err) => {
    vscode.window.showErrorMessage(
      `rulec: could not start \`${command} lsp\` (${err.message}). Set rulec.path or put rulec on PATH.`
    );
  });
  context.subscriptions.push({ dispose: () => client && client.stop() });
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('rulec.path')) {
        vscode.window.showInformationMessage('rulec: reload the window to use the new rulec.path.');
      }
    })
  );
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
