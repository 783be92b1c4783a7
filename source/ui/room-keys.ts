// What the workshop room's keys (their bindings are in keys.ts) do: the instructor's on the
// room, an attendee's on their seat. The loop hands them on as a 'room' effect.
import type {PollQuestion, Room, Seat} from './contracts';

export type RoomCommand = 'push' | 'reveal' | 'clearHand' | 'hand' | 'answer';

/** The attendee's raised hand: a key no panel, quiz or live command uses. */
export const HAND_KEY = '!';
/** A poll's options, by letter (a lab's prediction may have more than a quiz's four). */
export const POLL_LETTERS = 'abcdefgh';

/** Runs a room command: the instructor's on the room, an attendee's on their seat. */
export function roomCommand(
	effect: {command: RoomCommand; option?: number},
	host: {room?: Room; seat?: Seat; question: PollQuestion},
): void {
	switch (effect.command) {
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
			if (effect.option !== undefined) host.seat?.answer(effect.option);
	}
}
