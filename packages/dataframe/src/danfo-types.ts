// The shapes of danfojs this package relies on, declared structurally: danfojs is an optional
// peer, so the published types must not import it. A danfo `DataFrame` satisfies `DanfoFrame`;
// functions that hand one out are generic, so a caller who has danfo names its own type
// (`toDanfo<dfd.DataFrame>(df)`) and gets danfo's whole API.

/**
 * What this package reads of a danfo DataFrame: its column names, danfo dtypes ('float32',
 * 'int32', 'string', 'boolean', 'datetime'), shape, and one column's values. danfojs' own
 * `DataFrame` class satisfies it.
 *
 * @example
 * import * as dfd from 'danfojs-node';
 * const d: DanfoFrame = new dfd.DataFrame({ a: [1, 2] });
 */
export interface DanfoFrame {
  readonly columns: readonly string[];
  readonly dtypes: readonly string[];
  readonly shape: readonly number[];
  column(name: string): { readonly values: unknown };
}

/** The parts of danfo's module this package calls. @internal */
export interface DanfoModule {
  DataFrame: new (data: unknown, options?: { columns?: string[]; dtypes?: string[] }) => DanfoFrame;
}
