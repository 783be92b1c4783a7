// The nine steps as protocol events plus narration. Two variants: the default (each worker
// imports the app after fork) and --preload (the master imports it once, before forking).
import type {EnvironSummary, LifecycleEvent} from '../lifecycle/events';
import type {Step, Variant} from './types';

export const MASTER = 4120;
export const WORKERS = [4121, 4122] as const;
export const ADDRESS = '127.0.0.1:8000';
const APP = 'myproject.wsgi:application';
const [A, B] = WORKERS;

const environ = (path: string, port: number): EnvironSummary => ({
	REQUEST_METHOD: 'GET',
	PATH_INFO: path,
	QUERY_STRING: '',
	SERVER_NAME: '127.0.0.1',
	SERVER_PORT: '8000',
	REMOTE_ADDR: '127.0.0.1',
	REMOTE_PORT: String(port),
	'wsgi.url_scheme': 'http',
});

/** One request's whole journey through a worker, split where the lesson pauses. */
function request(pid: number, id: string, port: number, ms: number) {
	return {
		accepted: {
			type: 'request.accepted',
			pid,
			id,
			method: 'GET',
			path: '/',
			client: `127.0.0.1:${port}`,
		} as LifecycleEvent,
		called: {type: 'wsgi.called', pid, id, environ: environ('/', port)} as LifecycleEvent,
		dispatched: {type: 'django.dispatched', pid, id, route: '', view: 'pages.views.home'} as LifecycleEvent,
		returned: {type: 'response.returned', pid, id, status: 200, reason: 'OK', bytes: 22} as LifecycleEvent,
		sent: {type: 'response.sent', pid, id, status: 200, bytes: 22, ms} as LifecycleEvent,
	};
}

export function lessonSteps(variant: Variant): Step[] {
	const preload = variant === 'preload';
	const command = `gunicorn --workers 2${preload ? ' --preload' : ''} ${APP}`;
	const first = request(A, `${A}-1`, 52144, 4);
	const second = request(B, `${B}-1`, 52146, 3);
	const boot = (pid: number): LifecycleEvent[] =>
		preload
			? [{type: 'worker.ready', pid}]
			: [
					{type: 'app.loaded', pid, where: 'worker', app: APP},
					{type: 'worker.ready', pid},
				];

	return [
		{
			title: preload
				? 'You run gunicorn --preload: the master starts and imports the app'
				: 'You run gunicorn: the master starts',
			events: [
				{type: 'master.starting', pid: MASTER, command, workers: 2, preload, timeout: 30},
				...(preload ? [{type: 'app.loaded', pid: MASTER, where: 'master', app: APP} as LifecycleEvent] : []),
			],
			narration: [
				`One process starts: the master, which Gunicorn's code calls the arbiter (pid ${MASTER} here). It ` +
					`reads the settings: two workers, the default address ${ADDRESS}, a 30 second timeout.`,
				"We ask for them on purpose: Gunicorn's own default is one worker ($WEB_CONCURRENCY if set), and " +
					'$PORT, when set, moves the default address to 0.0.0.0:$PORT.',
				preload
					? `With --preload the master imports myproject.wsgi right away, while it sets itself up and ` +
						`before it even logs "Starting gunicorn": Django is set up once, in the master, and every ` +
						`fork will start with it already in memory.`
					: `"${APP}" names the app: import the module myproject.wsgi and use the object called ` +
						`application in it. The master will never handle a request itself. Its job is to keep the ` +
						`right number of healthy workers alive.`,
			],
			sample: preload ? {file: 1, line: 4} : {file: 0, line: 1},
		},
		{
			title: 'The master binds the listening socket',
			events: [{type: 'socket.bound', address: ADDRESS}],
			narration: [
				`The master opens ${ADDRESS} before it forks anything. Every worker will inherit this one socket, so ` +
					`all of them accept connections from the same queue and nobody has to route requests between them.`,
				preload
					? "The app is already in the master's memory (step 1). Without --preload the master never " +
						'imports your Django code at all.'
					: 'The master does not import your Django code. Many tutorials say it loads the app here, but ' +
						'that is only true with --preload (press v to see that variant).',
			],
			sample: {file: 0, line: 1},
		},
		{
			title: preload
				? 'The master forks two workers, app already inside'
				: 'The master forks two workers; each imports the app',
			events: [{type: 'worker.forked', pid: A}, {type: 'worker.forked', pid: B}, ...boot(A), ...boot(B)],
			narration: [
				`fork() makes two copies of the master: workers ${A} and ${B}, separate processes, so a crash or a ` +
					`leak in one does not touch the other.`,
				preload
					? 'Each child starts with what the master imported, its pages shared copy-on-write. The sharing ' +
						"erodes: CPython's reference counts and garbage collector write into objects that are only " +
						'read (gc.freeze() before the fork keeps the collector off them). urls.py and the views are ' +
						'not among those pages: each worker imports them on its first request.'
					: 'Each worker imports myproject.wsgi: get_wsgi_application() runs django.setup() (settings, ' +
						'logging, apps.populate()) and builds the WSGIHandler, which loads the middleware. urls.py ' +
						"and the views wait: Django's URL resolver imports them on the worker's first request (step " +
						'5).',
				'Idle, a sync worker waits in select() on the listening socket and on a pipe, and now and then ' +
					"changes its temp file's mode (fchmod): its heartbeat.",
			],
			sample: {file: 1, line: 4},
		},
		{
			title: `A request arrives; worker ${A} accepts it`,
			events: [first.accepted],
			narration: [
				`A browser connects to ${ADDRESS} and sends "GET / HTTP/1.1". The connection waits in the listening ` +
					`socket's queue, in the kernel, and wakes every idle worker's select(): they race a non-blocking ` +
					`accept(), ${A} wins, the losers get EAGAIN (the thundering herd of Gunicorn's FAQ). The master ` +
					`is not involved.`,
				`It is not round-robin: under a light load one worker often takes most requests. ${A} reads the ` +
					`request line and headers; a sync worker accepts nothing else until it has answered.`,
			],
		},
		{
			title: 'The worker calls the WSGI app; Django picks the view',
			events: [first.called, first.dispatched],
			narration: [
				"The worker builds environ, a dict with REQUEST_METHOD, PATH_INFO, REMOTE_ADDR (the client's " +
					'address, 127.0.0.1), REMOTE_PORT (its port, 52144) and more, and calls application(environ, ' +
					'start_response): the first half of the WSGI contract.',
				"application is Django's WSGIHandler: the middleware runs, the URL resolver matches '' in urls.py to " +
					'pages.views.home, and the view is called.',
				`This is ${A}'s first request, so the resolver imports myproject.urls and pages.views now, not at ` +
					`boot: the first request of every worker pays for it.`,
			],
			sample: {file: 2, line: 4},
		},
		{
			title: 'The view returns; Django hands back the response',
			events: [first.returned],
			narration: [
				"home() returns an HttpResponse. Django's handler calls start_response('200 OK', headers) and " +
					'returns the response object itself to the worker: an iterable of bytes with a close() method.',
				'Nothing has reached the client yet: the response is still inside the worker process.',
			],
			sample: {file: 3, line: 5},
		},
		{
			title: `Worker ${A} sends the response and closes`,
			events: [first.sent],
			narration: [
				`The worker writes the status line and headers, iterates the body writing each chunk, then calls the ` +
					`body's close(): the end of the WSGI contract. Django's close() sends the request_finished ` +
					`signal, which closes database connections that are broken or older than CONN_MAX_AGE. Then the ` +
					`worker closes the connection (the sync worker keeps none alive). The browser shows "Hello from ` +
					`worker ${A}".`,
				'The worker goes back to waiting. Django stays imported in its memory, ready for the next call; ' +
					'nothing is loaded again per request.',
			],
		},
		{
			title: `The next request goes to worker ${B}`,
			events: [second.accepted, second.called, second.dispatched, second.returned, second.sent],
			narration: [
				`Another request arrives. This time worker ${B} happens to win the race for accept() (${A} was free ` +
					`too: the kernel does not take turns), and runs the same cycle. It is ${B}'s first request, so ` +
					`its resolver imports urls.py and the views now, as ${A}'s did.`,
				'Two workers can serve two requests at the same moment; with both busy, new connections wait in the ' +
					"socket's queue. That is why you run several: a sync worker handles one request at a time. A " +
					'common starting point is (2 x CPU cores) + 1.',
			],
		},
		{
			title: 'TERM: a graceful shutdown',
			events: [
				{type: 'master.stopping', graceful: true},
				{type: 'worker.exiting', pid: A, reason: 'shutdown'},
				{type: 'worker.exiting', pid: B, reason: 'shutdown'},
				{type: 'worker.exited', pid: A, reason: 'shutdown', code: 0},
				{type: 'worker.exited', pid: B, reason: 'shutdown', code: 0},
				{type: 'master.stopped', code: 0},
			],
			narration: [
				'kill -TERM (what systemd sends) asks for a graceful stop. The master first closes the listening ' +
					'socket, then sends TERM to every worker; each finishes the request it is on and exits, and the ' +
					'master waits up to --graceful-timeout (30 s) before killing stragglers. A connection that ' +
					'arrives during that wait is not served: no worker accepts any more.',
				'Ctrl+C sends INT, a quick shutdown: the master closes the socket the same way and sends QUIT, and ' +
					'the workers exit at once, so requests in flight are cut off. Either way the master reaps its ' +
					'children and exits last.',
			],
		},
	];
}

/**
 * Live on a gthread worker (--worker-class gthread, or --threads > 1), the sync-only sentences
 * above become what Gunicorn's ThreadWorker does (workers/gthread.py): [as written, live].
 */
export const THREADED_WORDS: ReadonlyArray<readonly [string, string]> = [
	[
		'Idle, a sync worker waits in select() on the listening socket and on a pipe, and now and then ' +
			"changes its temp file's mode (fchmod): its heartbeat.",
		"Idle, a gthread worker's main loop waits up to a second in select() on the listening socket and its " +
			"kept-alive connections, and changes its temp file's mode (fchmod) on every turn: its heartbeat.",
	],
	[
		'reads the request line and headers; a sync worker accepts nothing else until it has answered.',
		'hands it to a thread of its pool to read and serve; its main loop goes on accepting.',
	],
	[
		'Then the worker closes the connection (the sync worker keeps none alive).',
		"Then the thread hands the connection back to the worker's main loop, which keeps it --keep-alive " +
			'seconds for the next request, or closes it.',
	],
	[
		"Two workers can serve two requests at the same moment; with both busy, new connections wait in the socket's " +
			'queue. That is why you run several: a sync worker handles one request at a time.',
		'A gthread worker serves one request per thread at the same moment; with every thread busy its main ' +
			"loop still accepts, and new connections wait in its pool's queue. Threads help views that wait; " +
			'CPU-bound views need more workers.',
	],
	['each finishes the request it is on and exits', 'each finishes the requests its threads are on and exits'],
	['sends the response and closes', 'sends the response'], // step 7's title: the connection may be kept
];
