// Runs the built CLI in a real pseudo-terminal (node-pty) and reads its screen through a
// real terminal emulator (@xterm/headless), as a person at that terminal would see it.
import {fileURLToPath} from 'node:url';
import pty from 'node-pty';
import xterm from '@xterm/headless';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** The environment for children: no CI variables (Ink prints only the last frame under CI). */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (
			value === undefined ||
			key === 'CI' ||
			key.startsWith('CI_') ||
			key === 'GITHUB_ACTIONS' ||
			key === 'CONTINUOUS_INTEGRATION'
		)
			continue;
		env[key] = value;
	}
	return {...env, TERM: 'xterm-256color', ...extra};
}

export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Polls until probe gives something truthy, and returns it. */
export async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(25);
	}
}

/** A terminal screen fed by any byte stream (a pty, an SSH channel), read through @xterm/headless. */
export class Screen {
	readonly term: InstanceType<typeof xterm.Terminal>;
	output = '';
	protected pending = Promise.resolve();

	constructor(cols: number, rows: number) {
		this.term = new xterm.Terminal({cols, rows, allowProposedApi: true});
	}

	feed(data: string): void {
		this.output += data;
		this.pending = this.pending.then(() => new Promise<void>(resolve => this.term.write(data, resolve)));
	}

	/** The screen as text lines, right-trimmed. */
	async screen(): Promise<string[]> {
		await this.pending;
		const buffer = this.term.buffer.active;
		const lines: string[] = [];
		for (let y = 0; y < this.term.rows; y++)
			lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
		return lines;
	}

	async text(): Promise<string> {
		return (await this.screen()).join('\n');
	}

	/** Waits until the screen satisfies the test (a string it contains, or a predicate). */
	async waitFor(test: string | RegExp | ((screen: string) => boolean), timeoutMs = 15_000): Promise<string> {
		const ok = (s: string) =>
			typeof test === 'string' ? s.includes(test) : test instanceof RegExp ? test.test(s) : test(s);
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const screen = await this.text();
			if (ok(screen)) return screen;
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(test)}; screen:\n${screen}`);
			await sleep(50);
		}
	}
}

/** The built CLI in a real pseudo-terminal, its output on a Screen. */
export class TerminalSession extends Screen {
	readonly child: pty.IPty;
	readonly exited: Promise<{exitCode: number; signal?: number}>;

	/** `cli`, `node` (flags for node) and `cwd` run another build, e.g. the installed package. */
	constructor(
		args: string[],
		{
			cols = 80,
			rows = 24,
			env = {},
			cli = CLI,
			node = [],
			cwd,
		}: {
			cols?: number;
			rows?: number;
			env?: Record<string, string>;
			cli?: string;
			node?: string[];
			cwd?: string;
		} = {},
	) {
		super(cols, rows);
		this.child = pty.spawn(process.execPath, [...node, cli, ...args], {
			name: 'xterm-256color',
			cols,
			rows,
			cwd,
			env: childEnv(env),
		});
		this.child.onData(data => this.feed(data));
		this.exited = new Promise(resolve => this.child.onExit(resolve));
	}

	write(keys: string): void {
		this.child.write(keys);
	}

	resize(cols: number, rows: number): void {
		this.term.resize(cols, rows);
		this.child.resize(cols, rows);
	}

	/** Screen rows that continue a row the terminal wrapped (xterm marks them isWrapped). */
	async wrappedRows(): Promise<number[]> {
		await this.pending;
		const buffer = this.term.buffer.active;
		const rows: number[] = [];
		for (let y = 0; y < this.term.rows; y++) if (buffer.getLine(buffer.viewportY + y)?.isWrapped) rows.push(y);
		return rows;
	}

	/** Closes the terminal itself (the pty master), as when an SSH link drops: the child gets SIGHUP and EIO. */
	hangUp(): void {
		(this.child as pty.IPty & {destroy(): void}).destroy();
	}

	kill(): void {
		try {
			this.child.kill('SIGKILL');
		} catch {}
	}
}

export const KEYS = {
	right: '\x1b[C',
	left: '\x1b[D',
	up: '\x1b[A',
	down: '\x1b[B',
	home: '\x1b[H',
	end: '\x1b[F',
	tab: '\t',
	shiftTab: '\x1b[Z',
	esc: '\x1b',
	enter: '\r',
	ctrlC: '\x03',
	pageDown: '\x1b[6~',
	pageUp: '\x1b[5~',
};
