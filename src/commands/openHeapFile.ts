import * as vscode from 'vscode';
import { HEAP_FILE_EXTENSIONS, readHeapFile } from '../heap/heapFile.ts';
import type { AllocationReport } from '../triage/model.ts';
import { formatBytes } from '../triage/trendFormat.ts';
import type { CommandContext } from './index.ts';

// Open Heap File...: a picked file, or one dropped on the panel (its URI), read with progress and
// cancel, then shown in the allocations table like a capture.

export async function openHeapFile(ctx: Pick<CommandContext, 'allocations' | 'log'>, uri?: vscode.Uri): Promise<void> {
  const file = uri ?? (await vscode.window.showOpenDialog({ title: 'Open Heap File', canSelectMany: false, filters: { ...HEAP_FILE_EXTENSIONS, 'All files': ['*'] } }))?.[0];
  if (!file) return;
  if (file.scheme !== 'file') throw new Error(`${file.toString()} is not a local file; heap files are read from disk.`);
  const name = file.path.split('/').pop() ?? file.fsPath;
  const report = await readWithProgress(file, name);
  if (!report) return;
  ctx.log.info(`Heap file ${file.fsPath} read: ${report.sites.length} sites, ${report.groups?.length ?? 0} groups (${report.method.description})`);
  await ctx.allocations.show(undefined, name, { ...report, sourceFile: file.fsPath });
}

/** The report, or undefined when the user cancelled (the worker is ended then). */
function readWithProgress(file: vscode.Uri, name: string): Thenable<AllocationReport | undefined> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Reading ${name}`, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const cancel = token.onCancellationRequested(() => controller.abort());
      let last = 0;
      try {
        return await readHeapFile(file.fsPath, {
          signal: controller.signal,
          onProgress: (p) => {
            const percent = p.total > 0 ? Math.floor((p.done / p.total) * 100) : 0;
            const message = p.phase === 'read' ? `${formatBytes(p.done)} of ${formatBytes(p.total)}` : 'dominator tree and sums';
            progress.report({ message, increment: Math.max(0, percent - last) });
            last = Math.max(last, percent);
          },
        });
      } catch (e) {
        if (controller.signal.aborted) return undefined;
        throw e;
      } finally {
        cancel.dispose();
      }
    },
  );
}
