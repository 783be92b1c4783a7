// Patches for the work and garbage of each frame: Ink's output, its text measuring, and the
// styled-cell code it uses. Each one measured on Ink 7.1 (Node 24, 48 steps and all panels):
// without the output caches peak RSS is 3-5 MB higher, without the shared styles 1-3 MB, without
// the narrow fast path 2-6 MB, without the one blank cell 0.5-2 MB. (Ink's widestLine measured
// again per frame, patched for Ink 6.8, made no difference on Ink 7: that patch is gone.)
// Applied by ../patches.mjs.
import {fileURLToPath} from 'node:url';
import {INK, ANSI_TOKENIZE, STRING_WIDTH} from './versions.mjs';

const NARROW = JSON.stringify(fileURLToPath(new URL('../narrow.mjs', import.meta.url)));

export const FRAMES = [
	{
		// Memory and time per key: Ink tokenizes every line of every frame into styled cells, in
		// a cache that lives for one frame. Frames repeat most lines, so keep one cache across
		// frames, started afresh when it holds more than a few screens' worth.
		for: INK,
		file: 'ink/build/output.js',
		find: 'export default class Output {',
		replace:
			"const BLANK_CELL = Object.freeze({type: 'char', value: ' ', fullWidth: false, styles: " +
			'Object.freeze([])});\nlet sharedCaches;\nconst frameCaches = () => (sharedCaches && ' +
			'sharedCaches.styledChars.size + sharedCaches.widths.size + sharedCaches.slices.size < 1000 ? ' +
			'sharedCaches : (sharedCaches = new OutputCaches()));\nexport default class Output {',
	},
	{
		for: INK,
		file: 'ink/build/output.js',
		find: 'caches = new OutputCaches();',
		replace: 'caches = frameCaches();',
	},
	{
		// Clipped lines (every Box with overflow hidden) were sliced anew on every frame, even
		// those that fit inside the clip whole.
		for: INK,
		file: 'ink/build/output.js',
		find: 'widths = new Map();',
		replace:
			'widths = new Map();\n    slices = new Map();\n    getSlice(line, from, to) {\n        if (from === 0 && ' +
			// biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript spliced into Ink, template and all
			'to >= this.getStringWidth(line)) return line;\n        const key = `${from}:${to}:${line}`;\n        ' +
			'let cached = this.slices.get(key);\n        if (cached === undefined) {\n            cached = ' +
			'sliceAnsi(line, from, to);\n            this.slices.set(key, cached);\n        }\n        return ' +
			'cached;\n    }',
	},
	{
		for: INK,
		file: 'ink/build/output.js',
		find: 'return sliceAnsi(line, from, to);',
		replace: 'return this.caches.getSlice(line, from, to);',
	},
	{
		// Each frame began as 1,920 new blank cells, each with its own empty styles array. Cells
		// are replaced, never changed, so one blank serves them all.
		for: INK,
		file: 'ink/build/output.js',
		find:
			"row.push({\n                    type: 'char',\n                    value: ' ',\n                    " +
			'fullWidth: false,\n                    styles: [],\n                });',
		replace: 'row.push(BLANK_CELL);',
	},
	{
		// Memory per key: turning a frame's cells back into text compared each cell's styles
		// with its neighbour's through three new Sets and arrays, 1,920 times a frame at 80x24:
		// most of the garbage a keypress made. Cells that hold the very same codes need no diff;
		// cells of one run now share one styles array (nothing mutates them).
		for: ANSI_TOKENIZE,
		file: '@alcalzone/ansi-tokenize/build/styledChars.js',
		find: 'styles: [...codes],',
		replace: 'styles: codes,',
	},
	{
		for: ANSI_TOKENIZE,
		file: '@alcalzone/ansi-tokenize/build/styledChars.js',
		find: 'ret += ansiCodesToString(diffAnsiCodes(chars[i - 1].styles, char.styles));',
		replace:
			'if (!sameCodes(chars[i - 1].styles, char.styles)) ret += ansiCodesToString(diffAnsiCodes(chars[i - ' +
			'1].styles, char.styles));',
	},
	{
		for: ANSI_TOKENIZE,
		file: '@alcalzone/ansi-tokenize/build/styledChars.js',
		find: 'ret += ansiCodesToString(diffAnsiCodes(char.styles, []));',
		replace: 'if (char.styles.length > 0) ret += ansiCodesToString(diffAnsiCodes(char.styles, []));',
	},
	{
		for: ANSI_TOKENIZE,
		file: '@alcalzone/ansi-tokenize/build/styledChars.js',
		find: 'export function styledCharsToString(chars) {',
		replace:
			'const sameCodes = (a, b) => {\n    if (a === b) return true;\n    if (a.length !== b.length) return ' +
			'false;\n    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;\n    return ' +
			'true;\n};\nexport function styledCharsToString(chars) {',
	},
	{
		// Time per frame in a workshop: Ink re-tokenizes every styled text on each frame to strip control codes,
		// a shared drawing (../../ui/parts/Drawn.tsx) whole, once per session. Sessions and frames repeat these
		// texts: keep what each became, started afresh past a few hundred.
		for: INK,
		file: 'ink/build/sanitize-ansi.js',
		find: 'const sanitizeAnsi = (text) => {',
		replace:
			'let sanitized = new Map();\nconst sanitizeAnsi = (text) => {\n    if (!hasAnsiControlCharacters(text)) ' +
			'{\n        return text;\n    }\n    let clean = sanitized.get(text);\n    if (clean === undefined) {\n' +
			'        if (sanitized.size >= 500) sanitized = new Map();\n        sanitized.set(text, (clean = ' +
			'sanitizeEach(text)));\n    }\n    return clean;\n};\nconst sanitizeEach = (text) => {',
	},
	{
		// Memory over a long session: Ink keeps the size of every text it ever measured. Live panels (a shared
		// drawing whole, among them) measure new texts on every frame: keep a few screens' worth.
		for: INK,
		file: 'ink/build/measure-text.js',
		find: 'const cache = new Map();',
		replace: 'let cache = new Map();',
	},
	{
		for: INK,
		file: 'ink/build/measure-text.js',
		find: 'cache.set(text, dimensions);',
		replace: 'if (cache.size >= 1000) cache = new Map();\n    cache.set(text, dimensions);',
	},
	{
		// Time per frame, the first one included: string-width measures anything beyond ASCII
		// grapheme by grapheme (Intl.Segmenter, emoji regexes). Box drawing, arrows and the like
		// are one column each: count them as ASCII is counted.
		for: STRING_WIDTH,
		file: 'string-width/index.js',
		find: "import stripAnsi from 'strip-ansi';",
		replace: `import stripAnsi from 'strip-ansi';\nimport {NARROW} from ${NARROW};`,
	},
	{
		for: STRING_WIDTH,
		file: 'string-width/index.js',
		find: 'if (/^[\\u0020-\\u007E]*$/.test(string)) {',
		replace: 'if (NARROW.test(string)) {',
	},
];
