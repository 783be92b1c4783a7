// Patch to Ink's incremental log-update: how little of the frame is written per key
// (line-diff.mjs). Ink 7 has the #909 fix (where the frame goes). Applied by ../patches.mjs.
import {fileURLToPath} from 'node:url';

const LINE_DIFF = JSON.stringify(fileURLToPath(new URL('../line-diff.mjs', import.meta.url)));

export const LOG_UPDATE = [
	{
		// Bytes per key over SSH: a changed line is rewritten from its first changed cell to its
		// last (line-diff.mjs), not whole. Moving the lit box in the flow diagram touches two
		// boxes on five lines; Ink rewrote the five lines end to end.
		file: 'ink/build/log-update.js',
		find: "import ansiEscapes from 'ansi-escapes';",
		replace: `import ansiEscapes from 'ansi-escapes';\nimport {lineUpdate} from ${LINE_DIFF};`,
	},
	{
		file: 'ink/build/log-update.js',
		find: 'buffer.push(ansiEscapes.cursorTo(0) +\n                nextLines[i] +\n                ansiEscapes.eraseEndLine +',
		replace: 'buffer.push(lineUpdate(previousLines[i], nextLines[i]) +',
	},
];
