// The `cat` accessor of category Series. A category column's dictionary is per partition (as Dask's
// "unknown" categories), so what needs the categories of the whole dataframe is a pass of its own:
// `categories()` unites the partitions' sorted dictionaries in one task, and `codes()` recodes each
// partition against that union (nulls get -1, as pandas' codes), so codes mean the same thing in
// every partition.
import { tokenize } from '@dask-ts/graph';
import { allRefs, blockwise } from './blockwise.js';
import type { DataFrame } from './frame.js';
import { kernels } from './kernels.js';

/**
 * Category functions of a category (or utf8) Series: `df.col('k').cat`.
 *
 * @example
 * const codes = df.col('k').astype('category').cat.codes();
 */
export class CatAccessor<T> {
  /** @internal */
  constructor(
    private readonly frame: DataFrame,
    private readonly name: string,
    private readonly wrap: (frame: DataFrame) => T,
  ) {
    const t = frame.dtypes[name];
    if (t !== 'category' && t !== 'utf8')
      throw new TypeError(
        `cat: column '${name}' is ${String(t)}; use .astype('category') on a utf8 column first`,
      );
  }

  /**
   * The categories of the whole column: its distinct non-null values, sorted (code point order),
   * as a one-partition utf8 series.
   *
   * @example
   * await df.col('k').cat.categories().compute(); // Vector ['a', 'b', ...]
   */
  categories(): T {
    return this.wrap(this.unite());
  }

  /**
   * Each row's position in `categories()` (int32; -1 for a null), the same in every partition.
   *
   * @example
   * await df.col('k').cat.codes().compute();
   */
  codes(): T {
    const cats = this.unite();
    const name = this.name;
    return this.wrap(
      blockwise(
        'cat-codes',
        [this.frame],
        this.frame.npartitions,
        [[name, 'int32']],
        [name, tokenize(cats.layer.name)],
        ([ref]) => kernels.task('catCodes', [ref, name, name, ...allRefs(cats)]),
        `cat.codes(${name}) against the whole column's categories`,
        [cats],
      ),
    );
  }

  private unite(): DataFrame {
    const name = this.name;
    const dicts = blockwise(
      'cat-dict',
      [this.frame],
      this.frame.npartitions,
      [[name, 'utf8']],
      name,
      ([ref]) => kernels.task('catDict', [ref, name]),
      `the categories of '${name}' per partition`,
    );
    return blockwise(
      'cat-categories',
      [dicts],
      1,
      [[name, 'utf8']],
      name,
      () => kernels.task('catUnion', [name, ...allRefs(dicts)]),
      `the categories of '${name}' (sorted union)`,
      [dicts],
    );
  }
}
