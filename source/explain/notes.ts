// What each setting changes in the lesson's lifecycle (its step, 1-9, in source/lesson/) and
// the mistakes people make with it. Written from Gunicorn 20.1's config.py and arbiter.py.
// Settings without a note here get their section's (SECTIONS below).

export interface Note {
	step: number; // the lesson step where it acts
	does: string; // what it changes there
	mistakes?: string[];
	also?: Array<[chapter: string, step: number]>; // where a later chapter shows it, by chapter id
}

const hook = (step: number, when: string): Note => ({step, does: `A server hook (config file only): ${when}.`});

export const NOTES: Partial<Record<string, Note>> = {
	config: {
		step: 1,
		does:
			'The master reads this Python file before anything else; every setting in it can be a module-level ' +
			'name (workers = 3), hooks are functions.',
		mistakes: [
			'Options on the command line win over the file, and GUNICORN_CMD_ARGS over the file too: a flag left in ' +
				'a systemd unit silently overrides it.',
			'Without -c Gunicorn reads ./gunicorn.conf.py from the directory it starts in, if there is one.',
		],
	},
	wsgi_app: {
		step: 1,
		does: 'Names the app (MODULE:VARIABLE), like the APP_MODULE argument; the argument wins if both are given.',
	},
	bind: {
		step: 2,
		does: 'The master binds this socket before it forks: every worker inherits it and accepts on it.',
		mistakes: [
			'0.0.0.0 makes the app reachable from other machines; behind a proxy on the same host, bind 127.0.0.1 or ' +
				'a unix: socket.',
			'With $PORT set in the environment the default is 0.0.0.0:$PORT, not 127.0.0.1:8000.',
		],
	},
	backlog: {
		step: 4,
		does: 'How many connections the kernel queues on the listening socket while every worker is busy.',
	},
	workers: {
		step: 3,
		also: [
			['supervision', 4],
			['supervision', 5],
		],
		does: 'How many workers the master forks and keeps alive; TTIN/TTOU change it while it runs.',
		mistakes: [
			"The recipe 2 x CPUs + 1 with multiprocessing.cpu_count() counts the host's CPUs, not a container's CPU " +
				'quota: a pod limited to 1 CPU on a 64-core node starts 129 workers. Set it from the quota.',
			'The default is 1 (or $WEB_CONCURRENCY), not one per CPU.',
		],
	},
	worker_class: {
		step: 3,
		also: [['worker-classes', 4]],
		does:
			"The kind of worker the master forks. The lesson's sync worker serves one request at a time; gthread, " +
			'gevent and eventlet serve several per process.',
		mistakes: [
			'gevent and eventlet need the app to cooperate (monkey-patched, no blocking C calls); a blocking call ' +
				'stalls every request of that worker.',
		],
	},
	threads: {
		step: 3,
		also: [['worker-classes', 4]],
		does:
			'Threads per worker for gthread; more than 1 with the default sync class makes Gunicorn use gthread ' +
			'instead.',
		mistakes: [
			'Threads share one process: module-level state and non-thread-safe clients are shared by concurrent ' +
				'requests.',
		],
	},
	worker_connections: {
		step: 4,
		does:
			'The most connections one worker holds at once, for gthread (kept-alive ones included: it keeps at most ' +
			'this minus --threads idle), eventlet and gevent. The sync worker ignores it.',
		mistakes: [
			"Gunicorn's own help says it affects only eventlet and gevent, but gthread stops accepting at this many " +
				'connections too.',
		],
	},
	max_requests: {
		step: 7,
		also: [['supervision', 7]],
		does:
			'After this many requests a worker finishes the current one and exits; the master forks a fresh one (a ' +
			'guard against memory leaks).',
		mistakes: [
			'Without --max-requests-jitter all workers reach the limit together and restart at the same moment.',
		],
	},
	max_requests_jitter: {
		step: 7,
		also: [['supervision', 7]],
		does: "Adds a random 0..N to each worker's --max-requests, so workers do not all restart together.",
	},
	timeout: {
		step: 5,
		also: [
			['supervision', 3],
			['worker-classes', 8],
		],
		does:
			'The master kills (SIGABRT, then SIGKILL) a worker whose heartbeat is older than this; the sync worker ' +
			'beats between requests, so one request slower than this is killed.',
		mistakes: [
			"With gthread, gevent or eventlet the heartbeat comes from the worker's loop, not per request: --timeout " +
				'then does not limit how long a request may take.',
			'Raising it to hide slow views keeps sync workers stuck; fix the view or hand the work to a queue.',
		],
	},
	graceful_timeout: {
		step: 9,
		also: [
			['supervision', 8],
			['worker-classes', 9],
		],
		does: 'After TERM, workers have this long to finish their requests; then the master SIGKILLs them.',
		mistakes: [
			"Longer than the orchestrator's stop grace (docker stop: 10 s, Kubernetes: 30 s) means the container is " +
				"killed before Gunicorn's graceful shutdown ends.",
		],
	},
	keepalive: {
		step: 7,
		also: [['worker-classes', 6]],
		does: 'How long a worker keeps an idle Keep-Alive connection open for the next request.',
		mistakes: [
			"The sync worker (the lesson's) closes every connection after its response: keep-alive needs gthread or " +
				'an async worker.',
		],
	},
	reload: {
		step: 3,
		does: 'Workers watch the code and restart when a file changes.',
		mistakes: [
			'It is meant for development: in production it restarts workers mid-traffic on any file change, and ' +
				'polling (without inotify) costs CPU.',
			'Gunicorn says the reloader is incompatible with --preload.',
		],
	},
	preload_app: {
		step: 1,
		does:
			'The master imports the app once, before it binds and forks; workers start with it in memory ' +
			'(copy-on-write) instead of each importing it after fork (step 3).',
		mistakes: [
			'HUP then does not load new code: the master keeps the imported app and forks new workers from it. ' +
				'Restart the master (or USR2) to deploy.',
			'Connections opened at import (a database, a socket) are inherited by every worker and shared across ' +
				'forks: open them in the worker (post_fork).',
		],
	},
	chdir: {
		step: 1,
		does: 'The master changes into this directory before loading the app, and puts it first on sys.path.',
	},
	daemon: {
		step: 1,
		does: 'The master detaches from the terminal and runs in the background.',
		mistakes: [
			'Under systemd, supervisord or Docker do not daemonize: the supervisor loses the process it started.',
		],
	},
	raw_env: {
		step: 1,
		does: 'Sets an environment variable (KEY=VALUE) in the master before the app loads, inherited by every worker.',
	},
	pidfile: {step: 1, does: 'The master writes its pid here (for kill -HUP $(cat FILE)).'},
	worker_tmp_dir: {
		step: 3,
		does:
			"Where each worker's heartbeat file lives: the worker touches it (20.1: fchmod, read as its ctime; 22.0 " +
			'on: utime, its mtime) and the master compares that time with --timeout.',
		mistakes: ["In Docker, /tmp on overlayfs can stall the heartbeat; Gunicorn's docs suggest /dev/shm."],
	},
	user: {step: 3, does: 'Workers switch to this user after fork; the master keeps its own.'},
	group: {step: 3, does: 'Workers switch to this group after fork.'},
	forwarded_allow_ips: {
		step: 5,
		does: 'Which proxies are trusted to set the scheme headers that make wsgi.url_scheme https in environ.',
		mistakes: [
			'A proxy on another host is not trusted by default: Django then thinks requests are http (redirect loops ' +
				'with SECURE_SSL_REDIRECT).',
		],
	},
	secure_scheme_headers: {
		step: 5,
		does: 'The headers (from trusted proxies) that mark a request as https in environ.',
	},
	accesslog: {
		step: 7,
		does: 'After each response the worker writes one access-log line here (- is stdout).',
		mistakes: ['The default is no access log at all: add --access-logfile - to see requests.'],
	},
	access_log_format: {step: 7, does: 'The fields of each access-log line.'},
	errorlog: {step: 1, does: 'Where the master and workers write their log (- is stderr, the default).'},
	loglevel: {step: 1, does: "How much the master and workers log; debug shows each request's handling."},
	capture_output: {step: 3, does: "The workers' stdout and stderr (print, tracebacks) go to the error log file."},
	limit_request_line: {step: 4, does: 'A request line longer than this is refused (400) before environ is built.'},
	limit_request_fields: {
		step: 4,
		does: 'A request with more header fields than this is refused (400) before environ is built.',
	},
	limit_request_field_size: {
		step: 4,
		does: 'A header field larger than this is refused (400) before environ is built.',
	},
	sendfile: {step: 7, does: 'A file response (wsgi.file_wrapper) is sent with sendfile() unless this is off.'},
	reuse_port: {step: 2, does: 'Sets SO_REUSEPORT on the listening socket before it is bound.'},
	pythonpath: {step: 1, does: 'Directories added to sys.path before the app is imported.'},
	proc_name: {step: 1, does: 'The process title of the master and workers in ps (needs setproctitle installed).'},
	check_config: {step: 1, does: 'Loads the settings and the app, then exits without serving (1 if the app fails).'},
	print_config: {
		step: 1,
		does: 'Prints every setting as resolved, loads the app to check it, then exits without serving.',
		mistakes: ['It does not start the server: like --check-config, it exits (1 if the app fails to load).'],
	},
	on_starting: hook(1, 'in the master, just before it is initialized'),
	when_ready: hook(2, 'in the master, once the socket is bound'),
	pre_fork: hook(3, 'in the master, just before each fork'),
	post_fork: hook(3, 'in the new worker, just after the fork: the place to open per-process connections'),
	post_worker_init: hook(3, 'in the worker, after it has imported the app'),
	pre_request: hook(4, 'in the worker, before it handles each request'),
	post_request: hook(7, 'in the worker, after each response'),
	worker_int: hook(9, 'in a worker that got SIGINT or SIGQUIT'),
	worker_abort: hook(5, 'in a worker the master aborts for missing --timeout (SIGABRT)'),
	worker_exit: hook(9, 'in a worker, as it exits'),
	child_exit: hook(9, 'in the master, after a worker has exited'),
	nworkers_changed: hook(3, 'in the master, when the number of workers changes (TTIN, TTOU, HUP)'),
	on_reload: hook(3, 'in the master, on HUP, before fresh workers are forked'),
	on_exit: hook(9, 'in the master, just before Gunicorn exits'),
	pre_exec: hook(1, 'in a new master forked by USR2, before it execs'),
	ssl_context: hook(2, 'when Gunicorn builds the TLS context for the socket'),
};

/** The step and words for a setting without its own note. */
export const SECTIONS: Record<string, Note> = {
	'Config File': {step: 1, does: 'Read by the master at start (and again on HUP).'},
	'Server Socket': {step: 2, does: 'Applies to the listening socket the master binds before forking.'},
	'Worker Processes': {step: 3, does: 'Shapes the workers the master forks.'},
	Security: {step: 4, does: 'Checked as the worker parses a request, before it builds environ.'},
	Debugging: {step: 1, does: 'Read by the master at start.'},
	'Server Mechanics': {step: 1, does: 'Read by the master at start; applies to the master and every worker.'},
	Logging: {step: 1, does: 'The master sets up logging at start; workers inherit it.'},
	'Process Naming': {step: 1, does: 'Names the master and worker processes.'},
	'Server Hooks': {step: 1, does: 'A server hook, set in the config file.'},
	SSL: {step: 4, does: 'TLS on the listening socket: the worker does the handshake after accept().'},
	'HTTP/2': {step: 4, does: 'How a worker speaks HTTP/2 on an accepted connection.'},
	'Dirty Arbiters': {step: 3, does: 'A separate pool of "dirty" workers beside the HTTP workers.'},
	'Dirty Arbiter Hooks': {step: 3, does: 'A hook of the dirty worker pool.'},
	Control: {step: 1, does: "The master's control socket (gunicornc), opened at start."},
};
