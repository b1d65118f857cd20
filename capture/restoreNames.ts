/**
 * The bundler renames a program's identifiers where two scopes would clash (`X` becomes `X2`), and
 * JavaScript quotes the renamed one in its messages: `X2.slice is not a function` for the user's
 * `X.slice(…)`. Given the source line the error points at, such a name goes back to the one
 * written there. Only names absent from the line whose stem (the name without its added number) is
 * on it are changed: a message never gains a name the program did not write there.
 */

const IDENTIFIER = /[\p{ID_Start}_$][\p{ID_Continue}$\u200c\u200d]*/gu;

/** The identifiers written on `line` (a rough scan: strings and comments count too, which only makes it more cautious). */
function identifiersOf(line: string): Set<string> {
  return new Set(line.match(IDENTIFIER) ?? []);
}

/** `message` with the bundler's renamed identifiers put back as `sourceLine` writes them. */
export function restoreNames(message: string, sourceLine: string | null): string {
  if (!sourceLine) return message;
  const written = identifiersOf(sourceLine);
  return message.replace(IDENTIFIER, (name) => {
    if (written.has(name)) return name;
    const stem = /^(.*?[^\d])\d+$/u.exec(name)?.[1];
    return stem !== undefined && written.has(stem) ? stem : name;
  });
}
