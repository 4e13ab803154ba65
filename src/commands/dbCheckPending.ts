import { CaptureError } from '../heap/captureError.ts';
import type { DbCheckProducer } from './checkDbConnections.ts';

// Stand-in for src/heap/dbCheck.ts (built on another branch): extension.ts imports the producer
// from here until the merge, which replaces this file's one import there and deletes this file.
const pending = async (): Promise<never> => {
  throw new CaptureError('failed', 'Check DB Connections is not built into this version yet.');
};
export const dbCheckProducer: DbCheckProducer = { check: pending, recheck: pending };
