// Types of quota-error.mjs, for the tests that import it.
export declare class QuotaError extends Error {
  constructor(message: string, limit: number);
  readonly limit: number;
}
export declare function overQuota(n: number): never;
