// A module that defines an error class and registers it, as a user's module would, plus a task
// that throws it: workers import this module to run the task, and the caller rebuilds the error
// as a QuotaError (errors.test.ts).
import { registerClass } from '@dask-ts/protocol';

export class QuotaError extends Error {
  constructor(message, limit) {
    super(message);
    this.name = 'QuotaError';
    this.limit = limit;
  }
}
registerClass(QuotaError, { module: import.meta.url });

export function overQuota(n) {
  throw new QuotaError(`over quota by ${n}`, 10);
}
