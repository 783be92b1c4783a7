// The keys Ink reads: the terminal's raw mode passed through, and a vanished terminal survived.
import {EventEmitter} from 'node:events';
import {describe, expect, test} from 'vitest';
import {KeyInput} from '../source/ui/keys-in';

/** A terminal whose setRawMode fails as a hung-up one does on Node 22 (or with another error). */
function failingTty(code: string) {
	const tty = Object.assign(new EventEmitter(), {
		pause: () => undefined,
		setRawMode: (_mode: boolean) => {
			throw Object.assign(new Error(`setRawMode ${code}`), {code});
		},
	});
	return tty as unknown as NodeJS.ReadStream;
}

describe('KeyInput.setRawMode', () => {
	test('a vanished terminal (EIO) is not an error: the hangup path goes on to die of SIGHUP', () => {
		expect(() => new KeyInput(failingTty('EIO')).setRawMode(false)).not.toThrow();
	});
	test('any other failure still throws', () => {
		expect(() => new KeyInput(failingTty('EPERM')).setRawMode(false)).toThrow('setRawMode EPERM');
	});
});
