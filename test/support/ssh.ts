// Workshop helpers: the built CLI as the instructor in a pty, attendees as ssh2 clients whose
// output is read through a terminal emulator.
import {mkdtempSync} from 'node:fs';
import {connect as tcpConnect, type Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import ssh2, {type ClientChannel} from 'ssh2';
import {Screen, sleep, TerminalSession} from './terminal';

export const tempDir = () => mkdtempSync(join(tmpdir(), 'gw-room-'));

/** Things to undo after each test, newest first. */
export const cleanups: Array<() => void> = [];
export function cleanUp(): void {
	for (const cleanup of cleanups.splice(0).reverse()) {
		try {
			cleanup();
		} catch {}
	}
}

/** The built CLI running `workshop` in a pty, as the instructor sees it. */
export async function instructor(args: string[] = [], {config = tempDir(), cols = 80, rows = 24} = {}) {
	const t = new TerminalSession(['workshop', '--port', '0', ...args], {env: {XDG_CONFIG_HOME: config}, cols, rows});
	cleanups.push(() => t.kill());
	const deadline = Date.now() + 30_000;
	let match: RegExpExecArray | null;
	while (!(match = /Workshop open: ssh -p (\d+) /.exec(t.output))) {
		if (Date.now() > deadline) throw new Error(`the workshop did not start:\n${t.output}`);
		await sleep(50);
	}
	await t.waitFor(/(Step|Event) \d+\/\d+/);
	return {t, port: Number(match[1]), config};
}

export interface Attendee {
	client: ssh2.Client;
	channel: ClientChannel;
	screen: Screen;
	socket: Socket;
	closed: Promise<number | undefined>;
	write(keys: string): void;
}

/** An attendee with a terminal, through ssh2's client over a socket of our own (so a test can stop reading it). */
export async function attend(port: number, user: string, {cols = 80, rows = 24} = {}): Promise<Attendee> {
	const socket = tcpConnect(port, '127.0.0.1');
	await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
	const client = new ssh2.Client();
	cleanups.push(() => {
		client.destroy();
		socket.destroy();
	});
	await new Promise((resolve, reject) => {
		client.once('ready', () => resolve(undefined));
		client.once('error', reject);
		client.connect({sock: socket, username: user, readyTimeout: 30_000});
	});
	const screen = new Screen(cols, rows);
	let status: number | undefined;
	let closed!: Promise<number | undefined>;
	const channel = await new Promise<ClientChannel>((resolve, reject) =>
		client.shell({term: 'xterm-256color', cols, rows}, (error, ch) => {
			if (error) return reject(error);
			ch.setEncoding('utf8');
			ch.on('data', (data: string) => screen.feed(data));
			ch.on('exit', (code: number) => (status = code));
			closed = new Promise(done => ch.on('close', () => done(status)));
			resolve(ch);
		}),
	);
	return {client, channel, screen, socket, closed, write: keys => channel.write(keys)};
}
