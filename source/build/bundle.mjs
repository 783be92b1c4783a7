// Bundles cli.tsx into dist/: one minified ESM entry with a shebang, each mode a lazy chunk,
// React in production mode, Ink's devtools left out, the fixes in source/build/patches.mjs applied.
// `node source/build/bundle.mjs` builds dist/; bench/ imports bundle() for its variants.
import {build} from 'esbuild';
import {rmSync, chmodSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {patchDependencies, inkWithoutDevtools} from './patches.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function bundle({
	entry = join(root, 'cli.tsx'),
	outdir = join(root, 'dist'),
	patch = true,
	patches,
	metafile = false,
} = {}) {
	rmSync(outdir, {recursive: true, force: true});
	const result = await build({
		entryPoints: {cli: entry},
		outdir,
		absWorkingDir: root,
		bundle: true,
		splitting: true,
		format: 'esm',
		platform: 'node',
		target: 'node22',
		minify: true, // names too: the one name a dependency reads is kept by a patch (patches/ssh2.mjs)
		legalComments: 'none',
		metafile,
		define: {'process.env.NODE_ENV': '"production"'},
		// ssh2's native speed-ups are optional (it falls back to JavaScript).
		external: ['cpu-features', '*.node'],
		plugins: [patchDependencies({enabled: patch, patches}), inkWithoutDevtools()],
		banner: {
			// CommonJS dependencies expect require, __filename and __dirname (ssh2's poly1305 reads __dirname).
			js:
				"#!/usr/bin/env node\nimport {createRequire as __cr} from 'node:module';import {fileURLToPath as " +
				"__fu} from 'node:url';const require=__cr(import.meta.url);const " +
				"__filename=__fu(import.meta.url);const __dirname=__fu(new URL('.',import.meta.url));",
		},
		logLevel: 'warning',
	});
	chmodSync(join(outdir, 'cli.js'), 0o755);
	return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	try {
		await bundle();
	} catch (error) {
		// esbuild has already printed the errors (a patch that no longer applies among them).
		if (!error?.errors) console.error(error instanceof Error ? error.message : error);
		process.exitCode = 1;
	}
}
