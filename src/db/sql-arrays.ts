/**
 * Batched statements pass their rows as one array parameter per column and read them back with
 * `unnest($1::…[], $2::…[], …) with ordinality`: one statement, one plan and one commit for any number of
 * rows, where a VALUES list would change the statement's text (and its prepared plan) with every size.
 *
 * `transpose` turns rows of values into those per-column arrays.
 */
export function transpose(rows: readonly (readonly unknown[])[], width: number): unknown[][] {
  const columns: unknown[][] = Array.from({ length: width }, () => []);
  for (const row of rows) for (let index = 0; index < width; index += 1) columns[index]?.push(row[index]);
  return columns;
}
