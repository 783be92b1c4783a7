// Patches for start-up: what the first frame no longer waits for. Measured on Ink 7.1 and Node
// 24: without the Yoga one the first frame takes ~50 ms and 6 MB more (undici is loaded); without
// the meow ones the bundle is 90 KB larger and a start with flags slower. Applied by ../patches.mjs.

import {YOGA, MEOW, OBJECT_HASH} from './versions.mjs';

export const START_UP = [
	{
		// Start-up: ink-table keys its rows by object-hash's sha1, and object-hash loads Node's
		// crypto (and lists its hashes) as it loads, before the first frame, which draws no table:
		// 6 ms of CPU and 3.6 MB of peak RSS for a bare node. Load it on the first hash instead.
		for: OBJECT_HASH,
		file: 'object-hash/index.js',
		find: "var crypto = require('crypto');",
		replace:
			'var cryptoModule;\nvar loadCrypto = function() {\n  return cryptoModule || ' +
			"(cryptoModule = require('crypto'));\n};",
	},
	{
		for: OBJECT_HASH,
		file: 'object-hash/index.js',
		find:
			"var hashes = crypto.getHashes ? crypto.getHashes().slice() : ['sha1', 'md5'];\n" +
			"hashes.push('passthrough');",
		replace:
			'var hashList;\nvar allHashes = function() {\n  if (hashList) return hashList;\n  ' +
			'var crypto = loadCrypto();\n  hashList = crypto.getHashes ? crypto.getHashes().slice() : ' +
			"['sha1', 'md5'];\n  hashList.push('passthrough');\n  return hashList;\n};",
	},
	{
		for: OBJECT_HASH,
		file: 'object-hash/index.js',
		find: 'for (var i = 0; i < hashes.length; ++i) {',
		replace: 'var hashes = allHashes();\n  for (var i = 0; i < hashes.length; ++i) {',
	},
	{
		for: OBJECT_HASH,
		file: 'object-hash/index.js',
		find: 'hashingStream = crypto.createHash(options.algorithm);',
		replace: 'hashingStream = loadCrypto().createHash(options.algorithm);',
	},
	{
		// Start-up: Yoga's loader fetches its WebAssembly, inlined as a data: URL, with fetch(),
		// which loads Node's whole HTTP client (undici) first. Decode the data: URL in place, as
		// its other loading path already does.
		for: YOGA,
		file: 'yoga-layout/dist/binaries/yoga-wasm-base64-esm.js',
		find: 'function ya(){return w||"function"!=typeof fetch?',
		replace: 'function ya(){return w||ua(H)||"function"!=typeof fetch?',
	},
	{
		// (With the next patch nothing uses these any more; lazy, esbuild can leave them out.)
		for: MEOW,
		file: 'meow/build/dependencies.js',
		find:
			'var normalizeExports = requireNormalize();\nconst normalizePackageData = ' +
			'getDefaultExportFromCjs(normalizeExports);',
		replace: 'const normalizePackageData = data => getDefaultExportFromCjs(requireNormalize())(data);',
	},
	{
		for: MEOW,
		file: 'meow/build/dependencies.js',
		find: 'var libExports = requireLib$1();',
		replace: '',
	},
	{
		for: MEOW,
		file: 'meow/build/dependencies.js',
		find: 'return libExports.codeFrameColumns(',
		replace: 'return requireLib$1().codeFrameColumns(',
	},
	{
		// Start-up: meow reads package.json (for --version) with read-package-up, whose parse-json
		// brings Babel's code frame, and imports normalize-package-data (SPDX license lists,
		// semver, hosted-git-info) for cli.pkg, which we never read. Read package.json with
		// JSON.parse and leave normalizing out: the bundle then drops all of it (~100 KB).
		for: MEOW,
		file: 'meow/build/options.js',
		find: "import { a as readPackageUpSync, n as normalizePackageData } from './dependencies.js';",
		replace:
			"import { readFileSync } from 'node:fs';\nconst readPackageUpSync = ({cwd}) => {\n\tfor (let dir = cwd; " +
			'; dir = path.dirname(dir)) {\n\t\tlet text;\n\t\ttry {\n\t\t\ttext = readFileSync(path.join(dir, ' +
			"'package.json'), 'utf8');\n\t\t} catch {}\n\t\tif (text !== undefined) return {packageJson: " +
			"JSON.parse(text), path: path.join(dir, 'package.json')};\n\t\tif (path.dirname(dir) === dir) return " +
			'undefined;\n\t}\n};\nconst normalizePackageData = () => {};',
	},
];
