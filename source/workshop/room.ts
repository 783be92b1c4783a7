// The room: who is connected and where each attendee is (the instructor's Room), and where the
// instructor is (the attendees' Leader). Plain data with subscriptions, as the App's contract asks.
import type {LabState} from '../labs/machine';
import type {LabId, LabStep} from '../labs/types';
import type {Attendee, Leader, PollQuestion, PollView, Progress, Room, Seat} from '../ui/contracts';
import {Poll} from './poll';
import {DRAFT_MAX, labQuestion, RoomLab} from './room-lab';

type Tally = NonNullable<NonNullable<PollView['lab']>['tally']>;

/** Attendees step often; the instructor's room view redraws at most this often. */
const ROOM_REDRAW_MS = 100;
const NAME_MAX = 16;
/** The latest incidents the Room panel lists. */
const INCIDENTS_KEPT = 5;
/** While a hand is up, the room redraws this often: it says for how long. */
const HAND_TICK_MS = 1000;
/** Workers whose served-by tally is kept (the newest pids; a long workshop recycles many). */
const WORKERS_KEPT = 64;

/** Everyone who joined, kept after they leave: the results name them all. */
export interface Member {
	id: string;
	name: string;
	joined: number;
	left?: number;
	progress: Progress;
	/** Their tagged requests a worker accepted. */
	requests: number;
	/** How often they raised a hand. */
	hands: number;
}

/** "1 attendee", "3 attendees". */
export const attendeeCount = (n: number) => `${n} attendee${n === 1 ? '' : 's'}`;

/** An attendee's name from their SSH user name: printable, short, never empty. */
export function attendeeName(user: string): string {
	const clean = [...user.replace(/[\p{C}\s]+/gu, ' ').trim()].slice(0, NAME_MAX).join('');
	return clean || 'attendee';
}

export class WorkshopRoom implements Room {
	private readonly members = new Map<string, Attendee>();
	private readonly listeners = new Set<() => void>();
	private readonly leaders = new Set<() => void>();
	private redraw?: NodeJS.Timeout;
	private lead: {chapter?: string; step: number; panel: string} = {step: 1, panel: 'flow'};
	private nextId = 1;
	private readonly errors: string[] = [];
	private readonly everyone = new Map<string, Member>();
	private readonly raised = new Map<string, number>();
	private handTicker?: NodeJS.Timeout;
	private readonly seats = new Map<string, Set<() => void>>();
	private readonly servedBy = new Map<number, Map<string, number>>();
	readonly polls: Poll[] = [];
	readonly started = Date.now();
	/** "ssh -p 2222 HOST", set once the server listens. */
	address = '';
	/** --room-controls: attendees may do the led lab's steps too. */
	controls = false;
	private readonly labActs = new Set<(lab: LabId, step: LabStep) => void>();

	constructor(readonly fingerprint: string) {}

	readonly leader: Leader = {
		current: () => this.lead,
		subscribe: listener => {
			this.leaders.add(listener);
			return () => void this.leaders.delete(listener);
		},
	};

	/** Set once the instructor has moved since the workshop opened: whoever joins after that is late. */
	underway = false;
	private placed = false;

	/** The instructor moved: followers move with them at once. */
	setLead(step: number, panel: string, chapter?: string): void {
		if (step === this.lead.step && panel === this.lead.panel && chapter === this.lead.chapter)
			return void (this.placed = true);
		if (this.placed) this.underway = true;
		this.placed = true;
		this.lead = {chapter, step, panel};
		for (const listener of [...this.leaders]) listener();
	}

	join(user: string): Attendee {
		const base = attendeeName(user);
		const taken = new Set([...this.members.values()].map(a => a.name));
		let name = base;
		for (let n = 2; taken.has(name); n++) name = `${base}#${n}`;
		const attendee: Attendee = {
			id: String(this.nextId++),
			name,
			progress: {step: 1, panel: 'flow', answers: {}, following: false},
		};
		this.members.set(attendee.id, attendee);
		this.everyone.set(attendee.id, {
			id: attendee.id,
			name,
			joined: Date.now(),
			progress: attendee.progress,
			requests: 0,
			hands: 0,
		});
		this.changed();
		return attendee;
	}

	update(id: string, progress: Progress): void {
		const attendee = this.members.get(id);
		if (!attendee) return;
		attendee.progress = progress;
		const member = this.everyone.get(id);
		if (member) member.progress = progress;
		this.changed();
	}

	leave(id: string): void {
		if (!this.members.delete(id)) return;
		const member = this.everyone.get(id);
		if (member) member.left = Date.now();
		this.raised.delete(id);
		this.current?.leave(id);
		this.seats.delete(id);
		this.changed();
	}

	/** Everyone who joined, in the order they came, with where they got to. */
	roster(): Member[] {
		return [...this.everyone.values()];
	}

	// Polls --------------------------------------------------------------------------------------

	private get current(): Poll | undefined {
		return this.polls.at(-1);
	}

	/** The instructor pushes a question: every attendee's screen opens it. A poll still open is closed unrevealed. */
	push(question: PollQuestion): void {
		this.polls.push(new Poll(question, this.polls.length + 1));
		this.toSeats();
	}

	/** A lab led for the room: its prediction is pushed like a question; it is revealed when it has happened. */
	leadLab(id: LabId): void {
		const lab = new RoomLab(id);
		this.polls.push(new Poll(labQuestion(lab.lab), this.polls.length + 1, lab));
		this.toSeats();
	}

	/** The instructor's lab machines moved: the led lab's reveal comes when its machine has observed it. */
	labs(states: Partial<Record<LabId, LabState>>): void {
		const poll = this.current;
		if (!poll?.lab || poll.revealed) return;
		const acting = poll.lab.acting;
		if (poll.lab.hear(states[poll.lab.lab.id])) {
			poll.revealed = true;
			this.toSeats();
		} else if (acting !== poll.lab.acting) this.toSeats();
	}

	onLabAct(listener: (lab: LabId, step: LabStep) => void): () => void {
		this.labActs.add(listener);
		return () => void this.labActs.delete(listener);
	}

	/** The instructor's `e`: a lab's poll is revealed by what happens, not by a key. */
	reveal(): void {
		const poll = this.current;
		if (!poll || poll.revealed || poll.lab) return;
		poll.revealed = true;
		this.toSeats();
	}

	poll(): PollView | undefined {
		const poll = this.current;
		if (!poll) return undefined;
		const view = poll.view();
		if (!poll.lab || !view.lab) return view;
		return {...view, lab: {...view.lab, tally: this.labTally(poll), by: [...poll.lab.by]}};
	}

	/** Who predicted (not what), and once revealed how each came out, by name: those here, and who left after. */
	private labTally(poll: Poll): Tally {
		const tally: Tally = {predicted: [], waiting: [], right: [], wrong: [], none: []};
		for (const m of this.everyone.values()) {
			const mine = poll.answers.get(m.id);
			if (poll.gone.has(m.id) || (!this.members.has(m.id) && mine === undefined)) continue;
			const outcome = poll.revealed ? poll.lab!.outcome(m.id, mine) : undefined;
			const key: keyof Tally = !poll.revealed
				? mine === undefined
					? 'waiting'
					: 'predicted'
				: outcome === 'right' || outcome === 'wrong'
					? outcome
					: 'none';
			tally[key].push(m.name);
		}
		return tally;
	}

	/** An attendee's link to the room. */
	seat(id: string): Seat {
		return {
			poll: () => {
				const view = this.current?.view(id);
				return view?.lab && this.controls ? {...view, lab: {...view.lab, controls: true}} : view;
			},
			answer: option => {
				const poll = this.current;
				const typed = poll?.lab?.drafts.get(id);
				const chosen = option ?? (typed === undefined ? undefined : Number.parseFloat(typed));
				if (!this.members.has(id) || chosen === undefined || !poll?.answer(id, chosen)) return;
				this.toSeat(id);
				this.changed();
			},
			act: (lab, step) => {
				const poll = this.current;
				if (!this.controls || !this.members.has(id) || poll?.lab?.lab.id !== lab || poll.revealed) return false;
				for (const listener of [...this.labActs]) listener(lab, step);
				poll.lab.by.add(this.members.get(id)!.name);
				this.changed();
				return this.labActs.size > 0;
			},
			type: text => {
				const poll = this.current;
				if (!this.members.has(id) || !poll?.numeric || poll.revealed) return;
				const draft = text.slice(0, DRAFT_MAX);
				if (draft === (poll.lab!.drafts.get(id) ?? '')) return;
				poll.lab!.drafts.set(id, draft);
				this.toSeat(id);
			},
			hand: () => this.raised.get(id),
			toggleHand: () => this.toggleHand(id),
			subscribe: listener => {
				const set = this.seats.get(id) ?? new Set();
				this.seats.set(id, set);
				set.add(listener);
				return () => void set.delete(listener);
			},
		};
	}

	private toSeat(id: string): void {
		for (const listener of [...(this.seats.get(id) ?? [])]) listener();
	}

	private toSeats(): void {
		for (const id of [...this.seats.keys()]) this.toSeat(id);
		this.changed();
	}

	// Hands --------------------------------------------------------------------------------------

	private toggleHand(id: string): void {
		if (!this.members.has(id)) return;
		if (this.raised.delete(id)) return this.handsChanged(id);
		this.raised.set(id, Date.now());
		const member = this.everyone.get(id);
		if (member) member.hands++;
		this.handsChanged(id);
	}

	hands(): Array<{name: string; since: number}> {
		return [...this.raised].map(([id, since]) => ({name: this.members.get(id)?.name ?? '?', since}));
	}

	/** The instructor answers the oldest raised hand. */
	clearHand(): void {
		const oldest = this.raised.keys().next();
		if (oldest.done) return;
		this.raised.delete(oldest.value);
		this.handsChanged(oldest.value);
	}

	private handsChanged(id: string): void {
		this.toSeat(id);
		this.changed();
		if (this.raised.size && !this.handTicker)
			this.handTicker = setInterval(() => this.changed(), HAND_TICK_MS).unref();
		if (!this.raised.size && this.handTicker) {
			clearInterval(this.handTicker);
			this.handTicker = undefined;
		}
	}

	// The shared server --------------------------------------------------------------------------

	served(): Map<number, Map<string, number>> {
		return this.servedBy;
	}

	/** A worker accepted a request tagged with this name. */
	tally(name: string, pid: number): void {
		const tally = this.servedBy.get(pid) ?? new Map<string, number>();
		if (!this.servedBy.has(pid)) {
			this.servedBy.set(pid, tally);
			if (this.servedBy.size > WORKERS_KEPT) this.servedBy.delete(this.servedBy.keys().next().value as number);
		}
		tally.set(name, (tally.get(name) ?? 0) + 1);
		const member = [...this.members.values()].find(a => a.name === name);
		const record = member && this.everyone.get(member.id);
		if (record) record.requests++;
		this.changed();
	}

	/** Something went wrong in one session (it was closed): kept for the Room panel, and logged. */
	incident(line: string, log?: (line: string) => void): void {
		const stamped = `${new Date().toTimeString().slice(0, 8)} ${line}`;
		this.errors.push(stamped);
		this.errors.splice(0, this.errors.length - INCIDENTS_KEPT);
		log?.(stamped);
		this.changed();
	}

	incidents(): string[] {
		return [...this.errors];
	}

	get size(): number {
		return this.members.size;
	}

	summary(): string {
		// Address and fingerprint first: they fit 80 columns whole; the count is also in the table below.
		return `${this.address} · ${this.fingerprint} · ${attendeeCount(this.members.size)} connected`;
	}

	attendees(): Attendee[] {
		return [...this.members.values()];
	}

	subscribe(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => void this.listeners.delete(listener);
	}

	private changed(): void {
		this.redraw ??= setTimeout(() => {
			this.redraw = undefined;
			for (const listener of [...this.listeners]) listener();
		}, ROOM_REDRAW_MS).unref();
	}

	close(): void {
		clearTimeout(this.redraw);
		clearInterval(this.handTicker);
		this.seats.clear();
		this.listeners.clear();
		this.leaders.clear();
	}
}
