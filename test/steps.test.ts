// Nothing counts steps but the lesson: a chapter with a 10th step shows it and the keys reach it.
import {describe, expect, test} from 'vitest';
import type {Chapter} from '../source/lesson/chapters';
import {buildLesson} from '../source/lesson/lesson';
import type {Variant} from '../source/lesson/types';
import {initialUi, interpretKey, update, type Context, type UiState} from '../source/ui/model';
import {visiblePanels} from '../source/ui/panels';
import {lessonView} from '../source/ui/view';

const NINE = visiblePanels({room: false, live: false});

/** Chapter 1 with one more step: the next request, served by the first worker again. */
const longer: Chapter = {
	id: 'ten-steps',
	title: 'Ten steps',
	lesson: (variant: Variant) => {
		const base = buildLesson(variant);
		const eighth = base.steps[7];
		return {...base, steps: [...base.steps.slice(0, 8), {...eighth, title: 'Once more'}, base.steps[8]]};
	},
};

describe('a lesson with a 10th step', () => {
	const lesson = longer.lesson('default');
	const ctx: Context = {
		steps: lesson.steps.length,
		chapters: [{id: 'ten-steps', steps: 10}],
		quiz: lesson.quiz,
		panels: NINE,
		live: false,
		leader: false,
	};
	const press = (s: UiState, input: string, key = {}) => {
		const intent = interpretKey(input, key, s, ctx);
		return intent.kind === 'action' ? update(s, intent.action, ctx) : s;
	};

	test('keeps its 10th row, and the tracker and position count ten', () => {
		const view = lessonView('default', 10, longer);
		expect(view.rows).toHaveLength(10);
		expect(view.rows[9].n).toBe(10);
		expect(view.position).toBe('Step 10/10');
		expect(lessonView('default', 9, longer).rows[8].action).toBeTruthy();
	});

	test('End, n and autoplay reach step 10 and stop there', () => {
		expect(press(initialUi(), '', {end: true}).step).toBe(10);
		expect(press(initialUi({step: 9}), 'n').step).toBe(10);
		expect(press(initialUi({step: 10}), 'n').step).toBe(10);
		const played = update(initialUi({step: 9, playing: true}), {type: 'tick'}, ctx);
		expect(played).toMatchObject({step: 10, playing: true});
		expect(update(played, {type: 'tick'}, ctx).playing).toBe(false);
	});
});
