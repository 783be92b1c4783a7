import {describe, expect, test} from 'vitest';
import {FLOW_NODES, executionTable, variableTracker} from '../source/lifecycle/selectors';
import {buildLesson} from '../source/lesson/lesson';
import {plainLesson, trackerColumns} from '../source/lesson/plain';
import {playLesson} from '../source/lesson/timeline';

const variants = ['default', 'preload'] as const;

describe.each(variants)('the %s lesson', variant => {
	const lesson = buildLesson(variant);
	const {states, cuts} = playLesson(lesson);
	const table = executionTable(states[9], cuts);

	test('has nine steps that the machine accepts in full', () => {
		expect(lesson.steps).toHaveLength(9);
		expect(states.every(s => s.rejected.length === 0)).toBe(true);
		expect(cuts).toHaveLength(9);
		expect(lesson.steps.every(s => s.events.length > 0 && s.narration.length > 0 && s.title)).toBe(true);
		expect(table).toHaveLength(9);
	});

	test('teaches who imports the app: each worker after fork, or the master with --preload', () => {
		const afterStart = states[1];
		const afterBind = states[2];
		const afterFork = states[3];
		if (variant === 'preload') {
			// Gunicorn's Arbiter.setup() imports a preloaded app before it binds the socket.
			expect(afterStart.master.appLoaded).toBe(true);
			expect(afterStart.master.address).toBeUndefined();
			expect(table[0].django).toBe('Loaded in master (--preload)');
			expect(table[1].django).toBe('Loaded in master (--preload)');
		} else {
			expect(afterBind.master.appLoaded).toBe(false);
			expect(table[1].django).toBe('Not loaded');
			expect(afterFork.history.filter(h => h.event.type === 'app.loaded').map(h => (h.event as {pid: number}).pid)).toEqual([4121, 4122]);
		}
		expect(afterFork.workers.map(w => [w.state, w.appLoaded])).toEqual([['idle', true], ['idle', true]]);
	});

	test('quiz answers, hints and sample references all point at things that exist', () => {
		expect(lesson.quiz.length).toBeGreaterThanOrEqual(3);
		expect(new Set(lesson.quiz.map(q => q.id)).size).toBe(lesson.quiz.length);
		const trackerVariables = variableTracker(states[9], trackerColumns(lesson, cuts)).map(r => r.variable);
		for (const q of lesson.quiz) {
			expect(q.options.length).toBeGreaterThanOrEqual(2);
			expect(q.options.length).toBeLessThanOrEqual(4);
			expect(q.answer).toBeGreaterThanOrEqual(0);
			expect(q.answer).toBeLessThan(q.options.length);
			expect(q.hint && q.explanation).toBeTruthy();
			const t = q.target;
			if (t.panel === 'table') {
				expect(table[t.step - 1]?.[t.column], q.id).toBeTruthy();
			} else if (t.panel === 'flow') {
				expect(FLOW_NODES).toContain(t.node);
				expect(lesson.flow.map(f => f.node)).toContain(t.node);
			} else {
				expect(trackerVariables).toContain(t.variable);
			}
		}
		for (const step of lesson.steps) {
			if (step.sample) expect(lesson.samples[step.sample.file]?.lines[step.sample.line - 1], step.title).toBeTruthy();
		}
		expect(lesson.keyMoments.length).toBeGreaterThanOrEqual(3);
		expect(lesson.keyMoments.every(m => m.step >= 1 && m.step <= 9)).toBe(true);
		expect(lesson.checkpoints.every(c => c >= 1 && c <= 9)).toBe(true);
	});

	test('the quiz answers agree with the table they quote', () => {
		const q = lesson.quiz.find(x => x.id === 'view-runs')!;
		expect(q.options[q.answer]).toBe('Step 5');
		expect(table[4].django).toMatch(/^View /);
		expect(table.filter(r => r.django.startsWith('View ')).map(r => r.n)).toEqual([5]);
	});
});

describe('the plain lesson', () => {
	const text = plainLesson(false);
	test('has every section in order, no escape codes and no line over 78 columns', () => {
		const sections = ['Concept flow', 'Execution sample', 'Execution table', 'Variable tracker', 'With --preload', 'Key moments', 'Quiz', 'Concept snapshot', 'Transcript'];
		const at = sections.map(s => text.indexOf(`\n${s}\n`));
		expect(at.every(i => i > 0)).toBe(true);
		expect([...at].sort((a, b) => a - b)).toEqual(at);
		expect(text).not.toContain('\x1b');
		expect(text.split('\n').filter(l => l.length > 78)).toEqual([]);
		expect(text.match(/^Step \d\. /gm)).toHaveLength(9);
	});
	test('colour only when asked', () => {
		expect(plainLesson(true)).toContain('\x1b[1m');
	});
});
