// Substitution parameters (clause 2.4): every query uses the specification's validation values,
// and the two queries whose answers are empty at the smallest scale factors (Q17's brand and
// container, Q18's quantity) take others, so a test can check them on rows that exist.

/** Parameters of one query, by name. @example const p: QueryParams = { quantity: 250 }; */
export type QueryParams = Readonly<Record<string, string | number>>;

/** The validation values of the parameters queries take. @example VALIDATION[18] // { quantity: 300 } */
export const VALIDATION: Readonly<Record<number, QueryParams>> = {
  17: { brand: 'Brand#23', container: 'MED BOX' },
  18: { quantity: 300 },
};

/**
 * Parameter `name` of query `id`: the one given, or the validation value.
 *
 * @example
 * param(18, 'quantity', {}); // 300
 */
export function param(id: number, name: string, given: QueryParams | undefined): string | number {
  const v = given?.[name] ?? VALIDATION[id]?.[name];
  if (v === undefined) throw new Error(`TPC-H Q${id} has no parameter '${name}'`);
  return v;
}
