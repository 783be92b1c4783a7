// Real Gunicorn serving the Django project in python/, as a LiveSource: found by find.ts,
// run with our hooks (python/walkthrough_conf.py) that write protocol events to fd 3.
import {cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {basename, join} from 'node:path';
import process from 'node:process';
import {fileURLToPath} from 'node:url';
import {formatBind, workerClassArgs, type ProjectOptions, type ServerOptions} from '../cli/args';
import {createProcessSource} from '../live/process-source';
import type {LiveSource} from '../live/source';
import {findGunicorn} from './find';

export const APP = 'myproject.wsgi:application';
export const CONFIG = 'walkthrough_conf.py';
/** Their project's config: ours, which reads theirs (GW_USER_CONFIG) and wraps its hooks. */
export const THEIR_CONFIG = 'walkthrough/their_conf.py';

/**
 * The Django project ships beside the code, not inside the bundle: from source it is
 * ./python/, from dist/*.js (built or installed from npm) ../source/gunicorn/python/.
 */
export function projectDir(): string | undefined {
	for (const relative of ['./python/', '../source/gunicorn/python/']) {
		const dir = fileURLToPath(new URL(relative, import.meta.url));
		if (existsSync(`${dir}${CONFIG}`)) return dir;
	}
	return undefined;
}

/**
 * A copy of the demo project in a temporary directory, removed when this process exits: the
 * server runs from it, and edit-app changes its settings' GREETING, never the installed files.
 */
export function workingCopy(ours: string): {dir: string; edit: (text: string) => void} {
	const dir = mkdtempSync(join(tmpdir(), 'gw-project-'));
	process.on('exit', () => rmSync(dir, {recursive: true, force: true}));
	cpSync(ours, dir, {recursive: true, filter: from => basename(from) !== '__pycache__'});
	const settings = join(dir, 'myproject', 'settings.py');
	const edit = (text: string) => {
		const line = `GREETING = ${JSON.stringify(text)}`; // a JSON string is a valid Python literal
		writeFileSync(settings, readFileSync(settings, 'utf8').replace(/^GREETING = .*$/m, line));
	};
	return {dir, edit};
}

/** Gunicorn's command line for these options; flags equal to Gunicorn's defaults are left out to keep it readable. */
export function gunicornArgs(server: ServerOptions): string[] {
	const args = ['--config', CONFIG, '--workers', String(server.workers), '--bind', formatBind(server.bind)];
	if (server.timeout !== 30) args.push('--timeout', String(server.timeout));
	if (server.gracefulTimeout !== 30) args.push('--graceful-timeout', String(server.gracefulTimeout));
	if (server.maxRequests) args.push('--max-requests', String(server.maxRequests));
	if (server.maxRequestsJitter) args.push('--max-requests-jitter', String(server.maxRequestsJitter));
	if (server.preload) args.push('--preload');
	args.push(...workerClassArgs(server));
	return [...args, APP];
}

/** How Gunicorn is run for their project: in their directory, with our config around theirs. */
export function projectRun(
	project: ProjectOptions,
	ours: string,
): {args: string[]; cwd: string; env: Record<string, string>} | {error: string} {
	let isDir = false;
	try {
		isDir = statSync(project.dir).isDirectory();
	} catch {
		// missing: said below
	}
	if (!isDir) return {error: `--chdir ${project.dir} is not a directory`};
	if (project.config && !existsSync(project.config))
		return {error: `the config file ${project.config} does not exist`};
	// Without -c Gunicorn reads ./gunicorn.conf.py where it starts; ours must read it for it.
	const fallback = join(project.dir, 'gunicorn.conf.py');
	const config = project.config ?? (existsSync(fallback) ? fallback : '');
	return {
		args: ['-m', 'gunicorn', '--config', join(ours, THEIR_CONFIG), ...project.gunicorn, project.app],
		cwd: project.dir,
		// Their DJANGO_SETTINGS_MODULE (their wsgi.py's default, or their shell's) stays theirs.
		env: {GW_USER_CONFIG: config},
	};
}

export async function createGunicornSource(
	server: ServerOptions,
	python?: string,
	project?: ProjectOptions,
	path?: string,
): Promise<LiveSource | {error: string}> {
	const found = await findGunicorn(python);
	if ('error' in found) return found;
	const ours = projectDir();
	if (!ours) return {error: 'the Django project (source/gunicorn/python/) is missing from this installation'};
	const copy = project ? undefined : workingCopy(ours);
	const run = project
		? projectRun(project, ours)
		: {
				args: ['-m', 'gunicorn', ...gunicornArgs(server)],
				cwd: copy!.dir,
				env: {DJANGO_SETTINGS_MODULE: 'myproject.settings'},
			};
	if ('error' in run) return run;
	const source = createProcessSource({
		kind: 'gunicorn',
		address: formatBind(server.bind),
		command: found.python,
		args: run.args,
		// Events on fd 3; our settings even if the user's shell names others (GUNICORN_CMD_ARGS could
		// add --daemon or another worker class); no __pycache__ written into the package or their project.
		env: {
			GW_EVENTS_FD: '3',
			GUNICORN_CMD_ARGS: '',
			PYTHONUNBUFFERED: '1',
			PYTHONDONTWRITEBYTECODE: '1',
			...run.env,
		},
		cwd: run.cwd,
		events: 'fd3',
		project: project && {
			app: project.app,
			dir: project.dir,
			command: ['gunicorn', ...project.gunicorn, project.app].join(' '),
		},
		path,
		gracefulTimeout: server.gracefulTimeout, // stop() caps it at STOP_LIMIT_S
		editApp: copy?.edit,
		// Their project keeps their own options; the demo's are rebuilt from the lab's flags.
		reconfigure: project
			? undefined
			: flags => {
					const options = {...server, ...flags};
					return {
						args: ['-m', 'gunicorn', ...gunicornArgs(options)],
						gracefulTimeout: options.gracefulTimeout,
					};
				},
	});
	const start = source.start;
	source.start = () =>
		start().catch((error: Error) => Promise.reject(new Error(startError(error.message, server.bind))));
	return source;
}

/** Gunicorn's last words when it could not start, said for this app's user. */
export function startError(message: string, bind: string): string {
	// After five tries a second apart: "Can't connect to ('127.0.0.1', 8000)".
	if (/^Can't connect to/.test(message))
		return (
			`Gunicorn could not listen on ${formatBind(bind)} (in use, or not allowed): choose another with ` +
			`--bind HOST:PORT`
		);
	return `Gunicorn did not start: ${message}`;
}
