// What the workshop benches share: the workshop started without a terminal, ssh2 attendees with an
// 80x24 pty, and waiting until what an attendee was sent shows something.
import {spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import ssh2 from 'ssh2';

export const CLI = join(fileURLToPath(new URL('..', import.meta.url)), 'dist/cli.js');
export const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
export const rssMb = pid => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

/** The environment of a child that must behave as in a terminal: Ink writes only the last frame under CI. */
export function interactiveEnv(extra) {
	const env = {...process.env, ...extra};
	for (const key of Object.keys(env))
		if (key === 'CI' || key.startsWith('CI_') || key === 'GITHUB_ACTIONS') delete env[key];
	return env;
}

/** `workshop ARGS` without a terminal of its own (it logs joins and leaves), once it names its port. */
export async function startWorkshop(config, args, timeoutMs) {
	const child = spawn(process.execPath, [CLI, 'workshop', '--port', '0', ...args], {
		env: interactiveEnv({XDG_CONFIG_HOME: config}),
		stdio: ['ignore', 'ignore', 'pipe'],
	});
	let err = '';
	child.stderr.on('data', data => (err += data));
	const deadline = Date.now() + timeoutMs;
	while (!/ssh -p (\d+)/.test(err)) {
		if (Date.now() > deadline || child.exitCode !== null)
			throw new Error(`bench: the workshop did not start: ${err}`);
		await sleep(50);
	}
	return {child, port: Number(/ssh -p (\d+)/.exec(err)[1])};
}

/** An ssh2 client with an 80x24 pty; `onData` gets what the session sends (strings with an encoding). */
export async function connectAttendee(port, name, readyTimeout, onData, encoding) {
	const client = new ssh2.Client();
	await new Promise((resolve, reject) => {
		client.once('ready', resolve).once('error', reject);
		client.connect({host: '127.0.0.1', port, username: name, readyTimeout});
	});
	client.setNoDelay(true); // as OpenSSH does for a session with a tty
	const channel = await new Promise((resolve, reject) =>
		client.shell({term: 'xterm-256color', cols: 80, rows: 24}, (error, channel) => {
			if (error) return reject(error);
			if (encoding) channel.setEncoding(encoding);
			channel.on('data', onData);
			resolve(channel);
		}),
	);
	return {client, channel};
}

/**
 * Resolves with the time `shown()` first holds, checked now and whenever the holder's waiters are
 * called (on each piece of output).
 */
export function whenShown(holder, shown, what, timeoutMs) {
	return new Promise((resolve, reject) => {
		const check = () => {
			if (!shown()) return;
			holder.waiters.delete(check);
			clearTimeout(timer);
			resolve(performance.now());
		};
		const timer = setTimeout(() => {
			holder.waiters.delete(check);
			reject(new Error(`bench: ${holder.name ?? 'the screen'} never showed ${what}`));
		}, timeoutMs);
		holder.waiters.add(check);
		check();
	});
}
