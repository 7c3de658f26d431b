// Module-ref functions for the scheduler tests (loaded with import() in every runtime).
export function double(xs) {
  return xs.map((x) => x * 2);
}
export function sum(xs) {
  return xs.reduce((a, b) => a + b, 0);
}
export async function slowInc(x) {
  await new Promise((r) => setTimeout(r, 5));
  return x + 1;
}
export function boom(x) {
  throw new RangeError(`boom at ${x}`);
}
export const notAFunction = 42;
