import type { FromWebview, ToWebview } from './protocol.ts';

// The typed face of acquireVsCodeApi: the page can only post what the protocol allows.
interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

// acquireVsCodeApi may be called only once per page.
const api: VsCodeApi = acquireVsCodeApi();

export function post(message: FromWebview): void {
  api.postMessage(message);
}

/** Kept by VS Code with the panel, and handed back to the extension's serializer after a reload. */
export function saveState(state: unknown): void {
  api.setState(state);
}

export function onMessage(handler: (message: ToWebview) => void): void {
  window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
    const data = event.data as { type?: unknown } | null;
    // messages come from the host only, but a malformed one must not break the page
    if (data && typeof data.type === 'string') handler(event.data);
  });
}
