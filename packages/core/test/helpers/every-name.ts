/**
 * `everyName<Names>()(list)`: the list, if it names every member of the union `Names`; otherwise a compile error
 * that says which are missing (`missing: "expm1"`). For test tables that must cover a table of the sources.
 */
export function everyName<Names extends string>() {
  return <const List extends readonly Names[]>(
    list: List & ([Exclude<Names, List[number]>] extends [never] ? unknown : { missing: Exclude<Names, List[number]> }),
  ): List => list;
}
