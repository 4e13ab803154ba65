// esbuild emits imported CSS next to the bundle (dist/webview/<name>Main.css); the host links it.
declare module '*.css';
