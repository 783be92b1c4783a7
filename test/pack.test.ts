// The package as users get it: `npm pack`, installed into an empty prefix, run from an empty
// folder; and the bundle's split: the walkthrough never loads the code of the other modes.
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {bundle} from '../source/build/bundle.mjs';
import {parseArgs} from '../source/cli/args';
import {noArguments} from '../source/cli/defaults';
import {childEnv, TerminalSession} from './support/terminal';

const root = fileURLToPath(new URL('..', import.meta.url));
const RECORD = join(root, 'source/build/record-loads.mjs');
const work = mkdtempSync(join(tmpdir(), 'gw-pack-'));
const sessions: TerminalSession[] = [];
afterEach(() => {
	for (const s of sessions.splice(0)) s.kill();
});
afterAll(() => rmSync(work, {recursive: true, force: true}));

describe('npm pack', () => {
	let files: string[] = [];
	const prefix = join(work, 'prefix');
	const empty = join(work, 'empty');
	const bin = join(prefix, 'node_modules/.bin/gunicorn-walkthrough');

	beforeAll(() => {
		// --ignore-scripts: prepack would rebuild dist/ under the other tests' feet; `npm test` built it.
		const packed = JSON.parse(
			execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
				cwd: root,
				encoding: 'utf8',
				env: childEnv(),
			}),
		);
		files = packed[0].files.map((f: {path: string}) => f.path);
		execFileSync(
			'npm',
			['install', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(work, packed[0].filename)],
			{cwd: work, env: childEnv(), stdio: 'pipe'},
		);
		execFileSync('mkdir', ['-p', empty]);
	}, 120_000);

	test('holds what runs and nothing else', () => {
		for (const needed of [
			'package.json',
			'README.md',
			'LICENSE',
			'dist/cli.js',
			'source/gunicorn/python/walkthrough_conf.py',
		])
			expect(files).toContain(needed);
		const allowed = /^(package\.json|README\.md|LICENSE|dist\/[\w-]+\.js|source\/gunicorn\/python\/.+\.py)$/;
		expect(files.filter(f => !allowed.test(f))).toEqual([]);
		// Everything is in the bundle: installing it pulls in no other package.
		expect(readdirSync(join(prefix, 'node_modules')).filter(n => !n.startsWith('.'))).toEqual([
			'gunicorn-walkthrough',
		]);
	});

	test('the installed bin runs from an empty folder: --version, --plain, the walkthrough', async () => {
		const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
		const run = (args: string[]) => spawnSync(bin, args, {cwd: empty, encoding: 'utf8', env: childEnv()});
		expect(run(['--version']).stdout.trim()).toBe(version);
		const plain = run(['--plain']);
		expect(plain.status).toBe(0);
		expect(plain.stdout).toContain('Concept snapshot');
		expect(plain.stdout).not.toContain('\x1b');
		expect(run(['--step', '12']).status).toBe(2);

		const t = new TerminalSession([], {
			cli: bin,
			cwd: empty,
			env: {XDG_CONFIG_HOME: mkdtempSync(join(work, 'config-'))},
		});
		sessions.push(t);
		await t.waitFor('Step 1/9');
		t.write('q');
		expect((await t.exited).exitCode).toBe(0);
	});
});

describe('lazy chunks', () => {
	const outdir = join(work, 'split');
	let inputsOf: (file: string) => string[];

	beforeAll(async () => {
		// The same build as dist/, with esbuild's map of which sources went into which chunk.
		const {metafile} = await bundle({outdir, metafile: true});
		inputsOf = file =>
			Object.keys(
				metafile!.outputs[Object.keys(metafile!.outputs).find(out => join(root, out) === file)!]?.inputs ?? {},
			);
	}, 60_000);

	const loaded = (list: string) =>
		[...new Set(readFileSync(list, 'utf8').trim().split('\n'))].filter(f => f.startsWith(outdir));
	const OTHER_MODES = /^(source\/(server|workshop|gunicorn)\/|source\/live\/server-source|node_modules\/ssh2\/)/;

	test('the other modes are built, into chunks of their own', () => {
		const all = readdirSync(outdir).flatMap(f => inputsOf(join(outdir, f)));
		expect(all.filter(i => OTHER_MODES.test(i)).length).toBeGreaterThan(3);
		expect(inputsOf(join(outdir, 'cli.js')).filter(i => OTHER_MODES.test(i))).toEqual([]);
	});

	test('--plain loads neither Ink nor React nor any other mode', () => {
		const list = join(work, 'plain-loads');
		const r = spawnSync(process.execPath, ['--import', RECORD, join(outdir, 'cli.js'), '--plain'], {
			encoding: 'utf8',
			env: childEnv({GW_RECORD_LOADS: list}),
		});
		expect(r.status).toBe(0);
		const inputs = loaded(list).flatMap(inputsOf);
		expect(inputs).toContain('source/lesson/plain.ts');
		expect(
			inputs.some(i => i.startsWith('node_modules/meow/')),
			'flags are parsed by meow',
		).toBe(true);
		expect(
			inputs.filter(
				i => OTHER_MODES.test(i) || /node_modules\/(ink|react|react-reconciler|yoga-layout)\//.test(i),
			),
		).toEqual([]);
	});

	test('the walkthrough in a terminal loads no other mode', async () => {
		const list = join(work, 'walkthrough-loads');
		const t = new TerminalSession([], {
			cli: join(outdir, 'cli.js'),
			node: ['--import', RECORD],
			env: {GW_RECORD_LOADS: list, XDG_CONFIG_HOME: mkdtempSync(join(work, 'config-'))},
		});
		sessions.push(t);
		await t.waitFor('Step 1/9');
		t.write('q');
		expect((await t.exited).exitCode).toBe(0);
		expect(existsSync(list)).toBe(true);
		const inputs = loaded(list).flatMap(inputsOf);
		expect(inputs.some(i => i.startsWith('node_modules/ink/'))).toBe(true);
		expect(inputs.filter(i => OTHER_MODES.test(i))).toEqual([]);
		// Started without arguments, it has nothing to parse and does not load meow.
		expect(inputs.filter(i => i.startsWith('node_modules/meow/'))).toEqual([]);
	});

	test('no arguments mean what parseArgs([]) says', () => {
		expect(noArguments()).toEqual(parseArgs([]));
	});
});
