// Patch to Ink's incremental log-update: how little of the frame is written per key
// (line-diff.mjs): 1,089 B per step at 80x24 where Ink as published writes 1,860 (median, Ink
// 7.1, chapter 1; 1,121 before changed stretches were written apart and runs of unchanged lines
// skipped in one move). Ink 7 has the #909 fix (where the frame goes), so that patch is gone.
// Applied by ../patches.mjs.
import {fileURLToPath} from 'node:url';
import {INK} from './versions.mjs';

const LINE_DIFF = JSON.stringify(fileURLToPath(new URL('../line-diff.mjs', import.meta.url)));

export const LOG_UPDATE = [
	{
		// Bytes per key over SSH: a changed line is rewritten from its first changed cell to its
		// last (line-diff.mjs), not whole. Moving the lit box in the flow diagram touches two
		// boxes on five lines; Ink rewrote the five lines end to end.
		for: INK,
		file: 'ink/build/log-update.js',
		find: "import ansiEscapes from 'ansi-escapes';",
		replace: `import ansiEscapes from 'ansi-escapes';\nimport {lineUpdate, collapseNextLines} from ${LINE_DIFF};`,
	},
	{
		for: INK,
		file: 'ink/build/log-update.js',
		find:
			'buffer.push(ansiEscapes.cursorTo(0) +\n                nextLines[i] +\n                ' +
			'ansiEscapes.eraseEndLine +',
		replace: 'buffer.push(lineUpdate(previousLines[i], nextLines[i]) +',
	},
	{
		// Each unchanged line between two changed ones cost an ESC[E: ten of them, 30 B, are ESC[10E.
		for: INK,
		file: 'ink/build/log-update.js',
		find: "stream.write(buffer.join(''));",
		replace: "stream.write(collapseNextLines(buffer.join('')));",
	},
];
