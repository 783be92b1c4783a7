// Chapter 1, one request's life, as data (lesson/format.ts): nine steps from the command to
// TERM. Its text names the processes by role ({master}, {worker}, {address}: lesson/names.ts).
import type {EnvironSummary, LifecycleEvent} from '../../lifecycle/events';
import type {ChapterData, StepData} from '../format';
import {REQUEST_PRELOAD_NOTES, REQUEST_TEXTS} from './request-texts';

export const MASTER = 4120;
export const WORKERS = [4121, 4122] as const;
export const ADDRESS = '127.0.0.1:8000';
const APP = 'myproject.wsgi:application';
const [A, B] = WORKERS;
const COMMAND = `gunicorn --workers 2 ${APP}`;
const PRELOADED = `gunicorn --workers 2 --preload ${APP}`;

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
export function request(pid: number, id: string, port: number, ms: number, path = '/') {
	return {
		accepted: {
			type: 'request.accepted',
			pid,
			id,
			method: 'GET',
			path,
			client: `127.0.0.1:${port}`,
		} as LifecycleEvent,
		called: {type: 'wsgi.called', pid, id, environ: environ(path, port)} as LifecycleEvent,
		dispatched: {type: 'django.dispatched', pid, id, route: '', view: 'pages.views.home'} as LifecycleEvent,
		returned: {type: 'response.returned', pid, id, status: 200, reason: 'OK', bytes: 22} as LifecycleEvent,
		sent: {type: 'response.sent', pid, id, status: 200, bytes: 22, ms} as LifecycleEvent,
	};
}

const first = request(A, `${A}-1`, 52144, 4);
const second = request(B, `${B}-1`, 52146, 3);
const boot = (pid: number): LifecycleEvent[] => [
	{type: 'app.loaded', pid, where: 'worker', app: APP},
	{type: 'worker.ready', pid},
];
const starting = (preload: boolean): LifecycleEvent => ({
	type: 'master.starting',
	pid: MASTER,
	command: preload ? PRELOADED : COMMAND,
	workers: 2,
	preload,
	timeout: 30,
});

const steps: StepData[] = [
	{
		title: 'You run gunicorn: the master starts',
		events: [starting(false)],
		narration: [
			"One process starts: the master, which Gunicorn's code calls the arbiter (pid {master} here). It reads " +
				'the ' +
				'settings: {workers:worker}, {bind}, a {timeout} second timeout.',
			"We ask for them on purpose: Gunicorn's own default is one worker ($WEB_CONCURRENCY if set), and $PORT, " +
				'when set, moves the default address to 0.0.0.0:$PORT.',
			'"{app}" names the app: import the module myproject.wsgi and use the object called application in it. ' +
				'The ' +
				'master will never handle a request itself. Its job is to keep the right number of healthy workers ' +
				'alive.',
		],
		sample: {file: 0, line: 1},
		explains: ['master.starting', 'app.loaded:master'],
		preload: {
			title: 'You run gunicorn --preload: the master starts and imports the app',
			events: [starting(true), {type: 'app.loaded', pid: MASTER, where: 'master', app: APP}],
			narration: [
				"One process starts: the master, which Gunicorn's code calls the arbiter (pid {master} here). It " +
					'reads the settings: {workers:worker}, {bind}, a {timeout} second timeout.',
				"We ask for them on purpose: Gunicorn's own default is one worker ($WEB_CONCURRENCY if set), and " +
					'$PORT, when set, moves the default address to 0.0.0.0:$PORT.',
				'With --preload the master imports myproject.wsgi right away, while it sets itself up and before it ' +
					'even logs "Starting gunicorn": Django is set up once, in the master, and every fork will start ' +
					'with it already in memory.',
			],
			sample: {file: 1, line: 4},
		},
	},
	{
		title: 'The master binds the listening socket',
		events: [{type: 'socket.bound', address: ADDRESS}],
		narration: [
			'The master opens {address} before it forks anything. Every worker will inherit this one socket, so all ' +
				'of them accept connections from the same queue and nobody has to route requests between them.',
			'The master does not import your Django code. Many tutorials say it loads the app here, but that is only ' +
				'true with --preload (press v to see that variant).',
		],
		sample: {file: 0, line: 1},
		explains: ['socket.bound'],
		preload: {
			narration: [
				'The master opens {address} before it forks anything. Every worker will inherit this one socket, so ' +
					'all of them accept connections from the same queue and nobody has to route requests between them.',
				"The app is already in the master's memory (step 1). Without --preload the master never imports your " +
					'Django code at all.',
			],
		},
	},
	{
		title: 'The master forks {workers:worker}; each imports the app',
		events: [{type: 'worker.forked', pid: A}, {type: 'worker.forked', pid: B}, ...boot(A), ...boot(B)],
		narration: [
			'fork() makes {workers:copy} of the master: workers {worker} and {worker2}, separate processes, so a ' +
				'crash ' +
				'or a leak in one does not touch the other.',
			'Each worker imports myproject.wsgi: get_wsgi_application() runs django.setup() (settings, logging, ' +
				'apps.populate()) and builds the WSGIHandler, which loads the middleware. urls.py and the views ' +
				'wait: ' +
				"Django's URL resolver imports them on the worker's first request (step 5).",
			'Idle, a sync worker waits in select() on the listening socket and on a pipe, and now and then changes ' +
				"its temp file's mode (fchmod): its heartbeat.",
		],
		sample: {file: 1, line: 4},
		explains: ['worker.forked', 'worker.ready', 'app.loaded'],
		preload: {
			title: 'The master forks {workers:worker}, app already inside',
			events: [
				{type: 'worker.forked', pid: A},
				{type: 'worker.forked', pid: B},
				{type: 'worker.ready', pid: A},
				{type: 'worker.ready', pid: B},
			],
			narration: [
				'fork() makes {workers:copy} of the master: workers {worker} and {worker2}, separate processes, so a ' +
					'crash or a leak in one does not touch the other.',
				'Each child starts with what the master imported, its pages shared copy-on-write. The sharing ' +
					'erodes: ' +
					"CPython's reference counts and garbage collector write into objects that are only read " +
					'(gc.freeze() before the fork keeps the collector off them). urls.py and the views are not among ' +
					'those pages: each worker imports them on its first request.',
				'Idle, a sync worker waits in select() on the listening socket and on a pipe, and now and then ' +
					"changes its temp file's mode (fchmod): its heartbeat.",
			],
		},
	},
	{
		title: 'A request arrives; worker {worker} accepts it',
		events: [first.accepted],
		narration: [
			'A browser connects to {address} and sends "GET / HTTP/1.1". The connection waits in the listening ' +
				"socket's queue, in the kernel, and wakes every idle worker's select(): they race a non-blocking " +
				"accept(), {worker} wins, the losers get EAGAIN (the thundering herd of Gunicorn's FAQ). The " +
				'master is ' +
				'not involved.',
			'It is not round-robin: under a light load one worker often takes most requests. {worker} reads the ' +
				'request line and headers; a sync worker accepts nothing else until it has answered.',
		],
		explains: ['request.accepted'],
	},
	{
		title: 'The worker calls the WSGI app; Django picks the view',
		events: [first.called, first.dispatched],
		narration: [
			"The worker builds environ, a dict with REQUEST_METHOD, PATH_INFO, REMOTE_ADDR (the client's address, " +
				'127.0.0.1), REMOTE_PORT (its port, 52144) and more, and calls application(environ, start_response): ' +
				'the first half of the WSGI contract.',
			"application is Django's WSGIHandler: the middleware runs, the URL resolver matches '' in urls.py to " +
				'pages.views.home, and the view is called.',
			"This is {worker}'s first request, so the resolver imports myproject.urls and pages.views now, not at " +
				'boot: the first request of every worker pays for it.',
		],
		sample: {file: 2, line: 4},
		explains: ['wsgi.called', 'django.dispatched'],
	},
	{
		title: 'The view returns; Django hands back the response',
		events: [first.returned],
		narration: [
			"home() returns an HttpResponse. Django's handler calls start_response('200 OK', headers) and returns " +
				'the response object itself to the worker: an iterable of bytes with a close() method.',
			'Nothing has reached the client yet: the response is still inside the worker process.',
		],
		sample: {file: 3, line: 5},
		explains: ['response.returned'],
	},
	{
		title: 'Worker {worker} sends the response and closes',
		events: [first.sent],
		narration: [
			'The worker writes the status line and headers, iterates the body writing each chunk, then calls the ' +
				"body's " +
				"close(): the end of the WSGI contract. Django's close() sends the request_finished signal, which " +
				'closes database connections that are broken or older than CONN_MAX_AGE. Then the worker closes the ' +
				'connection (the sync worker keeps none alive). The browser shows "Hello from worker {worker}".',
			'The worker goes back to waiting. Django stays imported in its memory, ready for the next call; nothing ' +
				'is loaded again per request.',
		],
		explains: ['response.sent'],
	},
	{
		title: 'The next request goes to worker {worker2}',
		events: [second.accepted, second.called, second.dispatched, second.returned, second.sent],
		narration: [
			'Another request arrives. This time worker {worker2} happens to win the race for accept() ({worker} was ' +
				"free too: the kernel does not take turns), and runs the same cycle. It is {worker2}'s first " +
				'request, ' +
				"so its resolver imports urls.py and the views now, as {worker}'s did.",
			'Two workers can serve two requests at the same moment; with both busy, new connections wait in the ' +
				"socket's queue. That is why you run several: a sync worker handles one request at a time. A common " +
				'starting point is (2 x CPU cores) + 1.',
		],
		// Live, everything the master does to keep its workers is narrated here.
		explains: ['worker.timeout', 'worker.exiting', 'worker.exited', 'workers.changed', 'master.reloading'],
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
			'kill -TERM (what systemd sends) asks for a graceful stop. The master first closes the listening socket, ' +
				'then sends TERM to every worker; each finishes the request it is on and exits, and the master waits ' +
				'up to --graceful-timeout (30 s) before killing stragglers. A connection that arrives during that ' +
				'wait is not served: no worker accepts any more.',
			'Ctrl+C sends INT, a quick shutdown: the master closes the socket the same way and sends QUIT, and the ' +
				'workers exit at once, so requests in flight are cut off. Either way the master reaps its children ' +
				'and exits last.',
		],
		explains: ['master.stopping', 'master.stopped'],
	},
];

export const REQUEST: ChapterData = {
	...REQUEST_TEXTS,
	cast: {master: MASTER, workers: [...WORKERS], address: ADDRESS, count: 2, timeout: 30, app: APP},
	steps,
	samples: [
		{name: 'shell', lines: [`$ ${COMMAND}`], preload: {lines: [`$ ${PRELOADED}`]}},
		{
			name: 'myproject/wsgi.py',
			lines: [
				'import os',
				'from django.core.wsgi import get_wsgi_application',
				'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myproject.settings")',
				'application = get_wsgi_application()',
			],
		},
		{
			name: 'myproject/urls.py',
			lines: [
				'from django.urls import path',
				'from pages import views',
				'',
				'urlpatterns = [path("", views.home)]',
			],
		},
		{
			name: 'pages/views.py',
			lines: [
				'import os',
				'from django.http import HttpResponse',
				'',
				'def home(request):',
				'    return HttpResponse(f"Hello from worker {os.getpid()}")',
			],
		},
	],
	preloadNotes: REQUEST_PRELOAD_NOTES,
	tracker: {final: 'Final'},
	// Its labs (source/labs/labs.ts): predict, act on a real server, compare.
	labs: ['queueing', 'queueing-ttin', 'accept'],
};
