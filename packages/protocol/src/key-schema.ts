// The zod schema of a key, apart from keys.ts: zod takes tens of milliseconds to load, and a
// worker that only handles keys must not pay for it at start-up.
import { z } from 'zod';
import type { Key } from './keys.js';

/**
 * The zod schema of a {@link Key}.
 *
 * @example
 * keySchema.parse(['x', 0, 1]);
 */
export const keySchema = z.union([
  z.string(),
  z.tuple([z.string()], z.number().int()),
]) as unknown as z.ZodType<Key>;
