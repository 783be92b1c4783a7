// --screen-reader (and INK_SCREEN_READER=true) in a real pseudo-terminal: after each key, what a
// screen reader reads is the text the app has just appended. Nothing is drawn, moved or redrawn.
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {processAlive} from '../source/live/process-source';
import {KEYS, TerminalSession, until} from './support/terminal';

const sessions: TerminalSession[] = [];
afterEach(() => {
	for (const s of sessions.splice(0)) s.kill();
});

function start(args: string[], env: Record<string, string> = {}) {
	const t = new TerminalSession(args, {env: {XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'gw-sr-')), ...env}});
	sessions.push(t);
	return t;
}

const ESCAPES = /\x1b\[\??[0-9;]*[a-zA-Z]/g;
/** The lines written since `from`, without escapes: what a screen reader reads out. */
const saidSince = (t: TerminalSession, from: number) =>
	t.output
		.slice(from)
		.replace(ESCAPES, '')
		.split(/\r?\n/)
		.map(l => l.trim())
		.filter(Boolean);

/** Presses one key and waits for the lines it makes the app say, until `done` sees the last of them. */
async function press(t: TerminalSession, key: string, done: RegExp): Promise<string[]> {
	const from = t.output.length;
	t.write(key);
	await until(`${JSON.stringify(key)} to say ${done}`, () => saidSince(t, from).some(l => done.test(l)));
	await new Promise(resolve => setTimeout(resolve, 150)); // anything else it says for this key
	return saidSince(t, from);
}

const DRAWING = /[─-╿▀-▟■-◿]/; // box drawing, blocks, shapes (the flow diagram's boxes and marks)
// Cursor movement, erasing, scrolling regions, the alternate screen: anything that redraws.
const REDRAW = /\x1b\[(\d*[ABCDEFGHJKSTf]|\d+;\d+[Hf]|\?1049[hl])/;

describe('--screen-reader', () => {
	test('says the start, then after each key only what changed, in words; never draws or redraws', async () => {
		const t = start(['--screen-reader']);
		await until('the start', () => saidSince(t, 0).includes('Press ? for the keys.'));
		const first = saidSince(t, 0);
		expect(first[0]).toMatch(/Gunicorn/);
		expect(first).toContain('Step 1 of 9: You run gunicorn: the master starts.');
		expect(first).toContain('Panel 1, Flow.');
		expect(first.some(l => l.startsWith('Now at '))).toBe(true);

		const step2 = await press(t, 'n', /^Now at /);
		expect(step2[0]).toMatch(/^Step 2 of 9: /);
		expect(step2.join('\n')).not.toContain('Step 1 of 9'); // nothing said again
		expect(step2.join('\n')).not.toContain('Panel 1, Flow.');

		const back = await press(t, KEYS.left, /^Now at /);
		expect(back[0]).toMatch(/^Step 1 of 9: /);

		const table = await press(t, '3', /^Row 1 of 1\./);
		expect(table).toEqual([
			'Panel 3, Table.',
			expect.stringMatching(/^Row 1 of 1\. Action: Run gunicorn .*Output: Starting gunicorn 20\.1\.0\.$/),
		]);
		const row2 = await press(t, 'n', /^Row 2 of 2\./);
		expect(row2[0]).toMatch(/^Step 2 of 9: /);

		const quiz = await press(t, '6', /^d: /);
		expect(quiz[0]).toBe('Panel 6, Quiz.');
		expect(quiz[1]).toMatch(/^Question 1 of \d+: /);
		const moved = await press(t, KEYS.down, /^b: /);
		expect(moved).toHaveLength(1);
		const answered = await press(t, KEYS.enter, /is (correct|not right)/);
		expect(answered[0]).toMatch(/^b is (correct\.|not right: the answer is [a-d], .+)/);
		expect(answered.length).toBeGreaterThan(1); // the explanation
		expect(await press(t, 'h', /^Hint: /)).toHaveLength(1);
		expect((await press(t, ']', /^d: /))[0]).toMatch(/^Question 2 of /);

		expect((await press(t, '?', /^\?: these keys again/))[0]).toBe('Keys, the same as on the full screen:');
		expect(await press(t, KEYS.esc, /^Keys closed\.$/)).toEqual(['Keys closed.']);

		await press(t, '1', /^Now at /);
		const preload = await press(t, 'v', /^Now at /);
		expect(preload[0]).toMatch(/^Now with --preload/);

		const play = await press(t, ' ', /^Autoplay: /);
		expect(play).toEqual(['Autoplay: a step every 2.5 seconds; any key stops it.']);
		expect(await press(t, 'x', /^Autoplay stopped\.$/)).toEqual(['Autoplay stopped.']);

		expect(t.output).not.toMatch(DRAWING);
		expect(t.output).not.toMatch(REDRAW);
		t.write('q');
		expect((await t.exited).exitCode).toBe(0);
	}, 60_000);

	test('INK_SCREEN_READER=true is the same mode', async () => {
		const t = start(['--step', '4', '--panel', 'table'], {INK_SCREEN_READER: 'true'});
		await until('the start', () => saidSince(t, 0).includes('Press ? for the keys.'));
		expect(saidSince(t, 0)).toContain('Panel 3, Table.');
		expect(saidSince(t, 0).some(l => /^Step 4 of 9: /.test(l))).toBe(true);
		expect(t.output).not.toMatch(DRAWING);
		t.write('q');
		expect((await t.exited).exitCode).toBe(0);
	});

	test('attached to our server, each live event is said in words; the live keys work', async () => {
		const t = start(['--screen-reader', '--live', '--bind', '127.0.0.1:0', '--reset']);
		await until(
			'two workers ready',
			() => saidSince(t, 0).filter(l => /^Event \d+: Worker \d+ waits for connections/.test(l)).length === 2,
			20_000,
		);
		const start9 = saidSince(t, 0);
		expect(start9).toContain('Panel 9, Live.');
		await press(t, '1', /^Now at /);
		const panel9 = await press(t, '9', /^\d+ requests served/);
		expect(panel9.slice(0, 3)).toEqual([
			'Panel 9, Live.',
			expect.stringMatching(/^Master: Running \(pid \d+\)\.$/),
			expect.stringMatching(/^Workers: \d+ listening, \d+ listening\.$/),
		]);
		const master = Number(/\(pid (\d+)\)/.exec(panel9[1])?.[1]);
		expect(processAlive(master)).toBe(true);

		const request = await press(t, 'r', /^GET \/ -> 200 in \d+ ms\.$/);
		expect(request).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^Event \d+: GET \/ accepted by \d+\.$/),
				expect.stringMatching(/^Event \d+: \d+ sends 200, closes socket\./),
			]),
		);
		expect(request.join('\n')).not.toMatch(/Panel 9|Master: /); // the status is not said again

		const killed = await press(t, 'k', /^Event \d+: Master forks worker \d+\./);
		expect(killed.some(l => /^Event \d+: Worker \d+ exited \(killed\)/.test(l))).toBe(true);

		const inspect = await press(t, KEYS.left, /^Event \d+ of \d+, paused: /);
		expect(inspect[0]).toMatch(/^Event (\d+) of \d+, paused: /);
		// Live events go on arriving (the killed worker's replacement getting ready): said after it.
		expect(await press(t, KEYS.end, /^Following the newest event\.$/)).toContain('Following the newest event.');

		expect(t.output).not.toMatch(REDRAW);
		t.write('q');
		expect((await t.exited).exitCode).toBe(0);
		await until('the server gone', () => !processAlive(master), 10_000);
	}, 60_000);
});
