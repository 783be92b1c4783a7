// The lesson in the project's own words: everything but the step script (script.ts).
import {lessonSteps, MASTER, WORKERS} from './script';
import type {Lesson, SampleFile, Variant} from './types';

const [A, B] = WORKERS;

function samples(variant: Variant): SampleFile[] {
	return [
		{name: 'shell', lines: [`$ gunicorn --workers 2${variant === 'preload' ? ' --preload' : ''} myproject.wsgi:application`]},
		{
			name: 'myproject/wsgi.py',
			lines: [
				'import os',
				'from django.core.wsgi import get_wsgi_application',
				'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myproject.settings")',
				'application = get_wsgi_application()',
			],
		},
		{name: 'myproject/urls.py', lines: ['from django.urls import path', 'from pages import views', '', 'urlpatterns = [path("", views.home)]']},
		{
			name: 'pages/views.py',
			lines: ['import os', 'from django.http import HttpResponse', '', 'def home(request):', '    return HttpResponse(f"Hello from worker {os.getpid()}")'],
		},
	];
}

export function buildLesson(variant: Variant = 'default'): Lesson {
	return {
		title: 'Gunicorn as the WSGI server of a Django app',
		summary:
			'A master process binds the socket and forks workers; each worker accepts connections itself, calls the Django WSGI application and sends the response back.',
		flow: [
			{node: 'client', label: 'Client', detail: 'browser or curl'},
			{node: 'master', label: 'Master', detail: 'binds, forks, supervises'},
			{node: 'worker', label: 'Worker', detail: 'accepts, parses HTTP'},
			{node: 'wsgi', label: 'WSGI app', detail: 'application(environ, ...)'},
			{node: 'django', label: 'Django view', detail: 'urls.py -> home()'},
			{node: 'response', label: 'Response', detail: 'status, headers, body'},
		],
		steps: lessonSteps(variant),
		samples: samples(variant),
		sampleNote:
			'gunicorn imports myproject.wsgi and calls the object named application for every request. Django builds that object in wsgi.py; the URLconf maps the path to a view.',
		checkpoints: [2, 3, 5, 7, 9],
		keyMoments: [
			{
				step: 3,
				question: 'Why does Gunicorn run several worker processes?',
				answer:
					'A sync worker serves one request at a time. Two workers serve two requests at once, and a worker that crashes or leaks takes only itself down: the master forks a replacement.',
			},
			{
				step: 3,
				question: 'Who imports the Django app, and when?',
				answer:
					'By default each worker imports it after it is forked (step 3), so the master holds no Django code and HUP can load new code into fresh workers. With --preload the master imports it once before forking: less memory and faster boots, but HUP no longer picks up code changes, and anything opened at import time, such as a database connection, is shared by every worker.',
			},
			{
				step: 4,
				question: 'What does the master do while a request is being served?',
				answer:
					"Nothing with the request. The kernel hands the connection to a worker's accept(). The master only watches: it checks each worker's heartbeat, reaps the dead and forks replacements.",
			},
			{
				step: 7,
				question: "Why is the Django app 'idle' after the response, not unloaded?",
				answer:
					'It was imported once when the worker booted and lives as long as the worker does. Each request is only a call to application(); nothing is loaded again per request.',
			},
			{
				step: 8,
				question: 'What if a request takes longer than --timeout?',
				answer:
					'The busy worker stops touching its heartbeat file. After 30 seconds the master logs WORKER TIMEOUT, aborts the worker and forks a fresh one. The client of that request gets no answer.',
			},
		],
		quiz: [
			{
				id: 'workers-after-fork',
				question: 'In the execution table, what are the workers doing after step 3?',
				options: ['Waiting in accept() for requests', 'They do not exist yet', 'Processing a request', 'Terminated'],
				answer: 0,
				hint: "Read the Worker column of row 3.",
				target: {panel: 'table', step: 3, column: 'worker'},
				explanation: `After step 3 both workers (${A}, ${B}) have booted and sit in accept() on the shared socket: "listening".`,
			},
			{
				id: 'view-runs',
				question: 'At which step does the Django view run?',
				options: ['Step 4', 'Step 6', 'Step 5', 'Step 7'],
				answer: 2,
				hint: "Find the row where the Django column names a view.",
				target: {panel: 'table', step: 5, column: 'django'},
				explanation: 'Step 5: the worker calls application(environ, start_response) and Django routes the path to pages.views.home. Step 6 only hands the response back.',
			},
			{
				id: 'who-imports',
				question: 'Without --preload, which process imports myproject.wsgi?',
				options: ['The master, before it forks', 'Each worker, after it is forked', 'Only the worker that gets the first request', 'Django, again for every request'],
				answer: 1,
				hint: 'Look at the Django column of row 3, then press v to compare with --preload.',
				target: {panel: 'table', step: 3, column: 'django'},
				explanation: 'By default every worker runs get_wsgi_application() after fork. Only --preload moves the import into the master, before the fork.',
			},
			{
				id: 'one-worker',
				question: 'With a single sync worker, what would change in step 8?',
				options: ['Django would never load', 'The second request would wait until the first response is sent', 'The master would not start', 'Requests would be served faster'],
				answer: 1,
				hint: 'In the Workers row of the tracker, find the column where one worker is busy: how many are still free to accept?',
				target: {panel: 'variables', variable: 'Workers'},
				explanation: 'A sync worker handles one request at a time. With one worker, the second connection waits in the socket backlog until the first response is sent.',
			},
			{
				id: 'timeout',
				question: 'A view takes 45 seconds with the default --timeout of 30. What happens?',
				options: ['The request completes normally', 'Django answers 504 Gateway Timeout', 'The master logs WORKER TIMEOUT, kills the worker and forks a new one', 'The master finishes the request itself'],
				answer: 2,
				hint: 'Which box in the flow watches the workers?',
				target: {panel: 'flow', node: 'master'},
				explanation: 'The master supervises heartbeats. A worker silent past the timeout is aborted and replaced; its client gets no response.',
			},
		],
		snapshot: [
			'Gunicorn is a WSGI server: it speaks HTTP and calls your app as application(environ, start_response).',
			`One master process (pid ${MASTER} here) binds the socket and forks workers; it never serves requests.`,
			'Workers accept connections from the shared socket themselves; a sync worker serves one request at a time.',
			'By default each worker imports the Django app after fork; --preload imports it once in the master.',
			'Django turns environ into an HttpRequest, routes it to a view and returns the response to the worker.',
			'The master replaces dead or silent workers; TERM stops gracefully, INT and QUIT quickly, HUP reloads.',
		],
		transcript: [
			`Running "gunicorn --workers 2 myproject.wsgi:application" starts one process, the master. It reads its settings and binds the listening socket, ${'127.0.0.1:8000'} by default, before creating any worker, so that every worker inherits the same socket.`,
			`The master then forks two workers. By default each worker imports myproject.wsgi after the fork, which sets Django up and builds the application object. With --preload the master imports it once before forking instead, and the workers start with it already in memory.`,
			`Each worker waits in accept(). When a browser connects, the kernel hands the connection to one worker, say ${A}. The master takes no part in that; it only supervises.`,
			`The worker parses the HTTP request, builds the WSGI environ and calls application(environ, start_response). Django's handler runs the middleware, resolves the URL to a view and calls it. The view returns an HttpResponse, Django calls start_response with the status and headers and returns the body.`,
			`The worker writes the response to the client and closes the connection, then goes back to accept(). The app stays loaded and idle until the next call. A second request can be served by the other worker, ${B}, at the same time.`,
			'Meanwhile the master watches the workers: a dead worker is replaced, and a worker silent for longer than the timeout is killed and replaced. TERM shuts everything down gracefully, INT and QUIT quickly, HUP starts fresh workers and retires the old ones, TTIN and TTOU add and remove a worker.',
		],
		liveNotes: {
			'worker.timeout': 'Live: this worker stopped touching its heartbeat file while busy. Past --timeout the master logs WORKER TIMEOUT and aborts it.',
			'worker.exiting': 'Live: a worker was asked to leave. It finishes the request it is on, then exits.',
			'worker.exited.timeout': 'Live: the master aborted a worker that was silent past --timeout: its abort handler ran and it exited with code 1. A fresh worker is forked in its place.',
			'worker.exited.killed': 'Live: a worker was killed from outside. The master reaps it and forks a replacement to keep the number of workers.',
			'worker.exited.crashed': 'Live: a worker died unexpectedly. The master reaps it and forks a replacement.',
			'worker.exited.max-requests': 'Live: the worker served --max-requests requests and retired itself; the master forks a fresh one (a cure for slow leaks).',
			'worker.exited.reload': 'Live: an old worker retired after HUP; fresh workers with the reloaded config took its place.',
			'worker.exited.removed': 'Live: TTOU asked for one fewer worker, so the master retired the oldest.',
			'worker.exited.shutdown': 'Live: the worker exited because the master is shutting down.',
			'worker.exited.boot-error': 'Live: the worker could not import the app. The master stops instead of forking again and again.',
			'workers.changed': 'Live: TTIN or TTOU changed how many workers the master keeps alive.',
			'master.reloading': 'Live: HUP. The master reloads its configuration, forks fresh workers, then gracefully stops the old ones.',
		},
		preloadNotes: [
			'Memory: the app is imported once and shared copy-on-write, instead of once per worker.',
			'Reload: HUP forks new workers from the same master, so with --preload they get the old code; restart the master to deploy.',
			'Connections: anything opened while importing (a database or cache connection) is inherited by every worker and then shared between them. Open such things per worker, after fork.',
		],
	};
}
