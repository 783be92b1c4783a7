// Every lab end to end in a real terminal: --lab NAME starts the server with the lab's flags, the keys
// predict and act, the reveal names the real processes (read from the server's own Live panel and log,
// checked in /proc), R restarts the server with the lab's flags, the outcome is saved in progress.json,
// and quitting leaves no process. Each lab runs once on our server and once on real Gunicorn (skipped
// when absent, unless GUNICORN_REQUIRED=1), with a right prediction on one and a wrong one on the other.
import {existsSync, mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import process from 'node:process';
import {afterAll, describe, expect, test} from 'vitest';
import {findGunicorn} from '../source/gunicorn/find';
import {LABS} from '../source/labs/labs';
import type {Lab, LabId} from '../source/labs/types';
import {KEYS, TerminalSession, until} from './support/terminal';

const found = await findGunicorn();
const missing = 'error' in found ? found.error : undefined;
if (missing && process.env.GUNICORN_REQUIRED !== '1') console.warn(`real Gunicorn lab pty tests skipped: ${missing}`);

const sessions: TerminalSession[] = [];
afterAll(() => {
	for (const s of sessions.splice(0)) s.kill();
});

const alive = (pid: number) => existsSync(`/proc/${pid}`);
const ppid = (pid: number) => {
	try {
		return Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
	} catch {
		return undefined;
	}
};
/** The process leaves (a dead worker may be reaped a moment after the event that reports it). */
const gone = (pid: number) => until(`${pid} gone`, () => !alive(pid), 15_000);
const numbers = (text: string) => [...text.matchAll(/\d+/g)].map(m => Number(m[0]));
/** The screen as one line: the panel wraps its text at word breaks. */
const flat = (screen: string) => screen.replace(/\s+/g, ' ');

/**
 * Real processes and ptys: this many labs at once (they mostly wait on slow views and timeouts); a lab
 * that measures latencies runs alone, so no other lab's burst is in its figures. First come, first served.
 */
const AT_ONCE = 2;
let running = 0;
const waiting: Array<{weight: number; start: () => void}> = [];
function admit() {
	while (waiting.length && running + waiting[0].weight <= AT_ONCE) {
		const next = waiting.shift()!;
		running += next.weight;
		next.start();
	}
}
async function slot<T>(alone: boolean, run: () => Promise<T>): Promise<T> {
	const weight = alone ? AT_ONCE : 1;
	await new Promise<void>(start => {
		waiting.push({weight, start});
		admit();
	});
	try {
		return await run();
	} finally {
		running -= weight;
		admit();
	}
}

interface Run {
	lab: Lab;
	t: TerminalSession;
	home: string;
	gunicorn: boolean;
	master: number;
	workers: number[];
	seen: Set<number>; // every server pid met, for the check that none is left
}

const COLS = 160; // wide and tall enough that a reveal and its log lines are all on screen
const ROWS = 60;

/** The master's and idle workers' pids on the Live panel, once `workers` are idle; then back to Labs. */
async function livePids(r: Run, workers: number, not: number[] = []): Promise<{master: number; workers: number[]}> {
	r.t.write('9');
	const idle = (s: string) =>
		[...s.matchAll(/^\s+(\d+)\s+idle\s/gm)].map(m => Number(m[1])).filter(p => !not.includes(p));
	const master = (s: string) => Number(/master pid (\d+)/.exec(s)?.[1]);
	const screen = await r.t.waitFor(s => !not.includes(master(s)) && idle(s).length >= workers, 40_000);
	r.t.write('L');
	await r.t.waitFor('(Esc: all labs)');
	const found = {master: master(screen), workers: idle(screen)};
	for (const pid of [found.master, ...found.workers]) r.seen.add(pid);
	// They are the real processes: the workers are the master's children.
	for (const pid of found.workers) expect(ppid(pid)).toBe(found.master);
	return found;
}

/** Waits on the Live panel until a worker is busy (the request is in flight); then back to Labs. */
async function busy(r: Run) {
	r.t.write('9');
	await r.t.waitFor(/^● \d+ /m, 20_000);
	r.t.write('L');
	await r.t.waitFor('(Esc: all labs)');
}

const saved = (home: string) => {
	try {
		return JSON.parse(readFileSync(join(home, 'gunicorn-walkthrough', 'progress.json'), 'utf8')).labs;
	} catch {
		return undefined;
	}
};

const LETTERS = 'abcd';

/** Predicts right or wrong (an option, or e, a number and Enter); returns the answer saved. */
async function predict(t: TerminalSession, lab: Lab, right: boolean): Promise<number> {
	const p = lab.prediction;
	if (p.kind === 'choice') {
		const answer = right ? p.answer : p.answer === 0 ? 1 : 0;
		t.write(LETTERS[answer]);
		return answer;
	}
	const answer = right ? p.expected : p.expected + 6;
	t.write('e');
	await t.waitFor('typing: _');
	t.write(String(answer));
	await t.waitFor(`typing: ${answer}_`);
	t.write(KEYS.enter);
	return answer;
}

interface Script {
	/** The lab's steps, with what the learner waits to see between them. */
	act(r: Run): Promise<void> | void;
	/** The reveal's pids against the real processes (the screen flattened to one line). */
	check(r: Run, s: string): Promise<void> | void;
	/** What happens is measured, not fixed (noise or the kernel decides): right iff it matches. */
	free?: (gunicorn: boolean) => boolean;
	alone?: boolean; // it measures latencies: no other lab runs meanwhile
	ms?: number; // how long the experiment can take
}

const keys =
	(...pressed: string[]) =>
	(r: Run) =>
		void pressed.forEach(k => r.t.write(k));

function respawnCheck(r: Run, s: string) {
	const [killed, fresh] = numbers(/Killed (\d+); the master forked (\d+)/.exec(s)![0]);
	expect(r.workers).toContain(killed);
	expect(alive(killed)).toBe(false);
	expect(ppid(fresh)).toBe(r.master);
	r.seen.add(fresh);
	expect(s).toContain(`Worker with pid ${killed} was terminated due to signal 9`);
}

async function timeoutCheck(r: Run, s: string) {
	const pid = Number(/Worker (\d+) accepted the request/.exec(s)?.[1]);
	expect(r.workers).toContain(pid);
	expect(s).toContain(`WORKER TIMEOUT (pid:${pid})`);
	await gone(pid);
	const fresh = Number(/; (\d+) was forked in its place/.exec(s)?.[1]);
	expect(ppid(fresh)).toBe(r.master);
	r.seen.add(fresh);
}

/** "Served: 4121: 3, 4122: 3." as pid -> count; every pid one of the master's workers. */
function served(r: Run, s: string, total: number): Map<number, number> {
	const counts = new Map(
		[.../Served: ([\d:, ]+)[.;]/.exec(s)![1].matchAll(/(\d+): (\d+)/g)].map(m => [Number(m[1]), Number(m[2])]),
	);
	for (const pid of counts.keys()) expect(ppid(pid)).toBe(r.master);
	expect([...counts.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(total);
	return counts;
}

function queueingCheck(r: Run, s: string) {
	expect(s.match(/█+ \d\.\d\d s/g)).toHaveLength(6);
	served(r, s, 6);
}

function reloadCheck(body: string) {
	return async (r: Run, s: string) => {
		const [, fresh, old] = /HUP: ([\d, ]+) replaced ([\d, ]+)\./.exec(s)!;
		expect(numbers(old).sort()).toEqual([...r.workers].sort());
		for (const pid of numbers(fresh)) {
			expect(ppid(pid)).toBe(r.master);
			r.seen.add(pid);
		}
		expect(s).toContain(`GET / answered: "${body}`);
		// The old generation leaves gracefully, as the fresh one serves.
		await until('the old workers gone', () => r.workers.every(pid => !alive(pid)), 15_000);
	};
}

/** The master's own log line for the signal, with its pid. */
function signalCheck(signal: 'term' | 'int', inflight: RegExp) {
	return (r: Run, s: string) => {
		expect(s).toMatch(new RegExp(`Log: \\[[^\\]]+\\] \\[${r.master}\\] \\[INFO\\] Handling signal: ${signal}`));
		expect(s).toMatch(inflight);
	};
}

async function reloadAct(r: Run) {
	r.t.write('t');
	r.t.write('g');
	await livePids(r, 2, r.workers); // the fresh generation is up
	r.t.write('r');
}

const SCRIPTS: Record<LabId, Script> = {
	respawn: {act: keys('k'), check: respawnCheck},
	timeout: {act: keys('r'), check: timeoutCheck, ms: 40_000},
	'timeout-gthread': {
		act: keys('r'),
		check(r, s) {
			const pid = Number(/Thread \d+ of worker (\d+) ran the view/.exec(s)?.[1]);
			expect(r.workers).toContain(pid);
			expect(alive(pid)).toBe(true);
			expect(s).toContain('WORKER TIMEOUT lines meanwhile: none.');
		},
		ms: 40_000,
	},
	queueing: {
		alone: true,
		act: keys('*'),
		check(r, s) {
			queueingCheck(r, s);
			for (const pid of r.workers) expect(served(r, s, 6).get(pid)).toBe(3);
		},
	},
	'queueing-ttin': {
		alone: true,
		async act(r) {
			r.t.write('+');
			await livePids(r, 3);
			r.t.write('+');
			await livePids(r, 4);
			r.t.write('*');
		},
		check(r, s) {
			expect(s).toMatch(/4 workers\. Latencies:/);
			queueingCheck(r, s);
		},
	},
	// The kernel may give five of the six to one worker: then 2 s, not 1.
	'queueing-gthread': {act: keys('*'), check: queueingCheck, free: () => true, alone: true},
	accept: {
		act: keys('w'),
		check(r, s) {
			expect(s).toContain(`the master ${r.master}: 0.`);
			const counts = served(r, s, 190);
			expect(counts.has(r.master)).toBe(false);
		},
	},
	reload: {act: reloadAct, check: reloadCheck('Bonjour')},
	'reload-preload': {act: reloadAct, check: reloadCheck('Hello')},
	shutdown: {
		async act(r) {
			r.t.write('r');
			await busy(r);
			r.t.write('x');
			r.t.write('r');
		},
		check: signalCheck('term', /The request in flight got 200 after 3(\.\d)? s/),
	},
	'shutdown-int': {
		async act(r) {
			r.t.write('r');
			await busy(r);
			r.t.write('i');
		},
		check: signalCheck('int', /The request in flight got no response/),
	},
	'slow-client': {
		async act(r) {
			r.t.write('l');
			await r.t.waitFor('two slow clients ✓'); // their connections go first
			r.t.write('r');
		},
		async check(r, s) {
			const by = Number(/answered after [\d.]+ s by worker (\d+)\./.exec(s)?.[1]);
			r.seen.add(by);
			expect(r.workers, s).not.toContain(by);
			expect(ppid(by), s).toBe(r.master);
			const aborted = numbers(/WORKER TIMEOUT for ([\d, ]+)\./.exec(s)![1]);
			expect(aborted.length).toBeGreaterThan(0);
			for (const pid of aborted) {
				expect(r.workers, s).toContain(pid);
				await gone(pid);
			}
		},
		ms: 60_000,
	},
	'max-requests': {
		act: keys('w'),
		check(r, s) {
			const counts = numbers(/workers recycled, after serving ([\d, ]+) requests/.exec(s)![1]);
			expect(counts.length).toBeGreaterThan(0);
			for (const n of counts) expect(n >= 20 && n <= 30).toBe(true);
			const pid = Number(/Log: \[[^\]]+\] \[(\d+)\] \[INFO\] Autorestarting worker/.exec(s)?.[1]);
			expect(r.workers).toContain(pid);
		},
	},
	'preload-memory': {
		act: keys('u'),
		check(r, s) {
			const table = (run: string) => ({
				master: Number(/master (\d+) Rss/.exec(run)?.[1]),
				workers: [...run.matchAll(/worker (\d+) Rss \d+ Pss \d+/g)].map(m => Number(m[1])),
			});
			const without = table(/Without --preload: (.*?)\. With/.exec(s)![1]);
			const withIt = table(/With --preload: (.*?)\. Workers' mean PSS/.exec(s)![1]);
			// Each run is a restart: the first master is gone, the second's workers are its children.
			expect(without.master).not.toBe(withIt.master);
			expect(alive(without.master)).toBe(false);
			expect(withIt.workers).toHaveLength(2);
			for (const pid of withIt.workers) expect(ppid(pid)).toBe(withIt.master);
			for (const pid of [without.master, withIt.master, ...without.workers, ...withIt.workers]) r.seen.add(pid);
			r.master = withIt.master;
		},
		// Our workers share no pages, so PSS moves with whatever else maps the node binary.
		free: gunicorn => !gunicorn,
		ms: 60_000,
	},
};

/** --lab ID in a pty, predicted right or wrong, run, revealed, checked, reset, and quit. */
async function runLab(lab: Lab, gunicorn: boolean, right: boolean) {
	const script = SCRIPTS[lab.id];
	const home = mkdtempSync(join(tmpdir(), 'gw-labs-pty-'));
	const args = ['--lab', lab.id, '--bind', '127.0.0.1:0', '--reset', ...(gunicorn ? ['--gunicorn'] : [])];
	const t = new TerminalSession(args, {cols: COLS, rows: ROWS, env: {XDG_CONFIG_HOME: home}});
	sessions.push(t);
	await t.waitFor(`${lab.id}: `, 30_000);
	const workers = lab.setup.workers ?? 1;
	const r: Run = {lab, t, home, gunicorn, master: 0, workers: [], seen: new Set()};
	Object.assign(r, await livePids(r, workers));

	const answer = await predict(t, lab, right);
	await t.waitFor('[predicted]');
	await script.act(r);
	const screen = await t.waitFor(/(Right|Not what happened|Observed)\. \(R resets/, script.ms ?? 30_000);
	const s = flat(screen);
	const [, predicted, judged, happened] =
		/You predicted: (.*?) \((right|not what happened)\)\. It happened: (.*?)\.(?= |$)/.exec(s)!;
	const free = script.free?.(gunicorn);
	if (lab.prediction.kind === 'choice') {
		expect(predicted).toBe(lab.prediction.options[answer]);
		if (!free) expect(happened).toBe(lab.prediction.options[lab.prediction.answer]);
	} else expect(predicted).toBe(`${answer} ${lab.prediction.unit}`);
	const measured =
		lab.prediction.kind === 'number'
			? Math.round(Math.abs(Number.parseFloat(happened) - answer) * 10) <=
				Math.round(lab.prediction.tolerance * 10)
			: happened === predicted;
	expect(judged === 'right', s).toBe(free ? measured : right);
	expect(s).toContain(judged === 'right' ? 'Right. (R resets' : 'Not what happened. (R resets');
	expect(s.includes(lab.gunicornOnly ?? '\0')).toBe(Boolean(lab.gunicornOnly) && !gunicorn);
	await script.check(r, s);

	// Saved with progress: the outcome and the prediction.
	const outcome = judged === 'right' ? 'right' : 'wrong';
	await until('the outcome saved', () => saved(home)?.[lab.id]?.outcome === outcome);
	expect(saved(home)[lab.id]).toEqual({outcome, prediction: answer});

	// Reset: a new master with the lab's flags, the prediction kept, the reveal gone.
	t.write('R');
	await t.waitFor(s => s.includes('[predicted]') && !s.includes('(R resets'), 30_000);
	const old = [r.master, ...r.seen];
	const again = await livePids(r, workers, old);
	expect(again.workers).toHaveLength(workers);
	const live = await (t.write('9'), t.waitFor(`Workers wanted ${workers} `));
	expect(/master pid \d+ .*running {2}--preload/.test(live)).toBe(Boolean(lab.setup.preload));
	t.write('L');
	await t.waitFor('(Esc: all labs)');
	await until('the old master gone', () => !alive(r.master), 15_000);
	expect(saved(home)[lab.id].outcome).toBe(outcome);

	t.write('q');
	expect((await t.exited).exitCode).toBe(0);
	await until('no server process left', () => [...r.seen].every(p => !alive(p)), 15_000);
}

// Right on one server and wrong on the other, alternating, so each server sees both.
const rightOnOurs = (lab: Lab) => LABS.indexOf(lab) % 2 === 0;

describe('every lab in a terminal, on our server', () => {
	for (const lab of LABS)
		test.concurrent(
			`${lab.id}: ${rightOnOurs(lab) ? 'right' : 'wrong'}; real pids; reset; saved; nothing left`,
			() => slot(Boolean(SCRIPTS[lab.id].alone), () => runLab(lab, false, rightOnOurs(lab))),
			240_000,
		);
});

describe.skipIf(Boolean(missing))('every lab in a terminal, on real Gunicorn', () => {
	for (const lab of LABS)
		test.concurrent(
			`${lab.id}: ${rightOnOurs(lab) ? 'wrong' : 'right'}; real pids; reset; saved; nothing left`,
			() => slot(Boolean(SCRIPTS[lab.id].alone), () => runLab(lab, true, !rightOnOurs(lab))),
			240_000,
		);
});

describe('a lab whose server cannot start', () => {
	test('says so in one line and R tries again', async () => {
		const home = mkdtempSync(join(tmpdir(), 'gw-labs-pty-'));
		const first = new TerminalSession(['--lab', 'respawn', '--bind', '127.0.0.1:0', '--reset'], {
			env: {XDG_CONFIG_HOME: home},
		});
		sessions.push(first);
		await first.waitFor('respawn: ', 20_000);
		first.write('9');
		const live = await first.waitFor(/master pid \d+ {2}on http:\/\/127\.0\.0\.1:\d+/);
		const [, master, port] = /master pid (\d+) {2}on http:\/\/127\.0\.0\.1:(\d+)/.exec(live)!.map(Number);
		const t = new TerminalSession(['--lab', 'respawn', '--bind', `127.0.0.1:${port}`, '--reset'], {
			env: {XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'gw-labs-pty-'))},
		});
		sessions.push(t);
		const screen = await t.waitFor('! R tries again', 20_000);
		expect(screen).toMatch(/! R tries again: could not start: Connection in use: 127\.0\.0\.1:\d+/);
		t.write('R');
		await t.waitFor('R tries again', 20_000);
		t.write('q');
		expect((await t.exited).exitCode).toBe(0);
		first.write('q');
		expect((await first.exited).exitCode).toBe(0);
		await until('no server process left', () => !alive(master), 10_000);
	}, 90_000);
});
