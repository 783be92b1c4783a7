// Patches to Ink's incremental log-update: where the frame goes (Ink #909) and how little of
// it is written per key (line-diff.mjs). Applied by ../patches.mjs.
import {fileURLToPath} from 'node:url';

const LINE_DIFF = JSON.stringify(fileURLToPath(new URL('../line-diff.mjs', import.meta.url)));

export const LOG_UPDATE = [
	{
		// Ink #909 (fixed upstream in Ink 7, which needs Node 22). When the frame ends with a
		// newline (it is shorter than the terminal) the cursor rests on the row below it, so
		// reaching the frame's top takes one row more than its visible lines. Ink 6.8 goes up
		// one row too few: each update lands a row low, the terminal scrolls, rows go stale.
		// previousLines.length counts that trailing slot (and equals the visible count when a
		// full-height frame has no trailing newline), as upstream does.
		file: 'ink/build/log-update.js',
		find: 'buffer.push(ansiEscapes.cursorUp(previousVisible - 1));',
		replace: 'buffer.push(ansiEscapes.cursorUp(previousLines.length - 1));',
	},
	// (A shorter terminal needs no patch: the frame, rows - 1 high, is then at least as high as
	// the terminal, and Ink clears the screen and draws it whole.)
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
