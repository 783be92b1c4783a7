// `gunicorn-walkthrough serve` with real processes: the built CLI, real sockets, real signals.
import {spawn, type ChildProcess} from 'node:child_process';
import {fstatSync, readdirSync, readFileSync, readlinkSync} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import readline from 'node:readline';
import {afterEach, describe, expect, test} from 'vitest';
import {parseEvent, type LifecycleEvent} from '../source/lifecycle/events';
import {initialState, liveWorkers, reduceAll} from '../source/lifecycle/machine';
import {processAlive} from '../source/live/process-source';
import {childEnv, CLI, sleep, until} from './support/terminal';

class Server {
	readonly child: ChildProcess;
	readonly events: LifecycleEvent[] = [];
	readonly badLines: string[] = [];
	stderr = '';
	exit?: {code: number | null; signal: NodeJS.Signals | null};
	readonly exited: Promise<void>;
	address = '';

	constructor(args: string[], env: Record<string, string> = {}) {
		const bind = args.includes('--bind') ? [] : ['--bind', '127.0.0.1:0'];
		this.child = spawn(process.execPath, [CLI, 'serve', ...bind, '--events', 'json', ...args], {
			env: childEnv(env),
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true, // its own group: afterEach can clean up every worker
		});
		readline.createInterface({input: this.child.stdout!}).on('line', line => {
			const parsed = parseEvent(line);
			if ('error' in parsed) this.badLines.push(line);
			else this.events.push(parsed.event);
		});
		this.child.stderr!.on('data', chunk => (this.stderr += chunk));
		this.exited = new Promise(resolve =>
			this.child.on('exit', (code, signal) => {
				this.exit = {code, signal};
				resolve();
			}),
		);
	}

	get pid(): number {
		return this.child.pid!;
	}
	get port(): number {
		return Number(this.address.split(':').pop());
	}
	/** Workers alive according to the events so far. */
	state() {
		return reduceAll(initialState, this.events);
	}
	live(): number[] {
		return liveWorkers(this.state())
			.filter(w => w.state !== 'exiting')
			.map(w => w.pid);
	}
	ready(): number[] {
		return liveWorkers(this.state())
			.filter(w => w.state === 'idle' || w.state === 'busy')
			.map(w => w.pid);
	}
	has(test: (e: LifecycleEvent) => boolean): LifecycleEvent | undefined {
		return this.events.find(test);
	}
	async started(workers: number): Promise<this> {
		const gone = () => {
			if (this.exit) throw new Error(`the server exited (${JSON.stringify(this.exit)}):\n${this.stderr}`);
		};
		const bound = await until('socket.bound', () => gone() ?? this.has(e => e.type === 'socket.bound'));
		this.address = (bound as {address: string}).address;
		await until(`${workers} ready workers`, () => gone() ?? this.ready().length === workers);
		return this;
	}
	signal(sig: NodeJS.Signals): void {
		process.kill(this.pid, sig);
	}
	/** Every line was a valid event, and the lifecycle machine accepted them all in order. */
	expectCleanEvents(): void {
		expect(this.badLines).toEqual([]);
		expect(this.state().rejected.map(r => `${JSON.stringify(r.event)}: ${r.reason}`)).toEqual([]);
	}
	kill(): void {
		try {
			process.kill(-this.pid, 'SIGKILL');
		} catch {
			// already gone
		}
	}
}

const servers: Server[] = [];
afterEach(() => {
	for (const s of servers.splice(0)) s.kill();
});

async function serve(args: string[], workers: number, env?: Record<string, string>): Promise<Server> {
	const server = new Server(args, env);
	servers.push(server);
	return server.started(workers);
}

function get(port: number, path = '/'): Promise<{status?: number; body: string; error?: string}> {
	return new Promise(resolve => {
		const req = http.get({host: '127.0.0.1', port, path, agent: false}, res => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', chunk => (body += chunk));
			res.on('end', () => resolve({status: res.statusCode, body}));
			res.on('error', error => resolve({status: res.statusCode, body, error: error.message}));
		});
		req.on('error', error => resolve({body: '', error: (error as NodeJS.ErrnoException).code ?? error.message}));
	});
}

/** The states of the TCP sockets a process holds (from /proc: its fds' inodes in /proc/net/tcp*). */
function tcpStates(pid: number): string[] {
	const names: Record<string, string> = {'01': 'ESTABLISHED', '0A': 'LISTEN'};
	const byInode = new Map<string, string>();
	for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
		for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
			const fields = line.trim().split(/\s+/);
			if (fields.length > 9) byInode.set(fields[9], names[fields[3]] ?? fields[3]);
		}
	}
	const states: string[] = [];
	for (const fd of readdirSync(`/proc/${pid}/fd`)) {
		let target = '';
		try {
			target = readlinkSync(`/proc/${pid}/fd/${fd}`);
		} catch {
			continue;
		}
		const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
		if (inode && byInode.has(inode)) states.push(byInode.get(inode)!);
	}
	return states.sort().reverse();
}

const servedBy = (body: string) => Number(/worker (\d+)/i.exec(body)?.[1]);

/** Sends raw bytes, returns everything the server answers before it closes. */
function raw(port: number, data: string, {end = true} = {}): Promise<string> {
	return new Promise(resolve => {
		let answer = '';
		const socket = net.connect(port, '127.0.0.1', () => (end ? socket.end(data) : socket.write(data)));
		socket.setEncoding('utf8');
		socket.on('data', chunk => (answer += chunk));
		socket.on('close', () => resolve(answer));
		socket.on('error', () => undefined);
	});
}

describe('serve', () => {
	test('N workers answer, each with its own pid, and the master never serves', async () => {
		const s = await serve(['--workers', '3'], 3);
		const workers = s.ready();
		const t0 = Date.now();
		// Three requests that each hold a sync worker: three workers must take them. The events say "busy"
		// late (worker -> master -> stdout -> here), so each holds its worker long enough that the sockets
		// below are read while all three are still in hand, however loaded the machine.
		const hold = 3;
		const pending = Promise.all([1, 2, 3].map(() => get(s.port, `/slow?s=${hold}`)));
		await until('3 busy workers', () => liveWorkers(s.state()).filter(w => w.state === 'busy').length === 3);
		// The master holds the listening socket and no connection: it never accepted one.
		expect(tcpStates(s.pid)).toEqual(['LISTEN']);
		for (const pid of workers) expect(tcpStates(pid)).toEqual(['LISTEN', 'ESTABLISHED']);
		const answers = await pending;
		// All three at once: two at a time would take twice the hold, one at a time three times.
		expect(Date.now() - t0).toBeLessThan(2 * hold * 1000);
		const pids = answers.map(a => servedBy(a.body));
		expect(new Set(pids).size).toBe(3);
		for (const pid of pids) expect(workers).toContain(pid);
		expect(pids).not.toContain(s.pid);
		expect(s.stderr).toMatch(
			/\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}\] \[\d+\] \[INFO\] Starting gunicorn-walkthrough /,
		);
		expect(s.stderr).toContain(`Listening at: http://${s.address} (${s.pid})`);
		expect(s.stderr).toContain('Using worker: sync');
		for (const pid of workers) expect(s.stderr).toContain(`Booting worker with pid: ${pid}`);
		s.expectCleanEvents();
	});

	test('the socket listens from the bind on: a request before any worker is ready waits in the backlog', async () => {
		const s = new Server(['--workers', '1']);
		servers.push(s);
		const bound = await until('socket.bound', () => s.has(e => e.type === 'socket.bound'));
		const port = Number((bound as {address: string}).address.split(':').pop());
		const early = get(port); // sent before the worker has even loaded the app
		expect(s.has(e => e.type === 'worker.ready')).toBeUndefined();
		const answer = await early;
		expect(answer.status).toBe(200);
		// Its worker.ready travels worker -> master -> stdout and may land just after the response.
		const pid = servedBy(answer.body);
		await until(`worker ${pid} reported ready`, () => s.ready().includes(pid), 5000);
		expect(s.ready()).toContain(pid);
	});

	test('--max-requests-jitter: each worker is recycled after max-requests plus 0 to jitter', async () => {
		const s = await serve(['--workers', '1', '--max-requests', '2', '--max-requests-jitter', '3'], 1);
		const [first] = s.ready();
		let served = 0;
		while (served < 10 && servedBy((await get(s.port)).body) === first) served++;
		expect(served).toBeGreaterThanOrEqual(2);
		expect(served).toBeLessThanOrEqual(5);
		expect(s.has(e => e.type === 'worker.exited' && e.pid === first)).toMatchObject({reason: 'max-requests'});
	});

	test('a killed worker is reaped and replaced', async () => {
		const s = await serve(['--workers', '2'], 2);
		const [victim] = s.ready();
		process.kill(victim, 'SIGKILL');
		await until(
			'replacement',
			() => s.has(e => e.type === 'worker.exited' && e.pid === victim) && s.ready().length === 2,
		);
		expect(s.has(e => e.type === 'worker.exited' && e.pid === victim)).toMatchObject({
			reason: 'killed',
			signal: 'SIGKILL',
		});
		expect(s.ready()).not.toContain(victim);
		// Gunicorn 20.1's words (21.0 and later: "was sent SIGKILL! Perhaps out of memory?").
		expect(s.stderr).toContain(`[WARNING] Worker with pid ${victim} was terminated due to signal 9\n`);
		expect(s.stderr).not.toContain('Perhaps out of memory?');
		expect((await get(s.port)).status).toBe(200);
		s.expectCleanEvents();
	});

	test('TTIN adds a worker, TTOU removes the oldest, never below one', async () => {
		const s = await serve(['--workers', '2'], 2);
		const oldest = s.ready()[0];
		s.signal('SIGTTIN');
		await until('3 workers', () => s.ready().length === 3);
		expect(s.has(e => e.type === 'workers.changed')).toEqual({type: 'workers.changed', from: 2, to: 3});
		// One TTOU at a time, each handled before the next: two pending at once would be one signal.
		const handled = () => s.stderr.split('Handling signal: ttou').length - 1;
		for (let i = 1; i <= 3; i++) {
			s.signal('SIGTTOU');
			await until(`TTOU ${i} handled`, () => handled() === i);
		}
		await until('1 worker', () => s.live().length === 1 && liveWorkers(s.state()).length === 1);
		await sleep(1500); // the third TTOU must not take the last one away
		expect(liveWorkers(s.state()).length).toBe(1);
		expect(s.events.filter(e => e.type === 'workers.changed').map(e => (e as {to: number}).to)).toEqual([3, 2, 1]);
		expect(s.has(e => e.type === 'worker.exiting' && e.pid === oldest)).toMatchObject({reason: 'removed'});
		expect(s.stderr).toContain('Handling signal: ttin');
		expect(s.stderr).toContain('Handling signal: ttou');
		expect((await get(s.port)).status).toBe(200);
		s.expectCleanEvents();
	});

	test('HUP replaces every worker without losing a request', async () => {
		const s = await serve(['--workers', '2'], 2);
		const old = s.ready();
		let stop = false;
		const results: Array<{status?: number; error?: string}> = [];
		const load = (async () => {
			while (!stop) results.push(await get(s.port));
		})();
		await until('requests flowing', () => results.length >= 5);
		s.signal('SIGHUP');
		await until(
			'old workers gone',
			() => old.every(pid => s.has(e => e.type === 'worker.exited' && e.pid === pid)) && s.ready().length === 2,
		);
		const reloaded = results.length;
		await until('the fresh workers serving', () => results.length >= reloaded + 6);
		stop = true;
		await load;
		expect(results.length).toBeGreaterThan(10);
		expect(results.filter(r => r.status !== 200)).toEqual([]);
		for (const pid of s.ready()) expect(old).not.toContain(pid);
		for (const pid of old)
			expect(s.has(e => e.type === 'worker.exited' && e.pid === pid)).toMatchObject({reason: 'reload'});
		// Without --preload every fresh worker imports the app again.
		for (const pid of s.ready()) expect(s.has(e => e.type === 'app.loaded' && e.pid === pid)).toBeTruthy();
		expect(s.stderr).toContain('Handling signal: hup');
		expect(s.stderr).toContain('Hang up: Master');
		s.expectCleanEvents();
	});

	test('under load, with max-requests recycling, HUP, a kill, TTIN and TTOU, every event is possible and nothing ' +
		'is lost', async () => {
		const s = await serve(['--workers', '2', '--max-requests', '150', '--max-requests-jitter', '50'], 2);
		let stop = false;
		const results: Array<{status?: number; error?: string}> = [];
		const lanes = Array.from({length: 6}, async () => {
			while (!stop) results.push(await get(s.port));
		});
		await until('requests flowing', () => results.length >= 20);
		// The signals come at set intervals, not one after another's end: their work overlaps.
		s.signal('SIGHUP');
		await sleep(600);
		// Max-requests recycling can retire the chosen worker just before the kill: then choose again.
		await until('a ready worker killed', () => {
			const [victim] = s.ready();
			if (victim === undefined) return false;
			try {
				process.kill(victim, 'SIGKILL');
				return true;
			} catch {
				return false;
			}
		});
		await sleep(400);
		s.signal('SIGTTIN');
		await sleep(600);
		s.signal('SIGTTOU');
		await sleep(600);
		// A worker reaches 150 to 200 requests only as fast as this machine serves them: load until one has.
		await until(
			'a worker recycled by max-requests',
			() => s.has(e => e.type === 'worker.exited' && e.reason === 'max-requests'),
			60_000,
		);
		stop = true;
		await Promise.all(lanes);
		await until('settled', () => s.ready().length === 2 && liveWorkers(s.state()).length === 2);
		expect(results.length).toBeGreaterThan(50);
		// Only the request the killed worker had in hand can be lost: a sync worker holds one.
		expect(results.filter(r => r.status !== 200).length).toBeLessThanOrEqual(1);
		expect(s.events.filter(e => e.type === 'worker.exited' && e.reason === 'max-requests').length).toBeGreaterThan(
			0,
		);
		// Each 200 was reported as sent, except perhaps the one SIGKILL cut between the client's write and the
		// report.
		const ok = results.filter(r => r.status === 200).length;
		// A client can have its 200 before the worker's response.sent has come through the master: wait for it.
		await until('the events of every 200 but one', () => s.state().served >= ok - 1, 5000).catch(() => undefined);
		expect(s.state().served).toBeGreaterThanOrEqual(ok - 1);
		expect(s.state().served).toBeLessThanOrEqual(ok);
		s.expectCleanEvents();
	}, 90_000);

	test('--preload: the master imports the app once, and HUP does not re-import it', async () => {
		const s = await serve(['--workers', '1', '--preload'], 1);
		expect(s.has(e => e.type === 'app.loaded')).toMatchObject({pid: s.pid, where: 'master'});
		const before = await get(s.port);
		expect(before.body).toContain(`in the master (pid ${s.pid})`);
		const [old] = s.ready();
		s.signal('SIGHUP');
		await until('new worker', () => s.ready().length === 1 && s.ready()[0] !== old);
		const after = await get(s.port);
		expect(servedBy(after.body)).not.toBe(servedBy(before.body));
		const imported = (body: string) => /imported at (.*) in/.exec(body)?.[1];
		expect(imported(after.body)).toBe(imported(before.body));
		expect(s.events.filter(e => e.type === 'app.loaded')).toHaveLength(1);
		s.expectCleanEvents();
	});

	test(
		'TERM closes the listener first, lets the request ' + 'in flight finish, serves no new connection, exits 0',
		async () => {
			const s = await serve(['--workers', '2'], 2);
			const workers = s.ready();
			const slow = get(s.port, '/slow?s=3');
			await until('busy worker', () => liveWorkers(s.state()).some(w => w.state === 'busy'));
			const busy = liveWorkers(s.state()).find(w => w.state === 'busy')!.pid;
			const idle = workers.find(pid => pid !== busy)!;
			s.signal('SIGTERM');
			await until('the idle worker gone', () => s.has(e => e.type === 'worker.exited' && e.pid === idle));
			// Arbiter.stop: the master closed its listening socket before it signalled the workers.
			expect(tcpStates(s.pid)).toEqual([]);
			// During the graceful wait a new connection is never served (20.1: it sits in the backlog
			// until the last copy of the socket closes).
			const late = await get(s.port);
			expect(late.status).toBeUndefined();
			const answer = await slow;
			expect(answer.status).toBe(200);
			await s.exited;
			expect(s.exit).toEqual({code: 0, signal: null});
			for (const pid of workers) expect(processAlive(pid)).toBe(false);
			expect(s.events.filter(e => e.type === 'request.accepted')).toHaveLength(1);
			expect(s.has(e => e.type === 'master.stopping')).toEqual({type: 'master.stopping', graceful: true});
			expect(s.events.at(-1)).toEqual({type: 'master.stopped', code: 0});
			expect(s.stderr).toContain('Handling signal: term');
			expect(s.stderr).toMatch(/\[INFO\] Shutting down: Master\n$/);
			for (const pid of workers) expect(s.stderr).toContain(`Worker exiting (pid: ${pid})`);
			s.expectCleanEvents();
		},
	);

	for (const sig of ['SIGINT', 'SIGQUIT'] as const) {
		test(
			`${sig} with a request in flight: the worker runs its quit handler and is gone at once, the client gets ` +
				`no answer`,
			async () => {
				const s = await serve(['--workers', '1'], 1);
				const [worker] = s.ready();
				const slow = get(s.port, '/slow?s=60');
				await until('busy worker', () => liveWorkers(s.state()).some(w => w.state === 'busy'));
				const t0 = Date.now();
				s.signal(sig);
				await s.exited;
				// Gunicorn 20.1: handle_quit sleeps 0.1 s and exits; the master is gone in about 0.3 s.
				expect(Date.now() - t0).toBeLessThan(1500);
				expect(s.exit).toEqual({code: 0, signal: null});
				expect(processAlive(worker)).toBe(false);
				expect((await slow).status).toBeUndefined();
				expect(s.has(e => e.type === 'master.stopping')).toEqual({type: 'master.stopping', graceful: false});
				expect(s.has(e => e.type === 'worker.exited' && e.pid === worker)).toMatchObject({
					code: 0,
					signal: null,
				});
				expect(s.stderr).toContain(`[INFO] Worker exiting (pid: ${worker})`);
				expect(s.stderr).not.toContain('terminated due to signal');
				expect(s.stderr).not.toContain('Perhaps out of memory?');
				expect(s.stderr).toMatch(/\[INFO\] Shutting down: Master\n$/);
				s.expectCleanEvents();
			},
		);
	}

	test('HUP then TTIN a second later: the master handles TTIN at once while the old worker drains', async () => {
		const s = await serve(['--workers', '1'], 1);
		const [old] = s.ready();
		const slow = get(s.port, '/slow?s=4');
		await until('busy worker', () => liveWorkers(s.state()).some(w => w.state === 'busy'));
		s.signal('SIGHUP');
		await until('Hang up', () => s.stderr.includes('Hang up: Master'));
		await sleep(1000);
		const t0 = Date.now();
		s.signal('SIGTTIN');
		await until('Handling signal: ttin', () => s.stderr.includes('Handling signal: ttin'), 10_000);
		expect(Date.now() - t0).toBeLessThan(1000);
		// The old worker is still draining its request: the loop did not wait for it.
		expect(s.has(e => e.type === 'worker.exited' && e.pid === old)).toBeUndefined();
		expect(s.has(e => e.type === 'workers.changed' && e.to === 2)).toBeDefined();
		expect((await slow).status).toBe(200);
		await until(
			'old gone, two fresh',
			() => s.has(e => e.type === 'worker.exited' && e.pid === old) && s.ready().length === 2,
		);
		expect(s.has(e => e.type === 'worker.exited' && e.pid === old)).toMatchObject({reason: 'reload', code: 0});
		s.expectCleanEvents();
	});

	test('a hung request is aborted at --timeout, logged as Gunicorn logs it, and the worker replaced', async () => {
		const s = await serve(['--workers', '1', '--timeout', '2'], 1);
		const [worker] = s.ready();
		const t0 = Date.now();
		const answer = await get(s.port, '/slow?s=60');
		expect(answer.status).toBeUndefined(); // the connection died with the worker
		expect(Date.now() - t0).toBeLessThan(10_000);
		expect(s.stderr).toContain(`[CRITICAL] WORKER TIMEOUT (pid:${worker})`);
		expect(s.has(e => e.type === 'worker.timeout')).toEqual({type: 'worker.timeout', pid: worker});
		await until('reaped', () => s.has(e => e.type === 'worker.exited' && e.pid === worker));
		expect(s.has(e => e.type === 'worker.exited' && e.pid === worker)).toMatchObject({reason: 'timeout'});
		// It ran its abort handler (handle_abort: sys.exit(1)) rather than being SIGKILLed.
		expect(s.has(e => e.type === 'worker.exiting' && e.pid === worker)).toEqual({
			type: 'worker.exiting',
			pid: worker,
			reason: 'timeout',
		});
		expect(s.has(e => e.type === 'worker.exited' && e.pid === worker)).toEqual({
			type: 'worker.exited',
			pid: worker,
			reason: 'timeout',
			code: 1,
			signal: null,
		});
		const lines = s.stderr.split('\n');
		const at = (text: string) => lines.findIndex(line => line.includes(text));
		const logged = [`[CRITICAL] WORKER TIMEOUT (pid:${worker})`, `[INFO] Worker exiting (pid: ${worker})`].map(at);
		expect(
			logged.every((i, n) => i >= 0 && (n === 0 || i > logged[n - 1])),
			s.stderr,
		).toBe(true);
		// 20.1 logs nothing for a worker that exits 1 (21.0 and later: "exited with code 1.").
		expect(s.stderr).not.toContain('exited with code');
		expect(s.stderr).not.toContain(`Worker with pid ${worker} was terminated`);
		await until('replacement', () => s.ready().length === 1 && s.ready()[0] !== worker);
		expect(s.has(e => e.type === 'worker.forked' && e.pid === s.ready()[0])).toBeDefined();
		expect(servedBy((await get(s.port)).body)).toBe(s.ready()[0]);
		s.expectCleanEvents();
	});

	test('a worker too stuck to abort (stopped) is SIGKILLed a loop after its SIGABRT, and replaced', async () => {
		const s = await serve(['--workers', '1', '--timeout', '2'], 1);
		const [worker] = s.ready();
		process.kill(worker, 'SIGSTOP'); // it can neither beat, nor poll the abort mark, nor run a handler
		await until('reaped', () => s.has(e => e.type === 'worker.exited' && e.pid === worker), 20_000);
		expect(s.has(e => e.type === 'worker.exited' && e.pid === worker)).toEqual({
			type: 'worker.exited',
			pid: worker,
			reason: 'timeout',
			code: null,
			signal: 'SIGKILL',
		});
		expect(s.stderr).toContain(`[CRITICAL] WORKER TIMEOUT (pid:${worker})`);
		expect(s.stderr).toContain(`Worker with pid ${worker} was terminated due to signal 9`);
		await until('replacement', () => s.ready().length === 1 && s.ready()[0] !== worker);
		expect(servedBy((await get(s.port)).body)).toBe(s.ready()[0]);
		s.expectCleanEvents();
	});

	test('bad requests get 400 and 431, and the same worker serves the next one', async () => {
		const s = await serve(['--workers', '1'], 1);
		const [worker] = s.ready();
		expect(await raw(s.port, 'GARBAGE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
		expect(await raw(s.port, 'GET / HTTP/9.9\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
		expect(await raw(s.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(10_000)}\r\n\r\n`)).toMatch(
			/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/,
		);
		expect(await raw(s.port, `GET /${'a'.repeat(5000)} HTTP/1.1\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400 /);
		expect(await raw(s.port, 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n')).toMatch(
			/^HTTP\/1\.1 200 OK\r\n/,
		);
		expect(await raw(s.port, 'POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n')).toMatch(/^HTTP\/1\.1 501 /);
		expect(await raw(s.port, 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')).toMatch(
			/^HTTP\/1\.1 400 /,
		);
		const next = await get(s.port);
		expect(next.status).toBe(200);
		expect(servedBy(next.body)).toBe(worker);
		expect(servedBy((await get(s.port)).body)).toBe(worker);
		expect(s.has(e => e.type === 'worker.exited')).toBeUndefined();
		// 20.1 logs "Invalid request from ip=..." at DEBUG: nothing at the default level.
		expect(s.stderr).not.toContain('Invalid request');
		s.expectCleanEvents();
	});

	test(
		'framing as Gunicorn checks it: duplicate Content-Length, chunked then identity are 400; absolute-form ' +
			'targets are served',
		async () => {
			const s = await serve(['--workers', '1'], 1);
			const [worker] = s.ready();
			expect(await raw(s.port, 'POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 30\r\n\r\nabc')).toMatch(
				/^HTTP\/1\.1 400 Bad Request\r\n[^]*Invalid HTTP Header: 'CONTENT-LENGTH'/,
			);
			expect(
				await raw(
					s.port,
					'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: ' +
						'identity\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
				),
			).toMatch(/^HTTP\/1\.1 400 [^]*Invalid HTTP Header: 'TRANSFER-ENCODING'/);
			expect(
				await raw(
					s.port,
					'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
				),
			).toMatch(/^HTTP\/1\.1 400 /);
			expect(await raw(s.port, 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n')).toMatch(
				/^HTTP\/1\.1 400 /,
			);
			expect(
				await raw(s.port, 'POST / HTTP/1.1\r\nTransfer-Encoding: identity\r\nContent-Length: 3\r\n\r\nabc'),
			).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
			const absolute = await raw(s.port, 'GET http://127.0.0.1:8000/?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
			expect(absolute).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
			expect(servedBy(absolute)).toBe(worker);
			expect(await raw(s.port, 'GET http://127.0.0.1/nowhere HTTP/1.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 404 /);
		},
	);

	test('Expect: 100-continue is answered 100 Continue before the body is read, as Gunicorn does', async () => {
		const s = await serve(['--workers', '1'], 1);
		s.ready();
		const answer = await new Promise<string>((resolve, reject) => {
			let got = '';
			const socket = net.connect(s.port, '127.0.0.1', () =>
				socket.write('POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n'),
			);
			const timer = setTimeout(
				() => (socket.destroy(), reject(new Error(`no 100 Continue within 2 s: ${JSON.stringify(got)}`))),
				2000,
			);
			socket.setEncoding('utf8');
			socket.on('data', chunk => {
				got += chunk;
				if (got === 'HTTP/1.1 100 Continue\r\n\r\n') {
					clearTimeout(timer);
					socket.end('hello');
				}
			});
			socket.on('close', () => resolve(got));
			socket.on('error', () => undefined);
		});
		expect(answer).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
	});

	test("/error: Django logs the view's exception and answers its own 500 page; Gunicorn logs nothing", async () => {
		const s = await serve(['--workers', '1'], 1);
		const [worker] = s.ready();
		const answer = await get(s.port, '/error');
		expect(answer.status).toBe(500);
		expect(answer.body).toContain('<h1>Server Error (500)</h1>');
		await until('response.sent', () => s.has(e => e.type === 'response.sent' && e.status === 500));
		expect(s.has(e => e.type === 'response.returned')).toMatchObject({
			status: 500,
			reason: 'Internal Server Error',
		});
		expect(s.stderr).toContain(
			'[django] ERROR Internal Server Error: /error | RuntimeError: this view raises on purpose\n',
		);
		// "Error handling request" is Gunicorn's line for the WSGI callable itself raising.
		expect(s.stderr).not.toContain('Error handling request');
		expect(servedBy((await get(s.port)).body)).toBe(worker);
		s.expectCleanEvents();
	});

	test(
		'a client trickling its headers holds the sync ' + 'worker, without a heartbeat, until --timeout aborts it',
		async () => {
			const s = await serve(['--workers', '1', '--timeout', '2'], 1);
			const [worker] = s.ready();
			const socket = net.connect(s.port, '127.0.0.1');
			socket.on('error', () => undefined);
			let answer = '';
			socket.setEncoding('utf8').on('data', chunk => (answer += chunk));
			const closed = new Promise(resolve => socket.on('close', resolve));
			socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
			// never the blank line
			const trickle = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 500);
			try {
				await until('worker busy reading', () => tcpStates(worker).includes('ESTABLISHED'));
				await until('WORKER TIMEOUT', () => s.has(e => e.type === 'worker.timeout'), 15_000);
				await closed;
			} finally {
				clearInterval(trickle);
			}
			expect(answer).toBe(''); // no 408: the worker died reading
			expect(s.stderr).toContain(`[CRITICAL] WORKER TIMEOUT (pid:${worker})`);
			await until('reaped', () => s.has(e => e.type === 'worker.exited' && e.pid === worker));
			expect(s.has(e => e.type === 'worker.exited' && e.pid === worker)).toMatchObject({
				reason: 'timeout',
				code: 1,
			});
			expect(s.has(e => e.type === 'request.accepted')).toBeUndefined(); // it never had a whole request
			await until('replacement', () => s.ready().length === 1);
			expect(servedBy((await get(s.port)).body)).toBe(s.ready()[0]);
		},
	);

	test('--max-requests recycles a worker', async () => {
		const s = await serve(['--workers', '1', '--max-requests', '2'], 1);
		const [first] = s.ready();
		expect(servedBy((await get(s.port)).body)).toBe(first);
		expect(servedBy((await get(s.port)).body)).toBe(first);
		await until('recycled', () => s.ready().length === 1 && s.ready()[0] !== first);
		expect(servedBy((await get(s.port)).body)).not.toBe(first);
		expect(s.has(e => e.type === 'worker.exited' && e.pid === first)).toMatchObject({
			reason: 'max-requests',
			code: 0,
		});
		expect(s.stderr).toContain('Autorestarting worker after current request.');
		s.expectCleanEvents();
	});

	test('SIGKILL of the master leaves no worker behind', async () => {
		const s = await serve(['--workers', '3'], 3);
		const workers = s.ready();
		s.signal('SIGKILL');
		await until('workers gone', () => workers.every(pid => !processAlive(pid)), 10_000);
	});

	test('a worker that cannot boot halts the master instead of respawning forever', async () => {
		const s = new Server(['--workers', '2'], {GW_APP_FAIL: '1'});
		servers.push(s);
		await s.exited;
		expect(s.exit?.code).toBe(3);
		expect(s.events.filter(e => e.type === 'worker.forked').length).toBeLessThanOrEqual(2);
		expect(s.stderr).toContain('ImproperlyConfigured');
		// Both at INFO in 20.1 (ERROR from 21.0), and no "exited with code 3." line.
		expect(s.stderr).toMatch(/\[INFO\] Shutting down: Master\n.*\[INFO\] Reason: Worker failed to boot\.\n$/);
		expect(s.stderr).not.toContain('exited with code');
		expect(s.events.at(-1)).toEqual({type: 'master.stopped', code: 3});
		s.expectCleanEvents();
	});

	test('--preload with an app that cannot be imported: the master stops before binding', async () => {
		const s = new Server(['--preload'], {GW_APP_FAIL: '1'});
		servers.push(s);
		await s.exited;
		expect(s.exit?.code).toBe(4);
		expect(s.has(e => e.type === 'socket.bound')).toBeUndefined();
		expect(s.stderr).toContain('Reason: App failed to load.');
	});

	test('a port in use: one line, exit 1', async () => {
		const blocker = net.createServer();
		await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve));
		const {port} = blocker.address() as net.AddressInfo;
		try {
			const s = new Server(['--bind', `127.0.0.1:${port}`]);
			servers.push(s);
			await s.exited;
			expect(s.exit?.code).toBe(1);
			const lines = s.stderr.trimEnd().split('\n');
			expect(lines).toHaveLength(1);
			expect(lines[0]).toMatch(new RegExp(`\\[ERROR\\] Connection in use: 127\\.0\\.0\\.1:${port}`));
			expect(s.has(e => e.type === 'worker.forked')).toBeUndefined();
		} finally {
			blocker.close();
		}
	});

	test('bad flags: one line, no server', async () => {
		const s = new Server(['--workers', 'lots']);
		servers.push(s);
		await s.exited;
		expect(s.exit?.code).toBe(2);
		expect(s.stderr.trimEnd().split('\n')).toEqual([
			'gunicorn-walkthrough: --workers must be a whole number from 1 to 64 (got "lots")',
		]);
	});
});

// Gunicorn 20.1's WorkerTmp (workers/workertmp.py): notify() is fchmod, last_update() the ctime.
// 22.0 moved to os.utime and the mtime; README and docs/events.md say which one we follow.
describe('the heartbeat file, as in Gunicorn 20.1', () => {
	test(
		'notify() flips the mode with fchmod and moves the ctime, never the mtime; the master reads ' + 'the ctime',
		async () => {
			const {WorkerTmp} = await import('../source/server/worker-tmp');
			const tmp = WorkerTmp.create();
			try {
				const fd = (tmp as unknown as {fd: number}).fd;
				const before = fstatSync(fd, {bigint: true});
				expect(tmp.untouched()).toBe(true);
				const modes: number[] = [];
				let last = before.ctimeNs;
				for (let i = 0; i < 2; i++) {
					// The kernel's file times are coarse (a few ms): let the clock pass the last change first.
					await until(
						'the clock past the last change',
						() => BigInt(Date.now()) * 1_000_000n > last + 20_000_000n,
					);
					tmp.notify();
					modes.push(fstatSync(fd).mode & 0o777);
					const ctime = fstatSync(fd, {bigint: true}).ctimeNs;
					expect(ctime).toBeGreaterThan(last);
					last = ctime;
				}
				const after = fstatSync(fd, {bigint: true});
				expect(modes).toEqual([1, 0]); // the spinner: 0 -> 1 -> 0, as 20.1's notify()
				expect(after.mtimeNs).toBe(before.mtimeNs);
				expect(after.ctimeNs).toBeGreaterThan(before.ctimeNs);
				expect(tmp.untouched()).toBe(false);
				expect(tmp.lastUpdate()).toBe(Number(after.ctimeNs / 1_000_000n));
			} finally {
				tmp.close();
			}
			const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
			expect(readme).toContain(
				"heartbeat as 20.1's WorkerTmp does: `fchmod` of a temporary file, whose ctime the master reads " +
					'(Gunicorn 22.0 moved to `utime` and the mtime)',
			);
			const events = readFileSync(new URL('../docs/events.md', import.meta.url), 'utf8');
			expect(events).toMatch(/the ctime of the worker's file, changed by `fchmod` as in 20\.1/);
		},
	);
});
