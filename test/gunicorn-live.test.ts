// `gunicorn-walkthrough --gunicorn` in a real pty, on the built dist/cli.js: the real master
// and worker pids in panel 9, a request from the keyboard, and nothing left behind.
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import process from 'node:process';
import {afterAll, afterEach, describe, expect, it} from 'vitest';
import {findGunicorn, onPath} from '../source/gunicorn/find';
import {TerminalSession} from './support/terminal';

const found = await findGunicorn();
const missing = 'error' in found ? found.error : undefined;
const required = process.env.GUNICORN_REQUIRED === '1';
if (missing && !required) console.warn(`real Gunicorn pty tests skipped: ${missing}`);

const home = mkdtempSync(join(tmpdir(), 'gw-gunicorn-live-'));
afterAll(() => rmSync(home, {recursive: true, force: true}));
const env = {XDG_CONFIG_HOME: home}; // progress saved here, not in the user's config

const sessions: TerminalSession[] = [];
const open = (args: string[]) => {
	const session = new TerminalSession(args, {cols: 80, rows: 24, env});
	sessions.push(session);
	return session;
};
afterEach(() => {
	for (const session of sessions.splice(0)) session.kill();
});

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer().listen(0, '127.0.0.1', () => {
			const {port} = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
		server.on('error', reject);
	});
}

/** /proc/PID/stat: running (not a zombie) and its parent. */
function proc(pid: number): {running: boolean; ppid?: number; cmdline?: string} {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
		return {running: state !== 'Z' && state !== 'X', ppid: Number(ppid), cmdline};
	} catch {
		return {running: false};
	}
}

async function gone(pids: number[], ms = 20_000): Promise<number[]> {
	const deadline = Date.now() + ms;
	let left = pids;
	while ((left = pids.filter(pid => proc(pid).running)).length && Date.now() < deadline)
		await new Promise(r => setTimeout(r, 100));
	return left;
}

/** Starts --gunicorn and reads the master and worker pids off panel 9. */
async function attached() {
	const port = await freePort();
	const session = open(['--gunicorn', '--bind', `127.0.0.1:${port}`, '--reset']);
	const screen = await session.waitFor(
		s => /master pid \d+/.test(s) && (s.match(/^ {2}\d+ +idle/gm) ?? []).length === 2,
		30_000,
	);
	const master = Number(/master pid (\d+)/.exec(screen)![1]);
	const workers = [...screen.matchAll(/^ {2}(\d+) +idle/gm)].map(m => Number(m[1]));
	return {session, port, master, workers, screen};
}

describe('--gunicorn cannot start without Gunicorn and Django', () => {
	it('names an interpreter that does not exist and exits 2 without a stack trace', async () => {
		const session = open(['--gunicorn', '--python', '/nonexistent']);
		const {exitCode} = await session.exited;
		expect(exitCode).toBe(2);
		expect(session.output).toContain('cannot run /nonexistent (no such file)');
		expect(session.output).not.toContain('Starting Gunicorn'); // one line, and no false start
		expect(session.output).not.toMatch(/^\s+at /m);
	});

	it('names Django as missing and how to install it', async () => {
		const shadow = join(home, 'shadow');
		mkdirSync(join(shadow, 'django'), {recursive: true});
		writeFileSync(join(shadow, 'django', '__init__.py'), 'raise ImportError("hidden by the test")\n');
		const wrapper = join(home, 'python-without-django');
		writeFileSync(
			wrapper,
			`#!/bin/sh\nPYTHONPATH=${shadow} exec ${onPath('python3') ?? '/usr/bin/python3'} "$@"\n`,
		);
		chmodSync(wrapper, 0o755);
		const session = open(['--gunicorn', '--python', wrapper]);
		const {exitCode} = await session.exited;
		expect(exitCode).toBe(2);
		const text = session.output.replace(/\s+/g, ' ');
		expect(text).toMatch(/Django (is|are) not installed/);
		expect(text).toContain('apt-get install gunicorn python3-django');
		expect(text).not.toMatch(/Traceback|^\s+at /m);
	});
});

if (required) {
	it('finds Gunicorn and Django (GUNICORN_REQUIRED=1)', () => {
		expect(missing).toBeUndefined();
	});
}

describe.skipIf(Boolean(missing))('--gunicorn in a pty', () => {
	it('shows the real master and worker pids, serves r, and q leaves no Gunicorn process', async () => {
		const {session, port, master, workers} = await attached();
		expect(proc(master).cmdline).toMatch(/gunicorn.*myproject\.wsgi:application/);
		expect(workers).toHaveLength(2);
		for (const pid of workers) expect(proc(pid)).toMatchObject({running: true, ppid: master});
		expect(await session.text()).toContain(`http://127.0.0.1:${port}`);

		session.write('r');
		// The status line comes from the HTTP response, the counts from Gunicorn's hooks.
		const after = await session.waitFor(s => /GET \/ -> 200 in \d+ ms/.test(s) && /served 1 /.test(s), 15_000);
		expect(after).toMatch(new RegExp(`^ {2}(${workers.join('|')}) +idle +1 `, 'm'));

		session.write('q');
		expect((await session.exited).exitCode).toBe(0);
		expect(await gone([master, ...workers], 5_000)).toEqual([]);
	}, 60_000);

	it('killing the app outright stops Gunicorn too (the lifeline)', async () => {
		const {session, master, workers} = await attached();
		process.kill(session.child.pid, 'SIGKILL');
		await session.exited;
		expect(await gone([master, ...workers])).toEqual([]);
	}, 60_000);
});
