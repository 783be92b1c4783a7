// Chapter 3, worker classes: sync against gthread, in the project's own words. The steps are in
// worker-classes-script.ts; every claim was read in Gunicorn 20.1's workers/sync.py, gthread.py and
// config.py, and in current Gunicorn's where they differ.
import {buildLesson} from './lesson';
import type {Lesson, SampleFile} from './types';
import {GTHREAD_WORKER, SYNC_WORKER, THREADS, workerClassSteps} from './worker-classes-script';

const S = SYNC_WORKER;
const G = GTHREAD_WORKER;

const samples: SampleFile[] = [
	{
		name: 'shell',
		lines: [
			'$ gunicorn --workers 1 myproject.wsgi:application',
			`$ gunicorn --workers 1 --worker-class gthread --threads ${THREADS} \\`,
			'      myproject.wsgi:application',
		],
	},
	{
		name: 'gunicorn.conf.py',
		lines: [
			'workers = 1',
			'worker_class = "gthread"   # --worker-class, -k',
			`threads = ${THREADS}                # the pool of each worker`,
			'timeout = 30               # guards the main loop, not a request',
			'keepalive = 2              # --keep-alive: seconds a kept connection waits',
			'worker_connections = 1000  # per worker: kept or in its pool',
		],
	},
	{
		name: 'pages/views.py',
		lines: [
			'import os',
			'import time',
			'',
			'from django.http import HttpResponse',
			'',
			'def home(request):',
			'    return HttpResponse("Hello from worker %d\\n" % os.getpid())',
			'',
			'def slow(request):',
			'    seconds = float(request.GET.get("s", "5"))  # a slow API call',
			'    time.sleep(seconds)',
			'    return HttpResponse("Slept %g s in worker %d\\n"',
			'                        % (seconds, os.getpid()))',
		],
	},
];

export function buildWorkerClasses(): Lesson {
	const base = buildLesson('default');
	return {
		labs: ['timeout-gthread', 'queueing-gthread', 'slow-client', 'preload-memory'],
		title: 'Worker classes: sync and gthread',
		summary:
			'A sync worker runs one request at a time and heartbeats only between requests; a gthread worker runs ' +
			'one per thread of its pool, while its main loop accepts, keeps connections alive and heartbeats.',
		flow: [
			{node: 'client', label: 'Client', detail: 'a browser or curl; with gthread it may keep its connection'},
			{node: 'socket', label: 'Listening socket', detail: "the kernel's queue of connections not yet accepted"},
			{
				node: 'worker',
				label: 'Worker',
				detail:
					'sync: accepts, parses and calls the app itself; gthread: a main loop hands each connection to ' +
					'a thread',
			},
			{node: 'django', label: 'Django', detail: 'the same WSGIHandler, called from one thread or from several'},
			{
				node: 'response',
				label: 'Response',
				detail: 'sync closes the connection; gthread can keep it for the next',
			},
			{
				node: 'master',
				label: 'Master',
				detail: "watches each worker's heartbeat: --timeout measures the silence of the loop that notifies",
				apart: true,
			},
		],
		steps: workerClassSteps(),
		samples,
		sampleNote:
			'The two commands differ only in the worker class; gunicorn.conf.py, which Gunicorn reads from the ' +
			'current directory by default, says the same as the second. /slow?s=N sleeps N seconds, as a view ' +
			'waiting on a slow API or query would.',
		checkpoints: [1, 3, 5, 7, 9],
		keyMoments: [
			{
				step: 2,
				question: 'Why does one slow view stall a sync worker?',
				answer:
					'The sync worker runs the view in its only thread. Until the response is sent it accepts ' +
					"nothing, so new connections wait in the socket's queue for a free worker; and it does not " +
					'heartbeat, so a view past --timeout gets the worker aborted (WORKER TIMEOUT).',
			},
			{
				step: 4,
				question: 'What changes for Django with threads?',
				answer:
					'One copy of the app per worker serves every thread, so threads cost less memory than workers. ' +
					'Django keeps one database connection per thread: up to workers x threads per database. ' +
					'Code that keeps state in module globals must be thread-safe; environ["wsgi.multithread"] is ' +
					'True.',
			},
			{
				step: 5,
				question: 'CPU-bound or I/O-bound: when do threads help?',
				answer:
					'When views wait. time.sleep(), socket reads and most database drivers release ' +
					"CPython's GIL while they wait, so the other threads run. Python code holds the GIL, giving it " +
					'up every 5 ms when another thread wants it (sys.getswitchinterval()), so four CPU-bound views ' +
					'in four threads take turns on one core. For CPU work add workers, processes: (2 x cores) + 1 ' +
					'to start.',
			},
			{
				step: 6,
				question: 'Slow clients: why a buffering proxy in front?',
				answer:
					"A sync worker reading a slow client's upload is stuck and silent, so a few clients that trickle " +
					"data take every worker (Gunicorn's docs: a DOS would be trivial). Under gthread a slow client " +
					'holds a thread, not the main loop: no timeout, but enough of them fill the pool. In 20.1 a ' +
					'client that connects and sends nothing holds a thread as long as it stays; Gunicorn 25.2 and ' +
					'later wait 5 s for its first bytes, then park it in the main loop. nginx buffers whole requests ' +
					'and responses, so the workers see only fast local clients.',
			},
			{
				step: 7,
				question: 'Keep-alive behind a load balancer?',
				answer:
					'A load balancer reuses its connections to the backends. sync closes each one after its ' +
					'response, so every request costs a new connection; gthread keeps them. Gunicorn documents ' +
					'--keep-alive as 1-5 s facing clients and often higher behind a load balancer: longer than the ' +
					"balancer's idle timeout, so the balancer closes idle connections and never sends a request on " +
					'one Gunicorn is closing.',
			},
			{
				step: 8,
				question: 'Why did the 45 s view survive under gthread and not under sync?',
				answer:
					'The master aborts a worker whose heartbeat is older than --timeout. A sync worker heartbeats ' +
					"between requests only; a gthread worker's main loop heartbeats while its threads run views. " +
					"Gunicorn's docs: threads let requests take longer than the worker timeout while notifying " +
					'the master.',
			},
		],
		quiz: [
			{
				id: 'classes-sync-queue',
				question: 'At step 2 a second browser connects. Where does its connection wait?',
				options: [
					"In the listening socket's queue, in the kernel",
					'In a second thread of worker ' + S,
					'In the master, until a worker is free',
					'Nowhere: it is refused',
				],
				answer: 0,
				hint: 'Read the Worker column of row 2: can that worker take one more?',
				target: {panel: 'table', step: 2, column: 'worker'},
				explanation:
					`Worker ${S} is busy in the view and a sync worker accepts nothing until it has answered, so the ` +
					"connection stays in the listening socket's queue until step 3.",
			},
			{
				id: 'classes-busy',
				question: `After step 5, how busy is worker ${G}?`,
				options: ['busy 1/4', 'busy 3/4', 'busy 4/4', 'listening'],
				answer: 1,
				hint: 'Read the Worker column of row 5.',
				target: {panel: 'table', step: 5, column: 'worker'},
				explanation: 'Three of its four threads are in /slow; the fourth is free, and step 6 uses it.',
			},
			{
				id: 'classes-fifth',
				question: 'After step 7 a fifth connection arrives. Where does it wait?',
				options: [
					"In the listening socket's queue until a thread is free",
					`In worker ${G}'s pool queue: its main loop still accepts it`,
					'Nowhere: Gunicorn answers 503',
					'In the master',
				],
				answer: 1,
				hint: 'In the tracker, all four threads are busy after step 7. Is the main loop busy too?',
				target: {panel: 'variables', variable: 'Workers'},
				explanation:
					'The main loop accepts while the worker holds fewer than --worker-connections (1000); the ' +
					"connection waits in the pool's queue, inside the worker, until a thread is free.",
			},
			{
				id: 'classes-timeout',
				question: 'Why does /slow?s=45 not end in WORKER TIMEOUT under gthread?',
				options: [
					'The master does not watch gthread workers',
					'The main loop keeps calling notify() while the view runs in a thread',
					"gthread's --timeout is longer by default",
					"The view's thread calls notify() as it sleeps",
				],
				answer: 1,
				hint: 'Which box in the flow watches the heartbeats, and whose heartbeat is it?',
				target: {panel: 'flow', node: 'master'},
				explanation:
					"The master checks each worker's heartbeat; a gthread worker's main loop calls notify() at " +
					'least once a second, whatever its threads are doing.',
			},
			{
				id: 'classes-cpu',
				question: 'Your views are CPU-bound. What adds throughput?',
				options: ['More threads per worker', 'More workers', 'A longer --keep-alive', 'A longer --timeout'],
				answer: 1,
				hint: "The Worker box: how many processes run Python code at once? (CPython's GIL: one thread each.)",
				target: {panel: 'flow', node: 'worker'},
				explanation:
					'CPython runs Python code in one thread of a process at a time (the GIL), so threads help ' +
					'views that wait, not views that compute. Each worker is a process with its own GIL.',
			},
		],
		snapshot: [
			'sync is the default: one request at a time per worker, every connection closed after its response.',
			'A sync worker heartbeats between requests only: a view longer than --timeout is a WORKER TIMEOUT.',
			'gthread (--worker-class gthread, or --threads N > 1 with sync): a main loop and a pool of N threads.',
			'The main loop accepts, keeps connections alive (--keep-alive, 2 s) and heartbeats while views run: ' +
				'its --timeout guards the loop, not the requests.',
			'A busy gthread worker still accepts up to --worker-connections; they wait in its pool, not the socket.',
			'Threads help views that wait on I/O (the GIL is released); CPU-bound views need more workers.',
			'Keep a buffering proxy in front of either class; behind a load balancer gthread keeps its connections.',
		],
		transcript: [
			'Gunicorn runs sync workers unless told otherwise. A sync worker has one thread: it accepts a ' +
				'connection, parses the request, calls the Django application and sends the response, then closes ' +
				'the connection, whatever the client asked. While a view runs, it accepts nothing: a second ' +
				"connection waits in the listening socket's queue in the kernel, and its wait shows in no request " +
				'time Gunicorn logs.',
			'A sync worker calls notify(), its heartbeat, only between requests. A view that runs longer than ' +
				'--timeout leaves it silent, and the master logs WORKER TIMEOUT and aborts it.',
			`Run it with --worker-class gthread --threads ${THREADS} (or --threads ${THREADS} alone: Gunicorn's ` +
				'config switches sync to gthread when threads > 1) and each worker is a ThreadWorker: a main loop ' +
				'that accepts connections and hands each to a pool of threads, which run the app. One slow view ' +
				`holds one thread; the others serve. The table shows it: "${G} busy 3/4".`,
			'The client may keep its connection: after the response the thread hands it back to the main loop, ' +
				'which waits --keep-alive seconds for its next request and submits that to the pool again. The main ' +
				'loop keeps accepting while the worker holds fewer than --worker-connections, so with every thread ' +
				'busy a new connection waits inside the worker.',
			'The main loop heartbeats at least once a second while threads run views, so a 45 s view ends ' +
				'normally: the timeout guards the loop, not the requests. Give slow calls their own timeouts.',
			"Threads help views that wait on the network or the database, which release CPython's GIL; views " +
				'that compute take turns on one core, and need more workers. Either way put a buffering proxy in ' +
				'front for slow clients; behind a load balancer, gthread keeps its connections alive.',
		],
		preloadNotes: [
			'--preload is the same with either class: the master imports the app before forking, and a gthread ' +
				"worker's threads share their worker's copy.",
		],
		liveNotes: {
			...base.liveNotes,
			'worker.timeout':
				'Live: this worker stopped touching its heartbeat file. A sync worker is silent while busy; a ' +
				'gthread worker only when its main loop is stuck. Past --timeout the master logs WORKER TIMEOUT ' +
				'and aborts it.',
		},
	};
}
