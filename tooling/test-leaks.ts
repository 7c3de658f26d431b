// Leak checks for the suites that start real processes and sockets: every child process a test
// started must be gone, and no socket, timer or child handle may be left in this process.

/** Whether process `pid` still runs. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The kinds of handles still open in this process (jest's own stdio excluded). */
export function openHandles(): string[] {
  const handles = (process as unknown as { _getActiveHandles(): object[] })._getActiveHandles();
  return handles
    .filter((h) => {
      const fd = (h as { fd?: number }).fd;
      return !(fd !== undefined && fd <= 2);
    })
    .map((h) => h.constructor.name)
    .filter((name) => name !== 'WriteStream' && name !== 'ReadStream');
}

/** Resolves once `check` holds, or rejects after `ms` with `what`. */
export async function eventually(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
