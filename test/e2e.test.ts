// The built CLI in a real pseudo-terminal: what a learner at an 80x24 SSH session sees.
import {execFileSync, spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import pty from 'node-pty';
import {childEnv, CLI, KEYS, Screen, TerminalSession} from './support/terminal';

const sessions: TerminalSession[] = [];
afterEach(() => {
	for (const s of sessions.splice(0)) s.kill();
});

function start(
	args: string[] = [],
	size: {cols?: number; rows?: number} = {},
	config = mkdtempSync(join(tmpdir(), 'gw-e2e-')),
) {
	const session = new TerminalSession(args, {...size, env: {XDG_CONFIG_HOME: config}});
	sessions.push(session);
	return session;
}

describe('at 80x24', () => {
	test('steps, switches panels, answers the quiz, and nothing wraps', async () => {
		const t = start();
		await t.waitFor('Step 1/9');
		expect((await t.screen())[23]).toBe(''); // the frame stays below the terminal's height
		t.write(KEYS.right);
		t.write('n');
		await t.waitFor('Step 3/9');
		t.write('3');
		const table = await t.waitFor('[3 Table]');
		expect(table).toMatch(/▶3/);
		expect(table).toContain('4121 listening, 4122 listening');
		expect(await t.wrappedRows()).toEqual([]);
		t.write(KEYS.left);
		await t.waitFor('Step 2/9');
		t.write(KEYS.end);
		await t.waitFor('Step 9/9');
		t.write(KEYS.home);
		await t.waitFor('Step 1/9');
		for (const panel of ['1', '2', '4', '5', '7', '8', '9', '6']) {
			t.write(panel);
			await t.waitFor(new RegExp(`\\[${panel} `));
			expect(await t.wrappedRows(), `panel ${panel}`).toEqual([]);
		}
		t.write('b');
		await t.waitFor('Not quite: the answer is a)');
		t.write(']');
		await t.waitFor('Question 2/5');
		t.write('h');
		await t.waitFor('» Table, row 5, Django');
		t.write('c');
		await t.waitFor('✓ Correct.');
		t.write('q');
		expect((await t.exited).exitCode).toBe(0);
		expect(t.output.lastIndexOf('\x1b[?25h')).toBeGreaterThan(t.output.lastIndexOf('\x1b[?25l'));
	});

	test('help overlay opens with ? and closes with Esc', async () => {
		const t = start();
		await t.waitFor('Step 1/9');
		t.write('?');
		await t.waitFor('Keys (the same on every panel)');
		t.write(KEYS.esc);
		await t.waitFor(s => !s.includes('Keys (the same') && s.includes('Step 1/9'));
		t.write(KEYS.ctrlC);
		expect((await t.exited).exitCode).toBe(0);
	});

	test('autoplay advances by itself and any key stops it', async () => {
		const t = start();
		await t.waitFor('Step 1/9');
		t.write(' ');
		await t.waitFor('▶ autoplay');
		await t.waitFor('Step 2/9', 8000);
		t.write('x');
		await t.waitFor(s => !s.includes('▶ autoplay'));
		const at = /Step (\d)\/9/.exec(await t.text())![1];
		await new Promise(resolve => setTimeout(resolve, 3000));
		expect(await t.text()).toContain(`Step ${at}/9`);
		t.write('q');
		await t.exited;
	});

	test('the terminal is back in cooked mode after quitting', async () => {
		const config = mkdtempSync(join(tmpdir(), 'gw-e2e-'));
		const session = new TerminalSession([], {env: {XDG_CONFIG_HOME: config}});
		session.kill();
		// Run the app and then stty in the same pseudo-terminal.
		const {default: pty} = await import('node-pty');
		const child = pty.spawn('/bin/sh', ['-c', `"${process.execPath}" "${CLI}"; stty -a`], {
			cols: 80,
			rows: 24,
			env: childEnv({XDG_CONFIG_HOME: config}),
		});
		let out = '';
		child.onData(d => {
			out += d;
			if (out.includes('Step 1/9') && !out.includes('SENT')) {
				out += 'SENT';
				child.write('q');
			}
		});
		await new Promise(resolve => child.onExit(resolve));
		expect(out).toMatch(/[^-]icanon/);
		expect(out).toMatch(/[^-]echo /);
	});
});

describe('sizes', () => {
	test('re-lays out on resize, asks for more room when too small, and recovers', async () => {
		const t = start();
		await t.waitFor('Step 1/9');
		t.resize(130, 34);
		// Wide: the flow and the execution table side by side.
		const wide = await t.waitFor(s => s.includes('│ Client') && /│ Action\s+│ Worker\s+│ Django/.test(s));
		expect(wide).toContain('[1 Flow]');
		expect(await t.wrappedRows()).toEqual([]);
		t.resize(50, 12);
		const small = await t.waitFor('Enlarge to 70x18 (now 50x12)');
		expect(small.split('\n').filter(l => l.trim()).length).toBe(1);
		t.resize(80, 24);
		await t.waitFor('Step 1/9');
		expect(await t.wrappedRows()).toEqual([]);
		t.write('q');
		expect((await t.exited).exitCode).toBe(0);
	});

	test('starts too small and quits cleanly', async () => {
		const t = start([], {cols: 40, rows: 10});
		await t.waitFor('Enlarge to 70x18 (now 40x10)');
		t.write(KEYS.ctrlC);
		expect((await t.exited).exitCode).toBe(0);
	});

	test('SIGTERM restores the terminal', async () => {
		const t = start();
		await t.waitFor('Step 1/9');
		process.kill(t.child.pid, 'SIGTERM');
		await t.exited;
		expect(t.output.lastIndexOf('\x1b[?25h')).toBeGreaterThan(t.output.lastIndexOf('\x1b[?25l'));
	});

	test('the terminal vanishing ends the app by SIGHUP, not by an abort', async () => {
		const t = start();
		await t.waitFor('Step 1/9');
		t.hangUp();
		expect((await t.exited).signal).toBe(1); // SIGHUP; Node 20's own exit path would abort (6)
	});
});

describe('flags and progress', () => {
	test('--step and --panel pick the start; progress resumes; --reset starts over', async () => {
		const config = mkdtempSync(join(tmpdir(), 'gw-e2e-'));
		const a = start(['--step', '4', '--panel', 'table'], {}, config);
		await a.waitFor(s => s.includes('Step 4/9') && s.includes('[3 Table]'));
		a.write('n');
		await a.waitFor('Step 5/9');
		a.write('q');
		await a.exited;
		expect(JSON.parse(readFileSync(join(config, 'gunicorn-walkthrough', 'progress.json'), 'utf8'))).toEqual({
			chapter: 'request',
			chapters: {request: {step: 5, panel: 'table', answers: {}, seen: [4, 5]}},
		});
		const b = start([], {}, config);
		await b.waitFor(s => s.includes('Step 5/9') && s.includes('Resumed at step 5'));
		b.write('q');
		await b.exited;
		const c = start(['--reset'], {}, config);
		await c.waitFor(s => s.includes('Step 1/9') && s.includes('[1 Flow]'));
		c.write('q');
		await c.exited;
	});

	test('bad input: one line on stderr, exit 2, no stack trace', () => {
		for (const args of [
			['--step', '12'],
			['--bogus'],
			['--panel', 'nope'],
			['--port', '22'],
			['frobnicate'],
			['--step=3', '--step=4'],
		]) {
			const r = spawnSync(process.execPath, [CLI, ...args], {encoding: 'utf8', env: childEnv()});
			expect(r.status, args.join(' ')).toBe(2);
			expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
			expect(r.stderr).toMatch(/^gunicorn-walkthrough: /);
			expect(r.stderr).not.toMatch(/\n\s+at /);
		}
	});

	test('--help and --version answer wherever they stand, and start nothing', () => {
		for (const args of [
			['--help'],
			['serve', '--help'],
			['workshop', '-h'],
			['--live', '--workers', '3', '--help'],
			['--plain', '--help'],
		]) {
			const r = spawnSync(process.execPath, [CLI, ...args], {encoding: 'utf8', env: childEnv(), timeout: 10_000});
			expect(r.status, args.join(' ')).toBe(0);
			expect(r.stdout, args.join(' ')).toContain('Usage');
			expect(r.stdout, args.join(' ')).not.toContain('Execution table'); // not the plain lesson
		}
		const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
		for (const args of [['--version'], ['serve', '--workers', '2', '--version']]) {
			const r = spawnSync(process.execPath, [CLI, ...args], {encoding: 'utf8', env: childEnv(), timeout: 10_000});
			expect(r.status, args.join(' ')).toBe(0);
			expect(r.stdout.trim(), args.join(' ')).toBe(version);
		}
	});

	test('NO_COLOR turns colour off; FORCE_COLOR wins over it', async () => {
		const sgrColour = /\x1b\[(?:3\d|9\d|4\d)(?:;\d+)*m/;
		const plain = new TerminalSession([], {
			env: {NO_COLOR: '1', XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'gw-e2e-'))},
		});
		sessions.push(plain);
		await plain.waitFor('Step 1/9');
		plain.write('3');
		await plain.waitFor('[3 Table]');
		expect(plain.output).not.toMatch(sgrColour);
		expect(await plain.text()).toContain('[3 Table]'); // the current tab is marked by brackets, not only colour
		const coloured = new TerminalSession([], {
			env: {NO_COLOR: '1', FORCE_COLOR: '1', XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'gw-e2e-'))},
		});
		sessions.push(coloured);
		await coloured.waitFor('Step 1/9');
		expect(coloured.output).toMatch(sgrColour);
		plain.write('q');
		coloured.write('q');
		await Promise.all([plain.exited, coloured.exited]);
	});

	test('piped output is the plain lesson, with no escape codes', () => {
		const out = execFileSync(process.execPath, [CLI], {encoding: 'utf8', env: childEnv()});
		expect(out).not.toContain('\x1b');
		for (const section of [
			'Concept flow',
			'Execution sample',
			'Execution table',
			'Variable tracker',
			'Key moments',
			'Quiz',
			'Concept snapshot',
			'Transcript',
		]) {
			expect(out).toContain(section);
		}
		const forced = execFileSync(process.execPath, [CLI, '--plain'], {
			encoding: 'utf8',
			env: childEnv({FORCE_COLOR: '1'}),
		});
		expect(forced).toContain('\x1b[1m');
	});
});

describe('hostile keys', () => {
	// What xterm and VTE send for Ctrl+F1..F4, Ctrl+Shift+F1, Ctrl+Alt+F2, and two more Ink 6.8 cannot name.
	const UNNAMED = [
		'\x1b[1;5P',
		'\x1b[1;5Q',
		'\x1b[1;5R',
		'\x1b[1;5S',
		'\x1b[1;6P',
		'\x1b[1;7Q',
		'\x1b[1;5G',
		'\x1b[5P',
	];

	test('Ctrl+F1..F4 and friends do nothing; Ctrl+Q, Alt+q, Ctrl+X are not q and x', async () => {
		const t = start();
		await t.waitFor('Step 1/9');
		let step = 1;
		for (const sequence of [...UNNAMED, '\x11', '\x1bq', '\x18', '\x1bn']) {
			t.write(sequence);
			t.write('n');
			await t.waitFor(`Step ${Math.min(9, ++step)}/9`);
			if (step === 9) t.write(KEYS.home), (step = 1), await t.waitFor('Step 1/9');
		}
		t.write('q');
		expect((await t.exited).exitCode).toBe(0);
	});

	test('a 1 MB paste does not freeze the app', async () => {
		const t = start();
		await t.waitFor('Step 1/9');
		const pasted = Date.now();
		t.write('j'.repeat(1 << 20));
		// A key typed during the paste may be dropped with it: press n until the app answers.
		const pressing = setInterval(() => t.write('n'), 100);
		try {
			await t.waitFor(/Step [2-9]\/9/, 3000);
		} finally {
			clearInterval(pressing);
		}
		expect(Date.now() - pasted).toBeLessThan(3000);
		t.write('q');
		expect((await t.exited).exitCode).toBe(0);
	});
});

describe('hostile terminals and files', () => {
	const sgrColour = /\x1b\[(?:3\d|9\d|4\d)(?:;\d+)*m/;

	test('stdin not a terminal: the plain lesson, without blaming --live or --gunicorn', async () => {
		const child = pty.spawn('/bin/sh', ['-c', `exec "${process.execPath}" "${CLI}" </dev/null`], {
			name: 'xterm-256color',
			cols: 80,
			rows: 24,
			env: childEnv({XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'gw-e2e-'))}),
		});
		let out = '';
		child.onData(data => (out += data));
		const code = await new Promise<number>(resolve => child.onExit(({exitCode}) => resolve(exitCode)));
		// Not the refusal meant for --live / --gunicorn ("--live needs an interactive terminal"): the lesson's own
		// prose may say "need" (chapter 3), and its lab sheets name --gunicorn.
		expect(out).not.toContain('needs an interactive terminal');
		expect(out).toContain('Execution table');
		expect(code).toBe(0);
	});

	/** The CLI in a pty with this TERM (node-pty sets TERM to the terminal's name, so env sets it again). */
	function withTerm(term: string) {
		const screen = new Screen(80, 24);
		const child = pty.spawn('/usr/bin/env', [`TERM=${term}`, process.execPath, CLI], {
			name: 'xterm-256color',
			cols: 80,
			rows: 24,
			env: childEnv({XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'gw-e2e-'))}),
		});
		child.onData(data => screen.feed(data));
		const exited = new Promise<number>(resolve => child.onExit(({exitCode}) => resolve(exitCode)));
		sessions.push({kill: () => child.kill('SIGKILL')} as TerminalSession);
		return {screen, exited, write: (keys: string) => child.write(keys)};
	}

	test('TERM=dumb gets the plain lesson; vt100 and xterm-mono get no colour', async () => {
		const dumb = withTerm('dumb');
		expect(await dumb.exited).toBe(0);
		expect(dumb.screen.output).toContain('Execution table');
		expect(dumb.screen.output).not.toContain('\x1b[?25l'); // no cursor addressing, no full screen
		const live = spawnSync(process.execPath, [CLI, '--live'], {
			encoding: 'utf8',
			env: childEnv({TERM: 'dumb'}),
			timeout: 10_000,
		});
		expect(live.stderr.trim().split('\n')).toHaveLength(1);
		for (const term of ['vt100', 'xterm-mono']) {
			const t = withTerm(term);
			await t.screen.waitFor('Step 1/9');
			t.write('3');
			await t.screen.waitFor('[3 Table]');
			expect(t.screen.output, term).not.toMatch(sgrColour);
			t.write('q');
			expect(await t.exited).toBe(0);
		}
	});

	test(
		'a FIFO where progress.json is, or a config dir ' + 'under /proc: the app starts, answers q, never hangs',
		async () => {
			const config = mkdtempSync(join(tmpdir(), 'gw-e2e-'));
			mkdirSync(join(config, 'gunicorn-walkthrough'));
			execFileSync('mkfifo', [join(config, 'gunicorn-walkthrough', 'progress.json')]);
			for (const xdg of [config, '/proc', '/proc/self']) {
				const t = new TerminalSession([], {env: {XDG_CONFIG_HOME: xdg}});
				sessions.push(t);
				await t.waitFor('Step 1/9', 5000);
				t.write('n');
				await t.waitFor('Step 2/9', 5000);
				t.write('q');
				expect((await t.exited).exitCode, xdg).toBe(0);
			}
			const reset = spawnSync(process.execPath, [CLI, '--plain', '--reset'], {
				encoding: 'utf8',
				env: childEnv({XDG_CONFIG_HOME: config}),
				timeout: 5000,
			});
			expect(reset.status).toBe(0);
		},
	);

	test('--reset that cannot remove the file is one notice, not a crash', async () => {
		const config = mkdtempSync(join(tmpdir(), 'gw-e2e-'));
		mkdirSync(join(config, 'gunicorn-walkthrough', 'progress.json'), {recursive: true}); // a directory: EISDIR
		const t = new TerminalSession(['--reset'], {env: {XDG_CONFIG_HOME: config}});
		sessions.push(t);
		await t.waitFor('Could not forget saved progress', 5000);
		t.write('q');
		expect((await t.exited).exitCode).toBe(0);
		expect(t.output).not.toMatch(/\n\s+at /);
	});

	test('--python "" is an error line, not Gunicorn from PATH', () => {
		const r = spawnSync(process.execPath, [CLI, '--gunicorn', '--python', ''], {
			encoding: 'utf8',
			env: childEnv(),
			timeout: 10_000,
		});
		expect(r.status).toBe(2);
		expect(r.stderr.trim().split('\n')).toEqual([
			'gunicorn-walkthrough: --python must name a Python interpreter (got "")',
		]);
	});
});
