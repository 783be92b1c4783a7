// The Labs panel's keys, apart from the rest of the table (keys.ts spreads them in). A step's key
// is its Live panel key, except where a-d (the prediction) would clash: six at once is *, a burst w.
import {labById} from '../labs/labs';
import type {Binding} from './keys';
import type {LabAction} from './labs-ui';
import type {Intent, LiveCommand, UiState} from './model';

const lab = (action: LabAction): Intent => ({kind: 'lab', action});
const none: Intent = {kind: 'none'};
const opened = (s: UiState) => (s.labs.open ? labById(s.labs.open) : undefined);

/** One key per live command in a lab (the Live panel's, less a and b). */
export const LAB_STEP_KEYS: Record<LiveCommand, string> = {
	request: 'r',
	burst: 'w',
	slow: 's',
	kill: 'k',
	add: '+',
	remove: '-',
	reload: 'g',
	toggle: 'x',
	interrupt: 'i',
	timed: '*',
	'slow-client': 'l',
	'edit-app': 't',
	memory: 'u',
};

const LABELS: Record<LiveCommand, string> = {
	request: 'GET /',
	burst: 'a burst of 200 requests',
	slow: 'GET /slow past --timeout',
	kill: 'kill -9 one worker',
	add: 'TTIN',
	remove: 'TTOU',
	reload: 'HUP',
	toggle: 'TERM (stop) or start',
	interrupt: 'INT to the master',
	timed: 'six GET /slow?s=1 at once',
	'slow-client': 'a slow client',
	'edit-app': "change the app's text",
	memory: 'measure memory',
};

const letters = 'abcd';
const panels: Binding['where'] = {panels: ['labs']};

export function labBindings(): Binding[] {
	const commands = Object.keys(LAB_STEP_KEYS) as LiveCommand[];
	return [
		{
			keys: ['up', 'down'],
			description: 'the lab above / below; in a lab, scroll',
			group: 'labs',
			where: panels,
			intent: (s, _c, name) => {
				const by = name === 'up' ? -1 : 1;
				return s.labs.open ? {kind: 'action', action: {type: 'scroll', by}} : lab({type: 'move', by});
			},
		},
		{
			keys: ['enter'],
			description: 'open the lab under the cursor',
			group: 'labs',
			where: panels,
			intent: s => (s.labs.open ? none : lab({type: 'open'})),
			footer: s => (s.labs.open ? undefined : ['↑↓ ⏎', 'open a lab']),
		},
		{
			keys: ['esc'],
			description: 'back to the list of labs; close a notice',
			group: 'labs',
			where: panels,
			intent: s => (s.labs.open ? lab({type: 'back'}) : {kind: 'action', action: {type: 'close'}}),
		},
		{
			keys: [...letters],
			description: 'predict: an option',
			group: 'labPredict',
			where: panels,
			intent: (s, _c, name) => {
				const p = opened(s)?.prediction;
				return p?.kind === 'choice' && letters.indexOf(name) < p.options.length
					? lab({type: 'predict', answer: letters.indexOf(name)})
					: none;
			},
			footer: s => (opened(s)?.prediction.kind === 'choice' ? ['a-d', 'predict'] : undefined),
		},
		{
			keys: ['e'],
			description: 'predict: type a number, then Enter',
			group: 'labPredict',
			where: panels,
			intent: s => (opened(s)?.prediction.kind === 'number' ? lab({type: 'type', text: ''}) : none),
			footer: s => (opened(s)?.prediction.kind === 'number' ? ['e', 'predict'] : undefined),
		},
		...commands.map(
			(command): Binding => ({
				keys: [LAB_STEP_KEYS[command]],
				description: `in a lab: ${LABELS[command]}`,
				group: 'labSteps',
				where: {...panels, live: true},
				intent: s => (s.labs.open ? lab({type: 'act', command, label: LABELS[command]}) : none),
			}),
		),
		{
			keys: ['h'],
			description: 'a hint: a nudge, then where to look, then the answer',
			group: 'labHint',
			where: panels,
			intent: s => (s.labs.open ? lab({type: 'hint'}) : none),
			footer: s => (s.labs.open ? ['h', 'hint'] : undefined),
		},
		{
			keys: ['R'],
			description: "reset: restart the server with the lab's flags",
			group: 'labHint',
			where: {...panels, live: true},
			intent: s => (s.labs.open ? lab({type: 'reset'}) : none),
			footer: s => (s.labs.open ? ['R', 'reset'] : undefined),
		},
	];
}
