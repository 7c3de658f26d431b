// Core-only throughput: run after `npm run build` in packages/scheduler with
//   node --expose-gc --input-type=module -e "$(cat bench/core-throughput.ts)"   (it is plain JS)
// or import `benchCore` from dist/core/index.js. Prints tasks per second and bytes per task for a
// 1,000,000-task tree reduction and for 1,000,000 independent leaves plus one reduction.
const { benchCore } = await import(
  new URL('../dist/core/index.js', `file://${process.cwd()}/`).href
);
const tasks = Number(process.argv[2] ?? 1_000_000);
for (const shape of ['tree', 'leaves']) {
  for (let i = 0; i < 3; i++) {
    const r = benchCore({ tasks, shape });
    console.log(
      `${shape} ${r.tasks} tasks: ${(r.tasksPerSecond / 1e6).toFixed(2)} M tasks/s, ${r.seconds.toFixed(3)} s, ${r.heapBytesPerTask.toFixed(0)} B/task, ${r.handleCalls} handle calls`,
    );
  }
}
