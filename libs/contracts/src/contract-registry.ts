import type { Static, TSchema } from '@sinclair/typebox';
import { ErrorCodes, type FieldProblem } from '@sp/errors';
import { ContractViolationError } from './contract.errors';
import type { EventContract } from './event-contract';
import { schemaProblems, validatorFor } from './schema-validation';
import type { TopicDefinition } from './topics';

/**
 * The contracts a process knows, by CloudEvents type. Each schema is compiled when the registry
 * is built (a broken schema fails at boot, not on the first message) and cached per type.
 */
export class ContractRegistry {
  private readonly byType = new Map<string, EventContract>();

  constructor(contracts: EventContract[]) {
    for (const contract of contracts) {
      if (this.byType.has(contract.type)) {
        throw new Error(`Event type ${contract.type} is registered twice`);
      }
      validatorFor(contract.schema); // compiles both validators now: a broken schema fails at boot
      this.byType.set(contract.type, contract);
    }
  }

  get(type: string): EventContract | undefined {
    return this.byType.get(type);
  }

  /** The contract for `type`, or ContractViolationError CONTRACT.UNKNOWN_TYPE. */
  require(type: string): EventContract {
    const contract = this.byType.get(type);
    if (!contract) {
      throw new ContractViolationError(ErrorCodes.CONTRACT_UNKNOWN_TYPE, `Unknown event type "${type}"`, [
        { field: 'type', code: 'unknown', message: `"${type}" is not a registered event type` },
      ]);
    }
    return contract;
  }

  all(): EventContract[] {
    return [...this.byType.values()];
  }

  /** Distinct topics of the registered contracts, in registration order. */
  topics(): TopicDefinition[] {
    const byName = new Map<string, TopicDefinition>();
    for (const contract of this.byType.values()) {
      if (!byName.has(contract.topic.name)) byName.set(contract.topic.name, contract.topic);
    }
    return [...byName.values()];
  }

  /** Contracts carried on one topic. */
  forTopic(topicName: string): EventContract[] {
    return this.all().filter((c) => c.topic.name === topicName);
  }

  /** Problems with `data` for `type` (empty when valid); throws CONTRACT.UNKNOWN_TYPE for an unknown type. */
  problems(type: string, data: unknown): FieldProblem[] {
    return schemaProblems(this.require(type).schema, data);
  }

  /** Returns `data` typed by its contract, or throws ContractViolationError CONTRACT.INVALID_EVENT. */
  validate<S extends TSchema>(contract: EventContract<S>, data: unknown): Static<S>;
  validate(type: string, data: unknown): unknown;
  validate(typeOrContract: string | EventContract, data: unknown): unknown {
    const contract = typeof typeOrContract === 'string' ? this.require(typeOrContract) : typeOrContract;
    return assertValidData(contract, data);
  }
}

/** Validates an event payload against its contract. */
export function assertValidData<S extends TSchema>(contract: EventContract<S>, data: unknown): Static<S> {
  const problems = schemaProblems(contract.schema, data);
  if (problems.length > 0) {
    throw new ContractViolationError(
      ErrorCodes.CONTRACT_INVALID_EVENT,
      `Invalid ${contract.type} event`,
      problems,
    );
  }
  return data as Static<S>;
}
