// Whose request it was, in a workshop with one server for the room: each attendee's requests
// carry `?by=NAME` (both servers report the query in request.accepted), and the table, the
// narration and the room read it back from there.
export const TAG = 'by';

/** The name a query carries, and the query without it (undefined: none left). */
export function whose(query: string | undefined): {name?: string; rest?: string} {
	if (!query?.includes(`${TAG}=`)) return {rest: query};
	const params = new URLSearchParams(query);
	const name = params.get(TAG) ?? undefined;
	params.delete(TAG);
	const rest = params.toString();
	return {name, rest: rest || undefined};
}

/** "GET /slow?s=5 from alice": the target as the learner reads it. */
export function target(method: string, path: string, query: string | undefined): string {
	const {name, rest} = whose(query);
	return `${method} ${path}${rest ? `?${rest}` : ''}${name ? ` from ${name}` : ''}`;
}
