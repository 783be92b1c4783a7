// Keys as they reach Ink, from a terminal or an SSH channel: one chunk per key, only the keys the
// app has a use for, and a bounded number of them. A paste or a flood of bytes is not thousands
// of key presses (each would be a state change and a redraw), and an escape sequence the app
// does not use (Ctrl+F1 is ESC[1;5P) never reaches Ink: Ink 6.8 throws on a Ctrl key it cannot name.
import {Readable} from 'node:stream';
import {StringDecoder} from 'node:string_decoder';
import {isHangup} from './hangup';

/** One key: a CSI or SS3 sequence, Alt+key, or one character. */
const KEY = /\x1b\[[0-?]*[ -/]*[@-~]|\x1bO.|\x1b[^]?|[^]/gu;
/** The CSI keys the app reads: arrows, Home, End, Shift+Tab (modifiers allowed), Insert..End as `N~`. */
const USED_CSI = /^\x1b\[(?:(?:1;\d+)?[A-DHFZ]|[1-8](?:;\d+)?~)$/;
/** Bytes of one read looked at: more is a paste or a flood, and its tail is dropped. */
const READ_BYTES = 1024;
/** Keys let through per read, and per second (a held key repeats at about 30 a second). */
export const KEYS_PER_READ = 16;
export const KEYS_PER_SECOND = 60;

export const usedKey = (key: string) => !key.startsWith('\x1b[') || USED_CSI.test(key);

/** A token bucket of key presses: `take` says how many of the keys offered now may pass. */
export class KeyBudget {
	private tokens = KEYS_PER_SECOND;
	private at = Date.now();

	take(offered: number, now = Date.now()): number {
		this.tokens = Math.min(KEYS_PER_SECOND, this.tokens + ((now - this.at) * KEYS_PER_SECOND) / 1000);
		this.at = now;
		const n = Math.max(0, Math.min(offered, KEYS_PER_READ, Math.floor(this.tokens)));
		this.tokens -= n;
		return n;
	}
}

/** The keys of one read that pass: used keys only, at most what the budget allows. */
export function keysOf(text: string, budget: KeyBudget): string[] {
	const keys: string[] = [];
	for (const [key] of text.matchAll(KEY)) {
		if (usedKey(key)) keys.push(key);
		if (keys.length > KEYS_PER_READ) break;
	}
	return keys.slice(0, budget.take(keys.length));
}

/**
 * A readable stream for Ink's stdin, pushing one key per chunk. With `tty` it reads that
 * terminal (and passes raw mode and ref / unref to it); without, the host calls `type`.
 */
export class KeyInput extends Readable {
	readonly isTTY = true;
	private readonly decoder = new StringDecoder('utf8');
	private readonly budget = new KeyBudget();
	private held?: string[];
	private ended = false;
	private readonly onData = (data: Buffer | string) => this.type(typeof data === 'string' ? Buffer.from(data) : data);

	constructor(private readonly tty?: NodeJS.ReadStream) {
		super({objectMode: true, read() {}});
		tty?.on('data', this.onData);
	}

	type(data: Buffer): void {
		let text = this.decoder.write(data.subarray(0, READ_BYTES));
		if (data.length > READ_BYTES) text += this.decoder.end(); // a cut character is not carried into the next read
		this.deliver(keysOf(text, this.budget));
	}

	/**
	 * Escape alone is a key, but Ink joins it with a key it reads in the same turn (Escape, n
	 * becomes Alt+n): what follows it waits for the next turn of the event loop, after Ink's own.
	 */
	private deliver(keys: string[]): void {
		if (this.held) return void this.held.push(...keys);
		for (const [i, key] of keys.entries()) {
			if (this.ended) return;
			this.push(key);
			if (key !== '\x1b') continue;
			this.held = keys.slice(i + 1);
			setTimeout(() => {
				const held = this.held ?? [];
				this.held = undefined;
				this.deliver(held);
			}, 0);
			return;
		}
	}

	close(): void {
		if (this.ended) return;
		this.ended = true;
		if (this.tty) {
			this.tty.off('data', this.onData);
			this.tty.pause();
		}
		this.push(null);
	}

	setRawMode(mode: boolean): this {
		try {
			this.tty?.setRawMode?.(mode);
		} catch (error) {
			// A vanished terminal has no mode to restore (Node 22 throws EIO here, from Ink's unmount): the
			// hangup path goes on to die of SIGHUP instead of failing with exit 1.
			if (!isHangup(error)) throw error;
		}
		return this;
	}

	ref(): this {
		this.tty?.ref?.();
		return this;
	}

	unref(): this {
		this.tty?.unref?.();
		return this;
	}
}
