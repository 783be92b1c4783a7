// `explain`: a dozen command lines as people write them (docs, tutorials, Dockerfiles, systemd
// units), every option in the table, misspellings, version-specific options, -c FILE, --run.
import {execFileSync, spawnSync} from 'node:child_process';
import {cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import process from 'node:process';
import {afterAll, afterEach, describe, expect, it} from 'vitest';
import {explain, explainOption} from '../source/explain/explain';
import {NOTES} from '../source/explain/notes';
import {OPTIONS, RELEASES} from '../source/explain/options';
import {findGunicorn} from '../source/gunicorn/find';
import {CLI, TerminalSession} from './support/terminal';

const tmp = mkdtempSync(join(tmpdir(), 'gw-explain-'));
afterAll(() => rmSync(tmp, {recursive: true, force: true}));

const text = (argv: string[]) => {
	const result = explain(argv);
	if ('error' in result) throw new Error(result.error);
	return result.text;
};
const error = (argv: string[]) => {
	const result = explain(argv);
	return 'error' in result ? result.error : undefined;
};
/** The explanation's block for one option, by its first line. */
const block = (out: string, heading: string) => {
	const blocks = out.split('\n\n');
	const found = blocks.find(b => b.split('\n')[0] === heading);
	if (!found) throw new Error(`no block "${heading}" in:\n${out}`);
	return found.replace(/\n\s+/g, ' ');
};
const fits = (out: string) => expect(out.split('\n').filter(line => line.length > 80)).toEqual([]);

const REAL_WORLD: Array<{argv: string; headings: string[]; says?: RegExp[]}> = [
	{
		argv: 'gunicorn myproject.wsgi',
		headings: ['myproject.wsgi'],
		says: [/imports the module myproject.wsgi and calls its object application/],
	},
	{
		argv: 'gunicorn --bind 0.0.0.0:8000 --workers 3 mysite.wsgi:application',
		headings: ['--bind 0.0.0.0:8000', '--workers 3'],
		says: [/reachable from other machines/, /container's CPU quota/],
	},
	{argv: 'gunicorn -w 4 -b 127.0.0.1:8000 app:app', headings: ['-w 4', '-b 127.0.0.1:8000', 'app:app']},
	{
		argv: 'gunicorn --workers=2 --threads=4 --worker-class=gthread --timeout 120 config.wsgi',
		headings: ['--workers 2', '--threads 4', '--worker-class gthread', '--timeout 120'],
		says: [/With gthread, gevent or eventlet the heartbeat comes from the worker's loop/],
	},
	{
		argv: 'gunicorn -k uvicorn.workers.UvicornWorker -w 4 main:app',
		headings: ['-k uvicorn.workers.UvicornWorker', '-w 4'],
	},
	{
		argv: 'gunicorn --access-logfile - --error-logfile - --log-level info mysite.wsgi',
		headings: ['--access-logfile -', '--error-logfile -', '--log-level info'],
		says: [/The default is no access log at all/],
	},
	{
		argv: 'gunicorn --access-logfile - --workers 3 --bind unix:/run/gunicorn.sock myproject.wsgi:application',
		headings: ['--bind unix:/run/gunicorn.sock'],
	},
	{
		argv: 'gunicorn --reload --bind :8000 mysite.wsgi',
		headings: ['--reload', '--bind :8000'],
		says: [/meant for development/, /incompatible with --preload/],
	},
	{
		argv: 'gunicorn --preload --max-requests 1000 --max-requests-jitter 50 mysite.wsgi',
		headings: ['--preload', '--max-requests 1000', '--max-requests-jitter 50'],
		says: [/HUP then does not load new code/, /all workers reach the limit together/],
	},
	{
		argv:
			'python -m gunicorn --worker-tmp-dir /dev/shm --workers=2 --threads=4 --worker-class=gthread ' +
			'--log-file=- --bind 0.0.0.0:8080 app.wsgi',
		headings: ['--worker-tmp-dir /dev/shm', '--log-file -'],
		says: [/overlayfs/],
	},
	{
		argv: 'gunicorn --forwarded-allow-ips=* --graceful-timeout 60 -t 90 shop.wsgi',
		headings: ['--forwarded-allow-ips *', '--graceful-timeout 60', '-t 90'],
		says: [/docker stop: 10 s/],
	},
	{
		argv:
			'gunicorn -D -p /var/run/app.pid --user www-data --group www-data -e DJANGO_SETTINGS_MODULE=site.prod ' +
			'site.wsgi',
		headings: ['-D', '-p /var/run/app.pid', '--user www-data', '-e DJANGO_SETTINGS_MODULE=site.prod'],
		says: [/do not daemonize/],
	},
];

describe('explain on real-world command lines', () => {
	for (const {argv, headings, says = []} of REAL_WORLD) {
		it(argv, () => {
			const out = text(argv.split(' '));
			for (const heading of headings) {
				const b = block(out, heading);
				expect(b).toMatch(/What: \S/);
				if (!heading.startsWith('-')) continue; // APP_MODULE
				expect(b).toMatch(/Setting: \w+ \(/);
				expect(b).toMatch(/default/);
			}
			for (const pattern of says) expect(out.replace(/\n\s*/g, ' ')).toMatch(pattern);
			fits(out);
			expect(out).not.toMatch(/\x1b/); // plain text unless a terminal shows colour
		});
	}

	it('says where each option acts in the lesson, by step', () => {
		const out = text(['gunicorn', '--bind', '127.0.0.1:9000', '--timeout', '5', 'a.wsgi']);
		expect(block(out, '--bind 127.0.0.1:9000')).toContain(
			'Lifecycle: chapter 1, step 2, "The master binds the listening socket"',
		);
		expect(block(out, '--timeout 5')).toContain('Lifecycle: chapter 1, step 5');
		// and the later chapters' steps that show it
		expect(block(out, '--timeout 5')).toContain(
			'Also: chapter 2 ("Supervision"), step 3, "Past --timeout: WORKER TIMEOUT, SIGABRT, exit code 1"; ' +
				'chapter 3 ("Worker classes: sync and gthread"), step 8,',
		);
	});

	it("names every step it points to as the lesson does, without the lesson's scripted pids", () => {
		for (const [name, note] of Object.entries(NOTES)) {
			const option = OPTIONS.find(o => o.name === name)!;
			const out = explainOption(option, name).join(' ').replace(/\s+/g, ' ');
			expect(out, name).not.toMatch(/\b41[23]\d\b/); // 4120, 4121, 4131: the scripted lesson's pids
			expect((out.match(/chapter \d \(/g) ?? []).length, name).toBe(note?.also?.length ?? 0);
		}
		expect(block(text(['--max-requests', '9', 'a.wsgi']), '--max-requests 9')).toContain(
			'Lifecycle: chapter 1, step 7, "A worker sends the response and closes"',
		);
	});

	it('resolves an abbreviation as argparse does, and says so', () => {
		expect(block(text(['--time', '10', 'a.wsgi']), '--time 10')).toMatch(
			/Setting: timeout .*Gunicorn reads --time as --timeout/,
		);
	});
});

describe('every option of the table', () => {
	it('holds every setting of the Gunicorn installed here, and of the newest release', () => {
		const installed = spawnSync(
			'/usr/bin/python3',
			[
				'-c',
				'import gunicorn, gunicorn.config as c; print(gunicorn.__version__); print(" ' +
					'".join(sorted(c.KNOWN_SETTINGS and [s.name for s in c.KNOWN_SETTINGS])))',
			],
			{encoding: 'utf8'},
		);
		if (installed.status === 0) {
			const [version, names] = installed.stdout.trim().split('\n');
			const known = new Set(OPTIONS.filter(o => !o.since || o.since <= version).map(o => o.name));
			for (const name of names.split(' ')) expect(known.has(name), name).toBe(true);
		}
		expect(RELEASES[0]).toBe('20.1.0');
		expect(OPTIONS.length).toBeGreaterThan(100);
	});

	it('explains each one in at most 80 columns, with its default and its step', () => {
		for (const option of OPTIONS) {
			const out = explainOption(option, option.cli[0]?.flag ?? option.name).join('\n');
			fits(out);
			expect(out, option.name).toMatch(/Lifecycle: chapter 1, step [1-9], "/);
			expect(out, option.name).toMatch(/default\s+\S/);
		}
	});

	it('says which versions have an option that not all have', () => {
		expect(block(text(['--no-control-socket', 'a.wsgi']), '--no-control-socket')).toContain(
			'Versions: Gunicorn 25.1.0 and later (not 20.1.0)',
		);
		expect(block(text(['--tolerate-dangerous-framing', 'a.wsgi']), '--tolerate-dangerous-framing')).toContain(
			'Versions: Gunicorn 20.1.0 to before 23.0.0 (removed in 23.0.0)',
		);
		expect(block(text(['--log-config-json', 'log.json', 'a.wsgi']), '--log-config-json log.json')).toContain(
			'Gunicorn 21.0.0 and later',
		);
		expect(block(text(['--workers', '2', 'a.wsgi']), '--workers 2')).not.toContain('Versions:');
	});
});

describe('true to Gunicorn 20.1 and to the newest release', () => {
	it('says a default that changed since 20.1, both ways', () => {
		expect(
			block(text(['--forwarded-allow-ips', '10.0.0.1', 'a.wsgi']), '--forwarded-allow-ips 10.0.0.1'),
		).toContain(
			"default '127.0.0.1,::1', or $FORWARDED_ALLOW_IPS (before 23.0.0: '127.0.0.1', or $FORWARDED_ALLOW_IPS)",
		);
		expect(block(text(['--proxy-allow-from', '10.0.0.1', 'a.wsgi']), '--proxy-allow-from 10.0.0.1')).toContain(
			"default '127.0.0.1,::1' (before 23.0.0: '127.0.0.1')",
		);
		expect(block(text(['--workers', '2', 'a.wsgi']), '--workers 2')).not.toContain('(before');
	});

	it('reads --proxy-protocol as 20.1 does (a flag), and says it takes a MODE since 24.1.0', () => {
		const bare = explain(['gunicorn', '--proxy-protocol', 'mysite.wsgi']);
		expect(bare).toMatchObject({app: 'mysite.wsgi', gunicorn: ['--proxy-protocol']});
		expect(block(text(['--proxy-protocol', 'a.wsgi']), '--proxy-protocol')).toContain(
			'Versions: a flag without a value before 24.1.0; since then it takes --proxy-protocol=MODE, and ' +
				'without one it means auto',
		);
		expect(explain(['--proxy-protocol=v2', 'a.wsgi'])).toMatchObject({
			app: 'a.wsgi',
			gunicorn: ['--proxy-protocol', 'v2'],
		});
	});

	it('says what 20.1 does with --print-config, --worker-connections and --worker-tmp-dir', () => {
		expect(block(text(['--print-config', 'a.wsgi']), '--print-config')).toMatch(/then exits without serving/);
		expect(block(text(['--worker-connections', '50', 'a.wsgi']), '--worker-connections 50')).toMatch(
			/for gthread .* eventlet and gevent/,
		);
		expect(block(text(['--worker-tmp-dir', '/dev/shm', 'a.wsgi']), '--worker-tmp-dir /dev/shm')).toContain(
			'20.1: fchmod, read as its ctime',
		);
		// Read from the installed Gunicorn's own code, the words' source.
		const installed = (file: string) => readFileSync(`/usr/lib/python3/dist-packages/gunicorn/${file}`, 'utf8');
		if (!existsSync('/usr/lib/python3/dist-packages/gunicorn/config.py')) return;
		expect(installed('workers/workertmp.py')).toMatch(/os\.fchmod[^]*st_ctime/);
		expect(installed('workers/gthread.py')).toMatch(/if self\.nr_conns < self\.worker_connections:/);
		expect(installed('app/base.py')).toMatch(
			/if self\.cfg\.print_config or self\.cfg\.check_config:[^]*sys\.exit\(0\)/,
		);
	});
});

describe('mistakes on the command line', () => {
	it('names the nearest valid option', () => {
		expect(error(['gunicorn', '--wrokers', '3', 'a.wsgi'])).toBe(
			'unknown Gunicorn option --wrokers; did you mean --workers?',
		);
		expect(error(['gunicorn', '--keepalive', '5', 'a.wsgi'])).toBe(
			'unknown Gunicorn option --keepalive; did you mean --keep-alive?',
		);
		expect(error(['gunicorn', '--preload_app', 'a.wsgi'])).toBe(
			'unknown Gunicorn option --preload_app; did you mean --preload?',
		);
		expect(error(['gunicorn', '--worker', '3'])).toMatch(
			/^ambiguous Gunicorn option --worker: it could be --workers, --worker-class/,
		);
		expect(error(['--timeout'])).toBe('Gunicorn option --timeout needs a value (INT)');
		expect(error(['--preload=yes'])).toMatch(/takes no value/);
		expect(error(['a.wsgi', 'b.wsgi'])).toMatch(/one APP_MODULE/);
		expect(error([])).toMatch(/explain needs a Gunicorn command line/);
		expect(text(['--help'])).toMatch(/^Usage: gunicorn-walkthrough explain/);
	});

	it('reads a -c config file, and names a setting Gunicorn would silently ignore', () => {
		const file = join(tmp, 'gunicorn.conf.py');
		writeFileSync(
			file,
			'import multiprocessing\n\nwrokers = multiprocessing.cpu_count() * 2 + 1\nbind = ' +
				'"0.0.0.0:8000"\npreload_app = True\n\ndef post_fork(server, worker):\n    pass\n',
		);
		const out = text(['-c', file]);
		expect(block(out, `bind = "0.0.0.0:8000"  (in ${file})`.slice(0, 80))).toMatch(/Setting: bind/);
		expect(out).toContain('preload_app = True');
		expect(out).toContain('def post_fork(...)');
		expect(out.replace(/\n\s*/g, ' ')).toContain(
			'wrokers: not a Gunicorn setting, so Gunicorn ignores it; did you mean workers?',
		);
		expect(out).not.toMatch(/multiprocessing: not/);
		expect(error(['-c', join(tmp, 'missing.py')])).toMatch(/cannot read the config file .*missing\.py \(ENOENT\)/);
	});
});

describe('the explain command (dist/cli.js)', () => {
	it('prints plain text when piped, and exits 2 with one line for a misspelling', () => {
		const ok = spawnSync(process.execPath, [CLI, 'explain', '--', 'gunicorn', '-w', '3', 'mysite.wsgi'], {
			encoding: 'utf8',
			env: {...process.env, FORCE_COLOR: '1'},
		});
		expect(ok.status).toBe(0);
		expect(ok.stdout).toContain('Setting: workers (-w, --workers)');
		expect(ok.stdout).not.toMatch(/\x1b/);
		const bad = spawnSync(process.execPath, [CLI, 'explain', 'gunicorn', '--wokers', '3'], {encoding: 'utf8'});
		expect(bad.status).toBe(2);
		expect(bad.stderr).toBe('gunicorn-walkthrough: unknown Gunicorn option --wokers; did you mean --workers?\n');
		expect(bad.stdout).toBe('');
	});
});

const found = await findGunicorn();
const missing = 'error' in found ? found.error : undefined;

describe.skipIf(Boolean(missing))('explain --run (a pty)', () => {
	const sessions: TerminalSession[] = [];
	afterEach(() => sessions.splice(0).forEach(session => session.kill()));

	it('explains, then attaches the walkthrough to Gunicorn with those options', async () => {
		const dir = join(tmp, 'run');
		cpSync(new URL('./fixtures/bookshelf/', import.meta.url).pathname, dir, {recursive: true});
		execFileSync((found as {python: string}).python, ['manage.py', 'migrate', '-v0'], {
			cwd: dir,
			env: {...process.env, PYTHONDONTWRITEBYTECODE: '1'},
		});
		const port = await new Promise<number>(resolve => {
			const server = net.createServer().listen(0, '127.0.0.1', () => {
				const {port: free} = server.address() as net.AddressInfo;
				server.close(() => resolve(free));
			});
		});
		const session = new TerminalSession(
			[
				'explain',
				'--run',
				'--',
				'gunicorn',
				'-w',
				'1',
				'--bind',
				`127.0.0.1:${port}`,
				'bookshelf.wsgi:application',
			],
			{cwd: dir, env: {XDG_CONFIG_HOME: tmp}},
		);
		sessions.push(session);
		const screen = await session.waitFor(
			s => /master pid \d+/.test(s) && (s.match(/^ {2}\d+ +idle/gm) ?? []).length === 1,
			30_000,
		);
		expect(screen).toContain(`http://127.0.0.1:${port}`);
		expect(session.output).toContain('Setting: workers (-w, --workers)');
		session.write('q');
		expect((await session.exited).exitCode).toBe(0);
	}, 60_000);
});
