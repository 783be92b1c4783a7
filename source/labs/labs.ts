// The labs, as data. Every claim is checked against Gunicorn 20.1's source (arbiter.py,
// workers/base.py, sync.py, gthread.py) and, where current Gunicorn (26.x) words a line
// otherwise, says both. {name} in a reveal line is a fact the lab's goal measured.
import type {Lab, LabId} from './types';

const REQUEST = '/slow?s=1';

export const LABS: readonly Lab[] = [
	{
		id: 'respawn',
		title: 'kill -9 a worker',
		chapter: 'supervision',
		setup: {workers: 2},
		question: 'You SIGKILL one of two workers. A second later, how many workers are there?',
		prediction: {
			kind: 'choice',
			options: ['one', 'two: the same two pids', 'two: one of them new', 'none'],
			answer: 2,
		},
		steps: [{command: 'kill', label: 'kill -9 one worker'}],
		watch: "the master's log line about the dead worker, and the next Booting worker line",
		goal: 'respawn',
		reveal: [
			'Killed {killed}; the master forked {fresh} {respawnMs} ms after it reaped it: {workers} workers.',
			'Log: {deathLine}',
			'Gunicorn 20.1: "Worker with pid {killed} was terminated due to signal 9"; ' +
				'21+: "Worker (pid:{killed}) was sent ' +
				'SIGKILL! Perhaps out of memory?".',
		],
		why:
			'SIGCHLD wakes the master, which reaps the worker (waitpid) in reap_workers; its main loop then runs ' +
			'manage_workers, which spawns workers until there are --workers again. A worker killed from outside gets ' +
			'no say: no "Worker exiting" line, and a request it held gets no answer.',
		hints: [
			'The master keeps a number of workers, not particular ones.',
			"Watch the master's log: the line for the reaped worker, then a Booting worker line.",
			'Two workers: the survivor and a fresh one with a new pid.',
		],
		differs: [],
	},
	{
		id: 'timeout',
		title: 'A view slower than --timeout',
		chapter: 'supervision',
		setup: {workers: 2, timeout: 5},
		question: 'GET /slow?s=10 with --timeout 5 and the sync worker. What does the client get?',
		prediction: {
			kind: 'choice',
			options: [
				'504 Gateway Timeout after 5 s',
				'500 Internal Server Error',
				'nothing: the connection closes without a response after about 5 s',
				'the answer after 10 s',
			],
			answer: 2,
		},
		steps: [{command: 'request', path: '/slow?s=10', label: 'GET /slow?s=10'}],
		watch: 'WORKER TIMEOUT in the log, the worker leaving, and what the request got',
		goal: 'timeout',
		reveal: [
			'Worker {pid} accepted the request; {silentS} s later the master logged "{timeoutLine}".',
			'The client got: {client}. The worker exited {exit}; {fresh} was forked in its place.',
			'Behind a proxy (nginx) that closed connection becomes a 502 Bad Gateway.',
		],
		why:
			'--timeout is a heartbeat, not a request timer: the sync worker calls notify() (it changes its temporary ' +
			"file's ctime) only between requests, and the master's murder_workers aborts a worker silent for longer " +
			'than --timeout with SIGABRT ("WORKER TIMEOUT"); handle_abort exits with code 1, and SIGKILL follows if ' +
			'it is still there a loop later. Gunicorn never writes a status for it.',
		hints: [
			'Who is silent here: the request, or the worker?',
			'The master logs WORKER TIMEOUT; then look at what the request itself got.',
			'No response at all: the worker dies with the connection; a proxy in front reports 502.',
		],
		differs: [
			'Gunicorn 20.1 logs nothing for the worker\'s exit code; 21+ adds "Worker (pid:N) exited with code 1.".',
			'Our node worker cannot run a signal handler while it blocks, so the master also marks the heartbeat ' +
				'file and the blocked view polls it; the exit is the same.',
		],
	},
	{
		id: 'timeout-gthread',
		variantOf: 'timeout',
		title: 'The same slow view on a gthread worker',
		chapter: 'worker-classes',
		setup: {workers: 2, timeout: 5, workerClass: 'gthread', threads: 4},
		question: 'GET /slow?s=10 with --timeout 5, now --worker-class gthread --threads 4. What does the client get?',
		prediction: {
			kind: 'choice',
			options: [
				'nothing: WORKER TIMEOUT after 5 s, as with sync',
				'the answer after 10 s, and no WORKER TIMEOUT',
				'504 Gateway Timeout after 5 s',
			],
			answer: 1,
		},
		steps: [{command: 'request', path: '/slow?s=10', label: 'GET /slow?s=10'}],
		watch: 'whether WORKER TIMEOUT appears, and when the answer comes',
		goal: 'timeout-gthread',
		reveal: [
			'Thread {thread} of worker {pid} ran the view for {seconds} s: {client}.',
			'WORKER TIMEOUT lines meanwhile: {timeouts}.',
		],
		why:
			"A gthread worker's main loop (ThreadWorker.run) calls notify() on every turn while the view runs in a " +
			'thread of its pool, so the heartbeat never stops: --timeout guards that loop, not the requests. A view ' +
			'that hangs for ever holds its thread for ever; nothing in Gunicorn times it out.',
		hints: [
			'Which code calls notify() in a gthread worker?',
			'The view runs in a thread; the main loop goes on.',
			'The answer after 10 s: the heartbeat never stopped, so no WORKER TIMEOUT.',
		],
		differs: [],
	},
	{
		id: 'queueing',
		title: 'Six slow requests, two sync workers',
		chapter: 'request',
		setup: {workers: 2},
		question: `Six GET ${REQUEST} sent together to two sync workers. How long until the last answer?`,
		prediction: {kind: 'number', unit: 's', expected: 3, tolerance: 0.6},
		steps: [{command: 'timed', path: REQUEST, count: 6, label: `six GET ${REQUEST} at once`}],
		watch: "each request's latency, and which worker served it",
		goal: 'queueing',
		reveal: ['Latencies: {latencies} s; the last answer after {last} s.', 'Served: {perWorker}.'],
		why:
			'A sync worker serves one request at a time and accepts the next only when it is done; the others wait ' +
			"in the listening socket's backlog in the kernel. Two workers, six one-second views: three rounds.",
		hints: [
			'How many requests can one sync worker hold at once?',
			"Count rounds: each worker takes one, the rest wait in the socket's queue.",
			'About 3 s: latencies of 1, 1, 2, 2, 3 and 3 s.',
		],
		differs: [],
	},
	{
		id: 'queueing-ttin',
		variantOf: 'queueing',
		title: 'The same six requests after two TTINs',
		chapter: 'request',
		setup: {workers: 2},
		question: `Two TTINs (+ +) make four workers. Six GET ${REQUEST} together: how long until the last answer?`,
		prediction: {kind: 'number', unit: 's', expected: 2, tolerance: 0.6},
		steps: [
			{command: 'add', label: 'TTIN'},
			{command: 'add', label: 'TTIN again, once the first new worker is up'},
			{command: 'timed', path: REQUEST, count: 6, label: `six GET ${REQUEST} at once`},
		],
		watch: 'the two new workers booting, then the latencies',
		goal: 'queueing',
		reveal: [
			'{workers} workers. Latencies: {latencies} s; the last answer after {last} s.',
			'Served: {perWorker}.',
		],
		why:
			'TTIN raises the number of workers the master keeps by one (handle_ttin, then manage_workers). Four ' +
			'workers take four of the six at once, the other two wait a round: 2 s.',
		hints: [
			'Rounds again, with four workers.',
			'Wait until both new workers are up before sending.',
			'About 2 s: four answers after 1 s, two after 2 s.',
		],
		differs: [],
	},
	{
		id: 'queueing-gthread',
		variantOf: 'queueing',
		title: 'Six slow requests, 2 gthread workers x 4 threads',
		chapter: 'worker-classes',
		setup: {workers: 2, workerClass: 'gthread', threads: 4},
		question: `Six GET ${REQUEST} together, 2 gthread workers x 4 threads. How long until the last answer?`,
		prediction: {kind: 'number', unit: 's', expected: 1, tolerance: 0.6},
		steps: [{command: 'timed', path: REQUEST, count: 6, label: `six GET ${REQUEST} at once`}],
		watch: 'which thread of which worker runs each request',
		goal: 'queueing',
		reveal: ['Latencies: {latencies} s; the last answer after {last} s.', 'Served: {perWorker}.'],
		why:
			'Each gthread worker hands its connections to a pool of --threads threads: eight at once here. But a ' +
			'worker accepts while it holds fewer than --worker-connections, whether or not a thread is free, and the ' +
			'kernel may give five or six of them to one worker: then the last waits for a thread, 2 s.',
		hints: [
			'How many requests can the two workers run at once?',
			'Look at how the six were split between the workers.',
			'About 1 s when they split four and two or three and three; 2 s when one worker took five or more.',
		],
		differs: [],
	},
	{
		id: 'accept',
		title: 'Who hands out the requests?',
		chapter: 'request',
		setup: {workers: 2},
		question: 'A burst of 200 quick requests to two workers. Who decides which worker serves each?',
		prediction: {
			kind: 'choice',
			options: [
				'the master, round-robin',
				'the kernel: whichever worker wins the race to accept() on the shared socket',
				'the workers take strict turns',
				'the master accepts each and passes the socket on',
			],
			answer: 1,
		},
		steps: [{command: 'burst', label: 'a burst of 200 requests'}],
		watch: 'requests per worker, and the master',
		goal: 'accept',
		reveal: ['Served: {perWorker}; the master {master}: 0.', 'The split: {split}.'],
		why:
			'The master binds the socket before forking and never accepts on it; each worker waits in select() ' +
			'and calls accept() itself, and the kernel gives each connection to one of them. It is not round-robin: ' +
			'the split follows however each race goes, and is uneven.',
		hints: [
			'Which process calls accept()?',
			"Compare the counts per worker, and look for the master's pid in them.",
			'The kernel: the workers race on the shared socket; the split is uneven, the master serves none.',
		],
		differs: [],
	},
	{
		id: 'reload',
		title: 'Change the app, then HUP',
		chapter: 'supervision',
		setup: {workers: 2, preload: false},
		question: 'You change the text / answers with, then send HUP. Do new requests see the new text?',
		prediction: {kind: 'choice', options: ['yes', 'no'], answer: 0},
		steps: [
			{command: 'edit-app', text: 'Bonjour', label: 'change the greeting to "Bonjour"'},
			{command: 'reload', label: 'HUP'},
			{command: 'request', path: '/', label: 'GET / once the new workers are up'},
		],
		watch: 'the new workers importing the app, and the text of the answer',
		goal: 'reload',
		reveal: [
			'HUP: {fresh} replaced {old}. GET / answered: "{body}".',
			'The app was imported {imports} after the HUP.',
		],
		why:
			'HUP (handle_hup) reloads the configuration, forks fresh workers and stops the old ones. Each fresh ' +
			'worker imports the app after its fork (load_wsgi in init_process), so it reads the ' +
			"project's files as they are now.",
		hints: [
			'Where is the app imported without --preload?',
			'Watch the app.loaded events of the new workers.',
			'Yes: each fresh worker imports the app again.',
		],
		differs: [
			"Our server's greeting is a file its app reads at import; for Gunicorn it is GREETING in " +
				'myproject/settings.py of a working copy of the demo project.',
		],
	},
	{
		id: 'reload-preload',
		variantOf: 'reload',
		title: 'Change the app, then HUP, with --preload',
		chapter: 'supervision',
		setup: {workers: 2, preload: true},
		question: 'The same with --preload: change the text, HUP. Do new requests see the new text?',
		prediction: {kind: 'choice', options: ['yes', 'no'], answer: 1},
		steps: [
			{command: 'edit-app', text: 'Bonjour', label: 'change the greeting to "Bonjour"'},
			{command: 'reload', label: 'HUP'},
			{command: 'request', path: '/', label: 'GET / once the new workers are up'},
		],
		watch: 'whether anything imports the app after the HUP',
		goal: 'reload',
		reveal: [
			'HUP: {fresh} replaced {old}. GET / answered: "{body}".',
			'The app was imported {imports} after the HUP.',
		],
		why:
			'With --preload the master imported the app before forking, and HUP does not import it again: ' +
			'Arbiter.reload calls app.reload(), which reloads the configuration only, and app.wsgi() returns the ' +
			"callable already loaded. Fresh workers fork with the master's copy. To deploy new code: USR2, then " +
			'WINCH and TERM to the old master, or a restart.',
		hints: [
			'Who imported the app, and when?',
			'After the HUP, look for an app.loaded event.',
			'No: the fresh workers are forks of a master that still holds the old app.',
		],
		differs: [
			"Django imports urls.py and the views on a worker's first request, after the fork even with --preload: " +
				'an edit to views.py would show after HUP. The greeting is in settings.py, which django.setup() ' +
				'imports with the app, in the master.',
		],
	},
	{
		id: 'shutdown',
		title: 'TERM with a request in flight',
		chapter: 'supervision',
		setup: {workers: 2, gracefulTimeout: 10},
		question: 'GET /slow?s=3 is in flight when TERM arrives. Does it get its answer?',
		prediction: {
			kind: 'choice',
			options: ['yes, after its 3 s', 'no: the connection is cut at once', 'a 503 Service Unavailable'],
			answer: 0,
		},
		steps: [
			{command: 'request', path: '/slow?s=3', label: 'GET /slow?s=3'},
			{command: 'toggle', label: 'TERM (stop the server)'},
			{command: 'request', path: '/', label: 'GET / during the graceful wait'},
		],
		watch: 'Handling signal: term, the slow answer, and what the late request gets',
		goal: 'shutdown',
		reveal: [
			'The request in flight got {inflight} after {inflightS} s; the one sent during the wait got {late}.',
			'Log: {termLine}',
		],
		why:
			'TERM is the graceful stop: the master closes its listening sockets first, sends TERM to the workers and ' +
			'waits up to --graceful-timeout; a worker finishes the request it holds and leaves. A connection made ' +
			'meanwhile is not served: no worker accepts any more.',
		hints: [
			'Graceful for whom?',
			'Compare the answer of the slow request and of the late one.',
			'Yes, after its 3 s; the late connection is refused or reset.',
		],
		differs: [
			"x sends TERM to the whole process group (the master and each worker), as a terminal's stop would; " +
				'the workers then get it twice, which changes nothing.',
		],
	},
	{
		id: 'shutdown-int',
		variantOf: 'shutdown',
		title: 'INT with a request in flight',
		chapter: 'supervision',
		setup: {workers: 2, gracefulTimeout: 10},
		question: 'GET /slow?s=3 is in flight when INT arrives. Does it get its answer?',
		prediction: {
			kind: 'choice',
			options: ['yes, after its 3 s', 'no: the connection closes without an answer', 'a 503 Service Unavailable'],
			answer: 1,
		},
		steps: [
			{command: 'request', path: '/slow?s=3', label: 'GET /slow?s=3'},
			{command: 'interrupt', label: 'INT to the master'},
		],
		watch: 'how fast the workers leave',
		goal: 'shutdown',
		reveal: ['The request in flight got {inflight} after {inflightS} s.', 'Log: {termLine}'],
		why:
			'INT and QUIT are the quick stop: the master sends QUIT to the workers, whose handle_quit exits after ' +
			'0.1 s whatever they are doing; the master still waits up to --graceful-timeout for them, then KILLs.',
		hints: [
			'INT is not TERM.',
			'Look at the time between INT and the workers exiting.',
			'No: the worker leaves mid-request, the client gets no answer.',
		],
		differs: [],
	},
	{
		id: 'slow-client',
		title: 'Clients that send a byte at a time',
		chapter: 'worker-classes',
		setup: {workers: 2, timeout: 10},
		question:
			'Two clients trickle their headers a byte every 250 ms to two sync workers (--timeout 10). What happens ' +
			'to a normal request sent then?',
		prediction: {
			kind: 'choice',
			options: [
				'served at once: the slow clients wait their turn',
				'it waits until --timeout aborts a held worker and a fresh one serves it',
				'refused',
				'the slow clients get 408 and it is served',
			],
			answer: 1,
		},
		steps: [
			{command: 'slow-client', count: 2, intervalMs: 250, bytes: 200, label: 'two slow clients'},
			{command: 'request', path: '/', label: 'GET / while they trickle'},
		],
		watch: 'WORKER TIMEOUT for workers that never logged a request, and when GET / is answered',
		goal: 'slow-client',
		reveal: [
			'GET / was answered after {waitS} s by {server}.',
			'The slow clients: {slow}. WORKER TIMEOUT for {aborted}.',
		],
		why:
			'The sync worker reads the request head with a blocking recv and no deadline (workers/sync.py sets the ' +
			'socket blocking, no timeout) and calls notify() only between requests: a trickling client holds it ' +
			'until --timeout aborts it. There is no 408: the connection just closes. As many slow clients as ' +
			"workers stop the server. Gunicorn's deployment docs, in today's wording: with the sync workers " +
			'"you must ensure the proxy buffers slow clients; otherwise Gunicorn becomes vulnerable to ' +
			'denial-of-service attacks".',
		hints: [
			'When does a sync worker heartbeat, and what is it doing meanwhile?',
			'Look for WORKER TIMEOUT for a worker that never logged a request.',
			'It waits about --timeout: each held worker is aborted, a fresh one serves GET /.',
		],
		differs: [
			'With gthread the trickling client holds one thread, not the main loop: no WORKER TIMEOUT, and nothing ' +
				'frees that thread while the client keeps sending.',
		],
	},
	{
		id: 'max-requests',
		title: '--max-requests 20 --max-requests-jitter 10',
		chapter: 'supervision',
		setup: {workers: 2, maxRequests: 20, maxRequestsJitter: 10},
		question: 'A burst of 200 requests. How many does each worker serve before it is recycled?',
		prediction: {
			kind: 'choice',
			options: ['exactly 20', 'between 20 and 30, a different number per worker', 'exactly 30', 'about 100'],
			answer: 1,
		},
		steps: [{command: 'burst', label: 'a burst of 200 requests'}],
		watch: '"Autorestarting worker after current request." and the served counts of the workers that left',
		goal: 'max-requests',
		reveal: ['{recycled} workers recycled, after serving {counts} requests.', 'Log: {autoLine}'],
		why:
			'Each worker draws its own limit when it starts: max_requests + randint(0, max_requests_jitter) ' +
			'(workers/base.py); after that many requests it logs "Autorestarting worker after current request." and ' +
			'leaves, and the master forks another. The jitter keeps workers from all restarting at once.',
		hints: [
			'Is the limit the same for every worker?',
			'Compare the served counts of the workers that left with reason max-requests.',
			'Between 20 and 30, drawn per worker.',
		],
		differs: [],
	},
	{
		id: 'preload-memory',
		title: 'What --preload shares',
		chapter: 'worker-classes',
		setup: {workers: 2, preload: true},
		question: "With --preload, what happens to each worker's PSS (its fair share of memory)?",
		prediction: {
			kind: 'choice',
			options: ["it falls: the app's pages are shared with the master, copy-on-write", 'no change', 'it grows'],
			answer: 0,
		},
		steps: [{command: 'memory', label: 'measure memory without, then with --preload'}],
		watch: 'Rss against Pss, and shared against private, per process',
		goal: 'preload-memory',
		reveal: [
			'Without --preload: {without}.',
			'With --preload: {with}.',
			"Workers' mean PSS: {pssWithout} kB without, {pssWith} kB with.",
		],
		why:
			"A fork shares all of the parent's pages until one side writes to one. With --preload the app is in the " +
			'master before the fork, so the workers start sharing its pages; RSS counts shared pages in full in ' +
			"every process, PSS divides them among the sharers. CPython's reference counts and its collector write " +
			'to objects as they are used, so shared pages turn private over time.',
		hints: [
			'RSS counts a shared page in each process; PSS splits it.',
			"Compare the workers' Pss and Private figures between the two runs.",
			'It falls: the import happened once, in the master, and fork shares it.',
		],
		differs: [],
		gunicornOnly:
			'Our server starts its workers with child_process.fork, a new Node process, not fork(2): nothing is ' +
			'shared, so --preload changes no memory figure here. Run this lab with --gunicorn.',
	},
];

export const LAB_IDS = LABS.map(lab => lab.id);

export const labById = (id: string): Lab | undefined => LABS.find(lab => lab.id === id);

export const isLabId = (id: string): id is LabId => LAB_IDS.includes(id as LabId);
