// An attendee's seat in the room, as React state: the poll on their screen and their hand. A
// newly pushed poll, and its reveal, open the poll overlay by themselves.
import {useEffect, useState} from 'react';
import type {PollView, Seat} from './contracts';

export interface SeatState {
	poll?: PollView;
	hand?: number;
}

export function useSeat(seat: Seat | undefined, open: () => void): SeatState {
	const [state, setState] = useState<SeatState>({});
	// biome-ignore lint/correctness/useExhaustiveDependencies: open only dispatches; the seat is what matters
	useEffect(() => {
		if (!seat) return;
		let seen = '';
		const read = () => {
			const poll = seat.poll();
			setState({poll, hand: seat.hand()});
			const moment = poll ? `${poll.question.id}|${poll.revealed}` : '';
			if (moment !== seen && poll) open();
			seen = moment;
		};
		read();
		return seat.subscribe(read);
	}, [seat]);
	return state;
}
