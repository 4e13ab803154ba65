import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** The page: only our bundle (by nonce) and our stylesheets; nothing inline, nothing remote. */
export function trendHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${webview.cspSource}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('dist', 'webview', 'trendMain.css')}">
<link rel="stylesheet" href="${asset('media', 'trend.css')}">
<link rel="stylesheet" href="${asset('media', 'connections.css')}">
<title>Memory Trend</title>
</head>
<body>
<header>
<h1 id="title">Memory trend</h1>
<div id="tabs" role="tablist" aria-label="Parts of the panel">
<button id="tab-trend" role="tab" aria-selected="true" aria-controls="trend" tabindex="0">Trend</button>
<button id="tab-allocations" role="tab" aria-selected="false" aria-controls="allocations" tabindex="-1">Allocations</button>
<button id="tab-connections" role="tab" aria-selected="false" aria-controls="connections" tabindex="-1">Connections</button>
</div>
<div id="ranges" role="group" aria-label="Time range"></div>
<button id="refresh" title="Query Prometheus again">Refresh</button>
<span id="resolve" role="group" aria-label="Resolve" hidden>
<button id="resolve-restart" data-action="restart" title="Restart Workload (Option A): the pod's workload, through the dry run, the diff and a confirmation">Restart</button>
<button id="resolve-raiseLimit" data-action="raiseLimit" title="Raise Memory Limit (Option B): a limit proposed from the history, through the dry run, the diff and a confirmation">Raise Limit</button>
<button id="resolve-scaleOut" data-action="scaleOut" title="Scale Out (Option D): more replicas (or an HPA's minReplicas), through the dry run, the diff and a confirmation">Scale Out</button>
</span>
<button id="log" title="Show the Memory Triage log">Log</button>
</header>
<section id="trend" role="tabpanel" aria-labelledby="tab-trend">
<p id="status" role="status">Loading…</p>
<div id="chart"></div>
<div id="table"></div>
<p id="source"></p>
</section>
<section id="allocations" role="tabpanel" aria-labelledby="tab-allocations" hidden></section>
<section id="connections" role="tabpanel" aria-labelledby="tab-connections" hidden></section>
<script nonce="${nonce}" src="${asset('dist', 'webview', 'trendMain.js')}"></script>
</body>
</html>`;
}
