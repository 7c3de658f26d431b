// The help lines of `dask-ts scheduler` and `dask-ts worker` (kept apart from their parser, which
// args.ts must not import).
/** Help lines for the two commands. @example CLUSTER_HELP.join('\n') */
export const CLUSTER_HELP = [
  'scheduler options:',
  '  --host <HOST>   the interface to listen on (default 127.0.0.1; 0.0.0.0 for all)',
  '  --port <N>      the port (default 8786; 0 for any free port)',
  '  --dashboard-port <N>  serve /status.json, /metrics and /events over HTTP on this port',
  '  --simulated-workers <N>  N simulated workers that finish every task at once (no real ones)',
  '  --max-retries <N>  how often a task may lose its worker before it fails (default 3)',
  '  --root-saturation <X>  root tasks in flight per worker thread once their outputs are large',
  '                  (default 1.25; inf: never hold roots back)',
  'worker usage: dask-ts worker tcp://HOST:PORT [--nthreads N] [--name NAME] [--resources R]',
  '                [--listen-address A] [--memory-limit SIZE] [--local-directory DIR]',
  '  --nthreads <N>           worker threads (default 1)',
  '  --name <NAME>            the worker name (default HOST-PID)',
  '  --resources <NAME=AMOUNT,...>  abstract resources the node has (GPU=2,MEM=1e9), for tasks',
  '                           that ask for them (client.submitWith(fn, args, { resources: { GPU: 1 } }))',
  '  --listen-address <tcp://HOST:PORT>  where other workers fetch its results from (default: the',
  '                           interface that reaches the scheduler, any free port; none: via the scheduler)',
  '  --memory-limit <SIZE>    memory of the whole node, such as 4GiB or 512MiB: results spill to',
  '                           disk past 60 %, no new tasks past 80 %, a thread restarts past 95 %',
  '  --local-directory <DIR>  where the spill folder goes (default: the temporary folder)',
  '  (set DASK_TS_TOKEN on the scheduler and its workers to require a shared secret)',
  '  (CURVE encryption: DASK_TS_CURVE_PUBLIC_KEY and DASK_TS_CURVE_SECRET_KEY on the scheduler,',
  '   DASK_TS_CURVE_SERVER_KEY = its public key on workers and clients; see curveKeyPair())',
];
