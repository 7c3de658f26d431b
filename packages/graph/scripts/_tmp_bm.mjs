const gi = await import(process.argv[2]);
const { daskGraph } = await import('/work/main/packages/protocol/dist/index.js');
function build(n) { const noop = gi.delayed((x) => x); const add = gi.delayed((a, b) => a + b);
let level = []; for (let i = 0; i < n; i++) level.push(noop(i));
while (level.length > 1) { const next = []; for (let j = 0; j + 1 < level.length; j += 2) next.push(add(level[j], level[j + 1])); if (level.length % 2) next.push(level[level.length - 1]); level = next; }
return level[0]; }
let bb = 1e9, bm = 1e9, bt = 1e9;
for (let r = 0; r < 3; r++) { let t = performance.now(); const root = build(500000); const b = performance.now() - t; t = performance.now(); root[daskGraph](); const m = performance.now() - t; bb = Math.min(bb, b); bm = Math.min(bm, m); bt = Math.min(bt, b + m); }
console.log(`build ${bb.toFixed(0)} materialize ${bm.toFixed(0)} sum ${bt.toFixed(0)}`);
