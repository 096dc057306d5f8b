/**
 * db.statement for MongoDB spans: the command's shape without its values, cheap to make
 * whatever the command holds. Values become "?", an array becomes "[n]" (a batch of 500
 * documents costs as little as one), nesting stops at the third level.
 *
 *   { insert: 'logs', documents: [...500] }   -> {"insert":"?","documents":"[500]"}
 *   { find: 'logs', filter: { name: 'x' } }   -> {"find":"?","filter":{"name":"?"}}
 */
const MAX_DEPTH = 3;
const MAX_KEYS = 20;

export function mongoStatementShape(command: Record<string, unknown>): string {
  return JSON.stringify(shapeOf(command, 1));
}

function shapeOf(value: unknown, depth: number): unknown {
  if (Array.isArray(value)) return `[${value.length}]`;
  if (typeof value !== 'object' || value === null || isBsonValue(value)) return '?';
  if (depth > MAX_DEPTH) return '{...}';
  const shape: Record<string, unknown> = {};
  let keys = 0;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    if (++keys > MAX_KEYS) {
      shape['...'] = '?';
      break;
    }
    shape[key] = shapeOf((value as Record<string, unknown>)[key], depth + 1);
  }
  return shape;
}

/** ObjectId, Date, Long, Binary...: a value, not a sub-document. */
function isBsonValue(value: object): boolean {
  return value instanceof Date || '_bsontype' in value;
}
