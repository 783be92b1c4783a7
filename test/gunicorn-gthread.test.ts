// Real Gunicorn's gthread worker (`--gunicorn --worker-class gthread --threads N`): the hooks
// report per thread, so the same events arrive as from our own gthread worker.
import net from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import type {ServerOptions} from '../source/cli/args';
import {findGunicorn} from '../source/gunicorn/find';
import {createGunicornSource, gunicornArgs} from '../source/gunicorn/source';
import type {LifecycleEvent} from '../source/lifecycle/events';
import {initialState, reduce, reduceAll} from '../source/lifecycle/machine';
import type {LiveSource} from '../source/live/source';
import {until} from './support/terminal';

const found = await findGunicorn();
const missing = 'error' in found ? found.error : undefined;
if (missing && process.env.GUNICORN_REQUIRED !== '1') console.warn(`real Gunicorn gthread tests skipped: ${missing}`);

const options = (extra: Partial<ServerOptions> = {}): ServerOptions => ({
	workers: 1,
	bind: '127.0.0.1:0',
	timeout: 30,
	gracefulTimeout: 5,
	maxRequests: 0,
	maxRequestsJitter: 0,
	preload: false,
	workerClass: 'gthread',
	threads: 4,
	keepAlive: 2,
	workerConnections: 1000,
	...extra,
});

it('passes the worker class and its settings to Gunicorn under its own flag names', () => {
	expect(gunicornArgs(options({threads: 3, keepAlive: 5, workerConnections: 10}))).toEqual([
		'--config',
		'walkthrough_conf.py',
		'--workers',
		'1',
		'--bind',
		'127.0.0.1:0',
		'--graceful-timeout',
		'5',
		'--worker-class',
		'gthread',
		'--threads',
		'3',
		'--keep-alive',
		'5',
		'--worker-connections',
		'10',
		'myproject.wsgi:application',
	]);
	expect(gunicornArgs(options({workerClass: 'sync', threads: 1}))).not.toContain('--worker-class');
});

/** Two requests over one connection; the raw answers. */
function twoOnOneConnection(address: string): Promise<string> {
	const port = Number(address.split(':').pop());
	return new Promise((resolve, reject) => {
		const socket = net.connect(port, '127.0.0.1');
		let data = '';
		let sent = 1;
		socket.setEncoding('latin1');
		socket.on('connect', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
		socket.on('data', chunk => {
			data += chunk;
			const answers = data.split('HTTP/1.1 200').length - 1;
			if (answers === 1 && sent === 1 && /\r\n\r\nHello from worker \d+\n/.test(data)) {
				sent = 2;
				socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
			}
		});
		socket.on('close', () => resolve(data));
		socket.on('error', reject);
	});
}

describe.skipIf(Boolean(missing) && process.env.GUNICORN_REQUIRED !== '1')(
	'real Gunicorn with --worker-class gthread',
	() => {
		let source: LiveSource | undefined;
		afterEach(async () => {
			await source?.stop();
			source = undefined;
		});

		it('four threads run four slow views at once, past --timeout, and each event names its thread', async () => {
			const created = await createGunicornSource(options({timeout: 2}));
			if ('error' in created) throw new Error(created.error);
			source = created;
			const events: LifecycleEvent[] = [];
			const logs: string[] = [];
			created.onEvent(e => events.push(e));
			created.onLog(line => logs.push(line));
			await created.start();
			const of = <T extends LifecycleEvent['type']>(type: T) =>
				events.filter((e): e is Extract<LifecycleEvent, {type: T}> => e.type === type);
			await until('the worker ready', () => of('worker.ready').length === 1, 20_000);
			expect(of('master.starting')[0]).toMatchObject({workerClass: 'gthread', threads: 4});
			expect(of('worker.ready')[0].threads).toBe(4);
			expect(logs.join('\n')).toContain('Using worker: gthread');

			// Slower than --timeout 2: the main loop keeps notifying, so nothing is aborted.
			const t0 = performance.now();
			const answers = await Promise.all([1, 2, 3, 4].map(() => created.request('/slow?s=3')));
			expect(answers.map(a => a.status)).toEqual([200, 200, 200, 200]);
			expect(performance.now() - t0).toBeLessThan(6000); // one after another would be 12 s
			expect(of('worker.timeout')).toEqual([]);
			expect(new Set(of('request.accepted').map(e => e.thread))).toEqual(new Set([1, 2, 3, 4]));
			let most = 0;
			events.reduce((state, e) => {
				const next = reduce(state, e);
				most = Math.max(most, next.workers[0]?.requests.length ?? 0);
				return next;
			}, initialState);
			expect(most).toBe(4);

			// Keep-alive: the second request on the connection is reported as such.
			const raw = await twoOnOneConnection(created.address);
			expect(raw).toContain('Connection: keep-alive');
			await until('both keep-alive requests sent', () => of('response.sent').length === 6, 10_000);
			const [first, second] = of('request.accepted').slice(4);
			expect(first.onConnection).toBeUndefined();
			expect(second).toMatchObject({onConnection: 2, client: first.client});
			expect(
				of('response.sent')
					.slice(4)
					.map(e => e.keepalive),
			).toEqual([true, false]);
			expect(reduceAll(initialState, events).rejected).toEqual([]);
		}, 60_000);
	},
);
