// Changes to dependencies' built code, applied while bundling (no postinstall step, nothing in
// node_modules changes). Each replacement must match exactly once, and every patched file must
// be seen, or the build fails: an upgrade cannot silently drop a fix.
import {readFile} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';

const LINE_DIFF = JSON.stringify(fileURLToPath(new URL('./line-diff.mjs', import.meta.url)));

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
	// (A shorter terminal needs no patch: the frame, rows - 1 high, is then at least as high as
	// the terminal, and Ink clears the screen and draws it whole.)
	{
		// Start-up: meow normalizes package.json data only when asked for it (cli.pkg, which we
		// never read), yet its bundle builds the normalizer, with SPDX license lists and
		// semver, on import. Build it on first use instead; every run saves that work.
		file: 'meow/build/dependencies.js',
		find: 'var normalizeExports = requireNormalize();\nconst normalizePackageData = getDefaultExportFromCjs(normalizeExports);',
		replace: 'const normalizePackageData = data => getDefaultExportFromCjs(requireNormalize())(data);',
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
			const packages = new Set();
			const packageOf = file => file.split('/')[0];
			build.onStart(() => {
				seen.clear();
				packages.clear();
			});
			build.onLoad({filter: /[\\/]node_modules[\\/](ink|meow)[\\/]build[\\/].+\.js$/}, async ({path}) => {
				packages.add(/[\\/]node_modules[\\/](ink|meow)[\\/]/.exec(path)[1]);
				const file = files.find(f => norm(path).endsWith(`/node_modules/${f}`));
				if (!file) return undefined;
				seen.add(file);
				return {contents: applyPatches(file, await readFile(path, 'utf8')), loader: 'js'};
			});
			build.onEnd(result => {
				const missing = files.filter(f => packages.has(packageOf(f)) && !seen.has(f));
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
