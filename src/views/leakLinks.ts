import * as vscode from 'vscode';
import { findLocations, type TextLocation } from '../heap/traceLinks.ts';

/** Opens a container path's line in the workspace (path mapping included); injected by the caller. */
export type OpenLocation = (file: string, line: number) => Promise<void>;

export interface LeakTerminalLink extends vscode.TerminalLink {
  readonly location: TextLocation;
}

// A pasted or printed traceback can be megabytes; the first MiB holds any frame worth opening.
const MAX_TEXT = 1024 * 1024;

function label(loc: TextLocation): string {
  return `${loc.file}:${loc.line}${loc.column === undefined ? '' : `:${loc.column}`}`;
}

function reportFailure(loc: TextLocation, e: unknown): void {
  void vscode.window.showErrorMessage(`Could not open ${label(loc)}: ${e instanceof Error ? e.message : String(e)}`);
}

// Tracebacks, tracemalloc lines and stack frames in a terminal (kubectl logs, a pod shell) become
// links to the mapped workspace line.
export class LeakTerminalLinkProvider implements vscode.TerminalLinkProvider<LeakTerminalLink> {
  private readonly open: OpenLocation;

  constructor(open: OpenLocation) {
    this.open = open;
  }

  provideTerminalLinks(context: vscode.TerminalLinkContext): LeakTerminalLink[] {
    return findLocations(context.line).map((location) => ({
      startIndex: location.start,
      length: location.length,
      tooltip: `Open ${label(location)} in the workspace`,
      location,
    }));
  }

  async handleTerminalLink(link: LeakTerminalLink): Promise<void> {
    try {
      await this.open(link.location.file, link.location.line);
    } catch (e) {
      reportFailure(link.location, e);
    }
  }
}

export function registerLeakTerminalLinks(open: OpenLocation): vscode.Disposable {
  return vscode.window.registerTerminalLinkProvider(new LeakTerminalLinkProvider(open));
}

/** The text Open Leak Location reads: the active editor's selection, else the clipboard. */
export async function selectionOrClipboard(): Promise<{ readonly text: string; readonly from: 'selection' | 'clipboard' }> {
  const editor = vscode.window.activeTextEditor;
  const selected = editor ? editor.selections.map((s) => editor.document.getText(s)).join('\n') : '';
  if (selected.trim() !== '') return { text: selected, from: 'selection' };
  return { text: await vscode.env.clipboard.readText(), from: 'clipboard' };
}

async function pickOne(locations: readonly TextLocation[]): Promise<TextLocation | undefined> {
  const items = locations.map((location) => ({ label: label(location), location }));
  const picked = await vscode.window.showQuickPick(items, { title: 'Open Leak Location', placeHolder: 'The text names several lines: pick one to open' });
  return picked?.location;
}

/**
 * Open Leak Location: the one file and line in `text` is opened; several are offered in a pick
 * (a whole traceback); none is said. Returns what was opened.
 */
export async function openLocationFromText(
  text: string,
  open: OpenLocation,
  pick: (locations: readonly TextLocation[]) => Promise<TextLocation | undefined> = pickOne,
): Promise<TextLocation | undefined> {
  const seen = new Set<string>();
  const locations = findLocations(text.slice(0, MAX_TEXT)).filter((l) => {
    const key = `${l.file}\0${l.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (locations.length === 0) {
    void vscode.window.showInformationMessage(
      'Open Leak Location: no file and line found. Select or copy a Python traceback line (File "/app/x.py", line 12), a tracemalloc line (/app/x.py:12: size=...), or a Node or Go stack frame.',
    );
    return undefined;
  }
  const chosen = locations.length === 1 ? locations[0] : await pick(locations);
  if (!chosen) return undefined;
  try {
    await open(chosen.file, chosen.line);
  } catch (e) {
    reportFailure(chosen, e);
    return undefined;
  }
  return chosen;
}
