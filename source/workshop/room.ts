// The room: who is connected and where each attendee is (the instructor's Room), and where the
// instructor is (the attendees' Leader). Plain data with subscriptions, as the App's contract asks.
import type {Attendee, Leader, Progress, Room} from '../ui/contracts';

/** Attendees step often; the instructor's room view redraws at most this often. */
const ROOM_REDRAW_MS = 100;
const NAME_MAX = 16;
/** The latest incidents the Room panel lists. */
const INCIDENTS_KEPT = 5;

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
	/** "ssh -p 2222 HOST", set once the server listens. */
	address = '';

	constructor(readonly fingerprint: string) {}

	readonly leader: Leader = {
		current: () => this.lead,
		subscribe: listener => {
			this.leaders.add(listener);
			return () => void this.leaders.delete(listener);
		},
	};

	/** The instructor moved: followers move with them at once. */
	setLead(step: number, panel: string, chapter?: string): void {
		if (step === this.lead.step && panel === this.lead.panel && chapter === this.lead.chapter) return;
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
		this.changed();
		return attendee;
	}

	update(id: string, progress: Progress): void {
		const attendee = this.members.get(id);
		if (!attendee) return;
		attendee.progress = progress;
		this.changed();
	}

	leave(id: string): void {
		if (this.members.delete(id)) this.changed();
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
		this.listeners.clear();
		this.leaders.clear();
	}
}
