// A user program with npm imports, for bench/bundler.bench.ts: an ES-module package (acorn) and a
// CommonJS one (ajv) beside gradlens, all bundled in but gradlens.
import { parse } from 'acorn';
import Ajv from 'ajv';
import { np } from 'gradlens';

const program = parse('const x = 1 + 2;', { ecmaVersion: 2022 });
const isNumbers = new Ajv().compile({ type: 'array', items: { type: 'number' } });
console.log(program.body.length, isNumbers(np.arange(3).toFlatArray()));
