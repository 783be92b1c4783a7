// Labs end to end in a real terminal: --lab NAME starts the server with the lab's flags, the keys
// predict and act, the reveal names the real processes (checked in /proc), R restarts the server,
// the outcome is saved in progress.json, and quitting leaves no process. Our server always; real
// Gunicorn for respawn and reload (skipped when absent, unless GUNICORN_REQUIRED=1).
import {existsSync, mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import process from 'node:process';
import {afterEach, describe, expect, test} from 'vitest';
import {findGunicorn} from '../source/gunicorn/find';
import {KEYS, TerminalSession, until} from './support/terminal';

const found = await findGunicorn();
const missing = 'error' in found ? found.error : undefined;
if (missing && process.env.GUNICORN_REQUIRED !== '1') console.warn(`real Gunicorn lab pty tests skipped: ${missing}`);

const sessions: TerminalSession[] = [];
afterEach(() => {
	for (const s of sessions.splice(0)) s.kill();
});

const alive = (pid: number) => existsSync(`/proc/${pid}`);
const ppid = (pid: number) => Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

interface Lab {
	t: TerminalSession;
	home: string;
	master: number;
	workers: number[];
}

/** --lab NAME in an 80x24 pty, once its workers are all idle (read on the Live panel, then back with L). */
async function lab(id: string, workers: number, gunicorn = false): Promise<Lab> {
	const home = mkdtempSync(join(tmpdir(), 'gw-labs-pty-'));
	const args = ['--lab', id, '--bind', '127.0.0.1:0', '--reset', ...(gunicorn ? ['--gunicorn'] : [])];
	const t = new TerminalSession(args, {env: {XDG_CONFIG_HOME: home}});
	sessions.push(t);
	await t.waitFor(`${id}: `, 20_000);
	const pids = await livePids(t, workers);
	return {t, home, master: pids[0], workers: pids.slice(1)};
}

/** The master's and idle workers' pids on the Live panel, once `workers` are idle; then back to Labs. */
async function livePids(t: TerminalSession, workers: number, not: number[] = []): Promise<number[]> {
	t.write('9');
	const idle = (s: string) => [...s.matchAll(/^\s+(\d+)\s+idle\s/gm)].map(m => Number(m[1]));
	const master = (s: string) => Number(/master pid (\d+)/.exec(s)?.[1]);
	const screen = await t.waitFor(
		s => !not.includes(master(s)) && idle(s).filter(p => !not.includes(p)).length >= workers,
		30_000,
	);
	t.write('L');
	await t.waitFor('(Esc: all labs)');
	return [master(screen), ...idle(screen)];
}

const saved = (home: string) =>
	JSON.parse(readFileSync(join(home, 'gunicorn-walkthrough', 'progress.json'), 'utf8')).labs;

/** q quits with 0, and none of the processes is left. */
async function quit(l: Lab, more: number[] = []) {
	l.t.write('q');
	expect((await l.t.exited).exitCode).toBe(0);
	const pids = [l.master, ...l.workers, ...more];
	await until('no server process left', () => pids.every(p => !alive(p)), 10_000);
}

async function respawn(gunicorn: boolean) {
	const l = await lab('respawn', 2, gunicorn);
	l.t.write('c'); // two, one of them new: right
	await l.t.waitFor('[predicted]');
	l.t.write('k');
	const screen = await l.t.waitFor('Right.', 20_000);
	const [, killed, fresh] = /Killed (\d+); the master forked (\d+)/.exec(screen)!.map(Number);
	expect(l.workers).toContain(killed);
	expect(alive(killed)).toBe(false);
	expect(ppid(fresh)).toBe(l.master);
	expect(screen).toContain(`Worker with pid ${killed} was terminated due to signal 9`);
	await until('saved', () => saved(l.home)?.respawn?.outcome === 'right');
	expect(saved(l.home).respawn).toEqual({outcome: 'right', prediction: 2});
	// Reset: the server restarts with the lab's flags, a new master.
	l.t.write('R');
	await l.t.waitFor(s => s.includes('[predicted]') && !s.includes('Right.'));
	const again = await livePids(l.t, 2, [l.master, ...l.workers, fresh]);
	expect(again[0]).not.toBe(l.master);
	await until('old master gone', () => !alive(l.master), 10_000);
	await quit({...l, master: again[0], workers: again.slice(1)}, [fresh]);
	expect(saved(l.home).respawn.outcome).toBe('right');
}

async function reload(gunicorn: boolean) {
	const l = await lab('reload', 2, gunicorn);
	l.t.write('a'); // yes: right
	l.t.write('t');
	l.t.write('g');
	const fresh = await livePids(l.t, 2, l.workers);
	l.t.write('r');
	const screen = await l.t.waitFor('Right.', 30_000);
	const freshWorkers = fresh.slice(1).filter(p => !l.workers.includes(p));
	expect(screen).toMatch(new RegExp(`HUP: (${freshWorkers.join('|')})`));
	expect(screen).toContain('GET / answered: "Bonjour');
	for (const old of l.workers) expect(alive(old)).toBe(false);
	await until('saved', () => saved(l.home)?.reload?.outcome === 'right');
	await quit({...l, workers: freshWorkers});
}

describe('labs in a terminal, on our server', () => {
	test(
		'respawn: right; the killed and the forked pid are real; R restarts; saved; nothing left',
		() => respawn(false),
		90_000,
	);

	test('queueing: a wrong number; the latency chart of six real requests; saved', async () => {
		const l = await lab('queueing', 2);
		l.t.write('e');
		l.t.write('9');
		l.t.write(KEYS.enter);
		await l.t.waitFor('Predict (s): 9 s');
		l.t.write('*');
		const screen = await l.t.waitFor(s => s.includes('Not what happened.') && s.includes('Latency'), 30_000);
		expect(screen.match(/█+ \d\.\d\d s/g)).toHaveLength(6);
		const last = Number(/the last answer after ([\d.]+) s/.exec(screen)?.[1]);
		expect(last).toBeGreaterThan(2.5);
		const served = /Served: (.*)\./.exec(screen)![1];
		for (const pid of l.workers) expect(served).toContain(`${pid}: 3`);
		await until('saved', () => saved(l.home)?.queueing?.outcome === 'wrong');
		expect(saved(l.home).queueing).toEqual({outcome: 'wrong', prediction: 9});
		await quit(l);
	}, 90_000);

	test(
		'reload: right; the fresh workers answer with the edited text; the old ones are gone',
		() => reload(false),
		90_000,
	);

	test('timeout: a wrong choice; WORKER TIMEOUT takes the real worker; saved', async () => {
		const l = await lab('timeout', 2);
		l.t.write('a'); // 504 after 5 s: wrong
		l.t.write('r');
		const screen = await l.t.waitFor('Not what happened.', 30_000);
		const pid = Number(/Worker (\d+) accepted the request/.exec(screen)?.[1]);
		expect(l.workers).toContain(pid);
		expect(screen).toContain('WORKER TIMEOUT');
		expect(alive(pid)).toBe(false);
		await until('saved', () => saved(l.home)?.timeout?.outcome === 'wrong');
		await quit(l);
	}, 90_000);

	test('a server that cannot start says so in one line and R tries again', async () => {
		const first = await lab('respawn', 2);
		const port = /127\.0\.0\.1:(\d+)/.exec(
			await (async () => (first.t.write('9'), first.t.waitFor(/127\.0\.0\.1:\d+/)))(),
		)![1];
		const home = mkdtempSync(join(tmpdir(), 'gw-labs-pty-'));
		const t = new TerminalSession(['--lab', 'respawn', '--bind', `127.0.0.1:${port}`, '--reset'], {
			env: {XDG_CONFIG_HOME: home},
		});
		sessions.push(t);
		const screen = await t.waitFor('! R tries again', 20_000);
		expect(screen).toMatch(/! R tries again: could not start: Connection in use: 127\.0\.0\.1:\d+/);
		t.write('R');
		await t.waitFor('R tries again', 20_000);
		t.write('q');
		expect((await t.exited).exitCode).toBe(0);
		await quit(first);
	}, 90_000);
});

describe.skipIf(Boolean(missing))('labs in a terminal, on real Gunicorn', () => {
	test(
		"respawn: right, with Gunicorn 20.1's own line; R restarts; saved; nothing left",
		() => respawn(true),
		120_000,
	);
	test('reload: right; Django in the fresh workers answers with the edited greeting', () => reload(true), 120_000);
});
