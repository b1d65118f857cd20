/** Reading a variable name from the source line that made a node: `const y = …` → `y`. */

const DECLARATION = /^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=(?!=)/;
const ASSIGNMENT = /^\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*(?:[-+*/]?=)(?!=)/;
const ATTACH = /^\s*([A-Za-z_$][\w$]*)\.attachGrad\(/;

/**
 * The name a source line gives its value: a declaration (`const y = …`), an assignment
 * (`y = …`, `this.w = …`) or `x.attachGrad()`; null for anything else.
 */
export function nameFromSource(text: string | undefined | null): string | null {
  if (!text) return null;
  const match = DECLARATION.exec(text) ?? ASSIGNMENT.exec(text) ?? ATTACH.exec(text);
  return match ? match[1]! : null;
}
