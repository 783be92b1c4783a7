// The workshop over real SSH: the built CLI as the instructor in a pty, attendees as real clients
// (ssh2's Client, and OpenSSH's ssh in a pty where it is installed), each read through a terminal emulator.
import {spawn, spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {existsSync, mkdtempSync, statSync, writeFileSync} from 'node:fs';
import {connect as tcpConnect} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import pty from 'node-pty';
import ssh2, {type ClientChannel, type ParsedKey} from 'ssh2';
import {afterEach, describe, expect, test} from 'vitest';
import {loadHostKey} from '../source/workshop/host-key';
import {WorkshopRoom} from '../source/workshop/room';
import {WorkshopServer} from '../source/workshop/server';
import {childEnv, CLI, KEYS, Screen, sleep, TerminalSession} from './support/terminal';

const SSH = '/usr/bin/ssh';
const hasSsh = existsSync(SSH);
const noSsh = hasSsh ? '' : `OpenSSH's client is not installed at ${SSH}`;

const cleanups: Array<() => void> = [];
afterEach(() => {
	for (const cleanup of cleanups.splice(0).reverse()) {
		try {
			cleanup();
		} catch {}
	}
});

const tempDir = () => mkdtempSync(join(tmpdir(), 'gw-workshop-'));

/** The built CLI running `workshop` in a pty, as the instructor sees it. */
async function instructor(args: string[] = [], config = tempDir()) {
	const t = new TerminalSession(['workshop', '--port', '0', ...args], {env: {XDG_CONFIG_HOME: config}});
	cleanups.push(() => t.kill());
	const deadline = Date.now() + 20_000;
	let match: RegExpExecArray | null;
	while (!(match = /Workshop open: ssh -p (\d+) \S+ · (?:new )?host key (SHA256:[A-Za-z0-9+/]+)/.exec(t.output))) {
		if (Date.now() > deadline) throw new Error(`the workshop did not start:\n${t.output}`);
		await sleep(50);
	}
	await t.waitFor('Step ');
	return {t, port: Number(match[1]), fingerprint: match[2], config};
}

type ConnectOptions = Partial<ssh2.ConnectConfig>;

function connectClient(port: number, user: string, options: ConnectOptions = {}): Promise<ssh2.Client> {
	const client = new ssh2.Client();
	cleanups.push(() => client.destroy());
	return new Promise((resolve, reject) => {
		client.once('ready', () => resolve(client));
		client.once('error', reject);
		client.connect({host: '127.0.0.1', port, username: user, readyTimeout: 20_000, ...options});
	});
}

interface Attendee {
	client: ssh2.Client;
	channel: ClientChannel;
	screen: Screen;
	closed: Promise<number | undefined>;
	write(keys: string): void;
	resize(cols: number, rows: number): void;
}

/** An attendee with a terminal, through ssh2's client. */
async function attend(
	port: number,
	user: string,
	{
		cols = 80,
		rows = 24,
		env,
		...options
	}: ConnectOptions & {cols?: number; rows?: number; env?: Record<string, string>} = {},
): Promise<Attendee> {
	const client = await connectClient(port, user, options);
	const screen = new Screen(Math.min(cols, 500), Math.min(rows, 200));
	let status: number | undefined;
	let closed!: Promise<number | undefined>;
	// Listen inside the callback: a short session's data, exit and close can arrive with the reply.
	const channel = await new Promise<ClientChannel>((resolve, reject) =>
		client.shell({term: 'xterm-256color', cols, rows}, {env}, (error, ch) => {
			if (error) return reject(error);
			ch.setEncoding('utf8');
			ch.on('data', (data: string) => screen.feed(data));
			ch.on('exit', (code: number) => (status = code));
			closed = new Promise(done => ch.on('close', () => done(status)));
			resolve(ch);
		}),
	);
	return {
		client,
		channel,
		screen,
		closed,
		write: keys => channel.write(keys),
		resize: (c, r) => {
			screen.term.resize(Math.max(1, c), Math.max(1, r));
			channel.setWindow(r, c, 0, 0);
		},
	};
}

/** A command over SSH without a terminal: its output, exit status and how the channel ended. */
async function run(
	port: number,
	command: string,
	options: ConnectOptions = {},
): Promise<{out: string; status?: number}> {
	const client = await connectClient(port, 'runner', options);
	return new Promise((resolve, reject) => {
		client.exec(command, (error, channel) => {
			if (error) return reject(error);
			let out = '';
			let status: number | undefined;
			channel.setEncoding('utf8');
			channel.on('data', (data: string) => (out += data));
			channel.on('exit', (code: number) => (status = code));
			channel.on('close', () => resolve({out, status}));
		});
	});
}

/** OpenSSH's client in a pty, its screen read the same way. */
function openssh(port: number, user: string, extra: string[] = [], {cols = 80, rows = 24} = {}) {
	const screen = new Screen(cols, rows);
	const args = [
		'-F',
		'/dev/null',
		'-p',
		String(port),
		'-o',
		'StrictHostKeyChecking=no',
		'-o',
		'UserKnownHostsFile=/dev/null',
		'-o',
		'LogLevel=ERROR',
		'-o',
		'BatchMode=yes',
		...extra,
		`${user}@127.0.0.1`,
	];
	const child = pty.spawn(SSH, args, {name: 'xterm-256color', cols, rows, env: childEnv()});
	child.onData(data => screen.feed(data));
	const exited = new Promise<number>(resolve => child.onExit(({exitCode}) => resolve(exitCode)));
	cleanups.push(() => {
		try {
			child.kill('SIGKILL');
		} catch {}
	});
	return {child, screen, exited, write: (keys: string) => child.write(keys)};
}

const fingerprintOf = (blob: Buffer) =>
	`SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;

describe('attendees', () => {
	test('two sessions are independent, and the room panel counts them', async () => {
		const {t, port} = await instructor();
		const alice = await attend(port, 'alice');
		const bob = await attend(port, 'bob');
		await alice.screen.waitFor('Welcome, alice');
		await bob.screen.waitFor('Welcome, bob');
		alice.write('n');
		alice.write('n');
		alice.write('3');
		await alice.screen.waitFor(s => s.includes('Step 3/9') && s.includes('[3 Table]'));
		bob.write('6'); // the quiz: question 1 right (a), question 2 wrong (a; c is right)
		await bob.screen.waitFor('Question 1/5');
		bob.write('a');
		await bob.screen.waitFor('✓ Correct.');
		bob.write(']');
		await bob.screen.waitFor('Question 2/5');
		bob.write('a');
		await bob.screen.waitFor('Not quite');
		const bobs = await bob.screen.text();
		expect(bobs).toContain('Step 1/9'); // alice's keys never reached bob
		expect(await alice.screen.text()).not.toContain('Quiz ·');

		t.write('0');
		const room = await t.waitFor(
			s => /alice\s+3\/9\s+Table\s+no\s+0\/0 right/.test(s) && /bob\s+1\/9\s+Quiz\s+no\s+1\/2 right/.test(s),
		);
		expect(room).toMatch(/ssh -p \d+ 127\.0\.0\.1 · SHA256:/);
		expect(room).toMatch(/^1\.\s+1 \/ 1\s/m); // question 1: one answered, one right
		expect(room).toMatch(/^2\.\s+1 \/ 0\s/m);
		expect(room).toMatch(/^3\.\s+0 \/ 0\s/m);

		alice.write('q'); // q ends alice's session only
		expect(await alice.closed).toBe(0);
		await t.waitFor(s => !s.includes('alice') && s.includes('bob'));
		bob.write(KEYS.right);
		await bob.screen.waitFor('Step 2/9');
		bob.write(KEYS.ctrlC); // Ctrl+C too ends that session only
		expect(await bob.closed).toBe(0);
		await t.waitFor('No attendees yet.');
	});

	test('each session has its own size and follows its resizes; colour as its terminal wants', async () => {
		const {port} = await instructor();
		const wide = await attend(port, 'wide', {cols: 80, rows: 24});
		const plain = await attend(port, 'plain', {cols: 80, rows: 24, env: {NO_COLOR: '1'}});
		await wide.screen.waitFor('Step 1/9');
		await plain.screen.waitFor('Step 1/9');
		expect(wide.screen.output).toMatch(/\x1b\[3[0-9]m/); // coloured
		expect(plain.screen.output).not.toMatch(/\x1b\[[0-9;]*m/); // no colour, no styles, as NO_COLOR asks
		expect(await wide.screen.text()).not.toContain('Variables'); // 80 columns: short tab titles
		wide.resize(130, 30);
		const big = await wide.screen.waitFor('4 Variables');
		expect(big.split('\n')[0]).toContain('Step 1/9');
		wide.resize(60, 15);
		await wide.screen.waitFor('Please enlarge the terminal to at least 70x18 (now 60x15)');
		wide.resize(80, 24);
		await wide.screen.waitFor('Step 1/9');
		expect(await plain.screen.text()).not.toContain('Please enlarge'); // the other session kept its size
	});

	test('f follows the instructor until the attendee navigates', async () => {
		const {t, port} = await instructor();
		const alice = await attend(port, 'alice');
		await alice.screen.waitFor('Step 1/9');
		// One key at a time: a terminal that delivers "nnn" in one read hands Ink pasted text, not keys.
		for (const [key, screen] of [
			['n', 'Step 2/9'],
			['n', 'Step 3/9'],
			['n', 'Step 4/9'],
			['3', '[3 Table]'],
		]) {
			t.write(key);
			await t.waitFor(screen);
		}
		alice.write('f');
		await alice.screen.waitFor(
			s => s.includes('Step 4/9') && s.includes('[3 Table]') && s.includes('following the instructor'),
		);
		t.write('n');
		await alice.screen.waitFor('Step 5/9');
		t.write('0'); // the room is the instructor's alone: a follower keeps their panel
		await t.waitFor('Room ·');
		t.write('n');
		await alice.screen.waitFor(s => s.includes('Step 6/9') && s.includes('[3 Table]'));
		expect(await t.waitFor(/alice\s+6\/9\s+Table\s+yes/)).toBeTruthy();
		alice.write(KEYS.left);
		await alice.screen.waitFor(s => s.includes('Step 5/9') && !s.includes('following the instructor'));
		t.write('n');
		await sleep(500);
		expect(await alice.screen.text()).toContain('Step 5/9');
	});

	test('a command is never executed: it gets the plain lesson; so does a session without a terminal', async () => {
		const {port, config} = await instructor();
		const marker = join(config, 'executed');
		const {out, status} = await run(port, `touch ${marker}`);
		expect(out).toContain('Gunicorn as the WSGI server of a Django app');
		expect(out).toContain('Execution table');
		expect(out).not.toMatch(/\x1b\[/);
		expect(status).toBe(0);
		expect(existsSync(marker)).toBe(false);
		// A shell without a pty (ssh -T): the same text.
		const client = await connectClient(port, 'nopty');
		const text = await new Promise<string>((resolve, reject) =>
			client.shell(false, (error, channel) => {
				if (error) return reject(error);
				let got = '';
				channel.on('data', (d: Buffer) => (got += d.toString()));
				channel.on('close', () => resolve(got));
			}),
		);
		expect(text).toContain('Concept flow');
		expect(existsSync(marker)).toBe(false);
	});

	test.skipIf(!hasSsh)(
		`OpenSSH: a command is not executed, and a full session works in its pty ${noSsh}`,
		async () => {
			const {t, port, config} = await instructor();
			const marker = join(config, 'executed-by-openssh');
			const result = spawnSync(
				SSH,
				[
					'-F',
					'/dev/null',
					'-p',
					String(port),
					'-o',
					'StrictHostKeyChecking=no',
					'-o',
					'UserKnownHostsFile=/dev/null',
					'-o',
					'LogLevel=ERROR',
					'-o',
					'BatchMode=yes',
					'eve@127.0.0.1',
					`touch ${marker}`,
				],
				{encoding: 'utf8', timeout: 20_000},
			);
			expect(result.status).toBe(0);
			expect(result.stdout).toContain('Execution table');
			expect(existsSync(marker)).toBe(false);

			const eve = openssh(port, 'eve');
			await eve.screen.waitFor('Welcome, eve');
			eve.write(KEYS.right);
			await eve.screen.waitFor('Step 2/9');
			t.write('0');
			await t.waitFor(/eve\s+2\/9\s+Flow/);
			// A resize of ssh's terminal reaches the server as window-change.
			eve.screen.term.resize(130, 30);
			eve.child.resize(130, 30);
			await eve.screen.waitFor('4 Variables');
			eve.write('q');
			expect(await eve.exited).toBe(0);
		},
	);

	test('a client killed mid-session takes nothing else down', async () => {
		const {t, port} = await instructor();
		const stays = await attend(port, 'stays');
		await stays.screen.waitFor('Step 1/9');
		let kill: () => void;
		if (hasSsh) {
			const doomed = openssh(port, 'doomed');
			await doomed.screen.waitFor('Welcome, doomed');
			doomed.write('n');
			await doomed.screen.waitFor('Step 2/9');
			kill = () => doomed.child.kill('SIGKILL');
		} else {
			const doomed = await attend(port, 'doomed');
			await doomed.screen.waitFor('Step 1/9');
			kill = () => doomed.client.destroy();
		}
		t.write('0');
		await t.waitFor(s => s.includes('doomed') && s.includes('stays'));
		stays.write('n');
		kill();
		stays.write('n');
		await stays.screen.waitFor('Step 3/9');
		await t.waitFor(s => !s.includes('doomed') && s.includes('stays'));
		stays.write('n');
		await stays.screen.waitFor('Step 4/9');
		// And a newcomer still gets in.
		const late = await attend(port, 'late');
		await late.screen.waitFor('Welcome, late');
	});

	test('nothing an attendee sends crashes the server: garbage, refused features, absurd sizes', async () => {
		const {t, port} = await instructor();
		// Not SSH at all, then an SSH greeting followed by garbage (a protocol error: that connection ends).
		for (const junk of [
			'GET / HTTP/1.1\r\n\r\n\x00\xff\xfe',
			'SSH-2.0-junk\r\n\x00\x00\x00\x0c\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff',
		]) {
			await new Promise<void>(resolve => {
				const socket = tcpConnect(port, '127.0.0.1', () => socket.write(Buffer.from(junk, 'latin1')));
				cleanups.push(() => socket.destroy());
				socket.on('error', () => resolve());
				socket.on('close', () => resolve());
				setTimeout(() => (socket.destroy(), resolve()), 1000);
			});
		}
		// Shell-less: sftp, port forwarding both ways.
		const client = await connectClient(port, 'prober');
		await expect(
			new Promise((resolve, reject) => client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp)))),
		).rejects.toThrow();
		await expect(
			new Promise((resolve, reject) =>
				client.forwardOut('127.0.0.1', 1, '127.0.0.1', 22, (error, ch) =>
					error ? reject(error) : resolve(ch),
				),
			),
		).rejects.toThrow();
		await expect(
			new Promise((resolve, reject) =>
				client.forwardIn('127.0.0.1', 0, (error, p) => (error ? reject(error) : resolve(p))),
			),
		).rejects.toThrow();
		await new Promise<void>(resolve => {
			client.on('close', () => resolve());
			client.end(); // leaving with a refused session open (a minified ssh2 once crashed on that)
		});
		// A terminal of absurd size, then random bytes as keys.
		const odd = await attend(port, '\x1b[31mred\x07\nname', {cols: 100_000, rows: 100_000});
		await odd.screen.waitFor('Welcome');
		const noise = Buffer.alloc(4096);
		for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + 13) % 256;
		// everything but the keys that quit (q, Ctrl+C, Ctrl+Q)
		odd.channel.write(noise.toString('latin1').replace(/[qQ\x03\x11]/g, ''));
		odd.resize(0, 0);
		// The server still serves everyone.
		const fine = await attend(port, 'fine');
		fine.write('n');
		await fine.screen.waitFor('Step 2/9');
		t.write('0');
		const room = await t.waitFor('fine');
		expect(room).not.toContain('\x1b[31m'); // the odd user name was cleaned before it reached the room
		expect(room).toMatch(/red name/); // and it is still there
		odd.write(KEYS.esc);
		// ESC and n in one read are Alt+n, as a terminal sends it: press them apart, as a person does.
		await new Promise(resolve => setTimeout(resolve, 200));
		odd.write('n');
		await t.waitFor(/red name\s+2\/9/);
	});
});

describe('instructor', () => {
	test('q asks while attendees are connected, then says goodbye to every session and exits 0', async () => {
		const {t, port} = await instructor();
		const a = await attend(port, 'a');
		const b = await attend(port, 'b');
		await a.screen.waitFor('Step 1/9');
		await b.screen.waitFor('Step 1/9');
		t.write('0');
		await t.waitFor(/\bb\s+1\/9/);
		t.write('q');
		await t.waitFor('2 attendees connected: quit and end their sessions? y/n');
		t.write('n'); // any other key stays
		await t.waitFor(s => !s.includes('quit and end their sessions'));
		a.write('n');
		await a.screen.waitFor('Step 2/9');
		t.write('q');
		await t.waitFor('quit and end their sessions');
		t.write('y');
		await a.screen.waitFor('The instructor has ended the workshop. Goodbye!');
		await b.screen.waitFor('The instructor has ended the workshop. Goodbye!');
		expect(await a.closed).toBe(0);
		expect(await b.closed).toBe(0);
		expect((await t.exited).exitCode).toBe(0);
		expect(t.output).toContain('said goodbye to 2 attendees');
		expect(t.output.lastIndexOf('\x1b[?25h')).toBeGreaterThan(t.output.lastIndexOf('\x1b[?25l'));
	});

	test('q quits at once when nobody is connected', async () => {
		const {t} = await instructor();
		t.write('q');
		expect((await t.exited).exitCode).toBe(0);
	});

	test("the instructor's NO_COLOR is theirs alone: attendees keep their colour", async () => {
		const config = tempDir();
		const t = new TerminalSession(['workshop', '--port', '0'], {env: {XDG_CONFIG_HOME: config, NO_COLOR: '1'}});
		cleanups.push(() => t.kill());
		await t.waitFor('Attendees join with');
		const port = Number(/ssh -p (\d+)/.exec(t.output)![1]);
		const a = await attend(port, 'a');
		await a.screen.waitFor('Step 1/9');
		t.write('n');
		await t.waitFor('Step 2/9');
		expect(t.output).not.toMatch(/\x1b\[[0-9;]*m/);
		expect(a.screen.output).toMatch(/\x1b\[3[0-9]m/);
	});

	test('SIGTERM ends every session and exits 0, without asking', async () => {
		const {t, port} = await instructor();
		const a = await attend(port, 'a');
		const b = await attend(port, 'b');
		await a.screen.waitFor('Step 1/9');
		await b.screen.waitFor('Step 1/9');
		process.kill(t.child.pid, 'SIGTERM');
		await a.screen.waitFor('Goodbye!');
		await b.screen.waitFor('Goodbye!');
		await Promise.all([a.closed, b.closed]);
		expect((await t.exited).exitCode).toBe(0);
		expect(t.output.lastIndexOf('\x1b[?25h')).toBeGreaterThan(t.output.lastIndexOf('\x1b[?25l'));
	});

	test("the instructor's terminal vanishing says goodbye and ends by SIGHUP, not by a crash", async () => {
		const {t, port} = await instructor();
		const a = await attend(port, 'a');
		await a.screen.waitFor('Step 1/9');
		t.hangUp(); // the instructor's SSH link drops
		await a.screen.waitFor('Goodbye!');
		await a.closed;
		expect((await t.exited).signal).toBe(1); // SIGHUP; Node 20's own exit path would abort
	});

	test('without a terminal of its own it logs joins and leaves, and SIGTERM still says goodbye', async () => {
		const child = spawn(process.execPath, [CLI, 'workshop', '--port', '0'], {
			env: childEnv({XDG_CONFIG_HOME: tempDir()}),
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		cleanups.push(() => child.kill('SIGKILL'));
		let out = '';
		let err = '';
		child.stdout.on('data', data => (out += data));
		child.stderr.on('data', data => (err += data));
		const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
		while (!/ssh -p (\d+)/.test(err)) await sleep(50);
		const a = await attend(Number(/ssh -p (\d+)/.exec(err)![1]), 'alice');
		await a.screen.waitFor('Welcome, alice');
		while (!out.includes('alice joined (1 connected)')) await sleep(50);
		child.kill('SIGTERM');
		await a.screen.waitFor('Goodbye!');
		expect(await exited).toBe(0);
		expect(out).toContain('alice left (0 connected)');
	});

	test(
		'the host key is made once, owner-only, and the ' + 'same across restarts; clients see that fingerprint',
		async () => {
			const config = tempDir();
			const first = await instructor([], config);
			expect(first.t.output).toContain('new host key');
			let seen: string | undefined;
			await connectClient(first.port, 'checker', {
				hostVerifier: (key: Buffer) => ((seen = fingerprintOf(key)), true),
			});
			expect(seen).toBe(first.fingerprint);
			first.t.write('q');
			expect((await first.t.exited).exitCode).toBe(0);
			const file = join(config, 'gunicorn-walkthrough', 'workshop_host_ed25519_key');
			expect(statSync(file).mode & 0o777).toBe(0o600);
			const keygen = spawnSync('ssh-keygen', ['-l', '-f', file], {encoding: 'utf8'});
			if (keygen.status === 0) expect(keygen.stdout).toContain(first.fingerprint);

			const second = await instructor([], config);
			expect(second.fingerprint).toBe(first.fingerprint);
			expect(second.t.output).not.toContain('new host key');
		},
	);
});

describe('safety', () => {
	test('every host key made on a first run can be read back (ssh2 writes a few it cannot parse)', () => {
		const parent = tempDir();
		for (let i = 0; i < 2000; i++) expect(loadHostKey(join(parent, String(i))).fingerprint).toMatch(/^SHA256:/);
	});

	test('a FIFO where the host key should be is refused at once, never opened blocking', () => {
		const dir = join(tempDir(), 'gunicorn-walkthrough');
		spawnSync('mkdir', ['-p', dir]);
		expect(spawnSync('mkfifo', [join(dir, 'workshop_host_ed25519_key')]).status).toBe(0);
		const r = spawnSync(process.execPath, [CLI, 'workshop', '--port', '0'], {
			encoding: 'utf8',
			timeout: 10_000,
			env: childEnv({XDG_CONFIG_HOME: join(dir, '..')}),
		});
		expect(r.status).toBe(1);
		expect(r.stderr.trim().split('\n')).toEqual([
			`gunicorn-walkthrough: the host key ${join(dir, 'workshop_host_ed25519_key')} is not a regular file; ` +
				`move it aside and a new one is made`,
		]);
	});

	test('wrong passwords are refused after a delay, at most 3 tries; the right one gets in', async () => {
		const {port} = await instructor(['--password', 'sesame']);
		await expect(connectClient(port, 'nopass')).rejects.toThrow(/authentication methods failed/);
		let tries = 0;
		const started = Date.now();
		const outcome = await new Promise<string>(resolve => {
			const client = new ssh2.Client();
			cleanups.push(() => client.destroy());
			client.on('ready', () => resolve('accepted'));
			client.on('error', () => resolve('refused'));
			client.on('close', () => resolve('closed'));
			client.connect({
				host: '127.0.0.1',
				port,
				username: 'guesser',
				readyTimeout: 30_000,
				authHandler: (_methods, _partial, next) => {
					tries++;
					next({type: 'password', username: 'guesser', password: `guess${tries}`});
				},
			});
		});
		expect(outcome).not.toBe('accepted');
		expect(tries).toBeLessThanOrEqual(4); // the client may send a 4th before it hears the door close
		expect(Date.now() - started).toBeGreaterThanOrEqual(2900); // three refusals, each after a pause
		const ok = await attend(port, 'friend', {password: 'sesame'});
		await ok.screen.waitFor('Welcome, friend');
	});

	test('--authorized-keys: a listed key gets in; an unlisted key or a forged signature does not', async () => {
		const dir = tempDir();
		const alice = ssh2.utils.generateKeyPairSync('ed25519');
		const mallory = ssh2.utils.generateKeyPairSync('ed25519');
		const file = join(dir, 'authorized_keys');
		writeFileSync(file, `# the room\nno-pty,from="10.0.0.1 , 127.0.0.1" ${alice.public}\nnot a key at all\n`);
		const {port} = await instructor(['--authorized-keys', file]);
		const ok = await attend(port, 'alice', {privateKey: alice.private});
		await ok.screen.waitFor('Welcome, alice');
		await expect(connectClient(port, 'mallory', {privateKey: mallory.private})).rejects.toThrow(
			/authentication methods failed/,
		);
		// An agent that offers alice's public key but cannot sign with it.
		const pub = ssh2.utils.parseKey(alice.public) as ParsedKey;
		class Forger extends ssh2.BaseAgent {
			getIdentities(cb: (error: Error | undefined, keys?: ParsedKey[]) => void) {
				cb(undefined, [pub]);
			}
			sign(
				_key: unknown,
				_data: Buffer,
				_options: unknown,
				cb?: (error: Error | undefined, signature?: Buffer) => void,
			) {
				(typeof _options === 'function' ? (_options as typeof cb) : cb)!(undefined, Buffer.alloc(64, 7));
			}
		}
		await expect(connectClient(port, 'forger', {agent: new Forger() as never})).rejects.toThrow();
		// A file without keys is refused at start: one line, exit 2.
		const empty = join(dir, 'empty');
		writeFileSync(empty, '# nobody\n');
		const refused = spawnSync(process.execPath, [CLI, 'workshop', '--port', '0', '--authorized-keys', empty], {
			encoding: 'utf8',
			timeout: 20_000,
			env: childEnv({XDG_CONFIG_HOME: dir}),
		});
		expect(refused.status).toBe(2);
		expect(refused.stderr.trim().split('\n')).toEqual([
			`gunicorn-walkthrough: --authorized-keys ${empty} holds no public keys`,
		]);
	});

	test('a full workshop says so in one line and closes; the others carry on', async () => {
		const {port} = await instructor(['--max-sessions', '1']);
		const first = await attend(port, 'first');
		await first.screen.waitFor('Step 1/9');
		const second = await attend(port, 'second');
		expect(await second.closed).toBe(1);
		expect(second.screen.output.trim()).toBe('workshop is full (1 attendees); try again later');
		first.write('n');
		await first.screen.waitFor('Step 2/9');
		first.write('q');
		await first.closed;
		const third = await attend(port, 'third'); // a seat freed up
		await third.screen.waitFor('Welcome, third');
	});

	test('an idle session is closed with a message', async () => {
		const config = tempDir();
		const room = new WorkshopRoom('SHA256:test');
		const server = new WorkshopServer({
			hostKey: loadHostKey(config).key,
			policy: {kind: 'open'},
			maxSessions: 5,
			idleMs: 1500,
			room,
		});
		cleanups.push(() => void server.close());
		const port = await server.listen('127.0.0.1', 0);
		// In-process, so only what the server does is checked: Ink may hold frames back under CI.
		const idle = await attend(port, 'sleepy');
		const busy = await attend(port, 'busy');
		const keepBusy = setInterval(() => busy.write('j'), 300);
		cleanups.push(() => clearInterval(keepBusy));
		await idle.screen.waitFor('Closed after 2 s without a key press. Connect again to carry on.');
		expect(await idle.closed).toBe(0);
		busy.write('n');
		const deadline = Date.now() + 10_000;
		while (room.attendees()[0]?.progress.step !== 2 && Date.now() < deadline) await sleep(50);
		expect(room.attendees().map(a => [a.name, a.progress.step])).toEqual([['busy', 2]]);
	});

	test('a non-loopback host needs a password, authorized keys or --open', () => {
		const result = spawnSync(process.execPath, [CLI, 'workshop', '--host', '0.0.0.0'], {
			encoding: 'utf8',
			timeout: 20_000,
			env: childEnv({XDG_CONFIG_HOME: tempDir()}),
		});
		expect(result.status).toBe(2);
		expect(result.stderr).toMatch(/^gunicorn-walkthrough: --host 0\.0\.0\.0 is not loopback/);
	});

	test('a port in use is one line and exit 1', async () => {
		const {port} = await instructor();
		const result = spawnSync(process.execPath, [CLI, 'workshop', '--port', String(port)], {
			encoding: 'utf8',
			timeout: 20_000,
			env: childEnv({XDG_CONFIG_HOME: tempDir()}),
		});
		expect(result.status).toBe(1);
		expect(result.stderr.trim().split('\n')).toEqual([
			`gunicorn-walkthrough: port ${port} on 127.0.0.1 is in use; pick another with --port`,
		]);
	});
});

describe('no attendee can hurt the room', () => {
	/** An in-process server: what the server does, without the instructor's terminal. */
	async function inProcess(
		options: Partial<ConstructorParameters<typeof WorkshopServer>[0]> = {},
		room = new WorkshopRoom('SHA256:test'),
	) {
		const server = new WorkshopServer({
			hostKey: loadHostKey(tempDir()).key,
			policy: {kind: 'open'},
			maxSessions: 5,
			idleMs: 600_000,
			room,
			...options,
		});
		cleanups.push(() => void server.close());
		return {server, room, port: await server.listen('127.0.0.1', 0)};
	}

	/** Time from a key to the step it asks for on that attendee's screen. */
	async function keyToScreen(a: Attendee, step: number): Promise<number> {
		const sent = Date.now();
		a.write('n');
		await a.screen.waitFor(`Step ${step}/9`, 10_000);
		return Date.now() - sent;
	}

	test(
		'keys Ink 6.8 cannot name (Ctrl+F1 ... ), Ctrl+Q ' + 'and Alt+q end nothing: not the room, not the session',
		async () => {
			const {t, port} = await instructor();
			const alice = await attend(port, 'alice');
			const bob = await attend(port, 'bob');
			await alice.screen.waitFor('Step 1/9');
			await bob.screen.waitFor('Step 1/9');
			for (const sequence of [
				'\x1b[1;5P',
				'\x1b[1;5Q',
				'\x1b[1;5R',
				'\x1b[1;5S',
				'\x1b[1;6P',
				'\x1b[1;7Q',
				'\x1b[1;5G',
				'\x1b[5P',
				'\x11',
				'\x1bq',
			])
				alice.write(sequence);
			alice.write('n');
			await alice.screen.waitFor('Step 2/9');
			bob.write('n');
			await bob.screen.waitFor('Step 2/9');
			t.write('n');
			await t.waitFor('Step 2/9');
			expect(bob.screen.output).not.toContain('ended the workshop');
		},
	);

	test(
		'an exception in one session ends that session ' + 'alone, tells them, and is logged for the instructor',
		async () => {
			const room = new (class extends WorkshopRoom {
				override update(id: string, progress: Parameters<WorkshopRoom['update']>[1]): void {
					if (this.attendees().find(a => a.id === id)?.name === 'boom' && progress.step === 3)
						throw new Error('kaboom');
					super.update(id, progress);
				}
			})('SHA256:test');
			const lines: string[] = [];
			const {port} = await inProcess({log: line => lines.push(line)}, room);
			const boom = await attend(port, 'boom');
			const fine = await attend(port, 'fine');
			await boom.screen.waitFor('Step 1/9');
			await fine.screen.waitFor('Step 1/9');
			boom.write('n');
			await boom.screen.waitFor('Step 2/9');
			boom.write('n'); // step 3: the room throws while this session reports it
			await boom.screen.waitFor('your session hit an error and was closed');
			expect(await boom.closed).toBe(0);
			expect(room.incidents().join('\n')).toMatch(/boom's session ended by an error: kaboom/);
			expect(lines.join('\n')).toMatch(/boom's session ended by an error: kaboom/);
			expect(await keyToScreen(fine, 2)).toBeLessThan(2000);
			expect(room.attendees().map(a => a.name)).toEqual(['fine']);
		},
	);

	test(
		'one attendee flooding 1 MB of input, or 5,000 ' + 'resizes, does not freeze the others or the instructor',
		async () => {
			const {t, port} = await instructor();
			const flood = await attend(port, 'flood');
			const other = await attend(port, 'other');
			await flood.screen.waitFor('Step 1/9');
			await other.screen.waitFor('Step 1/9');
			const chunk = 'jk'.repeat(32 * 1024);
			for (let i = 0; i < 16; i++) flood.write(chunk); // 1 MB of scrolling keys
			await sleep(200);
			expect(await keyToScreen(other, 2)).toBeLessThan(1000);
			const sent = Date.now();
			t.write('n');
			await t.waitFor('Step 2/9', 10_000);
			expect(Date.now() - sent).toBeLessThan(1000);
			for (let i = 0; i < 5000; i++) flood.resize(70 + (i % 60), 18 + (i % 30));
			await sleep(200);
			expect(await keyToScreen(other, 3)).toBeLessThan(1000);
			// The flooding session itself still works, at its last size.
			flood.resize(100, 30);
			await flood.screen.waitFor(s => /Step [1-9]\/9/.test(s) && s.split('\n').length === 30);
		},
	);

	test('connections that never open a session are cut after a grace, and hold no seat', async () => {
		const {server, port} = await inProcess({maxSessions: 1, sessionGraceMs: 1500});
		const gone: Array<Promise<void>> = [];
		for (let i = 0; i < 14; i++) {
			const client = await connectClient(port, 'idle'); // `ssh -N`: logged in, no session
			gone.push(new Promise<void>(resolve => client.on('close', () => resolve())));
		}
		const attendee = await attend(port, 'real'); // more connections than the bound: an idle one makes room
		await attendee.screen.waitFor('Welcome, real');
		expect(server.attendees).toBe(1);
		await Promise.all(gone); // every idle connection is cut after the grace
		attendee.write('n');
		await attendee.screen.waitFor('Step 2/9'); // the attendee with a session is never cut
	});
});

describe('the room panel', () => {
	test('columns line up whatever the names: wide and combining characters measured by display width', async () => {
		const {roomLines} = await import('../source/ui/panels/Room');
		const {buildLesson} = await import('../source/lesson/lesson');
		const {render} = await import('ink-testing-library');
		const {default: stringWidth} = await import('string-width');
		const React = await import('react');
		const {Box} = await import('ink');
		const progress = {step: 3, panel: 'table' as const, answers: {}, following: false};
		const names = ['ascii', '漢字の名前', 'e\u0301te\u0301', '漢字漢字漢字漢字漢字漢字', '👩‍💻dev'];
		const lines = roomLines(
			buildLesson(),
			'summary',
			names.map((name, i) => ({id: String(i), name, progress})),
		);
		const app = render(
			React.createElement(
				Box,
				{flexDirection: 'column', width: 100},
				...lines.map((line, i) => React.createElement(Box, {key: i}, line)),
			),
		);
		cleanups.push(app.unmount);
		const rows = app
			.lastFrame()!
			.split('\n')
			.filter(line => line.includes(' 3/9'));
		expect(rows).toHaveLength(names.length);
		for (const row of rows) expect(stringWidth(row.slice(0, row.indexOf(' 3/9')))).toBe(16);
	});
});
