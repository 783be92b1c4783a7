// Turns argv into one mode and its options, or one line saying what is wrong.
// Pure apart from meow's own --help / --version, so every error path is testable.
import {isAbsolute, resolve} from 'node:path';
import process from 'node:process';
import meow from 'meow';
import {readCommandLine} from '../explain/options';
import {labById, LABS} from '../labs/labs';
import type {LabId} from '../labs/types';
import {CHAPTERS, findChapter} from '../lesson/chapters';
import {panelKeys, panelNamed, visiblePanels, type PanelId} from '../ui/panels';
import {WORKER_CLASSES, type WorkerClass} from '../lifecycle/events';
import {DEFAULT_SERVER} from './defaults';

const LAB_HELP =
	'a lab, attached to our server with its flags (with --gunicorn, real Gunicorn; with --plain, its sheet): ' +
	LABS.map(l => l.id).join(', ');

/** The panels --panel offers (the Room is the workshop instructor's own). */
const offered = () => visiblePanels({room: false, live: true});

/** One option of --help: its text wrapped to 80 columns under the description column. */
function optionHelp(flag: string, text: string): string {
	const lines = [''];
	for (const word of text.split(' ')) {
		const line = lines[lines.length - 1];
		if (line && 24 + line.length + 1 + word.length > 80) lines.push(word);
		else lines[lines.length - 1] = line ? `${line} ${word}` : word;
	}
	return lines.map((l, i) => `${(i ? '' : `    ${flag}`).padEnd(24)}${l}`).join('\n');
}

export const HELP = `
  Usage
    $ gunicorn-walkthrough [options]              the walkthrough
    $ gunicorn-walkthrough --live [server opts]   attached to our own pre-fork server
    $ gunicorn-walkthrough --gunicorn [opts]      attached to real Gunicorn + Django
    $ gunicorn-walkthrough --gunicorn --chdir DIR APP_MODULE [-c FILE] [-- OPTS]
                                                  your own project, Gunicorn's OPTS
    $ gunicorn-walkthrough explain [--run] [--] gunicorn ARGS...
                                                  every option of a Gunicorn command line
    $ gunicorn-walkthrough serve [server opts]    run our pre-fork server alone
    $ gunicorn-walkthrough workshop [opts]        serve the walkthrough over SSH

  Walkthrough
    --chapter N|NAME    start a chapter: ${CHAPTERS.map((c, i) => `${i + 1} ${c.id}`).join(', ')}
    --step N            start at step N (1 to the chapter's last)
${optionHelp('--panel N|NAME', `start on a panel: ${panelKeys(offered())} or ${offered().join(', ')}`)}
    --plain             print the whole lesson as plain text (also when piped)
    --lesson FILE       teach the chapter in FILE (JSON or YAML, docs/lessons.md)
${optionHelp('--lab NAME', LAB_HELP)}
    --screen-reader     interactive, for screen readers: each change said as lines
                        of text, nothing drawn (also INK_SCREEN_READER=true)
    --reset             forget saved progress and start over

  Server (serve, --live, --gunicorn)
    --workers N         worker processes (default 2; Gunicorn's own is 1,
                        or $WEB_CONCURRENCY)
    --bind HOST:PORT    listen address (default 127.0.0.1:8000)
    --timeout S         kill a worker silent this long (default 30)
    --graceful-timeout S  time for in-flight requests on TERM (default 30)
    --max-requests N    recycle a worker after N requests (0 = off)
    --max-requests-jitter N  random extra requests per worker (0 = off)
    --preload           load the app in the master before forking
    --worker-class sync|gthread  one request at a time, or a pool of threads
    --threads N         (gthread) threads per worker (default 1; above 1
                        with sync, Gunicorn switches to gthread, and so do we)
    --keep-alive S      (gthread) seconds a connection may idle between
                        requests (default 2; 0 = close after each response)
    --worker-connections N  (gthread) connections one worker holds (default 1000)
    --events json       (serve) one JSON lifecycle event per line on stdout
    --python PATH       (--gunicorn) the Python that has gunicorn and Django
    --chdir DIR         (--gunicorn) your project: Gunicorn starts there
    -c, --config FILE   (--gunicorn) your config (default DIR/gunicorn.conf.py)
    --path PATH         (--live, --gunicorn) what r requests (default /)

  Workshop
    --host ADDR         listen address (default 127.0.0.1)
    --port N            SSH port (default 2222)
    --password WORD     attendees must give this password
    --authorized-keys FILE  attendees must hold one of these keys
    --open              allow a non-loopback host without authentication
    --max-sessions N    at most N attendees (default 50)
    --idle-timeout M    close sessions idle M minutes (default 60)
    --live, --gunicorn  one server for the room (with the server opts above)
    --room-controls     attendees may kill, TTIN/TTOU, HUP, stop and start it
    --results FILE      at the end, each attendee's progress and answers as
                        FILE (JSON) and a CSV beside it

  Keys: press ? in the app.
`;

export interface ServerOptions {
	workers: number;
	bind: string;
	timeout: number;
	gracefulTimeout: number;
	maxRequests: number;
	maxRequestsJitter: number;
	preload: boolean;
	workerClass: WorkerClass;
	threads: number;
	keepAlive: number; // seconds; 0 = no keep-alive
	workerConnections: number;
}

export interface WorkshopOptions {
	host: string;
	port: number;
	password?: string;
	authorizedKeys?: string;
	open: boolean;
	maxSessions: number;
	idleTimeout: number;
	/** Where to write the room's results at the end (JSON; the CSV beside it). */
	results?: string;
	/** Faults on the shared server are the attendees' too. */
	roomControls: boolean;
}

/** The learner's own project under real Gunicorn. */
export interface ProjectOptions {
	dir: string; // absolute: Gunicorn starts here
	app: string; // APP_MODULE
	config?: string; // their config file, absolute; else DIR/gunicorn.conf.py when it exists
	gunicorn: string[]; // options handed to Gunicorn as given (always a --bind)
	warnings: string[]; // said before starting: a non-loopback bind
	exposed: string[]; // the non-loopback binds, said on screen too
}

export type Invocation =
	| {
			mode: 'walkthrough';
			chapter?: string; // an id of source/lesson/chapters.ts
			step?: number;
			panel?: PanelId;
			plain: boolean;
			lesson?: string; // --lesson FILE: a chapter in the lesson format
			lab?: LabId; // --lab NAME: attached, the Labs panel open on it (--plain: its sheet)
			screenReader: boolean;
			reset: boolean;
			live?: 'server' | 'gunicorn';
			server: ServerOptions;
			python?: string;
			project?: ProjectOptions;
			path?: string;
			notice?: string;
	  }
	| {mode: 'explain'; argv: string[]}
	| {mode: 'serve'; server: ServerOptions; events: boolean; notice?: string}
	| {
			mode: 'workshop';
			workshop: WorkshopOptions;
			chapter?: string;
			step?: number;
			panel?: PanelId;
			reset: boolean;
			/** One server for the room, run by the instructor's process. */
			live?: 'server' | 'gunicorn';
			server: ServerOptions;
			python?: string;
			path?: string;
	  }
	| {mode: 'worker'} // internal: a forked worker of `serve`
	| {mode: 'thread'} // internal: one thread of a gthread worker
	| {mode: 'error'; message: string};

const FLAGS = {
	chapter: {type: 'string'},
	step: {type: 'string'},
	panel: {type: 'string'},
	plain: {type: 'boolean'},
	lesson: {type: 'string'},
	lab: {type: 'string'},
	screenReader: {type: 'boolean'},
	reset: {type: 'boolean'},
	live: {type: 'boolean'},
	gunicorn: {type: 'boolean'},
	workers: {type: 'string'},
	bind: {type: 'string'},
	timeout: {type: 'string'},
	gracefulTimeout: {type: 'string'},
	maxRequests: {type: 'string'},
	maxRequestsJitter: {type: 'string'},
	preload: {type: 'boolean'},
	workerClass: {type: 'string'},
	threads: {type: 'string'},
	keepAlive: {type: 'string'},
	workerConnections: {type: 'string'},
	events: {type: 'string'},
	python: {type: 'string'},
	chdir: {type: 'string'},
	config: {type: 'string'},
	path: {type: 'string'},
	host: {type: 'string'},
	port: {type: 'string'},
	password: {type: 'string'},
	authorizedKeys: {type: 'string'},
	open: {type: 'boolean'},
	maxSessions: {type: 'string'},
	idleTimeout: {type: 'string'},
	results: {type: 'string'},
	roomControls: {type: 'boolean'},
} as const;

type FlagName = keyof typeof FLAGS;
const kebab = (name: string) => name.replace(/[A-Z]/g, c => '-' + c.toLowerCase());

const SERVER_FLAGS: FlagName[] = [
	'workers',
	'bind',
	'timeout',
	'gracefulTimeout',
	'maxRequests',
	'maxRequestsJitter',
	'preload',
	'workerClass',
	'threads',
	'keepAlive',
	'workerConnections',
];
const WORKSHOP_FLAGS: FlagName[] = [
	'host',
	'port',
	'password',
	'authorizedKeys',
	'open',
	'maxSessions',
	'idleTimeout',
	'results',
	'roomControls',
];
/** Which flags each mode takes; anything else is an error naming the mode it belongs to. */
const ALLOWED: Record<'walkthrough' | 'live' | 'gunicorn' | 'serve' | 'workshop', FlagName[]> = {
	walkthrough: ['chapter', 'step', 'panel', 'plain', 'lesson', 'lab', 'screenReader', 'reset'],
	live: ['chapter', 'step', 'panel', 'lesson', 'lab', 'screenReader', 'reset', 'live', 'path', ...SERVER_FLAGS],
	gunicorn: [
		'lab',
		'chapter',
		'step',
		'lesson',
		'panel',
		'screenReader',
		'reset',
		'gunicorn',
		'python',
		'chdir',
		'config',
		'path',
		...SERVER_FLAGS,
	],
	serve: [...SERVER_FLAGS, 'events'],
	workshop: [
		'chapter',
		'step',
		'panel',
		'reset',
		...WORKSHOP_FLAGS,
		'live',
		'gunicorn',
		'python',
		'path',
		...SERVER_FLAGS,
	],
};

class UsageError extends Error {}

function integer(value: string | undefined, flag: string, min: number, max: number, fallback: number): number {
	if (value === undefined) return fallback;
	if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
		throw new UsageError(`--${flag} must be a whole number from ${min} to ${max} (got "${value}")`);
	}
	return Number(value);
}

/** HOST:PORT, [IPv6]:PORT or a bare port. */
export function parseBind(value: string): {host: string; port: number} | undefined {
	const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]*)):(\d{1,5})$/.exec(value) ?? /^()()(\d{1,5})$/.exec(value);
	if (!match) return undefined;
	const port = Number(match[3]);
	if (port > 65535) return undefined;
	return {host: match[1] || match[2] || '127.0.0.1', port};
}

/** A valid --bind as HOST:PORT, the way servers and URLs write it: [v6]:PORT, a bare port on loopback. */
export function formatBind(bind: string): string {
	const {host, port} = parseBind(bind)!;
	return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Gunicorn's worker_class property: a sync worker with more than one thread is run as gthread. */
function workerClass(
	name: string | undefined,
	threadsFlag: string | undefined,
): {workerClass: WorkerClass; threads: number} {
	const given = (name ?? DEFAULT_SERVER.workerClass) as WorkerClass;
	if (!WORKER_CLASSES.includes(given)) {
		throw new UsageError(`--worker-class must be ${WORKER_CLASSES.join(' or ')} (got "${name}")`);
	}
	const threads = integer(threadsFlag, 'threads', 1, 64, DEFAULT_SERVER.threads);
	return {workerClass: given === 'sync' && threads > 1 ? 'gthread' : given, threads};
}

/** --worker-class and its settings, only when not the sync default (Gunicorn's flag names). */
export function workerClassArgs(server: ServerOptions): string[] {
	if (server.workerClass === 'sync') return [];
	return [
		'--worker-class',
		server.workerClass,
		'--threads',
		String(server.threads),
		'--keep-alive',
		String(server.keepAlive),
		'--worker-connections',
		String(server.workerConnections),
	];
}

/** --lab by id; anything else names the labs there are. */
function labOption(value: string | undefined): LabId | undefined {
	if (value === undefined) return undefined;
	if (labById(value)) return value as LabId;
	throw new UsageError(`unknown lab "${value}"; the labs are ${LABS.map(l => l.id).join(', ')}`);
}

/** --chapter by number or id; anything else names the chapters there are. */
function chapterOption(value: string | undefined): string | undefined {
	if (value === undefined) return undefined;
	const found = findChapter(value.toLowerCase());
	if (found) return found.id;
	const there = CHAPTERS.map((c, i) => `${i + 1} ${c.id} (${c.title})`).join(', ');
	throw new UsageError(`unknown chapter "${value}"; the chapters are ${there}`);
}

function panelOption(value: string | undefined): PanelId | undefined {
	if (value === undefined) return undefined;
	const found = panelNamed(value);
	if (found) return found;
	const names = offered();
	throw new UsageError(`--panel must be ${panelKeys(names)} or one of ${names.join(', ')} (got "${value}")`);
}

export function parseArgs(argv: string[]): Invocation {
	try {
		return parse(argv);
	} catch (error) {
		if (error instanceof UsageError) return {mode: 'error', message: error.message};
		throw error;
	}
}

function parse(argv: string[]): Invocation {
	if (argv[0] === '__worker') return {mode: 'worker'};
	if (argv[0] === 'explain') return {mode: 'explain', argv: argv.slice(1)};
	if (argv[0] === '__thread') return {mode: 'thread'};
	// After `--` come Gunicorn's own options (for --gunicorn with a project); -c is --config.
	const dash = argv.indexOf('--');
	const theirs = dash < 0 ? undefined : argv.slice(dash + 1);
	argv = (dash < 0 ? argv : argv.slice(0, dash)).map(arg => (arg === '-c' ? '--config' : arg));
	// meow answers --help and --version only when they stand alone; here they win wherever they stand.
	const asked = argv.find(arg => arg === '--help' || arg === '-h' || arg === '--version');
	if (asked) argv = [asked === '-h' ? '--help' : asked];
	const known = new Set(Object.keys(FLAGS).flatMap(name => [name, kebab(name)]));
	for (const arg of argv) {
		const name = /^--?([^=]+)/.exec(arg)?.[1];
		if (name === undefined || arg === '-' || /^-\d/.test(arg)) continue;
		if (!arg.startsWith('--') || !(known.has(name) || ['help', 'version', 'no-color', 'color'].includes(name))) {
			throw new UsageError(`unknown option ${arg.split('=')[0]}; see --help`);
		}
	}
	let cli: ReturnType<typeof meow>;
	try {
		cli = meow(HELP, {
			importMeta: import.meta,
			argv,
			flags: FLAGS as never,
			allowUnknownFlags: true,
			autoHelp: true,
			autoVersion: true,
			description: 'Learn how Gunicorn serves a Django application, step by step.',
		});
	} catch (error) {
		// meow's own complaints ("The flag --step can only be set once.") are usage errors too.
		throw new UsageError(`${(error as Error).message.replace(/\.$/, '')}; see --help`);
	}
	const flags = cli.flags as Record<string, string | boolean | undefined>;
	// --gunicorn takes one positional: the project's APP_MODULE.
	const app =
		flags.gunicorn && cli.input.length === 1 && !['serve', 'workshop'].includes(cli.input[0])
			? cli.input[0]
			: undefined;
	const command = app ? undefined : cli.input[0];
	if (cli.input.length > 1 || (command !== undefined && command !== 'serve' && command !== 'workshop')) {
		throw new UsageError(`unknown command "${cli.input.join(' ')}"; commands are serve and workshop`);
	}
	if (flags.live && flags.gunicorn) throw new UsageError('--live and --gunicorn cannot be used together');
	// --lab attaches to our server (unless --gunicorn or --plain): it takes --live's flags.
	const labbed = Boolean(flags.lab) && !flags.plain;
	const mode =
		command ??
		(flags.live || labbed ? (flags.gunicorn ? 'gunicorn' : 'live') : flags.gunicorn ? 'gunicorn' : 'walkthrough');
	if (command === 'serve' && (flags.live || flags.gunicorn))
		throw new UsageError(`--${flags.live ? 'live' : 'gunicorn'} cannot be used with ${command}`);
	for (const name of Object.keys(FLAGS) as FlagName[]) {
		if (flags[name] === undefined || flags[name] === false) continue;
		if (ALLOWED[mode].includes(name)) continue;
		const owners = (Object.keys(ALLOWED) as Array<keyof typeof ALLOWED>).filter(m => ALLOWED[m].includes(name));
		const where = owners.map(m =>
			m === 'walkthrough' ? 'the walkthrough' : m === 'serve' || m === 'workshop' ? m : `--${m}`,
		);
		throw new UsageError(`--${kebab(name)} is only for ${where.join(', ')}`);
	}

	const str = (name: FlagName) => flags[name] as string | undefined;
	const chapter = chapterOption(str('chapter'));
	const steps = (findChapter(chapter ?? '1') ?? CHAPTERS[0]).lesson('default').steps.length;
	const step = str('step') === undefined ? undefined : integer(str('step'), 'step', 1, steps, 1);
	const panel = panelOption(str('panel'));

	const bind = str('bind') ?? DEFAULT_SERVER.bind;
	if (!parseBind(bind)) throw new UsageError(`--bind must be HOST:PORT with a port from 0 to 65535 (got "${bind}")`);
	const server: ServerOptions = {
		workers: integer(str('workers'), 'workers', 1, 64, DEFAULT_SERVER.workers),
		bind,
		timeout: integer(str('timeout'), 'timeout', 1, 3600, DEFAULT_SERVER.timeout),
		gracefulTimeout: integer(str('gracefulTimeout'), 'graceful-timeout', 0, 3600, DEFAULT_SERVER.gracefulTimeout),
		maxRequests: integer(str('maxRequests'), 'max-requests', 0, 10_000_000, DEFAULT_SERVER.maxRequests),
		maxRequestsJitter: integer(
			str('maxRequestsJitter'),
			'max-requests-jitter',
			0,
			10_000_000,
			DEFAULT_SERVER.maxRequestsJitter,
		),
		preload: Boolean(flags.preload),
		...workerClass(str('workerClass'), str('threads')),
		keepAlive: integer(str('keepAlive'), 'keep-alive', 0, 3600, DEFAULT_SERVER.keepAlive),
		workerConnections: integer(
			str('workerConnections'),
			'worker-connections',
			1,
			100_000,
			DEFAULT_SERVER.workerConnections,
		),
	};
	const notice =
		server.workerClass === 'gthread' && (str('workerClass') ?? 'sync') === 'sync'
			? `--threads ${server.threads} with the sync worker: using gthread, as Gunicorn does (it runs gthread ` +
				`when threads > 1)`
			: undefined;

	if (str('python') === '') throw new UsageError('--python must name a Python interpreter (got "")');
	switch (mode) {
		case 'serve': {
			const events = str('events');
			if (events !== undefined && events !== 'json')
				throw new UsageError(`--events takes only "json" (got "${events}")`);
			return {mode, server, events: events === 'json', ...(notice ? {notice} : {})};
		}
		case 'workshop': {
			const host = str('host') ?? '127.0.0.1';
			const workshop: WorkshopOptions = {
				host,
				port: integer(str('port'), 'port', 0, 65535, 2222),
				password: str('password'),
				authorizedKeys: str('authorizedKeys'),
				open: Boolean(flags.open),
				maxSessions: integer(str('maxSessions'), 'max-sessions', 1, 1000, 50),
				idleTimeout: integer(str('idleTimeout'), 'idle-timeout', 1, 24 * 60, 60),
				results: str('results'),
				roomControls: Boolean(flags.roomControls),
			};
			if (workshop.results === '') throw new UsageError('--results must name a file');
			if (workshop.roomControls && !flags.live && !flags.gunicorn)
				throw new UsageError('--room-controls needs --live or --gunicorn');
			if (workshop.password === '') throw new UsageError('--password must not be empty');
			if (workshop.password && workshop.authorizedKeys)
				throw new UsageError('use --password or --authorized-keys, not both');
			const loopback = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(host);
			if (!loopback && !workshop.password && !workshop.authorizedKeys && !workshop.open) {
				throw new UsageError(`--host ${host} is not loopback: add --password, --authorized-keys or --open`);
			}
			const path = str('path');
			if (path !== undefined && !/^\/[^\s]*$/.test(path))
				throw new UsageError(`--path must start with / and hold no spaces (got "${path}")`);
			return {
				mode,
				workshop,
				chapter,
				step,
				panel,
				reset: Boolean(flags.reset),
				live: flags.live ? 'server' : flags.gunicorn ? 'gunicorn' : undefined,
				server,
				...(str('python') ? {python: str('python')} : {}),
				...(path ? {path} : {}),
			};
		}
		default: {
			const path = str('path');
			if (path !== undefined && !/^\/[^\s]*$/.test(path))
				throw new UsageError(`--path must start with / and hold no spaces (got "${path}")`);
			const project = mode === 'gunicorn' ? projectOptions(app, theirs, flags, server) : undefined;
			if (!project && theirs)
				throw new UsageError(
					'options after -- are for Gunicorn: use --gunicorn --chdir DIR APP_MODULE -- OPTIONS',
				);
			if (project) server.bind = project.bind;
			const lab = labOption(str('lab'));
			if (lab) Object.assign(server, labById(lab)!.setup);
			return {
				mode: 'walkthrough',
				chapter,
				step,
				panel,
				plain: Boolean(flags.plain),
				...(str('lesson') !== undefined ? {lesson: str('lesson')} : {}),
				screenReader: Boolean(flags.screenReader),
				reset: Boolean(flags.reset),
				live: mode === 'live' ? 'server' : mode === 'gunicorn' ? 'gunicorn' : undefined,
				...(lab ? {lab, panel: 'labs' as const} : {}),
				server,
				python: str('python'),
				...(project ? {project: project.options} : {}),
				...(path ? {path} : {}),
				...(notice ? {notice} : {}),
			};
		}
	}
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/**
 * --gunicorn with --chdir, APP_MODULE, -c or options after `--`: their project. Our server flags
 * given before `--` become Gunicorn's; Gunicorn's defaults (or their config) rule the rest, but
 * --bind is always given: loopback unless they bind elsewhere themselves.
 */
function projectOptions(
	app: string | undefined,
	theirs: string[] | undefined,
	flags: Record<string, unknown>,
	server: ServerOptions,
): {options: ProjectOptions; bind: string} | undefined {
	const chdir = flags.chdir as string | undefined;
	if (!app && !chdir && !flags.config && !theirs) return undefined; // the bundled demo project
	const read = readCommandLine(theirs ?? []);
	if (read.error) throw new UsageError(read.error);
	if (read.app && app) throw new UsageError(`two APP_MODULEs: ${app} and ${read.app}`);
	const module = app ?? read.app;
	if (!module)
		throw new UsageError(
			'--gunicorn with your project needs its APP_MODULE, e.g. --chdir ~/code/mysite mysite.wsgi:application',
		);
	const refused = read.given.find(g => ['daemon', 'check_config'].includes(g.option.name));
	if (refused) throw new UsageError(`${refused.flag} cannot be watched by the walkthrough: run Gunicorn without it`);
	const dir = resolve(chdir ?? '.');
	const absolute = (file: string) => (isAbsolute(file) ? file : resolve(process.cwd(), file));
	const configs = [
		flags.config as string | undefined,
		...read.given.filter(g => g.option.name === 'config').map(g => g.value),
	].filter(Boolean) as string[];
	const ours: string[] = [];
	for (const name of SERVER_FLAGS) {
		if (flags[name] === undefined || flags[name] === false) continue;
		ours.push(`--${kebab(name)}`, ...(name === 'preload' ? [] : [String(server[name as keyof ServerOptions])]));
	}
	const given = read.given
		.filter(g => g.option.name !== 'config')
		.flatMap(g => (g.value === undefined ? [g.flag] : [g.flag, g.value]));
	// Gunicorn's --bind appends: given once, whether before `--` (ours) or after (theirs), else loopback.
	const binds = [
		...(flags.bind === undefined ? [] : [server.bind]),
		...read.given.filter(g => g.option.name === 'bind').map(g => g.value!),
	];
	const bind = binds[0] ?? server.bind;
	const gunicorn = [...(binds.length ? [] : ['--bind', bind]), ...ours, ...given];
	const exposed = binds.filter(b => !/^(unix:|fd:\/\/)/.test(b) && !LOOPBACK.test(parseBind(b)?.host ?? b));
	const warnings = exposed.map(b => `--bind ${b} is not loopback: your app is then reachable from other machines`);
	const worker = read.given.find(
		g => g.option.name === 'worker_class' || (g.option.name === 'threads' && Number(g.value) > 1),
	);
	if (worker)
		warnings.push(
			`${worker.flag} ${worker.value}: the walkthrough follows one request at a time per worker (the sync ` +
				`worker); events of concurrent requests may be mixed up`,
		);
	return {
		options: {dir, app: module, config: configs.at(-1) && absolute(configs.at(-1)!), gunicorn, warnings, exposed},
		bind: parseBind(bind) ? bind : server.bind,
	};
}
