// Patch to Ink's incremental log-update: how little of the frame is written per key
// (line-diff.mjs): 1,024 instead of 1,533 B per step at 80x24 (median, Ink 7.1). Ink 7 has the
// #909 fix (where the frame goes), so that patch is gone. Applied by ../patches.mjs.
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
		replace: `import ansiEscapes from 'ansi-escapes';\nimport {lineUpdate} from ${LINE_DIFF};`,
	},
	{
		for: INK,
		file: 'ink/build/log-update.js',
		find:
			'buffer.push(ansiEscapes.cursorTo(0) +\n                nextLines[i] +\n                ' +
			'ansiEscapes.eraseEndLine +',
		replace: 'buffer.push(lineUpdate(previousLines[i], nextLines[i]) +',
	},
];
