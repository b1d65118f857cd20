/**
 * A node label's lines: its own lines, each too wide one broken at spaces so that every line fits
 * `maxWidth` where it can (a single word wider than that stays whole). Pure: `measure` gives a
 * text's width (a canvas's measureText in the node layer, a stand-in in tests).
 */
export function wrapLabel(label: string, maxWidth: number, measure: (text: string) => number): string[] {
  const wrapped: string[] = [];
  for (const line of label.split('\n')) {
    if (measure(line) <= maxWidth) { wrapped.push(line); continue; }
    let current = '';
    for (const word of line.split(/\s+/)) {
      if (word === '') continue;
      const longer = current === '' ? word : `${current} ${word}`;
      if (current === '' || measure(longer) <= maxWidth) current = longer;
      else { wrapped.push(current); current = word; }
    }
    if (current !== '') wrapped.push(current);
  }
  return wrapped;
}
