// Lending a worker's slot while one of its tasks waits for other tasks (Dask's secede/rejoin).
// A worker thread runs its tasks one after another, so a task that submits tasks through
// getClient() and awaits them would wait forever if they were queued behind it on the same
// thread. So while the task's client waits, it tells the scheduler to pause that worker (send it
// nothing new; on the client's own link, so before what it submits) and the thread says
// `secede` to its node, which starts a lender: a fresh worker thread with
// its own link, a worker of its own to the scheduler (`NAME~lent`), which runs the tasks meanwhile.
// When the client has nothing left to wait for, it unpauses the worker, the thread says
// `rejoin`, and the lender is paused in turn (it stays, with what it holds: a lender that left
// would have its results recomputed, maybe on the worker whose task waits for them); the next
// `secede` unpauses it. A lender is paused and unpaused over the link of the worker it stands in
// for, so the scheduler learns of it before that worker's next report (the waiting task's result):
// once a client has the result, the lender takes no new task. Lenders stop with their node. A
// lender's own tasks may secede in turn.
import { Worker } from 'node:worker_threads';
import type { Link } from './link.js';
import { isRunMessage, runHere } from './worker-run.js';

/** What a thread says to its node about waiting for other tasks. */
interface LendMessage {
  readonly op: 'secede' | 'rejoin';
}

/**
 * Whether a worker thread's message is about lending (see the file comment).
 *
 * @example
 * if (isLendMessage(m)) lending.change(name, link, m);
 */
export function isLendMessage(message: unknown): message is LendMessage {
  const op = (message as { op?: unknown } | null)?.op;
  return op === 'secede' || op === 'rejoin';
}

/** How a node starts threads and links. */
export interface LendingHost {
  connect(name: string): Promise<Link>;
  /** The worker thread entry file. */
  readonly entry: string;
  /** The environment of worker threads. */
  readonly env: NodeJS.ProcessEnv;
  log(line: string): void;
}

interface Lender {
  /** Resolves once the lender is up (or failed to start). */
  readonly started: Promise<{ link: Link; thread: Worker } | undefined>;
}

/**
 * The lenders of one node, by the name of the worker they stand in for.
 *
 * @example
 * const lending = new Lending(host);
 * thread.on('message', (m) => (isLendMessage(m) ? lending.change(name, link, m) : link.send(m)));
 */
export class Lending {
  private readonly lenders = new Map<string, Lender>();
  private closed = false;

  constructor(private readonly host: LendingHost) {}

  /**
   * Worker `name` (linked by `link`) seceded or rejoined.
   *
   * @example
   * lending.change('w-0', link, { op: 'secede' });
   */
  change(name: string, link: Link, message: LendMessage): void {
    if (this.closed || link.closed) return;
    const lender = this.lenders.get(name);
    const paused = message.op === 'rejoin';
    if (lender === undefined) {
      // Starts unpaused.
      if (!paused) this.lenders.set(name, { started: this.start(name, `${name}~lent`) });
      return;
    }
    // In order with the worker's own reports (see the file comment), once it is up.
    void lender.started.then((up) => {
      if (up !== undefined && !link.closed)
        link.send({ op: 'pause', worker: `${name}~lent`, paused });
    });
  }

  /**
   * Stops every lender (the node is stopping).
   *
   * @example
   * await lending.close('the worker is stopping');
   */
  async close(why: string): Promise<void> {
    this.closed = true;
    const all = [...this.lenders.values()];
    this.lenders.clear();
    await Promise.all(all.map((l) => this.stop(l, why)));
  }

  private async start(
    forName: string,
    name: string,
  ): Promise<{ link: Link; thread: Worker } | undefined> {
    let link: Link;
    try {
      link = await this.host.connect(name);
    } catch (err) {
      this.host.log(`dask-ts worker: cannot start lender ${name}: ${(err as Error).message}`);
      return undefined;
    }
    const thread = new Worker(this.host.entry, { workerData: { name }, env: this.host.env });
    thread.on('message', (m: unknown) =>
      isLendMessage(m) ? this.change(name, link, m) : link.send(m),
    );
    thread.on('error', (err) =>
      this.host.log(`dask-ts worker ${name}: ${err.stack ?? err.message}`),
    );
    thread.on('exit', () => {
      // The next secede starts a fresh one.
      this.lenders.delete(forName);
      void link.close(`lender ${name} exited`);
    });
    link.listen({
      message: (raw: unknown, owned?: ArrayBuffer[]) =>
        isRunMessage(raw) ? void runHere(raw, (m) => link.send(m)) : thread.postMessage(raw, owned),
      disconnect: () => undefined,
    });
    link.onEnd(() => void thread.terminate());
    return { link, thread };
  }

  private async stop(lender: Lender, why: string): Promise<void> {
    const up = await lender.started;
    if (up === undefined) return;
    await Promise.all([up.link.close(why), up.thread.terminate()]);
  }
}
