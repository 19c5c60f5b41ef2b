// The role table of docs/product.md §10, to decide which buttons to show. The server enforces it regardless.
const IMPLIED = { viewer: ['viewer', 'operator', 'admin'], operator: ['operator', 'admin'], admin: ['admin'] };

export function hasRole(me, role) {
  const roles = new Set((me.roles ?? []).map((r) => r.toLowerCase()));
  return (IMPLIED[role] ?? [role]).some((r) => roles.has(r));
}
