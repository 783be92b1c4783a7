// Which step of a chapter explains a live event. Each step declares the events it explains
// (a type, or type:detail); the chapter, not a switch, decides. An event several steps explain
// (a fork at start-up, after a kill, after TTIN) stays with the step the events before it were
// at, else goes on to the next step that explains it: a lesson is followed forwards.
import {EVENT_TYPES, type EventType, type LifecycleEvent} from '../lifecycle/events';
import type {Lesson} from './types';

/** The detail a step can name after the type: the exit reason, where the app loaded, TERM or INT. */
export function detailOf(e: LifecycleEvent): string | undefined {
	switch (e.type) {
		case 'worker.exiting':
		case 'worker.exited':
			return e.reason;
		case 'app.loaded':
			return e.where;
		case 'master.stopping':
			return e.graceful ? 'graceful' : 'quick';
		case 'workers.changed':
			return e.to > e.from ? 'up' : 'down';
		default:
			return undefined;
	}
}

const REASONS = ['shutdown', 'reload', 'removed', 'max-requests', 'timeout', 'killed', 'boot-error', 'crashed'];
/** The details each type has, for checking a lesson file's explains. */
export const DETAILS: Partial<Record<EventType, readonly string[]>> = {
	'worker.exiting': REASONS,
	'worker.exited': REASONS,
	'app.loaded': ['master', 'worker'],
	'master.stopping': ['graceful', 'quick'],
	'workers.changed': ['up', 'down'],
};

/** What is wrong with one explains entry, or undefined. */
export function explainsProblem(entry: string): string | undefined {
	const [type, detail, ...rest] = entry.split(':');
	if (!EVENT_TYPES.includes(type as EventType)) return `unknown event type ${JSON.stringify(type)}`;
	if (detail === undefined) return rest.length ? 'one ":" at most' : undefined;
	const details = DETAILS[type as EventType];
	if (!details) return `${type} has no detail to name (${JSON.stringify(detail)})`;
	if (!details.includes(detail) || rest.length)
		return `unknown detail ${JSON.stringify(entry.slice(type.length + 1))} for ${type} (${details.join(', ')})`;
	return undefined;
}

const explained = (lesson: Lesson, i: number) =>
	lesson.steps[i].explains ?? [...new Set(lesson.steps[i].events.map(e => e.type))];

/** The steps (1-based) that explain this event: those naming its type:detail, else those naming its type. */
export function stepsExplaining(lesson: Lesson, e: LifecycleEvent): number[] {
	const detail = detailOf(e);
	const steps = lesson.steps.map((_, i) => i);
	const exact = detail === undefined ? [] : steps.filter(i => explained(lesson, i).includes(`${e.type}:${detail}`));
	return (exact.length ? exact : steps.filter(i => explained(lesson, i).includes(e.type))).map(i => i + 1);
}

/** How far back the walk looks for an event only one step explains. */
const LOOK_BACK = 200;

/**
 * The step whose narration applies at events[index]: the one step that explains it, or, when
 * several do, the step the events before it were at if it is one of them, else the next one
 * after that step, else the first.
 */
export function stepAt(lesson: Lesson, eventAt: (i: number) => LifecycleEvent, index: number): number {
	let from = index;
	while (from > 0 && index - from < LOOK_BACK && stepsExplaining(lesson, eventAt(from)).length !== 1) from--;
	let step = 1;
	for (let i = Math.max(0, from); i <= index; i++) {
		const candidates = stepsExplaining(lesson, eventAt(i));
		if (candidates.length && !candidates.includes(step)) step = candidates.find(n => n > step) ?? candidates[0];
	}
	return step;
}
