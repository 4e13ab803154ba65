import * as vscode from 'vscode';
import { Disposable } from '../disposable.ts';

// The two sides of a planned change as read-only documents (`memory-triage-change:` URIs, no file
// on disk, nothing to edit or save), opened side by side with vscode.diff.

export const CHANGE_SCHEME = 'memory-triage-change';
// Each diff gets new URIs so an older one left open keeps what it showed.
let serial = 0;

export class ChangeDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();

  constructor() {
    super();
    this.register(vscode.workspace.registerTextDocumentContentProvider(CHANGE_SCHEME, this));
    this.register(vscode.workspace.onDidCloseTextDocument((d) => d.uri.scheme === CHANGE_SCHEME && this.texts.delete(d.uri.toString())));
  }

  /** Opens the diff of `before` and `after`; `name` like "Deployment default/api". */
  async showDiff(name: string, before: string, after: string, afterLabel: string): Promise<void> {
    const n = ++serial;
    const left = this.put(`/${n}/${name} (before).yaml`, before);
    const right = this.put(`/${n}/${name} (${afterLabel}).yaml`, after);
    await vscode.commands.executeCommand('vscode.diff', left, right, `${name}: before ↔ ${afterLabel}`, { preview: true, preserveFocus: true });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '# This change is no longer kept: run the command again.\n';
  }

  private put(path: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: CHANGE_SCHEME, path });
    this.texts.set(uri.toString(), text);
    return uri;
  }
}

// One provider per extension, made at the first change (none is needed before), released with it.
const perExtension = new WeakMap<vscode.ExtensionContext, ChangeDocuments>();

export function changeDocuments(extension: vscode.ExtensionContext): ChangeDocuments {
  let docs = perExtension.get(extension);
  if (!docs) {
    docs = new ChangeDocuments();
    perExtension.set(extension, docs);
    extension.subscriptions.push(docs);
  }
  return docs;
}
