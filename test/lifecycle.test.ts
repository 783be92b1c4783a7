import {describe, expect, test} from 'vitest';
import {EVENT_TYPES, formatEvent, parseEvent, type LifecycleEvent} from '../source/lifecycle/events';
import {
	check,
	HISTORY_LIMIT,
	initialState,
	reduce,
	reduceAll,
	reduceArrivals,
	type LifecycleState,
} from '../source/lifecycle/machine';
import {executionTable, nodeOf, variableTracker} from '../source/lifecycle/selectors';
import {stepsExplaining} from '../source/lesson/explains';
import {buildLesson} from '../source/lesson/lesson';

const boot: LifecycleEvent[] = [
	{type: 'master.starting', pid: 10, command: 'gunicorn app:app', workers: 2, preload: false, timeout: 30},
	{type: 'socket.bound', address: '127.0.0.1:8000'},
	{type: 'worker.forked', pid: 11},
	{type: 'app.loaded', pid: 11, where: 'worker', app: 'app:app'},
	{type: 'worker.ready', pid: 11},
];
const environ = {
	REQUEST_METHOD: 'GET',
	PATH_INFO: '/',
	QUERY_STRING: '',
	SERVER_NAME: 'x',
	SERVER_PORT: '8000',
	'wsgi.url_scheme': 'http' as const,
};
const cycle = (pid: number, id: string): LifecycleEvent[] => [
	{type: 'request.accepted', pid, id, method: 'GET', path: '/'},
	{type: 'wsgi.called', pid, id, environ},
	{type: 'django.dispatched', pid, id, route: '', view: 'pages.views.home'},
	{type: 'response.returned', pid, id, status: 200, reason: 'OK', bytes: 5},
	{type: 'response.sent', pid, id, status: 200, bytes: 5, ms: 1},
];
const run = (events: LifecycleEvent[], from: LifecycleState = initialState) => reduceAll(from, events);
const lastRejection = (s: LifecycleState) => s.rejected.at(-1)?.reason;

describe('the lifecycle machine', () => {
	test('boots a master and a worker', () => {
		const s = run(boot);
		expect(s.rejected).toEqual([]);
		expect(s.master).toMatchObject({
			pid: 10,
			state: 'running',
			address: '127.0.0.1:8000',
			wanted: 2,
			appLoaded: false,
		});
		expect(s.workers).toEqual([expect.objectContaining({pid: 11, state: 'idle', appLoaded: true, served: 0})]);
		expect(s.history.map(h => h.seq)).toEqual([1, 2, 3, 4, 5]);
	});

	test('a request moves through every phase and frees the worker', () => {
		const s0 = run(boot);
		const phases: string[] = [];
		let s = s0;
		for (const e of cycle(11, 'r1')) {
			s = reduce(s, e);
			phases.push(s.last!.phase);
		}
		expect(phases).toEqual(['accepted', 'wsgi', 'django', 'returned', 'sent']);
		expect(s.requests).toEqual({});
		expect(s.served).toBe(1);
		expect(s.workers[0]).toMatchObject({state: 'idle', served: 1, requests: []});
		expect(s.last).toMatchObject({status: 200, bytes: 5, view: 'pages.views.home'});
	});

	test('with --preload the master holds the app and forks inherit it', () => {
		const s = run([
			{...(boot[0] as Extract<LifecycleEvent, {type: 'master.starting'}>), preload: true},
			boot[1],
			{type: 'app.loaded', pid: 10, where: 'master', app: 'app:app'},
			{type: 'worker.forked', pid: 11},
			{type: 'worker.ready', pid: 11},
		]);
		expect(s.rejected).toEqual([]);
		expect(s.master.appLoaded).toBe(true);
		expect(s.workers[0]).toMatchObject({appLoaded: true, state: 'idle'});
	});

	test('timeouts, exits, TTIN/TTOU, reload and shutdown', () => {
		let s = run([...boot, cycle(11, 'r1')[0]]);
		s = run(
			[
				{type: 'worker.timeout', pid: 11},
				{type: 'worker.exited', pid: 11, reason: 'timeout', signal: 'SIGABRT'},
			],
			s,
		);
		expect(s.rejected).toEqual([]);
		expect(s.workers[0]).toMatchObject({state: 'dead', exitReason: 'timeout', timedOut: true});
		expect(s.last?.phase).toBe('aborted');
		expect(s.requests).toEqual({});
		s = run(
			[
				{type: 'worker.forked', pid: 12},
				{type: 'app.loaded', pid: 12, where: 'worker', app: 'a'},
				{type: 'worker.ready', pid: 12},
				{type: 'workers.changed', from: 2, to: 3},
			],
			s,
		);
		expect(s.master.wanted).toBe(3);
		s = run([{type: 'master.reloading'}], s);
		expect(s.master.state).toBe('reloading');
		s = run(
			[
				{type: 'worker.forked', pid: 13},
				{type: 'app.loaded', pid: 13, where: 'worker', app: 'a'},
				{type: 'worker.ready', pid: 13},
			],
			s,
		);
		expect(s.master.state).toBe('reloading'); // worker 12 is from before the HUP
		s = run(
			[
				{type: 'worker.exiting', pid: 12, reason: 'reload'},
				{type: 'worker.exited', pid: 12, reason: 'reload', code: 0},
			],
			s,
		);
		expect(s.master.state).toBe('running');
		s = run(
			[
				{type: 'master.stopping', graceful: true},
				{type: 'master.stopped', code: 0},
			],
			s,
		);
		expect(s.rejected).toEqual([]);
		expect(s.master).toMatchObject({state: 'stopped', exitCode: 0});
		expect(s.workers.every(w => w.state === 'dead')).toBe(true);
		// A new master may start after the old one stopped.
		expect(run([boot[0]], s).master.state).toBe('starting');
	});

	test('events that cannot happen now are rejected with a reason and change nothing else', () => {
		const cases: Array<[LifecycleEvent[], LifecycleEvent, RegExp]> = [
			[[], {type: 'socket.bound', address: 'x'}, /while the master starts/],
			[[], {type: 'worker.forked', pid: 1}, /only a running master/],
			[[boot[0]], {type: 'worker.forked', pid: 11}, /binds its socket before it forks/],
			[boot, boot[0], /already running/],
			[boot, {type: 'worker.forked', pid: 11}, /already exists/],
			[boot.slice(0, 3), {type: 'worker.ready', pid: 11}, /before the app is loaded/],
			[boot, {type: 'app.loaded', pid: 11, where: 'worker', app: 'a'}, /idle, the app is imported while booting/],
			[boot, {type: 'app.loaded', pid: 11, where: 'master', app: 'a'}, /not the master/],
			[boot, {type: 'wsgi.called', pid: 11, id: 'nope', environ}, /no request nope/],
			[[...boot, cycle(11, 'r')[0]], cycle(11, 'r2')[0], /one request at a time/],
			[[...boot, cycle(11, 'r')[0]], cycle(11, 'r')[3], /at "accepted", not wsgi or django/],
			[[...boot, cycle(11, 'r')[0]], cycle(11, 'r')[4], /not returned/],
			[
				boot,
				{type: 'request.accepted', pid: 99, id: 'x', method: 'GET', path: '/'},
				/no live worker with pid 99/,
			],
			[boot, {type: 'workers.changed', from: 1, to: 0}, /at least one worker/],
			[[], {type: 'master.stopping', graceful: true}, /no master/],
			[[], {type: 'master.reloading'}, /not running/],
			[
				[...boot, {type: 'worker.exited', pid: 11, reason: 'killed'}],
				{type: 'worker.exited', pid: 11, reason: 'killed'},
				/no live worker/,
			],
		];
		for (const [before, event, reason] of cases) {
			const s0 = run(before);
			expect(s0.rejected, JSON.stringify(before)).toEqual([]);
			const s1 = reduce(s0, event);
			expect(lastRejection(s1), event.type).toMatch(reason);
			expect(check(s0, event)).toMatch(reason);
			expect({...s1, rejected: []}).toEqual({...s0, rejected: []});
		}
	});

	test('history is bounded, and old entries fold into a base the selectors replay from', () => {
		let s = run(boot);
		for (let i = 0; i < HISTORY_LIMIT; i++) s = run(cycle(11, `r${i}`), s);
		expect(s.history).toHaveLength(HISTORY_LIMIT);
		expect(s.seq).toBe(boot.length + HISTORY_LIMIT * 5);
		expect(s.base?.served).toBeGreaterThan(0);
		const rows = executionTable(s);
		expect(rows).toHaveLength(HISTORY_LIMIT);
		expect(rows.at(-1)?.worker).toBe('11 listening');
	});
});

describe('the wire format', () => {
	test('round-trips every event type and rejects bad lines', () => {
		const events = [
			...boot,
			...cycle(11, 'r1'),
			{type: 'worker.exited', pid: 11, reason: 'killed', signal: 'SIGKILL'},
		] as LifecycleEvent[];
		for (const e of events) expect(parseEvent(formatEvent(e))).toEqual({event: e});
		expect(parseEvent('nope')).toEqual({error: 'not JSON'});
		expect(parseEvent('{"type":"worker.lunch"}')).toMatchObject({
			error: expect.stringMatching(/unknown event type/),
		});
		expect(parseEvent('{"type":"worker.forked","pid":"12"}')).toMatchObject({
			error: 'worker.forked: bad or missing "pid"',
		});
		expect(parseEvent('{"type":"worker.exited","pid":1,"reason":"bored"}')).toMatchObject({
			error: expect.stringMatching(/reason/),
		});
	});

	test('every event type has a flow node and a lesson step', () => {
		expect(EVENT_TYPES).toHaveLength(17);
		expect(nodeOf(cycle(1, 'r')[2])).toBe('django');
		expect(stepsExplaining(buildLesson(), cycle(1, 'r')[2])).toEqual([5]);
		expect(stepsExplaining(buildLesson(), {type: 'worker.timeout', pid: 1})).toEqual([8]);
	});
});

describe('derived views', () => {
	test('the table has one row per cut, with state columns from the machine', () => {
		const s = run([...boot, ...cycle(11, 'r1')]);
		const rows = executionTable(s, [2, 5, 10]);
		expect(rows.map(r => r.action)).toEqual([
			'Run gunicorn app:app',
			'Master forks worker 11',
			'GET / served by 11',
		]);
		expect(rows[0]).toMatchObject({
			gunicorn: 'Running (pid 10)',
			worker: 'No workers yet',
			output: 'Starting gunicorn 20.1.0 · Listening at: http://127.0.0.1:8000 (10)',
		});
		expect(rows[2]).toMatchObject({
			worker: '11 listening',
			django: 'Loaded in 1 worker, idle; urls.py in 11',
			output: 'HTTP/1.1 200 OK',
		});
	});

	test('the tracker reads each variable at each column', () => {
		const s = run([...boot, ...cycle(11, 'r1').slice(0, 3)]);
		const rows = variableTracker(s, [
			{label: 'Start', seq: 0},
			{label: 'Booted', seq: 5},
			{label: 'Now', seq: 8},
		]);
		expect(Object.fromEntries(rows.map(r => [r.variable, r.values]))).toEqual({
			Master: ['not running', 'running', 'running'],
			Workers: ['none', '1 listening', '1 busy/1'],
			'Django app': ['not loaded', 'loaded', 'in view'],
			Request: ['none', 'none', 'GET / in view'],
			Served: ['0', '0', '0'],
		});
	});
});

describe('folding many events at once', () => {
	test(
		'reduceArrivals reaches the state reduce reaches one ' + 'by one, past the history limit, rejections included',
		() => {
			const events: LifecycleEvent[] = [...boot];
			for (let i = 0; i < HISTORY_LIMIT / 2; i++)
				events.push(...cycle(11, `r${i}`), {type: 'worker.ready', pid: 99});
			const oneByOne = events.reduce((s, e, i) => reduce(s, e, i), initialState);
			const cuts = [0, 0, 7, 507, 3507, events.length]; // batches of 0, 7, 500, 3000 and the rest
			let many = initialState;
			for (let k = 1; k < cuts.length; k++)
				many = reduceArrivals(
					many,
					events.slice(cuts[k - 1], cuts[k]).map((e, j) => [e, cuts[k - 1] + j] as const),
				);
			expect(many).toEqual(oneByOne);
			expect(reduceArrivals(oneByOne, [[{type: 'master.stopped', code: 0}, 1, () => false]])).toBe(oneByOne);
		},
	);
});

describe('a gthread worker: several requests in flight, one per thread', () => {
	const gthread: LifecycleEvent[] = [
		{
			type: 'master.starting',
			pid: 10,
			command: 'gunicorn --threads 4',
			workers: 1,
			preload: false,
			timeout: 30,
			workerClass: 'gthread',
			threads: 4,
		},
		{type: 'socket.bound', address: '127.0.0.1:8000'},
		{type: 'worker.forked', pid: 11},
		{type: 'app.loaded', pid: 11, where: 'worker', app: 'app:app'},
		{type: 'worker.ready', pid: 11, threads: 4},
	];
	const accept = (id: string, thread: number, onConnection?: number): LifecycleEvent => ({
		type: 'request.accepted',
		pid: 11,
		id,
		method: 'GET',
		path: '/slow',
		thread,
		onConnection,
	});
	const threeBusy = () => run([...gthread, accept('11-1', 1), accept('11-2', 2), accept('11-3', 3)]);

	test('a worker with four threads holds three requests at once and says so', () => {
		const s = threeBusy();
		expect(s.rejected).toEqual([]);
		expect(s.workers[0]).toMatchObject({state: 'busy', threads: 4, requests: ['11-1', '11-2', '11-3']});
		expect(Object.keys(s.requests)).toEqual(['11-1', '11-2', '11-3']);
		expect(executionTable(s).at(-1)?.worker).toBe('11 busy 3/4');
		expect(variableTracker(s, [{label: 'now', seq: s.seq}])[1].values).toEqual(['3/4 thr busy']);
	});

	test('a thread runs one request; a fifth request waits for a free thread', () => {
		let s = threeBusy();
		s = reduce(s, accept('11-4', 2));
		expect(lastRejection(s)).toBe('thread 2 of worker 11 is running 11-2');
		s = reduceAll(s, [accept('11-4', 4), accept('11-5', 1)]);
		expect(lastRejection(s)).toBe('worker 11 has all 4 threads busy');
		expect(s.workers[0].requests).toHaveLength(4);
	});

	test('requests finish in any order; the worker is idle when the last one is sent', () => {
		let s = threeBusy();
		const finish = (id: string, keepalive = false): LifecycleEvent[] =>
			cycle(11, id)
				.slice(1, 4)
				.concat({type: 'response.sent', pid: 11, id, status: 200, bytes: 5, ms: 1, keepalive});
		s = reduceAll(s, finish('11-2', true));
		expect(s.rejected).toEqual([]);
		expect(s.workers[0]).toMatchObject({state: 'busy', requests: ['11-1', '11-3'], served: 1});
		expect(s.last).toMatchObject({id: '11-2', phase: 'sent', keepalive: true, thread: 2});
		s = reduceAll(s, [...finish('11-3'), ...finish('11-1')]);
		expect(s.workers[0]).toMatchObject({state: 'idle', requests: [], served: 3});
	});

	test('a second request over a kept-alive connection is shown as such', () => {
		const s = run([...gthread, accept('11-1', 1, 2)]);
		expect(s.last).toMatchObject({onConnection: 2, thread: 1});
		expect(executionTable(s).at(-1)?.action).toBe('GET /slow again over keep-alive by 11/t1');
	});

	test('a worker that dies loses every request it held', () => {
		const s = reduce(threeBusy(), {type: 'worker.exited', pid: 11, reason: 'killed'});
		expect(s.requests).toEqual({});
		expect(s.last).toMatchObject({phase: 'aborted'});
		expect(s.workers[0]).toMatchObject({state: 'dead', requests: []});
	});

	test('a leaving gthread worker still runs what its pool had queued; a sync worker takes nothing more', () => {
		const leaving: LifecycleEvent = {type: 'worker.exiting', pid: 11, reason: 'max-requests'};
		expect(run([...gthread, accept('11-1', 1), leaving, accept('11-2', 2)]).rejected).toEqual([]);
		const sync = run([...boot, leaving, {type: 'request.accepted', pid: 11, id: 'x', method: 'GET', path: '/'}]);
		expect(lastRejection(sync)).toBe('worker 11 is exiting; a sync worker takes one request at a time');
	});

	test('the wire format checks the new optional fields', () => {
		expect(parseEvent('{"type":"worker.ready","pid":1,"threads":0}')).toEqual({
			error: 'worker.ready: bad or missing "threads"',
		});
		expect(
			parseEvent(
				'{"type":"master.starting","pid":1,"command":"x","workers":1,' +
					'"preload":false,"timeout":30,"workerClass":"gevent"}',
			),
		).toEqual({error: 'master.starting: bad or missing "workerClass"'});
		expect(
			parseEvent(
				'{"type":"request.accepted","pid":1,"id":"a","method":"GET","path":"/","thread":2,"onConnection":3}',
			),
		).toHaveProperty('event');
	});
});
