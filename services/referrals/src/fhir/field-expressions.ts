import type { FieldProblem } from '@sp/errors';

/**
 * Where each field of the JSON intake model (`patient.nhsNumber`, `needs[1]`, `consent.given`...)
 * came from in the FHIR payload the client sent, as FHIRPath. Errors raised behind the operations
 * boundary name intake fields; the OperationOutcome must name the client's own elements.
 */
export class FieldExpressions {
  private readonly byField = new Map<string, string>();

  /** `root`: the expression named when nothing more precise is known (the resource sent). */
  constructor(readonly root: string) {}

  set(field: string, expression: string): void {
    this.byField.set(field, expression);
  }

  /** The most precise known expression: the field, else its nearest known parent, else the root. */
  expressionFor(field: string): string {
    let current = field;
    while (current !== '') {
      const found = this.byField.get(current);
      if (found !== undefined) return found;
      const cut = Math.max(current.lastIndexOf('.'), current.lastIndexOf('['));
      current = cut > 0 ? current.slice(0, cut) : '';
    }
    return this.root;
  }

  /** The same problems, each naming the FHIRPath of its field. */
  translate(problems: readonly FieldProblem[]): FieldProblem[] {
    return problems.map((p) => ({ ...p, field: this.expressionFor(p.field) }));
  }
}
