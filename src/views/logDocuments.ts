import * as vscode from 'vscode';
import { Disposable } from '../disposable.ts';
import { findLocations } from '../heap/traceLinks.ts';

// Container logs as read-only documents (`memory-triage-log:` URIs, no file on disk), with the
// stack frames in them linked to the mapped workspace lines. The text is kept while the document
// is open and dropped when VS Code closes it.

export const LOG_SCHEME = 'memory-triage-log';
/** Links looked for in at most this much of a log: a traceback sits near the end, where the kill came. */
const LINK_SCAN_CHARS = 512 * 1024;

export class LogDocuments extends Disposable implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider {
  private readonly texts = new Map<string, string>();
  private readonly changes = this.register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changes.event;
  private readonly localPath: (remote: string) => Promise<string | undefined>;

  constructor(localPath: (remote: string) => Promise<string | undefined>) {
    super();
    this.localPath = localPath;
    this.register(vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, this));
    this.register(vscode.languages.registerDocumentLinkProvider({ scheme: LOG_SCHEME }, this));
    this.register(vscode.workspace.onDidCloseTextDocument((d) => d.uri.scheme === LOG_SCHEME && this.texts.delete(d.uri.toString())));
  }

  /** Opens (or refreshes) the document for `name` ("default/api-1/api (previous).log"). */
  async show(name: string, text: string): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: LOG_SCHEME, path: `/${name}` });
    this.texts.set(uri.toString(), text);
    this.changes.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    // the end is where the kill came: show it
    const last = doc.lineAt(Math.max(0, doc.lineCount - 1)).range;
    editor.revealRange(last, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return editor;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '(This log is no longer kept: run Show Previous Logs again.)';
  }

  async provideDocumentLinks(doc: vscode.TextDocument): Promise<vscode.DocumentLink[]> {
    const text = doc.getText();
    const offset = Math.max(0, text.length - LINK_SCAN_CHARS);
    const links: vscode.DocumentLink[] = [];
    const mapped = new Map<string, Promise<string | undefined>>();
    for (const at of findLocations(text.slice(offset))) {
      if (!mapped.has(at.file)) mapped.set(at.file, this.localPath(at.file));
      const local = await mapped.get(at.file);
      if (!local) continue; // never a link to a file we are not sure of
      const range = new vscode.Range(doc.positionAt(offset + at.start), doc.positionAt(offset + at.start + at.length));
      const link = new vscode.DocumentLink(range, vscode.Uri.file(local).with({ fragment: `L${at.line}` }));
      link.tooltip = `Open ${vscode.workspace.asRelativePath(local)}:${at.line}`;
      links.push(link);
    }
    return links;
  }
}
