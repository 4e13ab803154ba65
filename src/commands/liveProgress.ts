import type * as vscode from 'vscode';

// The progress of a run in a live process (steps 3 and 4): every message and countdown tick moves
// the notification; a new step, or the first tick of a countdown, also goes to `onStep` (the
// panel, which counts down on its own from `endsAt`, and the log).
export function liveProgress(progress: vscode.Progress<{ message?: string }>, onStep: (message: string, endsAt?: number) => void): (message: string, secondsLeft?: number) => void {
  let last = '';
  return (message, secondsLeft) => {
    const text = secondsLeft === undefined ? message : `${message}: ${secondsLeft} s left`;
    if (text === last) return;
    if (secondsLeft === undefined || !last.startsWith(message)) onStep(message, secondsLeft === undefined ? undefined : Date.now() + secondsLeft * 1000);
    last = text;
    progress.report({ message: text });
  };
}
