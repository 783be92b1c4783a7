// A Django project unlike the demo (test/fixtures/bookshelf: SQLite and a migration, a
// template, a streaming view, its own middleware, its own gunicorn.conf.py with a post_fork
// hook) served by real Gunicorn through the walkthrough, and compared with plain Gunicorn.
import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import {
	cpSync,
	existsSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	readlinkSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import net from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import process from 'node:process';
import {afterAll, afterEach, describe, expect, it} from 'vitest';
import {parseArgs, type ProjectOptions, type ServerOptions} from '../source/cli/args';
import {findGunicorn} from '../source/gunicorn/find';
import {createGunicornSource} from '../source/gunicorn/source';
import type {LifecycleEvent} from '../source/lifecycle/events';
import {initialState, reduceAll} from '../source/lifecycle/machine';
import {groupAlive} from '../source/live/process-source';
import type {LiveSource} from '../source/live/source';
import {CHAPTERS} from '../source/lesson/chapters';
import {exposedNotice, ownLesson} from '../source/ui/own-project';
import {panelNamed, panelById} from '../source/ui/panels';
import {KEYS, TerminalSession} from './support/terminal';

const found = await findGunicorn();
const missing = 'error' in found ? found.error : undefined;
const required = process.env.GUNICORN_REQUIRED === '1';
if (missing && !required) console.warn(`own-project tests skipped: ${missing}`);
const python = 'error' in found ? '/usr/bin/python3' : found.python;

const FIXTURE = new URL('./fixtures/bookshelf/', import.meta.url).pathname;
const APP = 'bookshelf.wsgi:application';
const tmp = mkdtempSync(join(tmpdir(), 'gw-own-'));
afterAll(() => rmSync(tmp, {recursive: true, force: true}));

/** A fresh copy of the fixture with its database migrated, as its developer would have it. */
function project(name: string): string {
	const dir = join(tmp, name);
	cpSync(FIXTURE, dir, {recursive: true});
	execFileSync(python, ['manage.py', 'migrate', '-v0'], {
		cwd: dir,
		env: {...process.env, PYTHONDONTWRITEBYTECODE: '1'},
	});
	return dir;
}

/** Every file of a project and its bytes (the database and the hook's marks aside). */
function snapshot(dir: string, under = ''): Record<string, string> {
	const out: Record<string, string> = {};
	for (const name of readdirSync(join(dir, under))) {
		const path = join(under, name);
		if (['shelf.sqlite3', 'marks'].includes(path)) continue;
		if (statSync(join(dir, path)).isDirectory()) Object.assign(out, snapshot(dir, path));
		else out[path] = readFileSync(join(dir, path), 'latin1');
	}
	return out;
}

/** Running processes whose working directory is the project: Gunicorn's master and workers. */
function processesIn(dir: string): number[] {
	return readdirSync('/proc')
		.filter(name => /^\d+$/.test(name))
		.flatMap(pid => {
			try {
				const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
				return readlinkSync(`/proc/${pid}/cwd`) === dir && !/\) [ZX] /.test(stat) ? [Number(pid)] : [];
			} catch {
				return []; // gone, or not ours to read
			}
		});
}

function invocation(dir: string, extra: string[] = []): {server: ServerOptions; project: ProjectOptions} {
	const inv = parseArgs([
		'--gunicorn',
		'--chdir',
		dir,
		APP,
		'--',
		'--bind',
		'127.0.0.1:0',
		'--graceful-timeout',
		'3',
		...extra,
	]);
	if (inv.mode !== 'walkthrough' || !inv.project) throw new Error(JSON.stringify(inv));
	return {server: inv.server, project: inv.project};
}

/** One raw HTTP/1.1 exchange: the bytes as they arrive, with when each chunk came. */
function exchange(
	address: string,
	path: string,
	host = '127.0.0.1',
	method = 'GET',
): Promise<{bytes: Buffer; chunks: number[]}> {
	const [h, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
	return new Promise((resolve, reject) => {
		const parts: Buffer[] = [];
		const chunks: number[] = [];
		const socket = net.connect(port, h, () =>
			socket.write(`${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: own-project-test\r\n\r\n`),
		);
		socket.on('data', data => {
			parts.push(data);
			chunks.push(Date.now());
		});
		socket.on('end', () => resolve({bytes: Buffer.concat(parts), chunks}));
		socket.on('error', reject);
		socket.setTimeout(15_000, () => socket.destroy(new Error(`no answer for ${path}`)));
	});
}
/** The response without its Date header, the one part that changes every second. */
const undated = (bytes: Buffer) => bytes.toString('latin1').replace(/^Date: .*\r\n/m, 'Date: (now)\r\n');

const REQUESTS: Array<[string, string?, string?]> = [
	['/'],
	['/books/2/'],
	['/books/9/'],
	['/countdown/'],
	['/nowhere'],
	['/', 'evil.example'],
	['/books/1/', '127.0.0.1', 'HEAD'],
];

async function until(test: () => boolean, what: string, ms = 20_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!test()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 50));
	}
}

if (required) {
	it('finds Gunicorn and Django (GUNICORN_REQUIRED=1)', () => expect(missing).toBeUndefined());
}

describe('the project on the command line', () => {
	it('takes --chdir, APP_MODULE, -c and Gunicorn options after --, and binds loopback unless told', () => {
		const inv = parseArgs([
			'--gunicorn',
			'--chdir',
			'/srv/site',
			'site.wsgi:application',
			'-c',
			'conf/g.py',
			'--workers',
			'3',
			'--path',
			'/books/',
			'--',
			'--timeout',
			'10',
			'--preload',
		]);
		expect(inv).toMatchObject({
			mode: 'walkthrough',
			live: 'gunicorn',
			path: '/books/',
			project: {
				dir: '/srv/site',
				app: 'site.wsgi:application',
				config: join(process.cwd(), 'conf/g.py'),
				warnings: [],
			},
		});
		expect((inv as {project: ProjectOptions}).project.gunicorn).toEqual([
			'--bind',
			'127.0.0.1:8000',
			'--workers',
			'3',
			'--timeout',
			'10',
			'--preload',
		]);
		const open = parseArgs(['--gunicorn', 'site.wsgi', '--', '-b', '0.0.0.0:9000']) as {
			project: ProjectOptions;
			server: ServerOptions;
		};
		expect(open.project.gunicorn).toEqual(['-b', '0.0.0.0:9000']);
		expect(open.project.warnings).toEqual([
			'--bind 0.0.0.0:9000 is not loopback: your app is then reachable from other machines',
		]);
		expect(open.server.bind).toBe('0.0.0.0:9000');
	});

	it('hands Gunicorn one --bind, given before -- or after, and says a non-loopback one plainly', () => {
		const before = parseArgs(['--gunicorn', '--chdir', '/srv/site', 'site.wsgi', '--bind', '0.0.0.0:9001']) as {
			project: ProjectOptions;
			server: ServerOptions;
		};
		// Gunicorn's --bind appends: given twice, it binds the same address twice and fails.
		expect(before.project.gunicorn.filter(arg => arg === '--bind')).toHaveLength(1);
		expect(before.project.gunicorn).toEqual(['--bind', '0.0.0.0:9001']);
		expect(before.server.bind).toBe('0.0.0.0:9001');
		expect(before.project.warnings).toEqual([
			'--bind 0.0.0.0:9001 is not loopback: your app is then reachable from other machines',
		]);
		expect(exposedNotice(before.project.exposed)).toBe(
			'Reachable from other machines: --bind 0.0.0.0:9001 is not loopback',
		);
		const local = parseArgs(['--gunicorn', 'site.wsgi', '--bind', '127.0.0.1:9002']) as {project: ProjectOptions};
		expect(local.project.gunicorn).toEqual(['--bind', '127.0.0.1:9002']);
		expect(local.project.warnings).toEqual([]);
		expect(exposedNotice(local.project.exposed)).toBeUndefined();
	});

	it('says what is wrong in one line', () => {
		const error = (argv: string[]) => {
			const r = parseArgs(argv);
			return r.mode === 'error' ? r.message : undefined;
		};
		expect(error(['--gunicorn', '--chdir', '/srv/site'])).toMatch(/needs its APP_MODULE/);
		expect(error(['--gunicorn', 'a.wsgi', '--', '--wrokers', '3'])).toBe(
			'unknown Gunicorn option --wrokers; did you mean --workers?',
		);
		expect(error(['--gunicorn', 'a.wsgi', '--', '--daemon'])).toMatch(/--daemon cannot be watched/);
		expect(error(['--live', '--', '--workers', '3'])).toMatch(/options after -- are for Gunicorn/);
		expect(error(['--gunicorn', 'a.wsgi', '--path', 'books'])).toMatch(/--path must start with \//);
	});
});

describe("the lesson in their project's words", () => {
	const info = {app: 'bookshelf.wsgi:application', dir: FIXTURE, command: `gunicorn ${APP}`};
	const DEMO = /myproject|pages\.views|pages\/views|home\(\)|Hello from worker|\/slow\b/;
	/** Every string of a lesson, with where it is. */
	const strings = (value: unknown, where: string): Array<[string, string]> =>
		typeof value === 'string'
			? [[where, value]]
			: Array.isArray(value)
				? value.flatMap((item, i) => strings(item, `${where}[${i}]`))
				: value && typeof value === 'object'
					? Object.entries(value).flatMap(([key, item]) => strings(item, `${where}.${key}`))
					: [];

	it("leaves none of the demo's names in any chapter, step, template or quiz", () => {
		const named = [{}, {view: 'catalog.views.countdown', path: '/countdown/', method: 'GET', status: '200 OK'}];
		for (const chapter of CHAPTERS)
			for (const variant of ['default', 'preload'] as const)
				for (const request of named) {
					const lesson = ownLesson(chapter.lesson(variant), info, request);
					const left = strings(lesson, `${chapter.id}/${variant}`).filter(([, text]) => DEMO.test(text));
					expect(left.map(([where, text]) => `${where}: ${text}`)).toEqual([]);
				}
	});

	it('says the status, method and path of their request, and when no view answered it', () => {
		const step = (lesson: ReturnType<typeof ownLesson>, title: RegExp) =>
			lesson.steps.find(s => title.test(s.title))!.narration.join(' ');
		const refused = ownLesson(CHAPTERS[0].lesson('default'), info, {
			path: '/',
			method: 'GET',
			status: '400 Bad Request',
		});
		expect(step(refused, /^The view returns/)).toContain(
			"No view ran: Django turns the refusal into a response. Django's handler calls " +
				"start_response('400 Bad Request', headers)",
		);
		expect(step(refused, /Django picks the view/)).toContain('the request reaches no view');
		const missingBook = ownLesson(CHAPTERS[0].lesson('default'), info, {
			view: 'catalog.views.BookDetail',
			path: '/books/9/',
			method: 'HEAD',
			status: '404 Not Found',
		});
		expect(step(missingBook, /^The view returns/)).toMatch(
			/^BookDetail\(\) returns an HttpResponse\. .*start_response\('404 Not Found', headers\)/,
		);
		expect(step(missingBook, /accepts|connects|browser/i)).toContain('"HEAD /books/9/ HTTP/1.1"');
	});
});

describe.skipIf(Boolean(missing))('their project under real Gunicorn', () => {
	let source: LiveSource | undefined;
	let plain: ChildProcess | undefined;
	afterEach(async () => {
		await source?.stop();
		source = undefined;
		if (plain?.pid && groupAlive(plain.pid)) process.kill(-plain.pid, 'SIGKILL');
		plain = undefined;
	});

	async function watched(dir: string, extra: string[] = [], given = invocation(dir, extra)) {
		const {server, project} = given;
		const created = await createGunicornSource(server, undefined, project);
		if ('error' in created) throw new Error(created.error);
		source = created;
		const events: LifecycleEvent[] = [];
		const logs: string[] = [];
		created.onEvent(e => events.push(e));
		created.onLog(line => logs.push(line));
		const exited = new Promise<number | null>(resolve => created.onExit(code => resolve(code)));
		return {source: created, events, logs, exited};
	}

	/** Plain `gunicorn APP` in the project, as its developer runs it. */
	async function plainGunicorn(dir: string): Promise<string> {
		plain = spawn(python, ['-m', 'gunicorn', '--bind', '127.0.0.1:0', APP], {
			cwd: dir,
			detached: true,
			stdio: ['ignore', 'ignore', 'pipe'],
			env: {
				...process.env,
				GUNICORN_CMD_ARGS: '',
				BOOKSHELF_MARKS: `${dir}-plain-marks`,
				PYTHONDONTWRITEBYTECODE: '1',
			},
		});
		let log = '';
		plain.stderr!.on('data', data => (log += data));
		await until(
			() => /Listening at: http:\/\/[\d.]+:\d+/.test(log) && (log.match(/Booting worker/g) ?? []).length === 2,
			'plain Gunicorn listening',
		);
		return /Listening at: http:\/\/([\d.]+:\d+)/.exec(log)![1];
	}

	it('answers byte for byte as plain Gunicorn does, ' +
		'streams, runs their hook and edits none of their files', async () => {
		const dir = project('served');
		const before = snapshot(dir);
		const run = await watched(dir);
		await run.source.start();
		await until(() => run.events.filter(e => e.type === 'worker.ready').length === 2, 'two workers');
		const address = await plainGunicorn(dir);
		for (const [path, host, method] of REQUESTS) {
			const ours = await exchange(run.source.address, path, host, method);
			const theirs = await exchange(address, path, host, method);
			expect(undated(ours.bytes), `${method ?? 'GET'} ${path} Host ${host ?? '127.0.0.1'}`).toBe(
				undated(theirs.bytes),
			);
			if (path === '/countdown/') {
				// The first line arrives while the view still sleeps: nothing of ours buffered it.
				expect(ours.chunks.at(-1)! - ours.chunks[0]).toBeGreaterThan(600);
			}
		}
		const shelf = (await exchange(run.source.address, '/')).bytes.toString();
		expect(shelf).toContain('<li>Middlemarch (shelf 2)</li>');
		expect(shelf).toContain('X-Shelf: catalog');
		expect((await exchange(run.source.address, '/', 'evil.example')).bytes.toString()).toMatch(
			/^HTTP\/1\.1 400 Bad Request/,
		);

		await until(
			() => run.events.filter(e => e.type === 'response.sent').length >= REQUESTS.length + 2,
			'every response reported',
		);
		// The Host ALLOWED_HOSTS refuses: Django's 400 reported as it was sent, with no view resolved.
		const refused = run.events.filter(e => e.type === 'response.sent' && (e as {status: number}).status === 400);
		expect(refused.length).toBeGreaterThanOrEqual(2);
		const views = run.events.filter(e => e.type === 'django.dispatched').map(e => (e as {view: string}).view);
		expect(new Set(views)).toEqual(
			new Set(['catalog.views.shelf_index', 'catalog.views.BookDetail', 'catalog.views.countdown']),
		);
		const streamed = run.events.find(
			e =>
				e.type === 'response.sent' &&
				run.events.some(
					d =>
						d.type === 'django.dispatched' &&
						(d as {id: string}).id === (e as {id: string}).id &&
						(d as {view: string}).view === 'catalog.views.countdown',
				),
		);
		expect(streamed).toMatchObject({status: 200});
		// Counted as the chunks passed: the bytes the app returned are the streamed body's.
		const returned = run.events.find(
			e => e.type === 'response.returned' && (e as {id: string}).id === (streamed as {id: string}).id,
		);
		expect(returned).toMatchObject({status: 200, bytes: '3\n2\n1\nliftoff\n'.length});
		// their gunicorn.conf.py's settings
		expect(run.events[0]).toMatchObject({type: 'master.starting', workers: 2, timeout: 20});
		// Their post_fork ran in each worker, after ours reported the fork.
		const workers = run.events.filter(e => e.type === 'worker.forked').map(e => (e as {pid: number}).pid);
		for (const pid of workers)
			expect(readFileSync(join(dir, 'marks', `post_fork-${pid}`), 'utf8')).toMatch(/^forked by \d+\n$/);
		expect(reduceAll(initialState, run.events).rejected).toEqual([]);
		expect(snapshot(dir)).toEqual(before); // no file changed, no __pycache__ written
		expect(existsSync(join(dir, 'catalog', '__pycache__'))).toBe(false);
		expect(JSON.stringify(run.events)).not.toMatch(/myproject|pages\.views/);
	}, 90_000);

	it('-c FILE: Gunicorn reads their named config (not DIR/gunicorn.conf.py), ' +
		'options after -- win over it', async () => {
		const dir = project('config-file');
		writeFileSync(
			join(dir, 'deploy.py'),
			'import os\nworkers = 1\ntimeout = 20\n\ndef post_fork(server, worker):\n' +
				'    open(os.path.join(os.path.dirname(__file__), "deploy-mark-%d" % worker.pid), "w").close()\n',
		);
		const inv = parseArgs(
			['--gunicorn', '--chdir', dir, APP, '-c', join(dir, 'deploy.py'), '--', '--bind'].concat([
				'127.0.0.1:0',
				'--timeout',
				'7',
				'--graceful-timeout',
				'3',
			]),
		);
		if (inv.mode !== 'walkthrough' || !inv.project) throw new Error(JSON.stringify(inv));
		const run = await watched(dir, [], {server: inv.server, project: inv.project});
		await run.source.start();
		await until(() => run.events.some(e => e.type === 'worker.ready'), 'a worker ready');
		expect(run.events[0]).toMatchObject({type: 'master.starting', workers: 1, timeout: 7});
		const pid = (run.events.find(e => e.type === 'worker.forked') as {pid: number}).pid;
		expect(existsSync(join(dir, `deploy-mark-${pid}`))).toBe(true); // their hook, from their file
		expect(existsSync(join(dir, 'marks'))).toBe(false); // gunicorn.conf.py's hook did not run
	}, 60_000);

	it('a broken copy (ImportError) shows the boot failure, ' +
		'with the traceback in the log, and leaves no process', async () => {
		const dir = project('broken');
		writeFileSync(
			join(dir, 'bookshelf', 'wsgi.py'),
			'import bookshelf.missing_module\n' + readFileSync(join(dir, 'bookshelf', 'wsgi.py'), 'utf8'),
		);
		const run = await watched(dir);
		await run.source.start().catch(() => undefined); // it may bind, then halt
		const code = await run.exited;
		// Gunicorn's WORKER_BOOT_ERROR, 3: "Worker failed to boot." Gunicorn 20.1 itself exits 1 now and
		// then: the second worker's failure raises HaltServer again inside halt() (plain Gunicorn too).
		expect([3, 1]).toContain(code);
		const log = run.logs.join('\n');
		expect(log).toMatch(/Traceback \(most recent call last\)/);
		expect(log).toMatch(/(ModuleNotFoundError|ImportError): No module named 'bookshelf.missing_module'/);
		expect(log).toMatch(/Worker failed to boot/);
		await until(() => processesIn(dir).length === 0, 'no Gunicorn process left', 10_000);
		expect(run.events.some(e => e.type === 'worker.exiting' && e.reason === 'boot-error')).toBe(true);
		const pids = run.events.filter(e => 'pid' in e).map(e => (e as {pid: number}).pid);
		await until(
			() =>
				pids.every(
					pid => !existsSync(`/proc/${pid}`) || /\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')),
				),
			'every process gone',
			10_000,
		);
	}, 60_000);
});

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer().listen(0, '127.0.0.1', () => {
			const {port} = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
		server.on('error', reject);
	});
}

describe.skipIf(Boolean(missing))('their project on screen (a pty, dist/cli.js)', () => {
	const sessions: TerminalSession[] = [];
	afterEach(() => sessions.splice(0).forEach(session => session.kill()));

	it("names their module, paths and views, never the demo's; r asks for a path; q leaves no process", async () => {
		const dir = project('on-screen');
		const port = await freePort();
		const session = new TerminalSession(
			['--gunicorn', '--chdir', dir, APP, '--path', '/books/2/', '--reset', '--', '--bind', `127.0.0.1:${port}`],
			{cols: 80, rows: 24, env: {XDG_CONFIG_HOME: tmp}},
		);
		sessions.push(session);
		const first = await session.waitFor(
			s => /master pid \d+/.test(s) && (s.match(/^ {2}\d+ +idle/gm) ?? []).length === 2,
			30_000,
		);
		const master = Number(/master pid (\d+)/.exec(first)![1]);
		const workers = [...first.matchAll(/^ {2}(\d+) +idle/gm)].map(m => Number(m[1]));

		session.write('r'); // asks, starting from --path
		await session.waitFor('Path for r (Enter sends, Esc cancels): /books/2/_');
		session.write(KEYS.enter);
		await session.waitFor(/GET \/books\/2\/ -> 200 in \d+ ms/, 15_000);
		session.write('r');
		await session.waitFor('/books/2/_');
		for (let left = '/books/2/'; left; ) {
			left = left.slice(0, -1);
			session.write('\x7f'); // Backspace, one press at a time as a person types
			await session.waitFor(`Esc cancels): ${left}_`);
		}
		session.write('/countdown/');
		await session.waitFor('Esc cancels): /countdown/_');
		session.write(KEYS.enter);
		await session.waitFor(/GET \/countdown\/ -> 200 in \d+ ms/, 15_000);
		await session.waitFor(/served 2 /); // both responses reported by post_request

		const screens: string[] = [];
		for (const panel of '123456789') {
			session.write(panel);
			const title = panelById(panelNamed(panel)!)!.title;
			screens.push(await session.waitFor(s => s.split('\n').some(line => line.startsWith(`${title} · `))));
		}
		const all = screens.join('\n');
		// the flow's Django box: their view
		expect(all).toMatch(/│ Django +│[^\n]*\n(?:[^\n]*\n){1,3}[^\n]*countdown\(\)/);
		expect(all).toContain('bookshelf/wsgi.py'); // the Sample panel shows their file
		// Lines joined, so that a name the panel wrapped over two lines is seen too.
		expect(all.replace(/\s+/g, ' ')).not.toMatch(/myproject|pages\.views|home\(\)|Hello from worker/);
		// Back on the event where Django picked the view, the narration names it in full.
		session.write('1');
		await session.waitFor(/^Flow · /m);
		for (const event of [17, 16]) {
			session.write(KEYS.left);
			await session.waitFor(`Event ${event}/`);
		}
		const picked = await session.waitFor('catalog.views.countdown');
		expect(picked.replace(/\s+/g, ' ')).toMatch(
			/the URL resolver matches 'countdown\/' in urls.py to catalog.views.countdown/,
		);
		expect(picked).not.toMatch(/myproject|pages\.views/);

		session.write('q');
		expect((await session.exited).exitCode).toBe(0);
		for (const pid of [master, ...workers]) {
			await until(
				() => !existsSync(`/proc/${pid}`) || /\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')),
				`pid ${pid} gone`,
				10_000,
			);
		}
	}, 90_000);

	it('a non-loopback --bind before -- serves, and says so on screen', async () => {
		const dir = project('exposed');
		const port = await freePort();
		const session = new TerminalSession(
			['--gunicorn', '--chdir', dir, APP, '--bind', `0.0.0.0:${port}`, '--reset'],
			{
				cols: 80,
				rows: 24,
				env: {XDG_CONFIG_HOME: tmp},
			},
		);
		sessions.push(session);
		const screen = await session.waitFor(
			s =>
				/^Live · Reachable from other machines: --bind 0\.0\.0\.0:\d+ is not loopback/m.test(s) &&
				(s.match(/^ {2}\d+ +idle/gm) ?? []).length === 2,
			30_000,
		);
		expect(screen).toContain(`0.0.0.0:${port}`);
		expect((await exchange(`127.0.0.1:${port}`, '/books/1/')).bytes.toString()).toMatch(
			/^HTTP\/1\.1 200 OK[^]*Dune\n$/,
		);
		session.write('q');
		expect((await session.exited).exitCode).toBe(0);
		await until(() => processesIn(dir).length === 0, 'no Gunicorn process left', 10_000);
	}, 60_000);

	// Retried: Gunicorn 20.1's own halt sometimes raises again and hangs a worker (see below).
	it("a broken copy on screen: Gunicorn's traceback in " + 'the log panel, the exit said, nothing left running', {
		timeout: 70_000,
		retry: 2,
	}, async () => {
		const dir = project('broken-on-screen');
		writeFileSync(join(dir, 'bookshelf', 'wsgi.py'), 'import bookshelf.missing_module\n');
		const port = await freePort();
		const session = new TerminalSession(
			// A short graceful timeout: when Gunicorn 20.1's second worker hangs in its own failed
			// exit, the halt waits that long for it (30 s by default, the length of the wait below).
			[
				'--gunicorn',
				'--chdir',
				dir,
				APP,
				'--reset',
				'--',
				'--bind',
				`127.0.0.1:${port}`,
				'--graceful-timeout',
				'5',
			],
			{cols: 80, rows: 24, env: {XDG_CONFIG_HOME: tmp}},
		);
		sessions.push(session);
		// Gunicorn 20.1 sometimes raises again inside its own halt(), and that traceback can push
		// the import error out of the log's last lines: wait for it while it is on screen.
		await session.waitFor(/No module named 'bookshelf\.missing_module'/, 30_000);
		const screen = await session.waitFor(
			s => /server exited \(code [13]\)/.test(s) && /Worker failed to boot/.test(s),
			30_000,
		);
		expect(screen).toMatch(/Worker failed to boot/);
		expect(screen).toMatch(/boot-error/); // the worker's row says why it died
		session.write('q');
		expect((await session.exited).exitCode).toBe(0);
		await until(() => processesIn(dir).length === 0, 'no Gunicorn process left', 10_000);
	});
});
