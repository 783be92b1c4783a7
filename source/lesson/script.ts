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
	REMOTE_ADDR: `127.0.0.1:${port}`,
	'wsgi.url_scheme': 'http',
});

/** One request's whole journey through a worker, split where the lesson pauses. */
function request(pid: number, id: string, port: number, ms: number) {
	return {
		accepted: {type: 'request.accepted', pid, id, method: 'GET', path: '/', client: `127.0.0.1:${port}`} as LifecycleEvent,
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
			: [{type: 'app.loaded', pid, where: 'worker', app: APP}, {type: 'worker.ready', pid}];

	return [
		{
			title: preload ? 'You run gunicorn --preload: the master starts and imports the app' : 'You run gunicorn: the master starts',
			events: [
				{type: 'master.starting', pid: MASTER, command, workers: 2, preload, timeout: 30},
				...(preload ? [{type: 'app.loaded', pid: MASTER, where: 'master', app: APP} as LifecycleEvent] : []),
			],
			narration: [
				`One process starts: the master, which Gunicorn's code calls the arbiter (pid ${MASTER} here). It reads the settings: two workers, the default address ${ADDRESS}, a 30 second timeout.`,
				preload
					? `With --preload the master imports myproject.wsgi right away, while it sets itself up and before it even logs "Starting gunicorn": Django is set up once, in the master, and every fork will start with it already in memory.`
					: `"${APP}" names the app: import the module myproject.wsgi and use the object called application in it. The master will never handle a request itself. Its job is to keep the right number of healthy workers alive.`,
			],
			sample: preload ? {file: 1, line: 4} : {file: 0, line: 1},
		},
		{
			title: 'The master binds the listening socket',
			events: [{type: 'socket.bound', address: ADDRESS}],
			narration: [
				`The master opens ${ADDRESS} before it forks anything. Every worker will inherit this one socket, so all of them accept connections from the same queue and nobody has to route requests between them.`,
				preload
					? 'The app is already in the master\'s memory (step 1). Without --preload the master never imports your Django code at all.'
					: 'The master does not import your Django code. Many tutorials say it loads the app here, but that is only true with --preload (press v to see that variant).',
			],
			sample: {file: 0, line: 1},
		},
		{
			title: preload ? 'The master forks two workers, app already inside' : 'The master forks two workers; each imports the app',
			events: [{type: 'worker.forked', pid: A}, {type: 'worker.forked', pid: B}, ...boot(A), ...boot(B)],
			narration: [
				`fork() makes two copies of the master: workers ${A} and ${B}. They are separate processes with their own memory, so a crash or a leak in one does not touch the other.`,
				preload
					? 'Each child starts with the app the master imported: the memory pages are shared copy-on-write until a worker writes to them. The workers go straight to their accept() loop.'
					: `Each worker now imports myproject.wsgi: get_wsgi_application() runs django.setup(), loads settings, apps and the URLconf. Then it waits in accept(), and touches a temp file now and then as a heartbeat for the master.`,
			],
			sample: {file: 1, line: 4},
		},
		{
			title: `A request arrives; worker ${A} accepts it`,
			events: [first.accepted],
			narration: [
				`A browser connects to ${ADDRESS} and sends "GET / HTTP/1.1". The kernel gives the connection to whichever worker's accept() call gets it first, here ${A}. The master is not involved at all.`,
				`Worker ${A} reads the request line and headers. It is a sync worker: until this request is answered it will accept nothing else.`,
			],
		},
		{
			title: 'The worker calls the WSGI app; Django picks the view',
			events: [first.called, first.dispatched],
			narration: [
				'The worker turns the request into environ, a dict with REQUEST_METHOD, PATH_INFO, QUERY_STRING, SERVER_NAME and friends, and calls application(environ, start_response). This call is the whole WSGI contract.',
				"application is Django's WSGIHandler. It runs the middleware, resolves the path '' against urls.py, finds pages.views.home and calls it with an HttpRequest.",
			],
			sample: {file: 2, line: 4},
		},
		{
			title: 'The view returns; Django hands back the response',
			events: [first.returned],
			narration: [
				"home() returns an HttpResponse. Django's handler calls start_response('200 OK', headers) and returns the body as an iterable of bytes.",
				'Nothing has reached the client yet: the response is still inside the worker process.',
			],
			sample: {file: 3, line: 5},
		},
		{
			title: `Worker ${A} sends the response and closes`,
			events: [first.sent],
			narration: [
				`The worker writes the status line, the headers and the body to the socket, then closes the connection: the sync worker does not keep connections alive. The browser shows "Hello from worker ${A}".`,
				'The worker goes back to accept(). Django stays imported and idle in its memory, ready for the next call; nothing is loaded again per request.',
			],
		},
		{
			title: `The next request goes to worker ${B}`,
			events: [second.accepted, second.called, second.dispatched, second.returned, second.sent],
			narration: [
				`Another request arrives. This time worker ${B} wins the accept() and runs the same cycle. Two workers can serve two requests at the same moment; with both busy, new connections wait in the socket's backlog.`,
				'That is why you run several workers: a sync worker handles one request at a time. A common starting point is (2 x CPU cores) + 1.',
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
				'kill -TERM (what systemd sends) asks for a graceful stop: the master passes TERM to every worker, each finishes the request it is on and exits, and the master waits up to --graceful-timeout (30 s) before killing stragglers.',
				'Ctrl+C sends INT, a quick shutdown: the master tells the workers to quit at once, so requests in flight are cut off. Either way the master closes the socket, reaps its children and exits last.',
			],
		},
	];
}
