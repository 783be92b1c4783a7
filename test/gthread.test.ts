// `serve --worker-class gthread` with real processes: threads, the main loop's heartbeat,
// keep-alive and the connection bound, against the sync worker where they differ.
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import readline from 'node:readline';
import {afterEach, describe, expect, test} from 'vitest';
import {parseEvent, type LifecycleEvent} from '../source/lifecycle/events';
import {initialState, liveWorkers, reduce, reduceAll} from '../source/lifecycle/machine';
import {childEnv, CLI, until} from './support/terminal';

class Server {
	readonly child: ChildProcess;
	readonly events: LifecycleEvent[] = [];
	readonly badLines: string[] = [];
	stderr = '';
	address = '';

	constructor(args: string[]) {
		this.child = spawn(process.execPath, [CLI, 'serve', '--bind', '127.0.0.1:0', '--events', 'json', ...args], {
			env: childEnv(),
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		readline.createInterface({input: this.child.stdout!}).on('line', line => {
			const parsed = parseEvent(line);
			if ('error' in parsed) this.badLines.push(line);
			else this.events.push(parsed.event);
		});
		this.child.stderr!.on('data', chunk => (this.stderr += chunk));
	}

	get port(): number {
		return Number(this.address.split(':').pop());
	}
	state() {
		return reduceAll(initialState, this.events);
	}
	ready(): number[] {
		return liveWorkers(this.state())
			.filter(w => w.state === 'idle' || w.state === 'busy')
			.map(w => w.pid);
	}
	of<T extends LifecycleEvent['type']>(type: T): Array<Extract<LifecycleEvent, {type: T}>> {
		return this.events.filter((e): e is Extract<LifecycleEvent, {type: T}> => e.type === type);
	}
	async started(workers: number): Promise<this> {
		const bound = await until('socket.bound', () => this.events.find(e => e.type === 'socket.bound'));
		this.address = (bound as {address: string}).address;
		await until(`${workers} ready workers`, () => this.ready().length === workers);
		return this;
	}
	expectCleanEvents(): void {
		expect(this.badLines).toEqual([]);
		expect(this.state().rejected.map(r => `${JSON.stringify(r.event)}: ${r.reason}`)).toEqual([]);
	}
	kill(): void {
		try {
			process.kill(-this.child.pid!, 'SIGKILL');
		} catch {
			// already gone
		}
	}
}

const servers: Server[] = [];
afterEach(() => {
	for (const s of servers.splice(0)) s.kill();
});

const serve = (args: string[], workers: number) => {
	const server = new Server(args);
	servers.push(server);
	return server.started(workers);
};

function get(port: number, path = '/'): Promise<{status?: number; body: string; ms: number}> {
	const t0 = performance.now();
	return new Promise(resolve => {
		const req = http.get({host: '127.0.0.1', port, path, agent: false}, res => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', chunk => (body += chunk));
			res.on('end', () => resolve({status: res.statusCode, body, ms: performance.now() - t0}));
			res.on('error', () => resolve({status: res.statusCode, body, ms: performance.now() - t0}));
		});
		req.on('error', () => resolve({body: '', ms: performance.now() - t0}));
	});
}

/** One client connection: send a request, read one whole response (Content-Length), and see when the server closes. */
class Client {
	private readonly socket: net.Socket;
	private data = '';
	closedAt?: number;
	readonly connected: Promise<void>;

	constructor(port: number) {
		this.socket = net.connect(port, '127.0.0.1');
		this.connected = new Promise(resolve => this.socket.once('connect', () => resolve()));
		this.socket.setEncoding('latin1');
		this.socket.on('data', chunk => (this.data += chunk));
		this.socket.on('close', () => (this.closedAt = performance.now()));
		this.socket.on('error', () => undefined);
	}

	async request(path: string, headers = ''): Promise<string> {
		this.socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n${headers}\r\n`);
		const whole = () => {
			const end = this.data.indexOf('\r\n\r\n');
			const length = Number(/content-length: (\d+)/i.exec(this.data)?.[1]);
			return end >= 0 && this.data.length >= end + 4 + length;
		};
		await until(`a response to ${path}`, () => whole() || this.closedAt !== undefined);
		const end = this.data.indexOf('\r\n\r\n');
		const length = Number(/content-length: (\d+)/i.exec(this.data)?.[1]);
		const answer = this.data.slice(0, end + 4 + length);
		this.data = this.data.slice(answer.length);
		return answer;
	}

	destroy(): void {
		this.socket.destroy();
	}
}

describe('serve --worker-class gthread', () => {
	test('one worker with four threads serves four slow requests at once, one per thread', async () => {
		const s = await serve(['--worker-class', 'gthread', '--threads', '4', '--workers', '1'], 1);
		const [worker] = s.ready();
		expect(s.stderr).toContain('Using worker: gthread');
		expect(s.of('worker.ready')).toEqual([{type: 'worker.ready', pid: worker, threads: 4}]);
		const t0 = performance.now();
		const answers = await Promise.all([1, 2, 3, 4].map(() => get(s.port, '/slow?s=1')));
		const took = performance.now() - t0;
		expect(answers.map(a => a.status)).toEqual([200, 200, 200, 200]);
		expect(answers[0].body).toBe(`Worker ${worker} slept 1s in one of its threads, its main loop heartbeating.\n`);
		expect(took).toBeLessThan(2500); // a sync worker would take 4 s
		expect(new Set(s.of('request.accepted').map(e => e.thread))).toEqual(new Set([1, 2, 3, 4]));
		// The machine saw all four in flight at once on that one worker.
		let most = 0;
		s.events.reduce((state, e) => {
			const next = reduce(state, e);
			most = Math.max(most, next.workers.find(w => w.pid === worker)?.requests.length ?? 0);
			return next;
		}, initialState);
		expect(most).toBe(4);
		await until('every response.sent', () => s.of('response.sent').length === 4);
		s.expectCleanEvents();
	});

	test(
		'a view slower than --timeout survives with gthread ' + '(the main loop heartbeats) and is killed with sync',
		async () => {
			const [threaded, sync] = await Promise.all([
				serve(['--worker-class', 'gthread', '--threads', '2', '--workers', '1', '--timeout', '1'], 1),
				serve(['--workers', '1', '--timeout', '1'], 1),
			]);
			const [a, b] = await Promise.all([get(threaded.port, '/slow?s=3'), get(sync.port, '/slow?s=3')]);
			expect(a.status).toBe(200);
			expect(threaded.of('worker.timeout')).toEqual([]);
			expect(threaded.stderr).not.toContain('WORKER TIMEOUT');
			expect(b.status).toBeUndefined(); // the connection died with the worker
			expect(sync.stderr).toContain(`WORKER TIMEOUT (pid:${sync.of('worker.ready')[0].pid})`);
			threaded.expectCleanEvents();
		},
	);

	test(
		'keep-alive: a second request on the same connection, then the idle connection is closed after ' +
			'--keep-alive',
		async () => {
			const s = await serve(
				['--worker-class', 'gthread', '--threads', '2', '--workers', '1', '--keep-alive', '1'],
				1,
			);
			const client = new Client(s.port);
			const first = await client.request('/');
			expect(first).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
			expect(first).toContain('Connection: keep-alive\r\n');
			const answered = performance.now();
			const second = await client.request('/?again=1');
			expect(second).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
			expect(client.closedAt).toBeUndefined();
			await until('the server closes the idle connection', () => client.closedAt);
			expect(client.closedAt! - answered).toBeGreaterThan(900);
			const accepted = s.of('request.accepted');
			expect(accepted.map(e => e.onConnection)).toEqual([undefined, 2]);
			expect(accepted[1].client).toBe(accepted[0].client); // the same client port: the same connection
			expect(s.of('response.sent').map(e => e.keepalive)).toEqual([true, true]);
			expect(s.state().last).toMatchObject({onConnection: 2, keepalive: true});
			s.expectCleanEvents();
		},
	);

	test('Connection: close from the client, and the sync worker, close after one response', async () => {
		const [threaded, sync] = await Promise.all([
			serve(['--worker-class', 'gthread', '--workers', '1'], 1),
			serve(['--workers', '1'], 1),
		]);
		const a = new Client(threaded.port);
		expect(await a.request('/', 'Connection: close\r\n')).toContain('Connection: close\r\n');
		await until('closed', () => a.closedAt);
		const b = new Client(sync.port);
		expect(await b.request('/')).toContain('Connection: close\r\n');
		await until('closed', () => b.closedAt);
		expect(threaded.of('response.sent')[0].keepalive).toBe(false);
	});

	test('--worker-connections bounds the kept-alive connections: worker_connections - threads', async () => {
		const s = await serve(
			[
				'--worker-class',
				'gthread',
				'--threads',
				'1',
				'--workers',
				'1',
				'--worker-connections',
				'2',
				'--keep-alive',
				'5',
			],
			1,
		);
		const a = new Client(s.port);
		expect(await a.request('/')).toContain('Connection: keep-alive\r\n');
		// One kept already: max_keepalived is 2 - 1 = 1, so the next answer closes its connection.
		const b = new Client(s.port);
		expect(await b.request('/')).toContain('Connection: close\r\n');
		await until('closed', () => b.closedAt);
		a.destroy();
		s.expectCleanEvents();
	});

	test('a worker at --worker-connections stops accepting: new connections go to the other worker', async () => {
		const s = await serve(
			['--worker-class', 'gthread', '--threads', '1', '--workers', '2', '--worker-connections', '1'],
			2,
		);
		const slow = get(s.port, '/slow?s=3');
		const held = await until('the slow request accepted', () => s.of('request.accepted')[0]);
		const others: number[] = [];
		for (let i = 0; i < 6; i++) {
			const answer = await get(s.port, '/');
			expect(answer.ms).toBeLessThan(1500); // not queued behind the slow one
			others.push(Number(/worker (\d+)/.exec(answer.body)?.[1]));
		}
		expect(new Set(others)).toEqual(new Set(s.ready().filter(pid => pid !== held.pid)));
		expect((await slow).status).toBe(200);
		// Below its bound again, the first worker takes connections again.
		const pids = new Set<number>();
		for (let i = 0; i < 40 && pids.size < 2; i++)
			pids.add(Number(/worker (\d+)/.exec((await get(s.port, '/')).body)?.[1]));
		expect(pids.size).toBe(2);
		s.expectCleanEvents();
	});

	test('--threads 1 with --worker-connections 1 can keep nothing alive, and says so as Gunicorn does', async () => {
		const s = await serve(
			['--worker-class', 'gthread', '--threads', '1', '--workers', '1', '--worker-connections', '1'],
			1,
		);
		expect(s.stderr).toContain(
			'No keepalived connections can be handled. Check the number of worker connections and threads.',
		);
		const a = new Client(s.port);
		expect(await a.request('/')).toContain('Connection: close\r\n');
	});

	test('sync with --threads 4 runs gthread, as Gunicorn does, and says so on stderr', async () => {
		const s = await serve(['--threads', '4', '--workers', '1'], 1);
		expect(s.stderr).toContain(
			'gunicorn-walkthrough: --threads 4 with the sync worker: using gthread, as Gunicorn does',
		);
		expect(s.stderr).toContain('Using worker: gthread');
		expect(s.of('worker.ready')[0].threads).toBe(4);
	});

	test(
		'--max-requests: the thread serving the last one ' + 'says the worker leaves; a fresh worker takes over',
		async () => {
			const s = await serve(
				['--worker-class', 'gthread', '--threads', '2', '--workers', '1', '--max-requests', '3'],
				1,
			);
			const [first] = s.ready();
			for (let i = 0; i < 3; i++) expect((await get(s.port)).status).toBe(200);
			await until('recycled', () => s.of('worker.exited').length === 1);
			expect(s.of('worker.exited')[0]).toMatchObject({pid: first, reason: 'max-requests', code: 0});
			expect(s.stderr).toContain(`[${first}] [INFO] Autorestarting worker after current request.`);
			await until('a fresh worker', () => s.ready().length === 1 && s.ready()[0] !== first);
			expect((await get(s.port)).status).toBe(200);
			s.expectCleanEvents();
		},
	);

	test('bad worker settings: one line on stderr, exit 2, nothing started', () => {
		const cases: Array<[string[], string]> = [
			[['--threads', '0'], 'gunicorn-walkthrough: --threads must be a whole number from 1 to 64 (got "0")'],
			[
				['--worker-class', 'gevent'],
				'gunicorn-walkthrough: --worker-class must be sync or gthread (got "gevent")',
			],
			[
				['--worker-connections', '0'],
				'gunicorn-walkthrough: --worker-connections must be a whole number from 1 to 100000 (got "0")',
			],
		];
		for (const [args, line] of cases) {
			const r = spawnSync(process.execPath, [CLI, 'serve', ...args], {
				encoding: 'utf8',
				env: childEnv(),
				timeout: 10_000,
			});
			expect(r.status, args.join(' ')).toBe(2);
			expect(r.stderr).toBe(`${line}\n`);
			expect(r.stdout).toBe('');
		}
	});

	test('TERM lets the requests in every thread finish, then the worker and master exit', async () => {
		const s = await serve(['--worker-class', 'gthread', '--threads', '2', '--workers', '1'], 1);
		const answers = Promise.all([get(s.port, '/slow?s=1'), get(s.port, '/slow?s=1')]);
		await until('both in flight', () => s.of('request.accepted').length === 2);
		process.kill(s.child.pid!, 'SIGTERM');
		expect((await answers).map(a => a.status)).toEqual([200, 200]);
		await until('master.stopped', () => s.of('master.stopped').length === 1);
		s.expectCleanEvents();
	});
});
