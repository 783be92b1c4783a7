// Bundles cli.tsx into dist/: one ESM entry with a shebang, modes split into lazy chunks.
import {build} from 'esbuild';
import {rmSync, chmodSync} from 'node:fs';

rmSync('dist', {recursive: true, force: true});
await build({
	entryPoints: {cli: 'cli.tsx'},
	outdir: 'dist',
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	minify: true,
	legalComments: 'none',
	define: {'process.env.NODE_ENV': '"production"'},
	// Ink imports the devtools only when DEV=true; ssh2's native speed-ups are optional.
	external: ['react-devtools-core', 'cpu-features', '*.node'],
	banner: {
		js: "#!/usr/bin/env node\nimport {createRequire as __cr} from 'node:module';const require=__cr(import.meta.url);",
	},
	logLevel: 'warning',
});
chmodSync('dist/cli.js', 0o755);
