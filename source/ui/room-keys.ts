// The workshop room's keys, kept apart from the walkthrough's: an attendee's raised hand and
// their poll overlay; the instructor's poll and hand keys on the Room panel (0).
import type {PollQuestion, Room, Seat} from './contracts';
import type {Context, Intent, Key, UiState} from './model';

export type RoomCommand = 'push' | 'reveal' | 'clearHand' | 'hand' | 'answer';

/** The attendee's raised hand: a key no panel, quiz or live command uses. */
export const HAND_KEY = '!';
const LETTERS = 'abcdefgh';
const ROOM = 10; // the Room panel's number (model.ts ROOM_PANEL; not imported: model imports this file)

/** What a key means to the room, or undefined when the room has no use for it. */
export function roomKey(input: string, key: Key, s: UiState, ctx: Context): Intent | undefined {
	const attendee = ctx.room === 'attendee';
	if (attendee && input === HAND_KEY) return {kind: 'room', command: 'hand'};
	if (s.overlay === 'poll') {
		const letter = input.length === 1 ? LETTERS.indexOf(input) : -1;
		if (ctx.poll && !ctx.poll.revealed && letter >= 0 && letter < ctx.poll.options)
			return {kind: 'room', command: 'answer', option: letter};
		if (key.escape || input === 'o' || input === 'q') return {kind: 'action', action: {type: 'close'}};
		return {kind: 'none'};
	}
	if (s.overlay) return undefined;
	if (attendee && input === 'o' && ctx.poll) return {kind: 'action', action: {type: 'poll'}};
	if (ctx.room === 'instructor' && s.panel === ROOM) {
		if (input === 'o') return {kind: 'room', command: 'push'};
		if (input === 'e') return {kind: 'room', command: 'reveal'};
		if (input === 'c') return {kind: 'room', command: 'clearHand'};
	}
	return undefined;
}

/** The footer's room keys for the current state (before the walkthrough's own). */
export function roomFooter(s: UiState, ctx: Context): Array<[string, string]> {
	if (s.overlay === 'poll')
		return [
			...(ctx.poll && !ctx.poll.revealed
				? [[`a-${LETTERS[ctx.poll.options - 1]}`, 'answer'] as [string, string]]
				: []),
			['Esc', 'close the poll'],
		];
	const keys: Array<[string, string]> = [];
	if (ctx.room === 'attendee') {
		keys.push([HAND_KEY, ctx.hand ? 'lower hand' : 'raise hand']);
		if (ctx.poll) keys.push(['o', 'poll']);
	}
	if (ctx.room === 'instructor' && s.panel === ROOM) keys.push(['o', 'poll'], ['e', 'reveal'], ['c', 'clear hand']);
	return keys;
}

/** Runs a room intent: the instructor's on the room, an attendee's on their seat. */
export function roomCommand(
	intent: Extract<Intent, {kind: 'room'}>,
	host: {room?: Room; seat?: Seat; question: PollQuestion},
): void {
	switch (intent.command) {
		case 'push': {
			const {id, question, options, answer} = host.question; // a quiz question carries more than a poll needs
			return host.room?.push?.({id, question, options, answer});
		}
		case 'reveal':
			return host.room?.reveal?.();
		case 'clearHand':
			return host.room?.clearHand?.();
		case 'hand':
			return host.seat?.toggleHand();
		case 'answer':
			if (intent.option !== undefined) host.seat?.answer(intent.option);
	}
}
