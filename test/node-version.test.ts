// The bin on a Node.js older than 22: one line and exit 1, before it loads anything but itself.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, test} from 'vitest';
import {childEnv, CLI} from './support/terminal';

const root = fileURLToPath(new URL('..', import.meta.url));
const RECORD = join(root, 'source/build/record-loads.mjs');

/** The first Node older than 22 on PATH or in /usr/bin (the machines here ship Node 20), if any. */
function oldNode(): {path: string; version: string} | undefined {
	const candidates = [
		...(process.env.PATH ?? '').split(':').map(dir => join(dir, 'node')),
		'/usr/bin/node',
		'/usr/local/bin/node',
	];
	for (const path of new Set(candidates)) {
		const r = spawnSync(path, ['-p', 'process.version'], {encoding: 'utf8'});
		const version = r.status === 0 ? r.stdout.trim() : '';
		if (/^v\d+\./.test(version) && Number(version.slice(1).split('.')[0]) < 22) return {path, version};
	}
	return undefined;
}

const old = oldNode();

describe('the Node.js version', () => {
	test.skipIf(!old)(
		`an older Node (${old?.path ?? 'none found'}) gets one line and exit 1, having loaded nothing else`,
		() => {
			const dir = mkdtempSync(join(tmpdir(), 'gw-node-'));
			try {
				const list = join(dir, 'loads');
				for (const args of [[], ['--plain'], ['serve'], ['--no-such-flag']]) {
					const r = spawnSync(old!.path, ['--import', RECORD, CLI, ...args], {
						encoding: 'utf8',
						env: childEnv({GW_RECORD_LOADS: list}),
						timeout: 10_000,
					});
					expect(r.status, args.join(' ')).toBe(1);
					expect(r.stdout, args.join(' ')).toBe('');
					expect(r.stderr, args.join(' ')).toBe(
						`gunicorn-walkthrough needs Node.js 22 or newer; this is ${old!.version}\n`,
					);
				}
				const dist = [...new Set(readFileSync(list, 'utf8').trim().split('\n'))].filter(f =>
					f.startsWith(join(root, 'dist')),
				);
				expect(dist).toEqual([CLI]);
			} finally {
				rmSync(dir, {recursive: true, force: true});
			}
		},
	);

	test('this Node runs it', () => {
		const r = spawnSync(process.execPath, [CLI, '--plain'], {encoding: 'utf8', env: childEnv(), timeout: 10_000});
		expect(r.stderr).toBe('');
		expect(r.status).toBe(0);
		expect(r.stdout).toContain('Execution table');
	});
});
