// A bare child process that echoes every message over its IPC channel: the floor of the latency
// suite for processes (what forking Node and exchanging one message costs, nothing else loaded).
process.on('message', (m) => process.send?.(m));
process.on('disconnect', () => process.exit(0));
