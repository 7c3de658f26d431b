// Types of point-class.mjs, for the tests that import it.
export declare class Point {
  constructor(x: number, y: number);
  readonly x: number;
  readonly y: number;
  norm(): number;
}
export declare class Unregistered {
  constructor(v: unknown);
  readonly v: unknown;
}
