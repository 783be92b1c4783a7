// Changes to dependencies' built code, applied while bundling (no postinstall step, nothing in
// node_modules changes). Each patch names the `package@version` it was written for: another
// installed version fails the build with that name, as does a `find` that does not occur exactly
// once or a patched file never seen. An upgrade cannot silently drop or misapply a fix.
import {readFileSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {join, resolve} from 'node:path';

import {FRAMES} from './patches/frames.mjs';
import {LOG_UPDATE} from './patches/log-update.mjs';
import {RESIZE} from './patches/resize.mjs';
import {SSH2_NAMES} from './patches/ssh2.mjs';
import {START_UP} from './patches/start-up.mjs';

/** Every patch: {for: package@version, file under node_modules, the text to find (exactly once), its replacement}. */
export const PATCHES = [...LOG_UPDATE, ...RESIZE, ...FRAMES, ...START_UP, ...SSH2_NAMES];

const norm = path => path.replaceAll('\\', '/');
const nameOf = target => target.slice(0, target.lastIndexOf('@'));

/** The targets (package@version) whose installed version under `modules` is another: one message each. */
export function versionMismatches(modules, patches = PATCHES) {
	const wrong = [];
	for (const target of new Set(patches.map(p => p.for))) {
		let installed;
		try {
			installed = JSON.parse(readFileSync(join(modules, nameOf(target), 'package.json'), 'utf8')).version;
		} catch {
			continue; // not installed: nothing of it is bundled
		}
		if (`${nameOf(target)}@${installed}` !== target) {
			wrong.push(
				`patch-dependencies: patches written for ${target}, but ${nameOf(target)}@${installed} is installed; ` +
					`review them in source/build/patches/ (or install ${target})`,
			);
		}
	}
	return wrong;
}

/** Applies the patches to source text; throws unless each `find` occurs exactly once. */
export function applyPatches(file, text, patches = PATCHES) {
	for (const patch of patches.filter(p => p.file === file)) {
		const at = text.indexOf(patch.find);
		if (at === -1 || text.indexOf(patch.find, at + 1) !== -1) {
			throw new Error(
				`patch-dependencies: ` +
					`"${patch.find}" ${at === -1 ? 'not found' : 'found more than once'} in ${file} (a patch written ` +
					`for ${patch.for}); review source/build/patches/`,
			);
		}
		text = text.slice(0, at) + patch.replace + text.slice(at + patch.find.length);
	}
	return text;
}

/** The esbuild plugin. `enabled: false` builds the dependencies as published; `patches` a subset (the bench). */
export function patchDependencies({enabled = true, patches = PATCHES} = {}) {
	const files = [...new Set(patches.map(p => p.file))];
	return {
		name: 'patch-dependencies',
		setup(build) {
			if (!enabled) return;
			// A package the build uses whose patched file never loads was reorganised: fail.
			const seen = new Set();
			const packageOf = file =>
				file
					.split('/')
					.slice(0, file.startsWith('@') ? 2 : 1)
					.join('/');
			const patched = [...new Set(files.map(packageOf))];
			const used = new Set();
			// Only the copies installed at the top of node_modules: a nested older copy is left be.
			const top = `${norm(resolve(build.initialOptions.absWorkingDir ?? '.'))}/node_modules/`;
			build.onStart(() => {
				seen.clear();
				used.clear();
				return {errors: versionMismatches(top, patches).map(text => ({text}))};
			});
			build.onLoad({filter: /[\\/]node_modules[\\/].+\.js$/}, async ({path}) => {
				const at = norm(path);
				for (const p of patched) if (at.includes(`/node_modules/${p}/`)) used.add(p);
				const name = patched.find(p => at.startsWith(`${top}${p}/`));
				if (!name) return undefined;
				const file = files.find(f => at === `${top}${f}`);
				if (!file) return undefined;
				seen.add(file);
				return {contents: applyPatches(file, await readFile(path, 'utf8'), patches), loader: 'js'};
			});
			build.onEnd(result => {
				const missing = files.filter(f => used.has(packageOf(f)) && !seen.has(f));
				if (missing.length > 0 && result.errors.length === 0) {
					result.errors.push({
						text:
							`patch-dependencies: ${missing.join(', ')} never loaded; a dependency changed, review ` +
							`source/build/patches/`,
					});
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
