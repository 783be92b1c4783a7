// --live for real: the process source driving our server, and the app in a pseudo-terminal.
import {mkdtempSync} from 'node:fs';
import net from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {render} from 'ink-testing-library';
import {createElement} from 'react';
import {afterEach, describe, expect, test} from 'vitest';
import type {ServerOptions} from '../source/cli/args';
import type {LifecycleEvent} from '../source/lifecycle/events';
import {createProcessSource, KILL_MARGIN_MS, processAlive, STOP_LIMIT_S} from '../source/live/process-source';
import {serveArgs} from '../source/live/server-source';
import type {LiveSource} from '../source/live/source';
import type {Msg} from '../source/ui/loop';
import {FOLD_MAX, useLiveFeed} from '../source/ui/use-live';
import {childEnv, CLI, TerminalSession, until} from './support/terminal';
import {testServer} from './support/server-options';

const OPTIONS = testServer();

const sources: LiveSource[] = [];
const sessions: TerminalSession[] = [];
afterEach(async () => {
	for (const s of sessions.splice(0)) s.kill();
	await Promise.all(sources.splice(0).map(s => s.stop()));
});

/** Our server through the generic process source, as --live starts it (but with the CLI under test). */
function ourServer(options: Partial<ServerOptions> = {}): LiveSource {
	const server = {...OPTIONS, ...options};
	const source = createProcessSource({
		kind: 'server',
		address: server.bind,
		command: process.execPath,
		args: [CLI, ...serveArgs(server)],
		env: childEnv(),
		events: 'stdout',
		gracefulTimeout: server.gracefulTimeout,
	});
	sources.push(source);
	return source;
}

function record(source: LiveSource) {
	const events: LifecycleEvent[] = [];
	const logs: string[] = [];
	source.onEvent(e => events.push(e));
	source.onLog(l => logs.push(l));
	const pids = (type: LifecycleEvent['type']) =>
		events.filter(e => e.type === type).map(e => (e as {pid: number}).pid);
	const live = () => pids('worker.ready').filter(pid => !pids('worker.exited').includes(pid));
	return {events, logs, pids, live};
}

describe('the process source with our server', () => {
	test('starts on a free port, serves, kills, scales, reloads, stops, and starts again', async () => {
		const source = ourServer();
		await source.start();
		const seen = record(source); // subscribing after start() still gets the first events
		expect(source.address).toMatch(/^127\.0\.0\.1:\d+$/);
		expect(source.address).not.toMatch(/:0$/);
		expect(source.running()).toBe(true);
		await until('two workers', () => seen.live().length === 2);
		expect(seen.events[0]).toMatchObject({type: 'master.starting', workers: 2});
		expect((await source.request('/')).status).toBe(200);
		expect((await source.request('/error')).status).toBe(500);
		expect(await source.burst(40)).toMatchObject({sent: 40, ok: 40, failed: 0});

		// killWorker() takes the oldest: the first forked, which is not always the first ready.
		const victim = seen.pids('worker.forked').find(pid => seen.live().includes(pid))!;
		source.killWorker();
		await until(
			'the oldest killed and replaced',
			() => seen.pids('worker.exited').includes(victim) && seen.live().length === 2,
		);
		expect(seen.events.find(e => e.type === 'worker.exited')).toMatchObject({pid: victim, reason: 'killed'});

		source.addWorker();
		await until('three workers', () => seen.live().length === 3);
		source.removeWorker();
		await until('two workers again', () => seen.live().length === 2);
		const before = seen.live();
		source.reload();
		await until('fresh workers', () => seen.live().length === 2 && seen.live().every(pid => !before.includes(pid)));

		const group = [...seen.pids('worker.forked'), (seen.events[0] as {pid: number}).pid];
		let exited = false;
		source.onExit(() => (exited = true));
		await source.stop();
		expect(exited).toBe(true);
		expect(source.running()).toBe(false);
		for (const pid of group) expect(processAlive(pid)).toBe(false);
		expect(seen.logs.some(l => l.includes('Shutting down: Master'))).toBe(true);

		await source.start();
		expect(source.running()).toBe(true);
		expect((await source.request('/')).status).toBe(200);
	});

	test('stop() with a request stuck in /slow returns within the stop limit, not the graceful timeout, and leaves ' +
		'nothing', async () => {
		const source = ourServer({workers: 1, gracefulTimeout: 30});
		await source.start();
		const seen = record(source);
		await until('a worker', () => seen.live().length === 1);
		void source.request('/slow?s=60');
		await until('the view running', () => seen.events.some(e => e.type === 'django.dispatched'));
		const group = [(seen.events[0] as {pid: number}).pid, ...seen.pids('worker.forked')];
		const t0 = Date.now();
		await source.stop();
		// The group is KILLed at STOP_LIMIT_S plus the margin; a few seconds more for a busy machine.
		expect(Date.now() - t0).toBeLessThan(STOP_LIMIT_S * 1000 + KILL_MARGIN_MS + 5000);
		expect(source.running()).toBe(false);
		for (const pid of group) expect(processAlive(pid)).toBe(false);
	}, 60_000);

	test("a port in use: start() rejects with the server's one line", async () => {
		const blocker = net.createServer();
		await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve));
		try {
			const source = ourServer({bind: `127.0.0.1:${(blocker.address() as net.AddressInfo).port}`});
			await expect(source.start()).rejects.toThrow(/^Connection in use: 127\.0\.0\.1:\d+ /);
			expect(source.running()).toBe(false);
		} finally {
			blocker.close();
		}
	});

	test('a command that does not exist: start() rejects, nothing runs', async () => {
		const source = createProcessSource({
			kind: 'server',
			address: '127.0.0.1:1',
			command: '/nonexistent/server',
			args: [],
			events: 'stdout',
			gracefulTimeout: 1,
		});
		await expect(source.start()).rejects.toThrow(/cannot start \/nonexistent\/server/);
		expect(source.running()).toBe(false);
		await source.stop();
	});

	test('the lifeline: when the app is SIGKILLed, the server and its workers go too', async () => {
		const app = new TerminalSession(['--live', '--bind', '127.0.0.1:0', '--reset'], {
			env: {XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'gw-live-'))},
		});
		sessions.push(app);
		const screen = await app.waitFor(/master pid \d+[\s\S]*\n\s+\d+\s+idle[\s\S]*\n\s+\d+\s+idle/, 20_000);
		const pids = serverPids(screen);
		expect(pids.length).toBe(3);
		process.kill(app.child.pid, 'SIGKILL');
		await until('server gone', () => pids.every(pid => !processAlive(pid)), 10_000);
	});
});

/** The master's and the live workers' pids as panel 9 shows them. */
function serverPids(screen: string): number[] {
	const master = Number(/master pid (\d+)/.exec(screen)?.[1]);
	const workers = [...screen.matchAll(/^\s+(\d+)\s+(?:idle|busy|booting)\s/gm)].map(m => Number(m[1]));
	return [master, ...workers];
}

describe('--live in a terminal', () => {
	test('real pids in panel 9; r, k and q do what they say, and quitting leaves nothing', async () => {
		const t = new TerminalSession(['--live', '--bind', '127.0.0.1:0', '--reset'], {
			env: {XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'gw-live-'))},
		});
		sessions.push(t);
		const screen = await t.waitFor(/master pid \d+[\s\S]*\n\s+\d+\s+idle[\s\S]*\n\s+\d+\s+idle/, 20_000);
		expect(screen).toContain('[9 Live]');
		const pids = serverPids(screen);
		expect(pids).toHaveLength(3);
		for (const pid of pids) expect(processAlive(pid)).toBe(true);
		expect(screen).toMatch(/r request\s+b burst\s+s slow\s+k kill/);

		t.write('r');
		await t.waitFor(/GET \/ -> 200 in \d+ ms/);
		await t.waitFor(/served 1\b/);

		const [, oldest] = pids;
		t.write('k');
		await t.waitFor(new RegExp(`✗ ${oldest}\\s+dead.*\\(killed\\)`));
		const after = await t.waitFor(s => serverPids(s).length === 3);
		const replacement = serverPids(after)
			.slice(1)
			.find(pid => !pids.includes(pid));
		expect(replacement).toBeDefined();
		expect(processAlive(replacement!)).toBe(true);

		t.write('q');
		const {exitCode} = await t.exited;
		expect(exitCode).toBe(0);
		for (const pid of [...pids, replacement!]) expect(processAlive(pid)).toBe(false);
	});

	test('s, +, -, g and x: a timeout and its respawn, TTIN, TTOU, HUP, stop and start', async () => {
		const t = new TerminalSession(['--live', '--bind', '127.0.0.1:0', '--timeout', '2', '--reset'], {
			env: {XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'gw-live-'))},
		});
		sessions.push(t);
		const first = serverPids(await t.waitFor(/master pid \d+[\s\S]*\n\s+\d+\s+idle[\s\S]*\n\s+\d+\s+idle/, 20_000));
		const seen = new Set(first);
		const note = (screen: string) => serverPids(screen).forEach(pid => seen.add(pid));

		t.write('s');
		await t.waitFor(/GET \/slow\?s=7/);
		note(await t.waitFor(/✗ \d+\s+dead.*\(timeout\)/, 15_000));
		note(await t.waitFor(s => serverPids(s).length === 3 && /WORKER TIMEOUT \(pid:\d+\)/.test(s), 15_000));

		t.write('+');
		note(await t.waitFor(s => /Workers wanted 3/.test(s) && serverPids(s).length === 4));
		t.write('-');
		await t.waitFor(/Workers wanted 2/);
		note(await t.waitFor(/\(removed\)/));

		const before = serverPids(await t.waitFor(s => serverPids(s).length === 3)).slice(1);
		t.write('g');
		note(
			await t.waitFor(
				s =>
					serverPids(s).length === 3 &&
					serverPids(s)
						.slice(1)
						.every(pid => !before.includes(pid)),
				15_000,
			),
		);

		t.write('x');
		// The panel says stopped, and that x starts it, once the stop is done (until then: "stopping …").
		await t.waitFor('Server stopped (x starts it)', 15_000);
		for (const pid of seen) expect(processAlive(pid)).toBe(false);
		t.write('x');
		const restarted = await t.waitFor(s => /running/.test(s) && serverPids(s).length === 3, 20_000);
		expect(serverPids(restarted)[0]).not.toBe(first[0]);
		note(restarted);

		t.write('q');
		await t.exited;
		for (const pid of seen) expect(processAlive(pid)).toBe(false);
	});
});

/** The feed alone, its messages recorded as the loop would receive them. */
function Feed({
	source,
	sends,
	handle,
}: {
	source: LiveSource;
	sends: Array<{msgs: Msg[]; draw: boolean}>;
	handle: {flush(): void};
}) {
	handle.flush = useLiveFeed(source, (msgs, draw = true) => void sends.push({msgs, draw}));
	return null;
}

describe('the feed into the update loop (useLiveFeed)', () => {
	/** A source that only emits: the feed reads events, log lines and running from it. */
	function emitter() {
		const listeners = new Set<(e: LifecycleEvent, at?: number) => void>();
		const logs = new Set<(line: string) => void>();
		const source = {
			onEvent: (l: (e: LifecycleEvent, at?: number) => void) => (listeners.add(l), () => listeners.delete(l)),
			onLog: (l: (line: string) => void) => (logs.add(l), () => logs.delete(l)),
			onExit: () => () => {},
			running: () => true,
		} as unknown as LiveSource;
		return {
			source,
			subscribed: () => listeners.size > 0,
			emit: (e: LifecycleEvent) => listeners.forEach(l => l(e, 1)),
			log: (line: string) => logs.forEach(l => l(line)),
		};
	}
	function feed(source: LiveSource) {
		const sends: Array<{msgs: Msg[]; draw: boolean}> = [];
		const handle = {flush: () => {}};
		const app = render(createElement(Feed, {source, sends, handle}));
		return {sends, flush: () => handle.flush(), unmount: app.unmount};
	}
	const ready = (pid: number): LifecycleEvent => ({type: 'worker.ready', pid});
	const folded = (sends: Array<{msgs: Msg[]}>) =>
		sends.flatMap(s => s.msgs.flatMap(m => (m.type === 'live-events' ? m.events.map(([e]) => e) : [])));

	test('the first event after a quiet spell goes at once, drawn, with the log lines and running', async () => {
		const {source, emit, log, subscribed} = emitter();
		const {sends, unmount} = feed(source);
		await until('subscribed', subscribed);
		log('Booting worker');
		emit(ready(1));
		await until('sent', () => sends.length > 0, 2000);
		expect(sends[0].draw).toBe(true);
		expect(sends[0].msgs.map(m => m.type).sort()).toEqual(['live-events', 'live-running', 'log']);
		unmount();
	});

	test('a big batch is folded FOLD_MAX at a time, in order, and drawn once, at its end', async () => {
		const {source, emit, subscribed} = emitter();
		const {sends, unmount} = feed(source);
		await until('subscribed', subscribed);
		const events = Array.from({length: FOLD_MAX * 2 + 7}, (_, i) => ready(i));
		for (const e of events) emit(e);
		await until('all folded', () => folded(sends).length === events.length, 5000);
		expect(folded(sends)).toEqual(events);
		const slices = sends.map(s => s.msgs.find(m => m.type === 'live-events'));
		expect(slices.map(m => (m?.type === 'live-events' ? m.events.length : 0))).toEqual([FOLD_MAX, FOLD_MAX, 7]);
		expect(sends.map(s => s.draw)).toEqual([false, false, true]);
		unmount();
	});

	test('flush sends all that waits at once (a lab result must not overtake its events)', async () => {
		const {source, emit, subscribed} = emitter();
		const {sends, flush, unmount} = feed(source);
		await until('subscribed', subscribed);
		emit(ready(0));
		await until('the first at once', () => sends.length === 1, 2000);
		const events = Array.from({length: FOLD_MAX + 3}, (_, i) => ready(i + 1));
		for (const e of events) emit(e); // within the 80 ms since the last batch: they wait
		flush();
		expect(folded(sends.slice(1))).toEqual(events);
		expect(sends.at(-1)!.draw).toBe(true);
		unmount();
	});
});
