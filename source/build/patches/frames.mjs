// Patches for the work and garbage of each frame: Ink's output, its text measuring, and the
// styled-cell code it uses. Applied by ../patches.mjs.
import {fileURLToPath} from 'node:url';

const NARROW = JSON.stringify(fileURLToPath(new URL('../narrow.mjs', import.meta.url)));

export const FRAMES = [
	{
		// Memory and time per key: Ink tokenizes every line of every frame into styled cells, in
		// a cache that lives for one frame. Frames repeat most lines, so keep one cache across
		// frames, started afresh when it holds more than a few screens' worth.
		file: 'ink/build/output.js',
		find: 'export default class Output {',
		replace:
			"const BLANK_CELL = Object.freeze({type: 'char', value: ' ', fullWidth: false, styles: Object.freeze([])});\nlet sharedCaches;\nconst frameCaches = () => (sharedCaches && sharedCaches.styledChars.size + sharedCaches.widths.size + sharedCaches.slices.size < 1000 ? sharedCaches : (sharedCaches = new OutputCaches()));\nexport default class Output {",
	},
	{
		file: 'ink/build/output.js',
		find: 'caches = new OutputCaches();',
		replace: 'caches = frameCaches();',
	},
	{
		// Clipped lines (every Box with overflow hidden) were sliced anew on every frame, even
		// those that fit inside the clip whole.
		file: 'ink/build/output.js',
		find: 'widths = new Map();',
		replace:
			'widths = new Map();\n    slices = new Map();\n    getSlice(line, from, to) {\n        if (from === 0 && to >= this.getStringWidth(line)) return line;\n        const key = `${from}:${to}:${line}`;\n        let cached = this.slices.get(key);\n        if (cached === undefined) {\n            cached = sliceAnsi(line, from, to);\n            this.slices.set(key, cached);\n        }\n        return cached;\n    }',
	},
	{
		file: 'ink/build/output.js',
		find: 'return sliceAnsi(line, from, to);',
		replace: 'return this.caches.getSlice(line, from, to);',
	},
	{
		// Each frame began as 1,920 new blank cells, each with its own empty styles array. Cells
		// are replaced, never changed, so one blank serves them all.
		file: 'ink/build/output.js',
		find: "row.push({\n                    type: 'char',\n                    value: ' ',\n                    fullWidth: false,\n                    styles: [],\n                });",
		replace: 'row.push(BLANK_CELL);',
	},
	{
		// The same: measuring each text's width again on every frame (string-width is slow);
		// Ink's measureText already keeps the widths of the texts it has seen.
		file: 'ink/build/render-node-to-output.js',
		find: "import widestLine from 'widest-line';",
		replace: "import measureText from './measure-text.js';",
	},
	{
		file: 'ink/build/render-node-to-output.js',
		find: 'const currentWidth = widestLine(text);',
		replace: 'const currentWidth = measureText(text).width;',
	},
	{
		// Memory per key: turning a frame's cells back into text compared each cell's styles
		// with its neighbour's through three new Sets and arrays, 1,920 times a frame at 80x24:
		// most of the garbage a keypress made. Cells that hold the very same codes need no diff;
		// cells of one run now share one styles array (nothing mutates them).
		file: '@alcalzone/ansi-tokenize/build/styledChars.js',
		find: 'styles: [...codes],',
		replace: 'styles: codes,',
	},
	{
		file: '@alcalzone/ansi-tokenize/build/styledChars.js',
		find: 'ret += ansiCodesToString(diffAnsiCodes(chars[i - 1].styles, char.styles));',
		replace: 'if (!sameCodes(chars[i - 1].styles, char.styles)) ret += ansiCodesToString(diffAnsiCodes(chars[i - 1].styles, char.styles));',
	},
	{
		file: '@alcalzone/ansi-tokenize/build/styledChars.js',
		find: 'ret += ansiCodesToString(diffAnsiCodes(char.styles, []));',
		replace: 'if (char.styles.length > 0) ret += ansiCodesToString(diffAnsiCodes(char.styles, []));',
	},
	{
		file: '@alcalzone/ansi-tokenize/build/styledChars.js',
		find: 'export function styledCharsToString(chars) {',
		replace:
			'const sameCodes = (a, b) => {\n    if (a === b) return true;\n    if (a.length !== b.length) return false;\n    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;\n    return true;\n};\nexport function styledCharsToString(chars) {',
	},
	{
		// Time per frame, the first one included: string-width measures anything beyond ASCII
		// grapheme by grapheme (Intl.Segmenter, emoji regexes). Box drawing, arrows and the like
		// are one column each: count them as ASCII is counted.
		file: 'string-width/index.js',
		find: "import stripAnsi from 'strip-ansi';",
		replace: `import stripAnsi from 'strip-ansi';\nimport {NARROW} from ${NARROW};`,
	},
	{
		file: 'string-width/index.js',
		find: 'if (/^[\\u0020-\\u007E]*$/.test(string)) {',
		replace: 'if (NARROW.test(string)) {',
	},
];
