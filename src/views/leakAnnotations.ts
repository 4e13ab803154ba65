import * as vscode from 'vscode';
import { Disposable } from '../disposable.ts';

/** One leaking line to show in the editor: `line` is 1-based, as in the AllocationReport. */
export interface LeakAnnotation {
  readonly uri: vscode.Uri;
  readonly line: number;
  /** The CodeLens title above the line ("+14.2 MiB in 60 s · 14,501 blocks · api-7f9c… 10:42"). */
  readonly lens: string;
  /** The traceback and figures, shown when hovering the line. */
  readonly hover: vscode.MarkdownString | string;
  /** The end-of-line text ("+14.2 MiB"). */
  readonly text: string;
}

// More than a report's sites would ever need; bounds what one show() can put into editors.
const MAX_ITEMS = 2000;

// The figures of a capture on the source lines they are about: a CodeLens above each line and an
// end-of-line decoration with the traceback in its hover. The lens has no command: the click that
// matters (to the line) has already happened; the lens only says what was found there.
export class LeakAnnotations extends Disposable implements vscode.CodeLensProvider {
  private readonly lensEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.lensEmitter.event;

  private readonly decoration = this.register(vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic' },
    overviewRulerColor: new vscode.ThemeColor('charts.red'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  }));

  /** The items by document (Uri.toString()), in the order given. */
  private byDocument = new Map<string, LeakAnnotation[]>();
  private shown = 0;

  constructor() {
    super();
    this.register(vscode.languages.registerCodeLensProvider({ scheme: 'file' }, this));
    // A decoration lives on an editor, not a document: an editor opened later gets them here.
    this.register(vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.decorate(e))));
  }

  /** How many annotations are shown (read by the extension-host tests). */
  get count(): number {
    return this.shown;
  }

  /** Replaces what is shown with these items. */
  show(items: readonly LeakAnnotation[]): void {
    const byDocument = new Map<string, LeakAnnotation[]>();
    for (const item of items.slice(0, MAX_ITEMS)) {
      if (!Number.isInteger(item.line) || item.line < 1) continue;
      const key = item.uri.toString();
      const list = byDocument.get(key);
      if (list) list.push(item);
      else byDocument.set(key, [item]);
    }
    this.apply(byDocument);
  }

  clear(): void {
    this.apply(new Map());
  }

  private apply(byDocument: Map<string, LeakAnnotation[]>): void {
    if (this.isDisposed) return;
    const before = this.byDocument;
    this.byDocument = byDocument;
    this.shown = [...byDocument.values()].reduce((n, list) => n + list.length, 0);
    for (const editor of vscode.window.visibleTextEditors) {
      const key = editor.document.uri.toString();
      if (before.has(key) || byDocument.has(key)) this.decorate(editor);
    }
    this.lensEmitter.fire();
  }

  /** The items that fit the document as it is now: a line past its end (the file changed) is not drawn. */
  private itemsFor(document: vscode.TextDocument): LeakAnnotation[] {
    return (this.byDocument.get(document.uri.toString()) ?? []).filter((i) => i.line <= document.lineCount);
  }

  private decorate(editor: vscode.TextEditor): void {
    const options = this.itemsFor(editor.document).map((item): vscode.DecorationOptions => {
      const line = editor.document.lineAt(item.line - 1);
      // The whole text of the line, so hovering the code shows the traceback too, not only the after-text.
      const range = new vscode.Range(line.lineNumber, line.firstNonWhitespaceCharacterIndex, line.lineNumber, line.range.end.character);
      return { range, hoverMessage: item.hover, renderOptions: { after: { contentText: item.text } } };
    });
    editor.setDecorations(this.decoration, options);
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    return this.itemsFor(document).map((item) => {
      const range = document.lineAt(item.line - 1).range;
      // An empty command id makes a title-only lens: VS Code draws it but it does nothing on click.
      return new vscode.CodeLens(range, { title: item.lens, command: '' });
    });
  }
}
