// What the workshop room's keys (their bindings are in keys.ts) do: the instructor's on the
// room, an attendee's on their seat. The loop hands them on as a 'room' effect.
import type {LabId} from '../labs/types';
import type {PollQuestion, Room, Seat} from './contracts';
import {labOrder, labsUpdate, type LabsNext, type LabsUi, type LabsWhere} from './labs-ui';

export type RoomCommand = 'push' | 'reveal' | 'clearHand' | 'hand' | 'answer' | 'lead' | 'type' | 'erase';

/** The attendee's raised hand: a key no panel, quiz or live command uses. */
export const HAND_KEY = '!';
/** A poll's options, by letter (a lab's prediction may have more than a quiz's four). */
export const POLL_LETTERS = 'abcdefgh';
/** What a lab's number prediction is typed with (a room command's option is the index of one). */
export const NUMBER_KEYS = '0123456789.';

/** Without the room's server there is nothing for a lab to act on. */
export const NO_SHARED_SERVER = 'Labs need the room’s server: start the workshop with --live or --gunicorn';

/**
 * The instructor leads a lab (the one open on their Labs panel, else the one under its cursor): it
 * opens there and resets, which restarts the room's server with the lab's flags.
 */
export function leadLab(labs: LabsUi, where: LabsWhere): {id: LabId; next: LabsNext} | undefined {
	const id = labs.open ?? labOrder(where.chapter)[labs.cursor]?.id;
	if (!id) return undefined;
	const opened = labsUpdate(labs, {type: 'open', id}, where, 0).ui;
	return {id, next: labsUpdate(opened, {type: 'reset'}, where, Date.now())};
}

/** Runs a room command: the instructor's on the room, an attendee's on their seat. */
export function roomCommand(
	effect: {command: RoomCommand; option?: number; lab?: LabId},
	host: {room?: Room; seat?: Seat; question: PollQuestion},
): void {
	const draft = () => host.seat?.poll()?.lab?.draft ?? '';
	switch (effect.command) {
		case 'push': {
			const {id, question, options, answer} = host.question; // a quiz question carries more than a poll needs
			return host.room?.push?.({id, question, options, answer});
		}
		case 'lead':
			if (effect.lab) host.room?.leadLab?.(effect.lab);
			return;
		case 'reveal':
			return host.room?.reveal?.();
		case 'clearHand':
			return host.room?.clearHand?.();
		case 'hand':
			return host.seat?.toggleHand();
		case 'answer':
			return host.seat?.answer(effect.option);
		case 'type':
			return host.seat?.type?.(draft() + NUMBER_KEYS[effect.option ?? 0]);
		case 'erase':
			return host.seat?.type?.(draft().slice(0, -1));
	}
}
