// Chapter 2's words (supervision.ts holds its events). Read against Gunicorn 20.1's arbiter.py,
// workers/base.py, workers/sync.py and workers/workertmp.py; where 21+ words a log line
// differently, both are given.
import type {ChapterData} from '../format';

interface StepWords {
	title: string;
	preloadTitle?: string;
	narration: string[];
	preload?: string[]; // the narration with --preload, where it differs
}

const steps: StepWords[] = [
	{
		title: 'Two workers, and a master that only watches them',
		preloadTitle: 'Two workers forked from a master that holds the app, and watches them',
		narration: [
			'The master {master} binds {address} and forks {workers:worker}. From now on its main loop ' +
				'(Arbiter.run) does little else: it sleeps in select() on a pipe for up to a second, checks every ' +
				"worker's heartbeat (murder_workers) and forks or retires workers until there are {workers} " +
				'(manage_workers).',
			'Signals do not interrupt that work: the handler queues them (at most five) and writes to the pipe to ' +
				'wake the loop, which logs "Handling signal: ..." and handles them one at a time. Only SIGCHLD is ' +
				'handled at once: it reaps the children that exited.',
			'This run asks for --max-requests 1000 --max-requests-jitter 50 too (step 7), and keeps the default ' +
				'--timeout of {timeout} seconds (step 3).',
		],
		preload: [
			'The master {master} imports {app} first (--preload), then binds {address} and forks ' +
				'{workers:worker}, which start with the app already in memory. From now on its main loop ' +
				'(Arbiter.run) does little else: it sleeps in select() on a pipe for up to a second, checks every ' +
				"worker's " +
				'heartbeat (murder_workers) and forks or retires workers until there are {workers} (manage_workers).',
			'Signals do not interrupt that work: the handler queues them (at most five) and writes to the pipe to ' +
				'wake the loop, which logs "Handling signal: ..." and handles them one at a time. Only SIGCHLD is ' +
				'handled at once: it reaps the children that exited.',
			'This run asks for --max-requests 1000 --max-requests-jitter 50 too (step 7), and keeps the default ' +
				'--timeout of {timeout} seconds (step 3).',
		],
	},
	{
		title: 'kill -9: the master reaps the dead worker and forks another',
		narration: [
			'SIGKILL cannot be caught: the worker dies at once, logs nothing (no "Worker exiting"), and a request ' +
				'it was serving is lost with its connection. The kernel tells the master with SIGCHLD; its handler ' +
				'calls reap_workers(), which collects the child with waitpid() and logs "Worker with pid N was ' +
				'terminated due to signal 9" (Gunicorn 21 and later: "Worker (pid:N) was sent SIGKILL! Perhaps out ' +
				'of memory?", since the kernel\'s out-of-memory killer is who usually sends it).',
			'On its next turn manage_workers() finds one worker missing and forks a fresh one, which boots like ' +
				'the first ones did; the listening socket stayed open all along, so new connections only waited in ' +
				'its queue.',
		],
		preload: [
			'SIGKILL cannot be caught: the worker dies at once, logs nothing (no "Worker exiting"), and a request ' +
				'it was serving is lost with its connection. The kernel tells the master with SIGCHLD; its handler ' +
				'calls reap_workers(), which collects the child with waitpid() and logs "Worker with pid N was ' +
				'terminated due to signal 9" (Gunicorn 21 and later: "Worker (pid:N) was sent SIGKILL! Perhaps out ' +
				'of memory?", since the kernel\'s out-of-memory killer is who usually sends it).',
			'On its next turn manage_workers() finds one worker missing and forks a fresh one, a copy of the ' +
				'master with the app already imported; the listening socket stayed open all along, so new ' +
				'connections only waited in its queue.',
		],
	},
	{
		title: 'Past --timeout: WORKER TIMEOUT, SIGABRT, exit code 1',
		narration: [
			'A request for /slow runs a view that sleeps 45 seconds. The heartbeat is a temporary file per worker: ' +
				"each turn of the worker's loop changes its mode (WorkerTmp.notify, fchmod), and the master reads " +
				'its ' +
				'ctime (Gunicorn 22 moved to utime and the mtime). Idle, a sync worker wakes from select() at least ' +
				'every half --timeout to do it; inside a view it does not loop, so the file ages.',
			'Once it is older than --timeout ({timeout} s), murder_workers() logs "WORKER TIMEOUT (pid:N)" at ' +
				"CRITICAL and sends SIGABRT. The worker's handle_abort runs the worker_abort hook and exits with " +
				'code 1, logging "Worker exiting (pid: N)"; its client gets no response. A worker still there a loop ' +
				'later gets SIGKILL.',
			'Gunicorn 20.1 logs nothing for the exit code 1 (21 and later: "Worker (pid:N) exited with code 1."). ' +
				'The master forks a replacement, as after a kill.',
		],
	},
	{
		title: 'TTIN: one more worker',
		narration: [
			'kill -TTIN to the master: "Handling signal: ttin". handle_ttin adds one to the number of workers it ' +
				'keeps and calls manage_workers(), which forks the missing one at once.',
			'The change lives in the master only: the next HUP reads the configuration again and goes back to ' +
				'--workers, and a restart forgets it too.',
		],
	},
	{
		title: 'TTOU: one fewer, and it is the oldest that goes',
		narration: [
			'kill -TTOU: handle_ttou takes one from the number of workers (never below one: with one left it does ' +
				'nothing) and calls manage_workers(). That sorts the workers by age, the order they were forked in, ' +
				'and sends SIGTERM to the oldest ones until the count is right.',
			'So the worker that goes is the one forked first, here the survivor from step 1, not the newest. SIGTERM ' +
				'is the graceful signal: the worker stops accepting, finishes the request it is on, logs "Worker ' +
				'exiting" and exits 0.',
		],
	},
	{
		title: 'HUP: fresh workers first, then the old ones retire',
		narration: [
			'kill -HUP: "Handling signal: hup", "Hang up: Master". reload() reads the configuration again, reopens ' +
				'the log files, runs the on_reload hook and forks --workers fresh workers; then manage_workers() ' +
				'sends SIGTERM to the oldest ones beyond that count: all the old ones, at once, without waiting for ' +
				'the new ones to boot. Each old worker finishes its request first.',
			'Without --preload each fresh worker imports the app itself, so HUP deploys new code. The socket stays ' +
				'open (a new one only if the bind address changed), and the extra worker from TTIN is gone: the ' +
				'count ' +
				'is --workers again.',
		],
		preload: [
			'kill -HUP: "Handling signal: hup", "Hang up: Master". reload() reads the configuration again, reopens ' +
				'the log files, runs the on_reload hook and forks --workers fresh workers; then manage_workers() ' +
				'sends SIGTERM to the oldest ones beyond that count: all the old ones, at once, without waiting for ' +
				'the new ones to boot. Each old worker finishes its request first.',
			'With --preload the fresh workers are forks of a master that imported the app once and keeps it ' +
				'(Application.wsgi() returns the object it already has): they run the old code. To deploy new code, ' +
				'send USR2 for a new master beside the old one, then retire the old one (WINCH, TERM), or restart.',
		],
	},
	{
		title: '--max-requests: a worker retires itself, at its own count',
		narration: [
			'Each worker draws its limit once, when it is created: --max-requests plus a random 0 to ' +
				'--max-requests-jitter, so with 1000 and 50 every worker retires after between 1000 and 1050 ' +
				'requests, not all of them at once. This one drew 1037.',
			'When a request brings its count to the limit, the worker logs "Autorestarting worker after current ' +
				'request.", serves it, leaves its loop ("Worker exiting") and exits 0; the master reaps it and forks ' +
				'a fresh one. It is the usual cure for a slow leak in the app.',
		],
	},
	{
		title: 'TERM drains the workers; INT and QUIT cut them off',
		narration: [
			'TERM (what systemd sends): the master closes the listening socket, sends SIGTERM to every worker and ' +
				'waits up to --graceful-timeout (30 s) while each finishes its request, then SIGKILLs any left; ' +
				'"Shutting down: Master", exit 0.',
			'INT (Ctrl+C) and QUIT: the same closing of the socket, but the workers get SIGQUIT, whose handler runs ' +
				'the worker_int hook and exits a tenth of a second later: a request in flight is cut off, its ' +
				'client gets no response. ' +
				'Use TERM to stop a server that is serving.',
		],
	},
];

export const SUPERVISION_TEXTS = {
	steps,
	chapter: {
		title: 'Supervision: when workers die, hang or are told to go',
		summary:
			'The master keeps the number of workers: it reaps the dead, aborts the silent, forks replacements, and ' +
			'on signals adds, retires, reloads or stops them.',
		flow: [
			{node: 'client', label: 'Client', detail: 'gets no response from a worker that is killed or aborted'},
			{
				node: 'socket',
				label: 'Listening socket',
				detail: 'stays open through kills, timeouts, TTIN, TTOU and HUP',
			},
			{
				node: 'worker',
				label: 'Worker',
				detail: 'serves; heartbeats by fchmod of its temp file; leaves on TERM, QUIT, ABRT',
			},
			{
				node: 'django',
				label: 'Django',
				detail: 'imported again by every fresh worker (once in the master with --preload)',
			},
			{node: 'response', label: 'Response', detail: 'written by the worker, or never, when it dies first'},
			{
				node: 'master',
				label: 'Master',
				detail: 'reaps on SIGCHLD, checks heartbeats, forks to keep the count; handles the signals',
				apart: true,
			},
		],
		sampleNote:
			"The signals of this chapter, as you would send them from a shell (the pids are the lesson's), and the " +
			'view that outlives --timeout.',
		checkpoints: [4, 5, 6, 7, 8],
		keyMoments: [
			{
				step: 2,
				question: 'Why does a worker killed with -9 log no "Worker exiting"?',
				answer:
					'That line is logged by the worker itself, on its way out (the finally of spawn_worker). SIGKILL ' +
					'ends the process before any of its code runs: only the master speaks, when it reaps the child.',
			},
			{
				step: 3,
				question: 'How soon is a hung worker aborted, and why is an idle one never?',
				answer:
					'When its heartbeat file is older than --timeout, seen by the next check of the master loop (it ' +
					'sleeps up to a second). An idle sync worker wakes from select() at least every half --timeout ' +
					'to ' +
					'touch the file, so only a worker stuck in a view, or reading a slow client, falls silent.',
			},
			{
				step: 5,
				question: 'Which worker does TTOU retire?',
				answer:
					'The oldest: manage_workers() sorts the workers by age (the order they were forked in) and ' +
					'SIGTERMs from the front. Here that is {worker2}, there since step 1, not the newest, {worker5}.',
			},
			{
				step: 6,
				question: 'Does HUP drop requests?',
				answer:
					'No: the socket stays open, the old workers get the graceful SIGTERM and finish the request they ' +
					'are on, and the fresh workers are already forked. Connections that arrive meanwhile wait in the ' +
					"socket's queue.",
			},
			{
				step: 7,
				question: 'Why the jitter?',
				answer:
					'Workers started together serve about as many requests; with the same limit they would all ' +
					'restart at about the same moment, and the app would be importing in every worker at once. A ' +
					'random extra per worker spreads the restarts out.',
			},
		],
		quiz: [
			{
				id: 'ttou-oldest',
				question: 'TTOU with three workers running: which one does the master retire?',
				options: [
					'The newest, {worker5}',
					'The oldest, {worker2}',
					'The one that served the fewest requests',
					'One chosen at random',
				],
				answer: 1,
				hint: 'Read the Worker column of row 5, then the Pids row of the tracker.',
				target: {panel: 'table', step: 5, column: 'worker'},
				explanation: 'manage_workers() sorts by age and SIGTERMs from the oldest: {worker2}, forked in step 1.',
			},
			{
				id: 'timeout-abort',
				question: 'A worker is silent past --timeout. How does it end?',
				options: [
					'The master SIGKILLs it at once',
					'It gets SIGABRT; its abort handler exits with code 1',
					'It finishes its request, then exits 0',
					'The master waits --graceful-timeout for it',
				],
				answer: 1,
				hint: 'Read the Output column of row 3.',
				target: {panel: 'table', step: 3, column: 'output'},
				explanation:
					'WORKER TIMEOUT, then SIGABRT: handle_abort runs the worker_abort hook and calls sys.exit(1). ' +
					'Only a worker still there a loop later gets SIGKILL.',
			},
			{
				id: 'hup-preload',
				question: 'You deploy new code and send HUP to a master started with --preload. What runs?',
				options: [
					'The new code, in fresh workers',
					'The old code: the fresh workers are forks of the master that imported it',
					'Nothing: HUP stops the server',
					'The new code in the master, the old in the workers',
				],
				answer: 1,
				hint: 'Press v for --preload and read the Django column of row 6.',
				target: {panel: 'table', step: 6, column: 'django'},
				explanation:
					'HUP reloads the configuration, but a preloaded app stays the one the master imported. Without ' +
					'--preload every fresh worker imports the app itself and gets the new code.',
			},
			{
				id: 'max-requests-jitter',
				question: 'With --max-requests 1000 --max-requests-jitter 50, when does a worker retire?',
				options: [
					'After exactly 1000 requests, all workers together',
					'After between 1000 and 1050 requests, each at its own count',
					'Every 50 requests',
					'When its memory grows by 50 MB',
				],
				answer: 1,
				hint: 'Look at the Last exit row of the tracker, in the After 7 column.',
				target: {panel: 'variables', variable: 'Last exit'},
				explanation:
					'Each worker adds randint(0, 50) to 1000 once, when it is created: {worker6} drew 37 and retired ' +
					'after its 1037th request, alone.',
			},
			{
				id: 'int-vs-term',
				question: 'Ctrl+C (INT) while a request is in flight. What happens to it?',
				options: [
					'It finishes, then the worker exits',
					'It is cut off: the workers get QUIT and exit at once',
					'The master finishes it',
					'It waits for --graceful-timeout',
				],
				answer: 1,
				hint: 'Which box sends the workers their signal?',
				target: {panel: 'flow', node: 'master'},
				explanation:
					'INT and QUIT make the master send SIGQUIT, whose handler exits within a tenth of a second. ' +
					'TERM sends SIGTERM, ' +
					'which lets each worker finish the request it is on.',
			},
		],
		snapshot: [
			'The master supervises: it reaps dead workers (SIGCHLD), aborts silent ones (--timeout) and forks ' +
				'replacements to keep the count.',
			'The heartbeat is a temp file whose mode each worker changes every loop (20.1: fchmod and ctime; 22+: ' +
				'utime and mtime).',
			'kill -9: no "Worker exiting"; 20.1 logs "terminated due to signal 9", 21+ "was sent SIGKILL! Perhaps ' +
				'out of memory?".',
			'WORKER TIMEOUT: SIGABRT, the worker exits 1 (21+ logs "exited with code 1"), SIGKILL if it lingers.',
			'TTIN adds a worker, TTOU retires the oldest; HUP forks fresh workers and TERMs the old (new code ' +
				'only without --preload).',
			'--max-requests plus a per-worker jitter recycles workers one at a time.',
			'TERM drains (graceful), INT and QUIT cut requests off (quick).',
		],
		transcript: [
			'The master {master} forks two workers, {worker} and {worker2}, and then mostly waits: a second at a ' +
				'time in select(), checking heartbeats and the number of workers after each wait.',
			'kill -9 {worker} ends it without a word; the master reaps it on SIGCHLD, logs the signal and forks ' +
				'{worker3}. A request for a 45 second view then holds {worker3} silent: after {timeout} seconds the ' +
				'master logs WORKER TIMEOUT and aborts it (SIGABRT, exit code 1), and forks {worker4}.',
			'TTIN forks {worker5}; TTOU retires the oldest, {worker2}. HUP forks {worker6} and {worker7} and ' +
				'retires {worker4} and {worker5} gracefully; with --preload the fresh ones still run the old code.',
			'{worker6} reaches its own --max-requests count (1000 plus a jitter of 37), retires after that request ' +
				'and is replaced by {worker8}. TERM closes the socket and lets the last two finish; INT or QUIT ' +
				'would have cut them off.',
		],
		preloadNotes: [
			'Every fresh worker (after a kill, a timeout, TTIN, HUP or max-requests) is a fork of the master with ' +
				'the app inside: it boots without importing, and runs the code the master imported at start.',
			'So HUP does not deploy new code with --preload: send USR2 for a new master, then retire the old one ' +
				'(WINCH, which 20.1 honours only when daemonized, and TERM), or restart the service.',
		],
	} satisfies Omit<ChapterData, 'steps' | 'samples' | 'cast' | 'id'>,
};
