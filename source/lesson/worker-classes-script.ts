// Chapter 3's steps as protocol events plus narration: one sync worker, then the same app on one
// gthread worker with four threads. Read against Gunicorn 20.1's workers/sync.py and
// workers/gthread.py, and current Gunicorn's where they differ (the narration says which).
import type {EnvironSummary, LifecycleEvent} from '../lifecycle/events';
import type {Step} from './types';

export const SYNC_MASTER = 4120;
export const SYNC_WORKER = 4121;
export const GTHREAD_MASTER = 4130;
export const GTHREAD_WORKER = 4131;
export const THREADS = 4;
const APP = 'myproject.wsgi:application';
export const SYNC_COMMAND = `gunicorn --workers 1 ${APP}`;
export const GTHREAD_COMMAND = `gunicorn --workers 1 --worker-class gthread --threads ${THREADS} ${APP}`;

const environ = (path: string, query: string, port: number): EnvironSummary => ({
	REQUEST_METHOD: 'GET',
	PATH_INFO: path,
	QUERY_STRING: query,
	SERVER_NAME: '127.0.0.1',
	SERVER_PORT: '8000',
	REMOTE_ADDR: '127.0.0.1',
	REMOTE_PORT: String(port),
	'wsgi.url_scheme': 'http',
});

interface Served {
	pid: number;
	id: string;
	port: number;
	ms: number;
	seconds?: number; // /slow?s=N; absent: GET /
	thread?: number;
	onConnection?: number;
	keepalive?: boolean;
}

/** One request through a worker, split where the chapter pauses: taken up, and answered. */
function request({pid, id, port, ms, seconds, thread, onConnection, keepalive}: Served) {
	const path = seconds === undefined ? '/' : '/slow';
	const query = seconds === undefined ? '' : `s=${seconds}`;
	const view = seconds === undefined ? 'pages.views.home' : 'pages.views.slow';
	// What pages/views.py answers, in bytes.
	const body = (seconds === undefined ? `Hello from worker ${pid}\n` : `Slept ${seconds} s in worker ${pid}\n`)
		.length;
	return {
		taken: [
			{
				type: 'request.accepted',
				pid,
				id,
				method: 'GET',
				path,
				...(query ? {query} : {}),
				client: `127.0.0.1:${port}`,
				...(thread ? {thread} : {}),
				...(onConnection ? {onConnection} : {}),
			},
			{type: 'wsgi.called', pid, id, environ: environ(path, query, port)},
			{type: 'django.dispatched', pid, id, route: path.slice(1), view},
		] as LifecycleEvent[],
		answered: [
			{type: 'response.returned', pid, id, status: 200, reason: 'OK', bytes: body},
			{type: 'response.sent', pid, id, status: 200, bytes: body, ms, ...(keepalive ? {keepalive} : {})},
		] as LifecycleEvent[],
	};
}

const boot = (master: number, worker: number, command: string, threads?: number): LifecycleEvent[] => [
	{
		type: 'master.starting',
		pid: master,
		command,
		workers: 1,
		preload: false,
		timeout: 30,
		workerClass: threads ? 'gthread' : 'sync',
		...(threads ? {threads} : {}),
	},
	{type: 'socket.bound', address: '127.0.0.1:8000'},
	{type: 'worker.forked', pid: worker},
	{type: 'app.loaded', pid: worker, where: 'worker', app: APP},
	{type: 'worker.ready', pid: worker, ...(threads ? {threads} : {})},
];

const stop = (worker: number): LifecycleEvent[] => [
	{type: 'master.stopping', graceful: true},
	{type: 'worker.exiting', pid: worker, reason: 'shutdown'},
	{type: 'worker.exited', pid: worker, reason: 'shutdown', code: 0},
	{type: 'master.stopped', code: 0},
];

export function workerClassSteps(): Step[] {
	const S = SYNC_WORKER;
	const G = GTHREAD_WORKER;
	const slow = request({pid: S, id: `${S}-1`, port: 52200, ms: 3004, seconds: 3});
	const queued = request({pid: S, id: `${S}-2`, port: 52202, ms: 3});
	const keep = {pid: G, keepalive: true};
	const report = request({...keep, id: `${G}-1`, port: 52210, ms: 45003, seconds: 45, thread: 1});
	const api1 = request({...keep, id: `${G}-2`, port: 52212, ms: 3002, seconds: 3, thread: 2});
	const api2 = request({...keep, id: `${G}-3`, port: 52214, ms: 3002, seconds: 3, thread: 3});
	const home = request({...keep, id: `${G}-4`, port: 52216, ms: 3, thread: 4});
	const again = request({...keep, id: `${G}-5`, port: 52216, ms: 2, thread: 4, onConnection: 2});

	return [
		{
			title: 'Sync, the default worker class: one worker, one thread',
			events: boot(SYNC_MASTER, S, SYNC_COMMAND),
			narration: [
				'No --worker-class: Gunicorn runs sync, its default, and logs "Using worker: sync". One worker ' +
					'here, so the queue shows: a sync worker serves one request at a time, in its only thread.',
				'It heartbeats (notify(), an fchmod of its temp file) in its accept loop, between requests. The ' +
					"master's --timeout, 30 s, measures how long that heartbeat has been silent.",
			],
			sample: {file: 0, line: 1},
		},
		{
			title: 'A slow view holds the sync worker; the next connection waits',
			events: slow.taken,
			narration: [
				'GET /slow?s=3: the view sleeps 3 s, standing for a slow API call or query. The worker is inside ' +
					'application(): not in select(), so it accepts nothing, and it does not heartbeat.',
				'A second browser connects meanwhile. The kernel completes the handshake and keeps the ' +
					"connection in the listening socket's queue (--backlog, 2048 by default). No event shows it: " +
					'no worker has accepted it.',
			],
			sample: {file: 2, line: 10},
		},
		{
			title: 'The answer goes, its connection closes: only then is the next accepted',
			events: [...slow.answered, ...queued.taken, ...queued.answered],
			narration: [
				'sync.py forces every connection closed after its response ("until someone shows a buffering ' +
					'proxy that supports Keep-Alive"), so --keep-alive does not apply. Then the worker accepts ' +
					'again: the connection that waited.',
				'It waited about 3 s, but Gunicorn times a request from the moment it has parsed it: the ' +
					"access log's %(D)s, the request time, shows none of the wait in the queue.",
			],
		},
		{
			title: `Restart with --worker-class gthread --threads ${THREADS}`,
			events: [...stop(S), ...boot(GTHREAD_MASTER, G, GTHREAD_COMMAND, THREADS)],
			narration: [
				"Same app, one worker, now Gunicorn's ThreadWorker: a main loop and a pool of four threads (a " +
					'ThreadPoolExecutor). --threads 4 alone does the same: config.py switches sync to gthread when ' +
					'threads > 1; 20.1 logs "Using worker: threads" then, current Gunicorn "gthread".',
				'The main loop never runs a view. It calls notify(), waits up to 1 s in select() on the ' +
					'listening socket and the kept-alive connections, accepts, and hands each connection to the ' +
					'pool.',
			],
			sample: {file: 0, line: 2},
		},
		{
			title: `Three slow views take three threads: ${G} busy 3/4`,
			events: [...report.taken, ...api1.taken, ...api2.taken],
			narration: [
				'Three requests arrive together. The main loop accepts each and submits it to the pool; a thread ' +
					'each reads the request and calls the app. time.sleep() releases the GIL, so the three wait ' +
					'side by side.',
				'One of them is /slow?s=45, longer than the 30 s timeout. Under sync that is a WORKER TIMEOUT: ' +
					'watch what happens here.',
			],
			sample: {file: 2, line: 10},
		},
		{
			title: 'The fourth thread serves a quick request; its connection stays open',
			events: [...home.taken, ...home.answered],
			narration: [
				'GET / runs on thread 4 while the others sleep, answered in milliseconds: a view that blocks ' +
					'one thread does not block the worker.',
				'HTTP/1.1 keeps a connection unless the client asks to close, so the thread hands it back to the ' +
					'main loop, which watches it for --keep-alive seconds (2 by default); murder_keepalived() then ' +
					'closes it. At most --worker-connections minus --threads are kept so.',
			],
			sample: {file: 1, line: 5},
		},
		{
			title: `The kept connection sends its next request: ${G} busy 4/4`,
			events: again.taken,
			narration: [
				'Within the 2 s the browser sends GET / again on the same connection. The main loop sees it ' +
					'readable and submits it to the pool: request 2 on its connection, no new handshake. All four ' +
					'threads are busy now.',
				'A fifth connection would still be accepted: the main loop accepts while the worker holds fewer ' +
					"than --worker-connections (1000), and it waits in the pool's queue, inside this worker, even " +
					'if another worker were idle.',
			],
			sample: {file: 1, line: 6},
		},
		{
			title: '45 s later the slow view answers: no WORKER TIMEOUT',
			events: [...again.answered, ...api1.answered, ...api2.answered, ...report.answered],
			narration: [
				'The main loop went on calling notify() at least once a second while the view slept, so the ' +
					"master saw a fresh heartbeat and /slow?s=45 answered. A gthread worker's --timeout guards " +
					'its main loop, not its requests.',
				"So nothing else bounds a request: give slow calls their own timeouts (the HTTP client's, the " +
					"database's) or let the proxy give up. A main loop starved of the GIL past 30 s, by C code " +
					'that holds it, still times out.',
			],
			sample: {file: 1, line: 4},
		},
		{
			title: 'TERM: the gthread worker lets its threads finish',
			events: stop(G),
			narration: [
				'On TERM the main loop ends within a second and stops accepting; the worker waits up to ' +
					'--graceful-timeout for the requests in its threads. 20.1 serves kept-alive connections no ' +
					'further; current Gunicorn answers one more request on each, then closes it. INT and QUIT do ' +
					'not wait.',
				'Which class, then? sync for CPU-bound views behind a buffering proxy; gthread when views wait ' +
					'on I/O, for keep-alive behind a load balancer, or to save memory. The key moments say why.',
			],
		},
	];
}
