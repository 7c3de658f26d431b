// The zod schema of a task's placement (placement.ts), for messages that carry one: checked with
// `checkPlacement`, so a bad placement is refused with the same error as where it is made.
import { z } from 'zod';
import { checkPlacement, type Placement } from './placement.js';

/**
 * Checks a {@link Placement} in a message.
 *
 * @example
 * placementSchema.parse({ retries: 2, workers: ['w1'] });
 */
export const placementSchema: z.ZodType<Placement> = z.custom<Placement>().superRefine((v, ctx) => {
  try {
    if (v === undefined) throw new TypeError('a placement must be an object, got undefined');
    checkPlacement(v, 'placement');
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});
