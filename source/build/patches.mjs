// Changes to dependencies' built code, applied while bundling (no postinstall step, nothing in
// node_modules changes). Each replacement must match exactly once, and every patched file must
// be seen, or the build fails: an upgrade cannot silently drop a fix.
import {readFile} from 'node:fs/promises';
import {resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

const LINE_DIFF = JSON.stringify(fileURLToPath(new URL('./line-diff.mjs', import.meta.url)));
const NARROW = JSON.stringify(fileURLToPath(new URL('./narrow.mjs', import.meta.url)));

export const PATCHES = [
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
	{
		// Memory and time per key: Ink tokenizes every line of every frame into styled cells, in
		// a cache that lives for one frame. Frames repeat most lines, so keep one cache across
		// frames, started afresh when it holds more than a few screens' worth.
		file: 'ink/build/output.js',
		find: 'export default class Output {',
		replace:
			"const BLANK_CELL = Object.freeze({type: 'char', value: ' ', fullWidth: false, styles: Object.freeze([])});\nlet sharedCaches;\nconst frameCaches = () => (sharedCaches && sharedCaches.styledChars.size + sharedCaches.widths.size + sharedCaches.slices.size < 2000 ? sharedCaches : (sharedCaches = new OutputCaches()));\nexport default class Output {",
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
		// Start-up: Yoga's loader fetches its WebAssembly, inlined as a data: URL, with fetch(),
		// which loads Node's whole HTTP client (undici) first. Decode the data: URL in place, as
		// its other loading path already does.
		file: 'yoga-layout/dist/binaries/yoga-wasm-base64-esm.js',
		find: 'function ya(){return w||"function"!=typeof fetch?',
		replace: 'function ya(){return w||ua(H)||"function"!=typeof fetch?',
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
	{
		// (With the next patch nothing uses these any more; lazy, esbuild can leave them out.)
		file: 'meow/build/dependencies.js',
		find: 'var normalizeExports = requireNormalize();\nconst normalizePackageData = getDefaultExportFromCjs(normalizeExports);',
		replace: 'const normalizePackageData = data => getDefaultExportFromCjs(requireNormalize())(data);',
	},
	{
		file: 'meow/build/dependencies.js',
		find: 'var libExports = requireLib$1();',
		replace: '',
	},
	{
		file: 'meow/build/dependencies.js',
		find: 'return libExports.codeFrameColumns(',
		replace: 'return requireLib$1().codeFrameColumns(',
	},
	{
		// Start-up: meow reads package.json (for --version) with read-package-up, whose parse-json
		// brings Babel's code frame, and imports normalize-package-data (SPDX license lists,
		// semver, hosted-git-info) for cli.pkg, which we never read. Read package.json with
		// JSON.parse and leave normalizing out: the bundle then drops all of it (~100 KB).
		file: 'meow/build/options.js',
		find: "import { a as readPackageUpSync, n as normalizePackageData } from './dependencies.js';",
		replace:
			"import { readFileSync } from 'node:fs';\nconst readPackageUpSync = ({cwd}) => {\n\tfor (let dir = cwd; ; dir = path.dirname(dir)) {\n\t\tlet text;\n\t\ttry {\n\t\t\ttext = readFileSync(path.join(dir, 'package.json'), 'utf8');\n\t\t} catch {}\n\t\tif (text !== undefined) return {packageJson: JSON.parse(text), path: path.join(dir, 'package.json')};\n\t\tif (path.dirname(dir) === dir) return undefined;\n\t}\n};\nconst normalizePackageData = () => {};",
	},
];

const norm = path => path.replaceAll('\\', '/');

/** Applies the patches to source text; throws unless each `find` occurs exactly once. */
export function applyPatches(file, text, patches = PATCHES) {
	for (const patch of patches.filter(p => p.file === file)) {
		const at = text.indexOf(patch.find);
		if (at === -1 || text.indexOf(patch.find, at + 1) !== -1) {
			throw new Error(`patch-dependencies: "${patch.find}" ${at === -1 ? 'not found' : 'found more than once'} in ${file}; the dependency changed, review source/build/patches.mjs`);
		}
		text = text.slice(0, at) + patch.replace + text.slice(at + patch.find.length);
	}
	return text;
}

/** The esbuild plugin. `enabled: false` builds the dependencies as published. */
export function patchDependencies({enabled = true} = {}) {
	const files = [...new Set(PATCHES.map(p => p.file))];
	return {
		name: 'patch-dependencies',
		setup(build) {
			if (!enabled) return;
			// A package the build uses whose patched file never loads was reorganised: fail.
			const seen = new Set();
			const packageOf = file => file.split('/').slice(0, file.startsWith('@') ? 2 : 1).join('/');
			const patched = [...new Set(files.map(packageOf))];
			const used = new Set();
			build.onStart(() => {
				seen.clear();
				used.clear();
			});
			// Only the copies installed at the top of node_modules: a nested older copy is left be.
			const top = `${norm(resolve(build.initialOptions.absWorkingDir ?? '.'))}/node_modules/`;
			build.onLoad({filter: /[\\/]node_modules[\\/].+\.js$/}, async ({path}) => {
				const at = norm(path);
				for (const p of patched) if (at.includes(`/node_modules/${p}/`)) used.add(p);
				const name = patched.find(p => at.startsWith(`${top}${p}/`));
				if (!name) return undefined;
				const file = files.find(f => at === `${top}${f}`);
				if (!file) return undefined;
				seen.add(file);
				return {contents: applyPatches(file, await readFile(path, 'utf8')), loader: 'js'};
			});
			build.onEnd(result => {
				const missing = files.filter(f => used.has(packageOf(f)) && !seen.has(f));
				if (missing.length > 0 && result.errors.length === 0) {
					result.errors.push({text: `patch-dependencies: ${missing.join(', ')} never loaded; a dependency changed, review source/build/patches.mjs`});
				}
			});
		},
	};
}

/** Ink imports its devtools bridge (and `ws` with it) only when DEV=true: leave both out. */
export function inkWithoutDevtools() {
	return {
		name: 'ink-without-devtools',
		setup(build) {
			build.onResolve({filter: /^\.\/devtools\.js$/}, ({importer}) =>
				/[\\/]ink[\\/]build[\\/]/.test(importer) ? {path: 'ink-devtools', namespace: 'left-out'} : undefined,
			);
			build.onLoad({filter: /.*/, namespace: 'left-out'}, () => ({contents: 'export {};', loader: 'js'}));
		},
	};
}
