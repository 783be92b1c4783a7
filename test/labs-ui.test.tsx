// The Labs panel in the App (ink-testing-library): the list and its states, a lab's keys, the
// prediction (a letter, or e, a number and Enter), hints, steps on the live source, the reveal with
// the real pids, reset, out-of-order actions observed, and outcomes saved with progress.
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, test} from 'vitest';
import {LABS} from '../source/labs/labs';
import type {LifecycleEvent} from '../source/lifecycle/events';
import type {LiveSource} from '../source/live/source';
import {ProgressStore} from '../source/progress/store';
import {App} from '../source/ui/App';
import type {Progress} from '../source/ui/contracts';

const tick = (ms = 30) => new Promise(resolve => setTimeout(resolve, ms));
let cleanup: Array<() => void> = [];
afterEach(() => {
	cleanup.forEach(f => f());
	cleanup = [];
});

const until = async (ok: () => boolean) => {
	for (let waited = 0; waited < 3000 && !ok(); waited += 20) await tick(20);
};

function mount(element: React.ReactElement) {
	const app = render(element);
	cleanup.push(app.unmount);
	const frame = () => app.lastFrame() ?? '';
	const showing = async (text: string | RegExp) => {
		const ok = () => (typeof text === 'string' ? frame().includes(text) : text.test(frame()));
		for (let waited = 0; waited < 5000 && !ok(); waited += 20) await tick(20);
		return frame();
	};
	const press = async (...keys: string[]) => {
		for (const k of keys) {
			app.stdin.write(k);
			await tick(60);
		}
	};
	return {...app, frame, showing, press};
}

const BOOT: LifecycleEvent[] = [
	{type: 'master.starting', pid: 500, command: 'serve', workers: 2, preload: false, timeout: 30},
	{type: 'socket.bound', address: '127.0.0.1:9999'},
	{type: 'worker.forked', pid: 501},
	{type: 'app.loaded', pid: 501, where: 'worker', app: 'app'},
	{type: 'worker.ready', pid: 501},
	{type: 'worker.forked', pid: 502},
	{type: 'app.loaded', pid: 502, where: 'worker', app: 'app'},
	{type: 'worker.ready', pid: 502},
];

/** A server double: kill -9 makes the master reap the oldest worker and fork 503, as ours does. */
class FakeServer implements Partial<LiveSource> {
	readonly kind = 'server' as const;
	readonly address = '127.0.0.1:9999';
	calls: string[] = [];
	private events = new Set<(e: LifecycleEvent) => void>();
	private logs = new Set<(l: string) => void>();
	emit = (...events: LifecycleEvent[]) => events.forEach(e => this.events.forEach(l => l(e)));
	log = (line: string) => this.logs.forEach(l => l(line));
	onEvent = (l: (e: LifecycleEvent) => void) => (this.events.add(l), () => void this.events.delete(l));
	onLog = (l: (line: string) => void) => (this.logs.add(l), () => void this.logs.delete(l));
	onExit = () => () => {};
	running = () => true;
	killWorker = () => {
		this.calls.push('kill');
		this.log('[2026-12-02 00:00:00 +0000] [500] [WARNING] Worker with pid 501 was terminated due to signal 9');
		this.emit(
			{type: 'worker.exited', pid: 501, reason: 'killed', signal: 'SIGKILL'},
			{type: 'worker.forked', pid: 503},
			{type: 'app.loaded', pid: 503, where: 'worker', app: 'app'},
			{type: 'worker.ready', pid: 503},
		);
	};
	reload = () => void this.calls.push('hup');
	restartWith = async () => void this.calls.push('restart');
	stop = async () => void this.calls.push('stop');
	start = async () => void this.calls.push('start');
}

const live = (f: FakeServer) => f as unknown as LiveSource;

describe('the Labs panel', () => {
	test('no server: every lab with its state, how to start one; a lab opens, takes a prediction, hints', async () => {
		const saved: Progress[] = [];
		const app = mount(<App initial={{panel: 'labs'}} onProgress={p => saved.push(p)} />);
		let frame = await app.showing('--lab NAME');
		expect(frame).toContain('[L Labs]');
		// The first chapter's labs first, each not tried.
		expect(frame).toMatch(/› not tried +queueing /);
		expect(frame).toMatch(/ not tried +accept /);
		await app.press('\x1b[B', '\x1b[B', '\x1b[B', '\r');
		frame = await app.showing('respawn: kill -9 a worker [not tried]');
		expect(frame).toContain('c) two: one of them new');
		expect(frame).toContain('[k] kill -9 one worker');
		await app.press('c', 'h', 'h');
		frame = await app.showing('Hint 2');
		expect(frame).toContain('[predicted]');
		expect(frame).toContain('› c) two: one of them new');
		expect(frame).toContain('Hint 1: The master keeps a number of workers');
		expect(frame).not.toContain('Hint 3');
		await app.press('k'); // no server: the step key does nothing, and is no error
		expect(app.frame()).toContain('[predicted]');
		await app.press('\x1b');
		frame = await app.showing(/predicted +respawn/);
		expect(saved.at(-1)?.labs).toEqual({respawn: {outcome: 'predicted', prediction: 2}});
	});

	test('a number is typed after e and predicted with Enter; digits do not change the panel meanwhile', async () => {
		const app = mount(<App initial={{panel: 'labs'}} />);
		await app.showing('--lab NAME');
		await app.press('\r', 'e', '3', '.', '5', '\r');
		const frame = await app.showing('Predict (s): 3.5 s');
		expect(frame).toContain('[predicted]');
		expect(frame).toContain('Labs ·');
	});

	test('attached: the step key kills a worker; the reveal shows the real pids and the log; R resets', async () => {
		const server = new FakeServer();
		const saved: Progress[] = [];
		const app = mount(<App live={live(server)} lab="respawn" onProgress={p => saved.push(p)} />);
		server.emit(...BOOT);
		await app.showing('Event 8/8 live');
		await app.press('c', 'k');
		const frame = await app.showing('Right.');
		expect(server.calls).toContain('kill');
		expect(frame).toContain('You predicted: two: one of them new (right)');
		expect(frame).toMatch(/Killed 501; the master forked 503 \d+ ms after it reaped it: 2 workers/);
		expect(frame).toContain('Worker with pid 501 was');
		await until(() => saved.at(-1)?.labs?.respawn?.outcome === 'right'); // saved as the frame's effect
		expect(saved.at(-1)?.labs?.respawn).toEqual({outcome: 'right', prediction: 2});
		await app.press('R');
		await app.showing('[predicted]');
		expect(server.calls.at(-1)).toBe('restart');
		// The outcome reached stays saved until the lab is observed again.
		expect(saved.at(-1)?.labs?.respawn?.outcome).toBe('right');
	});

	test('a wrong prediction, and an action out of order, are observed and explained, never an error', async () => {
		const server = new FakeServer();
		const app = mount(<App live={live(server)} lab="respawn" />);
		server.emit(...BOOT);
		await app.showing('Event 8/8 live');
		await app.press('b', 'g', 'g'); // HUP twice: not this lab's step
		expect(server.calls).toEqual(['hup', 'hup']);
		let frame = await app.showing('[acting]');
		expect(frame).toContain('Note: HUP 2 times: each starts a fresh generation');
		await app.press('k');
		frame = await app.showing('Not what happened.');
		expect(frame).toContain('You predicted: two: the same two pids (not what happened)');
	});

	test('fits 80x24 with every lab open', async () => {
		const app = mount(<App initial={{panel: 'labs'}} />);
		Object.defineProperty(app.stdout, 'columns', {value: 80, configurable: true});
		Object.defineProperty(app.stdout, 'rows', {value: 24, configurable: true});
		app.stdout.emit('resize');
		await app.showing('--lab NAME');
		for (const lab of LABS) expect(app.frame()).toContain(`${lab.id.padEnd(16)} ${lab.title}\n`); // not cut off
		for (let i = 0; i < LABS.length; i++) {
			await app.press('\r');
			const lines = app.frame().split('\n');
			expect(lines.length).toBeLessThanOrEqual(23);
			expect(lines.every(l => l.length <= 80)).toBe(true);
			const open = LABS.find(lab => lines.some(l => l.startsWith(`${lab.id}: `)))!;
			expect(app.frame()).toContain(`${open.id}: ${open.title} [not tried]`); // its title and state, whole
			await app.press('\x1b', '\x1b[B');
		}
	});
});

describe('lab outcomes in saved progress', () => {
	test('saved per lab, read back; files from before labs and bad entries read without complaint', () => {
		const dir = mkdtempSync(join(tmpdir(), 'gw-labs-'));
		const store = new ProgressStore(dir);
		store.save({
			step: 1,
			panel: 'labs',
			answers: {},
			following: false,
			labs: {queueing: {outcome: 'wrong', prediction: 2}},
		});
		expect(new ProgressStore(dir).load().progress?.labs).toEqual({queueing: {outcome: 'wrong', prediction: 2}});
		const file = join(dir, 'progress.json');
		writeFileSync(
			file,
			JSON.stringify({chapter: 'request', chapters: {request: {step: 2, panel: 'flow', answers: {}}}}),
		);
		expect(new ProgressStore(dir).load()).toMatchObject({
			progress: {step: 2},
			notice: expect.stringMatching(/^Resumed/),
		});
		const odd = {respawn: {outcome: 'right'}, gone: {outcome: 'right'}, accept: {outcome: 'maybe'}, timeout: 3};
		writeFileSync(file, JSON.stringify({chapter: 'request', chapters: {}, labs: odd}));
		expect(new ProgressStore(dir).load().progress?.labs).toEqual({respawn: {outcome: 'right'}});
	});
});
