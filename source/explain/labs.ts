// Which lab shows a setting at work, by the setting's name: `explain` prints "lab: NAME" from
// this table only. It is empty until labs exist; add a line here when one ships, e.g.
//   timeout: 'timeouts',
export const LABS: Partial<Record<string, string>> = {};
