import * as vscode from 'vscode';
import type { FromWebview } from '../webview/protocol.ts';
import { trendHtml } from './trendHtml.ts';

/** What the trend panel does when its page speaks, is shown or hidden, or is closed. */
export interface TrendWebviewHandlers {
  message(message: FromWebview): void;
  viewState(): void;
  disposed(): void;
}

/** Sets the page, its options and the handlers on a new or a restored panel. */
export function adoptTrendWebview(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, on: TrendWebviewHandlers): void {
  // a restored panel keeps the options it was saved with: set them again, as they are now
  panel.webview.options = {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'memory-triage.svg');
  panel.webview.html = trendHtml(panel.webview, extensionUri);
  const subscriptions: vscode.Disposable[] = [];
  panel.webview.onDidReceiveMessage((m: FromWebview) => on.message(m), null, subscriptions);
  panel.onDidChangeViewState(() => on.viewState(), null, subscriptions);
  panel.onDidDispose(
    () => {
      on.disposed();
      for (const s of subscriptions) s.dispose();
    },
    null,
    subscriptions,
  );
}
