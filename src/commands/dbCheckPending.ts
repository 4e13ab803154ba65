import { CaptureError } from '../heap/captureError.ts';
import type { DbConnectionsCheck } from './checkDbConnections.ts';

// Stand-in for src/heap/dbCheck.ts (built on another branch): extension.ts imports the producer
// from here until the merge, which replaces this file's one import there and deletes this file.
export const checkDbConnections: DbConnectionsCheck = async () => {
  throw new CaptureError('failed', 'Check DB Connections is not built into this version yet.');
};
