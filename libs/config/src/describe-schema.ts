/**
 * Turns the JSON Schema of one environment variable into a short English phrase for error
 * messages ("integer between 1 and 65535"), so an operator can fix the value without reading code.
 */
export function describeSchema(schema: unknown): string {
  if (typeof schema !== 'object' || schema === null) return 'a valid value';
  const s = schema as Record<string, unknown>;
  // A schema may say in words what a regex says in symbols: `{ pattern, expectation: 'host:port list' }`.
  if (typeof s.expectation === 'string') return s.expectation;
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  const variants = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined;
  if (variants) return variants.map(describeSchema).join(' or ');
  switch (s.type) {
    case 'integer':
    case 'number':
      return `${s.type}${describeRange(s)}`;
    case 'boolean':
      return 'true or false';
    case 'string':
      return `string${describeString(s)}`;
    case 'array':
      return `list${s.items ? ` of ${describeSchema(s.items)}` : ''}`;
    default:
      return typeof s.description === 'string' ? s.description : 'a valid value';
  }
}

function describeRange(s: Record<string, unknown>): string {
  const min = typeof s.minimum === 'number' ? s.minimum : undefined;
  const max = typeof s.maximum === 'number' ? s.maximum : undefined;
  const parts: string[] = [];
  if (min !== undefined && max !== undefined) parts.push(`between ${min} and ${max}`);
  else if (min !== undefined) parts.push(`>= ${min}`);
  else if (max !== undefined) parts.push(`<= ${max}`);
  if (typeof s.exclusiveMinimum === 'number') parts.push(`> ${s.exclusiveMinimum}`);
  if (typeof s.exclusiveMaximum === 'number') parts.push(`< ${s.exclusiveMaximum}`);
  return parts.length > 0 ? ` ${parts.join(' and ')}` : '';
}

function describeString(s: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof s.format === 'string') parts.push(`in ${s.format} format`);
  if (typeof s.pattern === 'string') parts.push(`matching /${s.pattern}/`);
  const min = typeof s.minLength === 'number' ? s.minLength : undefined;
  const max = typeof s.maxLength === 'number' ? s.maxLength : undefined;
  if (min !== undefined && max !== undefined) parts.push(`of ${min} to ${max} characters`);
  else if (min === 1) parts.push('that is not empty');
  else if (min !== undefined) parts.push(`of at least ${min} characters`);
  else if (max !== undefined) parts.push(`of at most ${max} characters`);
  return parts.length > 0 ? ` ${parts.join(' ')}` : '';
}
