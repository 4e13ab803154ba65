// What the pure layers need of a log. VS Code's LogOutputChannel satisfies it, and tests pass
// a silent or collecting one. Nothing logged may hold a token, a password or a kubeconfig secret.
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

export const silentLogger: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
};
