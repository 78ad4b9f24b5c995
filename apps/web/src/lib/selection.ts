// Choosing many rows of a list: a click toggles one, a shift-click sets the whole range from the
// row clicked before (the anchor) to the same state as the row clicked, and the header box
// chooses every row shown or, when all are chosen already, none of them.

/** The selection after clicking row `id` (with shift held: `range`), rows in `order` as shown. */
export function toggleRow(
  selected: ReadonlySet<string>,
  order: readonly string[],
  id: string,
  anchor: string | null,
  range: boolean,
): Set<string> {
  const next = new Set(selected);
  const on = !selected.has(id);
  const from = range && anchor !== null ? order.indexOf(anchor) : -1;
  const to = order.indexOf(id);
  const span =
    from >= 0 && to >= 0 ? order.slice(Math.min(from, to), Math.max(from, to) + 1) : [id];
  for (const row of span) {
    if (on) next.add(row);
    else next.delete(row);
  }
  return next;
}

/** Whether every, some or none of the rows shown are chosen (the header box's three states). */
export function shownState(
  selected: ReadonlySet<string>,
  shown: readonly string[],
): 'all' | 'some' | 'none' {
  const count = shown.filter((id) => selected.has(id)).length;
  return count === 0 ? 'none' : count === shown.length ? 'all' : 'some';
}

/** The header box: every row shown chosen, or (when all are already) none of them. */
export function toggleShown(selected: ReadonlySet<string>, shown: readonly string[]): Set<string> {
  const next = new Set(selected);
  if (shownState(selected, shown) === 'all') for (const id of shown) next.delete(id);
  else for (const id of shown) next.add(id);
  return next;
}
