// The lesson played through the lifecycle machine once: the state after each step, and the
// history seq numbers where each step ends (the execution table's row cuts).
import {initialState, reduceAll, type LifecycleState} from '../lifecycle/machine';
import type {Lesson} from './types';

export interface Timeline {
	states: LifecycleState[]; // states[k] = after step k; states[0] = before step 1
	cuts: number[]; // cuts[k - 1] = seq of step k's last event
}

export function playLesson(lesson: Lesson): Timeline {
	const states = [initialState];
	const cuts: number[] = [];
	for (const step of lesson.steps) {
		const state = reduceAll(states[states.length - 1], step.events);
		const rejected = state.rejected.length - states[states.length - 1].rejected.length;
		if (rejected > 0)
			throw new Error(`lesson step "${step.title}": ${state.rejected[state.rejected.length - 1].reason}`);
		states.push(state);
		cuts.push(state.seq);
	}
	return {states, cuts};
}
