// Chapter 1's words beside its steps (request.ts): flow, key moments, quiz, snapshot, transcript.
import type {ChapterData} from '../format';

export const REQUEST_TEXTS: Omit<ChapterData, 'steps' | 'samples' | 'cast'> = {
	title: 'Gunicorn as the WSGI server of a Django app',
	summary:
		'A master process binds the socket and forks workers; each worker accepts connections itself, calls the ' +
		'Django WSGI application and sends the response back.',
	flow: [
		{node: 'client', label: 'Client', detail: 'a browser or curl connects'},
		{node: 'socket', label: 'Listening socket', detail: "the kernel's queue of connections"},
		{
			node: 'worker',
			label: 'Worker',
			detail: 'accept(), parses HTTP, calls application(environ, start_response)',
		},
		{node: 'django', label: 'Django', detail: 'WSGIHandler: middleware, URL resolver, view'},
		{node: 'response', label: 'Response', detail: 'written back to the client by the worker'},
		{
			node: 'master',
			label: 'Master',
			detail: 'binds the socket, forks, signals and watches the workers; never on the request path',
			apart: true,
		},
	],
	sampleNote:
		'gunicorn imports myproject.wsgi and calls the object named application for every request. Django builds ' +
		'that object in wsgi.py; urls.py maps the path to a view, and is imported only when a worker resolves ' +
		'its first request.',
	checkpoints: [2, 3, 5, 7, 9],
	keyMoments: [
		{
			step: 3,
			question: 'Why does Gunicorn run several worker processes?',
			answer:
				'A sync worker serves one request at a time. Two workers serve two requests at once, and a ' +
				'worker that crashes or leaks takes only itself down: the master forks a replacement.',
		},
		{
			step: 3,
			question: 'Who imports the Django app, and when?',
			answer:
				'By default each worker imports it after it is forked (step 3), so the master holds no ' +
				'Django code and HUP can load new code into fresh workers. With --preload the master imports it ' +
				'once before forking: faster boots and some shared memory, but HUP no longer picks up code ' +
				'changes, and anything opened at import time is shared by every worker. Either way urls.py and ' +
				"the views are imported later, by each worker's first request (step 5).",
		},
		{
			step: 4,
			question: 'What does the master do while a request is being served?',
			answer:
				"Nothing with the request. The connection waits in the kernel's queue for the listening " +
				'socket; the idle workers wake and race to accept() it. The master only watches: it checks each ' +
				"worker's heartbeat, reaps the dead and forks replacements.",
		},
		{
			step: 7,
			question: "Why is the Django app 'idle' after the response, not unloaded?",
			answer:
				'It was imported when the worker booted (urls.py and the views on its first request) and ' +
				'lives as long as the worker does. Each request is only a call to application(), the iteration ' +
				'of its body and its close(); nothing is loaded again per request.',
		},
		{
			step: 8,
			question: 'What if a request takes longer than --timeout?',
			answer:
				'The busy worker stops touching its heartbeat file. After 30 seconds the master logs WORKER ' +
				'TIMEOUT, aborts the worker and forks a fresh one. The client of that request gets no answer. A ' +
				"sync worker blocked reading a slow client's upload is just as silent, so it times out too: that " +
				'is why a buffering proxy such as nginx goes in front of sync workers.',
		},
	],
	quiz: [
		{
			id: 'workers-after-fork',
			question: 'In the execution table, what are the workers doing after step 3?',
			options: [
				'Waiting for connections on the shared socket',
				'They do not exist yet',
				'Processing a request',
				'Terminated',
			],
			answer: 0,
			hint: 'Read the Worker column of row 3.',
			target: {panel: 'table', step: 3, column: 'worker'},
			explanation:
				`After step 3 both workers ({worker}, {worker2}) have booted and wait in select() on the shared ` +
				`socket, ready to race for accept(): "listening".`,
		},
		{
			id: 'view-runs',
			question: 'At which step does the Django view run?',
			options: ['Step 4', 'Step 6', 'Step 5', 'Step 7'],
			answer: 2,
			hint: 'Find the row where the Django column names a view.',
			target: {panel: 'table', step: 5, column: 'django'},
			explanation:
				'Step 5: the worker calls application(environ, start_response) and Django routes the path to ' +
				'pages.views.home. Step 6 only hands the response back.',
		},
		{
			id: 'who-imports',
			question: 'Without --preload, which process imports myproject.wsgi?',
			options: [
				'The master, before it forks',
				'Each worker, after it is forked',
				'Only the worker that gets the first request',
				'Django, again for every request',
			],
			answer: 1,
			hint: 'Look at the Django column of row 3, then press v to compare with --preload.',
			target: {panel: 'table', step: 3, column: 'django'},
			explanation:
				'By default every worker runs get_wsgi_application() after fork. Only --preload moves the import ' +
				'into the master, before the fork.',
		},
		{
			id: 'one-worker',
			question:
				'With one sync worker, a second request arrives while the first is in the view (step 5). What ' +
				'happens to it?',
			options: [
				'Django loads a second copy of the app for it',
				"It waits in the socket's queue until the first response is sent",
				'The master serves it',
				'It is refused at once',
			],
			answer: 1,
			hint:
				'In the Workers row of the tracker, find the column where one worker is busy: with only that ' +
				'one, how many would be free to accept?',
			target: {panel: 'variables', variable: 'Workers'},
			explanation:
				'A sync worker handles one request at a time. With one worker, the second connection waits in ' +
				"the listening socket's queue until the first response is sent. In the lesson's step 8 the " +
				'second request comes after the first response, so one worker would simply serve it; two workers ' +
				'matter when requests overlap.',
		},
		{
			id: 'timeout',
			question: 'A view takes 45 seconds with the default --timeout of 30. What happens?',
			options: [
				'The request completes normally',
				'Django answers 504 Gateway Timeout',
				'The master logs WORKER TIMEOUT, aborts the worker and forks a new one',
				'The master finishes the request itself',
			],
			answer: 2,
			hint: 'Which box in the flow watches the workers?',
			target: {panel: 'flow', node: 'master'},
			explanation:
				'The master supervises heartbeats. A worker silent past the timeout is aborted and replaced; its ' +
				'client gets no response.',
		},
	],
	snapshot: [
		'Gunicorn is a WSGI server: it speaks HTTP and calls your app as application(environ, start_response).',
		`One master process (pid {master} here) binds the socket and forks workers; it never serves requests.`,
		'Workers accept connections from the shared socket themselves, racing for each one (not round-robin); a ' +
			'sync worker serves one request at a time.',
		'By default each worker imports the Django app after fork; --preload imports it once in the master. ' +
			"urls.py and the views are imported by each worker's first request either way.",
		'WSGI: the server calls application(environ, start_response), iterates the body it returns and calls its ' +
			"close(); Django's close() sends request_finished.",
		'Django turns environ into an HttpRequest, routes it to a view and returns the response to the worker.',
		'The master replaces dead or silent workers; TERM stops gracefully (the socket is closed first), INT and ' +
			'QUIT quickly, HUP reloads.',
	],
	transcript: [
		`Running "gunicorn --workers 2 myproject.wsgi:application" starts one process, the master. (Without ` +
			`--workers Gunicorn runs one worker, or $WEB_CONCURRENCY.) It reads its settings and binds the ` +
			`listening socket, {address} by default (0.0.0.0:$PORT when PORT is set), before creating ` +
			`any worker, so that every worker inherits the same socket.`,
		`The master then forks two workers. By default each worker imports myproject.wsgi after the fork: ` +
			`django.setup() configures settings, logging and the apps, and the WSGIHandler loads the middleware. ` +
			`urls.py and the views wait for the worker's first request. With --preload the master imports ` +
			`myproject.wsgi once before forking instead.`,
		`Idle workers wait in select() on the listening socket. When a browser connects, the connection waits in ` +
			`the kernel's queue, every idle worker wakes and races to accept() it; one wins, say {worker}, the ` +
			`others go back to waiting. The master takes no part in that; it only supervises.`,
		`The worker parses the HTTP request, builds the WSGI environ and calls application(environ, ` +
			`start_response). Django's handler runs the middleware, the URL resolver (importing urls.py on the ` +
			`worker's first request) finds the view, and the view is called. It returns an HttpResponse; Django ` +
			`calls start_response with the status and headers and returns the response as the body.`,
		`The worker writes the status line and headers, iterates the body, calls its close() (Django then sends ` +
			`request_finished, which closes old database connections) and closes the connection. The app stays ` +
			`loaded until the next call. A second request can be served by the other worker, {worker2}, at the same ` +
			`time.`,
		'Meanwhile the master watches the workers: a dead worker is replaced, and a worker silent for longer ' +
			'than the timeout, busy in a slow view or blocked reading a slow client, is aborted and replaced. ' +
			'TERM closes the socket and shuts everything down gracefully, INT and QUIT quickly, HUP starts fresh ' +
			'workers and retires the old ones, TTIN and TTOU add and remove a worker.',
	],
	liveNotes: {
		'worker.timeout':
			'Live: this worker stopped touching its heartbeat file while busy. Past --timeout the master logs ' +
			'WORKER TIMEOUT and aborts it.',
		'worker.exiting': 'Live: a worker was asked to leave. It finishes the request it is on, then exits.',
		'worker.exited.timeout':
			'Live: the master aborted a worker that was silent past --timeout: its abort handler ran and it ' +
			'exited with code 1. A fresh worker is forked in its place.',
		'worker.exited.killed':
			'Live: a worker was killed from outside. The master reaps it and forks a replacement to keep the ' +
			'number of workers.',
		'worker.exited.crashed': 'Live: a worker died unexpectedly. The master reaps it and forks a replacement.',
		'worker.exited.max-requests':
			'Live: the worker served --max-requests requests and retired itself; the master forks a fresh one (a ' +
			'cure for slow leaks).',
		'worker.exited.reload':
			'Live: an old worker retired after HUP; fresh workers with the reloaded config took its place.',
		'worker.exited.removed': 'Live: TTOU asked for one fewer worker, so the master retired the oldest.',
		'worker.exited.shutdown': 'Live: the worker exited because the master is shutting down.',
		'worker.exited.boot-error':
			'Live: the worker could not import the app. The master stops instead of forking again and again.',
		'workers.changed': 'Live: TTIN or TTOU changed how many workers the master keeps alive.',
		'master.reloading':
			'Live: HUP. The master reloads its configuration, forks fresh workers, then gracefully stops the old ' +
			'ones.',
	},
};

export const REQUEST_PRELOAD_NOTES: string[] = [
	"Memory: the app is imported once and its pages shared copy-on-write, but CPython's reference counts and " +
		'garbage collector write to objects that are only read, so the sharing erodes (gc.freeze() before ' +
		'the fork keeps the collector off them, the known mitigation). urls.py and the views are imported ' +
		"per worker anyway, on each one's first request.",
	'Reload: HUP forks new workers from the same master, so with --preload they get the old code. To deploy, ' +
		'send USR2 (a new master starts with the new code beside the old one), then WINCH to the old master ' +
		'to retire its workers (Gunicorn 20.1 honours it only when daemonized) and TERM to stop it; or ' +
		'restart the service.',
	'Connections: Django opens its database connections lazily, in each process, on first use, so they are ' +
		'not shared. The risk is a connection or client made at import time (in settings, an ' +
		'AppConfig.ready() or at module level): every worker inherits that one socket. Open such things per ' +
		'worker, after fork.',
];
